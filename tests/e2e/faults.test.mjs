// Faults (README, Loading and CSP, and Guarantees): HubSpot's scripts blocked, missing, refused by CSP, late, never starting;
// the forms failing alone; load() and register() twice; a page that already embeds HubSpot; and a
// 10,000-call burst. In each, every call analytics-next (or the page) delivered to the plugin is
// found exactly once, in order, in what HubSpot's tracker processed (the emulator's log) and in
// what HubSpot's servers received (its `sent`), no exception reaches the page, isLoaded() tells the
// truth throughout, and load() settles with a message naming the URL. Until HubSpot's tracker
// runs, the plugin holds its calls itself and `_hsq` holds one start-up function entry per plugin
// (nothing order-sensitive waits there, where HubSpot's start-up would reorder it): where the
// tracker never arrives that is checked, then HubSpot's code is started late (as a page that
// retries, or a consent manager that releases it, would) to prove every held call reaches it once.
//
// The page is blank.html with analytics-next (the webpack build's analytics-only.js) and the
// package imported as a plain ES module, so that the plugin can be wrapped before it is registered:
// the wrapper records each delivery, and the expected _hsq is derived from that record (README, What reaches HubSpot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ROOT, useHarness } from './harness.mjs';

const harness = useHarness();
const BLANK = '/tests/e2e/fixtures/blank.html';
const PORTAL = '62515';
const TRACKER_URL = `https://js.hs-scripts.com/${PORTAL}.js`;
const FORMS_URL = 'https://js.hsforms.net/forms/embed/v2.js';
const EMULATOR = await readFile(`${ROOT}www/hubspot-emulator.js`, 'utf8');
let faults = 0;
let callsChecked = 0;

/**
 * Page side: `window.rig`. Loads analytics-next and the package, wraps every plugin it makes so
 * that deliveries, load() promises and their outcomes are recorded, and samples isLoaded()
 * against the truth (the emulator has run) every 5 ms.
 */
