#!/usr/bin/env bash
# An independent tus client (tus-js-client from npm, on the machine's Node.js) uploads a file to
# the station in 1 MiB PATCHes, signing every request as an enrolled device; the station
# verifies the whole file's SHA-256, and a second client resuming the same upload changes nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR="$ROOT/tests/e2e/tus-interop"
WORK=$(mktemp -d -t qorgau-tus.XXXXXX)
cleanup() { [ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$DIR" && npm install --no-audit --no-fund --silent >/dev/null)
cd "$ROOT" && cargo build --quiet -p qorgau-station
S="$ROOT/target/debug/qorgau-station"
"$S" --data "$WORK/station" serve --listen 127.0.0.1:0 --plain-http > "$WORK/station.log" 2>&1 &
SPID=$!
for _ in $(seq 1 300); do grep -q "listening on" "$WORK/station.log" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o -m1 "http://127.0.0.1:[0-9]*" "$WORK/station.log" || true)
[ -n "$URL" ] || { cat "$WORK/station.log"; echo "tus interop: the station did not start"; exit 1; }
head -c $((5 * 1024 * 1024 + 123)) /dev/urandom > "$WORK/file.bin"
SHA=$(sha256sum "$WORK/file.bin" | cut -d' ' -f1)
OUT=$(node "$DIR/upload.mjs" "$URL" "$("$S" --data "$WORK/station" enrolment-code --officer TUS --unit interop --print code)" "$WORK/file.bin")
echo "$OUT"
grep -q "uploaded $((5 * 1024 * 1024 + 123)) bytes, sha256 $SHA" <<<"$OUT" || { echo "tus interop: upload did not finish"; exit 1; }
[ "$(sqlite3 "$WORK/station/station.db" "SELECT count(*) FROM uploads WHERE sha256 = '$SHA' AND completed = 1 AND offset = $((5 * 1024 * 1024 + 123))")" = 1 ] \
  || { echo "tus interop: the station did not verify the upload"; exit 1; }
# The same file again from another device: that device sends its own bytes (nobody learns from
# the station whether a file is there), and the original is still kept once.
OUT2=$(node "$DIR/upload.mjs" "$URL" "$("$S" --data "$WORK/station" enrolment-code --officer TUS2 --unit interop --print code)" "$WORK/file.bin")
grep -q "uploaded $((5 * 1024 * 1024 + 123)) bytes, sha256 $SHA" <<<"$OUT2" || { echo "tus interop: the second upload did not finish"; exit 1; }
[ "$(sqlite3 "$WORK/station/station.db" "SELECT count(*) FROM uploads WHERE sha256 = '$SHA' AND completed = 1")" = 2 ] || { echo "tus interop: the second device's upload is not complete"; exit 1; }
[ "$(sqlite3 "$WORK/station/station.db" "SELECT count(*) FROM blobs")" = 1 ] || { echo "tus interop: the original is not kept once"; exit 1; }
[ "$(ls "$WORK/station/blobs")" = "$SHA" ] || { echo "tus interop: the original is not kept once on disk"; exit 1; }
echo "tus interop OK"
