-- Schema version 1: device profile, cases, people, evidence, statements, custody chain.
-- Every `body` is the record's canonical JSON sealed with AES-256-GCM (associated data
-- "<table>/<id>"); clear columns hold only what queries need and no personal data.

CREATE TABLE device (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id    TEXT NOT NULL,
    public_key   BLOB NOT NULL,      -- Ed25519, 32 raw bytes
    key_alias    TEXT NOT NULL,      -- alias of the platform key that wraps the secrets
    wrapped_keys BLOB NOT NULL,      -- DeviceSecrets wrapped by the KeyStore
    key_check    BLOB NOT NULL,      -- a constant sealed under the data key: detects a wrong key
    profile      BLOB NOT NULL,      -- sealed DeviceProfile (officer, unit, label)
    created_at   TEXT NOT NULL
);

CREATE TABLE cases (
    id        TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,         -- device UTC time, RFC 3339, for listing
    body      BLOB NOT NULL
);

CREATE TABLE people (
    id       TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases(id),
    iin_hash BLOB,                   -- HMAC of the IIN under the lookup key, for matching
    body     BLOB NOT NULL
);
CREATE INDEX people_by_case ON people(case_id);
CREATE INDEX people_by_iin ON people(iin_hash);

CREATE TABLE evidence (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,         -- photo | video | audio
    blob_name TEXT NOT NULL,         -- file under blobs/, an HMAC of the content hash
    thumbnail BLOB,                  -- sealed JPEG, associated data "evidence-thumb/<id>"
    body      BLOB NOT NULL
);
CREATE INDEX evidence_by_case ON evidence(case_id);

CREATE TABLE statements (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    person_id      TEXT NOT NULL REFERENCES people(id),
    supersedes     TEXT REFERENCES statements(id),
    signature_blob TEXT,             -- blob name of the signature image
    body           BLOB NOT NULL
);
CREATE INDEX statements_by_case ON statements(case_id);
-- A version is corrected at most once: the history of a statement is a line, not a tree.
CREATE UNIQUE INDEX statements_one_correction ON statements(supersedes) WHERE supersedes IS NOT NULL;

-- The custody chain: one signed, hash-linked entry per event on a case.
CREATE TABLE custody (
    case_id        TEXT NOT NULL REFERENCES cases(id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    record_id      TEXT,             -- the record the event created, if any
    detail         TEXT,             -- canonical JSON of an event without a record (no personal data)
    payload_hash   TEXT NOT NULL,    -- SHA-256 of the record's canonical bytes, or of detail
    prev_hash      TEXT NOT NULL,    -- entry_hash of seq - 1 (64 zeros for seq 1)
    at_utc         TEXT NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    actor          TEXT NOT NULL,    -- badge number
    device_id      TEXT NOT NULL,
    entry_hash     TEXT NOT NULL,    -- SHA-256 of the signed entry bytes
    signature      BLOB NOT NULL,    -- Ed25519 over the signed entry bytes
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
