-- Station schema version 2: enrolment that survives a lost answer and never sees the code,
-- ownership of uploads and cases, originals kept once whoever uploaded them.

-- The code never travels: the device sends an id derived from it and a MAC under a key derived
-- from it. The station keeps that key sealed under its data key.
ALTER TABLE enrolment_codes ADD COLUMN code_id TEXT;
ALTER TABLE enrolment_codes ADD COLUMN code_key BLOB;
CREATE UNIQUE INDEX enrolment_codes_by_id ON enrolment_codes (code_id);

-- The answer given at enrolment (certificate and its signature, JSON): the same device and key
-- asking again get the same certificate.
ALTER TABLE devices ADD COLUMN certificate TEXT;

-- A case belongs to the device that opened it (entry 1, case_opened).
CREATE TABLE case_owners (
    case_id   TEXT PRIMARY KEY,
    device_id TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO case_owners (case_id, device_id) SELECT case_id, device_id FROM entries WHERE seq = 1;

-- Originals verified and kept, one per content, whoever uploaded them.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    length      INTEGER NOT NULL,
    stored_at   TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO blobs (sha256, length, stored_at) SELECT id, length, created_at FROM uploads WHERE completed = 1;

-- tus uploads now belong to the device that created them: another device's HEAD, PATCH or
-- DELETE finds nothing. Unfinished uploads of version 1 are dropped (the phones start them
-- again); finished ones live on as blobs and as their uploader's finished upload.
CREATE TABLE uploads_v2 (
    device_id   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    length      INTEGER NOT NULL,
    offset      INTEGER NOT NULL,
    segments    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    completed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, sha256)
) WITHOUT ROWID;
INSERT INTO uploads_v2 (device_id, sha256, length, offset, segments, created_at, expires_at, completed)
    SELECT device_id, id, length, offset, segments, created_at, expires_at, 1 FROM uploads WHERE completed = 1 AND device_id IS NOT NULL;
DROP TABLE uploads;
ALTER TABLE uploads_v2 RENAME TO uploads;

CREATE INDEX quarantine_by_case ON quarantine (case_id, seq);
