//! Per-day rollups: what reports and the TUI read instead of raw events.
//!
//! One row per local calendar day × action × repository holds the run count, failures and
//! a mergeable duration [`Histogram`]. [`sync`] keeps them current and is cheap to call
//! often (every ingest and import ends with it):
//!
//! - events newer than the rollups' high-water mark (event ids never repeat: the table is
//!   `AUTOINCREMENT`) are merged in;
//! - events deleted after being rolled up leave a row in `rollup_stale` (a trigger), and
//!   the rollups they were in are recomputed from the remaining events;
//! - when the classifier changes (new rules in the config, a new worthit), every event is
//!   reclassified and the rollups are rebuilt from scratch, all in one transaction.
//!
//! Days are local calendar days, because that is what "runs per day" means to a person;
//! an event keeps the day it had in the time zone in force when it was rolled up.

use std::collections::HashMap;

use anyhow::{Context, Result};
use chrono::{DateTime, Local, Offset, TimeZone};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::classify::{Classification, Classifier};
use crate::histogram::Histogram;
use crate::store::{self, Store};

/// Microseconds in a day.
pub const DAY_US: i64 = 86_400_000_000;

/// Maps event start times to local calendar days (days since 1970-01-01).
///
/// Looking up the time zone costs far more than the arithmetic, and events arrive in time
/// order, so the offset of the last quarter hour seen is remembered (every zone's offset
/// changes on a quarter hour).
#[derive(Debug, Clone)]
pub struct DayClock {
    zone: Zone,
    memo: Option<(i64, i32)>,
}

#[derive(Debug, Clone, Copy)]
enum Zone {
    Local,
    Fixed(i32),
}

impl DayClock {
    /// The system's local time zone (`TZ` or /etc/localtime).
    pub fn local() -> DayClock {
        DayClock {
            zone: Zone::Local,
            memo: None,
        }
    }

    /// A fixed offset from UTC in seconds (tests, and `TZ=UTC` behaviour).
    pub fn fixed(offset_seconds: i32) -> DayClock {
        DayClock {
            zone: Zone::Fixed(offset_seconds),
            memo: None,
        }
    }

    fn offset_at(&mut self, seconds: i64) -> i32 {
        let quarter = seconds.div_euclid(900);
        if let Some((memo_quarter, offset)) = self.memo
            && memo_quarter == quarter
        {
            return offset;
        }
        let offset = match self.zone {
            Zone::Fixed(offset) => offset,
            Zone::Local => DateTime::from_timestamp(seconds, 0)
                .map(|utc| {
                    Local
                        .offset_from_utc_datetime(&utc.naive_utc())
                        .fix()
                        .local_minus_utc()
                })
                .unwrap_or(0),
        };
        self.memo = Some((quarter, offset));
        offset
    }

    /// The local day an instant falls on.
    pub fn day_of(&mut self, start_us: i64) -> i32 {
        let seconds = start_us.div_euclid(1_000_000);
        let local = seconds + i64::from(self.offset_at(seconds));
        local.div_euclid(86_400) as i32
    }

    /// A UTC window (µs, half open) that surely contains every instant of local `day`:
    /// the day widened by the largest possible UTC offsets. Callers filter with
    /// [`DayClock::day_of`].
    pub fn day_window_us(day: i32) -> (i64, i64) {
        const WIDEST_OFFSET_US: i64 = 15 * 3_600_000_000;
        let start = i64::from(day) * DAY_US;
        (start - WIDEST_OFFSET_US, start + DAY_US + WIDEST_OFFSET_US)
    }
}

/// The calendar date of a local day number.
pub fn date_of(day: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::default() + chrono::Duration::days(i64::from(day))
}

/// Identifies one rollup row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    pub day: i32,
    pub action_id: i64,
    /// 0 when the command ran outside any repository.
    pub repo_id: i64,
}

/// The numbers one rollup row holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub runs: u64,
    pub failures: u64,
    pub exits_known: u64,
    /// Durations of the runs whose duration is known.
    pub durations: Histogram,
}

