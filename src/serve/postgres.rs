//! [`TeamStore`] on PostgreSQL (`--database-url postgres://…`): for organisations that run
//! several server instances behind a load balancer on one shared database.
//!
//! The sync `postgres` crate is enough: handlers already call the store inside
//! `spawn_blocking`. Connections live in a small idle pool behind a mutex; more are opened
//! under load and the surplus closed, so no pool crate is needed. Each connection prepares
//! its statements once, and an upload is one transaction of four statements whatever its
//! size: per-key advisory locks, one `DELETE` and one multi-row `INSERT … SELECT FROM
//! unnest(…)` carrying every row as arrays.
//!
//! Concurrent uploads of the same (team, day, contributor, machine class), from this
//! instance or another, take the same transaction-scoped advisory lock, so the second
//! waits, then deletes the first's rows and writes its own: exactly one copy remains.
//! Serialization failures and deadlocks are retried.
//!
//! Migrations are the numbered files in `src/serve/migrations/postgres/`, embedded and
//! applied in order inside one transaction that first takes a database-wide advisory lock,
//! so instances starting together migrate once; `worthit_schema_version` records each
//! applied version.
//!
//! TLS to the database is not supported yet: `sslmode=require` is refused with a clear
//! error, and the default `prefer` falls back to a plain connection (docs/server.md).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Row, Statement};

use super::store::{AggRow, Role, RowFilter, Stored, TeamStore, TokenRecord};
use crate::histogram::Histogram;
use crate::upload::payload::{MachineClass, Upload};

/// The migrations, in order. Index + 1 is the version recorded after applying it.
const MIGRATIONS: &[&str] = &[include_str!("migrations/postgres/0001_init.sql")];

/// The advisory lock migrators take (one bigint key: "worthit" in ASCII).
const MIGRATION_LOCK: i64 = 0x0077_6f72_7468_6974;

/// The first key of the two-key advisory locks uploads take; the two-key space is apart
/// from the one-key space of [`MIGRATION_LOCK`].
const UPLOAD_LOCK_CLASS: i32 = 0x7769_7431;

/// How long opening a connection may take when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle connections kept for reuse; more are opened under load and closed after.
const MAX_IDLE: usize = 8;

/// Attempts of a transaction that fails with a serialization failure or a deadlock.
const ATTEMPTS: u32 = 5;

/// The team server's PostgreSQL database.
pub struct PostgresStore {
    config: Config,
    /// `host:port/dbname`, for errors: never the user or the password.
    target: String,
    idle: Mutex<Vec<Conn>>,
}

/// A connection and the statements prepared on it.
struct Conn {
    client: Client,
    lock_keys: Statement,
    delete_days: Statement,
    insert_rows: Statement,
    rows_all: Statement,
    rows_team: Statement,
    find_token: Statement,
}

const AGGREGATE_COLUMNS: &str = "team, day, contributor, os, arch, cores, memory_gib, action, \
                                 category, repo, runs, failures, exits_known, durations";

const TOKEN_COLUMNS: &str = "hash, prefix, team, role, created_at, revoked_at";

impl Conn {
    fn open(config: &Config) -> Result<Conn, postgres::Error> {
        let mut client = config.connect(NoTls)?;
        // Keys arrive sorted, so every transaction locks in the same order.
        let lock_keys = client.prepare(&format!(
            "SELECT pg_advisory_xact_lock({UPLOAD_LOCK_CLASS}, hashtext(key))
             FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n"
        ))?;
        let delete_days = client.prepare(
            "DELETE FROM aggregates a USING unnest($2::date[], $3::text[]) AS d(day, contributor)
             WHERE a.team = $1 AND a.day = d.day AND a.contributor = d.contributor
             AND a.os = $4 AND a.arch = $5 AND a.cores = $6 AND a.memory_gib = $7",
        )?;
        let insert_rows = client.prepare(&format!(
            "INSERT INTO aggregates ({AGGREGATE_COLUMNS})
             SELECT $1, r.day, r.contributor, $2, $3, $4, $5, r.action, r.category, r.repo,
                    r.runs, r.failures, r.exits_known, r.durations
             FROM unnest($6::date[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::int8[], $12::int8[], $13::int8[], $14::bytea[])
                  AS r(day, contributor, action, category, repo, runs, failures,
                       exits_known, durations)"
        ))?;
        let rows_all = client.prepare(&format!(
            "SELECT {AGGREGATE_COLUMNS} FROM aggregates WHERE day BETWEEN $1 AND $2"
        ))?;
        let rows_team = client.prepare(&format!(
            "SELECT {AGGREGATE_COLUMNS} FROM aggregates WHERE day BETWEEN $1 AND $2 AND team = $3"
        ))?;
        let find_token = client.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1 AND revoked_at IS NULL"
        ))?;
        Ok(Conn {
            client,
            lock_keys,
            delete_days,
            insert_rows,
            rows_all,
            rows_team,
            find_token,
        })
    }
}

