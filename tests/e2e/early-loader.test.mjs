// HubSpot's loader requested at load(), before the wasm runs: the package's entry inserts it
// where the settings given in code make the outcome certain, and the Rust plugin adopts that
// element. Both sides must derive the same script from the same settings, and the entry must
// insert nothing where the Rust plugin would insert nothing (invalid settings, consent that holds
// HubSpot back, Segment's own HubSpot destination, an embed or a running tracker on the page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
const BLANK = '/tests/e2e/fixtures/blank.html';

/**
 * In the page: a plugin for `settings` loaded with a stand-in of analytics-next's instance.
 * Returns the loader the entry inserted at load() (before the wasm ran; then removed, so that the
 * Rust plugin decides on its own) and the one the Rust plugin inserted.
 */
async function bothRules({ settings, analytics, embed, running }) {
  const mod = await import('/pkg/hubspot_wasm.js');
  if (embed) document.head.append(Object.assign(document.createElement('script'), { type: 'text/plain', id: 'hs-script-loader' }));
  // HubSpot's tracker already running, however it came: its `push` replaced.
  if (running) window._hsq = Object.assign([], { push() {} });
  const script = () => {
    const element = document.querySelector('script#hs-script-loader[src]');
    return element && { src: element.src, nonce: element.nonce, async: element.async, defer: element.defer };
  };
  const plugin = mod.hubspotPlugin(settings);
  let settled = false;
  const loaded = plugin.load({}, { on() {}, queue: { plugins: [] }, settings: { cdnSettings: { integrations: {} } }, ...analytics });
  loaded.then(
    () => (settled = true),
    () => (settled = true),
  );
  const early = script();
  document.querySelector('script#hs-script-loader[src]')?.remove();
  for (const until = Date.now() + 3000; !settled && !script() && Date.now() < until; ) await new Promise((ok) => setTimeout(ok, 10));
  return { early, rust: script() };
}

// A small deterministic generator (mulberry32), so that a failure names a case that repeats.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ABSENT = Symbol('absent');
// The keys the entry reads, each from values of every kind; then keys it leaves to the Rust
// plugin (each present in some cases), and the analytics instances and pages around them.
const PLAIN = {
  portalId: ['62515', 62515, ' 62515\n', 0, '12', 7, '6251a', '', null, -1, 1.5, '\u00a062515', '\u0663', [62515], ABSENT],
  region: [ABSENT, ABSENT, ABSENT, ABSENT, 'eu1', 'EU1', ' ap1 ', 'na2', 'na1', 'xx', '', 5, null],
  enableEuropeanDataCenter: [ABSENT, ABSENT, ABSENT, ABSENT, true, false, 'yes', null],
  nonce: [ABSENT, ABSENT, ABSENT, 'n0nce', '', 5],
  disableCookieBanner: [ABSENT, ABSENT, ABSENT, true, false, 1],
  customBehavioralEvents: [ABSENT, ABSENT, ABSENT, true, 'no'],
};
const OTHERS = {
  trackerUrl: ['/self-hosted/hubspot.js', 'javascript:alert(1)'],
  consentCategories: [['C0002'], 'C0002'],
  loadFormsSdk: [true, 'yes'],
  loadTimeoutMs: [5000, -1],
  trackFormSubmissions: [true],
  somethingElse: [1],
};
const ANALYTICS = [
  {},
  {},
  {},
  {},
  { settings: { cdnSettings: { integrations: { HubSpot: { portalId: '7', consentSettings: { categories: ['C0004'] } } } } } },
  { settings: { cdnSettings: { integrations: { 'HubSpot Web (Actions)': { portalId: '7' } } } } },
  { queue: { plugins: [{ name: 'HubSpot Web (Actions)' }] } },
];

function cases(count) {
  const next = random(27);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const out = [
    { settings: { portalId: '62515' } },
    { settings: { portalId: 62515, region: 'eu1', nonce: 'n0nce' } },
    { settings: { portalId: '62515', enableEuropeanDataCenter: true } },
    { settings: { portalId: '62515' }, embed: true },
    { settings: { portalId: '62515' }, running: true },
  ];
  // Half of them with the entry's keys only, on a plain page; half with anything around them.
  while (out.length < count) {
    const anything = out.length % 2 === 0;
    const settings = {};
    for (const [key, choices] of Object.entries(PLAIN)) {
      const value = pick(choices);
      if (value !== ABSENT) settings[key] = value;
    }
    for (const [key, choices] of Object.entries(OTHERS)) if (anything && next() < 0.15) settings[key] = pick(choices);
    out.push({ settings, analytics: anything ? pick(ANALYTICS) : {}, embed: anything && next() < 0.1, running: anything && next() < 0.1 });
  }
  return out;
}