async function installRig() {
  if (!window.AnalyticsBrowser) {
    await new Promise((ok, fail) => {
      const s = document.createElement('script');
      s.src = '/tests/e2e/fixtures/dist/analytics-only.js';
      s.onload = ok;
      s.onerror = () => fail(new Error('analytics-only.js did not load'));
      document.head.append(s);
    });
  }
  const pkg = await import('/pkg/hubspot_wasm.js');
  await pkg.default();
  const rig = {
    pkg,
    plugins: [],
    delivered: [],
    loads: [],
    lies: [],
    analytics: null,
    /** A plugin whose event methods and load() are recorded under `tag`. */
    plugin(settings, tag = `p${rig.plugins.length}`) {
      const plugin = pkg.hubspotPlugin(settings);
      for (const method of ['identify', 'track', 'page']) {
        const original = plugin[method];
        plugin[method] = (ctx) => {
          const e = ctx.event;
          const key = method === 'identify' ? e.traits?.email : method === 'track' ? e.event : e.properties?.path;
          rig.delivered.push({ tag, method, key, ran: !!window.__hubspot });
          return original(ctx);
        };
      }
      const load = plugin.load;
      plugin.load = (ctx, analytics) => {
        const promise = load(ctx, analytics);
        const record = { tag, state: 'pending', message: null, isError: null, promise };
        rig.loads.push(record);
        promise.then(
          () => {
            record.state = 'resolved';
          },
          (e) => {
            record.state = 'rejected';
            record.message = e?.message ?? String(e);
            record.isError = e instanceof Error;
          },
        );
        return promise;
      };
      plugin.tag = tag;
      rig.plugins.push(plugin);
      return plugin;
    },
    /** analytics-next with `plugins` registered before load(), Segment's own delivery off. */
    start(plugins) {
      const analytics = (rig.analytics = window.analytics = new AnalyticsBrowser());
      const registered = analytics.register(...plugins);
      analytics.load({ writeKey: 'faults', cdnSettings: { integrations: {} } }, { integrations: { 'Segment.io': false } });
      return registered.then(() => undefined);
    },
    /** Loads as they stand (no promise objects). */
    loadStates() {
      return rig.loads.map(({ promise, ...rest }) => rest);
    },
    /** Whether every load() has settled. */
    settled() {
      return rig.loads.length > 0 && rig.loads.every((l) => l.state !== 'pending');
    },
    /** Mixed calls through analytics-next: every 3rd an identify, every 4th a page, each distinct. */
    async burst(prefix, count) {
      const calls = [];
      for (let i = 0; i < count; i++) {
        if (i % 3 === 0) calls.push(rig.analytics.identify(`${prefix}-user-${i}`, { email: `${prefix}-${i}@example.com` }));
        if (i % 4 === 0) calls.push(rig.analytics.page({ path: `/${prefix}/${i}` }));
        calls.push(rig.analytics.track(`${prefix} ${i}`, { i }));
      }
      await Promise.all(calls);
    },
    /**
     * Our commands HubSpot took (the emulator's log) followed by what still waits in the _hsq
     * array; the tracker's own (its setPortalId and its automatic page view, the first
     * trackPageView it processed: ours for the first `page` is a setPath) and function entries
     * left out.
     */
    received() {
      let automatic = false;
      const processed = (window.__hubspot?.commands ?? []).filter(([name]) => {
        if (name === 'trackPageView' && !automatic) return !(automatic = true);
        return true;
      });
      const queued = Array.isArray(window._hsq) ? window._hsq.slice() : [];
      return [...processed, ...queued]
        .filter((c) => typeof c !== 'function' && c?.[0] !== '<function>' && c?.[0] !== 'setPortalId')
        .map((c) => summary(c));
    },
    /** What waits in the _hsq array, by type ('function' for a start-up entry). */
    queued() {
      return Array.isArray(window._hsq) ? window._hsq.map((e) => (typeof e === 'function' ? 'function' : JSON.stringify(e))) : null;
    },
    /** What HubSpot's servers received, summarised: custom events and the page's own page views. */
    sent() {
      const sent = window.__hubspot?.sent ?? [];
      return {
        customEvents: sent.filter((s) => s.kind === 'customEvent').map((s) => [s.name, s.identity?.email ?? null]),
        pageViews: sent.filter((s) => s.kind === 'pageView' && !s.initial).map((s) => s.path),
        automatic: sent.filter((s) => s.initial).length,
        legacy: sent.filter((s) => s.kind === 'event').length,
      };
    },
  };
  function summary([name, arg]) {
    switch (name) {
      case 'identify':
        return [name, arg?.email];
      case 'trackEvent':
        return [name, arg?.id];
      case 'setPath':
        return [name, arg];
      case 'trackCustomBehavioralEvent':
        return [name, arg?.name];
      default:
        return arg === undefined ? [name] : [name, arg];
    }
  }
  const truth = () => !!window.__hubspot;
  setInterval(() => {
    for (const p of rig.plugins) {
      const said = p.isLoaded();
      if (said !== truth()) rig.lies.push({ tag: p.tag, said, at: performance.now() });
    }
  }, 5);
  window.rig = rig;
}

/** The custom behavioral event name HubSpot receives for a track call (the plugin's default). */
const eventName = (event) => `pe${PORTAL}_${event.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;

/**
 * The commands each recorded delivery must give HubSpot's tracker (README, What reaches HubSpot), one list per call:
 * identify traits wait for the next page or track; a track is a custom behavioral event (the
 * default now: HubSpot no longer processes the legacy trackEvent); the first page of each plugin
 * sets the path of HubSpot's own automatic page view (setPath alone), later pages set the path
 * and track a view.
 */
function expectedPerCall(delivered) {
  const sessions = new Map();
  return delivered.map(({ tag, method, key }) => {
    const s = sessions.get(tag) ?? { pending: null, firstPage: true };
    sessions.set(tag, s);
    const out = [];
    const flush = () => {
      if (s.pending) out.push(['identify', s.pending]);
      s.pending = null;
    };
    if (method === 'identify') s.pending = key;
    if (method === 'track') {
      flush();
      out.push(['trackCustomBehavioralEvent', eventName(key)]);
    }
    if (method === 'page') {
      flush();
      out.push(['setPath', key]);
      if (s.firstPage) s.firstPage = false;
      else out.push(['trackPageView']);
    }
    return out;
  });
}

const expectedCommands = (delivered) => expectedPerCall(delivered).flat();

/**
 * Asserts that `received` is the plugins' expected commands, each plugin's in its own order. One
 * plugin: exactly its sequence. Several plugin instances each hold their own calls until the
 * tracker runs, so HubSpot gets each one's in order but the two interleaved in any way: checked as
 * a merge of the sequences (nothing lost, duplicated or reordered within a plugin).
 */
function assertDelivered(received, delivered, message) {
  const tags = [...new Set(delivered.map((d) => d.tag))];
  if (tags.length === 1) return assert.deepEqual(received, expectedCommands(delivered), message);
  assert.equal(tags.length, 2, 'at most two plugins in these tests');
  const [a, b] = tags.map((tag) => expectedCommands(delivered.filter((d) => d.tag === tag)));
  assert.equal(received.length, a.length + b.length, `${message}: as many commands as both plugins' deliveries make`);
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  // reachable[j]: a prefix of `received` splits into a[0..i) and b[0..j).
  let reachable = b.map(() => false).concat(false);
  reachable[0] = true;
  for (let j = 1; j <= b.length; j++) reachable[j] = reachable[j - 1] && same(received[j - 1], b[j - 1]);
  for (let i = 1; i <= a.length; i++) {
    const next = [];
    for (let j = 0; j <= b.length; j++) {
      const r = received[i + j - 1];
      next[j] = (reachable[j] && same(r, a[i - 1])) || (j > 0 && next[j - 1] && same(r, b[j - 1]));
    }
    reachable = next;
  }
  assert.ok(
    reachable[b.length],
    `${message}: ${JSON.stringify(received)} is not the two plugins' ${JSON.stringify(a)} and ${JSON.stringify(b)} interleaved`,
  );
}

