// `npm run build`: the publishable package in pkg/, built by wasm-pack.
//   hubspot_wasm.js        the entry: wasm-bindgen's glue for the Rust plugin followed by the thin
//                          facade of js/ (init + hubspotPlugin), one module, minified
//   hubspot_wasm_bg.wasm   the Rust plugin and core (npm binaryen's wasm-opt, scripts/wasm-flags.mjs),
//                          lean: without the opt-in form forwarding and cookie-banner helper
//   hubspot_wasm_full_bg.wasm  the same with both (Cargo's `full` feature), which the entry
//                          fetches instead for a page that uses one; the two share the entry's glue
//   hubspot_wasm.d.ts      TypeScript declarations (hubspot_wasm_bg.wasm.d.ts: the .wasm subpaths')
//   README.md              the repository's README for npm (scripts/readme.mjs), LICENSE
// The release build runs on the nightly pinned in scripts/nightly (NIGHTLY); any failure
// stops the build with the tool's own error.
// `--dev`: a debug build with console_error_panic_hook, unminified, on the stable toolchain.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';
import { entry, importModule, leanFits, renameLike, rustConstants } from './glue.mjs';
import { packageReadme } from './readme.mjs';
import { MINIFY_NAMES, NIGHTLY, OWN_STD, RUSTFLAGS, STRIP, WASM_OPT } from './wasm-flags.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = `${root}pkg/`;
const dev = process.argv.includes('--dev');
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const rustflags = `${process.env.RUSTFLAGS ?? ''} ${RUSTFLAGS}`.trim();
// A failure ends the build here, with the tool's own error on the terminal: no other build
// follows in its place.
const run = (what, command, args, options) => {
  try {
    return execFileSync(command, args, options);
  } catch (error) {
    console.error(`build: ${what} failed${error.status == null ? `: ${error.message}` : ` (exit status ${error.status})`}`);
    process.exit(1);
  }
};
const wasmPack = (outDir, extraEnv, extraRustflags, cargoArgs) =>
  run(
    'wasm-pack',
    'wasm-pack',
    [
      'build',
      '--target',
      'web',
      '--out-dir',
      outDir,
      '--out-name',
      'hubspot_wasm',
      '--no-typescript',
      '--no-pack',
      dev ? '--dev' : '--release',
      '.',
      ...cargoArgs, // the crate's path, then cargo's own options
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, ...extraEnv, RUSTFLAGS: `${rustflags} ${extraRustflags}`.trim() },
    },
  );

// The full build into pkg/, the lean one (Cargo's default features) beside it in target/.
const leanDir = `${root}target/lean-pkg/`;
// Workspace Actions: a third, the full build with a workspace's HubSpot Web (Actions)
// subscriptions, hubspot_wasm_actions_bg.wasm, which a page naming no portal fetches.
const actionsDir = `${root}target/actions-pkg/`;
rmSync(actionsDir, { recursive: true, force: true });
// (end of workspace Actions)
rmSync(pkg, { recursive: true, force: true });
rmSync(leanDir, { recursive: true, force: true });
for (const [outDir, features] of [
  ['pkg', ['--features', 'full']],
  [leanDir, []],
  [actionsDir, ['--features', 'full,workspace-actions']],
]) {
  if (dev) {
    // The stable toolchain, as the tests.
    wasmPack(outDir, {}, '', [...features, '--features', 'panic-hook']);
  } else {
    // Rust's std compiled with panics that trap at once, on the pinned nightly (scripts/wasm-flags.mjs
    // says why); `scripts/bootstrap.sh build` installs it.
    console.error(`build: release build${features.length ? '' : ' (lean)'} on ${NIGHTLY} (std built with immediate-abort panics)`);
    wasmPack(outDir, OWN_STD.env, OWN_STD.rustflags, [...OWN_STD.cargoArgs, ...features]);
  }
}
rmSync(`${pkg}.gitignore`, { force: true });