impl Tally {
    /// Counts one run.
    pub fn add(&mut self, duration_us: Option<i64>, exit: Option<i32>) {
        self.runs += 1;
        if let Some(exit) = exit {
            self.exits_known += 1;
            if exit != 0 {
                self.failures += 1;
            }
        }
        if let Some(us) = duration_us {
            self.durations.record(us.max(0) as u64);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.runs += other.runs;
        self.failures += other.failures;
        self.exits_known += other.exits_known;
        self.durations.merge(&other.durations);
    }
}

/// What a [`sync`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// True when every event was reclassified and the rollups rebuilt.
    pub rebuilt: bool,
    /// Events whose action changed (or got one for the first time).
    pub reclassified: u64,
    /// New events merged into the rollups.
    pub events_rolled_up: u64,
    /// Rollup rows recomputed because events in them were deleted.
    pub recomputed: u64,
}

impl SyncReport {
    /// Both syncs' work together.
    pub fn and(self, later: SyncReport) -> SyncReport {
        SyncReport {
            rebuilt: self.rebuilt || later.rebuilt,
            reclassified: self.reclassified + later.reclassified,
            events_rolled_up: self.events_rolled_up + later.events_rolled_up,
            recomputed: self.recomputed + later.recomputed,
        }
    }
}

/// Brings the rollups up to date with the events; see the module doc.
pub fn sync(
    store: &mut Store,
    classifier: &Classifier,
    clock: &mut DayClock,
) -> Result<SyncReport> {
    let tx = store.write()?;
    let state: Option<(i64, i64)> = tx
        .query_row(
            "SELECT classifier, high_water FROM rollup_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let fingerprint = classifier.fingerprint() as i64;
    let report = match state {
        Some((stored, high_water)) if stored == fingerprint => {
            incremental(&tx, classifier, clock, high_water)?
        }
        _ => rebuild(&tx, classifier, clock, fingerprint)?,
    };
    tx.commit().context("could not commit the rollups")?;
    Ok(report)
}

/// Makes the next [`sync`] reclassify everything and rebuild the rollups.
pub fn forget(store: &mut Store) -> Result<()> {
    store
        .connection()
        .execute("DELETE FROM rollup_state", [])
        .context("could not reset the rollups")?;
    Ok(())
}

fn incremental(
    tx: &Transaction<'_>,
    classifier: &Classifier,
    clock: &mut DayClock,
    high_water: i64,
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut ids = Ids::default();
    report.recomputed = recompute_stale(tx, clock, &mut ids, high_water)?;

    let scan = tally_events(tx, classifier, clock, &mut ids, high_water, false)?;
    report.events_rolled_up = scan.events;
    report.reclassified = scan.reclassified;
    merge_into_rollups(tx, &scan.tallies)?;
    tx.execute(
        "UPDATE rollup_state SET high_water = ?1 WHERE id = 1",
        [scan.newest.max(high_water)],
    )?;
    Ok(report)
}

fn rebuild(
    tx: &Transaction<'_>,
    classifier: &Classifier,
    clock: &mut DayClock,
    fingerprint: i64,
) -> Result<SyncReport> {
    let mut report = SyncReport {
        rebuilt: true,
        ..SyncReport::default()
    };
    let mut ids = Ids::default();
    let scan = tally_events(tx, classifier, clock, &mut ids, 0, true)?;
    report.events_rolled_up = scan.events;
    report.reclassified = scan.reclassified;
    let (tallies, newest) = (scan.tallies, scan.newest);
    tx.execute("DELETE FROM rollups", [])?;
    tx.execute("DELETE FROM rollup_stale", [])?;
    // Actions no event uses any more (the rules changed) would only clutter lists.
    tx.execute(
        "DELETE FROM actions WHERE id NOT IN (SELECT DISTINCT action_id FROM events WHERE action_id IS NOT NULL)",
        [],
    )?;
    merge_into_rollups(tx, &tallies)?;
    tx.execute(
        "INSERT INTO rollup_state (id, classifier, high_water) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET classifier = ?1, high_water = ?2",
        params![fingerprint, newest],
    )?;
    Ok(report)
}

/// Events above a high-water mark, summed per rollup key.
struct Scan {
    tallies: HashMap<RollupKey, Tally>,
    /// Highest event id seen (0 when none).
    newest: i64,
    events: u64,
    reclassified: u64,
}

/// Sums every event above `after` into per-key tallies (see [`scan_events`]).
fn tally_events(
    tx: &Transaction<'_>,
    classifier: &Classifier,
    clock: &mut DayClock,
    ids: &mut Ids,
    after: i64,
    reclassify_all: bool,
) -> Result<Scan> {
    let mut tallies: HashMap<RollupKey, Tally> = HashMap::new();
    let (mut newest, mut events) = (0, 0);
    let reclassified = scan_events(tx, classifier, ids, after, reclassify_all, |row| {
        newest = newest.max(row.id);
        events += 1;
        let key = RollupKey {
            day: clock.day_of(row.start_us),
            action_id: row.action_id,
            repo_id: row.repo_id,
        };
        tallies
            .entry(key)
            .or_default()
            .add(row.duration_us, row.exit);
    })?;
    Ok(Scan {
        tallies,
        newest,
        events,
        reclassified,
    })
}

/// One event as the rollups see it.
struct ScannedEvent {
    id: i64,
    start_us: i64,
    duration_us: Option<i64>,
    exit: Option<i32>,
    action_id: i64,
    repo_id: i64,
}

/// Calls `each` for every event with id above `after`, in id order, classifying those
/// without an action (or all of them when `reclassify_all`) and storing changed actions.
/// Returns how many events got a new action.
///
/// The usual case reads six integers per event: command text is only read for events
/// that need classifying, and repositories come from a cache keyed by directory id.
fn scan_events(
    tx: &Transaction<'_>,
    classifier: &Classifier,
    ids: &mut Ids,
    after: i64,
    reclassify_all: bool,
    mut each: impl FnMut(&ScannedEvent),
) -> Result<u64> {
    let mut changed: Vec<(i64, i64)> = Vec::new();
    {
        // The source (shell or editor) decides which grammar reads the command.
        let sql = if reclassify_all {
            "SELECT e.id, e.start_us, e.duration_us, e.exit, e.action_id, e.dir_id, e.command,
                    s.shell
             FROM events e JOIN sessions s ON s.id = e.session_id
             WHERE e.id > ?1 ORDER BY e.id"
        } else {
            "SELECT id, start_us, duration_us, exit, action_id, dir_id
             FROM events WHERE id > ?1 ORDER BY id"
        };
        let mut stmt = tx.prepare(sql)?;
        let mut command_of = tx.prepare(
            "SELECT e.command, s.shell FROM events e JOIN sessions s ON s.id = e.session_id
             WHERE e.id = ?1",
        )?;
        let mut rows = stmt.query([after])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let stored_action: Option<i64> = row.get(4)?;
            let action_id = match stored_action {
                Some(action_id) if !reclassify_all => action_id,
                _ => {
                    let class = if reclassify_all {
                        classifier.classify_event(
                            row.get_ref(7)?.as_str().unwrap_or_default(),
                            row.get_ref(6)?.as_str().unwrap_or_default(),
                        )
                    } else {
                        let (command, source): (String, String) =
                            command_of.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                        classifier.classify_event(&source, &command)
                    };
                    let action_id = ids.action(tx, &class)?;
                    if stored_action != Some(action_id) {
                        changed.push((id, action_id));
                    }
                    action_id
                }
            };
            let repo_id = match row.get::<_, Option<i64>>(5)? {
                Some(dir_id) => ids.repo_of_dir(tx, dir_id)?,
                None => 0,
            };
            each(&ScannedEvent {
                id,
                start_us: row.get(1)?,
                duration_us: row.get(2)?,
                exit: row.get(3)?,
                action_id,
                repo_id,
            });
        }
    }
    let mut update = tx.prepare_cached("UPDATE events SET action_id = ?2 WHERE id = ?1")?;
    for (id, action_id) in &changed {
        update.execute([id, action_id])?;
    }
    Ok(changed.len() as u64)
}

