// hubspot-wasm: HubSpot's browser destination for Segment analytics-next.
//
// The package entry, a thin facade. The plugin is Rust (`HubSpotPlugin`, src/browser/): it takes
// the workspace's settings, reads events, loads HubSpot's scripts, pushes every command and hears
// HubSpot's forms. This file gives the plugin object its name, type and version, starts the wasm
// when analytics-next loads the plugin, so `hubspotPlugin()` needs no `await`, and holds the calls
// made before that, to deliver them afterwards in order. It touches no global on import, and
// outside a browser (server-side rendering) it does nothing at all.
// (scripts/build.mjs puts it after wasm-bindgen's glue, in one module: this import becomes a
// reference to the glue's init.)
import start, { HubSpotBannerConsent, HubSpotPlugin } from './hubspot_wasm_core.js';

const PREFIX = 'hubspot-wasm: ';
// Written by scripts/build.mjs from Cargo.toml.
const VERSION = '0.0.0-dev';
// Written by scripts/build.mjs from the Rust constants, so that the loader's URL rule has one
// source: HubSpot's data centres with where their scripts' URLs start (src/settings.rs,
// `Region::NAMES`), Segment's two HubSpot destinations (src/segment.rs, `CLASSIC` and
// `ACTIONS`), and the tracker's element id and what counts as an embed already on the page
// (src/browser/loader.rs, `TRACKER_ID` and `TRACKER_PRESENT`), and the attribute on a loader
// element this file inserted early, which keeps its outcome for the Rust plugin to adopt
// (src/browser/loader.rs, `EARLY`).
const RUST = {
  regions: [['na1', 'https://js.'], ['na2', 'https://js-na2.'], ['eu1', 'https://js-eu1.'], ['ap1', 'https://js-ap1.']],
  destinations: ['HubSpot', 'HubSpot Web (Actions)'],
  trackerId: 'hs-script-loader',
  trackerPresent: '#hs-script-loader,script[src*="hs-scripts.com"],script[src*="hs-analytics.net"]',
  early: 'data-hubspot-wasm',
};

/**
 * The page's one wasm (wasm-bindgen's glue runs one per page, and both builds share it):
 * `starting: false` before any start, `full` then whether something made on this page needs the
 * full one (a plugin is made a task before its wasm starts); `starting` and `full` once a start
 * began, which one; `running` once it runs.
 * @type {{ starting: boolean, full: boolean, running: boolean }}
 */
const pageWasm = { starting: false, full: false, running: false };

/**
 * Fetches, compiles and instantiates the wasm once per page (later calls share it; a failed one
 * may be retried). Optional: `hubspotPlugin()` starts it in a browser; call it first to get
 * settings errors from `hubspotPlugin()` itself, or to take the wasm from elsewhere.
 * `module_or_path`: where else to get the wasm (a URL, a Response, its bytes or a compiled
 * WebAssembly.Module); by default the .wasm next to this file. `full: true`: the package's full
 * wasm (hubspot_wasm_full_bg.wasm, with form forwarding and the cookie-banner helper) instead of
 * the lean one, or, with `module_or_path`, that this one is the full one. Resolves once the wasm
 * runs, to an opaque value (wasm-bindgen's instance exports, under names the release build
 * shortens and changes from build to build): await it, do not read it.
 * @param {Parameters<typeof import('./hubspot_wasm.d.ts').default>[0]} [options]
 * @returns {Promise<unknown>}
 */
export default function init(options) {
  // `init(source)` without the object, wasm-bindgen's older form, is taken too.
  /** @type {{ full?: unknown, module_or_path?: unknown }} */
  const given = options === undefined || options?.constructor === Object ? { ...(/** @type {object} */ (options ?? {})) } : { module_or_path: options };
  const full = given.full === true;
  delete given.full;
  const named = 'module_or_path' in given;
  if (!pageWasm.starting) Object.assign(pageWasm, { starting: true, full: full || (pageWasm.full && !named) });
  else if (full && !pageWasm.full) {
    return Promise.reject(new Error(`${PREFIX}the lean wasm runs here, without form forwarding and the cookie-banner helper: call init({ full: true }) before anything starts it`));
  }
  if (pageWasm.full && !named) given.module_or_path = new URL('hubspot_wasm_full_bg.wasm', import.meta.url);
  // wasm-bindgen's start runs once per page and shares its promise; a failed one may be retried.
  return start(given).then(
    (exports) => {
      pageWasm.running = true;
      return exports;
    },
    (error) => {
      if (!pageWasm.running) pageWasm.starting = false;
      throw refused(error);
    },
  );
}

/**
 * Why the wasm could not run, in words a developer can act on.
 * @param {unknown} error
 */
