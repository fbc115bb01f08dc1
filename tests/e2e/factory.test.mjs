// The README's Install and register, Loading and CSP, and Guarantees through the package's no-await factory and the REAL @segment/analytics-next:
// `AnalyticsBrowser.load({ writeKey, cdnSettings, plugins: [hubspotPlugin({ portalId })] })` with
// nothing awaited first (no init()). The wasm starts in the plugin's load(); calls that arrive
// before it runs are held by the facade and must reach HubSpot afterwards, in order; a refused
// wasm must cost only this destination; a late tracker must lose nothing.
//
// Pages: fixtures/factory.html (the package imported from /pkg/ as a plain ES module, analytics-next
// as window.AnalyticsBrowser, no inline script so that a strict CSP can serve it) and, for the first
// scenario, fixtures/app.html (the package bundled by webpack). HubSpot's hosts are answered by the
// harness with the emulator; what HubSpot received is window.__hubspot (.commands, .sent), its
// cookie banner's log window.__hubspotBanner (.commands: the _hsp consent commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PLUGIN_METHODS } from './fixtures/plugin-methods.mjs';
import { FIXTURES, ROOT, useHarness } from './harness.mjs';

const harness = useHarness();
const FACTORY = '/tests/e2e/fixtures/factory.html';
const PORTAL = '62515';
const TRACKER_URL = `https://js.hs-scripts.com/${PORTAL}.js`;
const CARGO_VERSION = readFileSync(`${ROOT}Cargo.toml`, 'utf8').match(/^version = "(.*)"/m)[1];

/**
 * Page side: `window.rig`. Starts analytics-next the way the README shows, makes calls while
 * recording them (so the expected _hsq can be derived), and offers a plain-JS destination
 * ("Recorder") to register alongside HubSpot. `methods`: the plugin's methods to find on a
 * plugin it makes (PLUGIN_METHODS; the page cannot import it).
 */
function installRig(methods) {
  const { hubspotPlugin } = window.fixture;
  const summary = ([name, arg]) => {
    switch (name) {
      case 'identify':
        return [name, arg?.email];
      case 'trackEvent':
        return [name, arg?.id];
      case 'trackCustomBehavioralEvent':
        return [name, arg?.name];
      case 'setPath':
        return [name, arg];
      default:
        return arg === undefined ? [name] : [name, arg];
    }
  };
  const rig = {
    plugin: null,
    analytics: null,
    instance: null,
    /** The context analytics-next's register() logged into (destination load failures land here). */
    ctx: null,
    /** Every call the page made, in order: [method, key]. */
    calls: [],
    /** Outcomes of HubSpot's load() as analytics-next called it. */
    loads: [],
    /** How many calls had been made / delivered when the wasm (its _hsq) and the tracker first ran. */
    milestones: {},
    /** How many commands HubSpot's tracker had processed at the end of its start-up. */
    startup: null,
    recorder: {
      name: 'Recorder',
      type: 'destination',
      version: '1.0.0',
      seen: [],
      isLoaded: () => true,
      load: () => Promise.resolve(),
      identify: (ctx) => (rig.recorder.seen.push(['identify', ctx.event.traits?.email]), ctx),
      track: (ctx) => (rig.recorder.seen.push(['track', ctx.event.event]), ctx),
      page: (ctx) => (rig.recorder.seen.push(['page', ctx.event.properties?.path]), ctx),
    },
    /** hubspotPlugin(settings), and what it looked like the moment it was returned. */
    make(settings) {
      const plugin = (rig.plugin = hubspotPlugin(settings));
      // load() is observed, not changed: the same promise goes back to analytics-next.
      const load = plugin.load;
      plugin.load = (...args) => {
        const promise = load(...args);
        const record = { state: 'pending', isError: null, message: null };
        rig.loads.push(record);
        promise.then(
          () => {
            record.state = 'resolved';
          },
          (e) => {
            record.state = 'rejected';
            record.isError = e instanceof Error;
            record.message = e?.message ?? String(e);
          },
        );
        return promise;
      };
      return {
        thenable: typeof plugin.then === 'function',
        name: plugin.name,
        type: plugin.type,
        version: plugin.version,
        isLoaded: plugin.isLoaded(),
        methods: methods.filter((m) => typeof plugin[m] === 'function'),
      };
    },
    /** AnalyticsBrowser.load({ plugins: [hubspotPlugin(...)] }), nothing awaited. */
    start(settings, { recorder = false, segment = true, options = {} } = {}) {
      if (!rig.plugin) rig.make(settings);
      rig.analytics = window.analytics = AnalyticsBrowser.load(
        {
          writeKey: 'factory-e2e',
          cdnSettings: { integrations: segment ? { 'Segment.io': { apiKey: 'factory-e2e' } } : {} },
          plugins: recorder ? [rig.plugin, rig.recorder] : [rig.plugin],
        },
        segment ? options : { ...options, integrations: { 'Segment.io': false } },
      );
      rig.analytics.then(([instance, ctx]) => {
        rig.instance = instance;
        rig.ctx = ctx;
      });
    },
    /** One call, recorded; analytics calls return analytics-next's promise (settles once delivered). */
    call([method, arg]) {
      const step = rig.calls.length;
      rig.calls.push([method, arg]);
      switch (method) {
        case 'identify':
          return rig.analytics.identify(arg.split('@')[0], { email: arg });
        case 'track':
          return rig.analytics.track(arg, { step });
        case 'page':
          return rig.analytics.page({ path: arg });
        case 'reset':
          return rig.analytics.reset();
        default:
          rig.plugin[method](...(arg === undefined ? [] : [arg]));
          return undefined;
      }
    },
    /** Calls one after the other, each delivered before the next is made. */
    async run(list) {
      for (const c of list) await rig.call(c);
    },
    /** Calls made synchronously, one after the other; resolves once all are delivered. */
    fire(list) {
      return Promise.all(list.map((c) => rig.call(c))).then(() => undefined);
    },
    /** `count` mixed calls, in chunks of `chunk` (each chunk delivered before the next is made). */
    async burst(count, chunk) {
      for (let from = 0; from < count; from += chunk) {
        const list = [];
        for (let i = from; i < Math.min(count, from + chunk); i++) {
          list.push(i % 3 === 0 ? ['identify', `b${i}@example.com`] : i % 4 === 1 ? ['page', `/burst/${i}`] : ['track', `burst ${i}`]);
        }
        await rig.fire(list);
      }
    },
    /**
     * The commands of the page's calls that HubSpot took (the emulator's log), then whatever still
     * waits in _hsq, as pushed: without the tracker script's own ['setPortalId', N] and automatic
     * ['trackPageView'] (the last trackPageView of its start-up: it appends it after the page's
     * queue) and without the plugin's start-up function entry (the first '<function>' of the
     * start-up, which hands the held calls over). Later '<function>' entries (reset's
     * resetVisitor) are kept.
     */
    hsq() {
      const commands = window.__hubspot?.commands ?? [];
      const startup = rig.startup ?? commands.length;
      let automatic = -1;
      for (let i = 0; i < startup; i++) if (commands[i][0] === 'trackPageView') automatic = i;
      const entry = commands.findIndex(([name]) => name === '<function>');
      const ours = commands.filter((c, i) => c[0] !== 'setPortalId' && i !== automatic && !(i === entry && i < startup));
      const queued = Array.isArray(window._hsq) ? window._hsq.map((c) => (typeof c === 'function' ? ['<function>'] : c)) : [];
      return JSON.parse(JSON.stringify([...ours, ...queued]));
    },
    /** hsq() reduced to [name, key], for long runs. */
    received() {
      return rig.hsq().map(summary);
    },
    /** Why analytics-next dropped a destination: the error it logged at registration. */
    failure(name) {
      const log = rig.ctx?.logs().find((l) => l.message === 'Failed to load destination' && l.extras?.plugin === name);
      const error = log?.extras?.error;
      return log ? { isError: error instanceof Error, message: error?.message ?? String(error) } : null;
    },
  };
  const mark = (what) => {
    rig.milestones[what] ??= { made: rig.calls.length, delivered: rig.recorder.seen.length };
  };
  // The tracker's start is an event; the wasm's is seen at the next call (the plugin's load() makes _hsq).
  window.addEventListener('hubspot-emulator', (e) => {
    if (e.detail.type !== 'ready') return;
    rig.startup ??= window.__hubspot.commands.length;
    mark('tracker');
  });
  const call = rig.call;
  rig.call = (c) => {
    if (Array.isArray(window._hsq)) mark('wasm');
    return call(c);
  };
  window.rig = rig;
}

