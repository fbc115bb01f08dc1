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

# The JavaScript to the same bar: Biome (biome.json) lints and checks the formatting of js/,
# scripts/, bench/, www/ and tests/e2e/; tsc type-checks the facade's JSDoc against the
# package's declarations (js/tsconfig.json).
step "biome check (JS lint and format)"
npx biome check

step "tsc -p js (the facade, type-checked)"
npx tsc -p js

# The three feature sets the package ships: Cargo's default is the lean build every page that
# names its portal downloads; `full` adds the opt-in form forwarding and cookie-banner helper;
# `full,workspace-actions` adds a workspace's HubSpot Web (Actions) subscriptions (the wasm a page
# naming no portal downloads).
step "clippy, lean, full and actions, native (-D warnings)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --features full -- -D warnings
cargo clippy --all-targets --features full,workspace-actions -- -D warnings

step "clippy, lean, full and actions, wasm32 with the panic hook (-D warnings)"
cargo clippy --all-targets --target wasm32-unknown-unknown --features panic-hook -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features full,panic-hook -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features full,workspace-actions,panic-hook -- -D warnings

# The FQL differential data: the real @segment/destination-subscriptions on generated triggers
# and events, which `cargo test` checks the Rust FQL module against.
step "FQL differential data from the npm package (tests/actions/differential.mjs)"
node tests/actions/differential.mjs

# The real mapping-kit (@segment/actions-core) on generated mappings and events: the cases and its
# results, which the Rust mapping-kit must reproduce (cargo test's mapping_kit_differential).
step "mapping-kit differential cases from @segment/actions-core -> target/mapping-differential.json"
node tests/actions/mapping-differential.mjs

step "native: cargo test, lean, full and actions (settings, mapping, session, destination, FQL, mapping-kit; property tests and a fuzz run)"
cargo test --quiet
cargo test --quiet --features full
cargo test --quiet --features full,workspace-actions

# The browser edge (src/browser/) as wasm, with the panic hook on: a panic would print its
# message rather than "unreachable". Chromium runs the lean build and the widest one (full with
# the workspace's Actions); Firefox the lean one, which every page naming its portal downloads.
step "wasm-bindgen-test in headless Chromium, lean and actions (tests/web*.rs)"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 \
  wasm-pack test --headless --chrome . --features panic-hook
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 \
  wasm-pack test --headless --chrome . --features full,workspace-actions,panic-hook

step "wasm-bindgen-test in headless Firefox, lean (tests/web*.rs)"
GECKODRIVER=$(command -v geckodriver) WASM_BINDGEN_TEST_TIMEOUT=180 \
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