function refused(error) {
  const text = String(/** @type {{ message?: unknown }} */ (error)?.message ?? error);
  if (typeof WebAssembly !== 'object') return new Error(`${PREFIX}this browser has no WebAssembly, so HubSpot is not loaded`);
  if (/unsafe-eval|Content.Security.Policy/i.test(text)) {
    return new Error(`${PREFIX}the page's Content-Security-Policy refused to compile the plugin's WebAssembly: add 'wasm-unsafe-eval' to its script-src`, { cause: error });
  }
  return new Error(`${PREFIX}the plugin's WebAssembly could not be loaded: ${text}`, { cause: error });
}

/**
 * `settings[key]`, or `undefined` for a getter or Proxy that throws (the Rust plugin then says
 * what is wrong with the settings).
 * @param {unknown} settings
 * @param {string} key
 */
function read(settings, key) {
  try {
    return /** @type {Record<string, unknown>} */ (settings)?.[key];
  } catch {
    return undefined;
  }
}

/** The settings keys the early start below understands, each with its rule: `true` when the value is one the Rust plugin takes as this file reads it. */
const PLAIN = {
  /** @param {unknown} v */
  portalId: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0),
  /** @param {unknown} v */
  region: (v) => v == null || typeof v === 'string',
  /** @param {unknown} v */
  nonce: (v) => v == null || typeof v === 'string',
  ...Object.fromEntries(['enableEuropeanDataCenter', 'customBehavioralEvents', 'trackInitialPageView', 'flushIdentifyImmediately', 'disableCookieBanner'].map((key) => [key, (/** @type {unknown} */ v) => v == null || typeof v === 'boolean'])),
};

/**
 * Where HubSpot's loader is for settings given in code, as the Rust plugin derives it
 * (src/settings.rs), or null where this file cannot be sure the Rust plugin would load that very
 * script: a key it does not know here (the workspace's settings, a self-hosted `trackerUrl`,
 * consent categories, the Forms SDK, a time limit...), a value the Rust plugin would refuse.
 * Whitespace: ASCII only (the Rust plugin trims more: the rare rest waits for it).
 * @param {unknown} settings
 * @returns {{ url: string, nonce: string, region: string, banner: boolean } | null}
 */
function loaderOf(settings) {
  if (settings?.constructor !== Object) return null;
  /** @type {Record<string, unknown>} */
  const values = {};
  try {
    for (const key of Object.keys(/** @type {object} */ (settings))) {
      const value = read(settings, key);
      if (!Object.hasOwn(PLAIN, key) || !PLAIN[/** @type {keyof typeof PLAIN} */ (key)](value)) return null;
      values[key] = value;
    }
  } catch {
    return null; // a Proxy that throws
  }
  const portal = String(values.portalId ?? '').replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
  if (!/^[0-9]+$/.test(portal)) return null;
  const code = typeof values.region === 'string' ? values.region.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '').toLowerCase() || 'na1' : values.enableEuropeanDataCenter ? 'eu1' : 'na1';
  const region = RUST.regions.find(([name]) => name === code);
  if (!region) return null;
  return { url: `${region[1]}hs-scripts.com/${portal}.js`, nonce: typeof values.nonce === 'string' ? values.nonce : '', region: region[1], banner: values.disableCookieBanner !== true };
}

/**
 * `<link rel="preconnect">` to the hosts of HubSpot's chain in the data centre `region` (where its
 * scripts' URLs start): the loader's, and the tracker's that the loader adds. A new origin
 * costs a few round trips (DNS, TCP, TLS) before its first request; made now, they overlap
 * the wait for Segment's settings. A connection only: no request, no cookie.
 * @param {string} region
 */
function preconnect(region) {
  const head = document.head ?? document.documentElement;
  for (const host of ['hs-scripts.com', 'hs-analytics.net']) {
    const href = `${region}${host}`;
    if (head.querySelector(`link[rel="preconnect"][href="${href}"]`)) continue;
    head.append(Object.assign(document.createElement('link'), { rel: 'preconnect', href }));
  }
}

/**
 * HubSpot's loader requested at `load()`, before the wasm runs, where nothing the Rust plugin
 * would decide later can hold it back: the settings in code are plain (`loaderOf`), the
 * workspace has no HubSpot entry (so no consent categories for it, and no Segment HubSpot
 * destination it could run), analytics runs neither of Segment's HubSpot destinations, and the
 * page has no HubSpot embed yet nor a running tracker. The element is the Rust plugin's, as it would make it; it keeps
 * its outcome in `data-hubspot-wasm` ('error' once it failed) for the Rust plugin to adopt.
 * @param {{ url: string, nonce: string, banner: boolean }} loader
 * @param {unknown} analytics
 */
