#!/usr/bin/env bash
# The main job: a scripted field scenario on synthetic data, end to end.
#   scripts/field-scenario.sh [WORK_DIR]
# Builds the CLI, then plays what an officer does at the scene: device profile, a case opened
# from a neighbour's report, people, photos and an audio recording hashed and signed at
# capture, a statement in Kazakh and a recorded refusal, verification on the device, export
# for court, and the court expert's check of the bundle with sha256sum and openssl only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=${1:-$(mktemp -d -t qorgau-scenario.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Setting up: Debian tools the scenario uses (zbarimg, pdftotext, openssl), if missing"
bash "$ROOT/scripts/ci-deps.sh"

say "Building the qorgau CLI (release)"
cargo build --release --quiet -p qorgau-cli
Q="$ROOT/target/release/qorgau"
export QORGAU_HOME="$WORK/device"
unset QORGAU_KEYSTORE

say "1. Device profile for a synthetic officer (keys generated, wrapped by the desktop key file)"
"$Q" init --officer-name "Aibek Demoulin" --badge KZ-DEMO-0417 --unit "DV response team 3 (synthetic)" --label "demo phone"
echo "the unit's supervisor sets the phone up: the first profile, with a PIN"
"$Q" profile create --role supervisor --name "Synthetic Supervisor" --badge KZ-DEMO-SUP-01 --new-pin 246813

say "2. A neighbour reports shouting and a child crying: the officer opens a case (no survivor statement needed)"
CASE=$("$Q" -q case open --trigger witness-report --category physical --category child-involved \
  --lat 51.1282 --lon 71.4304 --accuracy 12 --address "Synthetic street 1, flat 1, Astana" \
  --member "officer:Aibek Demoulin:KZ-DEMO-0417" --member "psychologist:Saule Examplova:KZ-DEMO-PSY-02" \
  --summary "Neighbour reported shouting (synthetic)")
echo "case $CASE"

say "3. People at the scene (IINs validated; survivor's and child's addresses confidential)"
SURVIVOR=$("$Q" -q person add "$CASE" --role survivor --name "Aigerim Testova" --iin 940312402103 --phone "+7 700 000 00 00" --address "Synthetic Refuge No. 9 (shelter)")
AGGRESSOR=$("$Q" -q person add "$CASE" --role alleged-aggressor --name "Nurlan Sampleuly" --iin 901102303307 --relation spouse)
"$Q" -q person add "$CASE" --role witness --name "Gulnara Fictiva" --relation neighbour --protected >/dev/null
CHILD=$("$Q" -q person add "$CASE" --role child --name "Dana Testova" --iin 170601604419 --relation daughter)
echo "survivor $SURVIVOR, alleged aggressor $AGGRESSOR, a protected witness and a child"
echo "an invalid IIN is refused:"
if "$Q" person add "$CASE" --role witness --name "Typo" --iin 940312402109; then echo "unexpectedly accepted"; exit 1; fi

say "4. The officer checks the alleged aggressor offline, against the registry the station pushed down"
STATION_KEY=$("$Q" -q synth registry --station-key "$WORK/station.key" --out "$WORK/registry.jsonl" --rows 5000 --prior 901102303307)
echo "the supervisor, signed in, trusts the station key the registry came with (an officer may not):"
if "$Q" registry trust-station "$STATION_KEY" 2>/dev/null; then echo "unexpectedly allowed"; exit 1; fi
"$Q" --as KZ-DEMO-SUP-01 --pin 246813 registry trust-station "$STATION_KEY"
"$Q" registry import "$WORK/registry.jsonl"
"$Q" registry check --iin 901102303307 --case "$CASE"

say "5. Evidence captured: two 12 MP photos and an audio recording, hashed (SHA-256) and signed at capture"
mkdir -p "$WORK/camera"
"$Q" synth photo --out "$WORK/camera/IMG_0001.jpg" --seed 1
"$Q" synth photo --out "$WORK/camera/IMG_0002.jpg" --seed 2
"$Q" synth audio --out "$WORK/camera/REC_0001.wav" --seconds 20
for f in IMG_0001.jpg IMG_0002.jpg REC_0001.wav; do
  "$Q" evidence add "$CASE" "$WORK/camera/$f" --lat 51.1282 --lon 71.4304 --accuracy 12
done

say "6. Statements: the survivor's in Kazakh; the alleged aggressor declines (the refusal is recorded)"
"$Q" statement add "$CASE" --person "$SURVIVOR" --lang kk --consent-crisis-centre --consent-court \
  --text "Күйеуім мені итеріп жіберді, қызым бәрін көрді. (синтетикалық мәтін)"
"$Q" statement refuse "$CASE" --person "$AGGRESSOR" --lang ru --reason "declined to speak"

say "7. The team psychologist signs in with her PIN and assesses the risk; the officer sees the level only"
"$Q" --as KZ-DEMO-SUP-01 --pin 246813 profile create --role officer --name "Aibek Demoulin" --badge KZ-DEMO-0417 --new-pin 270415
"$Q" --as KZ-DEMO-SUP-01 --pin 246813 profile create --role psychologist --name "Saule Examplova" --badge KZ-DEMO-PSY-02 --new-pin 480917
ASSESSMENT=$("$Q" -q --as KZ-DEMO-PSY-02 --pin 480917 assessment record "$CASE" --survivor "$SURVIVOR" \
  --yes q01,q02,q03,q08,q10,q11,q12,q13,q15,q19,q21,q22,q24,q27 --dont-know q09 --recommend order,shelter \
  --notes "She described being choked twice this month (synthetic clinical note).")
