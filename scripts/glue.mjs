// The package entry made from wasm-bindgen's generated glue, by text rewriting, in one place.
// Pure functions: text in, text out (no files, no processes), so that scripts/glue.test.mjs can
// run them on the pinned wasm-bindgen's real output. scripts/build.mjs only calls `entry()`.
//
// The rewrites, each of which must match exactly once (or the build stops with a GlueMismatch):
//   - short names: wasm-opt --minify-imports-and-exports-and-modules renames the wasm's imports
//     (one module, one or two letters each) and exports, and prints the renaming as JSON; the
//     glue's import object and every `wasm.<export>` are rewritten to match (`useShortNames`);
//   - one module: the glue's own exports (the classes, `initSync`, its init as the default) give
//     way to the facade of js/hubspot_wasm.js, which follows the glue and takes its init and
//     classes directly (`merge`);
//   - the classes' `free()` (and `__destroy_into_raw()`, `Symbol.dispose`) go: the facade keeps
//     each Rust object for the page's life and never frees one by hand (the glue's
//     FinalizationRegistry still frees one the garbage collector takes);
//   - one glue for two wasm builds: the lean one (without the opt-in form forwarding and cookie
//     banner helper) is given the full build's short names (`renameLike`), after a check that
//     every import it takes is one the full build's glue gives, word for word (`leanFits`);
//   - the glue's warning for init's older argument form goes: the facade always passes an object
//     or nothing, so it cannot be reached.
// Each saves bytes of the download (gzip -9, docs/size.md): the short names about 2.5 KB, one
// module 0.3 KB, the classes' free() 93 B, the warning 52 B. The last two are below the 200 B the
// project weighs readability against, and are kept for the budget: without them the lean download
// would be over its 30 KB.
// They are written against the output of the wasm-bindgen version below, the one Cargo.toml pins
// with `=`; scripts/glue.test.mjs checks the two agree and runs the result.

/** The wasm-bindgen (CLI and crate) whose output these rewrites expect. */
export const WASM_BINDGEN = '0.2.130';

/** wasm-bindgen's output is not what these rewrites were written for. */
export class GlueMismatch extends Error {
  constructor(what) {
    super(`glue: ${what} (scripts/glue.mjs is written for wasm-bindgen ${WASM_BINDGEN}'s output: has wasm-bindgen's output changed?)`);
    this.name = 'GlueMismatch';
  }
}

/** `text` with the one occurrence of `from` replaced by `to`; a GlueMismatch unless exactly one. */
export function replaceOnce(text, from, to) {
  const parts = text.split(from);
  if (parts.length !== 2) throw new GlueMismatch(`expected exactly one ${JSON.stringify(from)}, found ${parts.length - 1}`);
  return parts.join(to);
}

/** `text` with the one match of `pattern` (global) replaced by `to`; a GlueMismatch unless exactly one. */
export function replaceOnceMatching(text, pattern, to, what) {
  const found = text.match(pattern)?.length ?? 0;
  if (found !== 1) throw new GlueMismatch(`expected exactly one ${what}, found ${found}`);
  return text.replace(pattern, to);
}

/** The one import module of a wasm (after renaming, wasm-opt's single short module name). */
export function importModule(wasmBytes) {
  const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes)).map((i) => i.module));
  if (modules.size !== 1) throw new GlueMismatch(`expected one import module in the wasm, found ${JSON.stringify([...modules])}`);
  return [...modules][0];
}

/**
 * The glue rewritten to the wasm's short names. `renamed` is wasm-opt's JSON
 * (`{ imports: [[module, from, to]…], exports: [[from, to]…] }`), `module` the wasm's one import
 * module after it (`importModule`). Every function of the import object and every `wasm.<export>`
 * must be found and renamed: an old export name left over is a GlueMismatch.
 */
