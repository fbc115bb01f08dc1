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
const pushed = new Promise((ok) => { first = ok; });
let at = null;
// A HubSpot tracker already running (its `push` replaced, as HubSpot's code does): both plugins
// hand their commands straight to it, so the clock measures the plugins' own start-up beside
// analytics-next's, not HubSpot's script (which either plugin waits for alike on a first visit:
// the plain one in `_hsq`, ours in its own hold, to keep HubSpot's start-up order).
const hsq = [];
// The clock stops at the first event command (ours sends the first page's path before it; the
// plain plugin nothing for a page), so both are timed to the same call.
const EVENT_COMMANDS = ['trackEvent', 'trackCustomBehavioralEvent'];
hsq.push = function (...commands) {
  const command = commands[0];
  if (at === null && Array.isArray(command) && EVENT_COMMANDS.includes(command[0])) {
    at = performance.now();
    first({ at, command: command[0] });
  }
  return Array.prototype.push.apply(this, commands);
};
window._hsq = hsq;

// When the wasm is instantiated, seen without touching the plugin: calling its init() here would
// start the wasm early for a version of the package that does not.
let instantiated = null;
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = (...args) => instantiateStreaming.apply(WebAssembly, args).then((result) => {
  instantiated ??= performance.now();
  return result;
});

window.visit = async function visit() {
  const [{ AnalyticsBrowser }, { hubspotPlugin }] = await Promise.all([
    import('./.build/analytics/analytics.mjs'),
    import(PLUGIN === 'ours' ? '/pkg/hubspot_wasm.js' : './plain-hubspot.js'),
  ]);
  await new Promise((ok) => setTimeout(ok, 50)); // the imports' own work settles
  let loadCalled = null, trackCalled = null;
  const t0 = performance.now();
  const plugin = hubspotPlugin({ portalId: '62515' });
  const load = plugin.load;
  plugin.load = (...args) => { loadCalled = performance.now(); return load.apply(plugin, args); };
  const track = plugin.track;
  plugin.track = (...args) => { trackCalled ??= performance.now(); return track.apply(plugin, args); };
  const analytics = AnalyticsBrowser.load(
    { writeKey: 'bench-visit', cdnURL: `${location.origin}/segment-cdn`, plugins: [plugin] },
    // Segment's own delivery off: api.segment.io does not resolve here.
    { integrations: { 'Segment.io': false } },
  );
  analytics.page();
  analytics.track('Signed Up', { plan: 'pro', seats: 3 });
  const done = await Promise.race([pushed, new Promise((ok) => setTimeout(() => ok(null), 10000))]);
  if (!done) return { error: 'no command in _hsq within 10 s' };
  const entry = (test) => performance.getEntriesByType('resource').find((e) => test(new URL(e.name).pathname));
  const span = (e) => (e ? { start: e.startTime - t0, end: e.responseEnd - t0 } : null);
  return {
    total: done.at - t0,
    command: done.command,
    loadCalled: loadCalled === null ? null : loadCalled - t0,
    trackCalled: trackCalled === null ? null : trackCalled - t0,
    initDone: instantiated === null ? null : instantiated - t0,
    settings: span(entry((p) => p.endsWith('/settings'))),
    wasm: span(entry((p) => p.endsWith('.wasm'))),
  };
};
