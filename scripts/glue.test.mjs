// scripts/glue.mjs on the real output of the pinned wasm-bindgen: `node --test scripts/glue.test.mjs`
// (npm test runs it). Nothing checked in is used as a sample: the crate is built for wasm32 with
// cargo (stable, debug profile, the main target/ dir or CARGO_TARGET_DIR), wasm-bindgen (the CLI on PATH, which must
// be the pinned version) writes its glue, npm binaryen's wasm-opt shortens the names as the
// release build does, and the entry glue.mjs makes of it is imported and run in Node: the wasm
// instantiated through the rewritten import object, the Rust plugin created through the facade.
// Then the mismatches: output that no longer matches must stop the build with a clear error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  entry,
  GlueMismatch,
  importEntries,
  importModule,
  leanFits,
  merge,
  renameLike,
  replaceOnce,
  rustConstants,
  useShortNames,
  WASM_BINDGEN,
} from './glue.mjs';
import { MINIFY_NAMES, STRIP } from './wasm-flags.mjs';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const facade = readFileSync(`${root}js/hubspot_wasm.js`, 'utf8');
let dir, glue, wasmPath, renamed, shortWasm, leanGlue, leanWasm, leanImports;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hubspot-wasm-glue-'));
  // The lean build (Cargo's default features) into lean/, then the full one.
  for (const [out, features] of [
    [join(dir, 'lean'), []],
    [dir, ['--features', 'full']],
  ]) {
    execFileSync('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--quiet', ...features], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    execFileSync(
      'wasm-bindgen',
      [
        '--target',
        'web',
        '--no-typescript',
        '--out-dir',
        out,
        '--out-name',
        'hubspot_wasm',
        join(resolve(root, process.env.CARGO_TARGET_DIR ?? 'target'), 'wasm32-unknown-unknown/debug/hubspot_wasm.wasm'),
      ],
      { env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  leanGlue = readFileSync(join(dir, 'lean/hubspot_wasm.js'), 'utf8');
  leanWasm = readFileSync(join(dir, 'lean/hubspot_wasm_bg.wasm'));
  leanImports = WebAssembly.Module.imports(new WebAssembly.Module(leanWasm)).map((i) => i.name);
  glue = readFileSync(join(dir, 'hubspot_wasm.js'), 'utf8');
  wasmPath = join(dir, 'hubspot_wasm_bg.wasm');
  const short = join(dir, 'short.wasm');
  renamed = JSON.parse(
    execFileSync(`${root}node_modules/.bin/wasm-opt`, [...MINIFY_NAMES, ...STRIP, wasmPath, '-o', short], { encoding: 'utf8' }),
  );
  shortWasm = readFileSync(short);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as a module in the temp dir and imports it. */
async function load(name, text) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return import(pathToFileURL(file).href);
}

/** The plugin made through the facade of an entry, once its wasm runs. */
async function exercise(mod, bytes) {
  const exports = await mod.default({ module_or_path: bytes });
  assert.equal(typeof exports, 'object', 'init() resolves (to an opaque object)');
  assert.equal(await mod.default(), exports, 'a second init() shares the first');
  const plugin = mod.hubspotPlugin({ portalId: ' 62515 ' });
  assert.equal(plugin.name, 'hubspot-wasm');
  assert.equal(plugin.version, '9.8.7', 'VERSION written from the given version');
  // Validated by the Rust constructor: a string goes in, an Error comes out, through the
  // rewritten imports (string decoding, Error) and exports (the constructor, malloc).
  assert.throws(
    () => mod.hubspotPlugin({ portalId: 'not digits' }),
    (e) => e instanceof Error && /portalId/.test(e.message),
  );
  assert.equal(mod.HubSpotPlugin, undefined, "the glue's class is no export of the entry");
  assert.equal(mod.initSync, undefined);
}

test('the pins agree: glue.mjs, Cargo.toml and the wasm-bindgen CLI on PATH', () => {
  const cargo = readFileSync(`${root}Cargo.toml`, 'utf8');
  assert.equal(cargo.match(/^wasm-bindgen = "=(.*)"/m)?.[1], WASM_BINDGEN, 'Cargo.toml pins the version glue.mjs is written for');
  assert.equal(execFileSync('wasm-bindgen', ['--version'], { env, encoding: 'utf8' }).trim().split(' ')[1], WASM_BINDGEN);
});

test('release form: the short names of wasm-opt, one module with the facade; it imports and runs in Node', async () => {
  const text = entry({ glue, facade, version: '9.8.7', renamed, module: importModule(shortWasm) });
  assert.doesNotMatch(
    text,
    /__wbg_[A-Za-z]+_[0-9a-f]{16}|hubspot_wasm_bg\.js|hubspot_wasm_core\.js/,
    'no long name or module path is left',
  );
  assert.doesNotMatch(text, /deprecated parameters for the initialization function/);
  assert.doesNotMatch(text, /free\(\)|__destroy_into_raw|Symbol\.dispose/, 'no free() the facade never calls');
  assert.equal(importModule(shortWasm).length <= 2, true);
  await exercise(await load('release.mjs', text), shortWasm);
});

test('--dev form: the names kept, one module with the facade; it imports and runs in Node', async () => {
  const text = entry({ glue, facade, version: '9.8.7' });
  await exercise(await load('dev.mjs', text), readFileSync(wasmPath));
});

test('output that no longer matches stops with a GlueMismatch naming what and the version', () => {
  const mismatch = (fn, what) =>
    assert.throws(fn, (e) => e instanceof GlueMismatch && what.test(e.message) && e.message.includes(WASM_BINDGEN));
  mismatch(
    () => merge(glue.replace('export class HubSpotPlugin', 'export class Renamed'), facade, { version: '1' }),
    /export class HubSpotPlugin/,
  );
  mismatch(() => merge(glue.replace('export { initSync', 'export { initSync, other'), facade, { version: '1' }), /export \{ initSync/);
  mismatch(() => merge(`${glue}\nexport const extra = 1;`, facade, { version: '1' }), /exports something besides/);
  mismatch(() => merge(glue, facade.replace(/^import start, .*$/m, ''), { version: '1' }), /facade's import of the glue/);
  mismatch(() => merge(glue.replace('    free() {', '    release() {'), facade, { version: '1' }), /free\(\)/);
  mismatch(() => useShortNames(glue.replace('"./hubspot_wasm_bg.js": import0', '"./other.js": import0'), renamed, 'a'), /import0/);
  const [, name] = renamed.imports[0];
  mismatch(
    () => useShortNames(glue.replace(`\n        ${name}: function(`, `\n        ${name}_renamed: function(`), renamed, 'a'),
    new RegExp(name),
  );
  mismatch(() => useShortNames(glue, { ...renamed, exports: renamed.exports.slice(1) }, 'a'), /old export names/);
  mismatch(() => useShortNames(glue, {}, 'a'), /no imports\/exports/);
  mismatch(() => replaceOnce('a a', 'a', 'b'), /found 2/);
});

test("the lean build runs with the full build's glue: its imports are the glue's, and renamed like the full build it runs through the release entry", async () => {
  assert.ok(leanImports.length < importEntries(glue).size, 'the lean wasm takes fewer imports than the full glue gives');
  leanFits(glue, leanGlue, leanImports);
  const module = importModule(shortWasm);
  const lean = renameLike(leanWasm, renamed, module);
  const short = new Set(renamed.imports.map(([, , to]) => to));
  assert.ok(
    WebAssembly.Module.imports(new WebAssembly.Module(lean)).every((i) => i.module === module && short.has(i.name)),
    "every import under the full build's short name",
  );
  const mod = await load('lean.mjs', entry({ glue, facade, version: '9.8.7', renamed, module }));
  await exercise(mod, lean);
  // The glue's banner class calls an export the lean wasm does not have.
  assert.equal(
    WebAssembly.Module.exports(new WebAssembly.Module(lean)).length < WebAssembly.Module.exports(new WebAssembly.Module(shortWasm)).length,
    true,
  );
});

test('a lean build the full glue does not serve stops the build with a GlueMismatch', () => {
  const [name, code] = [...importEntries(leanGlue)].find(([n]) => leanImports.includes(n));
  const mismatch = (fn, what) => assert.throws(fn, (e) => e instanceof GlueMismatch && what.test(e.message));
  mismatch(() => leanFits(glue, leanGlue.replace(code, code.replace('function(', 'function(extra, ')), leanImports), new RegExp(name));
  mismatch(() => leanFits(glue, leanGlue, [...leanImports, '__wbg_missing_0000']), /__wbg_missing_0000/);
  mismatch(
    () => renameLike(leanWasm, { ...renamed, imports: renamed.imports.filter(([, from]) => from !== name) }, 'a'),
    new RegExp(`${name} has no short name`),
  );
  mismatch(() => renameLike(leanWasm, { ...renamed, exports: renamed.exports.slice(1) }, 'a'), /has no short name/);
});

test("the facade's table of Rust constants: written from the Rust sources, and its own copy equal to them", () => {
  const rust = rustConstants((file) => readFileSync(`${root}${file}`, 'utf8'));
  assert.deepEqual(
    rust.regions.map(([code]) => code),
    ['na1', 'na2', 'eu1', 'ap1'],
  );
  assert.deepEqual(rust.destinations, ['HubSpot', 'HubSpot Web (Actions)']);
  const own = facade.match(/const RUST = (\{[^;]*?\n\});/)[1];
  assert.deepEqual(new Function(`return ${own}`)(), rust, 'js/hubspot_wasm.js keeps the values the build writes');
  assert.throws(() => rustConstants(() => ''), GlueMismatch);
});