export function useShortNames(glue, renamed, module) {
  const { imports, exports } = renamed ?? {};
  if (!Array.isArray(imports) || !Array.isArray(exports)) throw new GlueMismatch("wasm-opt's renaming has no imports/exports lists");
  glue = replaceOnce(glue, '"./hubspot_wasm_bg.js": import0', `${JSON.stringify(module)}: import0`);
  for (const [, from, to] of imports)
    glue = replaceOnce(glue, `\n        ${from}: function(`, `\n        ${JSON.stringify(to)}: function(`);
  for (const [from, to] of exports) glue = glue.replace(new RegExp(`\\bwasm\\.${escapeRegExp(from)}(?![\\w$])`, 'g'), `wasm.${to}`);
  // Every export was renamed: a name not among the new ones is a reference the rewrite missed.
  const short = new Set(exports.map(([, to]) => to));
  const missed = [...glue.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((name) => !short.has(name));
  if (missed.length) throw new GlueMismatch(`the glue still uses the wasm's old export names ${[...new Set(missed)]}`);
  return glue;
}

/** The entries of the glue's import object, by name: the JS function the wasm calls for each. */
export function importEntries(glue) {
  const object = /\n {4}const import0 = \{\n {8}__proto__: null,\n([\s\S]*?)\n {4}\};\n/.exec(glue);
  if (!object) throw new GlueMismatch("the glue's import object was not found");
  const entries = new Map();
  for (const entry of object[1].split(/\n(?= {8}[\w$]+: )/)) entries.set(/^ *([\w$]+):/.exec(entry)[1], entry);
  return entries;
}

/**
 * Whether the full build's glue serves the lean build's wasm: every import of the lean wasm
 * (`leanImports`, its names before renaming) is in the full glue's import object with the same
 * code as in the lean glue (comments aside). A GlueMismatch names the first one that is not.
 */
export function leanFits(fullGlue, leanGlue, leanImports) {
  const full = importEntries(fullGlue),
    lean = importEntries(leanGlue);
  // Comments aside: wasm-bindgen's describe the closure casts with build-local indices.
  const code = (entry) => entry?.replace(/\n *\/\/.*/g, '');
  for (const name of leanImports) {
    if (!lean.has(name) || code(full.get(name)) !== code(lean.get(name)))
      throw new GlueMismatch(`the lean wasm's import ${name} is not the full glue's`);
  }
}

/**
 * `wasm` (bytes) with its import module and names and its export names changed as wasm-opt's
 * `renamed` record of another build says (`{ imports: [[module, from, to]…], exports: [[from,
 * to]…] }`, `module` the new import module): how the lean build gets the full build's short
 * names. A name the record lacks is a GlueMismatch.
 */
export function renameLike(wasm, renamed, module) {
  const imports = new Map(renamed.imports.map(([, from, to]) => [from, to]));
  const exports = new Map(renamed.exports);
  let at = 8;
  const uleb = () => {
    let n = 0,
      shift = 0,
      b;
    do {
      b = wasm[at++];
      n += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b & 128);
    return n;
  };
  const bytes = (n) => wasm.subarray(at, (at += n));
  const name = () => bytes(uleb()).toString('utf8');
  const limits = () => {
    const flags = wasm[at++];
    uleb();
    if (flags & 1) uleb();
  };
  const out = [wasm.subarray(0, 8)];
  const renamedTo = (map, from) => {
    if (!map.has(from)) throw new GlueMismatch(`the lean wasm's ${from} has no short name in the full build`);
    return map.get(from);
  };
  while (at < wasm.length) {
    const id = wasm[at++],
      size = uleb(),
      end = at + size;
    let body;
    if (id === 2 || id === 7) {
      const count = uleb();
      const parts = [];
      for (let i = 0; i < count; i++) {
        if (id === 2) {
          name();
          parts.push(encodeName(module), encodeName(renamedTo(imports, name())));
          const from = at,
            kind = wasm[at++];
          // A function's type; a table's element type and limits; a memory's limits; a global's
          // type and mutability; a tag's attribute and type.
          if (kind === 0) uleb();
          else if (kind === 1) {
            at++;
            limits();
          } else if (kind === 2) limits();
          else if (kind === 3) at += 2;
          else {
            at++;
            uleb();
          }
          parts.push(wasm.subarray(from, at));
        } else {
          parts.push(encodeName(renamedTo(exports, name())));
          const from = at++;
          uleb();
          parts.push(wasm.subarray(from, at));
        }
      }
      body = Buffer.concat([encodeUleb(count), ...parts]);
    } else {
      body = wasm.subarray(at, end);
    }
    out.push(Buffer.from([id]), encodeUleb(body.length), body);
    at = end;
  }
  return Buffer.concat(out);
}

function encodeUleb(n) {
  const out = [];
  do {
    let b = n & 127;
    n = Math.floor(n / 128);
    if (n) b |= 128;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

function encodeName(text) {
  const utf8 = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeUleb(utf8.length), utf8]);
}

/** The glue with its exports and the unreachable warning removed, then the facade, as one module. */
export function merge(glue, facade, { version, rust }) {
  // The classes the facade imports from the glue (HubSpotPlugin, HubSpotBannerConsent): no
  // longer the glue's exports, the facade's own names for them.
  const imported = /^import start, \{ ([\w$, ]+) \} from '\.\/hubspot_wasm_core\.js';$/m.exec(facade);
  if (!imported) throw new GlueMismatch("the facade's import of the glue's init and classes was not found");
  for (const name of imported[1].split(', ')) {
    glue = replaceOnce(glue, `export class ${name} `, `class ${name} `);
    const free = new RegExp(
      String.raw`\n    __destroy_into_raw\(\) \{\n        const ptr = this\.__wbg_ptr;\n        this\.__wbg_ptr = 0;\n        ${name}Finalization\.unregister\(this\);\n        return ptr;\n    \}\n    free\(\) \{\n        const ptr = this\.__destroy_into_raw\(\);\n        wasm\.[\w$]+\(ptr, 0\);\n    \}`,
      'g',
    );
    glue = replaceOnceMatching(glue, free, '', `${name}'s free()`);
    glue = replaceOnce(glue, `\nif (Symbol.dispose) ${name}.prototype[Symbol.dispose] = ${name}.prototype.free;`, '');
  }
  glue = replaceOnce(glue, 'export { initSync, __wbg_init as default };', '');
  // A debug build's glue also exports its instance (for debugging tools); the facade does not.
  glue = glue.replace('\nexport { wasm as __wasm }', '');
  glue = replaceOnce(
    glue,
    `} else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }`,
    '}',
  );
  if (/^\s*export\b/m.test(glue)) throw new GlueMismatch("the glue exports something besides the facade's classes, initSync and its init");
  facade = replaceOnce(facade, imported[0], 'const start = __wbg_init;');
  facade = replaceOnce(facade, "const VERSION = '0.0.0-dev'", `const VERSION = ${JSON.stringify(version)}`);
  if (rust)
    facade = replaceOnceMatching(
      facade,
      /const RUST = \{[^;]*?\n\};/,
      `const RUST = ${JSON.stringify(rust)};`,
      "the facade's table of Rust constants",
    );
  return `${glue}\n// ---- the facade, js/hubspot_wasm.js ----\n${facade}`;
}

/**
 * The constants the facade shares with the Rust plugin, read from the Rust sources (`read(path)`
 * gives a file's text): HubSpot's regions (src/settings.rs, `Region::NAMES`), Segment's HubSpot
 * destinations (src/segment.rs, `CLASSIC`, `ACTIONS`), the tracker's element id, what counts as
 * an embed already on the page and the property in which a script element keeps its failure
 * (src/browser/loader.rs). A constant not found stops the build (GlueMismatch).
 */
export function rustConstants(read) {
  const text = (file, name) => {
    const found = read(file).match(new RegExp(`const ${name}: &str = (r?)"((?:[^"\\\\]|\\\\.)*)";`));
    if (!found) throw new GlueMismatch(`${file} has no const ${name}: &str`);
    return found[1] ? found[2] : found[2].replace(/\\(.)/g, '$1');
  };
  const names = read('src/settings.rs').match(/const NAMES: \[\(&'static str, &'static str\); \d+\] =\s*\[([^\]]*)\]/);
  if (!names) throw new GlueMismatch('src/settings.rs has no Region::NAMES');
  const regions = [...names[1].matchAll(/\("([^"]*)", "([^"]*)"\)/g)].map((m) => [m[1], m[2]]);
  return {
    regions,
    destinations: [text('src/segment.rs', 'CLASSIC'), text('src/segment.rs', 'ACTIONS')],
    trackerId: text('src/browser/loader.rs', 'TRACKER_ID'),
    trackerPresent: text('src/browser/loader.rs', 'TRACKER_PRESENT'),
    failed: text('src/browser/loader.rs', 'FAILED'),
  };
}

/**
 * The package entry, unminified: `glue` (wasm-bindgen's hubspot_wasm.js) with the short names
 * when `renamed` is given (release; `module` from `importModule`), merged with `facade`.
 */
export function entry({ glue, facade, version, renamed = null, module = null, rust = null }) {
  if (renamed) glue = useShortNames(glue, renamed, module);
  return merge(glue, facade, { version, rust });
}

function escapeRegExp(name) {
  return name.replace(/[$]/g, '\\$&');
}
