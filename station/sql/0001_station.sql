-- Station schema version 1. Record bodies and blobs are encrypted at rest under the station's
-- data key (its key file lives beside the database, readable by the station only).

CREATE TABLE enrolment_codes (
    code_hash    TEXT PRIMARY KEY,   -- SHA-256 of the one-time code
    officer      TEXT NOT NULL,
    unit         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_by      TEXT                -- device id once used
);

CREATE TABLE devices (
    device_id   TEXT PRIMARY KEY,
    public_key  BLOB NOT NULL,
    officer     TEXT NOT NULL,
    unit        TEXT NOT NULL,
    label       TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT,
    version     INTEGER NOT NULL     -- registry version of the last change
);

CREATE TABLE nonces (
    device_id TEXT NOT NULL,
    nonce     TEXT NOT NULL,
    seen_at   INTEGER NOT NULL,      -- unix seconds; pruned after the allowed clock window
    PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;

CREATE TABLE request_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    device_id TEXT,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    status    INTEGER NOT NULL,
    reason    TEXT
);

-- Verified custody entries, per case, in sequence.
CREATE TABLE entries (
    case_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    entry        BLOB NOT NULL,      -- the exact signed bytes
    signature    BLOB NOT NULL,
    entry_hash   TEXT NOT NULL,
    device_at    TEXT NOT NULL,      -- the device's clock
    received_at  TEXT NOT NULL,      -- the station's clock: skew is visible, never corrected
    record_table TEXT,
    record       BLOB,               -- sealed canonical record bytes (or detail)
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- tus uploads; the id is the SHA-256 the client declares, so the same upload sent twice or by
-- two devices is one upload. Data is kept as sealed segments, one per PATCH.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    length      INTEGER NOT NULL,
    offset      INTEGER NOT NULL,
    segments    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    completed   INTEGER NOT NULL DEFAULT 0,   -- 1 once the whole-file SHA-256 matched
    device_id   TEXT
);

-- The registry pushed to phones: one row per subject (IIN), versioned for deltas.
CREATE TABLE registry (
    subject TEXT PRIMARY KEY,        -- HMAC of the IIN under the station lookup key; the IIN is in the sealed body
    body    BLOB NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

