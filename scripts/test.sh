#!/usr/bin/env bash
# Runs every test: rustfmt and clippy, Rust unit, property and integration tests (core, CLI), then the end-to-end
# tests under tests/. Installs the Debian tools the tests use if they are missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bash scripts/ci-deps.sh

echo "== Rust: formatting (rustfmt.toml) and lints (clippy, warnings are errors)"
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust: cargo test --workspace"
cargo test --workspace --locked

echo "== Bindings: build the library and generate Kotlin and Swift from it"
bash bindings/scripts/generate.sh debug

echo "== Kotlin on the JVM against the real library (android/core-jvm)"
(cd android/core-jvm && mvn -B --no-transfer-progress test -Dqorgau.lib.dir="$ROOT/target/debug")

echo "== Android app: compile check of its non-UI Kotlin against android-all, and its screen models on the JVM (android/app-check)"
(cd android/app-check && mvn -B --no-transfer-progress test -Dqorgau.lib.dir="$ROOT/target/debug")

echo "== Swift on Linux against the real library (ios/, Debian 13 chroot with swiftlang)"
bash ios/scripts/test-linux.sh

echo "== End-to-end tests (tests/e2e)"
passed=0 failed=0
for t in tests/e2e/*.sh; do
  echo "-- $t"
  if bash "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $t"; fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
