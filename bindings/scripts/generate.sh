#!/usr/bin/env bash
# Builds the Qorgau FFI library and generates the Kotlin and Swift bindings from it
# (UniFFI library mode). Generated code goes to bindings/generated/ (not committed) and is
# never edited by hand; every build regenerates it from the library it will load, so the two
# always match.
#   bindings/scripts/generate.sh [debug|release]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PROFILE=${1:-debug}
FLAG=""; [ "$PROFILE" = release ] && FLAG="--release"
cargo build $FLAG --locked -p qorgau-ffi --lib
LIB="$ROOT/target/$PROFILE/libqorgau_ffi.so"
OUT="$ROOT/bindings/generated"
rm -rf "$OUT"
for lang in kotlin swift; do
  # A crate of its own, so that building it never rebuilds the library with other features.
  cargo run $FLAG --locked --quiet -p uniffi-bindgen -- \
    generate --library "$LIB" --language "$lang" --out-dir "$OUT/$lang" --no-format
done
echo "generated from $LIB:"
find "$OUT" -type f | sed "s|$ROOT/||" | sort