/** factory.html (plain ES module) or app.html (webpack bundle), with the rig installed. */
async function openPage({ how = 'native-esm', ...options } = {}) {
  const visit = await harness.open(how === 'webpack' ? FIXTURES.app : FACTORY, options);
  await visit.page.waitForFunction(() => window.fixture, null, { timeout: 10_000 });
  if (!(await visit.page.evaluate(() => 'AnalyticsBrowser' in window))) {
    // app.html bundles analytics-next without exposing it: the global build supplies the class.
    await visit.page.addScriptTag({ url: '/tests/e2e/fixtures/dist/analytics-only.js' });
  }
  await visit.page.evaluate(installRig, PLUGIN_METHODS);
  return visit;
}

/** Holds every .wasm response until `release()`; `requested` lists the URLs asked for. */
async function holdWasm(visit) {
  let release;
  const gate = new Promise((ok) => (release = ok));
  const requested = [];
  await visit.page.route('**/*.wasm', async (route) => {
    requested.push(route.request().url());
    await gate;
    await route.continue().catch(() => {}); // the visit may have closed meanwhile
  });
  return { requested, release };
}

/** `wasm.release()` releases the wasm, then HubSpot's (held) loader once the Rust plugin has loaded. */
function trackerAfterPlugin(visit, wasm) {
  const releaseWasm = wasm.release;
  wasm.release = () => {
    releaseWasm();
    visit
      .until(() => Array.isArray(window._hsq), undefined, { timeout: 15_000 })
      .then(
        () => visit.release('tracker'),
        () => {},
      );
  };
}

/**
 * A page where analytics-next has loaded with HubSpot while HubSpot's .wasm is held. HubSpot's
 * loader is requested at load(), before the wasm; its answer is held too, until the Rust plugin
 * has loaded (`_hsq` is then its array), so that HubSpot starts after the plugin, as these tests
 * model.
 */
async function startWithWasmHeld(options) {
  const visit = await openPage({ tracker: 'hold', ...options });
  const wasm = await holdWasm(visit);
  trackerAfterPlugin(visit, wasm);
  await visit.page.evaluate(async (portalId) => {
    rig.start({ portalId });
    await rig.analytics; // analytics-next has loaded; HubSpot's load() waits for the wasm
  }, PORTAL);
  return { visit, wasm };
}

