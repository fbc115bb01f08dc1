// How the published wasm is compiled and optimized, in one place: scripts/build.mjs builds the
// package with these, and bench/size.mjs builds its named copy (for the cost per crate) the same.
import { readFileSync } from 'node:fs';

/** A 64 KiB stack instead of 1 MiB: the event walk is capped at 32 levels, and a smaller initial
 *  memory is less for the browser to allocate at start-up. Symbols in the v0 scheme, as
 *  .cargo/config.toml gives every other wasm32 build (RUSTFLAGS replaces that file's flags): the
 *  lean and full builds then name their closure adapters alike and share one glue. */
export const RUSTFLAGS = '-C link-arg=-zstack-size=65536 -Csymbol-mangling-version=v0';

/**
 * The toolchain of the published (release) build, pinned in scripts/nightly (one line, which
 * scripts/bootstrap.sh reads too): a nightly, because the options of OWN_STD below are unstable.
 * scripts/bootstrap.sh installs it (minimal profile, rust-src, the wasm32 target);
 * scripts/build.mjs and bench/size.mjs select it for their cargo runs with RUSTUP_TOOLCHAIN.
 * Everything else (cargo test, clippy, the wasm tests, `--dev`) stays on the stable toolchain.
 * Moving the pin: change the date there, run `npm run build`, compare `node bench/run.mjs` (size)
 * before and after.
 */
export const NIGHTLY = readFileSync(new URL('nightly', import.meta.url), 'utf8').trim();

/**
 * rustc's MIR inliner, which rustc runs at opt-level 2 and 3 but leaves off at "z": inlining
 * small functions before monomorphization leaves LLVM fewer and smaller copies of each generic.
 * Thresholds 150 (any function) and 50 (one marked `#[inline]`, std's many): the lean download's
 * smallest, measured over 100-300 and 0-50 (docs/size.md): 1.4 KB off the lean wasm, where the
 * inliner with its default thresholds took 0.8 KB.
 */
export const MIR_INLINING = '-Zinline-mir=yes -Zinline-mir-threshold=150 -Zinline-mir-hint-threshold=50';

/**
 * The published build compiles Rust's standard library itself, with panics that trap at once
 * (`panic = immediate-abort`): the prebuilt std formats every panic message even though a wasm
 * panic can only trap, about 2.4 KB of the gzipped download (core::fmt, panic payloads, source
 * paths). Unstable cargo and rustc options, hence the pinned NIGHTLY (never RUSTC_BOOTSTRAP on
 * a stable toolchain). Input never panics (fuzzed); the tests run the ordinary std with
 * console_error_panic_hook.
 */
export const OWN_STD = {
  env: { RUSTUP_TOOLCHAIN: NIGHTLY },
  rustflags: `-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none ${MIR_INLINING}`,
  cargoArgs: ['-Zbuild-std=std,panic_abort'],
};

/** npm binaryen's wasm-opt (Debian's 108 mis-numbers wasm-bindgen's externref table export).
 *  -ocimfs 40: single-caller functions inlined up to 40 bytes only (binaryen's default, 1.5 KB,
 *  is larger once gzipped; 40 is the smallest of 20-80 after rustc's MIR inlining), which keeps the
 *  function count low (331 in the lean wasm): V8 compiles each on the main thread at its first
 *  call, at start-up. --converge: passes until the module stops shrinking. */
export const WASM_OPT = ['-O2', '-ocimfs', '40', '-aimfs', '4', '--converge'];

/** Names, toolchain notes and the feature list are no use to a visitor. */
export const STRIP = ['--strip-debug', '--strip-producers', '--strip-target-features'];

/** Import and export names shortened to a letter or two. wasm-bindgen's carry a hash each, and a
 *  closure's invoker its whole type signature (up to 300 characters): about 2.5 KB of the gzipped
 *  download between the wasm and the glue. wasm-opt prints the renaming as JSON, and
 *  scripts/build.mjs rewrites the glue to match. */
export const MINIFY_NAMES = ['--minify-imports-and-exports-and-modules'];
