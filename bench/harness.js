// The in-page half of the benchmark: loaded by bench/page.html in headless Chromium and driven by
// bench/run.mjs through page.evaluate(). Everything timed here runs with `window._hsq` (and
// `window._hsp`) replaced by a recorder, so a timed call costs only mapping + boundary crossing.
import * as ev from './events.js';

const MASK = ev.POOL - 1;

// ---------------------------------------------------------------------------------------------
// The recorder. An array (so code that keeps "existing arrays" keeps it) whose own `push` is a
// cheap function (so `push !== Array.prototype.push`: HubSpot counts as loaded). It keeps only
// the last command, like a sink, so nothing accumulates on the JS side while timing.
let sink = null;
let pushes = 0;
function record(cmd) { sink = cmd; pushes++; return pushes; }
const recorder = [];
recorder.push = record;
const consentRecorder = [];
consentRecorder.push = record;

function installRecorder() {
  window._hsq = recorder;
  window._hsp = consentRecorder;
}

/** Runs `fn` with every push also kept in an array, which it returns (for the report, not timed). */
function capturing(fn) {
  const seen = [];
  const push = (cmd) => { seen.push(structuredCloneSafe(cmd)); return record(cmd); };
  recorder.push = push;
  consentRecorder.push = push;
  try { fn(); } finally { recorder.push = record; consentRecorder.push = record; }
  return seen;
}
function structuredCloneSafe(x) {
  try { return JSON.parse(JSON.stringify(x)); } catch (e) { return String(x); }
}

// ---------------------------------------------------------------------------------------------
// What analytics-next hands to load(): a Context and the Analytics instance. Only a stub: the
// benchmark does not load analytics-next, it calls the plugin's methods as analytics-next would.
const analyticsStub = {
  on() { return this; }, once() { return this; }, off() { return this; }, emit() { return this; },
  user() { return { id: () => null, anonymousId: () => null, traits: () => ({}) }; },
  options: {}, settings: {}, integrations: {},
};

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Calls plugin.load() as analytics-next's register() does; never waits more than 3 s. */
async function load(plugin) {
  if (typeof plugin.load !== 'function') return 'no load()';
  try {
    const r = await Promise.race([Promise.resolve(plugin.load({ event: { type: 'page' } }, analyticsStub)).then(() => 'ok'), sleep(3000).then(() => 'timed out (3 s)')]);
    if (window._hsq !== recorder || window._hsp !== consentRecorder) {
      installRecorder();
      return `${r}; load() replaced window._hsq/_hsp, recorder put back`;
    }
    return r;
  } catch (e) {
    installRecorder();
    return `rejected: ${e && e.message}`;
  }
}

/** A plugin past load() and past its skipped first page, as in a page that has been open a while. */
async function readyPlugin(mod, extra, notes) {
  const plugin = mod.hubspotPlugin({ portalId: '62515', ...extra });
  const how = await load(plugin);
  if (how !== 'ok') notes.push(`load() with ${JSON.stringify(extra)}: ${how}`);
  plugin.page({ event: ev.pageEvent(0) });
  return plugin;
}

// ---------------------------------------------------------------------------------------------
// The floor: the least a destination can do, copy the event's data key by key into a new object
// and push it (what any mapping must at least do: visit every key, build a new object).
function copy(src) { const o = {}; for (const k in src) o[k] = src[k]; return o; }
const floor = {
  identify(ctx) { window._hsq.push(['identify', copy(ctx.event.traits)]); return ctx; },
  track(ctx) { window._hsq.push(['trackEvent', copy(ctx.event.properties)]); return ctx; },
};
const floorFlush = {
  identify(ctx) { window._hsq.push(['identify', copy(ctx.event.traits)]); window._hsq.push(['trackPageView']); return ctx; },
};
// An even lower floor, for information: object spread, which V8 turns into a clone of the
// source's hidden class when shapes repeat (no per-key work at all; no mapping can use it).
const floorSpread = {
  identify(ctx) { window._hsq.push(['identify', { ...ctx.event.traits }]); return ctx; },
  track(ctx) { window._hsq.push(['trackEvent', { ...ctx.event.properties }]); return ctx; },
};

