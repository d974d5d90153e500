#!/usr/bin/env bash
# Builds the Swift package (generated bindings + Qorgau API/view models) and runs its XCTests
# against the real Rust library, on Linux, in the Debian 13 chroot with swiftlang 6.0.3
# (scripts/swift-chroot.sh; needs root). Exits non-zero if the build or any test fails.
#
#   ios/scripts/test-linux.sh [extra `swift test` arguments, e.g. --filter ErrorTests]
#
# Uses the already built library target/debug/libqorgau_ffi.so and the bindings generated from
# it in bindings/generated/swift (bindings/scripts/generate.sh), and the station server
# target/debug/qorgau-station (for SyncTests); it does not run cargo.
# The SwiftPM scratch directory lives inside the chroot (/tmp/qorgau-swift-build), outside the
# bind-mounted repo, so the repo stays clean and later runs are incremental.
set -euo pipefail
IOS=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$IOS/.." && pwd)
CHROOT="$REPO/scripts/swift-chroot.sh"
LIB="$REPO/target/debug/libqorgau_ffi.so"

[ -f "$LIB" ] || { echo "test-linux: $LIB is missing; build it first: cargo build -p qorgau-ffi --lib" >&2; exit 1; }
# SyncTests start this station on loopback (QORGAU_STATION_BIN inside the chroot).
[ -x "$REPO/target/debug/qorgau-station" ] || { echo "test-linux: $REPO/target/debug/qorgau-station is missing; build it first: cargo build -p qorgau-station" >&2; exit 1; }

start=$(date +%s)
"$CHROOT" ensure
"$IOS/scripts/prepare-bindings.sh"

# The bindings must come from this very library (UniFFI library mode): compare the scaffolding
# functions the library exports with those the generated header declares. A library rebuilt
# after the bindings were generated (or the other way round) fails here, not with confusing
# checksum or decoding errors at run time.
HDR="$IOS/Sources/QorgauFFIC/include/QorgauFFIC.h"
if command -v nm >/dev/null 2>&1; then
  in_lib=$(nm -D --defined-only "$LIB" | grep -oE 'uniffi_qorgau_ffi_(fn|checksum)_[A-Za-z0-9_]+' | sort -u)
  in_hdr=$(grep -oE 'uniffi_qorgau_ffi_(fn|checksum)_[A-Za-z0-9_]+' "$HDR" | sort -u)
  if [ "$in_lib" != "$in_hdr" ]; then
    echo "test-linux: the generated bindings do not match $LIB:" >&2
    diff <(echo "$in_hdr") <(echo "$in_lib") | grep -E '^[<>]' | sed 's/^</  only in the bindings:/; s/^>/  only in the library: /' | head -20 >&2
    echo "test-linux: regenerate them from this library: bindings/scripts/generate.sh" >&2
    exit 1
  fi
else
  # A check that cannot run is a failure, not a skip (binutils is installed by scripts/ci-deps.sh).
  echo "test-linux: nm not found; cannot check that the bindings match the library (install binutils)" >&2
  exit 1
fi

# Quote extra arguments for the shell inside the chroot.
extra=""
for a in "$@"; do extra="$extra $(printf '%q' "$a")"; done

set +e
"$CHROOT" run "$REPO" "cd /src/ios && QORGAU_LIB_DIR=/src/target/debug QORGAU_STATION_BIN=/src/target/debug/qorgau-station swift test --scratch-path /tmp/qorgau-swift-build$extra" 2>&1 \
  | tee /tmp/qorgau-swift-test.log
rc=${PIPESTATUS[0]}
set -e

echo "----"
# XCTest's summary: the failures, then the overall result.
grep -E ": error: " /tmp/qorgau-swift-test.log | sort -u | head -n 30 || true
grep -A1 -E "^Test Suite 'All tests' (passed|failed)" /tmp/qorgau-swift-test.log || true
echo "test-linux: exit $rc in $(( $(date +%s) - start )) s (log: /tmp/qorgau-swift-test.log)"
exit "$rc"