/**
 * What HubSpot's servers must have received for the commands its tracker processed: each custom
 * event with the identity of the identify commands before it (HubSpot keeps and merges identity,
 * so the last email set), and each of our page views with the path set just before it.
 */
function expectedSent(received) {
  let email = null;
  let path = null;
  const customEvents = [];
  const pageViews = [];
  for (const [name, arg] of received) {
    if (name === 'identify') email = arg;
    if (name === 'setPath') path = arg;
    if (name === 'trackCustomBehavioralEvent') customEvents.push([arg, email]);
    if (name === 'trackPageView') pageViews.push(path);
  }
  return { customEvents, pageViews, automatic: 1, legacy: 0 };
}

async function openRig(options) {
  const visit = await harness.open(BLANK, options);
  await visit.page.evaluate(installRig);
  return visit;
}

/** Starts analytics-next with one recorded plugin per settings object (register order kept). */
function start(visit, ...settings) {
  return visit.page.evaluate((list) => rig.start(list.map((s) => rig.plugin(s))), settings);
}

const waitSettled = (visit, timeout = 15_000) => visit.until(() => rig.settled(), null, { timeout });

/**
 * The common checks: nothing lost, duplicated or reordered in what HubSpot's tracker processed
 * and what its servers received; no page exception; isLoaded() never lied; every load() settled
 * as `expected` ('resolved' or 'rejected', then naming `url`). For a tracker that has run.
 */
async function checkDelivery(visit, { expected, url, pluginsLoaded }) {
  faults++;
  // Calls held until the tracker ran reach it in its start-up and a zero-delay timer after it:
  // wait (bounded) until as many commands as the deliveries make have arrived, then compare.
  const count = expectedCommands(await visit.page.evaluate(() => rig.delivered)).length;
  await visit.until((n) => window.__hubspot && rig.received().length >= n, count, { timeout: 3000 }).catch(() => {});
  const { delivered, received, sent, loads, lies, loadedNow } = await visit.page.evaluate(() => ({
    delivered: rig.delivered,
    received: rig.received(),
    sent: rig.sent(),
    loads: rig.loadStates(),
    lies: rig.lies,
    loadedNow: rig.plugins.map((p) => p.isLoaded()),
  }));
  assert.ok(delivered.length > 0, 'analytics delivered calls to the plugin');
  assertDelivered(received, delivered, 'every delivered call reached HubSpot once, in order');
  assert.deepEqual(
    sent,
    expectedSent(received),
    "HubSpot's servers received each event once, with its identity, and each page view with its path",
  );
  callsChecked += delivered.length;
  assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  assert.deepEqual(lies, [], 'isLoaded() told the truth at every sample');
  assertLoads(loads, expected, url);
  if (pluginsLoaded !== undefined)
    assert.deepEqual(
      loadedNow,
      loadedNow.map(() => pluginsLoaded),
    );
  return { delivered, received, loads };
}

