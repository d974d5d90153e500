#!/usr/bin/env python3
"""Writes ios/Tests/QorgauTests/Fixtures/registry-name-dob.jsonl: a signed registry snapshot
(format qorgau-registry/1, see core/src/registry.rs) with one synthetic person known only by
name and date of birth, so that the Swift tests can exercise the name + date-of-birth match
that the officer must confirm. `qorgau synth registry` only writes rows keyed by IIN.

The station key is a synthetic test key derived from a fixed seed (printed public key is the
one the tests trust); it signs nothing but this fixture. Needs Python's `cryptography`.

    python3 ios/scripts/make-registry-fixture.py
"""
import base64, hashlib, json, pathlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

seed = hashlib.sha256(b"qorgau synthetic test station (ios fixture)").digest()
station = Ed25519PrivateKey.from_private_bytes(seed)
pub = station.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()

def line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

rows = [
    {"op": "put", "subject": {"name": "Nurlan Sampleuly", "dob": "1990-11-02"},
     "record": {"display_name": "Nurlan Sampleuly (synthetic registry record)", "birth_date": "1990-11-02",
                # Deliberately long-lived so that the committed fixture keeps an active order.
                "active_orders": [{"number": "PO-OTHERUNIT-2026-00042", "valid_from": "2026-11-01T00:00:00Z",
                                   "valid_until": "2099-12-31T00:00:00Z", "prohibitions": ["contact", "visit"],
                                   "unit": "Astana, Esil district DV team (synthetic)"}],
                "past_violations": 1, "earlier_cases": 2}},
]
header = {"format": "qorgau-registry/1", "kind": "snapshot", "sequence": 1, "base_sequence": None,
          "generated_at": "2026-11-20T00:00:00Z", "rows": len(rows)}
lines = [line(header)] + [line(r) for r in rows]
h = hashlib.sha256()
for l in lines:
    h.update(l.encode()); h.update(b"\n")
sig = station.sign(b"qorgau-registry/1:" + h.digest())
lines.append(line({"signature": base64.b64encode(sig).decode()}))
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/QorgauTests/Fixtures/registry-name-dob.jsonl"
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"wrote {out}; station public key {pub}")