test('the entry and the Rust plugin derive the same loader script from the same settings, and the entry adds none where the Rust plugin adds none', async () => {
  const visit = await harness.open(BLANK, { tracker: 'hold', classicTracker: 'hold' });
  await visit.page.evaluate(`window.bothRules = ${bothRules}`);
  let early = 0;
  for (const [i, c] of cases(160).entries()) {
    // A fresh document per case: the wasm and its plugin start anew, nothing is on the page.
    await visit.page.goto(harness.url(BLANK));
    await visit.page.evaluate(`window.bothRules = ${bothRules}`);
    const { early: js, rust } = await visit.page.evaluate((c) => window.bothRules(c), c);
    const name = `case ${i}: ${JSON.stringify(c)}`;
    if (js) {
      early += 1;
      assert.deepEqual(js, rust, `${name}: the entry's early script is the Rust plugin's`);
    }
    if (i < 3) assert.ok(js, `${name}: plain settings are requested early`);
    if (i === 3 || i === 4) assert.equal(js, null, `${name}: HubSpot on the page already: nothing early`);
  }
  assert.ok(early >= 10, `only ${early} cases were requested early`);
  assert.deepEqual(visit.errors.map(String), []);
});

test('the loader is requested at load(), before the wasm has arrived; the Rust plugin adopts it (one script), and the events reach HubSpot', async () => {
  const visit = await harness.open(BLANK);
  let release;
  const wasmHeld = new Promise((ok) => (release = ok));
  await visit.page.route('**/*.wasm', async (route) => {
    await wasmHeld;
    await route.continue();
  });
  await visit.page.evaluate(async () => {
    const { hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    window.plugin = hubspotPlugin({ portalId: '62515', region: 'eu1' });
    window.loaded = window.plugin.load({}, { on() {}, queue: { plugins: [] }, settings: { cdnSettings: { integrations: {} } } });
    window.plugin.track({ event: { type: 'track', event: 'Early Bird', properties: {} } });
  });
  // The preconnects, then the loader and the tracker it adds, all while the wasm is held.
  const hints = await visit.page.evaluate(() => [...document.querySelectorAll('link[rel=preconnect]')].map((l) => l.href));
  assert.deepEqual(hints, ['https://js-eu1.hs-scripts.com/', 'https://js-eu1.hs-analytics.net/']);
  await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'pageView'));
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    ['https://js-eu1.hs-scripts.com/62515.js'],
  );
  assert.match(visit.requestsTo('classicTracker')[0]?.url ?? '', /^https:\/\/js-eu1\.hs-analytics\.net\/analytics\/\d+\/62515\.js$/);
  assert.equal(
    await visit.page.evaluate(() => window.__hubspot.sent.some((s) => s.kind === 'customEvent')),
    false,
    'no event before the wasm',
  );
  release();
  await visit.page.evaluate(() => window.loaded);
  await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'customEvent'));
  const sent = await visit.sent();
  assert.deepEqual(
    sent.filter((s) => s.kind === 'customEvent').map((s) => s.name),
    ['pe62515_early_bird'],
  );
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 1, 'one loader script');
  assert.equal((await visit.hubspot()).loads, 1);
  assert.deepEqual(visit.errors.map(String), []);
  assert.deepEqual(visit.unexpectedRequests, []);
});

test('a loader requested early that fails: load() rejects naming its URL, as for one the Rust plugin inserted', async () => {
  const visit = await harness.open(BLANK, { tracker: 'abort' });
  const outcome = await visit.page.evaluate(async () => {
    const { hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    const plugin = hubspotPlugin({ portalId: '62515' });
    const early = plugin.load({}, { on() {}, queue: { plugins: [] }, settings: { cdnSettings: { integrations: {} } } });
    const inserted = document.querySelectorAll('script#hs-script-loader').length;
    return early.then(
      () => 'resolved',
      (e) => `${inserted} ${e.message}`,
    );
  });
  assert.match(outcome, /^1 HubSpot's tracking code could not be loaded from https:\/\/js\.hs-scripts\.com\/62515\.js/);
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.deepEqual(visit.errors.map(String), []);
});
