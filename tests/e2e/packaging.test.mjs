// README, Install and register: the same package works bundled by webpack 5 (the www/ demo, used as a person would use
// it) and as a plain <script type="module"> import of /pkg/hubspot_wasm.js with no bundler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ROOT, useHarness } from './harness.mjs';

const harness = useHarness();
/** The package's lean wasm, what a page without the opt-in features fetches. */
const WASM = 'hubspot_wasm_bg.wasm';
/** Its two wasm files, as the build named them. */
const WASMS = readdirSync(`${ROOT}pkg`)
  .filter((f) => f.endsWith('.wasm'))
  .sort();

/** URLs of the .wasm files the page fetched. */
function wasmFetched(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.wasm')),
  );
}

test('webpack 5 bundle: the demo page identifies a visitor on their next event, shown in its panels', async () => {
  const visit = await harness.open('/www/');
  const { page } = visit;
  await page.getByText('plugin: loaded').waitFor({ timeout: 10_000 });
  // webpack emitted the package's wasm files as hashed assets next to the bundle; the demo
  // forwards HubSpot's forms, so it fetched the full one, and only that one.
  assert.deepEqual(WASMS, ['hubspot_wasm_actions_bg.wasm', 'hubspot_wasm_bg.wasm', 'hubspot_wasm_full_bg.wasm']);
  const emitted = readdirSync(`${ROOT}www/dist`)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => f.replace(/\.[0-9a-f]{8}\.wasm$/, '.wasm'))
    .sort();
  assert.deepEqual(emitted, WASMS, 'each emitted, with a content hash');
  assert.match((await wasmFetched(page)).join(), /^\/www\/dist\/hubspot_wasm_full_bg\.[0-9a-f]{8}\.wasm$/);

  // The page's own analytics.page() on load: HubSpot records its automatic page view, once.
  await page.locator('#sent li').first().waitFor();
  assert.equal(await page.locator('#sent li').count(), 1);
  assert.match(await page.locator('#sent li').first().textContent(), /automatic/);

  // The commands panel shows everything HubSpot's tracker processed (its own set-up too): only
  // what the two clicks add is compared.
  const before = await page.locator('#commands .name').count();
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByRole('button', { name: 'Send identify' }).click();
  await page.getByLabel('Event name').fill('Booked Demo');
  await page.getByRole('button', { name: 'Send track' }).click();

  // A custom behavioral event now (the plugin's default), named as HubSpot requires.
  const newest = page.locator('#sent li').first();
  await newest.getByText('pe62515_booked_demo').waitFor();
  assert.equal(await newest.locator('.email').textContent(), 'grace@example.com');
  assert.match(await newest.textContent(), /revenue\s*49/, "revenue 49 arrives as the event's revenue property");

  const commands = (await page.locator('#commands .name').allTextContents()).slice(before);
  assert.deepEqual(commands, ['identify', 'trackCustomBehavioralEvent']);
  const sent = await visit.sent();
  assert.equal(sent.at(-1).kind, 'customEvent');
  assert.equal(sent.at(-1).name, 'pe62515_booked_demo');
  assert.equal(sent.at(-1).identity.email, 'grace@example.com');
  assert.equal(sent.at(-1).identity.company, 'Analytical Engines Ltd');

  // A HubSpot form submitted: forwarded to the demo's other destination, with the listed field only.
  await page.getByRole('button', { name: 'Show a HubSpot form' }).click();
  await page.locator('#hubspot-form input[name="email"]').fill('ada@example.com');
  await page.locator('#hubspot-form input[name="firstname"]').fill('Ada');
  await page.locator('#hubspot-form input[type="submit"]').click();
  await page.locator('#forwarded li').nth(1).waitFor();
  const forwarded = await page.locator('#forwarded li').allTextContents();
  assert.match(forwarded[0], /analytics\.track\s*Form Submitted.*form_id\s*demo-newsletter.*firstname\s*Ada/s);
  assert.match(forwarded[1], /analytics\.identify.*email\s*ada@example\.com/s);
  assert.ok(
    !(await visit.hubspot()).commands.some(([, arg]) => JSON.stringify(arg ?? '').includes('ada@example.com')),
    'kept from HubSpot',
  );

  assert.deepEqual(visit.errors, []);
  assert.deepEqual(visit.requests, [], 'the demo needs no network beyond its own server');
});

test('plain ES module, no bundler: /pkg/hubspot_wasm.js imported by the browser works with analytics-next', async () => {
  const visit = await harness.openFixture('esm');
  assert.equal(await visit.page.evaluate(() => fixture.how), 'native-esm');
  await visit.page.evaluate(() => fixture.start({ portalId: '62515', region: 'eu1' }));
  await visit.page.evaluate(() => fixture.loaded());
  await visit.page.evaluate(async () => {
    await analytics.identify({ email: 'esm@example.com' });
    await analytics.track('Module Loaded', { bundler: 'none' });
  });
  await visit.until(() => window.__hubspot?.sent.length === 2);
  // HubSpot's own automatic page view, then the track as a custom behavioral event (the default).
  const [view, { kind, name, properties, path, identity }] = await visit.sent();
  assert.equal(view.initial, true);
  assert.deepEqual(
    { kind, name, properties, path, identity },
    {
      kind: 'customEvent',
      name: 'pe62515_module_loaded',
      properties: { bundler: 'none' },
      path: '/tests/e2e/fixtures/esm.html',
      identity: { email: 'esm@example.com' },
    },
  );
  assert.deepEqual(await wasmFetched(visit.page), [`/pkg/${WASM}`]);
  assert.deepEqual(
    visit.requestsTo('tracker').map((r) => r.url),
    ['https://js-eu1.hs-scripts.com/62515.js'],
  );
  assert.deepEqual(visit.errors, []);
});

