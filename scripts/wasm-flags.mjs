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
 * The published build compiles Rust's standard library itself, with panics that trap at once
 * (`panic = immediate-abort`): the prebuilt std formats every panic message even though a wasm
 * panic can only trap, about 2.4 KB of the gzipped download (core::fmt, panic payloads, source
 * paths). Unstable cargo and rustc options, hence the pinned NIGHTLY (never RUSTC_BOOTSTRAP on
 * a stable toolchain). Input never panics (fuzzed); the tests run the ordinary std with
 * console_error_panic_hook.
 */
export const OWN_STD = {
  env: { RUSTUP_TOOLCHAIN: NIGHTLY },
  rustflags: '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none',
  cargoArgs: ['-Zbuild-std=std,panic_abort'],
};

/** npm binaryen's wasm-opt (Debian's 108 mis-numbers wasm-bindgen's externref table export).
 *  -ocimfs 60: single-caller functions inlined up to 60 bytes only (binaryen's default, 1.5 KB,
 *  is 0.6 KB larger once gzipped); as small as none inlined, with 30 % fewer functions (341
 *  instead of 486), and V8 compiles each on the main thread at its first call, at start-up.
 *  --converge: passes until the module stops shrinking. */
export const WASM_OPT = ['-O2', '-ocimfs', '60', '-aimfs', '4', '--converge'];

/** Names, toolchain notes and the feature list are no use to a visitor. */
export const STRIP = ['--strip-debug', '--strip-producers', '--strip-target-features'];

/** Import and export names shortened to a letter or two. wasm-bindgen's carry a hash each, and a
 *  closure's invoker its whole type signature (up to 300 characters): about 2.5 KB of the gzipped
 *  download between the wasm and the glue. wasm-opt prints the renaming as JSON, and
 *  scripts/build.mjs rewrites the glue to match. */
export const MINIFY_NAMES = ['--minify-imports-and-exports-and-modules'];
