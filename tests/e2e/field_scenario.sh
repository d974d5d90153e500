#!/usr/bin/env bash
# The README's main command plays the whole field scenario and the exported bundle verifies.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d -t qorgau-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT=$("$ROOT/scripts/field-scenario.sh" "$WORK" 2>&1) || { echo "$OUT"; echo "field scenario exited non-zero"; exit 1; }
fail() { echo "$OUT" | tail -40; echo "e2e field scenario: $1"; exit 1; }
echo "$OUT" | grep -q "VERIFIED: 10 custody entries, 10 records, 5 files" || fail "device verification line missing"
echo "$OUT" | grep -q "invalid IIN: check digit does not match" || fail "invalid IIN was not refused"
echo "$OUT" | grep -Eq "^[0-9]+ files OK by sha256sum -c$" || fail "sha256sum -c did not pass"
[ "$(echo "$OUT" | grep -c 'Signature Verified Successfully')" -eq 12 ] || fail "expected 12 openssl verifications (SHA256SUMS + 11 entries)"
# The device store holds no statement text or name in clear.
if grep -rqa "Aigerim" "$WORK/device/store"; then fail "a name is stored in clear"; fi
if grep -rqa "итеріп" "$WORK/device/store"; then fail "statement text is stored in clear"; fi
echo "field scenario OK"
