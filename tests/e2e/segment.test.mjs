// README, A Segment site, on a real Segment site: analytics-next loads the workspace's settings from Segment's CDN
// (served locally by the harness through analytics-next's `cdnURL`) and, with them, whatever
// Segment itself runs for that workspace: its classic HubSpot destination in device mode, or
// HubSpot Web (Actions) as a remote plugin (both as stand-ins, tests/e2e/stand-ins/). Our plugin
// is registered beside a second destination, the Recorder, which records what it received.
//
// Covered: settings taken from the workspace when the code gives no portal ID (Classic and Actions
// settings, code winning key by key), no portal ID anywhere, Segment's own HubSpot destination on
// the same page (one warning, one tracker, every event once), the load-time switch that turns
// Segment's classic HubSpot off, and the per-event opt-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from './harness.mjs';

const harness = useHarness();
// A broken build must fail a test, not hang the run (page.evaluate waits as long as the page does).
const LIMIT = { timeout: 30_000 };
const PORTAL = '62515';
const WRITE_KEY = 'e2e-write-key';
const ACTIONS_URL = 'https://cdn.segment.com/next-integrations/actions/hubspot-web/5c1ab1f3a3b2d9e1.js';
const OUR_NAME = 'hubspot-wasm';

// The fixes the warning must name (the contract's wording).
const CLASSIC_FIX = "integrations: { HubSpot: false, 'hubspot-wasm': true }";
const ACTIONS_FIX = "integrations: { 'HubSpot Web (Actions)': false, 'hubspot-wasm': true }";

/**
 * The settings Segment's CDN serves for a workspace (GET /v1/projects/<writeKey>/settings):
 * Segment.io always; `classic`: HubSpot (Classic) with these settings, in device mode unless they
 * say otherwise; `actions`: HubSpot Web (Actions) with these settings, as an integrations entry
 * and as the remote plugin analytics-next loads.
 */
function workspace({ classic, actions } = {}) {
  const settings = { integrations: { 'Segment.io': { apiKey: WRITE_KEY } }, remotePlugins: [] };
  if (classic) {
    settings.integrations.HubSpot = {
      type: 'browser',
      bundlingStatus: 'bundled',
      versionSettings: { version: '2.3.6', componentTypes: ['browser'] },
      ...classic,
    };
  }
  if (actions) {
    settings.integrations['HubSpot Web (Actions)'] = { versionSettings: { componentTypes: [] }, ...actions };
    settings.remotePlugins.push({
      name: 'HubSpot Web (Actions)',
      creationName: 'HubSpot Web (Actions)',
      libraryName: 'hubspot-webDestination',
      url: ACTIONS_URL,
      settings: {
        ...actions,
        // The destination's presets, with the default mappings the Segment app saves for them.
        subscriptions: [
          {
            partnerAction: 'trackCustomBehavioralEvent',
            subscribe: 'type = "track"',
            enabled: true,
            mapping: { name: { '@path': '$.event' }, properties: { '@path': '$.properties' } },
          },
          {
            partnerAction: 'upsertContact',
            subscribe: 'type = "identify"',
            enabled: true,
            mapping: { email: { '@path': '$.traits.email' }, id: { '@path': '$.userId' }, custom_properties: { '@path': '$.traits' } },
          },
          { partnerAction: 'trackPageView', subscribe: 'type = "page"', enabled: true, mapping: {} },
        ],
      },
    });
  }
  return settings;
}

/**
 * Opens the no-bundler fixture with Segment's CDN serving `settings`, and starts analytics-next
 * as a Segment site does: fixture.load(code, { analyticsOptions }) — our plugin with the `code`
 * settings, and the Recorder. Resolves once analytics-next has loaded.
 */
async function site(settings, code, { analyticsOptions = {}, hubspot = true, ...visitOptions } = {}) {
  const visit = await harness.openFixture('esm', { segment: { settings }, ...visitOptions });
  await visit.page.evaluate(([code, options]) => fixture.load(code, options), [code, { analyticsOptions, hubspot }]);
  return visit;
}