/// Locks a mutex even after a panic elsewhere: the idle list is only pushed and popped.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where a configuration points, for messages: hosts, ports and database, no credentials.
fn describe(config: &Config) -> String {
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]:{port}"),
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(dir) => format!("{}/.s.PGSQL.{port}", dir.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost:5432".to_string()
    } else {
        hosts.join(",")
    };
    match config.get_dbname() {
        Some(db) => format!("{hosts}/{db}"),
        None => hosts,
    }
}

/// Whether running the transaction again may succeed.
fn is_transient(error: &postgres::Error) -> bool {
    error.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE)
        || error.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED)
}

fn to_i64(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).with_context(|| format!("{what} {value} does not fit in the database"))
}

impl PostgresStore {
    /// Connects to the database `url` names and brings its schema up to date. Errors name
    /// the host, port and database, never the password.
    pub fn open(url: &str) -> Result<PostgresStore> {
        let mut config: Config = url
            .parse()
            .map_err(|e| anyhow!("--database-url is not a valid PostgreSQL URL: {e}"))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let target = describe(&config);
        if config.get_ssl_mode() == SslMode::Require {
            bail!(
                "PostgreSQL at {target}: sslmode=require asks for TLS, which worthit serve does \
                 not speak to the database yet; use sslmode=disable on a trusted network (or a \
                 local TLS tunnel such as stunnel)"
            );
        }
        config.application_name("worthit serve");
        let store = PostgresStore {
            config,
            target,
            idle: Mutex::new(Vec::new()),
        };
        let mut client = store
            .config
            .connect(NoTls)
            .with_context(|| format!("could not connect to PostgreSQL at {}", store.target))?;
        migrate(&mut client)
            .with_context(|| format!("could not migrate PostgreSQL database {}", store.target))?;
        Ok(store)
    }

