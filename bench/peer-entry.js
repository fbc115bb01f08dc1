// The JavaScript peer as a web app would ship it: @analytics/hubspot's browser build, bundled by
// webpack (production) into bench/.build/peer/peer.mjs, an ES module the benchmark page imports.
export { default as hubSpotPlugin } from '@analytics/hubspot';
