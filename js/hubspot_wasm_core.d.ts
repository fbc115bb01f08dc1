// What the facade (hubspot_wasm.js) uses of wasm-bindgen's glue for the Rust plugin, for the
// facade's type check only (js/tsconfig.json): the build merges the two into one module, and the
// package's own declarations are hubspot_wasm.d.ts.

/** wasm-bindgen's init: fetches, compiles and instantiates the wasm, once per page. */
export default function start(options?: { module_or_path?: unknown }): Promise<unknown>;

/** The Rust plugin (src/browser/mod.rs). */
export class HubSpotPlugin {
  constructor(settings: unknown);
  isLoaded(): boolean;
  load(analytics: unknown): Promise<void>;
  ready(): Promise<void>;
}

/** The cookie banner as a consent source (src/browser/banner.rs). */
export class HubSpotBannerConsent {
  constructor(options: unknown);
  getCategories(): Promise<Record<string, boolean>>;
  onConsentChanged(changed: (categories: Record<string, boolean>) => void): void;
}