/** How our plugin's load() settled: { state: 'resolved' | 'rejected', message }. */
async function loadOutcome(visit) {
  return visit.until(() => fixture.loads[0]?.state !== 'pending' && fixture.loads[0]);
}

/** page, identify and track, each awaited (delivered to every destination) before the next. */
function calls(visit, { event = 'Signed Up' } = {}) {
  return visit.page.evaluate(async (event) => {
    await analytics.page();
    await analytics.identify('ann-1', { email: 'ann@example.com', firstName: 'Ann' });
    await analytics.track(event, { plan: 'pro' });
  }, event);
}

/**
 * `calls()`, then a second page, waited for at HubSpot, and room for a second delivery of
 * anything, should there be one: what the delivery-once tests make.
 */
async function callsThenSecondPage(visit) {
  await calls(visit);
  await visit.page.evaluate(() => analytics.page({ path: '/second' }));
  await visit.until(() => window.__hubspot?.sent.some((s) => s.path === '/second'));
  await new Promise((ok) => setTimeout(ok, 300));
}

/** What HubSpot received (`received()`) from ours for `callsThenSecondPage()`, each call once, in
 *  order: HubSpot's own initial page view (ours sends none for the first page), the event with
 *  the identity, the second page. */
const EACH_ONCE = () => [
  ['pageView', '/tests/e2e/fixtures/esm.html', null, true],
  ['customEvent', eventName('Signed Up'), 'ann@example.com', false],
  ['pageView', '/second', 'ann@example.com', false],
];

/** The HubSpot custom behavioral event name our plugin sends for a Segment event name. */
const eventName = (event) => `pe${PORTAL}_${event.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;

/**
 * The _hsq commands the page's code pushed (ours or Segment's), in the order the tracker processed
 * them: the log without the tracker script's own ['setPortalId', N] and its automatic
 * ['trackPageView'] (HubSpot's script appends both after the page's queue and processes them at
 * start-up; the automatic view is the one sent as `initial`). '<function>' entries are kept: they
 * are pushed by the page too.
 */
function pageCommands(log) {
  const commands = log?.commands ?? [];
  const started = commands.some(([name]) => name === 'setPortalId');
  // The automatic page view is ['trackPageView'] like any other: dropping any one of them leaves
  // the same counts, and the controls below only look at counts and at `sent` for the order.
  let automatic = started ? 1 : 0;
  return commands.filter(([name]) => {
    if (name === 'setPortalId') return false;
    if (name === 'trackPageView' && automatic > 0) return ((automatic -= 1), false);
    return true;
  });
}

/** Commands the page's code pushed to HubSpot's _hsq (pageCommands), by name: { trackPageView: n, … }. */
async function commandCounts(visit) {
  const counts = {};
  for (const [name] of pageCommands(await visit.hubspot())) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** What HubSpot's servers received, as [kind, event name or id or path, identity email, initial]. */
async function received(visit) {
  return (await visit.sent()).map((s) => [s.kind, s.name ?? s.id ?? s.path, s.identity?.email ?? null, s.initial]);
}

/** The HubSpot script tags a page or a plugin embedded, by id: the loader's, or the tracker's
 *  where it came without a loader (the tracker a loader adds, `#hs-analytics`, is its chain). */
function hubspotScripts(visit) {
  return visit.page.evaluate(() =>
    [...document.querySelectorAll('script[src*="hs-scripts.com"], script[src*="hs-analytics.net"]')]
      .filter((s) => !(s.id === 'hs-analytics' && document.getElementById('hs-script-loader')))
      .map((s) => ({ id: s.id, src: s.src })),
  );
}

/**
 * Waits until analytics-next has built Segment's classic integration (its code fetched from the
 * CDN). A page() delivered before that never initializes it, in analytics-next itself: its
 * LegacyDestination starts an integration that waits for a page view only from page(), and only
 * once the integration exists; the page() then waits for ever. The race is analytics-next's, and
 * these tests are about the stand-in and about ours, so they wait it out.
 */
function classicBuilt(visit) {
  return visit.until(() => window.__segmentHubSpot?.settings);
}