async function waitFor(check, what, timeout = 5000) {
  for (const until = Date.now() + timeout; !check(); await new Promise((ok) => setTimeout(ok, 10))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The HubSpot custom behavioral event name the plugin sends for a Segment event name. */
const eventName = (event) => `pe${PORTAL}_${event.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;

/**
 * The _hsq commands (as rig.received() gives them, [name, key]) the page's analytics calls must
 * produce, in order (README, What reaches HubSpot): identify traits wait for the next page or track (merged: the latest
 * email wins), reset() drops them and pushes the function entry that makes HubSpot start a new
 * visitor, track is a custom behavioral event (the default), the first page sets the path its
 * view (HubSpot's automatic one) is counted under, later pages set the path and track a view.
 * The order holds through HubSpot's start-up too: the plugin holds calls until the tracker runs
 * and hands them over in order (HubSpot's automatic page view, left out by rig.hsq(), falls in
 * between). doNotTrack and the consent calls bypass the hold: tests that make them list what
 * they expect.
 */
function expectedHsq(calls) {
  return expectedPerCall(calls).flat();
}

/** expectedHsq, call by call: the commands each call makes (an identify's ride the next page or track). */
function expectedPerCall(calls) {
  let pending = null;
  let firstPage = true;
  return calls.map(([method, key]) => {
    const out = [];
    const flush = () => {
      if (pending) out.push(['identify', pending]);
      pending = null;
    };
    if (method === 'identify') pending = key;
    if (method === 'reset') {
      pending = null;
      out.push(['<function>']);
    }
    if (method === 'track') {
      flush();
      out.push(['trackCustomBehavioralEvent', eventName(key)]);
    }
    if (method === 'page') {
      flush();
      out.push(['setPath', key]);
      if (firstPage) firstPage = false;
      else out.push(['trackPageView']);
    }
    if (['doNotTrack', 'setConsent', 'revokeCookieConsent'].includes(method)) throw new Error(`expectedHsq does not model ${method}`);
    return out;
  });
}

/** Short form of a request HubSpot's servers got: [kind, event name or legacy id or path, identity email]. */
const short = (s) => [s.kind, s.name ?? s.id ?? s.path, s.identity?.email ?? null];

/**
 * What HubSpot's servers got: its own automatic page view(s) (`initial`, in short form) and
 * everything else (`ours`, in short form).
 */
async function sentByUs(visit) {
  const sent = await visit.sent();
  return {
    initial: sent.filter((s) => s.initial).map(short),
    ours: sent.filter((s) => !s.initial).map(short),
  };
}

/** Calls as a multiset, to check that each was delivered once whatever the order. */
const sorted = (calls) => calls.map((c) => JSON.stringify(c)).sort();

const hubspotWarnings = (visit) => visit.warnings.filter((w) => w.includes('hubspot-wasm'));

// --- 1. The factory with nothing awaited -------------------------------------------------------

for (const how of ['native-esm', 'webpack']) {
  test(`no-await factory (${how}): AnalyticsBrowser.load({ plugins: [hubspotPlugin()] }) then page/identify/track reach HubSpot; version is Cargo.toml's`, async () => {
    const visit = await openPage({ how });
    // Importing the package starts nothing.
    await new Promise((ok) => setTimeout(ok, 100));
    const wasmFetched = () =>
      visit.page.evaluate(() => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('.wasm')).length);
    assert.equal(await wasmFetched(), 0, 'no wasm fetched on import');
    const shape = await visit.page.evaluate((portalId) => rig.make({ portalId }), PORTAL);
    assert.deepEqual(shape, {
      thenable: false,
      name: 'hubspot-wasm',
      type: 'destination',
      version: CARGO_VERSION,
      isLoaded: false,
      methods: PLUGIN_METHODS,
    });
    // In a browser hubspotPlugin() starts the wasm's fetch and compile at once (the old
    // expectation had it wait for load()), but nothing reaches HubSpot's page state before
    // analytics-next loads the plugin: no tracker, no _hsq.
    await visit.until(() => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname.endsWith('.wasm')));
    await new Promise((ok) => setTimeout(ok, 100));
    assert.deepEqual(
      await visit.page.evaluate(() => [
        typeof window._hsq,
        typeof window._hsp,
        rig.plugin.isLoaded(),
        document.querySelectorAll('script[src*="hs-scripts.com"]').length,
      ]),
      ['undefined', 'undefined', false, 0],
      "nothing of HubSpot's before analytics-next loads the plugin",
    );
    assert.equal(visit.requestsTo('tracker').length, 0);

    await visit.page.evaluate(async (portalId) => {
      rig.start({ portalId });
      await analytics.page(); // the first page: HubSpot records it itself
      await analytics.identify('user-42', { email: 'ada@example.com', firstName: 'Ada', company: { name: 'Analytical Engines' } });
      await analytics.track('Signed Up', { plan: 'pro', revenue: 49 });
      await analytics.page('Pricing', { path: '/pricing', search: '?plan=pro' });
    }, PORTAL);
    await visit.until(() => window.__hubspot?.sent.length >= 3);

    const page = how === 'webpack' ? FIXTURES.app : FACTORY;
    // The first page sets its path (HubSpot's automatic page view counts it); track is a custom
    // behavioral event (the default now; it was the legacy trackEvent, revenue as value).
    assert.deepEqual(await visit.page.evaluate(() => rig.hsq()), [
      ['setPath', page],
      ['identify', { email: 'ada@example.com', firstname: 'Ada', company: 'Analytical Engines', id: 'user-42' }],
      ['trackCustomBehavioralEvent', { name: eventName('Signed Up'), properties: { plan: 'pro', revenue: 49 } }],
      ['setPath', '/pricing?plan=pro'],
      ['trackPageView'],
    ]);
    const log = await visit.hubspot();
    const sent = log.sent.filter((s) => !s.initial);
    assert.deepEqual(log.sent.filter((s) => s.initial).map(short), [['pageView', page, null]], "one automatic page view, HubSpot's own");
    const identity = { email: 'ada@example.com', firstname: 'Ada', company: 'Analytical Engines', id: 'user-42' };
    assert.deepEqual(sent[0].identity, identity);
    assert.deepEqual(sent[0].properties, { plan: 'pro', revenue: '49' });
    // HubSpot keeps the identity on every later request (the old expectation had it consumed).
    assert.deepEqual(sent[1].identity, identity);
    assert.deepEqual(
      sent.map((s) => [s.kind, s.name ?? null, s.path]),
      [
        ['customEvent', eventName('Signed Up'), page],
        ['pageView', null, '/pricing?plan=pro'],
      ],
    );
    assert.equal(await visit.page.evaluate(() => rig.plugin.version), CARGO_VERSION, 'the version once the wasm runs');
    assert.equal(await visit.page.evaluate(() => rig.plugin.isLoaded()), true);
    // load() settles at the plugin's next readiness check (every 20 ms), not in the same tick.
    await visit.until(() => rig.loads.every((l) => l.state !== 'pending'));
    assert.deepEqual(await visit.page.evaluate(() => rig.loads.map((l) => l.state)), ['resolved']);
    assert.equal(await wasmFetched(), 1);
    assert.equal(visit.requestsTo('tracker').length, 1);
    await visit.segmentEvent('Signed Up'); // analytics itself carried on as usual
    assert.deepEqual(visit.errors.map(String), []);
    assert.deepEqual(hubspotWarnings(visit), []);
  });
}