    /// Runs `work` on an idle pooled connection, or a new one when all are busy, again when
    /// it fails with a serialization failure or a deadlock. A connection that broke is
    /// dropped instead of returned to the pool.
    fn with_conn<T>(
        &self,
        what: &str,
        mut work: impl FnMut(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T> {
        let idle = lock(&self.idle).pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => Conn::open(&self.config)
                .with_context(|| format!("could not connect to PostgreSQL at {}", self.target))?,
        };
        let mut attempt = 1;
        let result = loop {
            match work(&mut conn) {
                Err(e) if is_transient(&e) && attempt < ATTEMPTS && !conn.client.is_closed() => {
                    // Spread the retries so two colliding transactions do not collide again.
                    let jitter = u64::from(std::process::id() % 7) + u64::from(attempt) * 5;
                    std::thread::sleep(Duration::from_millis(jitter));
                    attempt += 1;
                }
                other => break other,
            }
        };
        if !conn.client.is_closed() {
            let mut idle = lock(&self.idle);
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result.with_context(|| format!("could not {what} in PostgreSQL at {}", self.target))
    }
}

fn migrate(client: &mut Client) -> Result<()> {
    let known = MIGRATIONS.len() as i32;
    let mut tx = client.transaction()?;
    // Held until commit: an instance starting at the same time waits here, then finds
    // the migrations applied.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS worthit_schema_version (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM worthit_schema_version",
            &[],
        )?
        .get(0);
    if current > known {
        bail!(
            "the database has schema version {current}, newer than this worthit knows ({known}); upgrade worthit"
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(sql)
            .with_context(|| format!("migration {version:04} failed"))?;
        tx.execute(
            "INSERT INTO worthit_schema_version (version) VALUES ($1)",
            &[&version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// An upload as the columns of its rows, checked and converted before any round trip.
struct Columns<'a> {
    /// One advisory-lock key per (team, day, contributor, machine class), sorted.
    keys: Vec<String>,
    days: Vec<NaiveDate>,
    contributors: Vec<&'a str>,
    row_days: Vec<NaiveDate>,
    row_contributors: Vec<&'a str>,
    actions: Vec<&'a str>,
    categories: Vec<&'static str>,
    repos: Vec<&'a str>,
    runs: Vec<i64>,
    failures: Vec<i64>,
    exits_known: Vec<i64>,
    durations: Vec<Vec<u8>>,
    stored: Stored,
}

impl<'a> Columns<'a> {
    fn of(upload: &'a Upload) -> Result<Columns<'a>> {
        let m = &upload.machine;
        // A day sent twice in one upload: the later copy replaces the earlier one, as
        // SQLite's delete-then-insert per day does.
        let mut last: HashMap<(NaiveDate, &str), usize> = HashMap::new();
        let mut dates = Vec::with_capacity(upload.days.len());
        for (index, day) in upload.days.iter().enumerate() {
            let date = NaiveDate::parse_from_str(&day.day, "%Y-%m-%d")
                .with_context(|| format!("upload day {:?} is not a date", day.day))?;
            last.insert((date, day.contributor.as_str()), index);
            dates.push(date);
        }
        let mut columns = Columns {
            keys: Vec::new(),
            days: Vec::new(),
            contributors: Vec::new(),
            row_days: Vec::new(),
            row_contributors: Vec::new(),
            actions: Vec::new(),
            categories: Vec::new(),
            repos: Vec::new(),
            runs: Vec::new(),
            failures: Vec::new(),
            exits_known: Vec::new(),
            durations: Vec::new(),
            stored: Stored { days: 0, rows: 0 },
        };
        for (index, (day, date)) in upload.days.iter().zip(dates).enumerate() {
            let kept = last.get(&(date, day.contributor.as_str())) == Some(&index);
            columns.stored.days += 1;
            for action in day.actions.iter().filter(|a| a.runs > 0) {
                columns.stored.rows += 1;
                if !kept {
                    continue;
                }
                columns.row_days.push(date);
                columns.row_contributors.push(&day.contributor);
                columns.actions.push(&action.action);
                columns.categories.push(action.category.as_str());
                columns.repos.push(action.repo.as_deref().unwrap_or(""));
                columns.runs.push(to_i64(action.runs, "runs")?);
                columns.failures.push(to_i64(action.failures, "failures")?);
                columns
                    .exits_known
                    .push(to_i64(action.exits_known, "exits_known")?);
                columns.durations.push(action.durations.to_bytes());
            }
            if kept {
                columns.days.push(date);
                columns.contributors.push(&day.contributor);
                columns.keys.push(
                    [
                        upload.team.as_str(),
                        &date.to_string(),
                        &day.contributor,
                        &m.os,
                        &m.arch,
                        &m.cores,
                        &m.memory_gib,
                    ]
                    .join("\u{1f}"),
                );
            }
        }
        columns.keys.sort_unstable();
        Ok(columns)
    }
}

impl TeamStore for PostgresStore {
    fn put_upload(&self, upload: &Upload) -> Result<Stored> {
        let c = Columns::of(upload)?;
        let m = &upload.machine;
        self.with_conn(
            &format!("store an upload of team {}", upload.team),
            |conn| {
                let mut tx = conn.client.transaction()?;
                tx.execute(&conn.lock_keys, &[&c.keys])?;
                tx.execute(
                    &conn.delete_days,
                    &[
                        &upload.team,
                        &c.days,
                        &c.contributors,
                        &m.os,
                        &m.arch,
                        &m.cores,
                        &m.memory_gib,
                    ],
                )?;
                if !c.row_days.is_empty() {
                    tx.execute(
                        &conn.insert_rows,
                        &[
                            &upload.team,
                            &m.os,
                            &m.arch,
                            &m.cores,
                            &m.memory_gib,
                            &c.row_days,
                            &c.row_contributors,
                            &c.actions,
                            &c.categories,
                            &c.repos,
                            &c.runs,
                            &c.failures,
                            &c.exits_known,
                            &c.durations,
                        ],
                    )?;
                }
                tx.commit()
            },
        )?;
        Ok(c.stored)
    }

    fn rows(&self, filter: &RowFilter) -> Result<Vec<AggRow>> {
        let rows = self.with_conn("read aggregates", |conn| match &filter.team {
            Some(team) => conn.client.query(
                &conn.rows_team,
                &[&filter.first_day, &filter.last_day, team],
            ),
            None => conn
                .client
                .query(&conn.rows_all, &[&filter.first_day, &filter.last_day]),
        })?;
        rows.iter().map(read_aggregate).collect()
    }

    fn prune(&self, first_kept_day: NaiveDate) -> Result<u64> {
        self.with_conn("delete old aggregates", |conn| {
            conn.client
                .execute("DELETE FROM aggregates WHERE day < $1", &[&first_kept_day])
        })
    }

    fn create_token(&self, token: &TokenRecord) -> Result<()> {
        let created_at = token.created_at.trunc_subsecs(0);
        let revoked_at = token.revoked_at.map(|at| at.trunc_subsecs(0));
        self.with_conn("store the new token", |conn| {
            conn.client.execute(
                &format!("INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
                &[
                    &token.hash,
                    &token.prefix,
                    &token.team,
                    &token.role.as_str(),
                    &created_at,
                    &revoked_at,
                ],
            )
        })?;
        Ok(())
    }

    fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>> {
        let row = self.with_conn("look up a token", |conn| {
            conn.client.query_opt(&conn.find_token, &[&hash])
        })?;
        row.as_ref().map(read_token).transpose()
    }

    fn list_tokens(&self) -> Result<Vec<TokenRecord>> {
        let rows = self.with_conn("list tokens", |conn| {
            conn.client.query(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_at, prefix"),
                &[],
            )
        })?;
        rows.iter().map(read_token).collect()
    }

    fn revoke_token(&self, hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let at = at.trunc_subsecs(0);
        let changed = self.with_conn("revoke a token", |conn| {
            conn.client.execute(
                "UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL",
                &[&hash, &at],
            )
        })?;
        Ok(changed > 0)
    }

    fn ping(&self) -> Result<()> {
        self.with_conn("ping", |conn| conn.client.batch_execute("SELECT 1"))
    }
}

fn read_token(row: &Row) -> Result<TokenRecord> {
    let prefix: String = row.try_get(1)?;
    let role: String = row.try_get(3)?;
    let Some(role) = Role::parse(&role) else {
        bail!("stored token {prefix} has an unknown role {role:?}");
    };
    Ok(TokenRecord {
        hash: row.try_get(0)?,
        prefix,
        team: row.try_get(2)?,
        role,
        created_at: row.try_get(4)?,
        revoked_at: row.try_get(5)?,
    })
}

fn read_aggregate(row: &Row) -> Result<AggRow> {
    let team: String = row.try_get(0)?;
    let day: NaiveDate = row.try_get(1)?;
    let category: String = row.try_get(8)?;
    let category = category
        .parse()
        .with_context(|| format!("stored aggregate of team {team} on {day}"))?;
    let repo: String = row.try_get(9)?;
    let count = |index: usize, what: &str| -> Result<u64> {
        let value: i64 = row.try_get(index)?;
        u64::try_from(value)
            .with_context(|| format!("stored {what} {value} of team {team} on {day} is negative"))
    };
    let blob: &[u8] = row.try_get(13)?;
    let durations = Histogram::from_bytes(blob)
        .with_context(|| format!("stored histogram of team {team} on {day}"))?;
    Ok(AggRow {
        contributor: row.try_get(2)?,
        machine: MachineClass {
            os: row.try_get(3)?,
            arch: row.try_get(4)?,
            cores: row.try_get(5)?,
            memory_gib: row.try_get(6)?,
        },
        action: row.try_get(7)?,
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
pub(crate) mod testing {
    //! A fresh schema per test in the database `WORTHIT_TEST_POSTGRES_URL` names, so tests
    //! run in parallel and leave nothing behind.

    use postgres::{Client, NoTls};

    /// The variable CI sets (see .ci/run).
    pub const URL_VARIABLE: &str = "WORTHIT_TEST_POSTGRES_URL";

    /// A schema that exists until dropped, and the URL that makes it the search path.
    pub struct TestSchema {
        base: String,
        name: String,
        pub url: String,
    }

    impl TestSchema {
        /// `None` (after a loud notice) only when the variable is unset outside CI: in CI
        /// a missing PostgreSQL fails the test, so CI proves these tests ran.
        pub fn create(test: &str) -> Option<TestSchema> {
            let Ok(base) = std::env::var(URL_VARIABLE) else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "{URL_VARIABLE} is unset: set it to a PostgreSQL database the tests may \
                     create schemas in, e.g. postgres://worthit:PASSWORD@127.0.0.1:5432/worthit_test \
                     (.ci/run sets one up)"
                );
                // Straight to stderr, past the test harness's capture, so the skip shows.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: no PostgreSQL for {test} (set {URL_VARIABLE} to run it)"
                );
                return None;
            };
            let mut random = [0u8; 8];
            getrandom::fill(&mut random).unwrap();
            let name = format!(
                "test_{}",
                random
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            let mut client = Client::connect(&base, NoTls)
                .unwrap_or_else(|e| panic!("{URL_VARIABLE} does not connect: {e}"));
            client
                .batch_execute(&format!("CREATE SCHEMA {name}"))
                .unwrap();
            let separator = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{separator}options=-c%20search_path%3D{name}");
            Some(TestSchema { base, name, url })
        }
    }

    impl Drop for TestSchema {
        fn drop(&mut self) {
            if let Ok(mut client) = Client::connect(&self.base, NoTls) {
                let _ = client.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TestSchema;
    use super::*;

    #[test]
    fn reopening_migrates_once_and_concurrent_migrators_agree() {
        let Some(schema) = TestSchema::create("postgres migrations") else {
            return;
        };
        std::thread::scope(|scope| {
            let openers: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| PostgresStore::open(&schema.url).map(|_| ())))
                .collect();
            for opener in openers {
                opener.join().unwrap().unwrap();
            }
        });
        let store = PostgresStore::open(&schema.url).unwrap();
        store.ping().unwrap();
        let mut client = Client::connect(&schema.url, NoTls).unwrap();
        let versions: Vec<i32> = client
            .query(
                "SELECT version FROM worthit_schema_version ORDER BY version",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(versions, (1..=MIGRATIONS.len() as i32).collect::<Vec<_>>());
        client
            .execute(
                "INSERT INTO worthit_schema_version (version) VALUES (99)",
                &[],
            )
            .unwrap();
        let err = PostgresStore::open(&schema.url).err().unwrap();
        assert!(
            format!("{err:#}").contains("newer than this worthit knows"),
            "{err:#}"
        );
    }

    #[test]
    fn bad_urls_and_unreachable_databases_are_named_without_the_password() {
        let err = PostgresStore::open("postgres://worthit:s3cret@127.0.0.1:1/worthit")
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(
            text.contains("could not connect to PostgreSQL at 127.0.0.1:1/worthit"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
        let err = PostgresStore::open("postgres://worthit:s3cret@db:notaport/worthit")
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(text.contains("not a valid PostgreSQL URL"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        let err = PostgresStore::open("postgres://w:s3cret@db.example:6543/w?sslmode=require")
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(
            text.contains("db.example:6543/w") && text.contains("TLS"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
    }
}