function requestEarly(loader, analytics) {
  try {
    const a = /** @type {{ settings?: { cdnSettings?: { integrations?: object } }, queue?: { plugins?: { name?: unknown }[] } } | undefined} */ (analytics);
    const integrations = a?.settings?.cdnSettings?.integrations ?? {};
    const names = (a?.queue?.plugins ?? []).map((plugin) => plugin?.name);
    if (RUST.destinations.some((name) => Object.hasOwn(integrations, name) || names.includes(name))) return;
    if (document.querySelector(`${RUST.trackerPresent},#hs-analytics`)) return;
    // HubSpot's tracker already running (its `push` replaced), however it came.
    const push = /** @type {{ _hsq?: { push?: unknown } }} */ (globalThis)._hsq?.push;
    if (typeof push === 'function' && push !== Array.prototype.push) return;
    const script = document.createElement('script');
    for (const [name, value] of [['id', RUST.trackerId], ['async', ''], ['defer', ''], [RUST.early, ''], ...(loader.nonce ? [['nonce', loader.nonce]] : [])]) {
      script.setAttribute(name, value);
    }
    script.addEventListener('error', () => script.setAttribute(RUST.early, 'error'));
    // Where the page requires Trusted Types, through the plugin's own policy, which the Rust
    // plugin then never needs: it adopts this element and injects nothing else.
    const { trustedTypes } = /** @type {{ trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(url: string): unknown } } }} */ (globalThis);
    const policy = trustedTypes?.createPolicy('hubspot-wasm', { createScriptURL: String });
    script.src = /** @type {string} */ (policy ? policy.createScriptURL(loader.url) : loader.url);
    if (!loader.banner) Object.assign(window, { disableHubSpotCookieBanner: true });
    document.head.append(script);
  } catch {
    // (A policy or URL the page refuses: the Rust plugin tries again, and says so.)
  }
}

/**
 * Creates the HubSpot destination plugin for analytics-next, with nothing awaited first. When the
 * wasm already runs, invalid settings throw here; otherwise `load()` rejects with the same Error.
 * Without a portalId, `load()` takes the Segment workspace's HubSpot settings.
 * @param {import('./hubspot_wasm.d.ts').HubSpotSettings} [settings]
 * @returns {import('./hubspot_wasm.d.ts').HubSpotPlugin}
 */
