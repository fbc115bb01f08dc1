#!/usr/bin/env bash
# `npm test`: every layer, in a fresh machine's order. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/bootstrap.sh

step() { printf '\n=== %s ===\n' "$*"; }

step "native: cargo test (mapping, session, settings, property tests)"
cargo test --quiet

step "wasm-bindgen-test in headless Chromium"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --chrome

step "wasm-bindgen-test in headless Firefox"
GECKODRIVER=$(command -v geckodriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm-pack test --headless --firefox

step "package: npm run build -> pkg/, webpack demo -> www/dist/"
node scripts/build.mjs
npx webpack --mode production

step "end to end: analytics-next + pkg/ + HubSpot emulator in Chromium (playwright-core)"
node --test --test-concurrency=1 tests/e2e/
