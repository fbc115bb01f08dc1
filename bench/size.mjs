// The size half of the benchmark (used by bench/run.mjs): what a browser downloads, gzip -9, and
// what each crate costs inside the wasm.
//
// The shipped wasm has no names (the build strips them), so the cost per crate is read from a
// named copy of the same build: cargo on the release build's pinned nightly (own target dir,
// bench/.build/target, so the main one is left alone) → wasm-bindgen --keep-debug → npm binaryen's wasm-opt with the build's flags and
// --debuginfo. Its function bodies, taken from the code section and named from the name
// section, are grouped by crate and each group gzipped -9 alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MINIFY_NAMES, OWN_STD, RUSTFLAGS, STRIP, WASM_OPT } from '../scripts/wasm-flags.mjs';

export const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** The package's files a browser may download, in load order: the entry, then the wasm files. */
export function shippedFiles(pkg) {
  const order = (f) => (f.endsWith('.wasm') ? 1 : 0);
  return readdirSync(pkg)
    .filter((f) => /\.(m?js|wasm)$/.test(f))
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

/** The full wasm, which a page fetches instead of the lean one only for the opt-in features. */
const FULL_WASM = 'hubspot_wasm_full_bg.wasm';
/** The actions wasm (the full one with a workspace's HubSpot Web (Actions) subscriptions), which a page naming no portal fetches. */
const ACTIONS_WASM = 'hubspot_wasm_actions_bg.wasm';

/**
 * Each file's size, and what a browser downloads: the entry and the lean wasm (`gzip9`, `raw`),
 * or, on a page with form forwarding or the cookie-banner helper, the entry and the full wasm
 * (`full`, absent for a build without one).
 */
export function measureFiles(pkg) {
  const files = shippedFiles(pkg).map((file) => {
    const bytes = readFileSync(join(pkg, file));
    const role =
      file === ACTIONS_WASM
        ? "the actions wasm: fetched instead by a page naming no portal (the workspace's subscriptions)"
        : file === FULL_WASM
          ? 'the full wasm: fetched instead, for form forwarding or the cookie-banner helper'
          : file.endsWith('.wasm')
            ? 'the lean wasm: what a page downloads'
            : "entry: wasm-bindgen's glue + the facade, one module (minified)";
    return { file, role, raw: bytes.length, gzip9: gz(bytes) };
  });
  const total = (k, wasm) => files.filter((f) => !f.file.endsWith('.wasm') || f === wasm).reduce((a, f) => a + f[k], 0);
  const lean = files.find((f) => f.file.endsWith('.wasm') && f.file !== FULL_WASM && f.file !== ACTIONS_WASM);
  const full = files.find((f) => f.file === FULL_WASM);
  const actions = files.find((f) => f.file === ACTIONS_WASM);
  return {
    files,
    lean,
    raw: total('raw', lean),
    gzip9: total('gzip9', lean),
    full: full && { raw: total('raw', full), gzip9: total('gzip9', full) },
    actions: actions && { raw: total('raw', actions), gzip9: total('gzip9', actions) },
  };
}

const toolEnv = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };

/**
 * Builds the named copy into bench/.build/named/ (cargo is incremental: ~30 s the first time,
 * seconds after). Returns { wasm, glue, flags, note } or { note } when it cannot be built.
 */
