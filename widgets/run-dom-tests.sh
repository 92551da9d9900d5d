#!/bin/sh
# The widgets' DOM tests (widgets/tests/dom.rs) under wasm-bindgen-test in
# headless Chromium, driven by Debian's chromedriver. Chromium's binary and
# flags come from widgets/webdriver.json, which the runner reads from the
# folder it is started in.
#
# Needs: rustup target add wasm32-unknown-unknown
#        cargo install wasm-bindgen-cli --version =0.2.130
#        apt-get install -y chromium chromium-driver
set -eu

cd "$(dirname "$0")"

if ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    echo "wasm-bindgen-test-runner is missing: cargo install wasm-bindgen-cli --version =0.2.130" >&2
    exit 1
fi

CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=60 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    exec cargo test -p runbook-widgets --target wasm32-unknown-unknown "$@"
