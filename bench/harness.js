// The in-page half of the benchmark: loaded by bench/page.html in headless Chromium (the page is
// cross-origin isolated, so performance.now() ticks in 5 µs) and driven by bench/run.mjs through
// page.evaluate(). Four measurements, each in its own browser context:
//   share()    the plugin's own time inside the real analytics-next's identify()/track()
//   startup()  from the import of a module to its first command in `_hsq`
//   memory()   the wasm's linear memory after 1,000 and 100,000 mixed calls
//   setup() + batch()  the microbench: calls/s of the plugin's methods beside the peer
import * as ev from './events.js';

const MASK = ev.POOL - 1;
const PORTAL = { portalId: '62515' };

// ---------------------------------------------------------------------------------------------
// The recorder. An array (so a plugin that keeps "existing arrays" keeps it) whose own `push`
// only counts and keeps the last command, so HubSpot's own work is not timed and nothing piles
// up. Its `push` is not Array.prototype.push, so plugins take HubSpot as running: load() resolves
// at once (the page has #hs-script-loader, so nothing is injected either).
let _last = null;
let pushes = 0;
function record(command) {
  _last = command;
  return ++pushes;
}
const recorder = Object.assign([], { push: record });
const consentRecorder = Object.assign([], { push: record });

function installRecorder() {
  window._hsq = recorder;
  window._hsp = consentRecorder;
}

/** Runs `fn` and returns (a JSON copy of) every command pushed meanwhile; for the report, not timed. */
function capturing(fn) {
  const seen = [];
  recorder.push = consentRecorder.push = (command) => {
    seen.push(JSON.parse(JSON.stringify(command)));
    return record(command);
  };
  try {
    fn();
  } finally {
    recorder.push = consentRecorder.push = record;
  }
  return seen;
}

// What analytics-next hands to load() outside share(): a Context and a stub of the Analytics
// instance (the plugin only subscribes to its `reset`), one per plugin: a second hubspot-wasm
// plugin on the same instance would stay quiet.
const analyticsStub = {
  on() {
    return this;
  },
  off() {
    return this;
  },
  once() {
    return this;
  },
};
const loadCtx = { event: { type: 'page' } };

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A task turn through a message channel: no timer, so no 4 ms clamp for nested timers. */
const yieldTask = () =>
  new Promise((ok) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => ok();
    c.port2.postMessage(0);
  });

/** A plugin past load() and its skipped first page, as in a page that has been open a while. */
async function readyPlugin(make, settings, notes) {
  const plugin = make({ ...PORTAL, ...settings });
  const how = await Promise.race([
    Promise.resolve(plugin.load(loadCtx, Object.create(analyticsStub))).then(
      () => 'ok',
      (e) => `rejected: ${e?.message}`,
    ),
    sleep(3000).then(() => 'timed out (3 s)'),
  ]);
  if (how !== 'ok') notes.push(`load() with ${JSON.stringify(settings)}: ${how}`);
  plugin.page({ event: ev.pageEvent(0) });
  return plugin;
}

/** The wasm's exports: the package's `init()` resolves to them once the wasm runs. */
async function wasmExports(pkgUrl) {
  const entry = await import(new URL('hubspot_wasm.js', pkgUrl).href);
  return entry.default();
}

// ---------------------------------------------------------------------------------------------
// Share of analytics-next's time per event.

/** Inline replacement for cdn.segment.com's settings: no destination of Segment's own, and
 *  none of analytics-next's own telemetry (it would post to api.segment.io). */
const CDN_SETTINGS = { integrations: {}, metrics: { sampleRate: 0 } };

/** `plugin` with identify/track wrapped so the time spent inside them is summed. */
function timed(plugin) {
  const spent = { identify: 0, track: 0 };
  const calls = { identify: 0, track: 0 };
  const wrap = (kind) => (ctx) => {
    const t = performance.now();
    try {
      return plugin[kind](ctx);
    } finally {
      spent[kind] += performance.now() - t;
      calls[kind]++;
    }
  };
  return { plugin: { ...plugin, identify: wrap('identify'), track: wrap('track') }, spent, calls };
}