/**
 * page, identify and track on a page where Segment's classic HubSpot runs: the page once its
 * integration is built (above), identify and track once it is ready (its tracker loaded), so
 * that they go straight through rather than after its random buffering delay.
 */
async function callsBesideClassic(visit) {
  await classicBuilt(visit);
  await visit.page.evaluate(() => analytics.page());
  await visit.until(() => window.__segmentHubSpot?.ready);
  await visit.page.evaluate(async () => {
    await analytics.identify('ann-1', { email: 'ann@example.com', firstName: 'Ann' });
    await analytics.track('Signed Up', { plan: 'pro' });
  });
}

function segmentWarnings(visit) {
  return visit.warnings.filter((w) => w.includes("Segment's HubSpot"));
}

// ---- Controls: Segment's own destinations, alone, behave as Segment's do ----

test(
  "control: Segment's classic HubSpot alone loads the tracker from hs-analytics.net and pushes page, identify and track",
  LIMIT,
  async () => {
    const visit = await site(workspace({ classic: { portalId: PORTAL } }), null, { hubspot: false });
    await callsBesideClassic(visit);

    const [script] = await hubspotScripts(visit);
    assert.equal(script.id, 'hs-analytics');
    assert.match(script.src, new RegExp(`^https://js\\.hs-analytics\\.net/analytics/\\d+/${PORTAL}\\.js$`));
    await visit.until(() => window.__hubspot?.sent.some((s) => s.id === 'Signed Up'));
    const log = await visit.hubspot();
    // What Segment's destination pushed (HubSpot's script adds its own setPortalId and page view).
    assert.deepEqual(pageCommands(log), [
      ['trackPageView'],
      ['identify', { email: 'ann@example.com', firstname: 'Ann', id: 'ann-1' }],
      ['trackEvent', 'Signed Up', { plan: 'pro', id: 'Signed Up' }],
    ]);
    // What HubSpot received: its own automatic page view AND Segment's (Segment's classic
    // destination pushes trackPageView on the first page too: two views for one page), then the
    // legacy event (k=3), with the identity.
    assert.deepEqual(await received(visit), [
      ['pageView', '/tests/e2e/fixtures/esm.html', null, true],
      ['pageView', '/tests/e2e/fixtures/esm.html', null, false],
      ['event', 'Signed Up', 'ann@example.com', false],
    ]);
    assert.equal(visit.requestsTo('classicTracker').length, 1);
    assert.deepEqual(visit.errors, []);
  },
);

test(
  'control: HubSpot Web (Actions) alone loads hs-scripts.com and pushes page, identify and a custom behavioral event',
  LIMIT,
  async () => {
    const visit = await site(workspace({ actions: { portalId: PORTAL, enableEuropeanDataCenter: false } }), null, { hubspot: false });
    await calls(visit);

    assert.deepEqual(await hubspotScripts(visit), [{ id: 'hs-script-loader', src: `https://js.hs-scripts.com/${PORTAL}.js` }]);
    await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'customEvent'));
    const log = await visit.hubspot();
    // What Segment's destination pushed (HubSpot's script adds its own setPortalId and page view).
    assert.deepEqual(pageCommands(log), [
      ['trackPageView'],
      ['identify', { email: 'ann@example.com', firstName: 'Ann', id: 'ann-1' }],
      ['trackCustomBehavioralEvent', { name: 'Signed Up', properties: { plan: 'pro' } }],
    ]);
    // What HubSpot received: Segment's Actions destination sends the event name as given (not
    // HubSpot's pe<portal>_ form) and pushes its own trackPageView beside HubSpot's automatic one.
    const sent = await received(visit);
    assert.deepEqual(
      sent.filter(([kind]) => kind === 'customEvent'),
      [['customEvent', 'Signed Up', 'ann@example.com', false]],
    );
    assert.equal(sent.filter(([kind, , , initial]) => kind === 'pageView' && !initial).length, 1, JSON.stringify(sent));
    assert.equal(sent.filter(([, , , initial]) => initial).length, 1, JSON.stringify(sent));
    assert.ok(visit.requestsTo('segmentCdn').some((r) => r.url.endsWith('/next-integrations/actions/hubspot-web/5c1ab1f3a3b2d9e1.js')));
    assert.deepEqual(visit.errors, []);
  },
);

