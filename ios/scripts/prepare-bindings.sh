#!/usr/bin/env bash
# Copies the generated UniFFI Swift bindings into the Swift package (the copies are gitignored;
# generated code is never edited by hand):
#   bindings/generated/swift/QorgauFFIC.h    -> ios/Sources/QorgauFFIC/include/QorgauFFIC.h
#   bindings/generated/swift/QorgauFFI.swift -> ios/Sources/QorgauFFI/QorgauFFI.swift
# The generated QorgauFFIC.modulemap is not used: ios/Sources/QorgauFFIC/include/module.modulemap
# is hand-written (the generated one has `use "Darwin"`).
#
#   ios/scripts/prepare-bindings.sh [GENERATED_DIR]    default: <repo>/bindings/generated/swift
#
# The bindings come from bindings/scripts/generate.sh (cargo; run by the Rust side, not here).
set -euo pipefail
IOS=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$IOS/.." && pwd)
GEN=${1:-$REPO/bindings/generated/swift}

missing=()
for f in QorgauFFIC.h QorgauFFI.swift; do
  [ -s "$GEN/$f" ] || missing+=("$GEN/$f")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "prepare-bindings: missing generated bindings:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "prepare-bindings: generate them first: bindings/scripts/generate.sh (needs cargo)" >&2
  exit 1
fi

mkdir -p "$IOS/Sources/QorgauFFIC/include" "$IOS/Sources/QorgauFFI"
# cmp first so that unchanged bindings keep their mtime (no needless Swift rebuild).
copy() { cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
copy "$GEN/QorgauFFIC.h" "$IOS/Sources/QorgauFFIC/include/QorgauFFIC.h"
copy "$GEN/QorgauFFI.swift" "$IOS/Sources/QorgauFFI/QorgauFFI.swift"
echo "prepare-bindings: bindings from ${GEN#$REPO/} copied into ios/Sources"