/// Recomputes the rollups that held deleted events, counting only events up to
/// `high_water` (newer ones are merged by the caller). Returns the rows recomputed.
fn recompute_stale(
    tx: &Transaction<'_>,
    clock: &mut DayClock,
    ids: &mut Ids,
    high_water: i64,
) -> Result<u64> {
    let stale: Vec<(i64, i64, Option<String>)> = tx
        .prepare(
            "SELECT s.action_id, s.start_us, d.repo FROM rollup_stale s
             LEFT JOIN dirs d ON d.id = s.dir_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if stale.is_empty() {
        return Ok(0);
    }
    let mut keys: Vec<RollupKey> = Vec::with_capacity(stale.len());
    for (action_id, start_us, repo) in stale {
        let repo_id = match repo {
            Some(repo) => ids.repo(tx, &repo)?,
            None => 0,
        };
        keys.push(RollupKey {
            day: clock.day_of(start_us),
            action_id,
            repo_id,
        });
    }
    keys.sort_unstable();
    keys.dedup();
    let mut events = tx.prepare(
        "SELECT e.start_us, e.duration_us, e.exit, d.repo FROM events e
         LEFT JOIN dirs d ON d.id = e.dir_id
         WHERE e.action_id = ?1 AND e.start_us >= ?2 AND e.start_us < ?3 AND e.id <= ?4",
    )?;
    let mut fresh: HashMap<RollupKey, Tally> = HashMap::new();
    for key in &keys {
        let (from, to) = DayClock::day_window_us(key.day);
        let mut rows = events.query(params![key.action_id, from, to, high_water])?;
        let mut tally = Tally::default();
        while let Some(row) = rows.next()? {
            let start_us: i64 = row.get(0)?;
            let repo_id = match row.get_ref(3)?.as_str_or_null()? {
                Some(repo) => ids.repo(tx, repo)?,
                None => 0,
            };
            if repo_id == key.repo_id && clock.day_of(start_us) == key.day {
                tally.add(row.get(1)?, row.get(2)?);
            }
        }
        tx.execute(
            "DELETE FROM rollups WHERE day = ?1 AND action_id = ?2 AND repo_id = ?3",
            params![key.day, key.action_id, key.repo_id],
        )?;
        if tally.runs > 0 {
            fresh.insert(*key, tally);
        }
    }
    merge_into_rollups(tx, &fresh)?;
    tx.execute("DELETE FROM rollup_stale", [])?;
    Ok(keys.len() as u64)
}

/// Adds `tallies` to the stored rollups (creating rows as needed).
fn merge_into_rollups(tx: &Transaction<'_>, tallies: &HashMap<RollupKey, Tally>) -> Result<()> {
    let mut read = tx.prepare_cached(
        "SELECT runs, failures, exits_known, histogram FROM rollups
         WHERE day = ?1 AND action_id = ?2 AND repo_id = ?3",
    )?;
    let mut write = tx.prepare_cached(
        "INSERT OR REPLACE INTO rollups (day, action_id, repo_id, runs, failures, exits_known, histogram)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (key, tally) in tallies {
        let stored = read
            .query_row(params![key.day, key.action_id, key.repo_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })
            .optional()?;
        let mut total = tally.clone();
        if let Some((runs, failures, exits_known, blob)) = stored {
            let durations = Histogram::from_bytes(&blob).with_context(|| {
                format!(
                    "corrupt duration histogram in the rollup of day {} action {}; `worthit ingest --rebuild` recomputes every rollup",
                    key.day, key.action_id
                )
            })?;
            total.merge(&Tally {
                runs: runs as u64,
                failures: failures as u64,
                exits_known: exits_known as u64,
                durations,
            });
        }
        write.execute(params![
            key.day,
            key.action_id,
            key.repo_id,
            total.runs as i64,
            total.failures as i64,
            total.exits_known as i64,
            total.durations.to_bytes(),
        ])?;
    }
    Ok(())
}

/// Caches of action and repository ids for one transaction.
#[derive(Default)]
struct Ids {
    actions: HashMap<Classification, i64>,
    repos: HashMap<String, i64>,
    /// directory id → repo id (0: none).
    dirs: HashMap<i64, i64>,
}

impl Ids {
    fn action(&mut self, tx: &Transaction<'_>, class: &Classification) -> Result<i64> {
        if let Some(&id) = self.actions.get(class) {
            return Ok(id);
        }
        let id = store::action_id(tx, class)?;
        self.actions.insert(class.clone(), id);
        Ok(id)
    }

    fn repo_of_dir(&mut self, tx: &Transaction<'_>, dir_id: i64) -> Result<i64> {
        if let Some(&id) = self.dirs.get(&dir_id) {
            return Ok(id);
        }
        let repo: Option<String> = tx
            .prepare_cached("SELECT repo FROM dirs WHERE id = ?1")?
            .query_row([dir_id], |r| r.get(0))
            .optional()?
            .flatten();
        let id = match repo {
            Some(path) => self.repo(tx, &path)?,
            None => 0,
        };
        self.dirs.insert(dir_id, id);
        Ok(id)
    }

    fn repo(&mut self, tx: &Transaction<'_>, path: &str) -> Result<i64> {
        if let Some(&id) = self.repos.get(path) {
            return Ok(id);
        }
        tx.prepare_cached("INSERT OR IGNORE INTO repos (path) VALUES (?1)")?
            .execute([path])?;
        let id = tx
            .prepare_cached("SELECT id FROM repos WHERE path = ?1")?
            .query_row([path], |r| r.get(0))?;
        self.repos.insert(path.to_owned(), id);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, Source};
    use crate::store::NewEvent;

    const DAY_100_NOON_US: i64 = 100 * DAY_US + DAY_US / 2;

    fn event(
        start_us: i64,
        command: &str,
        duration_ms: Option<i64>,
        exit: i32,
        cwd: &str,
    ) -> Event {
        Event {
            start_us,
            duration_us: duration_ms.map(|ms| ms * 1000),
            duration_resolution_us: Some(1),
            exit: Some(exit),
            cwd: Some(cwd.into()),
            command: command.into(),
            shell: "zsh".into(),
            session: "zsh-1-2".into(),
            source: Source::Hook,
            truncated: false,
        }
    }

    fn insert(store: &mut Store, classifier: &Classifier, events: &[(Event, Option<&str>)]) {
        let classes: Vec<Classification> = events
            .iter()
            .map(|(e, _)| classifier.classify(&e.command))
            .collect();
        let tx = store.write().unwrap();
        store::insert_events(
            &tx,
            events
                .iter()
                .zip(&classes)
                .map(|((e, repo), class)| NewEvent {
                    event: e,
                    repo: *repo,
                    host_id: None,
                    import_key: None,
                    action: Some(class),
                }),
        )
        .unwrap();
        tx.commit().unwrap();
    }

    /// (day, action, repo path, runs, failures, exits known, timed count, sum µs).
    type Row = (i32, String, Option<String>, i64, i64, i64, u64, u64);

    /// All rollups, in key order.
    fn snapshot(store: &Store) -> Vec<Row> {
        let mut stmt = store
            .connection()
            .prepare(
                "SELECT r.day, a.action, p.path, r.runs, r.failures, r.exits_known, r.histogram
                 FROM rollups r JOIN actions a ON a.id = r.action_id
                 LEFT JOIN repos p ON p.id = r.repo_id ORDER BY 1, 2, 3",
            )
            .unwrap();
        stmt.query_map([], |r| {
            let h = Histogram::from_bytes(&r.get::<_, Vec<u8>>(6)?).unwrap();
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                h.count(),
                h.sum_us(),
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("w.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn rolls_up_by_local_day_action_and_repo_then_merges_new_events() {
        let (_dir, mut store) = store();
        let classifier = Classifier::builtin();
        let mut clock = DayClock::fixed(0);
        insert(
            &mut store,
            &classifier,
            &[
                (
                    event(DAY_100_NOON_US, "cargo test", Some(40_000), 0, "/src/api"),
                    Some("/src/api"),
                ),
                (
                    event(
                        DAY_100_NOON_US + 1,
                        "cargo test -p x",
                        Some(50_000),
                        101,
                        "/src/api",
                    ),
                    Some("/src/api"),
                ),
                (
                    event(DAY_100_NOON_US + 2, "cargo test", None, 0, "/tmp"),
                    None,
                ),
                (
                    event(
                        DAY_100_NOON_US + DAY_US,
                        "cargo test",
                        Some(30_000),
                        0,
                        "/src/api",
                    ),
                    Some("/src/api"),
                ),
            ],
        );
        let first = sync(&mut store, &classifier, &mut clock).unwrap();
        assert!(first.rebuilt, "the first sync builds the rollups");
        assert_eq!(first.events_rolled_up, 4);
        let api = Some("/src/api".to_string());
        assert_eq!(
            snapshot(&store),
            vec![
                (100, "cargo test".into(), None, 1, 0, 1, 0, 0),
                (
                    100,
                    "cargo test".into(),
                    api.clone(),
                    2,
                    1,
                    2,
                    2,
                    90_000_000
                ),
                (
                    101,
                    "cargo test".into(),
                    api.clone(),
                    1,
                    0,
                    1,
                    1,
                    30_000_000
                ),
            ]
        );
        insert(
            &mut store,
            &classifier,
            &[(
                event(
                    DAY_100_NOON_US + DAY_US + 5,
                    "cargo test",
                    Some(10_000),
                    1,
                    "/src/api",
                ),
                Some("/src/api"),
            )],
        );
        let second = sync(&mut store, &classifier, &mut clock).unwrap();
        assert!(!second.rebuilt);
        assert_eq!(second.events_rolled_up, 1);
        assert_eq!(
            snapshot(&store)[2],
            (101, "cargo test".into(), api, 2, 1, 2, 2, 40_000_000)
        );
        let again = sync(&mut store, &classifier, &mut clock).unwrap();
        assert_eq!(again, SyncReport::default(), "nothing new: nothing done");
    }

    #[test]
    fn days_are_local_days() {
        // 23:30 UTC is already the next day at UTC+1, and still the same day at UTC−5.
        let late = 100 * DAY_US + 23 * 3_600_000_000 + 30 * 60_000_000;
        assert_eq!(DayClock::fixed(0).day_of(late), 100);
        assert_eq!(DayClock::fixed(3600).day_of(late), 101);
        assert_eq!(DayClock::fixed(-5 * 3600).day_of(late), 100);
        assert_eq!(
            DayClock::fixed(-5 * 3600).day_of(100 * DAY_US + 3_600_000_000),
            99
        );
        // Before 1970 too.
        assert_eq!(DayClock::fixed(0).day_of(-1), -1);
        let (from, to) = DayClock::day_window_us(100);
        assert!(from < 100 * DAY_US - 14 * 3_600_000_000 && to > 101 * DAY_US + 14 * 3_600_000_000);
    }

    #[test]
    fn deleted_events_leave_their_rollups_recomputed() {
        let (_dir, mut store) = store();
        let classifier = Classifier::builtin();
        let mut clock = DayClock::fixed(0);
        insert(
            &mut store,
            &classifier,
            &[
                (event(DAY_100_NOON_US, "make", Some(1_000), 0, "/x"), None),
                (
                    event(DAY_100_NOON_US + 1, "make", Some(2_000), 2, "/x"),
                    None,
                ),
            ],
        );
        sync(&mut store, &classifier, &mut clock).unwrap();
        store
            .connection()
            .execute("DELETE FROM events WHERE exit = 2", [])
            .unwrap();
        insert(
            &mut store,
            &classifier,
            &[(
                event(DAY_100_NOON_US + 9, "make", Some(4_000), 0, "/x"),
                None,
            )],
        );
        let report = sync(&mut store, &classifier, &mut clock).unwrap();
        assert_eq!((report.recomputed, report.events_rolled_up), (1, 1));
        assert_eq!(
            snapshot(&store),
            vec![(100, "make".into(), None, 2, 0, 2, 2, 5_000_000)]
        );
        // Deleting every event of a rollup removes the row.
        store
            .connection()
            .execute("DELETE FROM events", [])
            .unwrap();
        sync(&mut store, &classifier, &mut clock).unwrap();
        assert!(snapshot(&store).is_empty());
    }

    #[test]
    fn new_rules_reclassify_every_event_and_rebuild() {
        let (_dir, mut store) = store();
        let builtin = Classifier::builtin();
        let mut clock = DayClock::fixed(0);
        insert(
            &mut store,
            &builtin,
            &[
                (
                    event(
                        DAY_100_NOON_US,
                        "./scripts/ci.sh --fast",
                        Some(9_000),
                        0,
                        "/x",
                    ),
                    None,
                ),
                (
                    event(DAY_100_NOON_US + 1, "cargo build", Some(3_000), 0, "/x"),
                    None,
                ),
            ],
        );
        sync(&mut store, &builtin, &mut clock).unwrap();
        let config = crate::config::Config::parse(
            std::path::Path::new("/c.toml"),
            "[[classify.rule]]\nmatch = '^\\./scripts/ci\\.sh'\naction = 'ci'\ncategory = 'test'\n",
        );
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        let custom = config.classifier();
        assert_ne!(custom.fingerprint(), builtin.fingerprint());
        let report = sync(&mut store, &custom, &mut clock).unwrap();
        assert!(report.rebuilt);
        assert_eq!(report.reclassified, 1, "only the script's action changed");
        let actions: Vec<String> = snapshot(&store).into_iter().map(|r| r.1).collect();
        assert_eq!(actions, ["cargo build", "ci"]);
        let category: String = store
            .connection()
            .query_row(
                "SELECT category FROM events_full WHERE command LIKE './scripts%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(category, "test");
    }

    #[test]
    fn events_from_before_classification_are_classified_on_sync() {
        let (_dir, mut store) = store();
        let classifier = Classifier::builtin();
        let e = event(DAY_100_NOON_US, "pytest -x", Some(5_000), 1, "/x");
        let tx = store.write().unwrap();
        store::insert_events(
            &tx,
            [NewEvent {
                event: &e,
                repo: None,
                host_id: None,
                import_key: None,
                action: None,
            }],
        )
        .unwrap();
        tx.commit().unwrap();
        let report = sync(&mut store, &classifier, &mut DayClock::fixed(0)).unwrap();
        assert_eq!(report.reclassified, 1);
        assert_eq!(
            snapshot(&store),
            vec![(100, "pytest".into(), None, 1, 1, 1, 1, 5_000_000)]
        );
    }

    /// Whatever happens in between, incremental rollups equal a rebuild from scratch.
    #[test]
    fn incremental_equals_rebuild() {
        let (_dir, mut store) = store();
        let classifier = Classifier::builtin();
        let mut clock = DayClock::fixed(7200);
        let commands = ["cargo test", "git status", "make", "npm test", "vim x"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20 {
            let batch: Vec<(Event, Option<&str>)> = (0..30)
                .map(|i| {
                    let r = next();
                    let start =
                        DAY_100_NOON_US + (r % 5) as i64 * DAY_US + (r >> 20) as i64 % DAY_US;
                    let e = event(
                        start,
                        commands[(r >> 8) as usize % 5],
                        Some((r >> 30) as i64 % 90_000),
                        (r % 3) as i32,
                        "/x",
                    );
                    (e, (i % 2 == 0).then_some("/src/a"))
                })
                .collect();
            insert(&mut store, &classifier, &batch);
            if round % 3 == 1 {
                let victim = (next() % 200) as i64;
                store
                    .connection()
                    .execute("DELETE FROM events WHERE id % 200 = ?1", [victim])
                    .unwrap();
            }
            if round % 2 == 0 {
                sync(&mut store, &classifier, &mut clock).unwrap();
            }
        }
        sync(&mut store, &classifier, &mut clock).unwrap();
        let incremental = snapshot(&store);
        store
            .connection()
            .execute("DELETE FROM rollup_state", [])
            .unwrap();
        assert!(sync(&mut store, &classifier, &mut clock).unwrap().rebuilt);
        assert_eq!(snapshot(&store), incremental);
        let events: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        let runs: i64 = incremental.iter().map(|r| r.3).sum();
        assert_eq!(runs, events);
    }
}
