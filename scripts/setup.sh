#!/usr/bin/env bash
# One-time set-up on a fresh machine (idempotent): the wasm32 target, wasm-bindgen-cli at
# exactly the version in Cargo.lock, Debian's chromium + chromedriver, Debian's firefox-esr +
# geckodriver (built from crates.io: no prebuilt download works here), and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

rustup target add wasm32-unknown-unknown >/dev/null
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (have: ${have:-none})"
  # --locked fails here on a dependency the registry mirror lacks (see DESIGN.md).
  cargo install wasm-bindgen-cli --version "$want"
fi

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v firefox-esr >/dev/null || need+=(firefox-esr)
command -v zip >/dev/null || need+=(zip)
# The Firefox e2e proxy makes a throw-away TLS certificate with openssl.
command -v openssl >/dev/null || need+=(openssl)
# Japanese glyphs for the demo screenshots (the demo page and popup are in Japanese).
fc-list :lang=ja 2>/dev/null | grep -q . || need+=(fonts-ipafont-gothic)
if ((${#need[@]})); then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

# geckodriver for the Firefox end-to-end tests (tests/e2e/cross/drivers/firefox.mjs), pinned.
gecko_want=0.37.1
gecko_have=$(geckodriver --version 2>/dev/null | awk 'NR==1 {print $2}' || true)
if [ "$gecko_have" != "$gecko_want" ]; then
  echo "installing geckodriver $gecko_want (have: ${gecko_have:-none})"
  cargo install geckodriver --version "$gecko_want"
fi

# npm packages: `make` runs `npm ci` when package-lock.json is newer than node_modules.