// ---- Settings from the workspace ----

test('zero-config from Classic settings: the portal, the region and the Forms SDK come from the workspace', LIMIT, async () => {
  // The recommended setup: Segment's classic HubSpot switched off at load, ours on.
  const visit = await site(
    workspace({ classic: { portalId: PORTAL, enableEuropeanDataCenter: true, loadFormsSdk: true } }),
    {},
    { analyticsOptions: { integrations: { HubSpot: false, [OUR_NAME]: true } } },
  );
  assert.deepEqual(await loadOutcome(visit), { state: 'resolved', message: null, isError: null });
  await calls(visit);
  await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('Signed Up'));

  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    [`https://js-eu1.hs-scripts.com/${PORTAL}.js`],
  );
  assert.deepEqual(
    visit.requestsTo('forms').map((r) => r.url),
    ['https://js-eu1.hsforms.net/forms/embed/v2.js'],
  );
  assert.equal(visit.requestsTo('classicTracker').length, 1, "hs-analytics.net: only the tracker HubSpot's loader adds");
  const log = await visit.hubspot();
  assert.equal(log.portalId, PORTAL);
  // Classic settings too: track is a custom behavioral event (the default now: HubSpot no longer
  // processes the legacy trackEvent Classic used; the old expectation kept trackEvent here).
  const event = log.sent.find((s) => s.name === eventName('Signed Up'));
  assert.equal(event.kind, 'customEvent');
  assert.deepEqual(event.properties, { plan: 'pro' });
  assert.equal(event.identity.email, 'ann@example.com');
  assert.equal(log.sent.filter((s) => s.kind === 'event').length, 0, 'no legacy trackEvent');
  assert.deepEqual(segmentWarnings(visit), []);
  assert.deepEqual(visit.errors, []);
});

test(
  'zero-config from Classic settings in cloud mode: no Segment HubSpot on the page, ours runs (EU data centre, no forms)',
  LIMIT,
  async () => {
    const visit = await site(
      workspace({
        classic: { portalId: PORTAL, enableEuropeanDataCenter: true, type: 'server', versionSettings: { componentTypes: ['server'] } },
      }),
      {},
    );
    assert.equal((await loadOutcome(visit)).state, 'resolved');
    await calls(visit);
    await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('Signed Up'));

    assert.deepEqual(await hubspotScripts(visit), [{ id: 'hs-script-loader', src: `https://js-eu1.hs-scripts.com/${PORTAL}.js` }]);
    assert.equal(visit.requestsTo('forms').length, 0, 'the workspace did not ask for the Forms SDK');
    assert.equal(await visit.segmentHubSpot(), null, "Segment's classic HubSpot never loaded");
    assert.deepEqual(segmentWarnings(visit), []);
    assert.deepEqual(visit.errors, []);
  },
);

