#!/usr/bin/env bash
# Builds the Qorgau FFI library (crate qorgau-ffi, cdylib libqorgau_ffi.so) for Android with
# cargo-ndk into android/app/src/main/jniLibs/<abi>/, then regenerates the Kotlin bindings
# with bindings/scripts/generate.sh, so that the app's library and bindings come from the same
# source tree.
#
#   android/scripts/build-rust-android.sh [release|debug]      default: release
#
# Environment:
#   ABIS="arm64-v8a armeabi-v7a x86_64"   which ABIs (default: these three)
#   ANDROID_API=26                        minSdk of the app
#   ANDROID_NDK_HOME=/path/to/ndk         else the newest $ANDROID_HOME/ndk/* (NDK r28+ advised)
#
# Needs: rustup targets (aarch64-linux-android, armv7-linux-androideabi, x86_64-linux-android),
# cargo-ndk (cargo install cargo-ndk), the Android NDK. Not run where this script was written
# (no NDK there).
#
# armeabi-v7a: UniFFI's API checksums can mismatch on 32-bit ARM (uniffi-rs#2740); the usual
# way out is `omit_checksums = true` under [bindings.kotlin] in bindings/uniffi.toml, which
# also drops the load-time check that the bindings match the library. Decide before shipping
# armv7 (or ship without armeabi-v7a: ABIS="arm64-v8a x86_64").
set -euo pipefail
ANDROID_DIR=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$ANDROID_DIR/.." && pwd)
PROFILE=${1:-release}
ABIS=${ABIS:-"arm64-v8a armeabi-v7a x86_64"}
API=${ANDROID_API:-26}
OUT="$ANDROID_DIR/app/src/main/jniLibs"

die() { echo "build-rust-android: $*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found (install Rust: https://rustup.rs)"
cargo ndk --version >/dev/null 2>&1 || die "cargo-ndk not found: cargo install cargo-ndk"
if [ -z "${ANDROID_NDK_HOME:-}" ]; then
  for sdk in "${ANDROID_HOME:-}" "${ANDROID_SDK_ROOT:-}" "$HOME/Android/Sdk" "$HOME/Library/Android/sdk"; do
    [ -n "$sdk" ] && [ -d "$sdk/ndk" ] || continue
    ANDROID_NDK_HOME=$(ls -d "$sdk"/ndk/* 2>/dev/null | sort -V | tail -1)
    [ -n "$ANDROID_NDK_HOME" ] && break
  done
fi
[ -n "${ANDROID_NDK_HOME:-}" ] && [ -d "$ANDROID_NDK_HOME" ] || die "Android NDK not found: set ANDROID_NDK_HOME (SDK Manager > SDK Tools > NDK)"
export ANDROID_NDK_HOME

triple_of() {
  case "$1" in
    arm64-v8a) echo aarch64-linux-android ;;
    armeabi-v7a) echo armv7-linux-androideabi ;;
    x86_64) echo x86_64-linux-android ;;
    x86) echo i686-linux-android ;;
    *) die "unknown ABI $1" ;;
  esac
}

installed=$(rustup target list --installed 2>/dev/null || true)
targets=()
for abi in $ABIS; do
  t=$(triple_of "$abi")
  if [ -n "$installed" ] && ! grep -qx "$t" <<<"$installed"; then
    die "Rust target $t missing: rustup target add $t"
  fi
  # 16 KB pages (Android 15+, required by Google Play): NDK r28+ links that way already; this
  # makes older NDKs do the same.
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$t")_RUSTFLAGS"
  [ -n "${!var:-}" ] || export "$var=-C link-arg=-Wl,-z,max-page-size=16384"
  targets+=(-t "$abi")
done
case " $ABIS " in
  *" armeabi-v7a "*) echo "build-rust-android: note: armeabi-v7a included; see uniffi-rs#2740 (omit_checksums) in this script's header" >&2 ;;
esac

FLAG=""; [ "$PROFILE" = release ] && FLAG="--release"
cd "$ROOT"
echo "build-rust-android: NDK $ANDROID_NDK_HOME, API $API, ABIs: $ABIS, profile $PROFILE"
# --no-strip: keep the symbols in jniLibs; the Android Gradle plugin strips the copies it
# packages and can keep the unstripped ones for crash symbolication (ndk.debugSymbolLevel).
cargo ndk "${targets[@]}" -P "$API" -o "$OUT" --no-strip build $FLAG --locked -p qorgau-ffi --lib

# Check the 16 KB alignment of what was built.
readelf=$(ls "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf 2>/dev/null | head -1 || true)
for abi in $ABIS; do
  so="$OUT/$abi/libqorgau_ffi.so"
  [ -f "$so" ] || die "expected $so"
  if [ -n "$readelf" ]; then
    align=$("$readelf" -lW "$so" | awk '$1=="LOAD"{print $NF; exit}')
    case "$align" in 0x4000|0x10000) ;; *) echo "build-rust-android: WARNING: $so LOAD alignment $align (want 0x4000)" >&2 ;; esac
  fi
  echo "  $(du -h "$so" | cut -f1)  ${so#$ROOT/}"
done

# The Kotlin bindings, from a host build of the same sources (library mode).
"$ROOT/bindings/scripts/generate.sh" "$PROFILE"