/**
 * One analytics-next instance per plugin (ours; the plain-JS module for information), each with
 * only that destination (Segment.io off, settings inline: no network). Awaited events, in blocks
 * of `block` identify then `block` track, the two instances taking turns; after a warm-up of
 * `warm` events of each kind. Per instance and kind: analytics-next's time per event (from the
 * call to its promise settling), the plugin's time inside it, and the share.
 */
export async function share({ analyticsUrl, pkgUrl, plainUrl, events, block, warm }) {
  installRecorder();
  const { AnalyticsBrowser } = await import(analyticsUrl);
  const makers = { ours: (await import(pkgUrl)).hubspotPlugin, plain: (await import(plainUrl)).hubspotPlugin };
  const pools = { identify: ev.pool(ev.identifyEvent), track: ev.pool(ev.trackEvent) };
  const send = {
    identify: (analytics, e) => analytics.identify(e.userId, e.traits),
    track: (analytics, e) => analytics.track(e.event, e.properties),
  };
  const runs = {};
  for (const [name, make] of Object.entries(makers)) {
    const t = timed(make(PORTAL));
    const [analytics] = await AnalyticsBrowser.load(
      { writeKey: `bench-${name}`, cdnSettings: CDN_SETTINGS, plugins: [t.plugin] },
      { integrations: { 'Segment.io': false } },
    );
    runs[name] = { analytics, ...t, total: { identify: 0, track: 0 }, sent: { identify: 0, track: 0 } };
  }

  let i = 0;
  const drive = async (run, kind, n) => {
    for (const end = i + n; i < end; i++) {
      const t = performance.now();
      await send[kind](run.analytics, pools[kind][i & MASK]);
      run.total[kind] += performance.now() - t;
      run.sent[kind]++;
      // Each event starts in a task of its own: analytics-next delivers through setTimeout(0),
      // and Chromium clamps timers nested 5 deep to 4 ms, idle time that is no one's work.
      await yieldTask();
    }
  };
  for (const run of Object.values(runs)) {
    await drive(run, 'identify', warm);
    await drive(run, 'track', warm);
    for (const counter of [run.spent, run.calls, run.total, run.sent]) counter.identify = counter.track = 0;
  }
  const names = Object.keys(runs);
  for (let b = 0; b * block < events; b++) {
    // Turns alternate which instance goes first, so drift hits both alike.
    for (const name of b % 2 ? [...names].reverse() : names) {
      const n = Math.min(block, events - b * block);
      await drive(runs[name], 'identify', n);
      await drive(runs[name], 'track', n);
    }
  }
  const result = {};
  for (const [name, run] of Object.entries(runs)) {
    result[name] = Object.fromEntries(
      ['identify', 'track'].map((kind) => [
        kind,
        {
          events: run.sent[kind],
          pluginCalls: run.calls[kind],
          analyticsMsPerEvent: run.total[kind] / run.sent[kind],
          pluginMsPerEvent: run.spent[kind] / run.sent[kind],
          sharePercent: (100 * run.spent[kind]) / run.total[kind],
        },
      ]),
    );
  }
  return { result, pushes, crossOriginIsolated: self.crossOriginIsolated };
}

// ---------------------------------------------------------------------------------------------
// Start-up.

/**
 * From `import(url)` to the first event command in `_hsq`, in a fresh browser context (run.mjs
 * opens one per sample): import → hubspotPlugin(PORTAL) → load(ctx, analytics) → track(ctx),
 * then wait for the command. `_hsq` stands for a HubSpot tracker already running (its `push`
 * replaced, as HubSpot's code does), so both plugins hand it their commands at once: the figure
 * is the plugin's own start-up (ours holds commands for a tracker still loading, to keep HubSpot's
 * start-up order). `ours` also notes when `init()` settles.
 */
