-- Machine load while long events ran, sampled by `worthit watch` (src/watch/load.rs): one
-- row per event of 5 s or more whose whole span watch sampled. Reports use it to tell
-- "slow because the machine was saturated" from "slow by itself".
CREATE TABLE event_load (
    event_id        INTEGER PRIMARY KEY,   -- events.id (never reused: AUTOINCREMENT)
    samples         INTEGER NOT NULL,      -- load samples inside the event's span
    cpu_mean_pct    REAL NOT NULL,         -- CPU busy over all cores, mean over the span, 0–100
    cpu_max_pct     REAL NOT NULL,         -- the busiest sample
    memory_max_pct  REAL NOT NULL,         -- RAM in use (total − available) / total, highest sample
    swap_max_per_s  REAL,                  -- pages swapped in + out per second, highest sample; NULL where the OS does not say
    cores           INTEGER NOT NULL       -- logical CPUs
);

-- A deleted event (an imported twin replaced by its hook record) takes its load row along.
CREATE TRIGGER event_load_deleted AFTER DELETE ON events
BEGIN
    DELETE FROM event_load WHERE event_id = old.id;
END;
