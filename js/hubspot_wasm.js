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
import start, { HubSpotPlugin } from './hubspot_wasm_core.js';

const PREFIX = 'hubspot-wasm: ';
// Written by scripts/build.mjs from Cargo.toml.
const VERSION = '0.0.0-dev';

let running = false;

/**
 * Fetches, compiles and instantiates the wasm once per page (later calls share it; a failed one
 * may be retried). Optional: the plugin calls it in `load()`; call it earlier to preload.
 * `module_or_path`: where else to get the wasm (a URL, a Response, its bytes or a compiled
 * WebAssembly.Module); by default the .wasm next to this file. Resolves to the wasm's exports.
 */
export default function init(options) {
  // `init(source)` without the object, wasm-bindgen's older form, is taken too.
  const source = options === undefined || options?.constructor === Object ? options : { module_or_path: options };
  // wasm-bindgen's start runs once per page and shares its promise; a failed one may be retried.
  return start(source).then(
    (exports) => { running = true; return exports; },
    (error) => { throw refused(error); },
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
  let created = running ? new HubSpotPlugin(settings) : undefined;
  // The Rust plugin once load() has started it; calls wait for that, in order, in `early`
  // (`null` once it never will: load failed, or this is no browser, as during server rendering).
  let plugin;
  let loaded;
  const browser = typeof document === 'object';
  let early = browser ? [] : null;
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
      // Until the Rust plugin follows analytics' reset itself, a reset must still drop the
      // traits held so far: one user's identity never rides the next user's events.
      analytics?.on?.('reset', () => plugin || call('unload', []));
      return (loaded = init().then(() => {
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
