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

let running = false;
// Which wasm this page started: undefined before any, then its `level` (below). wasm-bindgen's
// glue runs one wasm per page, and every build shares it. `fullWanted`: the level something made on this page
// needs (a plugin is made a task before its wasm starts).
let startedFull;
let fullWanted = 0;
// Workspace Actions: three wasm files, each with all of the one before: 0 the lean one, 1 the full
// one (`full: true`), 2 the full one with a Segment workspace's HubSpot Web (Actions) subscriptions
// (`full: 'actions'`). Wanting 2 is a wish: where a smaller one already runs, it serves.
const level = (full) => (full === 'actions' ? 2 : +(full === true));
// (end of workspace Actions)

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
 */
export default function init(options) {
  // `init(source)` without the object, wasm-bindgen's older form, is taken too.
  let { full = false, ...source } = options === undefined || options?.constructor === Object ? options ?? {} : { module_or_path: options };
  full = level(full);
  if (startedFull === undefined) startedFull = 'module_or_path' in source ? full : Math.max(full, fullWanted);
  else if (full == 1 && !startedFull) {
    return Promise.reject(new Error(`${PREFIX}the lean wasm runs here, without form forwarding and the cookie-banner helper: call init({ full: true }) before anything starts it`));
  }
  // Each URL a literal, for bundlers to find and emit the file.
  if (startedFull && !('module_or_path' in source)) {
    source.module_or_path = startedFull > 1 ? new URL('hubspot_wasm_actions_bg.wasm', import.meta.url) : new URL('hubspot_wasm_full_bg.wasm', import.meta.url);
  }
  // wasm-bindgen's start runs once per page and shares its promise; a failed one may be retried.
  return start(source).then(
    (exports) => { running = true; return exports; },
    (error) => { if (!running) startedFull = undefined; throw refused(error); },
  );
}

/** Why the wasm could not run, in words a developer can act on. */
function refused(error) {
  const text = String(error?.message ?? error);
  if (typeof WebAssembly !== 'object') return new Error(`${PREFIX}this browser has no WebAssembly, so HubSpot is not loaded`);
  if (/unsafe-eval|Content.Security.Policy/i.test(text)) {
    return new Error(`${PREFIX}the page's Content-Security-Policy refused to compile the plugin's WebAssembly: add 'wasm-unsafe-eval' to its script-src`, { cause: error });
  }
  return new Error(`${PREFIX}the plugin's WebAssembly could not be loaded: ${text}`, { cause: error });
}

/**
 * Creates the HubSpot destination plugin for analytics-next, with nothing awaited first. When the
 * wasm already runs, invalid settings throw here; otherwise `load()` rejects with the same Error.
 * Without a portalId, `load()` takes the Segment workspace's HubSpot settings.
 */
export function hubspotPlugin(settings) {
  // Form forwarding (set in code only) needs the full wasm.
  let full = false;
  try {
    full = settings?.trackFormSubmissions === true;
    // Workspace Actions: a page naming no portal takes its settings from the Segment workspace,
    // whose HubSpot Web (Actions) subscriptions only the actions wasm runs.
    if (settings?.portalId == null) full = 'actions';
  } catch {} // a throwing getter: the Rust plugin says what is wrong with the settings
  fullWanted = Math.max(fullWanted, level(full));
  // (Where the lean wasm runs and the full one is needed, load() rejects and says why.)
  let created = running && (startedFull >= level(full) || full === 'actions') ? new HubSpotPlugin(settings) : undefined;
  // The Rust plugin once load() has started it; calls wait for that, in order, in `early`
  // (`null` once it never will: load failed, or this is no browser, as during server rendering).
  let plugin;
  let loaded;
  const browser = typeof document === 'object';
  let early = browser ? [] : null;
  // Start-up: in a browser the wasm's fetch and compile start now, while analytics-next fetches
  // its settings, not a round trip later when it calls load(). A task later (or at load(), where
  // that comes first: a background tab's timers may wait): starting the glue takes a few
  // milliseconds of the main thread, which, run in this call's microtasks, delayed
  // analytics-next's settings request by as much; and an `init({ module_or_path })` made right
  // after this call still chooses the wasm. Never on import, never outside a browser. A failure
  // is load()'s rejection only (caught here too, so that it is no unhandled rejection before
  // load() runs). Pages can start both requests even earlier, in their <head>:
  //   <link rel="modulepreload" href=".../hubspot_wasm.js">
  //   <link rel="preload" as="fetch" type="application/wasm" crossorigin href=".../hubspot_wasm_bg.wasm">
  // (`crossorigin` even on the same origin: fetch() requests the wasm in CORS mode, and only a
  // preload made in the same mode is reused.)
  // The Rust plugin is made as soon as the wasm runs, off load()'s path too (invalid settings
  // then reject `starting`, which is what load() returns).
  let begin;
  const begun = new Promise((resolve) => { begin = resolve; });
  const starting = browser && !running ? begun.then(() => init({ full })).then(() => { created ??= new HubSpotPlugin(settings); }) : null;
  starting?.catch(() => {});
  if (starting) setTimeout(begin);
  const call = (method, args) => {
    if (!plugin) return void early?.push([method, args]);
    try {
      plugin[method](...args);
    } catch (error) {
      console.warn(`${PREFIX}${method} failed`, error); // a bug of ours; the page goes on
    }
  };
  const event = (method) => (ctx) => (call(method, [ctx]), ctx);
  return {
    // 'hubspot-wasm' alone switches this destination; `HubSpot: false` on an event (or the
    // Actions destination's name) keeps that event from it too, as from Segment's own.
    name: 'hubspot-wasm',
    alternativeNames: ['HubSpot', 'HubSpot Web (Actions)'],
    type: 'destination',
    version: VERSION,
    isLoaded: () => plugin?.isLoaded() ?? false,
    load(_ctx, analytics) {
      if (!browser) return Promise.resolve(); // server-side rendering: inert
      if (loaded) return loaded; // once: later calls share the promise
      begin();
      // Until the Rust plugin follows analytics' reset itself, a reset waits in order with the
      // calls around it: one user's identity never rides the next user's events.
      analytics?.on?.('reset', () => plugin || call('reset', []));
      return (loaded = (starting ?? init({ full })).then(() => {
        created ??= new HubSpotPlugin(settings);
        const result = created.load(analytics);
        // In this same callback, so that no call made from now on can overtake a held one.
        plugin = created;
        for (const [method, args] of early.splice(0)) call(method, args);
        return result;
      }).catch((error) => {
        early = null; // analytics-next drops a destination whose load() rejects
        throw error;
      }));
    },
    ready: () => (loaded ?? Promise.resolve()).then(() => plugin?.ready(), () => {}),
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
