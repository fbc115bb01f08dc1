#!/usr/bin/env bash
# `npm test`: every layer, in a fresh machine's order. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/bootstrap.sh

step() { printf '\n=== %s ===\n' "$*"; }

# Style and lints first, the failures quickest to fix: rustfmt (rustfmt.toml), then clippy with
# warnings as errors on the native build and on the wasm build (the browser edge, src/browser/,
# and the wasm tests exist only there).
step "cargo fmt --check"
cargo fmt --check

step "clippy, native (-D warnings)"
cargo clippy --all-targets --features workspace-actions -- -D warnings

step "clippy, wasm32 with the panic hook (-D warnings)"
cargo clippy --all-targets --target wasm32-unknown-unknown --features panic-hook,workspace-actions -- -D warnings

# The package's lean wasm: without the opt-in form forwarding and cookie-banner helper.
step "clippy, the lean build, native and wasm32 (-D warnings)"
cargo clippy --all-targets --no-default-features -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings

# The actions wasm: the full build with a workspace's HubSpot Web (Actions) subscriptions.
step "clippy, the actions build, native and wasm32 (-D warnings)"
cargo clippy --all-targets --features workspace-actions -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features workspace-actions -- -D warnings

# The FQL differential data: the real @segment/destination-subscriptions on generated triggers
# and events, which `cargo test` checks the Rust FQL module against.
step "FQL differential data from the npm package (tests/actions/differential.mjs)"
node tests/actions/differential.mjs

# The real mapping-kit (@segment/actions-core) on generated mappings and events: the cases and its
# results, which the Rust mapping-kit must reproduce (cargo test's mapping_kit_differential).
step "mapping-kit differential cases from @segment/actions-core -> target/mapping-differential.json"
node tests/actions/mapping-differential.mjs

step "native: cargo test (settings, mapping, session, destination; property tests and a fuzz run)"
cargo test --quiet --features workspace-actions

# The browser edge (src/browser/) as wasm, in both engines, with the panic hook on: a panic
# would print its message rather than "unreachable".
step "wasm-bindgen-test in headless Chromium (tests/web*.rs)"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --chrome . --features panic-hook,workspace-actions

step "wasm-bindgen-test in headless Firefox (tests/web*.rs)"
GECKODRIVER=$(command -v geckodriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --firefox . --features panic-hook,workspace-actions

step "the glue rewriting (scripts/glue.mjs) on the pinned wasm-bindgen's real output"
node --test scripts/glue.test.mjs

step "package: npm run build -> pkg/ (on the pinned nightly), webpack demo -> www/dist/"
node scripts/build.mjs
npx webpack --mode production

step "end to end: analytics-next + pkg/ + HubSpot emulator in Chromium (playwright-core)"
node --test --test-concurrency=1 tests/e2e/