// --- 2. Calls made before the wasm is ready ------------------------------------------------------

test('calls made while the wasm is held (analytics calls and direct consent calls) reach HubSpot afterwards, in order', async () => {
  // HubSpot's cookie banner is held until the events are sent, so that when it processes the
  // consent calls is fixed (it runs on its own, whenever its script arrives).
  const { visit, wasm } = await startWithWasmHeld({ banner: 'hold' });
  await waitFor(() => wasm.requested.length === 1, 'the wasm request');
  await visit.page.evaluate(() =>
    rig.run([
      ['identify', 'ada@example.com'],
      ['track', 'Early One'],
      ['doNotTrack'],
      ['page', '/first'], // the first page: not forwarded
      ['setConsent', { analytics: true, advertisement: false, functionality: true }],
      ['doNotTrack', false],
      ['identify', 'grace@example.com'],
      ['page', '/early/two'],
      ['revokeCookieConsent'],
      ['track', 'Early Three'],
    ]),
  );
  // Every call was delivered to the plugin, and none could have been pushed yet.
  assert.deepEqual(
    await visit.page.evaluate(() => [typeof window._hsq, typeof window._hsp, rig.plugin.isLoaded(), rig.loads.map((l) => l.state)]),
    ['undefined', 'undefined', false, ['pending']],
  );
  assert.equal(visit.requestsTo('tracker').length, 1, "HubSpot's loader requested at load(), before the wasm (its answer held)");

  wasm.release();
  await visit.until(() => rig.plugin.isLoaded());
  await visit.until((name) => window.__hubspot.sent.some((s) => s.name === name), eventName('Early Three'));
  // At HubSpot's start-up the calls up to the first page go at once (so that its automatic page
  // view carries the first page's path and the identity); the opt-out and the opt-in, pushed to
  // _hsq directly when the wasm ran, come right after them (before the automatic page view); the
  // rest follows HubSpot's automatic page view, in order.
  assert.deepEqual(await visit.page.evaluate(() => rig.hsq()), [
    ['identify', { email: 'ada@example.com', id: 'ada' }],
    ['trackCustomBehavioralEvent', { name: eventName('Early One'), properties: { step: 1 } }],
    ['setPath', '/first'],
    ['doNotTrack'],
    ['doNotTrack', { track: true }],
    ['identify', { email: 'grace@example.com', id: 'grace' }],
    ['setPath', '/early/two'],
    ['trackPageView'],
    ['trackCustomBehavioralEvent', { name: eventName('Early Three'), properties: { step: 9 } }],
  ]);
  // The identity stays with HubSpot until it is reset (the old expectation had it consumed).
  assert.deepEqual(await sentByUs(visit), {
    initial: [['pageView', '/first', 'ada@example.com']],
    ours: [
      ['customEvent', eventName('Early One'), 'ada@example.com'],
      ['pageView', '/early/two', 'grace@example.com'],
      ['customEvent', eventName('Early Three'), 'grace@example.com'],
    ],
  });
  const visitor = (await visit.sent())[0].visitor;
  // The banner processes the consent calls, in order; the revoke is a new visitor with no identity.
  visit.release('banner');
  await visit.until(() => window.__hubspot.sent.some((s) => s.kind === 'revokeConsent'));
  assert.deepEqual(
    (await visit.banner()).commands.filter(([name]) => ['setHubSpotConsent', 'revokeCookieConsent'].includes(name)),
    [['setHubSpotConsent', { analytics: true, advertisement: false, functionality: true }], ['revokeCookieConsent']],
  );
  const revoke = (await visit.sent()).filter((s) => s.kind === 'revokeConsent');
  assert.equal(revoke.length, 1);
  assert.equal(revoke[0].consentAllowed, false);
  // The revoke was queued in _hsp before HubSpot's tracker ran, so the banner processes it before
  // the tracker subscribes to consent: its k=30 request still carries the visitor it revokes; the
  // tracker then drops its cookies and identity, so what follows is a new, anonymous visitor.
  await visit.page.evaluate(() => rig.run([['track', 'After The Revoke']]));
  await visit.until((name) => window.__hubspot.sent.some((s) => s.name === name), eventName('After The Revoke'));
  const after = (await visit.sent()).at(-1);
  assert.deepEqual([after.identity, after.resetVisitor, after.consentAllowed], [null, true, false]);
  assert.notEqual(after.visitor, visitor);
  await visit.until(() => rig.loads.every((l) => l.state !== 'pending'));
  assert.deepEqual(await visit.page.evaluate(() => rig.loads.map((l) => l.state)), ['resolved']);
  assert.deepEqual(visit.errors.map(String), []);
  assert.deepEqual(hubspotWarnings(visit), []);
});

