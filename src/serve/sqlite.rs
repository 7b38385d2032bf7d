//! [`TeamStore`] on one SQLite file: the default, so `worthit serve` works with no setup.
//!
//! One writer connection behind a mutex serialises writes inside the process (cheaper and
//! fairer than SQLite's busy-wait between connections); reads use a small pool of
//! connections, which WAL lets run beside the writer. Another process (`worthit serve token
//! create` while the server runs) waits on the busy timeout.
//!
//! Migrations are the numbered files in `src/serve/migrations/sqlite/`, embedded and applied
//! in order, one transaction each; `PRAGMA user_version` records the last one applied.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::store::{AggRow, Role, RowFilter, Stored, TeamStore, TokenRecord};
use crate::histogram::Histogram;
use crate::upload::payload::{MachineClass, Upload};

/// The migrations, in order. Index + 1 is the `user_version` after applying it.
const MIGRATIONS: &[&str] = &[include_str!("migrations/sqlite/0001_init.sql")];

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle read connections kept for reuse; more are opened under load and closed after.
const MAX_IDLE_READERS: usize = 8;

/// The team server's SQLite database.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// A day as stored: days since 1970-01-01, the epoch the spool's day numbers use too.
pub fn day_number(day: NaiveDate) -> i64 {
    day.signed_duration_since(NaiveDate::default()).num_days()
}

fn day_from_number(number: i64) -> Option<NaiveDate> {
    NaiveDate::default().checked_add_signed(TimeDelta::try_days(number)?)
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("stored timestamp {text:?} is not RFC 3339"))?
        .with_timezone(&Utc))
}

