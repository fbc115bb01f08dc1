// Bundles the JavaScript peer (@analytics/hubspot) for the browser; used by bench/run.mjs
// (also runnable alone: npx webpack -c bench/peer.webpack.config.mjs).
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default {
  mode: 'production',
  target: 'web',
  context: here,
  entry: './peer-entry.js',
  devtool: false,
  experiments: { outputModule: true },
  output: {
    path: `${here}.build`,
    filename: 'peer.mjs',
    module: true,
    library: { type: 'module' },
    clean: true,
  },
  performance: { hints: false },
  infrastructureLogging: { level: 'error' },
  stats: 'errors-only',
};