/** Every load() settled as `expected`; a rejection is an Error naming `url`. */
function assertLoads(loads, expected, url) {
  assert.ok(loads.length > 0);
  for (const load of loads) {
    assert.equal(load.state, expected, `load() ${expected}`);
    if (expected === 'rejected') {
      assert.equal(load.isError, true, 'rejected with an Error');
      assert.ok(load.message.includes(url), `the message names ${url}: ${load.message}`);
    }
  }
}

/**
 * Where HubSpot's tracker has not run: no page exception, isLoaded() false and never lied, every
 * load() settled as `expected`, and `_hsq` holds one start-up function entry per plugin and
 * nothing else (the calls are held by the plugin, in order, for when the tracker runs).
 */
async function checkHeld(visit, { expected, url, plugins = 1 }) {
  const { delivered, queued, loads, lies, loadedNow } = await visit.page.evaluate(() => ({
    delivered: rig.delivered,
    queued: rig.queued(),
    loads: rig.loadStates(),
    lies: rig.lies,
    loadedNow: rig.plugins.map((p) => p.isLoaded()),
  }));
  assert.ok(delivered.length > 0, 'analytics delivered calls to the plugin');
  assert.deepEqual(queued, Array(plugins).fill('function'), '_hsq holds only the start-up entry: the calls are held by the plugin');
  assert.equal(await visit.page.evaluate(() => window.__hubspot ?? null), null, "HubSpot's tracker never ran");
  assert.deepEqual(visit.errors.map(String), [], 'no uncaught exception or unhandled rejection');
  assert.deepEqual(lies, [], 'isLoaded() told the truth at every sample');
  assert.deepEqual(
    loadedNow,
    loadedNow.map(() => false),
  );
  assertLoads(loads, expected, url);
}

/**
 * HubSpot's code started late, from the local server with its cookie banner beside it (allowed by
 * a 'self' CSP too): the held calls must all reach it, once, in order.
 */
async function lateStart(visit) {
  await visit.page.addScriptTag({ url: `/www/hubspot-emulator.js?portalId=${PORTAL}&banner=hubspot-banner-emulator.js` });
  await visit.until(() => !!window.__hubspot);
}

/** The standard fault scenario: calls before the outcome, the outcome, calls after it. */
async function beforeAndAfter(visit, settings = { portalId: PORTAL }) {
  await start(visit, settings);
  const [said, truth] = await visit.page.evaluate(() => [rig.plugins[0].isLoaded(), !!window.__hubspot]);
  assert.equal(said, truth, 'isLoaded() right after registering');
  await visit.page.evaluate(() => rig.burst('before', 12));
  await waitSettled(visit);
  await visit.page.evaluate(() => rig.burst('after', 12));
  // The page may also call the plugin directly (consent flows do): still no exception.
  await visit.page.evaluate(() => rig.plugins[0].track({ event: { type: 'track', event: 'direct call' } }));
}

for (const [name, tracker] of [
  ['blocked (aborted, as by an ad blocker)', 'abort'],
  ['answered 404', 404],
  ['answered 500', 500],
]) {
  // Was "every delivered call waits in _hsq": now the plugin holds them (HubSpot's start-up would
  // reorder them in _hsq) and _hsq holds its start-up entry alone; HubSpot's code started later
  // still gets every one.
  test(`tracker ${name}: load() rejects naming the URL, every delivered call is held for HubSpot`, async () => {
    const visit = await openRig({ tracker });
    await beforeAndAfter(visit);
    await checkHeld(visit, { expected: 'rejected', url: TRACKER_URL });
    assert.equal(visit.requestsTo('tracker').length, 1);
    await lateStart(visit);
    await checkDelivery(visit, { expected: 'rejected', url: TRACKER_URL, pluginsLoaded: true });
  });
}

test("tracker refused by the page's Content-Security-Policy: load() rejects naming the URL, nothing is lost", async () => {
  // The page's own scripts and wasm are allowed, HubSpot's host is not.
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
  await harness.withHeaders({ 'content-security-policy': csp }, async () => {
    const visit = await openRig();
    await beforeAndAfter(visit);
    await checkHeld(visit, { expected: 'rejected', url: TRACKER_URL });
    assert.deepEqual(visit.requestsTo('tracker'), [], 'the browser never requested the refused script');
    assert.ok(
      visit.console.some((m) => m.text.includes('Content Security Policy') && m.text.includes('hs-scripts.com')),
      'the browser reported the CSP refusal',
    );
    // The page then serves HubSpot's code from its own origin, which the CSP allows: nothing was lost.
    await lateStart(visit);
    await checkDelivery(visit, { expected: 'rejected', url: TRACKER_URL, pluginsLoaded: true });
  });
});

