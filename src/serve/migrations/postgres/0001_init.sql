-- The team server's schema on PostgreSQL: the same tables as SQLite's 0001_init.sql, with
-- native types. Never edit a released migration: add the next number.

-- API tokens: only the SHA-256 of a token is kept, never the token.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,          -- lower-case hex SHA-256 of the whole token
    prefix     TEXT NOT NULL,             -- first 12 characters, to tell tokens apart
    team       TEXT,                      -- NULL only for an admin token without a label
    role       TEXT NOT NULL CHECK (role IN ('team', 'admin')),
    created_at TIMESTAMPTZ NOT NULL,      -- whole seconds, as SQLite keeps them
    revoked_at TIMESTAMPTZ
);

-- One contributor's runs of one action in one repository on one day and machine class.
-- An upload replaces every row of its (team, day, contributor, machine class).
CREATE TABLE aggregates (
    team        TEXT NOT NULL,
    day         DATE NOT NULL,
    contributor TEXT NOT NULL,            -- weekly pseudonym, 32 hex digits
    os          TEXT NOT NULL,
    arch        TEXT NOT NULL,
    cores       TEXT NOT NULL,
    memory_gib  TEXT NOT NULL,
    action      TEXT NOT NULL,
    category    TEXT NOT NULL,
    repo        TEXT NOT NULL,            -- '' outside a repository (NULLs would defeat the key)
    runs        BIGINT NOT NULL CHECK (runs >= 0),
    failures    BIGINT NOT NULL CHECK (failures >= 0),
    exits_known BIGINT NOT NULL CHECK (exits_known >= 0),
    durations   BYTEA NOT NULL,           -- Histogram::to_bytes
    PRIMARY KEY (team, day, contributor, os, arch, cores, memory_gib, action, category, repo)
);

-- Org-wide reports and retention read by day across teams.
CREATE INDEX aggregates_by_day ON aggregates (day);