test(
  'zero-config from HubSpot Web (Actions) settings: EU, the Forms SDK, custom behavioral events, identify flushed at once',
  LIMIT,
  async () => {
    const visit = await site(
      workspace({ actions: { portalId: PORTAL, enableEuropeanDataCenter: true, loadFormsSDK: true, flushIdentifyImmediately: true } }),
      {},
      { analyticsOptions: { integrations: { 'HubSpot Web (Actions)': false, [OUR_NAME]: true } } },
    );
    assert.equal((await loadOutcome(visit)).state, 'resolved');
    await calls(visit);
    await visit.until(() => window.__hubspot?.commands.some((c) => c[0] === 'trackCustomBehavioralEvent'));

    assert.deepEqual(
      visit.requestsTo('tracker').map((r) => r.url),
      [`https://js-eu1.hs-scripts.com/${PORTAL}.js`],
    );
    assert.deepEqual(
      visit.requestsTo('forms').map((r) => r.url),
      ['https://js-eu1.hsforms.net/forms/embed/v2.js'],
    );
    assert.equal(await visit.segmentHubSpot(), null, "Segment's HubSpot Web (Actions) never loaded");
    assert.ok(!visit.requestsTo('segmentCdn').some((r) => r.url.includes('/actions/hubspot-web/')));

    const log = await visit.hubspot();
    // Actions: track is a custom behavioral event, named as HubSpot wants it (pe<portal>_…).
    assert.deepEqual(
      log.commands.find((c) => c[0] === 'trackCustomBehavioralEvent'),
      ['trackCustomBehavioralEvent', { name: `pe${PORTAL}_signed_up`, properties: { plan: 'pro' } }],
    );
    // flushIdentifyImmediately: the identify goes out at once, with a page view.
    const identify = log.commands.findIndex((c) => c[0] === 'identify');
    assert.ok(identify >= 0, 'identify pushed');
    assert.deepEqual(log.commands[identify + 1], ['trackPageView']);
    // What HubSpot received: its own first page view, the identify's page view with the identity,
    // then the event with it (HubSpot keeps the identity).
    await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'customEvent'));
    assert.deepEqual(await received(visit), [
      ['pageView', '/tests/e2e/fixtures/esm.html', null, true],
      ['pageView', '/tests/e2e/fixtures/esm.html', 'ann@example.com', false],
      ['customEvent', eventName('Signed Up'), 'ann@example.com', false],
    ]);
    assert.deepEqual(segmentWarnings(visit), []);
    assert.deepEqual(visit.errors, []);
  },
);

test("start-up beside analytics-next: its settings request goes out first, then the plugin's wasm request", LIMIT, async () => {
  // hubspotPlugin() starts the wasm a task later: starting it in the same microtasks as
  // AnalyticsBrowser.load() held analytics-next's settings request back by the glue's start-up.
  const visit = await site(workspace(), { portalId: PORTAL });
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  const [settings, wasm] = await visit.page.evaluate(() =>
    ['/settings', '.wasm'].map((end) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.endsWith(end))
        .map((e) => e.startTime),
    ),
  );
  assert.equal(settings.length, 1, 'one settings request');
  assert.equal(wasm.length, 1, 'one wasm request');
  assert.ok(settings[0] < wasm[0], `the settings request (at ${settings[0]} ms) before the wasm's (at ${wasm[0]} ms)`);
  await calls(visit);
  assert.deepEqual(
    (await received(visit)).filter(([kind]) => kind === 'customEvent').map(([, name]) => name),
    [eventName('Signed Up')],
  );
  assert.deepEqual(visit.errors, []);
});

test('settings in code win key by key over the workspace', LIMIT, async () => {
  // The workspace: EU and the Forms SDK; the code: not EU. The portal and the forms stay the workspace's.
  const visit = await site(
    workspace({ classic: { portalId: PORTAL, enableEuropeanDataCenter: true, loadFormsSdk: true } }),
    { enableEuropeanDataCenter: false },
    { analyticsOptions: { integrations: { HubSpot: false, [OUR_NAME]: true } } },
  );
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    [`https://js.hs-scripts.com/${PORTAL}.js`],
  );
  assert.deepEqual(
    visit.requestsTo('forms').map((r) => r.url),
    ['https://js.hsforms.net/forms/embed/v2.js'],
  );
  assert.deepEqual(visit.errors, []);
});