// The floor of the design, for information: what a call costs when the event crosses into wasm
// and back as JSON text (as the plugin passes it) but nothing is done there. The module
// is a no-op (`run(len) -> len`, memory exported), so the commands pushed are the event's own
// data: stringify → TextEncoder.encodeInto → call → TextDecoder.decode → JSON.parse → push.
// Only what the mapping reads is sent (userId + traits; event + properties).
const NOOP_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 5, 3, 1, 0, 2, 7, 16, 2, 6, 109, 101, 109, 111,
  114, 121, 2, 0, 3, 114, 117, 110, 0, 0, 10, 6, 1, 4, 0, 32, 0, 11]);
function wasmFloor(flush) {
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(NOOP_WASM)).exports;
  const mem = new Uint8Array(wasm.memory.buffer);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const roundTrip = (value) => {
    const length = wasm.run(encoder.encodeInto(JSON.stringify(value), mem).written);
    return JSON.parse(decoder.decode(mem.subarray(0, length)));
  };
  return {
    identify(ctx) {
      const e = ctx.event;
      window._hsq.push(['identify', roundTrip({ userId: e.userId, traits: e.traits }).traits]);
      if (flush) window._hsq.push(['trackPageView']);
      return ctx;
    },
    track(ctx) {
      const e = ctx.event;
      window._hsq.push(['trackEvent', roundTrip({ event: e.event, properties: e.properties }).properties]);
      return ctx;
    },
  };
}

// The peer (@analytics/hubspot) is a plugin for the `analytics` library, which calls its methods
// with `{ payload, config, instance }`; `payload` is that library's event (userId, traits /
// event, properties). The pools below are converted once so no conversion is timed.
const peerArg = (config) => (ctx) => ({ payload: { ...ctx.event, options: {} }, config });

// ---------------------------------------------------------------------------------------------
/** One timing loop per (row, implementation): a fresh function, so each call site stays monomorphic. */
function makeLoop(method) {
  // eslint-disable-next-line no-new-func
  return new Function('obj', 'pool', 'deadline', `
    let i = 0, t;
    do {
      for (let j = 0; j < 128; j++) obj.${method}(pool[i++ & ${MASK}]);
      t = performance.now();
    } while (t < deadline);
    return i;`);
}

const state = { rows: {}, notes: [], mod: null, wasm: null };

/**
 * Loads ours (pkgUrl) and the peer (peerUrl), makes one plugin per row, builds the pools and the
 * loops. Returns the row list, notes, and a sample of what each implementation pushes.
 */
export async function setup({ pkgUrl, peerUrl }) {
  installRecorder();
  const mod = await import(pkgUrl);
  state.wasm = await mod.default();
  state.mod = mod;
  const { hubSpotPlugin } = await import(peerUrl);
  const peer = hubSpotPlugin({ portalId: '62515' }); // initialize() (script injection) is not called

  const notes = state.notes;
  const ctxPool = (make) => ev.pool(make).map((event) => ({ event }));
  const pools = {
    identify: ctxPool(ev.identifyEvent),
    identifyMin: ctxPool(ev.identifyMinimalEvent),
    track: ctxPool(ev.trackEvent),
    trackMin: ctxPool(ev.trackMinimalEvent),
  };
  const cfg = { portalId: '62515', flushOnIdentify: false };
  const cfgFlush = { portalId: '62515', flushOnIdentify: true };

  const ours = async (extra) => readyPlugin(mod, extra, notes);
  const defs = [
    // [row id, label, method, ours settings, peer config or null, floor object, pool]
    ['identify', 'identify (traits queued)', 'identify', {}, cfg, floor, pools.identify],
    ['identifyFlush', 'identify (flushIdentifyImmediately)', 'identify', { flushIdentifyImmediately: true }, cfgFlush, floorFlush, pools.identify],
    ['track', 'track (trackEvent)', 'track', {}, cfg, floor, pools.track],
    ['trackCustom', 'track (customBehavioralEvents)', 'track', { customBehavioralEvents: true }, null, floor, pools.track],
    ['identifyMin', 'identify, email only', 'identify', {}, cfg, floor, pools.identifyMin],
    ['trackMin', 'track, no properties', 'track', {}, cfg, floor, pools.trackMin],
  ];
  for (const [id, label, method, settings, peerCfg, floorObj, pool] of defs) {
    const row = { label, method, impls: {} };
    row.impls.ours = { obj: await ours(settings), pool, loop: makeLoop(method) };
    if (peerCfg) row.impls.peer = { obj: peer, pool: pool.map(peerArg(peerCfg)), loop: makeLoop(method) };
    row.impls.floor = { obj: floorObj, pool, loop: makeLoop(method) };
    row.impls.wasmFloor = { obj: wasmFloor(id === 'identifyFlush'), pool, loop: makeLoop(method) };
    if (id === 'identify' || id === 'track') row.impls.floorSpread = { obj: floorSpread, pool, loop: makeLoop(method) };
    state.rows[id] = row;
  }

  // Sanity + report: what each one pushes for the first realistic events (not timed).
  const samples = {};
  const p0 = await ours({});
  samples.ours = capturing(() => {
    const r = p0.identify(pools.identify[0]);
    if (r && typeof r.then === 'function') notes.push('ours: identify() returned a promise; timings count only its synchronous part');
    p0.track(pools.track[0]);
  });
  const p1 = await ours({ flushIdentifyImmediately: true });
  samples.oursFlushIdentify = capturing(() => p1.identify(pools.identify[0]));
  const p2 = await ours({ customBehavioralEvents: true });
  samples.oursCustomBehavioral = capturing(() => p2.track(pools.track[0]));
  samples.peer = capturing(() => { peer.identify(peerArg(cfg)(pools.identify[0])); peer.track(peerArg(cfg)(pools.track[0])); });
  samples.floor = capturing(() => { floor.identify(pools.identify[0]); floor.track(pools.track[0]); });
  if (samples.ours.length === 0) notes.push('ours pushed nothing for identify+track: check the recorder / load()');
  if (samples.peer.length === 0) notes.push('peer pushed nothing: check that its global _hsq is the recorder');

  return {
    rows: Object.fromEntries(Object.entries(state.rows).map(([id, r]) => [id, { label: r.label, impls: Object.keys(r.impls) }])),
    notes, samples, crossOriginIsolated: self.crossOriginIsolated,
    version: state.rows.identify.impls.ours.obj.version ?? null,
  };
}

