# Catalog Guard. `make demo` shows it working; `make test` runs everything.
# Both run `make setup` first (scripts/setup.sh: wasm32 target, wasm-bindgen-cli, chromium,
# firefox-esr + geckodriver, fonts);
# npm packages come from package-lock.json with npm ci.

SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER ?= wasm-bindgen-test-runner
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: all setup build www test test-native test-wasm test-e2e lint lint-rust lint-js demo bench-wasm icons clean-dist

all: build

# Everything a fresh Debian machine lacks (idempotent; quick when all is there).
setup:
	bash scripts/setup.sh

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# dist/chrome, dist/firefox and their zips; incremental (scripts/build.mjs skips unchanged steps).
build: $(NODE_MODULES)
	node scripts/build.mjs

# dist/www: the standalone check page and the in-browser benchmark page (serve it over http).
www: build
	node www/build.mjs

test-native:
	cargo test

# wasm-bindgen-test in headless Chromium (chromedriver): src/wasm/tests.rs, once in a page and
# once in a service worker (where the background runs). Lib tests, not tests/*.rs: integration
# tests would build the native CLI binary for wasm32, which does not compile there.
test-wasm:
	WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --lib wasm::
	# in the service worker with the shipped full module's features: Shift_JIS and other
	# legacy charsets through the browser's TextDecoder, NFKC through String.normalize
	WASM_BINDGEN_USE_SERVICE_WORKER=1 cargo test --target wasm32-unknown-unknown --lib --features browser-charsets,browser-nfkc wasm::

# Chromium (Playwright) and Firefox ESR (selenium-webdriver + geckodriver): every *.test.mjs,
# cross-chromium/cross-firefox running the one shared list in tests/e2e/cross/cases.mjs.
test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

lint-rust:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --profile test -- -D warnings
	# the hot page-check module: its own workspace (crates/hot/Cargo.toml says why)
	rustfmt --edition 2021 --check crates/hot/src/lib.rs crates/encoding-utf8/src/lib.rs
	cd crates/hot && cargo clippy --release --target wasm32-unknown-unknown -- -D warnings
	# the full module: its own workspace too (crates/full/Cargo.toml), and the core with its features
	rustfmt --edition 2021 --check crates/full/src/lib.rs
	cd crates/full && cargo clippy --release --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features invoke,browser-charsets,browser-nfkc -- -D warnings

lint-js: $(NODE_MODULES)
	npm run lint

lint: lint-rust lint-js build
	npx web-ext lint --source-dir dist/firefox --self-hosted

test: setup lint test-native test-wasm test-e2e

# Main job: build, then show the extension on a synthetic Japanese product page under its
# real amazon.co.jp URL (saved, then hijacked). Screenshots in out/demo/.
demo: setup build
	node scripts/demo/demo.mjs

bench-wasm: build
	node scripts/bench-wasm.mjs

icons:
	node scripts/icons.mjs

clean-dist:
	rm -rf dist extension/pkg www/pkg