test(
  'no portal ID in the code or the workspace: load() rejects saying so, nothing is injected, other destinations go on',
  LIMIT,
  async () => {
    const visit = await site(workspace(), {});
    const outcome = await loadOutcome(visit);
    assert.equal(outcome.state, 'rejected');
    assert.equal(outcome.isError, true);
    assert.match(outcome.message, /portalId/);
    assert.match(outcome.message, /workspace's HubSpot settings/);

    await calls(visit, { event: 'Still Counted' });
    assert.deepEqual(
      (await visit.recorded()).map((e) => [e.type, e.event ?? null]),
      [
        ['page', null],
        ['identify', null],
        ['track', 'Still Counted'],
      ],
    );
    await visit.segmentEvent('Still Counted');
    assert.deepEqual(await hubspotScripts(visit), []);
    assert.deepEqual(visit.requestsTo('tracker'), []);
    assert.deepEqual(visit.requestsTo('forms'), []);
    assert.equal(await visit.hubspot(), null);
    assert.deepEqual(visit.errors, []);
  },
);

// ---- Segment's own HubSpot destination on the same page ----

test("Segment's classic HubSpot in device mode: one warning with the fix, one tracker (Segment's), each event once", LIMIT, async () => {
  const visit = await site(workspace({ classic: { portalId: PORTAL } }), { portalId: PORTAL });
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  await callsBesideClassic(visit);
  await visit.until(() => window.__hubspot?.commands.some((c) => c[0] === 'trackEvent'));
  await new Promise((ok) => setTimeout(ok, 300)); // room for a second delivery, should there be one

  const warnings = segmentWarnings(visit);
  assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
  assert.ok(warnings[0].includes(CLASSIC_FIX), warnings[0]);
  // One tracker on the page: Segment's hs-analytics; ours injected none.
  const scripts = await hubspotScripts(visit);
  assert.deepEqual(
    scripts.map((s) => s.id),
    ['hs-analytics'],
  );
  assert.equal(visit.requestsTo('tracker').length, 0);
  assert.equal(visit.requestsTo('classicTracker').length, 1);
  assert.equal((await visit.hubspot()).loads, 1);
  // Every event reached HubSpot exactly once (from Segment's destination).
  assert.deepEqual(await commandCounts(visit), { trackPageView: 1, identify: 1, trackEvent: 1 });
  // What HubSpot received: what Segment's destination alone sends (see the control), nothing of ours.
  assert.deepEqual(
    (await received(visit)).filter(([, , , initial]) => !initial),
    [
      ['pageView', '/tests/e2e/fixtures/esm.html', null, false],
      ['event', 'Signed Up', 'ann@example.com', false],
    ],
  );
  assert.deepEqual(
    (await visit.recorded()).map((e) => e.type),
    ['page', 'identify', 'track'],
  );
  assert.deepEqual(visit.errors, []);
});

test("Segment's HubSpot Web (Actions): one warning with the fix, one tracker (Segment's), each event once", LIMIT, async () => {
  // Zero-config here: the plugin finds the Actions settings, and Segment's Actions destination with them.
  const visit = await site(workspace({ actions: { portalId: PORTAL, enableEuropeanDataCenter: false } }), {});
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  await calls(visit);
  await visit.until(() => window.__hubspot?.commands.some((c) => c[0] === 'trackCustomBehavioralEvent'));
  await new Promise((ok) => setTimeout(ok, 300));

  const warnings = segmentWarnings(visit);
  assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
  assert.ok(warnings[0].includes(ACTIONS_FIX), warnings[0]);
  assert.deepEqual(await hubspotScripts(visit), [{ id: 'hs-script-loader', src: `https://js.hs-scripts.com/${PORTAL}.js` }]);
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.equal((await visit.hubspot()).loads, 1);
  assert.deepEqual(await commandCounts(visit), { trackPageView: 1, identify: 1, trackCustomBehavioralEvent: 1 });
  // What HubSpot received: the event once, as Segment's destination names it (ours would send pe<portal>_…).
  const events = (await visit.sent()).filter((s) => s.kind === 'customEvent' || s.kind === 'event');
  assert.deepEqual(
    events.map((s) => s.name ?? s.id),
    ['Signed Up'],
  );
  assert.deepEqual(visit.errors, []);
});

test(
  "a page that already has Segment's classic tracker tag (script#hs-analytics): the same warning, nothing pushed by ours",
  LIMIT,
  async () => {
    // E.g. a page whose classic analytics.js, or a copy of its tag, put HubSpot there: the workspace says nothing.
    const visit = await harness.openFixture('esm', { segment: { settings: workspace() } });
    await visit.page.evaluate(
      () =>
        new Promise((ok) => {
          const tag = document.createElement('script');
          tag.id = 'hs-analytics';
          tag.src = 'https://js.hs-analytics.net/analytics/1700000000000/62515.js';
          tag.onload = ok;
          document.head.append(tag);
        }),
    );
    await visit.page.evaluate((code) => fixture.load(code), { portalId: PORTAL });
    assert.equal((await loadOutcome(visit)).state, 'resolved');
    await calls(visit);
    await new Promise((ok) => setTimeout(ok, 300));

    const warnings = segmentWarnings(visit);
    assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
    assert.ok(warnings[0].includes(CLASSIC_FIX), warnings[0]);
    assert.deepEqual(
      (await hubspotScripts(visit)).map((s) => s.id),
      ['hs-analytics'],
    );
    assert.equal(visit.requestsTo('tracker').length, 0);
    // Ours pushed nothing (not even its start-up function entry): the tracker on the page is
    // Segment's to feed. HubSpot received only its own automatic page view.
    assert.deepEqual(await commandCounts(visit), {});
    assert.deepEqual(await received(visit), [['pageView', '/tests/e2e/fixtures/esm.html', null, true]]);
    assert.deepEqual(visit.errors, []);
  },
);

test(
  "load-time integrations: { All: false } without HubSpot: true keeps Segment's classic HubSpot off: no warning, ours runs",
  LIMIT,
  async () => {
    const visit = await site(
      workspace({ classic: { portalId: PORTAL } }),
      { portalId: PORTAL },
      { analyticsOptions: { integrations: { All: false, 'Segment.io': true, [OUR_NAME]: true } } },
    );
    assert.equal((await loadOutcome(visit)).state, 'resolved');
    await calls(visit);
    await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('Signed Up'));

    assert.equal(await visit.segmentHubSpot(), null);
    assert.deepEqual(
      (await hubspotScripts(visit)).map((s) => s.id),
      ['hs-script-loader'],
    );
    assert.deepEqual(segmentWarnings(visit), []);
    assert.deepEqual(visit.errors, []);
  },
);