// analytics-next's pre-init buffer replays calls grouped by method (identify, then page, then
// track), so the order HubSpot must keep is the order analytics-next delivered, as the Recorder saw it.
test("calls made synchronously right after AnalyticsBrowser.load (analytics-next's own buffer) while the wasm is held: each delivered call reaches HubSpot once, in delivery order", async () => {
  const visit = await openPage({ tracker: 'hold' });
  const wasm = await holdWasm(visit);
  trackerAfterPlugin(visit, wasm);
  await visit.page.evaluate((portalId) => {
    rig.start({ portalId }, { recorder: true });
    // Same tick as load(): analytics-next has not loaded, its pre-init buffer takes these.
    rig.delivered = rig.fire([
      ['identify', 'early@example.com'],
      ['page', '/landing'],
      ['track', 'Buffered One'],
      ['identify', 'second@example.com'],
      ['track', 'Buffered Two'],
      ['page', '/buffered/two'],
      ['track', 'Buffered Three'],
    ]);
  }, PORTAL);
  await waitFor(() => wasm.requested.length === 1, 'the wasm request');
  await visit.page.evaluate(() => rig.delivered);
  assert.equal(await visit.page.evaluate(() => typeof window._hsq), 'undefined', 'nothing pushed before the wasm runs');

  wasm.release();
  await visit.until(() => rig.plugin.isLoaded());
  await visit.until(() => window.__hubspot.sent.filter((s) => s.kind === 'customEvent').length >= 3);
  const { calls, seen, received } = await visit.page.evaluate(() => ({
    calls: rig.calls,
    seen: rig.recorder.seen,
    received: rig.received(),
  }));
  assert.deepEqual(sorted(seen), sorted(calls), 'analytics-next delivered every call once');
  assert.deepEqual(received, expectedHsq(seen), 'HubSpot got them once, in the order analytics-next delivered them');
  assert.equal((await visit.hubspot()).commands.filter(([name]) => name === 'trackCustomBehavioralEvent').length, 3);
  const { initial, ours } = await sentByUs(visit);
  // HubSpot's automatic page view counts the first page delivered, with the identity held by then.
  const firstPage = seen.findIndex(([method]) => method === 'page');
  const identified =
    seen
      .slice(0, firstPage)
      .filter(([method]) => method === 'identify')
      .at(-1)?.[1] ?? null;
  assert.deepEqual(initial, [['pageView', seen[firstPage][1], identified]]);
  assert.equal(ours.filter(([kind]) => kind === 'customEvent').length, 3);
  assert.deepEqual(visit.errors.map(String), []);
  assert.deepEqual(hubspotWarnings(visit), []);
});

// analytics reset() discards pending traits and makes HubSpot start a new visitor (its
// resetVisitor, through a function entry pushed in order). A reset() made while the wasm is still
// on its way must do the same, or the previous user's identity, or visitor (HubSpot's cookie,
// which an earlier page may have tied to that user), rides the next user's event.
test("reset() while the wasm is held: the previous user's pending identity does not ride the next event, which comes from a new visitor", async () => {
  const { visit, wasm } = await startWithWasmHeld();
  await visit.page.evaluate(() => rig.run([['page', '/'], ['identify', 'previous@example.com'], ['reset'], ['track', 'Next User Event']]));
  wasm.release();
  await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('Next User Event'));
  // The same sequence once the wasm runs, for comparison.
  await visit.page.evaluate(() => rig.run([['identify', 'again@example.com'], ['reset'], ['track', 'After Second Reset']]));
  await visit.until((name) => window.__hubspot?.sent.some((s) => s.name === name), eventName('After Second Reset'));
  const { calls, received } = await visit.page.evaluate(() => ({ calls: rig.calls, received: rig.received() }));
  assert.deepEqual(received, expectedHsq(calls));
  assert.deepEqual(received, [
    ['setPath', '/'],
    ['<function>'], // the first reset's resetVisitor
    ['trackCustomBehavioralEvent', eventName('Next User Event')],
    ['<function>'], // the second reset's
    ['trackCustomBehavioralEvent', eventName('After Second Reset')],
  ]);
  assert.deepEqual(await sentByUs(visit), {
    initial: [['pageView', '/', null]],
    ours: [
      ['customEvent', eventName('Next User Event'), null],
      ['customEvent', eventName('After Second Reset'), null],
    ],
  });
  // Each reset made HubSpot start a new visitor (rv=1 on the requests after it).
  const sent = await visit.sent();
  assert.deepEqual(
    sent.map((s) => s.resetVisitor),
    [false, true, true],
  );
  assert.equal(new Set(sent.map((s) => s.visitor)).size, 3, `three visitors: ${sent.map((s) => s.visitor)}`);
  assert.deepEqual(visit.errors.map(String), []);
});

