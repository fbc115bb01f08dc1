#!/usr/bin/env bash
# `npm test`: every layer, in a fresh machine's order. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/bootstrap.sh test

step() { printf '\n=== %s ===\n' "$*"; }

# Style and lints first, the failures quickest to fix: rustfmt (rustfmt.toml), then clippy with
# warnings as errors on the native build and on the wasm build (the browser edge, src/browser/,
# and the wasm tests exist only there).
step "cargo fmt --check"
cargo fmt --check

# Both feature sets: Cargo's default is the lean build every page downloads; `full` adds the
# opt-in form forwarding and cookie-banner helper (the package's second wasm).
step "clippy, lean and full, native (-D warnings)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --features full -- -D warnings

step "clippy, lean and full, wasm32 with the panic hook (-D warnings)"
cargo clippy --all-targets --target wasm32-unknown-unknown --features panic-hook -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features full,panic-hook -- -D warnings

step "native: cargo test, lean and full (settings, mapping, session, destination; property tests and a fuzz run)"
cargo test --quiet
cargo test --quiet --features full

# The browser edge (src/browser/) as wasm, with the panic hook on: a panic would print its
# message rather than "unreachable". Chromium runs both builds; Firefox the lean one, which every
# page downloads (the full build's extra suites are Chromium's: one engine each keeps the run short).
step "wasm-bindgen-test in headless Chromium, lean and full (tests/web*.rs)"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --chrome . --features panic-hook
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --chrome . --features full,panic-hook

step "wasm-bindgen-test in headless Firefox, lean (tests/web*.rs)"
GECKODRIVER=$(command -v geckodriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --firefox . --features panic-hook

step "the glue rewriting (scripts/glue.mjs) on the pinned wasm-bindgen's real output"
node --test scripts/glue.test.mjs

step "package: npm run build -> pkg/ (on the pinned nightly), webpack demo -> www/dist/"
node scripts/build.mjs
npx webpack --mode production

# The tarball users install: publint (package.json against the files) and Are the Types Wrong?
# (every export resolves to its types; ESM-only, as the package is), warnings as errors.
step "the packed package: publint and attw"
tarball=$(node scripts/pack.mjs)
npx publint run "$tarball" --strict
npx attw "$tarball" --profile esm-only

step "end to end: analytics-next + pkg/ + HubSpot emulator in Chromium (playwright-core)"
node --test --test-concurrency=1 tests/e2e/
