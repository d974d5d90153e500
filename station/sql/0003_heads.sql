-- Station schema version 3: the signed head of each case as the owning device last pushed it
-- (where the device says the case ends). A chain that stops short of its head is incomplete:
-- entries are still on their way, or were cut off on the phone.
CREATE TABLE case_heads (
    case_id     TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    entry_hash  TEXT NOT NULL,
    signature   BLOB NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