// init() is documented for preloading; a consent manager may await it and then opt the visitor out.
// Its call comes after the held track. The old expectation had HubSpot send the track first; now
// the plugin pushes doNotTrack to _hsq at once while it holds the track for after HubSpot's
// start-up, so HubSpot processes the opt-out first: nothing at all is sent, neither HubSpot's
// automatic page view nor the held track (which still reaches the tracker, after the opt-out).
test("an opt-out made as the wasm becomes ready (the page awaiting init()) is processed at HubSpot's start-up, before the calls held before it: nothing is sent", async () => {
  const { visit, wasm } = await startWithWasmHeld();
  await visit.page.evaluate(async () => {
    await rig.run([['track', 'Made Before The Opt-Out']]);
    fixture.init().then(() => rig.call(['doNotTrack']));
  });
  wasm.release();
  await visit.until(() => rig.plugin.isLoaded());
  await visit.until(() => window.__hubspot.commands.some(([name]) => name === 'trackCustomBehavioralEvent'));
  assert.deepEqual(await visit.page.evaluate(() => rig.hsq()), [
    ['doNotTrack'],
    // 0 is sent as text: HubSpot's tracker drops a number 0.
    ['trackCustomBehavioralEvent', { name: eventName('Made Before The Opt-Out'), properties: { step: '0' } }],
  ]);
  const log = await visit.hubspot();
  assert.equal(log.doNotTrack, true);
  assert.deepEqual(log.sent, [], 'the opt-out came first: HubSpot sent nothing');
  assert.deepEqual(visit.errors.map(String), []);
});

// --- 3. The wasm refused --------------------------------------------------------------------

/**
 * Starts analytics with HubSpot and the Recorder, makes calls while HubSpot's wasm fails, waits
 * for analytics-next to drop HubSpot, makes more calls, and checks that only HubSpot is affected.
 * Resolves to the Error analytics-next recorded for HubSpot's load().
 */
async function refusedWasm(visit) {
  await visit.page.evaluate(async (portalId) => {
    rig.start({ portalId }, { recorder: true });
    await rig.analytics;
    await rig.run([
      ['page', '/'],
      ['identify', 'refused@example.com'],
      ['track', 'Before The Failure'],
      ['doNotTrack', false],
    ]);
  }, PORTAL);
  // analytics-next records a destination whose load() rejected in queue.failedInitializations.
  await visit.until(() => rig.instance.queue.failedInitializations.includes('hubspot-wasm'));
  await visit.page.evaluate(() =>
    rig.run([
      ['track', 'After The Failure'],
      ['page', '/later'],
      ['setConsent', { analytics: false }],
      ['revokeCookieConsent'],
      ['doNotTrack'],
    ]),
  );
  const state = await visit.page.evaluate(() => ({
    failed: rig.instance.queue.failedInitializations,
    failure: rig.failure('hubspot-wasm'),
    loads: rig.loads,
    plugins: rig.instance.queue.plugins.map((p) => p.name),
    calls: rig.calls.filter(([m]) => ['identify', 'track', 'page'].includes(m)),
    seen: rig.recorder.seen,
    isLoaded: rig.plugin.isLoaded(),
    queues: [typeof window._hsq, typeof window._hsp, typeof window.__hubspot],
    injected: document.querySelectorAll('script[src*="hs-scripts.com"],#hs-script-loader').length,
  }));
  assert.deepEqual(state.failed, ['hubspot-wasm'], 'analytics-next dropped HubSpot (hubspot-wasm), and only it');
  assert.ok(
    state.plugins.includes('Recorder') && state.plugins.includes('Segment.io') && !state.plugins.includes('hubspot-wasm'),
    state.plugins.join(),
  );
  assert.equal(state.failure?.isError, true, 'load() rejected with an Error');
  assert.equal(state.loads.length, 1);
  assert.deepEqual(state.loads[0], { state: 'rejected', ...state.failure }, "the rejection analytics-next recorded is load()'s");
  assert.deepEqual(state.seen, state.calls, 'the other destination received every event, in order');
  assert.equal(state.isLoaded, false);
  // HubSpot's loader was requested at load(), before the wasm's failure was known: HubSpot's own
  // code runs (its automatic page view), and nothing of the plugin's reaches it.
  assert.equal(state.injected, 1);
  assert.equal(visit.requestsTo('tracker').length, 1);
  await visit.until(() => window.__hubspot);
  assert.deepEqual(
    (await visit.hubspot()).commands.map(([name]) => name),
    ['setPortalId', 'trackPageView'],
    "HubSpot's own commands only",
  );
  const segment = await visit.segmentEvent('After The Failure');
  assert.deepEqual(segment._metadata?.failedInitializations, ['hubspot-wasm'], 'Segment is told which destination failed');
  await visit.segmentEvent('Before The Failure');
  assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  // analytics-next reports the failure on the console with the Error.
  // analytics-next names the destination itself: the package's name once, not twice.
  assert.ok(
    visit.warnings.some((w) => w.startsWith(`hubspot-wasm Error: ${state.failure.message}`)),
    JSON.stringify(visit.warnings),
  );
  return state.failure;
}

test("page CSP without 'wasm-unsafe-eval': analytics and the other destination keep working, HubSpot's load() rejects telling to add it", async () => {
  // A strict but workable policy: the page's scripts, HubSpot's hosts and Segment's API are allowed;
  // compiling WebAssembly is not.
  const csp =
    "default-src 'self'; script-src 'self' https://js.hs-scripts.com https://js.hs-analytics.net https://js.hs-banner.com; connect-src 'self' https://api.segment.io";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const visit = await openPage();
    const failure = await refusedWasm(visit);
    assert.match(failure.message, /^the page's Content-Security-Policy.*add 'wasm-unsafe-eval' to its script-src/);
  });
});

