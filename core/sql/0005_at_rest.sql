-- Schema version 5: what decides behaviour is authenticated at rest, and the end of each case
-- is signed.

-- PINs: scheme 2 derives the PIN key from the PIN and a secret only the key store releases
-- (scheme 1, PIN alone, is upgraded at the next successful sign-in).
ALTER TABLE profiles ADD COLUMN pin_scheme INTEGER NOT NULL DEFAULT 1;

-- A MAC under a key derived from the data key (which only the key store releases) over every
-- column that decides behaviour: an SQL edit of a role, a lock-out, a trusted key, an
-- instrument or an acknowledgement is caught. Filled for existing rows by the upgrade.
ALTER TABLE profiles ADD COLUMN mac BLOB;
ALTER TABLE trusted_keys ADD COLUMN mac BLOB;
ALTER TABLE instruments ADD COLUMN mac BLOB;
ALTER TABLE outbox ADD COLUMN mac BLOB;
ALTER TABLE uploads ADD COLUMN mac BLOB;
ALTER TABLE counters ADD COLUMN mac BLOB;

-- The signed end of each case, kept apart from the chain: a chain cut short no longer reaches
-- its head. Updated in the transaction of every custody entry.
CREATE TABLE case_heads (
    case_id    TEXT PRIMARY KEY REFERENCES cases(id),
    seq        INTEGER NOT NULL,
    entry_hash TEXT NOT NULL,
    signature  BLOB NOT NULL
) WITHOUT ROWID;

-- Device-level events that are not about one case (a change of the trusted station key),
-- each with a MAC.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    mac    BLOB NOT NULL
);
