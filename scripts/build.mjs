// `npm run build`: the publishable package in pkg/, built by wasm-pack.
//   hubspot_wasm.js        the entry: wasm-bindgen's glue for the Rust plugin followed by the thin
//                          facade of js/ (init + hubspotPlugin), one module, minified
//   hubspot_wasm_bg.wasm   the Rust plugin and core (wasm-opt -Oz)
//   hubspot_wasm.d.ts      TypeScript declarations
// `--dev`: a debug build with console_error_panic_hook, unminified.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';
import { MINIFY_NAMES, OWN_STD, RUSTFLAGS, STRIP, WASM_OPT } from './wasm-flags.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = `${root}pkg/`;
const dev = process.argv.includes('--dev');
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const rustflags = `${process.env.RUSTFLAGS ?? ''} ${RUSTFLAGS}`.trim();
const wasmPack = (extraEnv, extraRustflags, cargoArgs) => execFileSync('wasm-pack', [
  'build', '--target', 'web', '--out-dir', 'pkg', '--out-name', 'hubspot_wasm', '--no-typescript', '--no-pack',
  dev ? '--dev' : '--release', '.', ...cargoArgs, // the crate's path, then cargo's own options
], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, ...extraEnv, RUSTFLAGS: `${rustflags} ${extraRustflags}`.trim() } });

rmSync(pkg, { recursive: true, force: true });
if (dev) {
  wasmPack({}, '', ['--features', 'panic-hook']);
} else {
  // Rust's std compiled with panics that trap at once (scripts/wasm-flags.mjs says why). Should a
  // toolchain refuse the unstable options, the ordinary build is made instead, with a warning.
  try {
    wasmPack(OWN_STD.env, OWN_STD.rustflags, OWN_STD.cargoArgs);
  } catch {
    console.error('build: WARNING: building std with immediate-abort panics failed; the ordinary build (about 2.4 KB larger) follows');
    wasmPack({}, '', []);
  }
}
rmSync(`${pkg}.gitignore`, { force: true });

const wasm = `${pkg}hubspot_wasm_bg.wasm`;
// The release wasm optimized, stripped and its import/export names shortened: `renamed` is
// wasm-opt's record of the new names, applied to the glue below.
// (Renaming runs apart: --converge would repeat it, and its record with it.)
const wasmOpt = (args) => execFileSync(`${root}node_modules/.bin/wasm-opt`, [...args, wasm, '-o', wasm], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (!dev) wasmOpt(WASM_OPT);
const renamed = dev ? null : JSON.parse(wasmOpt([...MINIFY_NAMES, ...STRIP]));

const cargo = readFileSync(`${root}Cargo.toml`, 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"`, 'm'))[1];
const version = field('version');
// One module instead of two: a browser without a bundler then makes one request for the JS, not
// two in a row (start-up), and one gzip stream is smaller. The glue's own exports give way to
// the facade's; each rewrite must match exactly once, or the build stops.
const once = (text, from, to) => {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`build: expected one ${JSON.stringify(from)} (wasm-bindgen's output changed?)`);
  return parts.join(to);
};
let glue = readFileSync(`${pkg}hubspot_wasm.js`, 'utf8');
if (renamed) glue = useShortNames(glue, renamed);
glue = once(glue, 'export class HubSpotPlugin', 'class HubSpotPlugin');
glue = once(glue, 'export { initSync, __wbg_init as default };', '');
// The facade always hands the glue's init an object (or nothing): its warning for the older form
// cannot be reached.
glue = once(glue, `} else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }`, '}');
let facade = readFileSync(`${root}js/hubspot_wasm.js`, 'utf8');
facade = once(facade, "import start, { HubSpotPlugin } from './hubspot_wasm_core.js';", 'const start = __wbg_init;');
facade = once(facade, "const VERSION = '0.0.0-dev'", `const VERSION = '${version}'`);
let entry = `${glue}\n// ---- the facade, js/hubspot_wasm.js ----\n${facade}`;
if (!dev) entry = (await minify(entry, { module: true, compress: { passes: 2 }, mangle: true })).code;
writeFileSync(`${pkg}hubspot_wasm.js`, entry);
copyFileSync(`${root}js/hubspot_wasm.d.ts`, `${pkg}hubspot_wasm.d.ts`);
copyFileSync(`${root}README.md`, `${pkg}README.md`);

/**
 * The glue rewritten to the wasm's short names: its import object (one module, `a`, whose
 * functions are keyed by their old names) and every `wasm.<export>`.
 */
function useShortNames(glue, { imports, exports }) {
  const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm))).map((i) => i.module));
  if (modules.size !== 1) throw new Error(`build: expected one import module after renaming, found ${[...modules]}`);
  glue = once(glue, '"./hubspot_wasm_bg.js": import0', `${JSON.stringify([...modules][0])}: import0`);
  for (const [, from, to] of imports) glue = once(glue, `\n        ${from}: function(`, `\n        ${JSON.stringify(to)}: function(`);
  for (const [from, to] of exports) glue = glue.replace(new RegExp(`\\bwasm\\.${from}(?![\\w$])`, 'g'), `wasm.${to}`);
  // Every export was renamed: a name not among the new ones is a reference the rewrite missed.
  const short = new Set(exports.map(([, to]) => to));
  const missed = [...glue.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((name) => !short.has(name));
  if (missed.length) throw new Error(`build: the glue still uses the wasm's old export names ${missed}`);
  return glue;
}

const manifest = {
  name: 'hubspot-wasm',
  version,
  description: field('description'),
  license: field('license'),
  type: 'module',
  module: './hubspot_wasm.js',
  main: './hubspot_wasm.js',
  types: './hubspot_wasm.d.ts',
  exports: {
    '.': { types: './hubspot_wasm.d.ts', default: './hubspot_wasm.js' },
    './hubspot_wasm_bg.wasm': './hubspot_wasm_bg.wasm',
  },
  files: ['hubspot_wasm.js', 'hubspot_wasm_bg.wasm', 'hubspot_wasm.d.ts', 'README.md'],
  sideEffects: false,
  keywords: ['hubspot', 'segment', 'analytics-next', 'destination', 'wasm'],
};
writeFileSync(`${pkg}package.json`, JSON.stringify(manifest, null, 2) + '\n');
console.error('build: pkg/ ready');
