// `npm run build`: the publishable package in pkg/.
//   hubspot_wasm.js        the entry: the thin browser edge (from js/), exports init + hubspotPlugin
//   hubspot_wasm_core.js   wasm-bindgen's glue for the Rust core
//   hubspot_wasm_core_bg.wasm
// The wasm-pack `web` target gives plain ES modules that work in webpack 5 and in a
// <script type="module"> alike. Both JS files are minified: they are what every visitor downloads.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

const root = new URL('..', import.meta.url).pathname;
const pkg = `${root}pkg/`;
const dev = process.argv.includes('--dev');
rmSync(pkg, { recursive: true, force: true });
// `standalone`: no_std panic handler and allocator, for the shipped wasm only (see Cargo.toml).
execFileSync('wasm-pack', ['build', dev ? '--dev' : '--release', '--target', 'web', '--out-dir', 'pkg',
  '--out-name', 'hubspot_wasm_core', '--no-pack', '--', '--features', 'standalone'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // A 64 KiB stack instead of 1 MiB: parsing recursion is capped at 32 levels, and a smaller
  // initial memory is less for the browser to allocate at start-up.
  env: { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}`, RUSTFLAGS: '-C link-arg=-zstack-size=65536' },
});
if (!dev) {
  // -ocimfs 0: no inlining of single-caller functions; measured smaller once gzipped.
  const wasm = `${pkg}hubspot_wasm_core_bg.wasm`;
  execFileSync(`${root}node_modules/.bin/wasm-opt`, ['-Oz', '-ocimfs', '0', wasm, '-o', wasm], { stdio: 'inherit' });
}
copyFileSync(`${root}js/hubspot_wasm.js`, `${pkg}hubspot_wasm.js`);
copyFileSync(`${root}js/hubspot_wasm.d.ts`, `${pkg}hubspot_wasm.d.ts`);
copyFileSync(`${root}README.md`, `${pkg}README.md`);
if (!dev) {
  for (const file of ['hubspot_wasm.js', 'hubspot_wasm_core.js']) {
    const { code } = await minify(readFileSync(pkg + file, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
    writeFileSync(pkg + file, code);
  }
}

const cargo = readFileSync(`${root}Cargo.toml`, 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"`, 'm'))[1];
const manifest = {
  name: 'hubspot-wasm',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  type: 'module',
  module: './hubspot_wasm.js',
  main: './hubspot_wasm.js',
  types: './hubspot_wasm.d.ts',
  exports: {
    '.': { types: './hubspot_wasm.d.ts', default: './hubspot_wasm.js' },
    './hubspot_wasm_core_bg.wasm': './hubspot_wasm_core_bg.wasm',
  },
  files: ['hubspot_wasm.js', 'hubspot_wasm.d.ts', 'hubspot_wasm_core.js', 'hubspot_wasm_core.d.ts',
    'hubspot_wasm_core_bg.wasm', 'hubspot_wasm_core_bg.wasm.d.ts', 'README.md'],
  sideEffects: false,
  keywords: ['hubspot', 'segment', 'analytics-next', 'destination', 'wasm'],
};
writeFileSync(`${pkg}package.json`, JSON.stringify(manifest, null, 2) + '\n');
console.error('build: pkg/ ready');