test('tracker that starts after 5 s (default loadTimeoutMs): calls made meanwhile are delivered once, in order', {
  timeout: 60_000,
}, async () => {
  const visit = await openRig({ tracker: 'hold' });
  await start(visit, { portalId: PORTAL });
  const released = new Promise((ok) => setTimeout(ok, 5000)).then(() => visit.release('tracker'));
  await visit.page.evaluate(() => rig.burst('waiting', 30));
  assert.equal(await visit.page.evaluate(() => rig.plugins[0].isLoaded()), false);
  await released;
  await waitSettled(visit);
  await visit.page.evaluate(() => rig.burst('after', 12));
  await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.equal((await visit.hubspot()).loads, 1);
});

// A tracker later than loadTimeoutMs is one warning and load()
// resolves, so analytics-next keeps the destination and no later call is lost.
test('tracker whose script loads but never starts: one warning names the URL at loadTimeoutMs, load() resolves, later calls keep queueing; a late start gets every call once', async () => {
  const visit = await openRig();
  const requested = [];
  // A page route wins over the harness's: HubSpot's URL answers with a script that does nothing.
  await visit.page.route(/hs-scripts\.com/, (route) => {
    requested.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: '/* HubSpot that never starts */' });
  });
  await start(visit, { portalId: PORTAL, loadTimeoutMs: 400 });
  await visit.page.evaluate(() => rig.burst('before', 12));
  await waitSettled(visit);
  const timeouts = visit.warnings.filter((w) => w.includes(TRACKER_URL));
  assert.equal(timeouts.length, 1, `one warning names ${TRACKER_URL}: ${JSON.stringify(visit.warnings)}`);
  assert.match(timeouts[0], /has not started within 400 ms/);
  // analytics-next kept the destination: calls through it still arrive (held by the plugin).
  await visit.page.evaluate(() => rig.burst('after', 12));
  await visit.page.evaluate(() => rig.plugins[0].track({ event: { type: 'track', event: 'direct call' } }));
  await checkHeld(visit, { expected: 'resolved' });
  assert.deepEqual(requested, [TRACKER_URL]);

  // HubSpot's code finally runs (e.g. a consent manager releases it): every held call reaches it once.
  await visit.page.addScriptTag({ content: EMULATOR });
  await visit.page.evaluate(() => rig.analytics.track('after the late start'));
  const { received } = await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.deepEqual(received.at(-1), ['trackCustomBehavioralEvent', eventName('after the late start')]);
});

test('tracker whose request never completes: one warning at loadTimeoutMs, load() resolves, nothing lost', async () => {
  const visit = await openRig({ tracker: 'hold' }); // released only at the end
  await beforeAndAfter(visit, { portalId: PORTAL, loadTimeoutMs: 300 });
  await checkHeld(visit, { expected: 'resolved' });
  const timeouts = visit.warnings.filter((w) => w.includes(TRACKER_URL));
  assert.equal(timeouts.length, 1, JSON.stringify(visit.warnings));
  assert.match(timeouts[0], /has not started within 300 ms/);
  // The request completes at last: HubSpot's tracker gets every held call, once, in order.
  visit.release('tracker');
  await visit.until(() => !!window.__hubspot);
  await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  faults--; // the late answer is the same fault, checked twice
});

for (const forms of ['abort', 404]) {
  test(`forms ${forms === 'abort' ? 'blocked' : 'answered 404'} while the tracker works: load() resolves, one warning names the forms URL`, async () => {
    const visit = await openRig({ forms });
    await beforeAndAfter(visit, { portalId: PORTAL, loadFormsSdk: true });
    await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
    const formsWarnings = visit.warnings.filter((w) => w.includes(FORMS_URL));
    assert.equal(formsWarnings.length, 1, `one warning names ${FORMS_URL}: ${JSON.stringify(visit.warnings)}`);
    assert.equal(await visit.page.evaluate(() => window.hbspt?.forms ?? null), null);
  });
}

test('tracker blocked while the forms work: load() rejects naming the tracker URL, the Forms SDK still loads', async () => {
  const visit = await openRig({ tracker: 'abort' });
  await beforeAndAfter(visit, { portalId: PORTAL, loadFormsSdk: true });
  await checkHeld(visit, { expected: 'rejected', url: TRACKER_URL });
  await visit.until(() => typeof window.hbspt?.forms?.create === 'function');
  assert.equal(visit.requestsTo('forms').length, 1);
});

