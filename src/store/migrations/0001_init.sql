-- One profile per host, recorded the first time that host ingests.
CREATE TABLE hosts (
    id              INTEGER PRIMARY KEY,
    hostname        TEXT NOT NULL UNIQUE,
    cpu_model       TEXT,
    cpu_cores       INTEGER,
    memory_bytes    INTEGER,
    os              TEXT,
    os_version      TEXT,
    arch            TEXT,
    recorded_at_us  INTEGER NOT NULL
);

-- A shell or editor session (or one import source). Kept apart from events because
-- thousands of events share one: rows stay small, so ingest writes less.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    session     TEXT NOT NULL,
    shell       TEXT NOT NULL,
    source      TEXT NOT NULL,           -- 'hook' or 'import:<kind>'
    host_id     INTEGER REFERENCES hosts(id),
    UNIQUE (session, shell, source)
);

-- Working directories and the git repository root each was in when first seen.
CREATE TABLE dirs (
    id      INTEGER PRIMARY KEY,
    cwd     TEXT NOT NULL UNIQUE,
    repo    TEXT
);

-- Events: one row per finished command (hook) or imported history entry.
CREATE TABLE events (
    id                      INTEGER PRIMARY KEY,
    start_us                INTEGER NOT NULL,          -- microseconds since the Unix epoch, UTC
    duration_us             INTEGER,                   -- NULL = unknown (never 0 for unknown)
    duration_resolution_us  INTEGER,                   -- how fine duration_us is
    exit                    INTEGER,                   -- NULL = unknown
    command                 TEXT NOT NULL,             -- already redacted
    session_id              INTEGER NOT NULL REFERENCES sessions(id),
    dir_id                  INTEGER REFERENCES dirs(id),
    truncated               INTEGER NOT NULL DEFAULT 0,
    import_key              INTEGER                    -- identity of an imported entry; NULL for hooks
);
CREATE INDEX events_by_start ON events(start_us);
-- Partial: hook events (the bulk) pay nothing for it.
CREATE UNIQUE INDEX events_by_import_key ON events(import_key) WHERE import_key IS NOT NULL;

-- Everything about an event in one place, for queries and ad-hoc use with sqlite3.
CREATE VIEW events_full AS
SELECT e.id, e.start_us, e.duration_us, e.duration_resolution_us, e.exit, e.command,
       e.truncated, e.import_key, d.cwd, d.repo, s.session, s.shell, s.source, s.host_id
FROM events e
JOIN sessions s ON s.id = e.session_id
LEFT JOIN dirs d ON d.id = e.dir_id;

-- How far each spool file has been ingested. Offsets are committed in the same
-- transaction as the events read before them, which makes ingest exactly-once.
CREATE TABLE spool_files (
    name        TEXT PRIMARY KEY,
    inode       INTEGER NOT NULL,
    head_hash   INTEGER NOT NULL,    -- hash of the first line: tells a recreated file from the old one
    offset      INTEGER NOT NULL,    -- bytes consumed (always just after an LF)
    lines       INTEGER NOT NULL     -- lines consumed, so warnings can name line numbers
);