const wasm = `${pkg}hubspot_wasm_bg.wasm`;
const full = `${pkg}hubspot_wasm_full_bg.wasm`;
renameSync(wasm, full);
copyFileSync(`${leanDir}hubspot_wasm_bg.wasm`, wasm);
// Workspace Actions: the actions wasm (the full one and more) takes every import the others take
// and some more, so its glue is the one all three share.
const actions = `${pkg}hubspot_wasm_actions_bg.wasm`;
copyFileSync(`${actionsDir}hubspot_wasm_bg.wasm`, actions);
const glue = readFileSync(`${actionsDir}hubspot_wasm.js`, 'utf8');
// (end of workspace Actions)
// One glue serves every wasm file: it must give every import of the others (a GlueMismatch stops
// the build otherwise, as the glue's other rewrites do).
const importsOf = (file) => WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file))).map((i) => i.name);
leanFits(glue, readFileSync(`${leanDir}hubspot_wasm.js`, 'utf8'), importsOf(wasm));
leanFits(glue, readFileSync(`${pkg}hubspot_wasm.js`, 'utf8'), importsOf(full));
// The release wasm optimized, stripped and its import/export names shortened: `renamed` is
// wasm-opt's record of the actions build's new names, applied to the glue by scripts/glue.mjs and
// to the full and lean builds by `renameLike`. (Renaming runs apart: --converge would repeat it,
// and its record with it.)
const wasmOpt = (file, args) =>
  run('wasm-opt', `${root}node_modules/.bin/wasm-opt`, [...args, file, '-o', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
let renamed = null,
  module = null;
if (!dev) {
  for (const file of [actions, full, wasm]) wasmOpt(file, WASM_OPT);
  renamed = JSON.parse(wasmOpt(actions, [...MINIFY_NAMES, ...STRIP]));
  module = importModule(readFileSync(actions));
  for (const file of [full, wasm]) {
    wasmOpt(file, STRIP);
    writeFileSync(file, renameLike(readFileSync(file), renamed, module));
  }
}

const cargo = readFileSync(`${root}Cargo.toml`, 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"`, 'm'))[1];
const version = field('version');
// One module instead of two: a browser without a bundler then makes one request for the JS, not
// two in a row (start-up), and one gzip stream is smaller (scripts/glue.mjs).
// The loader's URL rule's constants, from the Rust sources: the facade's early request uses them.
const rust = rustConstants((file) => readFileSync(`${root}${file}`, 'utf8'));
let text = entry({ glue, facade: readFileSync(`${root}js/hubspot_wasm.js`, 'utf8'), version, renamed, module, rust });
if (!dev) text = (await minify(text, { module: true, compress: { passes: 2 }, mangle: true })).code;
writeFileSync(`${pkg}hubspot_wasm.js`, text);
copyFileSync(`${root}js/hubspot_wasm.d.ts`, `${pkg}hubspot_wasm.d.ts`);
copyFileSync(`${root}js/hubspot_wasm_bg.wasm.d.ts`, `${pkg}hubspot_wasm_bg.wasm.d.ts`);
copyFileSync(`${root}LICENSE`, `${pkg}LICENSE`);
const repository = field('repository');
writeFileSync(`${pkg}README.md`, packageReadme(readFileSync(`${root}README.md`, 'utf8'), repository));

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
    // For bundlers that need the wasm imported as a file (README, Bundlers); typed as its URL.
    './hubspot_wasm_bg.wasm': { types: './hubspot_wasm_bg.wasm.d.ts', default: './hubspot_wasm_bg.wasm' },
    './hubspot_wasm_full_bg.wasm': { types: './hubspot_wasm_bg.wasm.d.ts', default: './hubspot_wasm_full_bg.wasm' },
    './hubspot_wasm_actions_bg.wasm': { types: './hubspot_wasm_bg.wasm.d.ts', default: './hubspot_wasm_actions_bg.wasm' },
    './package.json': './package.json',
  },
  files: [
    'hubspot_wasm.js',
    'hubspot_wasm_bg.wasm',
    'hubspot_wasm_full_bg.wasm',
    'hubspot_wasm_actions_bg.wasm',
    'hubspot_wasm.d.ts',
    'hubspot_wasm_bg.wasm.d.ts',
    'README.md',
    'LICENSE',
  ],
  repository: { type: 'git', url: `git+${repository}.git` },
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
  sideEffects: false,
  keywords: ['hubspot', 'segment', 'analytics-next', 'destination', 'wasm'],
};
writeFileSync(`${pkg}package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
console.error('build: pkg/ ready');