/**
 * One track through a loaded plugin: calls wait for `load()`, which analytics-next always makes.
 * HubSpot's script is held, so `_hsq` is made a stand-in for its running tracker (an array whose
 * push is its own, HubSpot's sign that it runs): the plugin pushes its commands straight onto it
 * (it would hold them for a tracker that has not run).
 */
async function loadThenTrack(mod, event) {
  window._hsq = Object.defineProperty([], 'push', {
    value(...entries) {
      return Array.prototype.push.apply(this, entries);
    },
    writable: true,
    configurable: true,
  });
  const plugin = mod.hubspotPlugin({ portalId: '62515' });
  plugin.load(null);
  plugin.track({ event });
  await new Promise((ok) => setTimeout(ok, 0));
}

/** In a fresh blank page: `init(options)` (or a call given the module), then one track through a plugin. */
async function initThenTrack(setup) {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html', { tracker: 'hold' });
  await visit.page.evaluate(`window.loadThenTrack = ${loadThenTrack}`);
  const result = await visit.page.evaluate(async (setup) => {
    const mod = await import('/pkg/hubspot_wasm.js');
    const steps = [];
    const tryInit = async (options) => {
      try {
        await mod.default(options);
        steps.push('ok');
      } catch (e) {
        steps.push(`${e.constructor.name}: ${e.message}`);
      }
    };
    const bytes = () => fetch('/pkg/hubspot_wasm_bg.wasm').then((r) => r.arrayBuffer());
    if (setup === 'retry') {
      await tryInit({ module_or_path: '/pkg/missing.wasm' });
      await tryInit();
    } else if (setup === 'bytes') {
      await tryInit({ module_or_path: await bytes() });
    } else if (setup === 'string') {
      await tryInit('/pkg/hubspot_wasm_bg.wasm?given-bare');
    } else if (setup === 'module') {
      await tryInit({ module_or_path: await WebAssembly.compile(await bytes()) });
    } else if (setup === 'twice') {
      const [a, b] = await Promise.all([mod.default(), mod.default()]);
      steps.push(a === b && a === (await mod.default()) ? 'one instance' : 'two instances');
    }
    try {
      await window.loadThenTrack(mod, { type: 'track', event: 'Loaded', properties: {} });
    } catch (e) {
      steps.push(`hubspotPlugin: ${e.message}`);
    }
    const fetched = performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name))
      .filter((u) => u.pathname.endsWith('.wasm'))
      .map((u) => u.pathname + u.search);
    return { steps, hsq: JSON.parse(JSON.stringify(window._hsq ?? null)), fetched };
  }, setup);
  return { visit, ...result };
}

test('init() loads the wasm once per page, from its URL (also given bare), bytes or a compiled Module; a failed fetch can be retried', async () => {
  const sent = [['trackCustomBehavioralEvent', { name: 'pe62515_loaded', properties: {} }]];
  const retry = await initThenTrack('retry');
  assert.equal(retry.steps.length, 2);
  // (Issue 10: the message is the facade's, around wasm-bindgen's own.)
  assert.match(
    retry.steps[0],
    /^Error: hubspot-wasm: the WebAssembly could not be loaded: .*404.*http:\/\/127\.0\.0\.1:\d+\/pkg\/missing\.wasm/,
  );
  assert.equal(retry.steps[1], 'ok', 'a second init() after a failed one loads the wasm');
  assert.deepEqual(retry.hsq, sent);

  for (const setup of ['bytes', 'module', 'string', 'twice']) {
    const { steps, hsq, visit, fetched } = await initThenTrack(setup);
    if (setup === 'string') assert.deepEqual(fetched, ['/pkg/hubspot_wasm_bg.wasm?given-bare'], 'a bare URL is the one fetched');
    assert.deepEqual(steps, [setup === 'twice' ? 'one instance' : 'ok'], setup);
    assert.deepEqual(hsq, sent, setup);
    assert.deepEqual(visit.errors, [], setup);
  }
});

test('init() from a server that sends the wasm as application/octet-stream still works (no streaming compile)', async () => {
  const visit = await harness.open('/tests/e2e/fixtures/blank.html', { tracker: 'hold' });
  await visit.page.evaluate(`window.loadThenTrack = ${loadThenTrack}`);
  const wasm = readFileSync(`${ROOT}pkg/${WASM}`);
  await visit.page.route('**/hubspot_wasm.wasm?as=octet-stream', (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: wasm }),
  );
  const { steps, hsq } = await visit.page.evaluate(async () => {
    const mod = await import('/pkg/hubspot_wasm.js');
    await mod.default({ module_or_path: '/pkg/hubspot_wasm.wasm?as=octet-stream' });
    await window.loadThenTrack(mod, { type: 'track', event: 'Loaded' });
    return {
      steps: performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('.wasm'))
        .map((e) => new URL(e.name).search),
      hsq: window._hsq,
    };
  });
  assert.deepEqual(steps, ['?as=octet-stream'], 'only the given URL was fetched');
  assert.deepEqual(hsq, [['trackCustomBehavioralEvent', { name: 'pe62515_loaded', properties: {} }]]);
  assert.deepEqual(visit.errors, []);
});