test("the .wasm answered 404: analytics and the other destination keep working, HubSpot's load() rejects naming the failure", async () => {
  const visit = await openPage();
  await visit.page.route('**/*.wasm', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
  const failure = await refusedWasm(visit);
  assert.match(failure.message, /^the WebAssembly could not be loaded: .*404.*\/pkg\/hubspot_wasm_bg\.wasm.*init\(\{ module_or_path \}\)/);
});

// --- 4. A tracker later than loadTimeoutMs ---------------------------------------------------------

test('tracker later than loadTimeoutMs (1000 ms, released at 2 s): one warning naming the URL, load() resolves, every call reaches HubSpot once, in order', {
  timeout: 30_000,
}, async () => {
  const visit = await openPage({ tracker: 'hold' });
  const started = Date.now();
  await visit.page.evaluate(async (portalId) => {
    rig.start({ portalId, loadTimeoutMs: 1000 }, { segment: false });
    await rig.run([
      ['identify', 'slow@example.com'],
      ['page', '/slow'],
      ['track', 'Before Timeout'],
      ['page', '/slow/two'],
    ]);
  }, PORTAL);

  const warning = await visit.warning(TRACKER_URL);
  assert.match(warning, /has not started within 1000 ms/);
  const atTimeout = await visit.page.evaluate(() => ({ loads: rig.loads.map((l) => l.state), isLoaded: rig.plugin.isLoaded() }));
  assert.ok(Date.now() - started < 2000, 'the warning came before the tracker was released');
  assert.deepEqual(atTimeout, { loads: ['resolved'], isLoaded: false }, 'load() resolved at loadTimeoutMs; isLoaded() still false');

  await visit.page.evaluate(() =>
    rig.run([
      ['track', 'During One'],
      ['identify', 'later@example.com'],
      ['page', '/during'],
      ['track', 'During Two'],
    ]),
  );
  await new Promise((ok) => setTimeout(ok, Math.max(0, 2000 - (Date.now() - started))));
  visit.release('tracker');
  await visit.until(() => rig.plugin.isLoaded());
  await visit.page.evaluate(() =>
    rig.run([
      ['track', 'After Start'],
      ['identify', 'last@example.com'],
      ['page', '/after'],
    ]),
  );

  const { calls, received, failed, plugins } = await visit.page.evaluate(() => ({
    calls: rig.calls,
    received: rig.received(),
    failed: rig.instance.queue.failedInitializations,
    plugins: rig.instance.queue.plugins.map((p) => p.name),
  }));
  assert.deepEqual(received, expectedHsq(calls), 'every call reached HubSpot exactly once, in order');
  assert.deepEqual(failed, [], 'analytics-next did not drop HubSpot');
  assert.ok(plugins.includes('hubspot-wasm'));
  // HubSpot's automatic page view counts the first page, with the identity made before it; the
  // identity then stays on every request until the next identify (the old expectation had it
  // consumed by the first request after each identify).
  assert.deepEqual(await sentByUs(visit), {
    initial: [['pageView', '/slow', 'slow@example.com']],
    ours: [
      ['customEvent', eventName('Before Timeout'), 'slow@example.com'],
      ['pageView', '/slow/two', 'slow@example.com'],
      ['customEvent', eventName('During One'), 'slow@example.com'],
      ['pageView', '/during', 'later@example.com'],
      ['customEvent', eventName('During Two'), 'later@example.com'],
      ['customEvent', eventName('After Start'), 'later@example.com'],
      ['pageView', '/after', 'last@example.com'],
    ],
  });
  assert.equal(visit.warnings.filter((w) => w.includes(TRACKER_URL)).length, 1, JSON.stringify(visit.warnings));
  assert.deepEqual(hubspotWarnings(visit), [warning]);
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.equal((await visit.hubspot()).loads, 1);
  assert.deepEqual(visit.errors.map(String), []);
});

// --- 5. A 10,000-call burst ------------------------------------------------------------------------

// Calls made before HubSpot's tracker runs are held, every one while it is on its way (bounded
// only once it is known not to come). Here about half the burst comes before the wasm and the
// tracker run: every call reaches HubSpot exactly once, in order.
test('10,000 calls through the no-await factory, about half before the wasm and the tracker are ready: every call reaches HubSpot once, in order, without a warning', {
  timeout: 90_000,
}, async () => {
  const COUNT = 10_000;
  const visit = await openPage({ tracker: 'hold' });
  const wasm = await holdWasm(visit);
  await visit.page.evaluate((portalId) => {
    // Segment's API off: 10,000 requests would say nothing here. Client persistence off: analytics-
    // next writing each identify's user to cookies and localStorage takes 40 s of a 10,000-call run.
    rig.start({ portalId }, { recorder: true, segment: false, options: { disableClientPersistence: true } });
    rig.bursting = rig.burst(10_000, 250);
  }, PORTAL);
  // Near half way, the wasm and HubSpot's script are let through while the burst goes on (their
  // start-up takes a few hundred calls more).
  await visit.until((n) => rig.recorder.seen.length >= n, COUNT * 0.45, { timeout: 60_000 });
  assert.equal(await visit.page.evaluate(() => typeof window._hsq), 'undefined', 'the wasm has not run yet');
  wasm.release();
  visit.release('tracker');
  await visit.page.evaluate(() => rig.bursting);
  await visit.until(() => rig.plugin.isLoaded());

  const { calls, seen, received, milestones } = await visit.page.evaluate(() => ({
    calls: rig.calls,
    seen: rig.recorder.seen,
    received: rig.received(),
    milestones: rig.milestones,
  }));
  assert.equal(calls.length, COUNT);
  // analytics-next does not keep the order of calls made in the same tick (an identify can
  // overtake a track), so HubSpot's order is checked against what analytics-next delivered.
  assert.equal(seen.length, COUNT);
  assert.ok(sorted(seen).join('\n') === sorted(calls).join('\n'), 'analytics-next delivered every call once');
  assert.deepEqual(received, expectedPerCall(seen).flat(), 'every call reached HubSpot exactly once, in order');
  for (const what of ['wasm', 'tracker']) {
    const share = milestones[what].made / COUNT;
    assert.ok(share >= 0.4 && share <= 0.8, `${what} ready after ${milestones[what].made} of ${COUNT} calls`);
  }
  console.log(
    `# burst: the wasm ran after ${milestones.wasm.made} calls, the tracker after ${milestones.tracker.made}, of ${COUNT}; ${milestones.tracker.delivered} held`,
  );
  const sent = await visit.sent();
  assert.equal(sent.filter((s) => s.kind === 'customEvent').length, seen.filter(([m]) => m === 'track').length);
  // The first page's path rides HubSpot's automatic page view; every later page is a view of its own.
  const pages = seen.filter(([m]) => m === 'page').map(([, path]) => path);
  assert.deepEqual(
    sent.filter((s) => s.kind === 'pageView' && !s.initial).map((s) => s.path),
    pages.slice(1),
  );
  assert.equal(sent.filter((s) => s.initial).length, 1);
  assert.deepEqual(visit.errors.map(String), []);
  assert.deepEqual(hubspotWarnings(visit), []);
});

// --- Which wasm a page downloads -----------------------------------------------------------------

/** The .wasm paths the page fetched, in order. */
const wasmPaths = (visit) =>
  visit.page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.wasm')),
  );

