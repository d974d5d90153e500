-- Schema version 2: protection orders, preventive interventions, referrals, the offline
-- registry pushed down by the station, and trusted keys.

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    number      TEXT NOT NULL UNIQUE,
    restricted  TEXT NOT NULL REFERENCES people(id),
    body        BLOB NOT NULL
);
CREATE INDEX orders_by_case ON orders(case_id);
CREATE INDEX orders_by_restricted ON orders(restricted);

CREATE TABLE order_events (
    id       TEXT PRIMARY KEY,
    order_id  TEXT NOT NULL REFERENCES orders(id),
    case_id   TEXT NOT NULL REFERENCES cases(id),
    blob_name TEXT,                  -- signature image of a served order
    body      BLOB NOT NULL
);
CREATE INDEX order_events_by_order ON order_events(order_id);

CREATE TABLE interventions (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    person_id  TEXT NOT NULL REFERENCES people(id),
    next_check TEXT,                 -- YYYY-MM-DD, for "due this week"
    body       BLOB NOT NULL
);
CREATE INDEX interventions_by_next_check ON interventions(next_check);

CREATE TABLE referrals (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    body      BLOB NOT NULL
);
CREATE INDEX referrals_by_case ON referrals(case_id);

CREATE TABLE referral_updates (
    id          TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    case_id     TEXT NOT NULL REFERENCES cases(id),
    body        BLOB NOT NULL
);
CREATE INDEX referral_updates_by_referral ON referral_updates(referral_id);

-- Keys this device trusts: its station's (signs the registry) and other devices' (sign order
-- QR codes). Pushed down with the registry; the station key is set at enrolment.
CREATE TABLE trusted_keys (
    key_id     TEXT PRIMARY KEY,     -- 'station' or a device id
    public_key BLOB NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);

-- The offline registry: one row per person the station knows (by IIN, or by name and date of
-- birth), keyed by an HMAC under this device's lookup key, body sealed.
CREATE TABLE registry (
    subject BLOB PRIMARY KEY,
    body    BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE registry_state (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    sequence     INTEGER NOT NULL,
    generated_at TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);
