#!/usr/bin/env bash
# One-time set-up on a fresh machine (idempotent): the wasm32 target, wasm-bindgen-cli at
# exactly the version in Cargo.lock, Debian's chromium + chromedriver, and the npm packages.
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
command -v zip >/dev/null || need+=(zip)
# Japanese glyphs for the demo screenshots (the demo page and popup are in Japanese).
fc-list :lang=ja 2>/dev/null | grep -q . || need+=(fonts-ipafont-gothic)
if ((${#need[@]})); then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

# npm packages: `make` runs `npm ci` when package-lock.json is newer than node_modules.