export async function startup({ url, ours }) {
  let first;
  const pushed = new Promise((ok) => {
    first = ok;
  });
  let at = null;
  const hsq = [];
  hsq.push = function (...commands) {
    const command = commands[0];
    if (at === null && Array.isArray(command) && /^track(Custom|Event)/.test(command[0])) {
      at = performance.now();
      first({ at, command: JSON.parse(JSON.stringify(command)) });
    }
    return Array.prototype.push.apply(this, commands);
  };
  window._hsq = hsq;
  const t0 = performance.now();
  const mod = await import(url);
  const imported = performance.now();
  const plugin = mod.hubspotPlugin(PORTAL);
  plugin.load(loadCtx, Object.create(analyticsStub))?.catch?.(() => {});
  const loadCalled = performance.now();
  plugin.track({ event: ev.trackEvent(0) });
  // The same promise load() started (init() runs once per page); it settles before the calls
  // held meanwhile are delivered.
  let initDone = null;
  if (ours)
    mod.default().then(() => {
      initDone = performance.now();
    });
  const done = await Promise.race([pushed, sleep(10000).then(() => null)]);
  if (!done) return { error: 'no command in _hsq within 10 s' };
  const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
  return {
    total: done.at - t0,
    importJs: imported - t0,
    // ours only: load() → wasm fetched, compiled, instantiated (and the Rust plugin created);
    // then its load() and the delivery of the held track.
    wasm: initDone === null ? null : initDone - loadCalled,
    firstCall: initDone === null ? done.at - loadCalled : done.at - initDone,
    wasmFetch: wasm ? wasm.responseEnd - wasm.startTime : null,
    command: done.command,
  };
}

// ---------------------------------------------------------------------------------------------
// Memory.

/**
 * The wasm's linear memory (and the length of every exported table: leaked JS references would
 * show there) after the plugins are ready, after `first` and after `total` mixed calls through
 * two plugins with different settings.
 */
export async function memory({ pkgUrl, total, first }) {
  installRecorder();
  const mod = await import(pkgUrl);
  await mod.default();
  const wasm = await wasmExports(pkgUrl);
  const snapshot = () => {
    window.gc?.();
    const tables = {};
    for (const [k, v] of Object.entries(wasm)) if (v instanceof WebAssembly.Table) tables[k] = v.length;
    // Found by type: the build shortens the export names.
    const linear = Object.values(wasm).find((v) => v instanceof WebAssembly.Memory);
    return { wasmBytes: linear?.buffer.byteLength ?? null, tables, jsHeapUsed: performance.memory?.usedJSHeapSize ?? null };
  };
  const notes = [];
  const plugins = [
    await readyPlugin(mod.hubspotPlugin, {}, notes),
    await readyPlugin(mod.hubspotPlugin, { flushIdentifyImmediately: true, customBehavioralEvents: true }, notes),
  ];
  const atReady = snapshot();

  const ctx = (make) => ev.pool(make).map((event) => ({ event }));
  const identify = ctx(ev.identifyEvent),
    identifyMin = ctx(ev.identifyMinimalEvent);
  const track = ctx(ev.trackEvent),
    trackMin = ctx(ev.trackMinimalEvent),
    page = ctx(ev.pageEvent);
  // Identify without an email (ignored), and track carrying identify traits in its context (README, What reaches HubSpot).
  const noEmail = ctx((i) => ({ type: 'identify', userId: `anon_${i}`, traits: { plan: 'free', n: i } }));
  const trackWithTraits = ctx((i) => ({ ...ev.trackEvent(i), context: { traits: { email: `t${i}@example.com`, plan: 'pro' } } }));
  // Per 8 calls: 3 identify, 3 track, 1 page, 1 identify without email; the plugins take turns.
  const mix = [
    (p, k) => p.identify(identify[k & MASK]),
    (p, k) => p.track(track[k & MASK]),
    (p, k) => p.identify(identifyMin[k & MASK]),
    (p, k) => p.page(page[k & MASK]),
    (p, k) => p.identify(noEmail[k & MASK]),
    (p, k) => p.track(trackMin[k & MASK]),
    (p, k) => p.identify(identify[(k + 7) & MASK]),
    (p, k) => p.track(trackWithTraits[k & MASK]),
  ];
  let k = 0;
  let errors = 0,
    firstError = null;
  const run = (n) => {
    for (const end = k + n; k < end; k++) {
      try {
        mix[k & 7](plugins[(k >> 3) & 1], k >> 4);
      } catch (e) {
        errors++;
        firstError ??= String(e?.message);
      }
    }
  };
  const t0 = performance.now();
  run(first);
  const afterFirst = snapshot();
  run(total - first);
  const afterTotal = snapshot();
  return { atReady, afterFirst, afterTotal, first, total, ms: performance.now() - t0, errors, firstError, notes };
}

