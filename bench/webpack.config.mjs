// The two JavaScript bundles the benchmark page imports, built by bench/run.mjs (also runnable
// alone: npx webpack -c bench/webpack.config.mjs). Each is an ES module in its own folder under
// bench/.build/, so webpack's `clean` never touches the rest of it (the named wasm build, cargo's
// target dir):
//   peer/peer.mjs            @analytics/hubspot as a web app would ship it (the microbench's peer)
//   analytics/analytics.mjs  the real @segment/analytics-next (the per-event share), with its
//                            lazily loaded chunks beside it
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

const bundle = (name, entry) => ({
  name,
  mode: 'production',
  target: 'web',
  context: here,
  entry,
  devtool: false,
  experiments: { outputModule: true },
  output: {
    path: `${here}.build/${name}`,
    filename: `${name}.mjs`,
    chunkFilename: '[name].[contenthash:8].mjs',
    module: true,
    library: { type: 'module' },
    // Chunks are fetched relative to the bundle itself.
    publicPath: 'auto',
    clean: true,
  },
  performance: { hints: false },
  infrastructureLogging: { level: 'error' },
  stats: 'errors-only',
});

export default [bundle('peer', './peer-entry.js'), bundle('analytics', './analytics-entry.js')];
