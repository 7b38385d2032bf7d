-- Ranking: every event gets an action (the classifier's verdict), and per-day rollups
-- keep reports and the TUI from ever scanning all raw events.

-- An action key as the classifier names it ("cargo test"), with its category.
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    action      TEXT NOT NULL,
    category    TEXT NOT NULL,
    counted     INTEGER NOT NULL,   -- 0: interactive, kept out of rankings by default
    known       INTEGER NOT NULL,   -- 1: from a built-in or user rule (the uploader's allow-list)
    UNIQUE (action, category, counted, known)
);

-- events is rebuilt with AUTOINCREMENT: the rollups remember the highest event id they
-- include, which is only sound if a deleted id is never handed out again.
CREATE TABLE events_v2 (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    start_us                INTEGER NOT NULL,
    duration_us             INTEGER,
    duration_resolution_us  INTEGER,
    exit                    INTEGER,
    command                 TEXT NOT NULL,
    session_id              INTEGER NOT NULL REFERENCES sessions(id),
    dir_id                  INTEGER REFERENCES dirs(id),
    truncated               INTEGER NOT NULL DEFAULT 0,
    import_key              INTEGER,
    action_id               INTEGER REFERENCES actions(id)   -- NULL until classified
);
INSERT INTO events_v2 (id, start_us, duration_us, duration_resolution_us, exit, command,
                       session_id, dir_id, truncated, import_key)
SELECT id, start_us, duration_us, duration_resolution_us, exit, command,
       session_id, dir_id, truncated, import_key
FROM events;
DROP VIEW events_full;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
CREATE INDEX events_by_start ON events(start_us);
CREATE UNIQUE INDEX events_by_import_key ON events(import_key) WHERE import_key IS NOT NULL;
-- No index on action_id: detail views and comparisons read one period through
-- events_by_start, and a second index would cost every ingest far more than they save.

CREATE VIEW events_full AS
SELECT e.id, e.start_us, e.duration_us, e.duration_resolution_us, e.exit, e.command,
       e.truncated, e.import_key, d.cwd, d.repo, s.session, s.shell, s.source, s.host_id,
       a.action, a.category, a.counted
FROM events e
JOIN sessions s ON s.id = e.session_id
LEFT JOIN dirs d ON d.id = e.dir_id
LEFT JOIN actions a ON a.id = e.action_id;

-- Repository roots, numbered so rollups stay small.
CREATE TABLE repos (
    id      INTEGER PRIMARY KEY,
    path    TEXT NOT NULL UNIQUE
);

-- Per local calendar day × action × repository (0 = outside any repository).
CREATE TABLE rollups (
    day         INTEGER NOT NULL,   -- local days since 1970-01-01
    action_id   INTEGER NOT NULL,
    repo_id     INTEGER NOT NULL,
    runs        INTEGER NOT NULL,   -- all runs, timed or not
    failures    INTEGER NOT NULL,   -- runs with a known non-zero exit status
    exits_known INTEGER NOT NULL,   -- runs with a known exit status
    histogram   BLOB NOT NULL,      -- durations of the timed runs (src/histogram.rs)
    PRIMARY KEY (day, action_id, repo_id)
) WITHOUT ROWID;

-- What the rollups include: events up to high_water, classified by the classifier with
-- this fingerprint. A different fingerprint (new rules) means reclassify and rebuild.
CREATE TABLE rollup_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    classifier  INTEGER NOT NULL,
    high_water  INTEGER NOT NULL
);

-- Events deleted after they were rolled up (an imported entry replaced by its hook twin,
-- or a user deleting rows): their rollups are recomputed from the remaining events.
CREATE TABLE rollup_stale (
    action_id   INTEGER NOT NULL,
    start_us    INTEGER NOT NULL,
    dir_id      INTEGER
);
CREATE TRIGGER events_deleted AFTER DELETE ON events
WHEN old.action_id IS NOT NULL
BEGIN
    INSERT INTO rollup_stale (action_id, start_us, dir_id)
    VALUES (old.action_id, old.start_us, old.dir_id);
END;