// ---------------------------------------------------------------------------------------------
// The microbench: calls/s of identify and track, ours (the package's plugin, through the facade)
// beside the peer @analytics/hubspot and the plain-JS module (bench/plain-hubspot.js).

// The peer is a plugin of the `analytics` library, which calls it with `{ payload, config }`,
// `payload` being that library's event; its pools are converted once, outside the timing.
const peerArg = (ctx) => ({ payload: { ...ctx.event, options: {} }, config: { ...PORTAL, flushOnIdentify: false } });

/** One timing loop per (row, implementation): a fresh function, so each call site stays monomorphic. */
function makeLoop(method) {
  // eslint-disable-next-line no-new-func
  return new Function(
    'obj',
    'pool',
    'deadline',
    `
    let i = 0, t;
    do {
      for (let j = 0; j < 128; j++) obj.${method}(pool[i++ & ${MASK}]);
      t = performance.now();
    } while (t < deadline);
    return i;`,
  );
}

const rows = {};

/** Loads the three, makes the rows; returns their implementations and what each pushes. */
export async function setup({ pkgUrl, peerUrl, plainUrl }) {
  installRecorder();
  const notes = [];
  const mod = await import(pkgUrl);
  await mod.default();
  const { hubSpotPlugin } = await import(peerUrl);
  const peer = hubSpotPlugin(PORTAL); // initialize() (the script injection) is not called
  const plain = await readyPlugin((await import(plainUrl)).hubspotPlugin, {}, notes);
  const ours = await readyPlugin(mod.hubspotPlugin, {}, notes);

  const ctxPool = (make) => ev.pool(make).map((event) => ({ event }));
  for (const [id, label, make] of [
    ['identify', 'identify (24 traits, queued)', ev.identifyEvent],
    ['track', 'track (11 properties)', ev.trackEvent],
  ]) {
    const pool = ctxPool(make);
    rows[id] = {
      label,
      impls: {
        ours: { obj: ours, pool, loop: makeLoop(id) },
        peer: { obj: peer, pool: pool.map(peerArg), loop: makeLoop(id) },
        plain: { obj: plain, pool, loop: makeLoop(id) },
      },
    };
  }
  // What each pushes for one identify then one track (not timed).
  const samples = {};
  for (const impl of ['ours', 'peer', 'plain']) {
    samples[impl] = capturing(() => {
      for (const id of ['identify', 'track']) {
        const r = rows[id].impls[impl];
        r.obj[id](r.pool[1]);
      }
    });
  }
  if (!samples.ours.length) notes.push('ours pushed nothing for identify + track: check the recorder and load()');
  return {
    rows: Object.fromEntries(Object.entries(rows).map(([id, r]) => [id, { label: r.label, impls: Object.keys(r.impls) }])),
    notes,
    samples,
    version: ours.version,
    crossOriginIsolated: self.crossOriginIsolated,
  };
}

/**
 * Runs one implementation of one row for `ms`; returns calls, elapsed ms and commands pushed.
 * The clock stops after one more task turn, so work a plugin defers out of the call counts too.
 */
export async function batch(rowId, impl, ms) {
  const { obj, pool, loop } = rows[rowId].impls[impl];
  const before = pushes;
  const start = performance.now();
  let calls;
  try {
    calls = loop(obj, pool, start + ms);
  } catch (e) {
    return { error: String(e?.stack || e?.message || e) };
  }
  await yieldTask();
  return { calls, elapsed: performance.now() - start, pushes: pushes - before };
}

window.bench = { share, startup, memory, setup, batch };