/// Locks a mutex even after a panic elsewhere: a connection stays usable, because a
/// transaction dropped by the panic rolled back.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let is_new = !path.exists();
        let mut writer = connect(path)?;
        if is_new {
            // Token hashes and team aggregates are for the server only.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("could not make {} private", path.display()))?;
        }
        writer
            .pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("could not switch {} to WAL mode", path.display()))?;
        migrate(&mut writer)
            .with_context(|| format!("could not migrate database {}", path.display()))?;
        Ok(SqliteStore {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `read` on an idle pooled connection, or a new one when all are busy.
    fn with_reader<T>(&self, read: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = lock(&self.readers).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let result = read(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)
        .with_context(|| format!("could not open database {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // NORMAL is durable across crashes of the server in WAL mode; a power loss may drop
    // the last uploads, which clients re-send anyway (uploads replace, so that is safe).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        bail!(
            "the database has schema version {current}, newer than this worthit knows ({known}); upgrade worthit"
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another instance may have migrated while this one waited for the lock.
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

fn to_i64(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).with_context(|| format!("{what} {value} does not fit in the database"))
}

/// A token row before its role and timestamps are checked.
struct RawToken {
    hash: String,
    prefix: String,
    team: Option<String>,
    role: String,
    created_at: String,
    revoked_at: Option<String>,
}

fn read_token(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawToken> {
    Ok(RawToken {
        hash: row.get(0)?,
        prefix: row.get(1)?,
        team: row.get(2)?,
        role: row.get(3)?,
        created_at: row.get(4)?,
        revoked_at: row.get(5)?,
    })
}

fn finish_token(raw: RawToken) -> Result<TokenRecord> {
    let Some(role) = Role::parse(&raw.role) else {
        bail!(
            "stored token {} has an unknown role {:?}",
            raw.prefix,
            raw.role
        );
    };
    Ok(TokenRecord {
        created_at: parse_timestamp(&raw.created_at)?,
        revoked_at: raw.revoked_at.as_deref().map(parse_timestamp).transpose()?,
        hash: raw.hash,
        prefix: raw.prefix,
        team: raw.team,
        role,
    })
}

const TOKEN_COLUMNS: &str = "hash, prefix, team, role, created_at, revoked_at";

impl TeamStore for SqliteStore {
    fn put_upload(&self, upload: &Upload) -> Result<Stored> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = Stored { days: 0, rows: 0 };
        {
            let mut delete = tx.prepare_cached(
                "DELETE FROM aggregates WHERE team = ?1 AND day = ?2 AND contributor = ?3
                 AND os = ?4 AND arch = ?5 AND cores = ?6 AND memory_gib = ?7",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO aggregates (team, day, contributor, os, arch, cores, memory_gib,
                 action, category, repo, runs, failures, exits_known, durations)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let m = &upload.machine;
            for day in &upload.days {
                let date = NaiveDate::parse_from_str(&day.day, "%Y-%m-%d")
                    .with_context(|| format!("upload day {:?} is not a date", day.day))?;
                let number = day_number(date);
                delete.execute(params![
                    upload.team,
                    number,
                    day.contributor,
                    m.os,
                    m.arch,
                    m.cores,
                    m.memory_gib
                ])?;
                for action in day.actions.iter().filter(|a| a.runs > 0) {
                    insert
                        .execute(params![
                            upload.team,
                            number,
                            day.contributor,
                            m.os,
                            m.arch,
                            m.cores,
                            m.memory_gib,
                            action.action,
                            action.category.as_str(),
                            action.repo.as_deref().unwrap_or(""),
                            to_i64(action.runs, "runs")?,
                            to_i64(action.failures, "failures")?,
                            to_i64(action.exits_known, "exits_known")?,
                            action.durations.to_bytes(),
                        ])
                        .with_context(|| {
                            format!("could not store {:?} of {}", action.action, day.day)
                        })?;
                    stored.rows += 1;
                }
                stored.days += 1;
            }
        }
        tx.commit()?;
        Ok(stored)
    }

    fn rows(&self, filter: &RowFilter) -> Result<Vec<AggRow>> {
        self.with_reader(|conn| {
            let base = "SELECT team, day, contributor, os, arch, cores, memory_gib, action,
                        category, repo, runs, failures, exits_known, durations
                        FROM aggregates WHERE day BETWEEN ?1 AND ?2";
            let first = day_number(filter.first_day);
            let last = day_number(filter.last_day);
            let mut statement;
            let mut rows = match &filter.team {
                Some(team) => {
                    statement = conn.prepare_cached(&format!("{base} AND team = ?3"))?;
                    statement.query(params![first, last, team])?
                }
                None => {
                    statement = conn.prepare_cached(base)?;
                    statement.query(params![first, last])?
                }
            };
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(read_aggregate(row)?);
            }
            Ok(out)
        })
    }

    fn prune(&self, first_kept_day: NaiveDate) -> Result<u64> {
        let conn = lock(&self.writer);
        let deleted = conn.execute(
            "DELETE FROM aggregates WHERE day < ?1",
            params![day_number(first_kept_day)],
        )?;
        Ok(deleted as u64)
    }

    fn create_token(&self, token: &TokenRecord) -> Result<()> {
        let conn = lock(&self.writer);
        conn.execute(
            &format!("INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
            params![
                token.hash,
                token.prefix,
                token.team,
                token.role.as_str(),
                timestamp(token.created_at),
                token.revoked_at.map(timestamp),
            ],
        )
        .context("could not store the new token")?;
        Ok(())
    }

    fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>> {
        self.with_reader(|conn| {
            let found = conn
                .prepare_cached(&format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1 AND revoked_at IS NULL"
                ))?
                .query_row(params![hash], read_token)
                .optional()?;
            found.map(finish_token).transpose()
        })
    }

    fn list_tokens(&self) -> Result<Vec<TokenRecord>> {
        self.with_reader(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_at, prefix"
            ))?;
            let rows = statement.query_map([], read_token)?;
            let mut out = Vec::new();
            for row in rows {
                out.push(finish_token(row?)?);
            }
            Ok(out)
        })
    }

    fn revoke_token(&self, hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let conn = lock(&self.writer);
        let changed = conn.execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
            params![hash, timestamp(at)],
        )?;
        Ok(changed > 0)
    }

    fn ping(&self) -> Result<()> {
        self.with_reader(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
    }
}

