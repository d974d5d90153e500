-- Schema version 3: user profiles with PINs, risk instruments, risk assessments.

CREATE TABLE profiles (
    id               TEXT PRIMARY KEY,
    role             TEXT NOT NULL,     -- officer | psychologist | social_worker | supervisor
    badge            TEXT NOT NULL UNIQUE,
    info             BLOB NOT NULL,     -- sealed {name}
    pin_salt         BLOB NOT NULL,
    pin_iterations   INTEGER NOT NULL,
    pin_check        BLOB NOT NULL,     -- a constant sealed under the PIN-derived key
    wrapped_clinical BLOB,              -- the clinical key sealed under the PIN-derived key (psychologists)
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,              -- RFC 3339; survives a restart
    created_at       TEXT NOT NULL
);

-- Instruments loaded from station-signed files (the shipped ones are compiled in).
CREATE TABLE instruments (
    id         TEXT NOT NULL,
    version    TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE assessments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    survivor_id TEXT NOT NULL REFERENCES people(id),
    body        BLOB NOT NULL,   -- sealed AssessmentSummary (data key)
    clinical    BLOB NOT NULL    -- sealed ClinicalPart (clinical key: psychologists' PINs only)
);
CREATE INDEX assessments_by_survivor ON assessments(survivor_id);