export function namedBuild(root, shippedWasm, log) {
  const build = join(root, 'bench/.build');
  const out = join(build, 'named');
  mkdirSync(out, { recursive: true });
  const wasmOpt = WASM_OPT; // as scripts/build.mjs, without stripping: names are the point here
  try {
    log('size: the named wasm build (cargo into bench/.build/target; about 30 s the first time)');
    execFileSync(
      'cargo',
      ['build', '--lib', '--release', '--target', 'wasm32-unknown-unknown', '--quiet', '--no-default-features', ...OWN_STD.cargoArgs],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...toolEnv,
          ...OWN_STD.env,
          CARGO_TARGET_DIR: join(build, 'target'),
          RUSTFLAGS: `${process.env.RUSTFLAGS ?? ''} ${RUSTFLAGS} ${OWN_STD.rustflags}`.trim(),
        },
      },
    );
    const raw = join(build, 'target/wasm32-unknown-unknown/release/hubspot_wasm.wasm');
    execFileSync(
      'wasm-bindgen',
      ['--keep-debug', '--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', 'hubspot_wasm_core', raw],
      { env: toolEnv, stdio: 'pipe' },
    );
    const opt = join(root, 'node_modules/.bin/wasm-opt');
    const wasm = join(out, 'named.wasm');
    execFileSync(opt, [...wasmOpt, '--debuginfo', join(out, 'hubspot_wasm_core_bg.wasm'), '-o', wasm], { stdio: 'pipe' });
    // Stripped again, it should be the shipped wasm: say so when it is not (another source, flags).
    const stripped = join(out, 'stripped.wasm');
    execFileSync(opt, [...MINIFY_NAMES, ...STRIP, wasm, '-o', stripped], { stdio: 'pipe' });
    const [mine, shipped] = [readFileSync(stripped).length, readFileSync(shippedWasm).length];
    const off = Math.abs(mine - shipped) / shipped;
    const note =
      off > 0.02
        ? `the named build is ${mine} B without names, the shipped wasm ${shipped} B (${(off * 100).toFixed(1)} % apart: pkg/ was built from other sources or flags): the crate figures are only indicative`
        : null;
    return {
      wasm,
      glue: join(out, 'hubspot_wasm_core.js'),
      flags: [...wasmOpt, '--debuginfo'].join(' '),
      strippedBytes: mine,
      shippedBytes: shipped,
      note,
    };
  } catch (e) {
    return {
      note: `named build failed: ${String(e.stderr || e.message)
        .trim()
        .slice(0, 400)}`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Cost per crate.

/** What each crate (or group) is there for, in the report. */
export const BUYS = {
  'hubspot_wasm::browser': 'the plugin class: reads ctx.event, pushes to _hsq/_hsp, loads the scripts, hears form announcements',
  'hubspot_wasm::forms': 'form announcements → Form Submitted / identify: fields listed only, trusted origins',
  'hubspot_wasm::segment': "the Segment workspace's HubSpot settings mapped onto ours",
  'hubspot_wasm::mapping': 'traits/properties → HubSpot: keys, dates, flattening, trimming',
  'hubspot_wasm::value': 'the event value model (and its JSON text)',
  'hubspot_wasm::session': 'identify traits held until page/track',
  'hubspot_wasm::settings': 'settings validation, script URLs',
  'hubspot_wasm::destination': 'the core behind the class: page/identify/track',
  'wasm-bindgen export shims': 'the exported methods, with our code inlined into them',
  serde_wasm_bindgen: 'builds the pushed commands as JS objects',
  serde: 'the Serialize plumbing serde_wasm_bindgen drives',
  wasm_bindgen: 'the JS boundary: malloc/free, externref table, closures',
  js_sys: 'Reflect/Object/Array/Promise calls that read events',
  web_sys: 'DOM: script elements, location',
  gloo_timers: 'load(): readiness polling and loadTimeoutMs',
  talc: 'the allocator',
  console_error_panic_hook: 'panic messages (only with --dev / feature panic-hook)',
  std: 'what is left of std (panics trap at once)',
  core: 'slices, str and iterator code, drop glue (panics trap: no formatting)',
  alloc: 'String/Vec growth, the allocator shims',
  data: 'data segments: strings, messages, tables',
  'module structure': 'types, imports, exports, table, globals sections',
};

/** The crate of a demangled item name (wasm-ld writes demangled names, crates with [hash]). */
function crateOf(name) {
  // Drop glue belongs to what it drops.
  const dropped = /^core(?:\[\w+\])?::ptr::drop_in_place(?:::)?<(.*)>$/.exec(name);
  if (dropped) return crateOf(dropped[1]);
  if (/ shim$|^hubspotplugin_|^__wbg_hubspotplugin|^wasm_bindgen__convert__closures/.test(name)) return 'wasm-bindgen export shims';
  if (/^__wbindgen_|^__externref_|^__instance_terminated|^__abort_handler/.test(name)) return 'wasm_bindgen';
  if (/^(memcpy|memmove|memset|memcmp|bcmp)$/.test(name)) return 'compiler_builtins';
  if (/^(code\[\d+\]|byn\$)/.test(name) || name === '') return 'unnamed (merged by wasm-opt)';
  // Methods of primitive types (`<str>::get`, `<[T]>::to_vec_in`, `<u32 as …>`) are core's.
  if (/^<(?:&(?:mut )?)?(?:str|\[|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|bool|char)\b/.test(name)) return 'core';
  // The item's own path: the first `crate::` in the name (for `<T as Trait>::f`, T's).
  const crate = /([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name)?.[1];
  if (!crate) return 'core'; // methods of primitive types: <str>::…, <[u8]>::…
  if (crate === 'hubspot_wasm') return `hubspot_wasm::${/hubspot_wasm(?:\[[0-9a-f]+\])?::([a-z_]+)/.exec(name)?.[1] ?? '?'}`;
  if (crate === 'serde_core') return 'serde';
  if (crate === '__rustc') return 'alloc'; // __rust_alloc & co., rustc's shims to the global allocator
  return crate;
}

/**
 * Function bodies of `file` read from its code section, named from its name section, grouped by
 * crate; data segments and the other non-custom sections as two more groups. Each group is
 * gzipped -9 alone, so groups add up to a little more than the whole.
 */
export function crateCosts(file) {
  const buf = readFileSync(file);
  let at = 8;
  const uleb = () => {
    let n = 0,
      shift = 0,
      b;
    do {
      b = buf[at++];
      n += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b & 128);
    return n;
  };
  const name = () => {
    const n = uleb();
    const text = buf.toString('utf8', at, at + n);
    at += n;
    return text;
  };
  // Imported functions come first in the function index space.
  const imported = WebAssembly.Module.imports(new WebAssembly.Module(buf)).filter((i) => i.kind === 'function').length;
  const bodies = [],
    names = new Map(),
    data = [],
    structure = [];
  while (at < buf.length) {
    const start = at;
    const id = buf[at++];
    const end = uleb() + at;
    if (id === 10) {
      for (let n = uleb(); n > 0; n--) {
        const len = uleb();
        bodies.push(buf.subarray(at, at + len));
        at += len;
      }
    } else if (id === 0 && name() === 'name') {
      while (at < end) {
        const sub = buf[at++];
        const subEnd = uleb() + at;
        if (sub === 1)
          for (let n = uleb(); n > 0; n--) {
            const index = uleb();
            names.set(index, name());
          }
        at = subEnd;
      }
    }
    if (id === 11) data.push(buf.subarray(start, end));
    else if (id !== 0 && id !== 10) structure.push(buf.subarray(start, end));
    at = end;
  }
  const groups = new Map(Object.keys(BUYS).map((k) => [k, []]));
  bodies.forEach((body, i) => {
    const crate = crateOf(names.get(i + imported) ?? '');
    groups.set(crate, [...(groups.get(crate) ?? []), body]);
  });
  groups.set('data', data);
  groups.set('module structure', structure);
  const parts = [...groups].map(([crate, chunks]) => {
    const all = Buffer.concat(chunks);
    return {
      crate,
      functions: crate === 'data' || crate === 'module structure' ? null : chunks.length,
      raw: all.length,
      gzip9: chunks.length ? gz(all) : 0,
      buys: BUYS[crate] ?? '',
    };
  });
  return parts.sort((a, b) => b.gzip9 - a.gzip9);
}

/** `twiggy top` of the named build without its name sections' own rows, as extra information. */
export function twiggyTop(file, rows = 15) {
  const twiggy = join(process.env.HOME, '.cargo/bin/twiggy');
  if (!existsSync(twiggy)) return null;
  const run = (...a) => execFileSync(twiggy, a, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const top = run('top', '-n', String(rows + 8), file)
    .split('\n')
    .filter((l) => !/subsection|custom section/.test(l));
  return { top: [...top.slice(0, rows + 2), ...top.slice(-3)].join('\n'), dominators: run('dominators', '-d', '3', '-r', '40', file) };
}
