// hubspot-wasm: HubSpot's browser destination for Segment analytics-next.
//
// This file is the thin browser edge. The Rust core (hubspot_wasm.wasm) decides every HubSpot
// command; this edge only touches the page: it loads the wasm and HubSpot's scripts, hands the
// core each event as JSON, and pushes the core's commands onto `window._hsq` / `window._hsp`.
// It never throws into the host page from an event method: see README, Guarantees.
const PREFIX = 'hubspot-wasm: ';
const POLL_MS = 20;
const MAX_DEPTH = 32;
const MAX_KEYS = 1000;
// Values the careful copy reads at most: shared references make the paths through a small graph
// exponential (2^depth), and the copy must stay as bounded as the page's own data is not.
const MAX_NODES = 100000;
const TRACKER_ID = 'hs-script-loader';
const FORMS_ID = 'hs-forms-loader';
// HubSpot's embed (or another copy of this plugin) already on the page: never load a second one.
const TRACKER_PRESENT = `#${TRACKER_ID},script[src*="hs-scripts.com"],script[src*="hs-analytics.net"]`;
const FORMS_PRESENT = `#${FORMS_ID},script[src*="hsforms.net"]`;
const global = globalThis;
const warn = (message, ...rest) => console.warn(PREFIX + message, ...rest);

// The core's exports (src/wasm.rs) once init() has run, its start while it runs, and a view of
// its memory. One instance per page: every plugin's handle points into its memory.
let core;
let starting;
let memory = new Uint8Array(0);
// A view from the core's input buffer on, kept while the buffer stays where it is: making a new
// view for each call costs more than encoding a short event.
let input = memory;
let inputAt = -1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Fetches, compiles and instantiates the wasm core, once per page (later calls share it; a
 * failed one may be retried). Await it before `hubspotPlugin()`. `module_or_path`: where else to
 * get the wasm (a URL, a Response, its bytes or a compiled WebAssembly.Module); by default the
 * .wasm next to this file.
 */
export default function init(options) {
  // `init(source)` without the object, wasm-bindgen's older form, is taken too.
  const source = options?.constructor === Object ? options.module_or_path : options;
  starting ??= instantiate(source ?? new URL('hubspot_wasm.wasm', import.meta.url)).then(
    (exports) => (core = exports),
    (error) => { starting = undefined; throw error; },
  );
  return starting;
}

async function instantiate(source) {
  source = await source;
  if (typeof source === 'string' || source instanceof URL || source instanceof Request) source = await fetch(source);
  if (source instanceof Response) {
    if (!source.ok) throw new Error(`${PREFIX}the wasm could not be fetched from ${source.url} (HTTP ${source.status})`);
    // Streaming compiles while the bytes arrive, but only from a server that says application/wasm.
    return (source.headers.get('content-type')?.startsWith('application/wasm')
      ? await WebAssembly.instantiateStreaming(source)
      : await WebAssembly.instantiate(await source.arrayBuffer())).instance.exports;
  }
  const made = await WebAssembly.instantiate(source);
  return (made.instance ?? made).exports; // bytes give { module, instance }, a Module an Instance
}

/** The core's memory; a new view after the memory grew (growing detaches the old buffer). */
function bytes() {
  return memory.byteLength ? memory : (memory = new Uint8Array(core.memory.buffer));
}

/** Writes `text` into the core's input as UTF-8; returns its length in bytes. */
function write(text) {
  // Room for the worst case, three bytes per UTF-16 unit: one pass, and the buffer is kept. The
  // view may run past the buffer, but the UTF-8 written never exceeds the room asked for.
  const at = core.input(3 * text.length);
  if (at !== inputAt || !input.byteLength) input = bytes().subarray((inputAt = at));
  return encoder.encodeInto(text, input).written;
}

/** The core's last answer, as text. */
function answer() {
  const at = core.output();
  return decoder.decode(bytes().subarray(at, at + core.output_len()));
}

/**
 * Creates the HubSpot destination plugin for analytics-next. Throws an `Error` naming the
 * setting when the settings are invalid; nothing is injected into the page until `load()`.
 */
