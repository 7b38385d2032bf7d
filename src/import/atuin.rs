//! atuin's `history.db` (SQLite), opened read-only.
//!
//! The `history` table has `timestamp` (ns since the epoch), `duration` (ns, -1 while
//! unknown), `exit` (-1 while unknown), `command`, `cwd`, `session`, `hostname`
//! (`host:user`), and in newer versions `deleted_at` (set when the user deleted the entry)
//! and `shell`. What the columns mean when atuin imported the entry itself from a shell
//! history: `cwd` is `unknown`, `exit` -1, and `duration` is the zsh elapsed time in whole
//! seconds, 0 included. So:
//!
//! - duration -1 or 0 is unknown (a measured duration is never exactly 0 ns); a duration
//!   that is a whole number of seconds has a resolution of 1 s, any other 1 µs (ns are
//!   cut to the µs the store keeps);
//! - a negative exit is unknown (shells report 0..=255);
//! - `cwd` `unknown` or empty is no cwd;
//! - deleted rows are counted, not imported;
//! - the session is atuin's, the shell its `shell` column or `unknown`.

use std::borrow::Cow;
use std::path::Path;

use anyhow::Result;

use super::{Bad, Entry, Host, Item, int_column, open_sqlite, read_rows, text_column};

const NS_PER_S: i64 = 1_000_000_000;

/// Reads every row of atuin's `history` table, in the order the commands ran.
pub fn read(path: &Path) -> Result<Vec<Item<'static>>> {
    let sqlite = open_sqlite(path)?;
    let conn = &sqlite.conn;
    let columns = super::columns(
        conn,
        "history",
        &[
            "timestamp",
            "duration",
            "exit",
            "command",
            "cwd",
            "session",
            "hostname",
        ],
    )
    .map_err(|err| anyhow::anyhow!("not an atuin database: {err}"))?;
    let has = |name: &str| columns.iter().any(|c| c.eq_ignore_ascii_case(name));
    let deleted = if has("deleted_at") {
        "deleted_at"
    } else {
        "NULL"
    };
    let shell = if has("shell") { "shell" } else { "NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT rowid, timestamp, duration, exit, command, cwd, session, hostname, {deleted}, {shell}
         FROM history ORDER BY rowid"
    ))?;
    read_rows(&mut stmt, sqlite.truncated, |row| {
        let rowid: i64 = row.get(0)?;
        Ok((rowid, item(rowid, row)))
    })
}

