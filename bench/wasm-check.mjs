// Reads a wasm file's table and export sections to catch a known toolchain fault before the
// browser does: binaryen (wasm-opt) <= 108 writes every exported table with index 0
// (WebAssembly/binaryen#4711, fixed in version 110), so wasm-bindgen's `__wbindgen_externrefs`
// ends up naming the funcref table and init() fails with "WebAssembly.Table.set(): Argument 1 is
// invalid for table" (or "failed to grow table"). Debian 12's binaryen is 108.
import { readFileSync } from 'node:fs';

/** The table section's reference types and the exported tables, with the export index's byte offset. */
function scan(b) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, byte; do { byte = b[p++]; r |= (byte & 0x7f) << s; s += 7; } while (byte & 0x80); return r >>> 0; };
  const name = () => { const n = leb(); const t = b.subarray(p, p + n).toString(); p += n; return t; };
  const limits = () => { const flags = b[p++]; leb(); if (flags & 1) leb(); };
  const tables = []; // reference type byte per table index: 0x70 funcref, 0x6f externref
  const exported = [];
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name(); name();
        const kind = b[p++];
        if (kind === 0) leb();
        else if (kind === 1) { tables.push(b[p++]); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) p += 2;
        else return null; // an import kind this reader does not know
      }
    } else if (id === 4) {
      for (let n = leb(); n > 0; n--) { tables.push(b[p++]); limits(); }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const nm = name(); const kind = b[p++]; const at = p; const index = leb();
        if (kind === 1) exported.push({ nm, index, at, width: p - at });
      }
    }
    p = end;
  }
  const bad = exported.filter((e) => /externref/.test(e.nm) && tables[e.index] !== 0x6f && tables.includes(0x6f));
  return { tables, bad };
}

/** Returns a message when an exported externref table points at a table of another type, else null. */
export function checkTableExports(file) {
  const r = scan(readFileSync(file));
  if (!r || !r.bad.length) return null;
  const { tables, bad } = r;
  return `${bad.map((e) => `export "${e.nm}" names table ${e.index} (${tables[e.index] === 0x70 ? 'funcref' : 'not externref'})`).join(', ')}, `
    + `while table ${tables.indexOf(0x6f)} is the externref table: this is binaryen <= 108's table-export bug `
    + '(WebAssembly/binaryen#4711, fixed in binaryen 110): init() fails in the browser. Use wasm-opt >= 110, '
    + 'or rewrite the export index after wasm-opt (fixTableExports() in bench/wasm-check.mjs), or skip wasm-opt.';
}

/**
 * Rewrites, in place, the index of each such export to the externref table (what binaryen 110
 * writes). Returns how many were fixed. One byte each: the indices here are single-byte LEB128.
 */
export function fixTableExports(bytes) {
  const r = scan(bytes);
  if (!r) return 0;
  const target = r.tables.indexOf(0x6f);
  for (const e of r.bad) {
    if (e.width !== 1 || target > 127) throw new Error('fixTableExports: index does not fit in place');
    bytes[e.at] = target;
  }
  return r.bad.length;
}