export function hubspotPlugin(settings) {
  if (!core) throw new Error(PREFIX + 'await init() before calling hubspotPlugin()');
  const destination = core.destination_new(write(json(settings).text));
  if (!destination) throw new Error(answer());
  const config = (core.loader(destination), JSON.parse(answer()));
  if (config.serverCredentials) {
    warn('apiKey/privateAppToken are server credentials: they are ignored here and must not be shipped to browsers');
  }
  let loading; // { loaded, ready } once load() has been called
  let listening = false;

  // Every event method: event → core → commands onto _hsq, ctx back, never an exception.
  const deliver = (ctx, fields, call, picked) => {
    try {
      const read = pick(ctx, fields, picked);
      if (read.dropped) warn('part of the event could not be read (a cycle, a throwing getter or a Proxy) and was dropped');
      // Nothing to push and nothing to say (an identify held for later) answers nothing.
      if (!call(destination, write(read.text))) return ctx;
      const [commands, warnings] = JSON.parse(answer());
      for (const message of warnings) console.warn(message);
      push('_hsq', commands);
    } catch (error) {
      warn('a call could not be delivered', error);
    }
    return ctx;
  };

  return {
    name: 'HubSpot',
    type: 'destination',
    version: (core.crate_version(), answer()),
    isLoaded: trackerStarted,
    load(_ctx, analytics) {
      if (!listening && typeof analytics?.on === 'function') {
        // One user's identity must never ride the next user's events.
        analytics.on('reset', () => core.reset(destination));
        listening = true;
      }
      return (loading ??= load(config)).loaded;
    },
    /**
     * Settles when the tracker and the Forms SDK have each loaded or failed; never rejects.
     * analytics-next's `analytics.ready()` waits for it, so `hbspt.forms.create` is usable there.
     */
    ready() {
      return loading?.ready ?? Promise.resolve();
    },
    unload() {
      core.reset(destination);
    },
    // The browser's location rides along: the fallback for `properties.path` and `.search`.
    page: (ctx) => deliver(ctx, PAGE, core.page, { location: { pathname: global.location?.pathname, search: global.location?.search } }),
    identify: (ctx) => deliver(ctx, IDENTIFY, core.identify),
    track: (ctx) => deliver(ctx, TRACK, core.track),
    // HubSpot's tracking code has no group, alias or screen call (groups are server-side only).
    group: (ctx) => ctx,
    alias: (ctx) => ctx,
    screen: (ctx) => ctx,
    /** `doNotTrack()` stops HubSpot tracking this visitor; `doNotTrack(false)` resumes. */
    doNotTrack(enabled = true) {
      // Only an explicit `false` resumes tracking: a stray null or 0 must fail safe.
      push('_hsq', [enabled !== false ? ['doNotTrack'] : ['doNotTrack', { track: true }]]);
    },
    /** Removes HubSpot's cookies and stops tracking until consent is given again. */
    revokeCookieConsent() {
      push('_hsp', [['revokeCookieConsent']]);
    },
    /** Passes a consent choice to HubSpot: `analytics`, `advertisement`, `functionality`. */
    setConsent(choices) {
      core.consent(write(json(choices).text));
      push('_hsp', [['setHubSpotConsent', JSON.parse(answer())]]);
    },
  };
}

// The fields of `ctx.event` each call's mapping reads. Only these cross into the core: the rest
// of an analytics-next event (context, ids, timestamps) is most of its bytes and none of HubSpot's.
const PAGE = [['properties']];
const IDENTIFY = [['userId'], ['traits']];
const TRACK = [['event'], ['userId'], ['properties'], ['context', 'traits']];

/** `{ …picked, field: ctx.event.field, … }` for `fields`, as JSON; a throwing getter reads as absent. */
function pick(ctx, fields, picked = {}) {
  let dropped = false;
  for (const path of fields) {
    try {
      let value = ctx.event;
      for (const key of path) value = value?.[key];
      if (value === undefined) continue;
      let target = picked;
      const last = path.length - 1;
      for (let i = 0; i < last; i++) target = target[path[i]] ??= {};
      target[path[last]] = value;
    } catch {
      dropped = true;
    }
  }
  const read = json(picked);
  return { text: read.text, dropped: dropped || read.dropped };
}

/**
 * `value` as JSON text. `JSON.stringify` throws on cycles, BigInt, throwing getters and Proxy
 * traps; then a careful copy keeps what can be read (`dropped` tells whether anything was not).
 */
