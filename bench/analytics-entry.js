// The real Segment analytics-next, bundled by webpack (production) into
// bench/.build/analytics/analytics.mjs, an ES module the benchmark page imports to time the
// plugin inside `analytics.identify()` / `analytics.track()`.
export { AnalyticsBrowser } from '@segment/analytics-next';
