-- Events: one row per finished command (hook) or imported history entry.
CREATE TABLE events (
    id                      INTEGER PRIMARY KEY,
    start_us                INTEGER NOT NULL,          -- microseconds since the Unix epoch, UTC
    duration_us             INTEGER,                   -- NULL = unknown (never 0 for unknown)
    duration_resolution_us  INTEGER,                   -- how fine duration_us is
    exit                    INTEGER,                   -- NULL = unknown
    cwd                     TEXT,
    command                 TEXT NOT NULL,             -- already redacted
    shell                   TEXT NOT NULL,
    session                 TEXT NOT NULL,
    repo                    TEXT,                      -- git repository root of cwd, if any
    source                  TEXT NOT NULL,             -- 'hook' or 'import:<kind>'
    truncated               INTEGER NOT NULL DEFAULT 0,
    host_id                 INTEGER REFERENCES hosts(id),
    import_key              INTEGER UNIQUE             -- identity of an imported entry; NULL for hooks
);
CREATE INDEX events_by_start ON events(start_us);

-- How far each spool file has been ingested. Offsets are committed in the same
-- transaction as the events read before them, which makes ingest exactly-once.
CREATE TABLE spool_files (
    name        TEXT PRIMARY KEY,
    inode       INTEGER NOT NULL,
    head_hash   INTEGER NOT NULL,    -- hash of the first line: tells a recreated file from the old one
    offset      INTEGER NOT NULL,    -- bytes consumed (always just after an LF)
    lines       INTEGER NOT NULL     -- lines consumed, so warnings can name line numbers
);

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
