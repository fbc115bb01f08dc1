// @ts-check
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
// (src/browser/loader.rs, `TRACKER_ID` and `TRACKER_PRESENT`), and the property in which a script
// element keeps its failure, as the loader element this file inserts early keeps it for the Rust
// plugin to adopt (src/browser/loader.rs, `FAILED`).
const RUST = {
  regions: [
    ['na1', 'https://js.'],
    ['na2', 'https://js-na2.'],
    ['eu1', 'https://js-eu1.'],
    ['ap1', 'https://js-ap1.'],
  ],
  destinations: ['HubSpot', 'HubSpot Web (Actions)'],
  trackerId: 'hs-script-loader',
  trackerPresent: '#hs-script-loader,script[src*="hs-scripts.com"],script[src*="hs-analytics.net"]',
  failed: 'hubspotWasmFailed',
};

/**
 * The page's one wasm (wasm-bindgen's glue runs one per page, and every build shares it). Three
 * builds, each with all of the one before: 0 the lean one, 1 the full one (`full: true`: form
 * forwarding and the cookie-banner helper), 2 the full one with a Segment workspace's HubSpot Web
 * (Actions) subscriptions (`full: 'actions'`; a wish: where a smaller one already runs, it
 * serves). `starting: false` before any start, `level` then the widest that something made on
 * this page needs (a plugin is made a task before its wasm starts); `starting` and `level` once a
 * start began, which one; `running` once it runs.
 * @type {{ starting: boolean, level: number, running: boolean }}
 */
const pageWasm = { starting: false, level: 0, running: false };

/**
 * The build a `full` option asks for.
 * @param {unknown} full
 */
const levelOf = (full) => (full === 'actions' ? 2 : full === true ? 1 : 0);

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
  const given =
    options === undefined || options?.constructor === Object ? { .../** @type {object} */ (options ?? {}) } : { module_or_path: options };
  const level = levelOf(given.full);
  delete given.full;
  const named = 'module_or_path' in given;
  if (!pageWasm.starting) Object.assign(pageWasm, { starting: true, level: named ? level : Math.max(level, pageWasm.level) });
  else if (level === 1 && !pageWasm.level) {
    return Promise.reject(new Error(`${PREFIX}the lean wasm runs already: call init({ full: true }) before anything starts it`));
  }
  // Each URL a literal, for bundlers to find and emit the file.
  if (pageWasm.level && !named) {
    given.module_or_path =
      pageWasm.level > 1 ? new URL('hubspot_wasm_actions_bg.wasm', import.meta.url) : new URL('hubspot_wasm_full_bg.wasm', import.meta.url);
  }
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
  if (typeof WebAssembly !== 'object') return new Error(`${PREFIX}this browser has no WebAssembly`);
  if (/unsafe-eval|Content.Security.Policy/i.test(text)) {
    return new Error(`${PREFIX}the page's Content-Security-Policy refused the WebAssembly: add 'wasm-unsafe-eval' to its script-src`, {
      cause: error,
    });
  }
  // Most often a bundler that did not emit the .wasm (esbuild, Rollup): README, Bundlers.
  return new Error(
    `${PREFIX}the WebAssembly could not be loaded: ${text}. Pass the .wasm's URL to init({ module_or_path }): https://github.com/hubspot-wasm/hubspot-wasm#bundlers`,
    { cause: error },
  );
}

/**
 * load()'s Error without the package's name: analytics-next logs it as
 * `console.warn(plugin.name, error)`, which names the package already.
 * @param {unknown} error
 */