/** A macrotask turn without timer clamping: lets deferred work (if a plugin defers any) run. */
const yieldTask = () => new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = () => ok(); c.port2.postMessage(0); });

/**
 * Runs one implementation of one row until `ms` have passed; returns calls, elapsed ms and the
 * commands pushed. The clock stops after one more task turn, so work a plugin defers out of the
 * call itself (a microtask, a message) is counted too.
 */
export async function batch(rowId, impl, ms) {
  const { obj, pool, loop } = state.rows[rowId].impls[impl];
  const before = pushes;
  const start = performance.now();
  let calls;
  try {
    calls = loop(obj, pool, start + ms);
  } catch (e) {
    return { error: String(e && (e.stack || e.message) || e) };
  }
  await yieldTask();
  const elapsed = performance.now() - start;
  return { calls, elapsed, pushes: pushes - before };
}

// ---------------------------------------------------------------------------------------------
/**
 * Start-up, in a fresh browser context (so nothing compiled earlier is reused): fetching the JS
 * entry, then `await init()` (wasm fetch + compile + instantiate) and `hubspotPlugin()`, then the
 * first call and load(). Milliseconds from performance.now().
 */
export async function startup({ pkgUrl }) {
  installRecorder();
  const t0 = performance.now();
  const mod = await import(pkgUrl);
  const t1 = performance.now();
  await mod.default();
  const t2 = performance.now();
  const plugin = mod.hubspotPlugin({ portalId: '62515' });
  const t3 = performance.now();
  plugin.track({ event: ev.trackEvent(0) });
  const t4 = performance.now();
  const how = await load(plugin);
  const t5 = performance.now();
  const wasmEntry = performance.getEntriesByType('resource').find((e) => e.name.includes('.wasm'));
  return {
    importJs: t1 - t0, init: t2 - t1, hubspotPlugin: t3 - t2, ready: t3 - t1,
    firstTrack: t4 - t3, load: t5 - t4, loadResult: how,
    wasmFetch: wasmEntry ? wasmEntry.responseEnd - wasmEntry.startTime : null,
  };
}

/**
 * The same without the network, in its own fresh context: the wasm bytes are fetched first
 * (timed apart, after a small file's fetch), then `init({ module_or_path: bytes })` (compile +
 * instantiate) and `hubspotPlugin()`.
 */