fn item(rowid: i64, row: &rusqlite::Row<'_>) -> Item<'static> {
    match entry(row) {
        Ok(Some(entry)) => Item::Entry(entry),
        Ok(None) => Item::Deleted,
        Err(problem) => Bad::row(rowid, problem),
    }
}

fn entry(row: &rusqlite::Row<'_>) -> Result<Option<Entry<'static>>, String> {
    if !matches!(row.get_ref(8), Ok(rusqlite::types::ValueRef::Null)) {
        return Ok(None);
    }
    let timestamp = int_column(row, 1, "timestamp")?.ok_or("`timestamp` is empty")?;
    let duration = int_column(row, 2, "duration")?;
    let exit = int_column(row, 3, "exit")?;
    let command = text_column(row, 4, "command")?.unwrap_or_default();
    if command.is_empty() {
        return Err("empty command".into());
    }
    let cwd = text_column(row, 5, "cwd")?.filter(|c| !c.is_empty() && *c != "unknown");
    let session = text_column(row, 6, "session")?.unwrap_or_default();
    let hostname = text_column(row, 7, "hostname")?;
    let shell = text_column(row, 9, "shell")?.filter(|s| !s.is_empty());

    let (duration_us, resolution_us) = match duration {
        None | Some(-1) | Some(0) => (None, 1),
        Some(ns) if ns < 0 => return Err(format!("`duration` is negative: {ns}")),
        Some(ns) if ns % NS_PER_S == 0 => (Some(ns / 1_000), 1_000_000),
        Some(ns) => (Some(ns / 1_000), 1),
    };
    let exit = match exit {
        Some(code) if code >= 0 => {
            Some(i32::try_from(code).map_err(|_| format!("`exit` is out of range: {code}"))?)
        }
        _ => None,
    };
    Ok(Some(Entry {
        start_us: timestamp.div_euclid(1_000),
        duration_us,
        resolution_us,
        exit,
        cwd: cwd.map(|c| Cow::Owned(c.to_owned())),
        command: Cow::Owned(command.to_owned()),
        shell: Cow::Owned(shell.unwrap_or(super::Kind::Atuin.shell()).to_owned()),
        session: Cow::Owned(if session.is_empty() {
            super::Kind::Atuin.session().to_owned()
        } else {
            session.to_owned()
        }),
        host: match hostname {
            // `host:user`; older versions wrote only the host.
            Some(name) if !name.is_empty() => Host::Named(Cow::Owned(
                name.split(':').next().unwrap_or(name).to_owned(),
            )),
            _ => Host::Unknown,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::At;
    use rusqlite::{Connection, params};

    /// atuin's schema as its migrations leave it (create_history, deleted_at, shell).
    pub(crate) const SCHEMA: &str = "
        CREATE TABLE history (
            id TEXT PRIMARY KEY,
            timestamp INTEGER NOT NULL,
            duration INTEGER NOT NULL,
            exit INTEGER NOT NULL,
            command TEXT NOT NULL,
            cwd TEXT NOT NULL,
            session TEXT NOT NULL,
            hostname TEXT NOT NULL,
            deleted_at INTEGER,
            shell TEXT,
            UNIQUE(timestamp, cwd, command)
        );
        CREATE INDEX idx_history_timestamp ON history(timestamp);";

    /// timestamp, duration, exit, command, cwd, deleted_at, shell.
    type Fixture<'a> = (
        i64,
        i64,
        i64,
        &'a str,
        &'a str,
        Option<i64>,
        Option<&'a str>,
    );

    /// start_us, duration_us, resolution_us, exit, cwd, command.
    type Seen = (i64, Option<i64>, i64, Option<i32>, Option<String>, String);

    fn db(rows: &[Fixture<'_>]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("history.db")).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for (i, (ts, duration, exit, command, cwd, deleted, shell)) in rows.iter().enumerate() {
            conn.execute(
                "INSERT INTO history VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sess1', 'box:me', ?7, ?8)",
                params![
                    format!("id{i}"),
                    ts,
                    duration,
                    exit,
                    command,
                    cwd,
                    deleted,
                    shell
                ],
            )
            .unwrap();
        }
        dir
    }

    fn entries(items: &[Item<'static>]) -> Vec<Seen> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Entry(e) => Some((
                    e.start_us,
                    e.duration_us,
                    e.resolution_us,
                    e.exit,
                    e.cwd.as_deref().map(str::to_owned),
                    e.command.to_string(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn rows_become_entries_in_time_order_with_unknowns_kept_unknown() {
        let dir = db(&[
            (
                2_000_000_123_456,
                1_500_000,
                0,
                "cargo test",
                "/src/app",
                None,
                Some("zsh"),
            ),
            (1_000_000_000_000, -1, -1, "vim", "unknown", None, None),
            (
                3_000_000_000_000,
                4_000_000_000,
                -1,
                "make",
                "unknown",
                None,
                None,
            ),
            (4_000_000_000_000, 0, 1, "false", "/tmp", None, None),
            (5_000_000_000_000, 1_000, 0, "secret", "/tmp", Some(6), None),
        ]);
        let items = read(&dir.path().join("history.db")).unwrap();
        assert_eq!(
            entries(&items),
            [
                (1_000_000_000, None, 1, None, None, "vim".to_string()),
                (
                    2_000_000_123,
                    Some(1_500),
                    1,
                    Some(0),
                    Some("/src/app".to_string()),
                    "cargo test".to_string()
                ),
                (
                    3_000_000_000,
                    Some(4_000_000),
                    1_000_000,
                    None,
                    None,
                    "make".to_string()
                ),
                (
                    4_000_000_000,
                    None,
                    1,
                    Some(1),
                    Some("/tmp".to_string()),
                    "false".to_string()
                ),
            ]
        );
        assert!(items.contains(&Item::Deleted));
        let Item::Entry(first) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(first.session, "sess1");
        assert_eq!(first.shell, "unknown");
        assert_eq!(first.host, Host::Named(Cow::Borrowed("box")));
        let Item::Entry(with_shell) = &items[2] else {
            panic!("{items:?}")
        };
        assert_eq!(with_shell.shell, "zsh");
    }

    #[test]
    fn bad_rows_are_reported_by_rowid() {
        let dir = db(&[(1_000_000_000, 5, 0, "ok", "/", None, None)]);
        let conn = Connection::open(dir.path().join("history.db")).unwrap();
        // SQLite's flexible typing lets a damaged or hand-edited row hold anything.
        conn.execute(
            "INSERT INTO history VALUES ('x', 'soon', 1, 0, 'ls', '/', 's', 'h', NULL, NULL)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO history VALUES ('y', 5, -7, 0, 'ls', '/', 's', 'h', NULL, NULL)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO history VALUES ('z', 6, 1, 0, CAST(x'6cff' AS TEXT), '/', 's', 'h', NULL, NULL)",
            [],
        )
        .unwrap();
        let items = read(&dir.path().join("history.db")).unwrap();
        let bad: Vec<&Bad> = items
            .iter()
            .filter_map(|i| match i {
                Item::Bad(b) => Some(b),
                _ => None,
            })
            .collect();
        assert_eq!(bad.len(), 3, "{items:?}");
        assert_eq!(bad[0].at, At::Row(2));
        assert_eq!(bad[0].problem, "`timestamp` is not a number: \"soon\"");
        assert_eq!(bad[1].problem, "`duration` is negative: -7");
        assert_eq!(
            bad[2].problem,
            "`command` is not valid UTF-8 (byte 0xff at offset 1)"
        );
        assert_eq!(entries(&items).len(), 1);
    }

    #[test]
    fn an_older_schema_without_deleted_at_or_shell_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE history (id TEXT PRIMARY KEY, timestamp INTEGER NOT NULL,
                duration INTEGER NOT NULL, exit INTEGER NOT NULL, command TEXT NOT NULL,
                cwd TEXT NOT NULL, session TEXT NOT NULL, hostname TEXT NOT NULL);
             INSERT INTO history VALUES ('a', 1000000000, 2000, 0, 'ls', '/', 's', 'h');",
        )
        .unwrap();
        assert_eq!(
            entries(&read(&path).unwrap()),
            [(
                1_000_000,
                Some(2),
                1,
                Some(0),
                Some("/".to_string()),
                "ls".to_string()
            )]
        );
    }

    #[test]
    fn a_database_without_the_table_or_not_a_database_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        Connection::open(&empty)
            .unwrap()
            .execute_batch("CREATE TABLE other (x)")
            .unwrap();
        assert_eq!(
            format!("{:#}", read(&empty).unwrap_err()),
            "not an atuin database: it has no `history` table"
        );
        let text = dir.path().join("text.db");
        std::fs::write(
            &text,
            "this is not sqlite at all, just some text\n".repeat(100),
        )
        .unwrap();
        assert!(
            format!("{:#}", read(&text).unwrap_err()).contains("not a readable SQLite database")
        );
        assert!(read(&dir.path().join("missing.db")).is_err());
    }
}