test('load() called twice: the same promise, one script, one request', async () => {
  const visit = await openRig();
  await start(visit, { portalId: PORTAL });
  const same = await visit.page.evaluate(() => {
    const plugin = rig.plugins[0];
    const again = plugin.load({}, rig.analytics);
    return again === rig.loads[0].promise && rig.loads.length === 2 && rig.loads[1].promise === again;
  });
  assert.equal(same, true, "load() gave the first call's promise back");
  await visit.page.evaluate(() => rig.burst('calls', 12));
  await waitSettled(visit);
  await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 1);
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.equal((await visit.hubspot()).loads, 1);
});

// analytics-next hands every event to every registration: with two hubspot-wasm plugins on one
// analytics (React StrictMode, hot reload) each of them is delivered the call. The first to load
// delivers; the second stays quiet with one warning, so HubSpot gets each call once, in order.
test('plugin registered twice (two instances): one tracker script; the second stays quiet with one warning, each call pushed once', async () => {
  const visit = await openRig();
  await start(visit, { portalId: PORTAL }, { portalId: PORTAL });
  await visit.page.evaluate(() => rig.burst('calls', 12));
  await waitSettled(visit);
  const { delivered, received } = await visit.page.evaluate(() => ({ delivered: rig.delivered, received: rig.received() }));
  assert.deepEqual([...new Set(delivered.map((d) => d.tag))].sort(), ['p0', 'p1'], 'analytics-next delivered to both');
  const quiet = visit.warnings.filter((w) => w.includes('another hubspot-wasm plugin'));
  assert.equal(quiet.length, 1, JSON.stringify(visit.warnings));
  const first =
    received.length &&
    ['p0', 'p1'].find((tag) => JSON.stringify(expectedCommands(delivered.filter((d) => d.tag === tag))) === JSON.stringify(received));
  assert.ok(first, `HubSpot received one plugin's calls, once, in order: ${JSON.stringify(received)}`);
  assert.deepEqual(visit.errors.map(String), []);
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 1);
  assert.equal(visit.requestsTo('tracker').length, 1);
  assert.equal((await visit.hubspot()).loads, 1);
});

test('the same plugin object registered twice: one tracker script; each delivery pushed once, none lost', async () => {
  const visit = await openRig();
  await visit.page.evaluate(() => {
    const plugin = rig.plugin({ portalId: '62515' });
    return rig.start([plugin, plugin]);
  });
  await visit.page.evaluate(() => rig.burst('calls', 12));
  await waitSettled(visit);
  await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 1);
  assert.equal((await visit.hubspot()).loads, 1);
});

const EMBEDS = {
  "HubSpot's embed code (#hs-script-loader)": { id: 'hs-script-loader', src: `//js.hs-scripts.com/${PORTAL}.js` },
  'a script from hs-analytics.net': { src: `https://js.hs-analytics.net/analytics/1700000000000/${PORTAL}.js` },
};
for (const [name, embed] of Object.entries(EMBEDS)) {
  test(`a page that already embeds HubSpot (${name}) with its own queued commands: nothing injected, all kept in order`, async () => {
    const visit = await openRig();
    await visit.page.route(/hs-analytics\.net/, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: EMULATOR }));
    await visit.page.evaluate(({ id, src }) => {
      window._hsq = [['setPath', '/from-the-page']];
      const s = document.createElement('script');
      if (id) s.id = id;
      s.async = true;
      s.src = src;
      document.body.append(s);
    }, embed);
    await beforeAndAfter(visit);
    const { received } = await visit.page.evaluate(() => ({ received: rig.received() }));
    assert.deepEqual(received[0], ['setPath', '/from-the-page'], "the page's own command stays first");
    // Take the page's command out, then the usual check applies.
    assert.deepEqual(await visit.page.evaluate(() => window.__hubspot.commands.shift()), ['setPath', '/from-the-page']);
    await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
    // The page's embed only: HubSpot's loader and the tracker it adds, or the tracker alone.
    assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), embed.id ? 1 : 0);
    assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-analytics.net"]').length), 1);
    assert.equal(visit.requestsTo('tracker').length, embed.id ? 1 : 0);
    assert.equal((await visit.hubspot()).loads, 1);
  });
}

