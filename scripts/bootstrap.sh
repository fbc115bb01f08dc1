#!/usr/bin/env bash
# Installs what a fresh machine lacks, for one purpose:
#   bootstrap.sh build   the release build (`npm run build`, `npm start`): the Rust toolchains and
#                        targets, wasm-bindgen-cli, wasm-pack and the npm packages;
#   bootstrap.sh bench   that, and Chromium, which the benchmark drives (`npm run bench`);
#   bootstrap.sh test    that, and both browsers with their drivers (`npm test`; the default).
# Only `bench` and `test` install system packages. Idempotent: each step checks first, so a
# prepared machine passes through in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { echo "bootstrap: $*" >&2; }
purpose=${1:-test}
case "$purpose" in
  build | bench | test) ;;
  *) say "usage: bootstrap.sh [build|bench|test]"; exit 2 ;;
esac

# The stable toolchain (tests, clippy, `--dev`): the wasm32 target, clippy and rustfmt.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done
# The release build's pinned nightly (scripts/nightly, which scripts/wasm-flags.mjs reads too):
# it compiles std itself, so it needs the standard library's source, and the wasm32 target.
read -r nightly < scripts/nightly || true
[ -n "${nightly:-}" ] || { say "scripts/nightly names no toolchain"; exit 1; }
if ! rustup run "$nightly" rustc --version >/dev/null 2>&1; then
  say "installing the $nightly toolchain (the release build's)"
  rustup toolchain install "$nightly" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi
if ! rustup component list --toolchain "$nightly" --installed 2>/dev/null | grep -q '^rust-src'; then
  say "adding rust-src to $nightly"
  rustup component add rust-src --toolchain "$nightly"
fi
if ! rustup target list --toolchain "$nightly" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target to $nightly"
  rustup target add wasm32-unknown-unknown --toolchain "$nightly"
fi

# wasm-bindgen CLI must equal the crate's version exactly (wasm-pack downloads otherwise, which fails here).
wb_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (a few minutes)"
  # --locked first; its lock file can name a crate version the registry mirror lacks, then resolve afresh.
  cargo install wasm-bindgen-cli --version "$wb_version" --locked --force \
    || cargo install wasm-bindgen-cli --version "$wb_version" --force
fi
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (a few minutes)"
  cargo install wasm-pack --locked || cargo install wasm-pack
fi

# npm packages: binaryen (wasm-opt) and terser for the build, playwright-core, analytics-next,
# webpack, the JS peer for the benchmark.
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

[ "$purpose" = build ] && exit 0

# Debian packages: Chromium for the benchmark and the tests; for the tests also its driver and
# Firefox, the second engine.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
if [ "$purpose" = test ]; then
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox >/dev/null || missing+=(firefox-esr)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$purpose" = test ] && ! command -v geckodriver >/dev/null; then
  say "installing geckodriver (a few minutes)"
  cargo install geckodriver --locked || cargo install geckodriver
fi
