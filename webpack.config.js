// Two builds, both run by `npx webpack --mode production` (npm start, scripts/test.sh):
//   - the demo, www/demo.js -> www/dist/ (loaded by www/index.html);
//   - the end-to-end fixtures, tests/e2e/fixtures/*.js -> tests/e2e/fixtures/dist/.
// Both import the package the way an app would, as 'hubspot-wasm' (aliased to the local pkg/ build).
// The package's entry loads its binary with `new URL('hubspot_wasm.wasm', import.meta.url)`,
// which webpack 5 turns into an emitted asset with a hashed name: no loader or experiment needed.
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const shared = {
  resolve: { alias: { 'hubspot-wasm$': here('./pkg') } },
  // analytics-next alone is above webpack's 244 KB advice; the warning says nothing useful here.
  performance: { hints: false },
  output: { publicPath: 'auto', assetModuleFilename: '[name].[contenthash:8][ext]', clean: true },
};

export default [
  {
    ...shared,
    name: 'demo',
    entry: { demo: here('./www/demo.js') },
    output: { ...shared.output, path: here('./www/dist') },
  },
  {
    ...shared,
    name: 'e2e-fixtures',
    entry: {
      // analytics-next + the plugin, bundled as an app would.
      app: here('./tests/e2e/fixtures/app.js'),
      // analytics-next only: the no-bundler test imports the plugin as a plain ES module.
      'analytics-only': here('./tests/e2e/fixtures/analytics-only.js'),
      // analytics-next + Segment's consent wrapper (analytics-consent-tools) + the plugin.
      consent: here('./tests/e2e/fixtures/consent.js'),
    },
    output: { ...shared.output, path: here('./tests/e2e/fixtures/dist') },
  },
];