test(
  "the load-time switch { HubSpot: false, 'hubspot-wasm': true } keeps Segment's classic HubSpot off while ours runs",
  LIMIT,
  async () => {
    const visit = await site(
      workspace({ classic: { portalId: PORTAL } }),
      { portalId: PORTAL },
      { analyticsOptions: { integrations: { HubSpot: false, [OUR_NAME]: true } } },
    );
    assert.equal((await loadOutcome(visit)).state, 'resolved');
    await callsThenSecondPage(visit);

    assert.equal(await visit.segmentHubSpot(), null, "Segment's classic HubSpot never loaded");
    assert.ok(!visit.requestsTo('segmentCdn').some((r) => r.url.includes('/next-integrations/integrations/hubspot/')));
    assert.deepEqual(
      (await hubspotScripts(visit)).map((s) => s.id),
      ['hs-script-loader'],
    );
    assert.equal(visit.requestsTo('classicTracker').length, 1, "hs-analytics.net: only the tracker HubSpot's loader adds");
    // HubSpot keeps the identity on every request after the event, the second page's too.
    assert.deepEqual(await received(visit), EACH_ONCE());
    assert.deepEqual(segmentWarnings(visit), []);
    assert.deepEqual(visit.errors, []);
  },
);

test('per-event integrations: { HubSpot: false } keeps one event from ours, other events pass', LIMIT, async () => {
  const visit = await site(workspace(), { portalId: PORTAL });
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  await visit.page.evaluate(async () => {
    await analytics.track('Kept Out', {}, { integrations: { HubSpot: false } });
    await analytics.track('Kept Out Too', {}, { integrations: { 'HubSpot Web (Actions)': false } });
    await analytics.track('Let Through', {});
  });
  await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('Let Through'));

  // Events were made in order, so one kept out would have reached HubSpot before 'Let Through'.
  const events = (await visit.sent()).filter((s) => s.kind === 'customEvent' || s.kind === 'event').map((s) => s.name ?? s.id);
  assert.deepEqual(events, [eventName('Let Through')]);
  // The opt-out is HubSpot's only: the Recorder and Segment got all three.
  assert.deepEqual(
    (await visit.recorded()).map((e) => e.event),
    ['Kept Out', 'Kept Out Too', 'Let Through'],
  );
  await visit.segmentEvent('Kept Out');
  assert.deepEqual(visit.errors, []);
});

// ---- Segment's own HubSpot destination blocked: it counts only if it runs ----