export function hubspotPlugin(settings) {
  // Form forwarding (set in code only) needs the full wasm. (Where the lean wasm runs and the
  // full one is needed, load() rejects and says why.)
  const full = read(settings, 'trackFormSubmissions') === true;
  if (!pageWasm.starting) pageWasm.full ||= full;
  const browser = typeof document === 'object';
  const loader = browser ? loaderOf(settings) : null;
  if (loader) preconnect(loader.region);
  /**
   * This plugin's one state: `held` calls wait, in order, for the Rust plugin (`made`, once the
   * wasm runs); `delivering` once load() has started it; `dropped` once it never will (load
   * failed, or this is no browser, as during server rendering).
   * @type {{ stage: 'held', calls: [string, unknown[]][], made?: HubSpotPlugin } | { stage: 'delivering', plugin: HubSpotPlugin } | { stage: 'dropped' }}
   */
  let state = browser ? { stage: 'held', calls: [] } : { stage: 'dropped' };
  if (state.stage === 'held' && pageWasm.running && (pageWasm.full || !full)) state.made = new HubSpotPlugin(settings);
  // Start-up: in a browser the wasm's fetch and compile start a task from now, while
  // analytics-next fetches its settings, not a round trip later when it calls load() (or at
  // load(), where that comes first: a background tab's timers may wait). Not in this call's
  // microtasks: starting the glue takes a few milliseconds, which held back analytics-next's
  // settings request by as much; and an `init({ module_or_path })` made right after this call
  // still chooses the wasm. Never on import, never outside a browser. A failure is load()'s
  // rejection only (caught here too, so that it is no unhandled rejection before load() runs).
  // Pages can start both requests even earlier, in their <head>:
  //   <link rel="modulepreload" href=".../hubspot_wasm.js">
  //   <link rel="preload" as="fetch" type="application/wasm" crossorigin href=".../hubspot_wasm_bg.wasm">
  // (`crossorigin` even on the same origin: fetch() requests the wasm in CORS mode, and only a
  // preload made in the same mode is reused.) The Rust plugin is made as soon as the wasm runs,
  // off load()'s path too (invalid settings then reject `made`, which is what load() returns).
  /** @type {(value?: unknown) => void} */
  let begin = () => {};
  /** @type {Promise<HubSpotPlugin>} */
  const made = new Promise((resolve) => {
    begin = resolve;
  }).then(() => {
    if (state.stage !== 'held') throw new Error(`${PREFIX}not in a browser`);
    return state.made ? state.made : init({ full }).then(() => (state.stage === 'held' ? (state.made ??= new HubSpotPlugin(settings)) : Promise.reject(new Error(`${PREFIX}stopped`))));
  });
  made.catch(() => {});
  if (browser) setTimeout(begin);
  /** @type {Promise<void> | undefined} */
  let loaded;
  /**
   * @param {string} method
   * @param {unknown[]} args
   */
  const call = (method, args) => {
    if (state.stage === 'held') return void state.calls.push([method, args]);
    if (state.stage === 'dropped') return;
    try {
      /** @type {Record<string, (...args: unknown[]) => unknown>} */ (/** @type {unknown} */ (state.plugin))[method](...args);
    } catch (error) {
      console.warn(`${PREFIX}${method} failed`, error); // a bug of ours; the page goes on
    }
  };
  /** @param {string} method */
  const event = (method) => /** @type {<C>(ctx: C) => C} */ ((ctx) => (call(method, [ctx]), ctx));
  return {
    // 'hubspot-wasm' alone switches this destination; `HubSpot: false` on an event (or the
    // Actions destination's name) keeps that event from it too, as from Segment's own.
    name: 'hubspot-wasm',
    alternativeNames: [...RUST.destinations],
    type: 'destination',
    version: VERSION,
    isLoaded: () => (state.stage === 'delivering' ? state.plugin.isLoaded() : false),
    load(_ctx, analytics) {
      if (!browser) return Promise.resolve(); // server-side rendering: inert
      if (loaded) return loaded; // once: later calls share the promise
      if (loader) requestEarly(loader, analytics);
      begin();
      // Until the Rust plugin follows analytics' reset itself, a reset waits in order with the
      // calls around it: one user's identity never rides the next user's events.
      /** @type {{ on?: (event: string, listener: () => void) => void } | undefined} */ (analytics)?.on?.('reset', () => state.stage === 'held' && call('reset', []));
      return (loaded = made.then(
        (plugin) => {
          const result = plugin.load(analytics);
          // In this same callback, so that no call made from now on can overtake a held one.
          const held = state.stage === 'held' ? state.calls : [];
          state = { stage: 'delivering', plugin };
          for (const [method, args] of held) call(method, args);
          return result;
        },
        (error) => {
          state = { stage: 'dropped' }; // analytics-next drops a destination whose load() rejects
          throw error;
        },
      ));
    },
    ready: () => (loaded ?? Promise.resolve()).then(() => (state.stage === 'delivering' ? state.plugin.ready() : undefined), () => {}),
    unload: (...args) => call('unload', args),
    page: event('page'),
    identify: event('identify'),
    track: event('track'),
    // No command: HubSpot's browser code has no group or alias call, and screen is for apps.
    group: (ctx) => ctx,
    alias: (ctx) => ctx,
    screen: (ctx) => ctx,
    doNotTrack: (...args) => call('doNotTrack', args),
    revokeCookieConsent: () => call('revokeCookieConsent', []),
    setConsent: (...args) => call('setConsent', args),
  };
}

/**
 * HubSpot's cookie banner as the page's consent source for Segment's consent wrapper
 * (`@segment/analytics-consent-tools`' `createWrapper`): spread what this returns into its
 * settings. `options`: `{ portalId, region?, trackerUrl?, nonce?, categories }`, where
 * `categories` maps HubSpot's banner categories (`analytics`, `advertisement`, `functionality`,
 * `necessary`) to the workspace's consent category ids. HubSpot's tracking code, which brings the
 * banner, loads at once; `getCategories()` answers with the visitor's choice in the banner (all
 * false while there is none), and each later choice is reported to the wrapper. Invalid options:
 * an Error in the console, and no category granted.
 * @param {import('./hubspot_wasm.d.ts').HubSpotBannerOptions} options
 * @returns {import('./hubspot_wasm.d.ts').HubSpotBannerConsent}
 */
export function hubspotBannerConsent(options) {
  const browser = typeof document === 'object';
  const banner = browser ? init({ full: true }).then(() => new HubSpotBannerConsent(options)) : Promise.reject(new Error(`${PREFIX}no browser`));
  banner.catch((error) => browser && console.error(error));
  return {
    shouldLoadWrapper: () => banner.then(() => {}, () => {}),
    getCategories: () => banner.then((b) => b.getCategories(), () => ({})),
    registerOnConsentChanged: (changed) => void banner.then((b) => b.onConsentChanged(changed), () => {}),
  };
}
