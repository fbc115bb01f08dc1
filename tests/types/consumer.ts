// A TypeScript app using the package as the README's Install and register shows, type-checked against the shipped declarations
// (pkg/hubspot_wasm.d.ts) and analytics-next's own types. Every HubSpotSettings key is used once.
// The `@ts-expect-error` lines must each be an error: tsc fails on one that is not.
import { AnalyticsBrowser, type Context } from '@segment/analytics-next';
import init, { hubspotBannerConsent, hubspotPlugin, type HubSpotPlugin, type HubSpotSettings } from 'hubspot-wasm';

const settings: HubSpotSettings = {
  portalId: '62515',
  region: 'eu1',
  enableEuropeanDataCenter: true,
  loadFormsSdk: true,
  loadFormsSDK: true,
  customBehavioralEvents: true,
  consentCategories: ['C0002'],
  trackInitialPageView: false,
  flushIdentifyImmediately: false,
  disableCookieBanner: true,
  loadTimeoutMs: 5000,
  trackerUrl: '/hubspot/62515.js',
  formsUrl: 'https://forms.example.com/v2.js',
  nonce: 'r4nd0m',
  trackFormSubmissions: true,
  formFields: ['email', 'company'],
  identifyFormSubmitters: true,
  apiKey: 'never-in-a-browser',
  privateAppToken: 'never-in-a-browser',
};

// Preloading is optional; it resolves once the wasm runs.
await init();

export const analytics = AnalyticsBrowser.load({
  writeKey: 'a-write-key',
  plugins: [hubspotPlugin(settings)],
});

// portalId is optional (Segment's workspace settings fill it in), and so are the settings; a
// number is accepted too.
const plugin: HubSpotPlugin = hubspotPlugin({});
hubspotPlugin();
hubspotPlugin({ portalId: 62515, region: 'na1' });
await analytics.register(plugin);

plugin.doNotTrack();
plugin.doNotTrack(false);
plugin.revokeCookieConsent();
plugin.setConsent({ analytics: true });
plugin.setConsent({ analytics: false, advertisement: false, functionality: true });

// The event methods hand back analytics-next's own Context type.
declare const ctx: Context;
const tracked: Context = plugin.track(ctx);
const paged: Context = plugin.page(ctx);
const identified: Context = plugin.identify(ctx);
plugin.track({ event: { type: 'track', event: 'Signed Up' } });
export { tracked, paged, identified };

const loaded: boolean = plugin.isLoaded();
const version: string = plugin.version;
const type: 'destination' = plugin.type;
await plugin.ready();
export { loaded, version, type };

// @ts-expect-error portalId is a string or a number
hubspotPlugin({ portalId: true });
// @ts-expect-error region is one of HubSpot's data centres
hubspotPlugin({ region: 'us' });
// @ts-expect-error trackFormSubmissions is a boolean
hubspotPlugin({ trackFormSubmissions: 'yes' });
// @ts-expect-error formFields is a list of field names
hubspotPlugin({ formFields: 'email' });
// @ts-expect-error the settings are an object
hubspotPlugin('62515');
// A misspelt key is an error, not an ignored extra:
// @ts-expect-error portalId
hubspotPlugin({ portalID: '62515' });
// @ts-expect-error region
hubspotPlugin({ portalId: '62515', regoin: 'eu1' });
// @ts-expect-error loadFormsSdk
hubspotPlugin({ portalId: '62515', loadFormSdk: true });

// The .wasm subpaths, imported through a bundler's file loader, are their URL.
import leanWasm from 'hubspot-wasm/hubspot_wasm_bg.wasm';
import fullWasm from 'hubspot-wasm/hubspot_wasm_full_bg.wasm';
await init({ module_or_path: leanWasm });
await init({ module_or_path: fullWasm, full: true });
const url: string = leanWasm;
void url;
// @ts-expect-error consent choices are booleans
plugin.setConsent({ analytics: 'yes' });

// HubSpot's cookie banner as the consent source: what createWrapper takes.
const banner = hubspotBannerConsent({ portalId: '62515', categories: { analytics: 'C0002', advertisement: ['C0004'] } });
const categories: Record<string, boolean> = await banner.getCategories();
banner.registerOnConsentChanged((changed: Record<string, boolean>) => void changed);
await banner.shouldLoadWrapper();
void categories;
