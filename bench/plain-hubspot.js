// The plain-JavaScript yardstick: a small hand-written ES module that does the bare job of a HubSpot
// destination for analytics-next — the plugin object, `_hsq`, the tracker script when the page has
// none, identify traits held until the next track, `['trackEvent', { id, ...properties }]`. No
// key normalisation, dates, flattening or input hardening (README, What reaches HubSpot and Guarantees): it stands for "the same
// job in JavaScript" in the start-up row, the floor of the microbench and, for information, the
// share inside analytics-next.
// HubSpot's embed: its loader (which adds the tracker from hs-analytics.net), as HubSpot's docs give it.
const TRACKER = '#hs-script-loader,script[src*="hs-scripts.com"],script[src*="hs-analytics.net"]';

export function hubspotPlugin({ portalId }) {
  let pending = null;
  // An existing queue is kept (commands already in it are HubSpot's to take).
  const queue = () => (window._hsq ??= []);
  return {
    name: 'HubSpot',
    type: 'destination',
    version: '0.0.0-plain',
    isLoaded: () => window._hsq?.push !== Array.prototype.push,
    load() {
      queue();
      if (!document.querySelector(TRACKER)) {
        const script = Object.assign(document.createElement('script'), { id: 'hs-script-loader', async: true, defer: true });
        script.src = `https://js.hs-scripts.com/${portalId}.js`;
        document.head.append(script);
      }
      return Promise.resolve();
    },
    identify(ctx) {
      const { traits, userId } = ctx.event;
      if (traits?.email) pending = Object.assign(pending ?? {}, traits, userId ? { id: userId } : {});
      return ctx;
    },
    track(ctx) {
      const q = queue();
      if (pending) q.push(['identify', pending]);
      pending = null;
      q.push(['trackEvent', { id: ctx.event.event, ...ctx.event.properties }]);
      return ctx;
    },
    page(ctx) {
      return ctx;
    },
  };
}
