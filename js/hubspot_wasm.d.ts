/**
 * Segment's settings object for the HubSpot destination. Every key is optional: without a portalId
 * the plugin takes the settings the Segment workspace serves for the write key (HubSpot Classic or
 * HubSpot Web (Actions)), and the keys given here win one by one. Only the keys the plugin reads
 * are declared, so that a misspelt one is a compile error (at run time it is ignored, with a
 * warning when it is close to one of these).
 */
export interface HubSpotSettings {
  /** The Hub ID, digits only (surrounding whitespace trimmed). Default: the Segment workspace's. */
  portalId?: string | number;
  /** HubSpot data centre; wins over enableEuropeanDataCenter. Default 'na1'. */
  region?: 'na1' | 'na2' | 'eu1' | 'ap1';
  /** EU data residency: same as region 'eu1'. */
  enableEuropeanDataCenter?: boolean;
  /** Also load the HubSpot Forms SDK (window.hbspt.forms). */
  loadFormsSdk?: boolean;
  /** Segment's spelling of loadFormsSdk. */
  loadFormsSDK?: boolean;
  /** track sends trackCustomBehavioralEvent (default true). false: HubSpot's legacy trackEvent, which HubSpot no longer processes (one warning). */
  customBehavioralEvents?: boolean;
  /** Segment consent category ids this destination needs (default: the workspace's consentSettings.categories). */
  consentCategories?: string[];
  /** Forward the first page call too (HubSpot's code records that view itself). */
  trackInitialPageView?: boolean;
  /** identify sends its traits at once, with a trackPageView. */
  flushIdentifyImmediately?: boolean;
  /** Set window.disableHubSpotCookieBanner = true before the tracker loads. */
  disableCookieBanner?: boolean;
  /** How long load() waits for the tracker before one warning (load() then resolves; calls keep queueing), in ms. Default 10000. */
  loadTimeoutMs?: number;
  /** Override the tracking code's URL (https:, http: or relative). */
  trackerUrl?: string;
  /** Override the Forms SDK's URL (https:, http: or relative). */
  formsUrl?: string;
  /** CSP nonce set on every injected script. */
  nonce?: string;
  /** Forward HubSpot form submissions to analytics as track('Form Submitted') (kept from HubSpot
   *  itself). The plugin then fetches the package's full wasm instead of the lean one. */
  trackFormSubmissions?: boolean;
  /** Form fields whose values go with 'Form Submitted' (none by default); 'email' also matches '0-1/email'. */
  formFields?: string[];
  /** A submitted form's email becomes analytics.identify({ email }). */
  identifyFormSubmitters?: boolean;
  /** Server credential: never used in the browser; its presence is warned about. */
  apiKey?: string;
  /** Server credential: never used in the browser; its presence is warned about. */
  privateAppToken?: string;
}

/** HubSpot's consent categories, as `setHubSpotConsent` takes them. */
export interface HubSpotConsent {
  analytics?: boolean;
  advertisement?: boolean;
  functionality?: boolean;
}

/**
 * analytics-next's Context, as far as the plugin reads it: an object with an `event` object.
 * (No index signature, on it or on `event`: analytics-next's Context is a class and its
 * SegmentEvent an interface, and neither is assignable to one, so the plugin would not type as
 * analytics-next's Plugin.)
 */
export interface Context {
  event: object;
}

