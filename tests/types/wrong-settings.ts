// Must NOT compile (tests/e2e/consumers.test.mjs checks that tsc fails, once per wrong setting,
// naming it): a wrong type for a setting is caught where the settings are written.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { hubspotPlugin } from 'hubspot-wasm';

AnalyticsBrowser.load({
  writeKey: 'a-write-key',
  plugins: [
    hubspotPlugin({
      portalId: true,
      region: 'us',
      trackFormSubmissions: 'yes',
    }),
  ],
});