fn read_aggregate(row: &rusqlite::Row<'_>) -> Result<AggRow> {
    let team: String = row.get(0)?;
    let number: i64 = row.get(1)?;
    let day = day_from_number(number)
        .with_context(|| format!("stored day number {number} of team {team} is out of range"))?;
    let category: String = row.get(8)?;
    let category = category
        .parse()
        .with_context(|| format!("stored aggregate of team {team} on {day}"))?;
    let repo: String = row.get(9)?;
    let count = |index: usize, what: &str| -> Result<u64> {
        let value: i64 = row.get(index)?;
        u64::try_from(value)
            .with_context(|| format!("stored {what} {value} of team {team} on {day} is negative"))
    };
    let blob: Vec<u8> = row.get(13)?;
    let durations = Histogram::from_bytes(&blob)
        .with_context(|| format!("stored histogram of team {team} on {day}"))?;
    Ok(AggRow {
        contributor: row.get(2)?,
        machine: MachineClass {
            os: row.get(3)?,
            arch: row.get(4)?,
            cores: row.get(5)?,
            memory_gib: row.get(6)?,
        },
        action: row.get(7)?,
        category,
        repo: (!repo.is_empty()).then_some(repo),
        runs: count(10, "runs")?,
        failures: count(11, "failures")?,
        exits_known: count(12, "exits_known")?,
        durations,
        team,
        day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Category;
    use crate::upload::payload::{ActionDay, Day, SCHEMA_VERSION};

    fn upload(team: &str, contributor: &str, day: &str, runs: u64) -> Upload {
        Upload {
            schema_version: SCHEMA_VERSION,
            client: "test".into(),
            team: team.into(),
            machine: MachineClass::of("linux", "x86_64", 8, 16 << 30),
            days: vec![Day {
                day: day.into(),
                contributor: contributor.into(),
                actions: vec![
                    ActionDay {
                        action: "cargo test".into(),
                        category: Category::Test,
                        repo: None,
                        runs,
                        failures: 0,
                        exits_known: runs,
                        durations: std::iter::repeat_n(2_000_000, runs as usize).collect(),
                    },
                    ActionDay {
                        action: "make".into(),
                        category: Category::Build,
                        repo: Some("0123456789abcdef0123456789abcdef".into()),
                        runs: 0,
                        failures: 0,
                        exits_known: 0,
                        durations: Histogram::new(),
                    },
                ],
            }],
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn all(store: &SqliteStore) -> Vec<AggRow> {
        store
            .rows(&RowFilter {
                team: None,
                first_day: date("2000-01-01"),
                last_day: date("2100-01-01"),
            })
            .unwrap()
    }

    #[test]
    fn uploads_replace_their_contributor_days_and_skip_empty_actions() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("server.db")).unwrap();
        let alice = "0123456789abcdef0123456789abcdef";
        let stored = store
            .put_upload(&upload("payments", alice, "2026-11-20", 3))
            .unwrap();
        assert_eq!(stored, Stored { days: 1, rows: 1 });
        store
            .put_upload(&upload("payments", alice, "2026-11-20", 5))
            .unwrap();
        store
            .put_upload(&upload("search", alice, "2026-11-20", 7))
            .unwrap();
        let mut rows = all(&store);
        rows.sort_by(|a, b| a.team.cmp(&b.team));
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!((rows[0].team.as_str(), rows[0].runs), ("payments", 5));
        assert_eq!(rows[0].durations.count(), 5);
        assert_eq!(rows[0].day, date("2026-11-20"));
        assert_eq!(rows[0].repo, None);
        assert_eq!((rows[1].team.as_str(), rows[1].runs), ("search", 7));
        let payments = store
            .rows(&RowFilter {
                team: Some("payments".into()),
                first_day: date("2026-11-20"),
                last_day: date("2026-11-20"),
            })
            .unwrap();
        assert_eq!(payments.len(), 1);
        assert_eq!(store.prune(date("2026-11-21")).unwrap(), 2);
        assert!(all(&store).is_empty());
    }

    #[test]
    fn tokens_are_found_by_hash_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let store = SqliteStore::open(&path).unwrap();
        let created_at = parse_timestamp("2026-11-20T10:00:00Z").unwrap();
        let token = TokenRecord {
            hash: "ab".repeat(32),
            prefix: "wit_12345678".into(),
            team: Some("payments".into()),
            role: Role::Team,
            created_at,
            revoked_at: None,
        };
        store.create_token(&token).unwrap();
        assert_eq!(store.find_token(&token.hash).unwrap(), Some(token.clone()));
        assert_eq!(store.find_token(&"cd".repeat(32)).unwrap(), None);
        assert!(store.revoke_token(&token.hash, created_at).unwrap());
        assert!(!store.revoke_token(&token.hash, created_at).unwrap());
        assert_eq!(store.find_token(&token.hash).unwrap(), None);
        let listed = store.list_tokens().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].revoked_at, Some(created_at));
        drop(store);
        // Reopening applies no migration twice and keeps the data.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.list_tokens().unwrap().len(), 1);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = SqliteStore::open(&path).err().unwrap();
        assert!(
            format!("{err:#}").contains("newer than this worthit knows"),
            "{err:#}"
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        for text in ["1970-01-01", "2026-11-20", "1969-12-31", "2400-02-29"] {
            let day = date(text);
            assert_eq!(day_from_number(day_number(day)), Some(day));
        }
        assert_eq!(day_number(date("1970-01-02")), 1);
    }
}