/** The analytics-next destination plugin. */
export interface HubSpotPlugin {
  /** 'hubspot-wasm': load-time `integrations: { HubSpot: false, 'hubspot-wasm': true }` keeps Segment's own HubSpot code off the page while this one runs. */
  readonly name: 'hubspot-wasm';
  /** Per-event `integrations: { HubSpot: false }` (or the Actions name) keeps an event from this destination too. */
  readonly alternativeNames: string[];
  readonly type: 'destination';
  readonly version: string;
  /** Whether HubSpot's tracking code is running now. */
  isLoaded(): boolean;
  /**
   * Starts the wasm (once per page) and loads HubSpot's tracking code (once). Resolves when the
   * tracker runs or, after loadTimeoutMs, with one warning; rejects with an Error when the
   * settings are invalid, the wasm cannot run (the message says why, e.g. the CSP directive to
   * add) or the tracker's script fails (naming its URL). `analytics` is analytics-next's instance:
   * its workspace settings, its `reset`, and its track/identify for form submissions.
   */
  load(ctx: unknown, analytics?: unknown): Promise<void>;
  /** Settles when the tracker and the Forms SDK have each loaded or failed; never rejects. */
  ready(): Promise<void>;
  /** Drops pending identify traits. */
  unload(): void;
  page<C extends Context>(ctx: C): C;
  identify<C extends Context>(ctx: C): C;
  track<C extends Context>(ctx: C): C;
  group<C>(ctx: C): C;
  alias<C>(ctx: C): C;
  screen<C>(ctx: C): C;
  /** `doNotTrack()` stops HubSpot tracking this visitor; only `doNotTrack(false)` resumes. */
  doNotTrack(enabled?: boolean): void;
  /** Removes HubSpot's cookies and stops tracking until consent is given again. */
  revokeCookieConsent(): void;
  /** Passes a consent choice to HubSpot. */
  setConsent(choices: HubSpotConsent): void;
}

/** Where the wasm comes from: a URL, a Response, its bytes or a compiled module (or a promise of one). */
export type WasmSource = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Fetches, compiles and instantiates the wasm, once per page (a failed start may be retried).
 * Optional: `hubspotPlugin()` starts the wasm itself in a browser; call init() first to get
 * settings errors thrown by `hubspotPlugin()`, or to take the wasm from `module_or_path`. By
 * default the lean .wasm next to this module (`hubspot_wasm_bg.wasm`); `full: true` for the full
 * one (`hubspot_wasm_full_bg.wasm`, with form forwarding and the cookie-banner helper), or to say
 * that `module_or_path` is the full one; `full: 'actions'` for the one that also runs a Segment
 * workspace's HubSpot Web (Actions) subscriptions (`hubspot_wasm_actions_bg.wasm`, what a plugin
 * without a portalId fetches). `init(source)`, without the object, is accepted too.
 * Resolves once the wasm runs, to an opaque value (the wasm's exports under minified names that
 * change from build to build): await it, do not read it.
 */
export default function init(
  options?: { module_or_path?: WasmSource | Promise<WasmSource>; full?: boolean | 'actions' } | WasmSource | Promise<WasmSource>,
): Promise<unknown>;

/**
 * Creates the plugin, with nothing awaited first. Invalid settings throw an Error naming the
 * setting when the wasm already runs; otherwise load() rejects with that Error.
 */
export function hubspotPlugin(settings?: HubSpotSettings): HubSpotPlugin;

/** HubSpot's banner categories mapped to the workspace's Segment consent category ids. */
export interface HubSpotBannerCategories {
  analytics?: string | string[];
  advertisement?: string | string[];
  functionality?: string | string[];
  necessary?: string | string[];
}

/** What `hubspotBannerConsent()` needs: where HubSpot's tracking code (and banner) is, and the mapping. */
export interface HubSpotBannerOptions {
  portalId: string | number;
  region?: 'na1' | 'na2' | 'eu1' | 'ap1';
  enableEuropeanDataCenter?: boolean;
  trackerUrl?: string;
  nonce?: string;
  categories: HubSpotBannerCategories;
}

/** The consent-source part of `createWrapper`'s settings (`@segment/analytics-consent-tools`). */
export interface HubSpotBannerConsent {
  shouldLoadWrapper(): Promise<void>;
  getCategories(): Promise<Record<string, boolean>>;
  registerOnConsentChanged(changed: (categories: Record<string, boolean>) => void): void;
}

/**
 * HubSpot's cookie banner as the page's consent source for Segment's consent wrapper: spread the
 * result into `createWrapper({ ...hubspotBannerConsent(options), shouldLoadSegment })`. Loads
 * HubSpot's tracking code at once (the banner comes with it), and the package's full wasm: call it
 * before anything starts the lean one.
 */
export function hubspotBannerConsent(options: HubSpotBannerOptions): HubSpotBannerConsent;
