-- The team server's schema. Never edit a released migration: add the next number.

-- API tokens: only the SHA-256 of a token is kept, never the token.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,          -- lower-case hex SHA-256 of the whole token
    prefix     TEXT NOT NULL,             -- first 12 characters, to tell tokens apart
    team       TEXT,                      -- NULL only for an admin token without a label
    role       TEXT NOT NULL CHECK (role IN ('team', 'admin')),
    created_at TEXT NOT NULL,             -- RFC 3339, UTC
    revoked_at TEXT
);

-- One contributor's runs of one action in one repository on one day and machine class.
-- An upload replaces every row of its (team, day, contributor, machine class).
CREATE TABLE aggregates (
    team        TEXT NOT NULL,
    day         INTEGER NOT NULL,         -- days since 1970-01-01
    contributor TEXT NOT NULL,            -- weekly pseudonym, 32 hex digits
    os          TEXT NOT NULL,
    arch        TEXT NOT NULL,
    cores       TEXT NOT NULL,
    memory_gib  TEXT NOT NULL,
    action      TEXT NOT NULL,
    category    TEXT NOT NULL,
    repo        TEXT NOT NULL,            -- '' outside a repository (NULLs would defeat the key)
    runs        INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    exits_known INTEGER NOT NULL,
    durations   BLOB NOT NULL,            -- Histogram::to_bytes
    PRIMARY KEY (team, day, contributor, os, arch, cores, memory_gib, action, category, repo)
) WITHOUT ROWID;

-- Org-wide reports and retention read by day across teams.
CREATE INDEX aggregates_by_day ON aggregates (day);
