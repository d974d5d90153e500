#!/usr/bin/env bash
# Builds ios/QorgauFFIC.xcframework from the Rust FFI crate, for the iOS app (macOS with Xcode only).
#
#   ios/scripts/build-xcframework.sh [debug|release]      default: release
#
# NOT RUN in this repository's Linux environment: it needs macOS, Xcode (xcodebuild, lipo) and
# the Rust iOS targets. It was written for platform developers and has not been executed here.
#
# Steps: cargo builds the static library for the device (aarch64-apple-ios) and the simulator
# (aarch64-apple-ios-sim, x86_64-apple-ios); lipo joins the two simulator slices; the Swift
# bindings are generated from the device library (UniFFI library mode) and copied into the
# package (prepare-bindings.sh); xcodebuild -create-xcframework packs each library with the
# generated header and a module map of module QorgauFFIC. Package.swift uses the XCFramework
# (binary target QorgauFFIC) on macOS as soon as ios/QorgauFFIC.xcframework exists.
set -euo pipefail
IOS=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$IOS/.." && pwd)
PROFILE=${1:-release}
FLAG=""; [ "$PROFILE" = release ] && FLAG="--release"

[ "$(uname -s)" = Darwin ] || { echo "build-xcframework: needs macOS with Xcode" >&2; exit 1; }
for tool in cargo rustup xcodebuild lipo; do
  command -v "$tool" >/dev/null || { echo "build-xcframework: $tool not found" >&2; exit 1; }
done

TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${TARGETS[@]}"
export IPHONEOS_DEPLOYMENT_TARGET=16.0

cd "$REPO"
for t in "${TARGETS[@]}"; do
  cargo build $FLAG --locked -p qorgau-ffi --lib --target "$t"
done

WORK="$REPO/target/xcframework"
rm -rf "$WORK" "$IOS/QorgauFFIC.xcframework"
mkdir -p "$WORK/headers" "$WORK/ios-simulator" "$WORK/swift"

# Swift bindings generated from the very library that ships (UniFFI library mode reads the
# metadata from it; uniffi-rs#2815). bindings/scripts/generate.sh assumes a Linux .so, so the
# bindgen is run directly here: from the device static library, else from a host .dylib build.
bindgen() {
  cargo run $FLAG --locked --quiet -p qorgau-ffi --features cli --bin uniffi-bindgen -- \
    generate --library "$1" --language swift --out-dir "$WORK/swift" --no-format
}
if ! bindgen "target/aarch64-apple-ios/$PROFILE/libqorgau_ffi.a"; then
  echo "build-xcframework: generating from the static library failed; using a host build" >&2
  cargo build $FLAG --locked -p qorgau-ffi --lib
  bindgen "target/$PROFILE/libqorgau_ffi.dylib"
fi
"$IOS/scripts/prepare-bindings.sh" "$WORK/swift"
cp "$WORK/swift/QorgauFFIC.h" "$WORK/headers/"
# Our module map (the generated one has `use "Darwin"` etc.; this one matches the Linux build).
cp "$IOS/Sources/QorgauFFIC/include/module.modulemap" "$WORK/headers/module.modulemap"

lipo -create \
  "target/aarch64-apple-ios-sim/$PROFILE/libqorgau_ffi.a" \
  "target/x86_64-apple-ios/$PROFILE/libqorgau_ffi.a" \
  -output "$WORK/ios-simulator/libqorgau_ffi.a"

xcodebuild -create-xcframework \
  -library "target/aarch64-apple-ios/$PROFILE/libqorgau_ffi.a" -headers "$WORK/headers" \
  -library "$WORK/ios-simulator/libqorgau_ffi.a" -headers "$WORK/headers" \
  -output "$IOS/QorgauFFIC.xcframework"

echo "build-xcframework: wrote ios/QorgauFFIC.xcframework ($PROFILE)"