test('the lean wasm for a plugin without form forwarding; the full one instead for trackFormSubmissions and for the cookie-banner helper', async () => {
  for (const [setup, expected] of [
    ['plugin', ['/pkg/hubspot_wasm_bg.wasm']],
    ['forms', ['/pkg/hubspot_wasm_full_bg.wasm']],
    ['banner', ['/pkg/hubspot_wasm_full_bg.wasm']],
  ]) {
    const visit = await openPage();
    await visit.page.evaluate(
      async ({ setup, portalId }) => {
        if (setup === 'banner') {
          // As a consent wrapper's setup runs it: before the plugin, in the same task.
          const { hubspotBannerConsent } = await import('/pkg/hubspot_wasm.js');
          window.banner = hubspotBannerConsent({ portalId, categories: { analytics: 'C0002' } });
        }
        rig.start(setup === 'forms' ? { portalId, trackFormSubmissions: true } : { portalId });
        await analytics.track('Signed Up', { plan: 'pro' });
      },
      { setup, portalId: PORTAL },
    );
    await visit.until(() => window.__hubspot?.sent.some((s) => s.kind === 'customEvent'));
    if (setup === 'banner') {
      const categories = await visit.page.evaluate(() => window.banner.getCategories());
      assert.equal(typeof categories.C0002, 'boolean', `the banner helper answers too: ${JSON.stringify(categories)}`);
    }
    assert.deepEqual(await wasmPaths(visit), expected, `${setup}: one wasm, the one it needs`);
    assert.deepEqual(visit.errors.map(String), []);
    assert.deepEqual(hubspotWarnings(visit), []);
    await harness.closeVisits();
  }
});

test('two plugins made in the same task, the second forwarding forms: the full wasm alone serves both', async () => {
  const visit = await openPage();
  const outcomes = await visit.page.evaluate(async (portalId) => {
    const { hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    const plugins = [hubspotPlugin({ portalId }), hubspotPlugin({ portalId, trackFormSubmissions: true })];
    return Promise.all(
      plugins.map((p) =>
        p.load({}, undefined).then(
          () => 'loaded',
          (e) => e.message,
        ),
      ),
    );
  }, PORTAL);
  assert.deepEqual(outcomes, ['loaded', 'loaded']);
  assert.deepEqual(await wasmPaths(visit), ['/pkg/hubspot_wasm_full_bg.wasm']);
  assert.deepEqual(visit.errors.map(String), []);
});

test('the lean wasm already running: a plugin that forwards forms rejects its load() saying what to do; init({ full: true }) first serves every plugin', async () => {
  const visit = await openPage();
  const outcome = await visit.page.evaluate(async (portalId) => {
    const { default: init, hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    await init();
    return hubspotPlugin({ portalId, trackFormSubmissions: true })
      .load({}, undefined)
      .then(
        () => 'loaded',
        (e) => e.message,
      );
  }, PORTAL);
  assert.equal(outcome, 'the lean wasm runs already: call init({ full: true }) before anything starts it');
  assert.deepEqual(await wasmPaths(visit), ['/pkg/hubspot_wasm_bg.wasm'], 'no second wasm');
  await harness.closeVisits();

  // The lean wasm given as the full one: the Rust plugin itself refuses form forwarding.
  const mislabelled = await openPage();
  const refused = await mislabelled.page.evaluate(async (portalId) => {
    const { default: init, hubspotPlugin } = await import('/pkg/hubspot_wasm.js');
    await init({ module_or_path: '/pkg/hubspot_wasm_bg.wasm', full: true });
    try {
      hubspotPlugin({ portalId, trackFormSubmissions: true });
      return 'made';
    } catch (e) {
      return e.message;
    }
  }, PORTAL);
  assert.equal(refused, 'hubspot-wasm: trackFormSubmissions needs the full wasm: init({ full: true })');
  await harness.closeVisits();

  const full = await openPage();
  await full.page.evaluate(async (portalId) => {
    await window.fixture.init({ full: true });
    rig.start({ portalId });
    await analytics.track('Signed Up', { plan: 'pro' });
  }, PORTAL);
  await full.until(() => window.__hubspot?.sent.some((s) => s.kind === 'customEvent'));
  assert.deepEqual(await wasmPaths(full), ['/pkg/hubspot_wasm_full_bg.wasm']);
  assert.deepEqual(full.errors.map(String), []);
});