/** Where an ad blocker refuses Segment's destinations' code on its CDN. */
const CLASSIC_CODE = /^\/next-integrations\/integrations\/hubspot\//;
const ACTIONS_CODE = /^\/next-integrations\/actions\/hubspot-web\//;

test("Segment's classic HubSpot whose code is blocked: ours delivers every call once, in order, with one warning", LIMIT, async () => {
  const visit = await site(
    workspace({ classic: { portalId: PORTAL } }),
    { portalId: PORTAL },
    { segment: { settings: workspace({ classic: { portalId: PORTAL } }), blocked: CLASSIC_CODE } },
  );
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  // Made at once, while Segment's destination is still loading (and then failing).
  await callsThenSecondPage(visit);

  assert.ok(
    visit.requestsTo('segmentCdn').some((r) => CLASSIC_CODE.test(new URL(r.url).pathname.replace(/^\/segment-cdn/, ''))),
    "Segment's code was asked for",
  );
  assert.equal(await visit.segmentHubSpot(), null, "Segment's classic HubSpot never ran");
  assert.deepEqual(
    (await hubspotScripts(visit)).map((s) => s.id),
    ['hs-script-loader'],
  );
  assert.equal(visit.requestsTo('classicTracker').length, 1, "hs-analytics.net: only the tracker HubSpot's loader adds");
  assert.deepEqual(await received(visit), EACH_ONCE());
  const warnings = segmentWarnings(visit);
  assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
  assert.match(warnings[0], /could not load/);
  assert.ok(warnings[0].includes(CLASSIC_FIX), warnings[0]);
  assert.deepEqual(visit.errors, []);
});

test("Segment's HubSpot Web (Actions) whose code is blocked: ours delivers every call once, in order", LIMIT, async () => {
  const settings = workspace({ actions: { portalId: PORTAL, enableEuropeanDataCenter: false } });
  const visit = await site(settings, {}, { segment: { settings, blocked: ACTIONS_CODE } });
  assert.equal((await loadOutcome(visit)).state, 'resolved');
  await callsThenSecondPage(visit);

  assert.ok(
    visit.requestsTo('segmentCdn').some((r) => r.url.includes('/actions/hubspot-web/')),
    "Segment's code was asked for",
  );
  assert.equal(await visit.segmentHubSpot(), null, "Segment's Actions destination never ran");
  assert.deepEqual(await hubspotScripts(visit), [{ id: 'hs-script-loader', src: `https://js.hs-scripts.com/${PORTAL}.js` }]);
  assert.equal((await visit.hubspot()).loads, 1);
  assert.deepEqual(await received(visit), EACH_ONCE());
  assert.deepEqual(
    segmentWarnings(visit).filter((w) => w.includes('stays quiet')),
    [],
  );
  assert.deepEqual(visit.errors, []);
});

// ---- One plugin per analytics instance ----

test(
  'hubspotPlugin registered twice on one analytics (React StrictMode, hot reload): one delivery, one warning naming the fix',
  LIMIT,
  async () => {
    const visit = await harness.openFixture('esm', { segment: { settings: workspace() } });
    await visit.page.evaluate(async (portalId) => {
      await fixture.start({ portalId });
      await analytics.register(fixture.hubspotPlugin({ portalId }));
    }, PORTAL);
    await callsThenSecondPage(visit);

    assert.deepEqual(await received(visit), EACH_ONCE());
    // Each command once. (The plugin's start-up function entry is left out: it is pushed only
    // where HubSpot's tracker, requested early, is not running yet when the wasm starts.)
    const { '<function>': _startUp, ...counts } = await commandCounts(visit);
    assert.deepEqual(counts, { setPath: 2, trackPageView: 1, identify: 1, trackCustomBehavioralEvent: 1 });
    assert.equal(visit.requestsTo('tracker').length, 1);
    const warnings = visit.warnings.filter((w) => w.includes('another hubspot-wasm plugin'));
    assert.equal(warnings.length, 1, JSON.stringify(visit.warnings));
    assert.match(warnings[0], /Register hubspotPlugin\(\) once/);
    assert.deepEqual(visit.errors, []);
  },
);
