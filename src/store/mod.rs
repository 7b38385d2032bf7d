//! SQLite storage: opening (WAL), numbered migrations, batched inserts and queries.
//!
//! Migrations are the numbered `.sql` files in `src/store/migrations/`, embedded in the
//! binary and applied in order inside one transaction each; `PRAGMA user_version` records
//! the last one applied. Never edit a released migration: add the next number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::classify::Classification;
use crate::event::{Event, Source};

/// The migrations, in order. Index + 1 is the `user_version` after applying it.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_rollups.sql"),
    include_str!("migrations/0003_load.sql"),
];

/// How long a writer waits for another (ingest, import) before giving up. Long enough
/// that "database is locked" never reaches a user during normal contention.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The newest schema version this build knows.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// An open worthit database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// An event as stored, with what the ingest added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub event: Event,
    pub repo: Option<String>,
}

/// An event ready to insert: redacted, enriched.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub event: &'a Event,
    pub repo: Option<&'a str>,
    pub host_id: Option<i64>,
    /// Identity of an imported entry (re-imports of the same entry are ignored).
    pub import_key: Option<i64>,
    /// The classifier's verdict; `None` leaves it to the next rollup sync.
    pub action: Option<&'a Classification>,
}

/// The host profile recorded once per host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostProfile {
    pub hostname: String,
    pub cpu_model: String,
    pub cpu_cores: i64,
    pub memory_bytes: i64,
    pub os: String,
    pub os_version: String,
    pub arch: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let is_new = !path.exists();
        let conn = Connection::open(path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        if is_new {
            // Command lines are private: only the user may read them. SQLite gives its
            // -wal and -shm files the database file's mode.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("could not make {} private", path.display()))?;
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers (log, report, TUI) run while an ingest writes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("could not switch {} to WAL mode", path.display()))?;
        // NORMAL is durable across application crashes in WAL mode; only a power loss
        // may drop the last transactions, which the spool offsets then simply redo.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // After a checkpoint, shrink the WAL back rather than keep its high-water mark.
        conn.pragma_update(None, "journal_size_limit", 8 << 20)?;
        // Foreign keys stay unenforced (SQLite's default): `insert_events` only writes
        // ids it has just looked up, and checking two parent rows per event would cost
        // a fifth of the ingest's time.
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store
            .migrate()
            .with_context(|| format!("could not migrate database {}", path.display()))?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applies every migration newer than the database's `user_version`.
    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > schema_version() {
            bail!(
                "the database has schema version {current}, newer than this worthit knows ({}); upgrade worthit",
                schema_version()
            );
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = index as i64 + 1;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another process may have migrated while we waited for the lock.
            let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now >= version {
                continue;
            }
            tx.execute_batch(sql)
                .with_context(|| format!("migration {version:04} failed"))?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The schema version the database is at.
    pub fn user_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Starts a write transaction that takes the write lock at once, so two writers
    /// serialise instead of failing half-way.
    pub fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Number of events stored.
    pub fn event_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
    }

    /// Start time of the newest hook event, if any.
    pub fn last_hook_event_us(&self) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT max(start_us + coalesce(duration_us, 0)) FROM events_full WHERE source = 'hook'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The newest events first; `limit` of `None` means all.
    pub fn recent_events(&self, limit: Option<usize>) -> Result<Vec<StoredEvent>> {
        let limit = limit.map_or(-1, |n| n as i64);
        let mut stmt = self.conn.prepare(
            "SELECT id, start_us, duration_us, duration_resolution_us, exit, cwd, command,
                    shell, session, repo, source, truncated
             FROM events_full ORDER BY start_us DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |row| {
            let source: String = row.get(10)?;
            Ok(StoredEvent {
                id: row.get(0)?,
                event: Event {
                    start_us: row.get(1)?,
                    duration_us: row.get(2)?,
                    duration_resolution_us: row.get(3)?,
                    exit: row.get(4)?,
                    cwd: row.get(5)?,
                    command: row.get(6)?,
                    shell: row.get(7)?,
                    session: row.get(8)?,
                    source: Source::parse(&source).unwrap_or(Source::Hook),
                    truncated: row.get(11)?,
                },
                repo: row.get(9)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("could not read events")
    }

    /// The id of this host's profile, recording it first if it is new. `collect` runs
    /// only when the host is not yet known (it is slow: it asks the OS).
    pub fn host_id(
        &mut self,
        hostname: &str,
        collect: impl FnOnce() -> HostProfile,
    ) -> Result<i64> {
        let known: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM hosts WHERE hostname = ?1",
                [hostname],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = known {
            return Ok(id);
        }
        let profile = collect();
        let tx = self.write()?;
        tx.execute(
            "INSERT OR IGNORE INTO hosts
                (hostname, cpu_model, cpu_cores, memory_bytes, os, os_version, arch, recorded_at_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                hostname,
                profile.cpu_model,
                profile.cpu_cores,
                profile.memory_bytes,
                profile.os,
                profile.os_version,
                profile.arch,
                chrono::Utc::now().timestamp_micros()
            ],
        )?;
        let id = tx.query_row(
            "SELECT id FROM hosts WHERE hostname = ?1",
            [hostname],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// All recorded host profiles.
    pub fn hosts(&self) -> Result<Vec<HostProfile>> {
        let mut stmt = self.conn.prepare(
            "SELECT hostname, cpu_model, cpu_cores, memory_bytes, os, os_version, arch
             FROM hosts ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(HostProfile {
                hostname: r.get(0)?,
                cpu_model: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                cpu_cores: r.get::<_, Option<i64>>(2)?.unwrap_or_default(),
                memory_bytes: r.get::<_, Option<i64>>(3)?.unwrap_or_default(),
                os: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                os_version: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                arch: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Runs SQLite's own consistency check; `Ok(())` when it says "ok".
    pub fn quick_check(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict == "ok" {
            Ok(())
        } else {
            bail!("{verdict}")
        }
    }
}

/// Inserts events inside a caller's transaction with prepared statements; returns how
/// many were added (imported entries already present are skipped).
///
/// Sessions and directories are stored once each (see the schema); their ids are looked
/// up through small caches that live as long as this call.
pub fn insert_events<'a>(
    tx: &Transaction<'_>,
    events: impl IntoIterator<Item = NewEvent<'a>>,
) -> Result<usize> {
    // session -> [(shell, source, id)]: looked up by &str, no allocation per event.
    let mut sessions: HashMap<String, Vec<(String, String, i64)>> = HashMap::new();
    let mut dirs: HashMap<String, i64> = HashMap::new();
    let mut actions: HashMap<&'a Classification, i64> = HashMap::new();
    let mut source_text = String::new();
    let mut batch: Vec<Row<'a>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut added = 0;
    for new in events {
        let e = new.event;
        source_text.clear();
        match &e.source {
            Source::Hook => source_text.push_str("hook"),
            Source::Import(kind) => {
                source_text.push_str("import:");
                source_text.push_str(kind);
            }
        }
        let known = sessions.get(e.session.as_str()).and_then(|list| {
            list.iter()
                .find(|(shell, source, _)| *shell == e.shell && *source == source_text)
                .map(|&(_, _, id)| id)
        });
        let session_id = match known {
            Some(id) => id,
            None => {
                let id = session_id(tx, &e.session, &e.shell, &source_text, new.host_id)?;
                sessions.entry(e.session.clone()).or_default().push((
                    e.shell.clone(),
                    source_text.clone(),
                    id,
                ));
                id
            }
        };
        let dir_id = match e.cwd.as_deref() {
            None => None,
            Some(cwd) => match dirs.get(cwd) {
                Some(&id) => Some(id),
                None => {
                    let id = dir_id(tx, cwd, new.repo)?;
                    dirs.insert(cwd.to_owned(), id);
                    Some(id)
                }
            },
        };
        let action_id = match new.action {
            None => None,
            Some(class) => match actions.get(class) {
                Some(&id) => Some(id),
                None => {
                    let id = action_id(tx, class)?;
                    actions.insert(class, id);
                    Some(id)
                }
            },
        };
        batch.push(Row {
            event: e,
            session_id,
            dir_id,
            import_key: new.import_key,
            action_id,
        });
        if batch.len() == ROWS_PER_INSERT {
            added += insert_rows(tx, &batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        added += insert_rows(tx, &batch)?;
    }
    Ok(added)
}

/// Rows per INSERT statement: one multi-row statement costs far less than as many
/// single-row ones (SQLite's per-statement overhead dominates small rows).
const ROWS_PER_INSERT: usize = 64;
const COLUMNS_PER_ROW: usize = 10;

struct Row<'a> {
    event: &'a Event,
    session_id: i64,
    dir_id: Option<i64>,
    import_key: Option<i64>,
    action_id: Option<i64>,
}

fn insert_rows(tx: &Transaction<'_>, rows: &[Row<'_>]) -> Result<usize> {
    let mut sql = String::from(
        "INSERT OR IGNORE INTO events
            (start_us, duration_us, duration_resolution_us, exit, command, session_id, dir_id,
             truncated, import_key, action_id)
         VALUES ",
    );
    for i in 0..rows.len() {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?,?)");
    }
    let mut stmt = tx.prepare_cached(&sql)?;
    for (i, row) in rows.iter().enumerate() {
        let at = i * COLUMNS_PER_ROW;
        let e = row.event;
        stmt.raw_bind_parameter(at + 1, e.start_us)?;
        stmt.raw_bind_parameter(at + 2, e.duration_us)?;
        stmt.raw_bind_parameter(at + 3, e.duration_resolution_us)?;
        stmt.raw_bind_parameter(at + 4, e.exit)?;
        stmt.raw_bind_parameter(at + 5, e.command.as_str())?;
        stmt.raw_bind_parameter(at + 6, row.session_id)?;
        stmt.raw_bind_parameter(at + 7, row.dir_id)?;
        stmt.raw_bind_parameter(at + 8, e.truncated)?;
        stmt.raw_bind_parameter(at + 9, row.import_key)?;
        stmt.raw_bind_parameter(at + 10, row.action_id)?;
    }
    Ok(stmt.raw_execute()?)
}

fn session_id(
    tx: &Transaction<'_>,
    session: &str,
    shell: &str,
    source: &str,
    host_id: Option<i64>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sessions (session, shell, source, host_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![session, shell, source, host_id])?;
    Ok(tx
        .prepare_cached(
            "SELECT id FROM sessions WHERE session = ?1 AND shell = ?2 AND source = ?3",
        )?
        .query_row(params![session, shell, source], |r| r.get(0))?)
}

/// The id of an action, added on first use.
pub fn action_id(tx: &Transaction<'_>, class: &Classification) -> Result<i64> {
    let values = params![
        class.action,
        class.category.as_str(),
        class.counted,
        class.known
    ];
    tx.prepare_cached(
        "INSERT OR IGNORE INTO actions (action, category, counted, known) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(values)?;
    Ok(tx
        .prepare_cached(
            "SELECT id FROM actions WHERE action = ?1 AND category = ?2 AND counted = ?3 AND known = ?4",
        )?
        .query_row(values, |r| r.get(0))?)
}

fn dir_id(tx: &Transaction<'_>, cwd: &str, repo: Option<&str>) -> Result<i64> {
    tx.prepare_cached("INSERT OR IGNORE INTO dirs (cwd, repo) VALUES (?1, ?2)")?
        .execute(params![cwd, repo])?;
    Ok(tx
        .prepare_cached("SELECT id FROM dirs WHERE cwd = ?1")?
        .query_row([cwd], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start_us: i64, command: &str) -> Event {
        Event {
            start_us,
            duration_us: Some(1_000),
            duration_resolution_us: Some(1),
            exit: Some(0),
            cwd: Some("/tmp".into()),
            command: command.into(),
            shell: "zsh".into(),
            session: "zsh-1-2".into(),
            source: Source::Hook,
            truncated: false,
        }
    }

    #[test]
    fn migrates_a_new_database_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.user_version().unwrap(), schema_version());
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.user_version().unwrap(), schema_version());
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains("newer than this worthit knows"));
    }

    #[test]
    fn inserts_and_reads_newest_first_and_dedups_imports() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("w.db")).unwrap();
        let a = event(1, "make");
        let mut b = event(2, "cargo test");
        b.source = Source::Import("zsh".into());
        let tx = store.write().unwrap();
        let new = |e, key| NewEvent {
            event: e,
            repo: None,
            host_id: None,
            import_key: key,
            action: None,
        };
        assert_eq!(
            insert_events(&tx, [new(&a, None), new(&b, Some(7)), new(&b, Some(7))]).unwrap(),
            2
        );
        tx.commit().unwrap();
        let events = store.recent_events(None).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event, b);
        assert_eq!(events[1].event, a);
        assert_eq!(store.recent_events(Some(1)).unwrap().len(), 1);
    }
}