"$Q" --as KZ-DEMO-PSY-02 --pin 480917 assessment show "$ASSESSMENT"
echo "the officer, signed in, sees the level and recommendations:"
"$Q" --as KZ-DEMO-0417 --pin 270415 assessment show "$ASSESSMENT"
echo "and asks for the clinical notes (refused by the core, and audited in the custody chain):"
if "$Q" --as KZ-DEMO-0417 --pin 270415 assessment detail "$ASSESSMENT"; then echo "unexpectedly allowed"; exit 1; fi

say "8. Protection order issued at the scene, served (he refuses to sign, the neighbour witnesses), printed and its QR verified"
ORDER=$("$Q" -q order issue "$CASE" --restricted "$AGGRESSOR" --protect "$SURVIVOR" --protect "$CHILD" \
  --prohibit commit_violence --prohibit seek_out --prohibit visit --prohibit contact --opinion "wants him kept away (synthetic)")
"$Q" order show "$ORDER"
"$Q" order serve "$ORDER" --refused --witness "Gulnara Fictiva (neighbour)" --witness "KZ-DEMO-PSY-02"
"$Q" order pdf "$ORDER" --copy served --lang kk,ru,en --out "$WORK/order-served.pdf"
"$Q" order pdf "$ORDER" --copy file --lang kk,ru --out "$WORK/order-file.pdf"
"$Q" order qr "$ORDER" --png "$WORK/order-qr.png" >/dev/null
SCANNED=$(zbarimg --quiet --raw "$WORK/order-qr.png" 2>/dev/null)
echo "zbarimg read the printed code (${#SCANNED} characters); verifying it offline:"
"$Q" order verify-qr "$SCANNED"
echo "the served copy as pdftotext reads it (first lines):"
pdftotext "$WORK/order-served.pdf" "$WORK/order-served.txt" && head -6 "$WORK/order-served.txt"
"$Q" registry check --iin 901102303307 --case "$CASE"

say "9. Referral of the survivor and her daughter to a shelter (consent recorded), and preventive work with the aggressor"
"$Q" referral add "$CASE" --person "$SURVIVOR" --kind shelter --organisation "Synthetic Refuge (address confidential)" --children 1 --consent
"$Q" intervention add "$CASE" --person "$AGGRESSOR" --kind preventive-talk --outcome "explained the order and the consequences of a violation" \
  --next-check "$(date -d '+3 days' +%F)"
"$Q" intervention due

say "10. Verification on the device: every original re-hashed, every custody link and signature checked"
"$Q" verify "$CASE"

say "11. Export for court"
BUNDLE=$("$Q" -q export "$CASE" --out "$WORK/export")
echo "bundle: $BUNDLE"
ls "$BUNDLE"

say "12. The court expert checks the bundle with standard tools only (the steps of its VERIFY.txt)"
cd "$BUNDLE"
STEPS=$(sed -n '1,/^5\./p' VERIFY.txt | grep '^     ' | cut -c6-)
OUT=$(bash -e -c "$STEPS" 2>&1)
grep -v ': OK$' <<<"$OUT" || true
echo "$(grep -c ': OK$' <<<"$OUT") files OK by sha256sum -c"
if grep -Eq 'BAD|BROKEN|MISMATCH|FAILED' <<<"$OUT"; then
  echo "bundle verification FAILED"; exit 1
fi

say "13. Back in range of the station: it serves https under its own root; the duty officer prints an enrolment card, the phone scans it, enrols and syncs; the station verifies and counts"
cd "$ROOT"
cargo build --release --quiet -p qorgau-station
S="$ROOT/target/release/qorgau-station"
SDATA="$WORK/station"
"$S" --data "$SDATA" serve --listen 127.0.0.1:0 > "$WORK/station.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q "listening on" "$WORK/station.log" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o -m1 "https://127.0.0.1:[0-9]*" "$WORK/station.log" || true)
[ -n "$URL" ] || { cat "$WORK/station.log"; echo "the station did not start"; exit 1; }
echo "station at $URL (TLS under its own root; data in $SDATA)"
"$S" --data "$SDATA" enrolment-code --officer KZ-DEMO-0417 --unit "Astana DV response team 3 (synthetic)" --png "$WORK/enrolment-card.png"
CARD=$(zbarimg --quiet --raw "$WORK/enrolment-card.png")
echo "the phone scans the card: $CARD"
"$Q" enrol --card "$CARD"
"$Q" sync --status
"$Q" sync
echo "station: devices, cases received, verification failures:"
"$S" --data "$SDATA" devices
"$S" --data "$SDATA" cases
FAILURES=$("$S" --data "$SDATA" failures)
if [ -n "$FAILURES" ]; then echo "$FAILURES"; echo "the station refused entries"; exit 1; fi
echo "(no failures listed: everything verified)"
"$S" --data "$SDATA" figures --from "$(date -u -d yesterday +%F)" --to "$(date -u -d tomorrow +%F)"
kill $SPID 2>/dev/null || true

say "Done. Everything is in $WORK (device store encrypted under $QORGAU_HOME; the bundle holds plaintext for court)."
