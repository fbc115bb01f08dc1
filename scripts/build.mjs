// `npm run build`: the publishable package in pkg/.
//   hubspot_wasm.js     the entry (from js/, minified): loads the wasm, exports init + hubspotPlugin
//   hubspot_wasm.d.ts   its TypeScript declarations
//   hubspot_wasm.wasm   the Rust core
// The core's exports are a few plain functions that the entry calls itself (src/wasm.rs, README
// Size): no generated glue, so the package is one ES module that works in webpack 5 and in a
// <script type="module"> alike, plus the .wasm.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

const root = new URL('..', import.meta.url).pathname;
const pkg = `${root}pkg/`;
const dev = process.argv.includes('--dev');
rmSync(pkg, { recursive: true, force: true });
// `standalone`: no_std panic handler and allocator, for the shipped wasm only (see Cargo.toml).
// Plain cargo, not wasm-pack: wasm-pack runs wasm-bindgen's CLI, which refuses a module with no
// bindings in it, and this one has none (wasm-pack still runs the in-browser tests).
const profile = dev ? 'debug' : 'release';
execFileSync('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--features', 'standalone', ...(dev ? [] : ['--release'])], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // A 64 KiB stack instead of 1 MiB: parsing recursion is capped at 32 levels, and a smaller
  // initial memory is less for the browser to allocate at start-up.
  env: { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}`, RUSTFLAGS: '-C link-arg=-zstack-size=65536' },
});
mkdirSync(pkg);
const wasm = `${pkg}hubspot_wasm.wasm`;
copyFileSync(`${root}target/wasm32-unknown-unknown/${profile}/hubspot_wasm.wasm`, wasm);
if (!dev) {
  // -ocimfs 0: no inlining of single-caller functions; measured smaller once gzipped.
  // --converge: runs the passes until the module stops shrinking (about 40 B gzipped).
  // --strip-*: names, toolchain notes and the feature list are no use to a visitor.
  execFileSync(`${root}node_modules/.bin/wasm-opt`, ['-Oz', '-ocimfs', '0', '--converge', '--strip-debug', '--strip-producers', '--strip-target-features', wasm, '-o', wasm], { stdio: 'inherit' });
}
copyFileSync(`${root}js/hubspot_wasm.js`, `${pkg}hubspot_wasm.js`);
copyFileSync(`${root}js/hubspot_wasm.d.ts`, `${pkg}hubspot_wasm.d.ts`);
copyFileSync(`${root}README.md`, `${pkg}README.md`);
if (!dev) {
  const entry = `${pkg}hubspot_wasm.js`;
  const { code } = await minify(readFileSync(entry, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
  writeFileSync(entry, code);
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
    './hubspot_wasm.wasm': './hubspot_wasm.wasm',
  },
  files: ['hubspot_wasm.js', 'hubspot_wasm.d.ts', 'hubspot_wasm.wasm', 'README.md'],
  sideEffects: false,
  keywords: ['hubspot', 'segment', 'analytics-next', 'destination', 'wasm'],
};
writeFileSync(`${pkg}package.json`, JSON.stringify(manifest, null, 2) + '\n');
console.error('build: pkg/ ready');
