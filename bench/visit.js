// The in-page half of the Segment site's cold visit (bench/visit.mjs drives it, one fresh browser
// context per visit). The page's modules are imported first, as an app bundle would have them:
// the real analytics-next (bench/.build/analytics/) and the plugin (ours from /pkg/, or the plain
// JS one). Then the clock starts and the site does what Segment's docs show:
//   AnalyticsBrowser.load({ writeKey, cdnURL, plugins: [hubspotPlugin({ portalId })] }), then
//   analytics.page() and analytics.track(…) at once (analytics-next buffers them),
// and stops at the first event command given to window._hsq (a running tracker's stand-in, below).
// Everything is fetched from the local server, each request answered after the
// added round trip (bench/visit.mjs): the settings from the local "CDN", analytics-next's lazy
// chunks, the .wasm.
const params = new URLSearchParams(location.search);
const PLUGIN = params.get('plugin');
// `?preload`: the page's <head> hints the facade documents, as a site would add them (added
// here before the imports, where the parser would have met them).
if (params.has('preload') && PLUGIN === 'ours') {
  const link = (attributes) => document.head.append(Object.assign(document.createElement('link'), attributes));
  link({ rel: 'modulepreload', href: '/pkg/hubspot_wasm.js' });
  link({ rel: 'preload', as: 'fetch', type: 'application/wasm', crossOrigin: 'anonymous', href: '/pkg/hubspot_wasm_bg.wasm' });
}

let first;
const beacon = new Promise((ok) => {
  first = ok;
});
let pageView = null;
// The emulated tracker tells of every request it sends ('hubspot-emulator' events, after it
// recorded the request). The first page view is HubSpot's own, at its start; the clock stops at
// the first event's.
const EVENT_BEACONS = ['event', 'customEvent'];
window.addEventListener('hubspot-emulator', ({ detail }) => {
  const kind = detail?.entry?.kind;
  if (kind === 'pageView') pageView ??= performance.now();
  if (EVENT_BEACONS.includes(kind)) first({ at: performance.now(), command: kind });
});

// When the wasm is instantiated, seen without touching the plugin: calling its init() here would
// start the wasm early for a version of the package that does not.
let instantiated = null;
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = (...args) =>
  instantiateStreaming.apply(WebAssembly, args).then((result) => {
    instantiated ??= performance.now();
    return result;
  });

window.visit = async function visit() {
  const [{ AnalyticsBrowser }, { hubspotPlugin }] = await Promise.all([
    import('./.build/analytics/analytics.mjs'),
    import(PLUGIN === 'ours' ? '/pkg/hubspot_wasm.js' : './plain-hubspot.js'),
  ]);
  await new Promise((ok) => setTimeout(ok, 50)); // the imports' own work settles
  let loadCalled = null,
    trackCalled = null;
  const t0 = performance.now();
  const plugin = hubspotPlugin({ portalId: '62515' });
  const load = plugin.load;
  plugin.load = (...args) => {
    loadCalled = performance.now();
    return load.apply(plugin, args);
  };
  const track = plugin.track;
  plugin.track = (...args) => {
    trackCalled ??= performance.now();
    return track.apply(plugin, args);
  };
  const analytics = AnalyticsBrowser.load(
    { writeKey: 'bench-visit', cdnURL: 'https://cdn.segment.com', plugins: [plugin] },
    // Segment's own delivery off: api.segment.io does not resolve here.
    { integrations: { 'Segment.io': false } },
  );
  analytics.page();
  analytics.track('Signed Up', { plan: 'pro', seats: 3 });
  const done = await Promise.race([beacon, new Promise((ok) => setTimeout(() => ok(null), 10000))]);
  if (!done) return { error: 'no event beacon from HubSpot within 10 s' };
  const entry = (test) => performance.getEntriesByType('resource').find((e) => test(new URL(e.name)));
  // A request's start and end, and whether it opened a connection of its own (none: it reused one,
  // e.g. a preconnected one).
  const span = (e) => (e ? { start: e.startTime - t0, end: e.responseEnd - t0, connected: e.connectEnd > e.connectStart } : null);
  return {
    total: done.at - t0,
    command: done.command,
    loadCalled: loadCalled === null ? null : loadCalled - t0,
    trackCalled: trackCalled === null ? null : trackCalled - t0,
    initDone: instantiated === null ? null : instantiated - t0,
    pageView: pageView === null ? null : pageView - t0,
    settings: span(entry((u) => u.pathname.endsWith('/settings'))),
    wasm: span(entry((u) => u.pathname.endsWith('.wasm'))),
    loader: span(entry((u) => u.hostname.endsWith('hs-scripts.com'))),
    tracker: span(entry((u) => u.hostname.endsWith('hs-analytics.net'))),
  };
};
