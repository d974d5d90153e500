#!/usr/bin/env bash
# The README's main command plays the whole field scenario and the exported bundle verifies.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d -t qorgau-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT=$("$ROOT/scripts/field-scenario.sh" "$WORK" 2>&1) || { echo "$OUT"; echo "field scenario exited non-zero"; exit 1; }
fail() { echo "$OUT" | tail -40; echo "e2e field scenario: $1"; exit 1; }
# absent TEXT DIR WHY: TEXT is nowhere under DIR (the database, its WAL, the blobs); a grep
# error (a missing directory...) fails too instead of passing as "not found".
absent() {
  [ -n "$(find "$2" -type f -print -quit)" ] || fail "$3: nothing under $2 to search"
  local rc=0
  grep -rqa -- "$1" "$2" || rc=$?
  [ "$rc" -eq 1 ] || fail "$3 (grep exit $rc)"
}
grep -Eq "VERIFIED: 16 custody entries, 15 records, 5 files" <<<"$OUT" || fail "device verification line missing"
grep -q "REPEAT OFFENDER: yes" <<<"$OUT" || fail "the registry check did not flag the repeat offender"
grep -Eq "^VALID order PO-[0-9A-F]{8}-20[0-9]{2}-00001 " <<<"$OUT" || fail "the printed QR code did not verify"
grep -q "ҚОРҒАУ НҰСҚАМАСЫ" <<<"$OUT" || fail "pdftotext did not read the Kazakh title"
grep -q "ЗАЩИТНОЕ ПРЕДПИСАНИЕ" "$WORK/order-served.txt" || fail "no Russian page"
if grep -q "Refuge No. 9" "$WORK/order-served.txt"; then fail "the served copy shows the survivor shelter"; fi
absent "Refuge No. 9" "$WORK/device/store" "the shelter address is stored in clear"
grep -q "1 due this week" <<<"$OUT" || fail "the intervention follow-up is not due"
[ "$(grep -c 'level HIGH (score 14, dash-style-kz 1.0.0)' <<<"$OUT")" -eq 2 ] || fail "psychologist and officer should both see the level"
grep -q "permission denied: cannot read the answers and clinical notes" <<<"$OUT" || fail "the officer was not refused the notes"
absent "choked twice" "$WORK/device" "clinical notes are stored in clear"
grep -q "invalid IIN: check digit does not match" <<<"$OUT" || fail "invalid IIN was not refused"
grep -Eq "^[0-9]+ files OK by sha256sum -c$" <<<"$OUT" || fail "sha256sum -c did not pass"
[ "$(grep -c 'Signature Verified Successfully' <<<"$OUT")" -eq 19 ] || fail "expected 19 openssl verifications (SHA256SUMS, 17 entries, the signed head)"
if grep -q "CUT SHORT" <<<"$OUT"; then fail "the bundle's chain does not reach its signed head"; fi
# The device store holds no statement text or name in clear.
absent "Aigerim" "$WORK/device/store" "a name is stored in clear"
absent "итеріп" "$WORK/device/store" "statement text is stored in clear"
grep -Eq "^the phone scans the card: QORGAU-ENROL:1;url=https://127.0.0.1:[0-9]+;code=[A-Z2-9]{16};ca=[0-9a-f]{64};key=[0-9a-f]{64}$" <<<"$OUT" \
  || fail "the enrolment card (read back from its PNG by zbarimg) does not name the https address and both fingerprints"
grep -Eq "^enrolled with https://127.0.0.1:[0-9]+ as .*; TLS root pinned$" <<<"$OUT" || fail "the phone did not enrol by the card over https"
grep -Eq "^synced with https://127.0.0.1:[0-9]+: 17 entries acknowledged, [0-9]+ bytes of originals uploaded, 0 refused" <<<"$OUT" || fail "the sync did not acknowledge all 17 entries"
grep -q "waiting: 0 entries, 0 bytes" <<<"$OUT" || fail "entries still waiting after the sync"
grep -Eq "protection orders issued +1$" <<<"$OUT" || fail "figures: one order"
grep -Eq "shelter placements: children +1$" <<<"$OUT" || fail "figures: one child placed"
echo "field scenario OK"