function json(value) {
  try {
    return { text: JSON.stringify(value) ?? 'null', dropped: false };
  } catch { /* fall through to the careful copy */ }
  let dropped = false;
  let nodes = 0;
  const ancestors = [];
  const copy = (v, depth) => {
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'function') return undefined;
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    if (depth > MAX_DEPTH || ancestors.includes(v) || ++nodes > MAX_NODES) {
      dropped = true;
      return undefined;
    }
    ancestors.push(v);
    let out;
    try {
      if (Array.isArray(v)) {
        out = [];
        for (let i = 0; i < Math.min(v.length, MAX_KEYS); i++) out.push(tryCopy(v, i, depth) ?? null);
      } else {
        out = {};
        for (const key of Object.keys(v).slice(0, MAX_KEYS)) {
          // defineProperty: a `__proto__` key stays a plain key (the core drops it), never a prototype.
          out = Object.defineProperty(out, key, { value: tryCopy(v, key, depth), enumerable: true });
        }
      }
    } catch {
      dropped = true;
    }
    ancestors.pop();
    return out;
  };
  const tryCopy = (parent, key, depth) => {
    try {
      return copy(parent[key], depth + 1);
    } catch {
      dropped = true;
      return undefined;
    }
  };
  try {
    return { text: JSON.stringify(copy(value, 0)) ?? 'null', dropped };
  } catch {
    return { text: 'null', dropped: true };
  }
}

/** HubSpot's code replaces `_hsq.push` when it starts: the one sign that it runs. */
function trackerStarted() {
  try {
    const push = global._hsq?.push;
    return typeof push === 'function' && push !== Array.prototype.push;
  } catch {
    return false;
  }
}

/** `window[name]`, an array if absent or unusable; an existing queue keeps its contents. */
function queue(name) {
  let q = global[name];
  if (typeof q?.push !== 'function') q = global[name] = [];
  return q;
}

/**
 * Pushes commands in order. Before HubSpot runs they wait in the array; it takes them on start.
 * A queue that throws is warned about once per call, however many commands it refused.
 */
function push(name, commands) {
  let refused;
  for (const command of commands) {
    try {
      queue(name).push(command);
    } catch (error) {
      refused ??= error;
    }
  }
  if (refused) warn(`HubSpot's ${name} threw while taking a command`, refused);
}

/** `<script id async defer src nonce>`, unless the page has one; `failed` is set by its error event. */
function script(present, id, src, nonce) {
  const state = { failed: false };
  if (document.querySelector(present)) return state;
  const element = document.createElement('script');
  element.id = id;
  element.async = element.defer = true;
  if (nonce) element.nonce = nonce;
  element.addEventListener('error', () => { state.failed = true; });
  element.src = src;
  (document.head ?? document.documentElement).appendChild(element);
  return state;
}

/**
 * Loads HubSpot's tracking code and, independently, the Forms SDK. `loaded` resolves when the
 * tracker runs and the forms run or have failed (a warning); it rejects with an Error naming the
 * URL when the tracker's script fails or it does not start within `loadTimeoutMs`. `ready`
 * settles when both have settled. HubSpot's loader pulls in further scripts, so its `load`
 * event proves nothing; a replaced `_hsq.push` does.
 */
function load({ trackerUrl, formsUrl, nonce, loadTimeoutMs, disableCookieBanner }) {
  queue('_hsq');
  queue('_hsp');
  if (disableCookieBanner) global.disableHubSpotCookieBanner = true;
  const deadline = Date.now() + loadTimeoutMs;
  // 'running', 'failed' or 'timeout', once one of them is true; checked every POLL_MS.
  const outcome = (running, element) => new Promise((resolve) => {
    const check = () => {
      const state = running() ? 'running' : element.failed ? 'failed' : Date.now() >= deadline ? 'timeout' : null;
      if (state) resolve(state);
      else setTimeout(check, POLL_MS);
    };
    check();
  });
  // A tracker already running (however the page loaded it) is used as is, like the forms below.
  const tracker = outcome(trackerStarted, trackerStarted() ? {} : script(TRACKER_PRESENT, TRACKER_ID, trackerUrl, nonce));
  const formsRunning = () => !!global.hbspt?.forms;
  const forms = !formsUrl ? Promise.resolve()
    : outcome(formsRunning, formsRunning() ? {} : script(FORMS_PRESENT, FORMS_ID, formsUrl, nonce)).then((state) => {
      if (state !== 'running') warn(`the HubSpot Forms SDK could not be loaded from ${formsUrl}`);
    });
  const loaded = tracker.then((state) => {
    if (state === 'running') return forms;
    throw new Error(state === 'failed'
      ? `${PREFIX}HubSpot's tracking code could not be loaded from ${trackerUrl} (blocked, missing, or refused by the page's Content-Security-Policy)`
      : `${PREFIX}HubSpot's tracking code from ${trackerUrl} did not start within ${loadTimeoutMs} ms`);
  });
  return { loaded, ready: Promise.all([tracker, forms]).then(() => undefined) };
}