export async function startupNoNetwork({ pkgUrl, wasmUrl, smallUrl }) {
  installRecorder();
  const mod = await import(pkgUrl);
  // The floor of any design that fetches its code: one request for a small file, from the same
  // server, in the same position as the wasm's fetch in startup() (the first after the import);
  // then the wasm's own bytes, fetched but not compiled.
  let t = performance.now();
  await (await fetch(smallUrl)).arrayBuffer();
  const smallFetch = performance.now() - t;
  t = performance.now();
  const bytes = await (await fetch(wasmUrl)).arrayBuffer();
  const wasmFetch = performance.now() - t;
  await new Promise((ok) => setTimeout(ok, 50));
  const t0 = performance.now();
  await mod.default({ module_or_path: bytes });
  const t1 = performance.now();
  mod.hubspotPlugin({ portalId: '62515' });
  const t2 = performance.now();
  return { init: t1 - t0, hubspotPlugin: t2 - t1, ready: t2 - t0, smallFetch, wasmFetch };
}

/** The peer's start-up for context: fetching its bundle and creating the plugin. */
export async function peerStartup({ peerUrl }) {
  installRecorder();
  const t0 = performance.now();
  const { hubSpotPlugin } = await import(peerUrl);
  const t1 = performance.now();
  hubSpotPlugin({ portalId: '62515' });
  const t2 = performance.now();
  return { importJs: t1 - t0, ready: t2 - t1 };
}

// ---------------------------------------------------------------------------------------------
/**
 * Memory: wasm linear memory (and the length of any exported table, where leaked JS references
 * would show) after init, after 1,000 and after 100,000 mixed calls.
 */
export async function memory({ pkgUrl, total = 100000, first = 1000 }) {
  installRecorder();
  const mod = await import(pkgUrl);
  const wasm = await mod.default();
  const gc = () => { if (typeof window.gc === 'function') window.gc(); };
  const snapshot = () => {
    gc();
    const tables = {};
    for (const [k, v] of Object.entries(wasm)) if (v instanceof WebAssembly.Table) tables[k] = v.length;
    return {
      wasmBytes: wasm.memory ? wasm.memory.buffer.byteLength : null, tables,
      jsHeapUsed: performance.memory ? performance.memory.usedJSHeapSize : null,
    };
  };
  const notes = [];
  const atInit = snapshot();
  const plugins = [await readyPlugin(mod, {}, notes), await readyPlugin(mod, { flushIdentifyImmediately: true, customBehavioralEvents: true }, notes)];
  const atReady = snapshot();

  const ctx = (make) => ev.pool(make).map((event) => ({ event }));
  const identify = ctx(ev.identifyEvent), identifyMin = ctx(ev.identifyMinimalEvent);
  const track = ctx(ev.trackEvent), trackMin = ctx(ev.trackMinimalEvent), page = ctx(ev.pageEvent);
  // Identify without an email (ignored), and track carrying identify traits in its context (S5).
  const noEmail = ctx((i) => ({ type: 'identify', userId: `anon_${i}`, traits: { plan: 'free', n: i } }));
  const trackWithTraits = ctx((i) => ({ ...ev.trackEvent(i), context: { traits: { email: `t${i}@example.com`, plan: 'pro' } } }));
  // The mix: per 8 calls, 3 identify, 3 track, 1 page, 1 odd one; alternating between two plugins.
  const mix = [
    (p, k) => p.identify(identify[k & MASK]), (p, k) => p.track(track[k & MASK]),
    (p, k) => p.identify(identifyMin[k & MASK]), (p, k) => p.page(page[k & MASK]),
    (p, k) => p.identify(noEmail[k & MASK]), (p, k) => p.track(trackMin[k & MASK]),
    (p, k) => p.identify(identify[(k + 7) & MASK]), (p, k) => p.track(trackWithTraits[k & MASK]),
  ];
  let k = 0;
  let errors = 0, firstError = null;
  const run = (n) => {
    for (const end = k + n; k < end; k++) {
      try { mix[k & 7](plugins[(k >> 3) & 1], k >> 4); } catch (e) { errors++; firstError ??= String(e && e.message); }
    }
  };
  const t0 = performance.now();
  run(first);
  const afterFirst = snapshot();
  run(total - first);
  const afterTotal = snapshot();
  const ms = performance.now() - t0;
  return { atInit, atReady, afterFirst, afterTotal, first, total, ms, errors, firstError, notes };
}

window.bench = { setup, batch, startup, startupNoNetwork, peerStartup, memory };