function unprefixed(error) {
  if (error instanceof Error && error.message.startsWith(PREFIX)) {
    error.message = error.message.slice(PREFIX.length);
    error.stack &&= error.stack.replace(PREFIX, '');
  }
  return error;
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

/**
 * HubSpot's loader for settings given in code, as the Rust plugin derives it (src/settings.rs):
 * its URL, the region's start of HubSpot's URLs and the nonce; or nothing where this file cannot
 * be sure the Rust plugin would load that very script: any key but `portalId`, `region`,
 * `enableEuropeanDataCenter` and `nonce` (settings from the workspace, a self-hosted
 * `trackerUrl`, consent categories, the Forms SDK...), or a value of those the Rust plugin would
 * refuse. (`trim()` removes fewer characters than the Rust plugin does: the rare rest waits.)
 * @param {unknown} settings
 * @returns {{ url: string, region: string, nonce?: string } | undefined}
 */
function loaderOf(settings) {
  try {
    const { portalId, region, enableEuropeanDataCenter: eu, nonce, ...rest } = /** @type {Record<string, unknown>} */ (settings);
    const portal = typeof portalId === 'string' || typeof portalId === 'number' ? `${portalId}`.trim() : '';
    const code = region == null ? (eu ? 'eu1' : 'na1') : typeof region === 'string' && (region.trim().toLowerCase() || 'na1');
    const start = RUST.regions.find(([name]) => name === code)?.[1];
    if (
      settings?.constructor !== Object ||
      Object.keys(rest).length ||
      !/^\d+$/.test(portal) ||
      !start ||
      (eu != null && typeof eu !== 'boolean')
    )
      return;
    if (nonce == null || typeof nonce === 'string')
      return { url: `${start}hs-scripts.com/${portal}.js`, region: start, nonce: /** @type {string | undefined} */ (nonce) };
  } catch {
    // (A getter or Proxy that throws: the Rust plugin says what is wrong with the settings.)
  }
}

/**
 * HubSpot's loader requested at `load()`, before the wasm runs, where nothing the Rust plugin
 * would decide later can hold it back: the settings in code are plain (`loaderOf`), the
 * workspace has no HubSpot entry (so no consent categories for it, and no Segment HubSpot
 * destination it could run), analytics runs neither of Segment's HubSpot destinations, and the
 * page has neither a HubSpot embed nor a running tracker (its `push` replaced). The element is
 * the Rust plugin's, as it would make it, and keeps its failure as the Rust plugin's elements do
 * (its `hubspotWasmFailed` property true), for the Rust plugin to adopt. Where the page requires
 * Trusted Types, through the plugin's own policy, which the Rust plugin then never needs for it.
 * @param {{ url: string, nonce?: string }} loader
 * @param {any} analytics
 */
function requestEarly(loader, analytics) {
  try {
    const names = analytics?.queue?.plugins?.map((/** @type {any} */ plugin) => plugin?.name) ?? [];
    const push = /** @type {any} */ (globalThis)._hsq?.push;
    if (
      RUST.destinations.some((name) => name in (analytics?.settings?.cdnSettings?.integrations ?? {}) || names.includes(name)) ||
      document.querySelector(`${RUST.trackerPresent},#hs-analytics`) ||
      (push && push !== [].push)
    ) {
      return;
    }
    const script = Object.assign(document.createElement('script'), {
      id: RUST.trackerId,
      async: true,
      defer: true,
      nonce: loader.nonce ?? '',
    });
    script.onerror = () => Object.assign(script, { [RUST.failed]: true });
    const policy = /** @type {any} */ (globalThis).trustedTypes?.createPolicy('hubspot-wasm', { createScriptURL: String });
    script.src = policy ? policy.createScriptURL(loader.url) : loader.url;
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
  // Form forwarding (set in code only) needs the full wasm; a page naming no portal takes its
  // settings from the Segment workspace, whose HubSpot Web (Actions) subscriptions only the
  // actions wasm runs. (Where the lean wasm runs and the full one is needed, load() rejects and
  // says why.)
  const full = read(settings, 'portalId') == null ? 'actions' : read(settings, 'trackFormSubmissions') === true;
  if (!pageWasm.starting) pageWasm.level = Math.max(pageWasm.level, levelOf(full));
  const browser = typeof document === 'object';
  const loader = browser ? loaderOf(settings) : undefined;
  // `<link rel="preconnect">` to the hosts of HubSpot's chain in the region: the loader's, and
  // the tracker's that the loader adds. On a first visit each new origin costs a few round trips
  // (DNS, TCP, TLS) before its first request; made a task from now (below), they overlap the
  // wait for Segment's settings. Not in this call: appended here, they held analytics-next's
  // settings request back by about 5 ms (bench/visit.mjs). A connection only: no request, no cookie.
  const preconnect = () => {
    for (const host of loader ? ['hs-scripts.com', 'hs-analytics.net'] : []) {
      document.head.append(Object.assign(document.createElement('link'), { rel: 'preconnect', href: loader?.region + host }));
    }
  };
  /**
   * This plugin's one state: the calls held, in order, until the Rust plugin exists (an array);
   * then the Rust plugin they go to, once load() has started it; `null` once it never will (load
   * failed, or this is no browser, as during server rendering).
   * @type {[string, unknown[]][] | HubSpotPlugin | null}
   */
  let state = browser ? [] : null;
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
  // off load()'s path too (invalid settings then reject `made`, which is what load() returns);
  // where the wasm runs already, now (invalid settings throw here).
  let made = pageWasm.running && (pageWasm.level >= levelOf(full) || full === 'actions') ? new HubSpotPlugin(settings) : undefined;
  /** @type {(value?: unknown) => void} */
  let begin = () => {};
  /** @type {Promise<HubSpotPlugin>} */
  const making = new Promise((resolve) => (begin = resolve)).then(
    () => made ?? init({ full }).then(() => (made ??= new HubSpotPlugin(settings))),
  );
  making.catch(() => {});
  if (browser) {
    setTimeout(() => {
      preconnect();
      begin();
    });
  }
  /** @type {Promise<void> | undefined} */
  let loaded;
  /**
   * @param {string} method
   * @param {unknown[]} args
   */
  const call = (method, args) => {
    if (Array.isArray(state)) return void state.push([method, args]);
    try {
      /** @type {any} */ (state)?.[method](...args);
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
    isLoaded: () => state instanceof HubSpotPlugin && state.isLoaded(),
    load(_ctx, analytics) {
      if (!browser) return Promise.resolve(); // server-side rendering: inert
      if (loaded) return loaded; // once: later calls share the promise
      if (loader) requestEarly(loader, analytics);
      begin();
      // analytics' reset (a log-out) is followed by one listener at a time: this one until the
      // Rust plugin follows it itself, holding the reset in order with the calls around it, so
      // that one user's identity never rides the next user's events.
      const emitter =
        /** @type {{ on?: (event: string, listener: () => void) => void, off?: (event: string, listener: () => void) => void } | undefined} */ (
          analytics
        );
      const reset = () => call('reset', []);
      emitter?.on?.('reset', reset);
      return (loaded = making
        .then(
          (plugin) => {
            const result = plugin.load(analytics);
            emitter?.off?.('reset', reset);
            // In this same callback, so that no call made from now on can overtake a held one.
            const held = Array.isArray(state) ? state : [];
            state = plugin;
            for (const [method, args] of held) call(method, args);
            return result;
          },
          (error) => {
            emitter?.off?.('reset', reset);
            state = null; // analytics-next drops a destination whose load() rejects
            throw error;
          },
        )
        // The wasm's failure or the Rust plugin's (settings, HubSpot's script).
        .catch((error) => {
          throw unprefixed(error);
        }));
    },
    ready: () =>
      (loaded ?? Promise.resolve()).then(
        () => (state instanceof HubSpotPlugin ? state.ready() : undefined),
        () => {},
      ),
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
  const banner = browser
    ? init({ full: true }).then(() => new HubSpotBannerConsent(options))
    : Promise.reject(new Error(`${PREFIX}no browser`));
  banner.catch((error) => browser && console.error(error));
  return {
    shouldLoadWrapper: () =>
      banner.then(
        () => {},
        () => {},
      ),
    getCategories: () =>
      banner.then(
        (b) => b.getCategories(),
        () => ({}),
      ),
    registerOnConsentChanged: (changed) =>
      void banner.then(
        (b) => b.onConsentChanged(changed),
        () => {},
      ),
  };
}
