-- Schema version 4: the transactional outbox. Every custody entry (and so every change) is
-- enqueued in the same transaction as the change itself; blobs the entry's record needs are
-- named beside it. The sync client sends entries per case in sequence order and marks them
-- acknowledged only when the station confirms it stored and verified them.

CREATE TABLE outbox (
    case_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    blob_name   TEXT,                -- a blob the record needs uploaded first
    blob_bytes  INTEGER NOT NULL DEFAULT 0,
    enqueued_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    acked_at    TEXT,                -- set when the station confirmed storage and verification
    PRIMARY KEY (case_id, seq),
    FOREIGN KEY (case_id, seq) REFERENCES custody(case_id, seq)
) WITHOUT ROWID;
CREATE INDEX outbox_pending ON outbox(acked_at, case_id, seq);

-- Resumable uploads (tus): the URL the station gave and the offset it confirmed, kept so that
-- a restart resumes where the connection was cut.
CREATE TABLE uploads (
    blob_name  TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    offset     INTEGER NOT NULL,
    length     INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sync_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    station_url     TEXT,
    station_ca      BLOB,                -- PEM of the station's CA for https, if it has its own
    last_success_at TEXT,
    last_error      TEXT,
    last_error_at   TEXT
);