test('a page whose HubSpot already runs before the plugin exists: isLoaded() is true at once, load() resolves, nothing injected', async () => {
  const visit = await openRig();
  await visit.page.addScriptTag({ content: EMULATOR });
  await beforeAndAfter(visit);
  assert.equal(await visit.page.evaluate(() => rig.loads[0].state), 'resolved');
  await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.equal(visit.requestsTo('tracker').length, 0);
  assert.equal(await visit.page.evaluate(() => document.querySelectorAll('script[src*="hs-scripts.com"]').length), 0);
});

// Calls made before HubSpot's tracker runs are held by the plugin, every one while the tracker is
// on its way (bounded only once it is known not to come). 3,000 calls come before the script even
// arrives: every call reaches HubSpot exactly once, in order.
test('10,000 mixed calls in a burst, 3,000 before the tracker arrives: every call reaches HubSpot exactly once, in order, without a warning', {
  timeout: 120_000,
}, async () => {
  const visit = await openRig({ tracker: 'hold' });
  const settings = { portalId: PORTAL };
  await visit.page.evaluate((s) => {
    const plugin = rig.plugin(s);
    rig.direct = plugin;
    rig.directLoad = plugin.load({}, undefined);
    // Mixed calls straight into the plugin's API, in chunks (the page keeps running in between).
    rig.call = (i) => {
      const ctx =
        i % 5 === 1
          ? { event: { type: 'identify', userId: `u${i}`, traits: { email: `burst-${i}@example.com` } } }
          : i % 7 === 2
            ? { event: { type: 'page', properties: { path: `/burst/${i}` } } }
            : { event: { type: 'track', event: `burst ${i}`, properties: { i } } };
      const method = ctx.event.type;
      if (plugin[method](ctx) !== ctx) throw new Error(`call ${i} did not return its ctx`);
    };
    rig.chunk = async (from, to) => {
      for (let i = from; i < to; i++) {
        rig.call(i);
        if (i % 250 === 249) await new Promise((ok) => setTimeout(ok, 0));
      }
    };
  }, settings);
  await visit.page.evaluate(() => rig.chunk(0, 3000)); // before HubSpot's script has even arrived
  assert.equal(await visit.page.evaluate(() => rig.direct.isLoaded()), false);
  visit.release('tracker'); // it arrives while the burst goes on
  await visit.page.evaluate(() => rig.chunk(3000, 10_000));
  await waitSettled(visit);
  const delivered = await visit.page.evaluate(() => rig.delivered);
  assert.equal(delivered.length, 10_000);
  const perCall = expectedPerCall(delivered);
  const last = perCall.at(-1).at(-1);
  await visit.until((l) => JSON.stringify(rig.received().at(-1)) === JSON.stringify(l), last);
  const { received, sent } = await visit.page.evaluate(() => ({ received: rig.received(), sent: rig.sent() }));
  assert.deepEqual(received, perCall.flat(), 'every call reached HubSpot exactly once, in order');
  const beforeRun = delivered.filter((d) => !d.ran).length;
  assert.ok(beforeRun >= 3000, `${beforeRun} calls before the tracker ran`);
  assert.deepEqual(
    visit.warnings.filter((w) => w.includes('calls are waiting')),
    [],
    'nothing dropped',
  );
  assert.deepEqual(
    sent,
    expectedSent(received),
    "HubSpot's servers received each event once, with its identity, and each page view with its path",
  );
  assert.deepEqual(visit.errors.map(String), []);
  assert.deepEqual(await visit.page.evaluate(() => rig.lies), [], 'isLoaded() told the truth at every sample');
  callsChecked += delivered.length;
});

test('a burst through analytics-next while the tracker is on its way: every delivered call reaches HubSpot once, in order', {
  timeout: 60_000,
}, async () => {
  const visit = await openRig({ tracker: 'hold' });
  await start(visit, { portalId: PORTAL });
  const burst = visit.page.evaluate(() => rig.burst('burst', 300));
  await visit.until(() => rig.delivered.length > 50, null, { timeout: 30_000 });
  visit.release('tracker');
  await burst;
  await waitSettled(visit);
  const { delivered } = await checkDelivery(visit, { expected: 'resolved', pluginsLoaded: true });
  assert.equal(delivered.length, 300 + 100 + 75);
  faults--; // not a fault: the ordering check through the real client
  console.log(`# faults simulated: ${faults}; calls checked for loss or duplication: ${callsChecked}, none lost`);
});
