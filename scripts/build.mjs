// Builds the publishable package into pkg/ with wasm-pack (web target: one ES module that works
// in webpack 5 and in a plain <script type="module">), then names its entry in `exports`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const profile = process.argv.includes('--dev') ? '--dev' : '--release';
execFileSync('wasm-pack', ['build', profile, '--target', 'web', '--out-dir', 'pkg', '--out-name', 'hubspot_wasm'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` },
});

const manifest = JSON.parse(readFileSync(`${root}pkg/package.json`, 'utf8'));
manifest.exports = {
  '.': { types: './hubspot_wasm.d.ts', import: './hubspot_wasm.js', default: './hubspot_wasm.js' },
  './hubspot_wasm_bg.wasm': './hubspot_wasm_bg.wasm',
};
manifest.sideEffects = ['./snippets/*'];
writeFileSync(`${root}pkg/package.json`, JSON.stringify(manifest, null, 2) + '\n');
