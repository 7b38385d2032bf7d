//! zsh-histdb's `zsh-history.db` (SQLite), opened read-only.
//!
//! Tables: `history` (`session`, `command_id`, `place_id`, `exit_status`, `start_time` in
//! seconds, `duration` in seconds), `commands` (`argv`), `places` (`host`, `dir`). Early
//! versions had no `id` columns and referred to rows by `rowid`; later ones alias `id` to
//! it, so joining on `rowid` reads both.
//!
//! - durations are whole seconds, and 0 is unknown: histdb computes `now - start_time` in
//!   whole seconds, and early versions stored the row before the command ran, writing 0
//!   for everything;
//! - `exit_status` and `duration` are NULL for a command that never finished;
//! - the session is `histdb-<host>-<session>` (histdb numbers sessions per host).

use std::borrow::Cow;
use std::path::Path;

use anyhow::Result;

use super::{Bad, Entry, Host, Item, int_column, open_sqlite, read_rows, text_column};

/// Reads every history row with its command and place, in the order the commands ran.
pub fn read(path: &Path) -> Result<Vec<Item<'static>>> {
    let sqlite = open_sqlite(path)?;
    let conn = &sqlite.conn;
    let not_histdb = |err: anyhow::Error| anyhow::anyhow!("not a zsh-histdb database: {err}");
    super::columns(
        conn,
        "history",
        &[
            "session",
            "command_id",
            "place_id",
            "exit_status",
            "start_time",
            "duration",
        ],
    )
    .map_err(not_histdb)?;
    super::columns(conn, "commands", &["argv"]).map_err(not_histdb)?;
    super::columns(conn, "places", &["host", "dir"]).map_err(not_histdb)?;
    let mut stmt = conn.prepare(
        "SELECT h.rowid, h.session, h.start_time, h.duration, h.exit_status, c.argv, p.host,
                p.dir, h.command_id
         FROM history h
         LEFT JOIN commands c ON c.rowid = h.command_id
         LEFT JOIN places p ON p.rowid = h.place_id
         ORDER BY h.rowid",
    )?;
    read_rows(&mut stmt, sqlite.truncated, |row| {
        let rowid: i64 = row.get(0)?;
        Ok((
            rowid,
            match entry(row) {
                Ok(entry) => Item::Entry(entry),
                Err(problem) => Bad::row(rowid, problem),
            },
        ))
    })
}

fn entry(row: &rusqlite::Row<'_>) -> Result<Entry<'static>, String> {
    let session = int_column(row, 1, "session")?;
    let start = int_column(row, 2, "start_time")?.ok_or("`start_time` is empty")?;
    let start_us =
        super::secs_to_us(start).ok_or(format!("`start_time` is out of range: {start}"))?;
    let duration = int_column(row, 3, "duration")?;
    let exit = int_column(row, 4, "exit_status")?;
    let Some(command) = text_column(row, 5, "argv")? else {
        let id = int_column(row, 8, "command_id")?;
        return Err(match id {
            Some(id) => format!("refers to command {id}, which is missing"),
            None => "has no command".to_string(),
        });
    };
    if command.is_empty() {
        return Err("empty command".into());
    }
    let host = text_column(row, 6, "host")?;
    let dir = text_column(row, 7, "dir")?.filter(|d| !d.is_empty());
    let duration_us = match duration {
        None | Some(0) => None,
        Some(secs) if secs < 0 => return Err(format!("`duration` is negative: {secs}")),
        Some(secs) => {
            Some(super::secs_to_us(secs).ok_or(format!("`duration` is out of range: {secs}"))?)
        }
    };
    let exit = exit
        .map(|code| {
            i32::try_from(code).map_err(|_| format!("`exit_status` is out of range: {code}"))
        })
        .transpose()?;
    let session = format!(
        "histdb-{}-{}",
        host.unwrap_or("unknown"),
        session.map_or_else(|| "unknown".to_string(), |s| s.to_string())
    );
    Ok(Entry {
        start_us,
        duration_us,
        resolution_us: 1_000_000,
        exit,
        cwd: dir.map(|d| Cow::Owned(d.to_owned())),
        command: Cow::Owned(command.to_owned()),
        shell: Cow::Borrowed("zsh"),
        session: Cow::Owned(session),
        host: match host {
            Some(name) if !name.is_empty() => Host::Named(Cow::Owned(name.to_owned())),
            _ => Host::Unknown,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::At;
    use rusqlite::Connection;

    /// zsh-histdb's schema as its migration to user_version 2 leaves it.
    /// histdb writes through the sqlite3 shell, which does not enforce foreign keys (the
    /// bundled SQLite here does by default), so neither do these fixtures.
    pub(crate) const SCHEMA: &str = "
        PRAGMA foreign_keys = OFF;
        CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, argv TEXT,
                               UNIQUE(argv) ON CONFLICT IGNORE);
        CREATE TABLE places (id INTEGER PRIMARY KEY AUTOINCREMENT, host TEXT, dir TEXT,
                             UNIQUE(host, dir) ON CONFLICT IGNORE);
        CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, session INT,
                              command_id INT REFERENCES commands (id),
                              place_id INT REFERENCES places (id),
                              exit_status INT, start_time INT, duration INT);
        PRAGMA user_version = 2;";

    #[test]
    fn rows_join_commands_and_places_with_zero_durations_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zsh-history.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(
            "INSERT INTO commands (argv) VALUES ('cargo build'), ('ls');
             INSERT INTO places (host, dir) VALUES ('box', '/src/app');
             INSERT INTO history (session, command_id, place_id, exit_status, start_time, duration)
             VALUES (3, 1, 1, 0, 1700000100, 42),
                    (3, 2, 1, 0, 1700000000, 0),
                    (4, 2, 1, NULL, 1700000200, NULL),
                    (4, 9, 1, 0, 1700000300, 1),
                    (4, 2, 1, 0, 'x', 1);",
        )
        .unwrap();
        let items = read(&path).unwrap();
        let Item::Entry(first) = &items[2] else {
            panic!("{items:?}")
        };
        assert_eq!(first.start_us, 1_700_000_000_000_000);
        assert_eq!(first.duration_us, None);
        assert_eq!(first.command, "ls");
        assert_eq!(first.cwd.as_deref(), Some("/src/app"));
        assert_eq!(first.session, "histdb-box-3");
        assert_eq!(first.shell, "zsh");
        assert_eq!(first.host, Host::Named(Cow::Borrowed("box")));
        let Item::Entry(build) = &items[3] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (build.duration_us, build.resolution_us, build.exit),
            (Some(42_000_000), 1_000_000, Some(0))
        );
        let Item::Entry(unfinished) = &items[4] else {
            panic!("{items:?}")
        };
        assert_eq!((unfinished.duration_us, unfinished.exit), (None, None));
        let bad: Vec<(At, &str)> = items[..2]
            .iter()
            .map(|i| match i {
                Item::Bad(b) => (b.at, b.problem.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            bad,
            [
                (At::Row(4), "refers to command 9, which is missing"),
                (At::Row(5), "`start_time` is not a number: \"x\""),
            ]
        );
    }

    #[test]
    fn the_original_schema_without_ids_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zsh-history.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 CREATE TABLE commands (argv TEXT, UNIQUE(argv) ON CONFLICT IGNORE);
                 CREATE TABLE places (host TEXT, dir TEXT, UNIQUE(host, dir) ON CONFLICT IGNORE);
                 CREATE TABLE history (session INT, command_id INT REFERENCES commands (rowid),
                                       place_id INT REFERENCES places (rowid), exit_status INT,
                                       start_time INT, duration INT);
                 INSERT INTO commands VALUES ('make');
                 INSERT INTO places VALUES ('box', '/w');
                 INSERT INTO history VALUES (1, 1, 1, 2, 1700000000, 3);",
            )
            .unwrap();
        let items = read(&path).unwrap();
        let [Item::Entry(e)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(
            (e.command.as_ref(), e.exit, e.duration_us),
            ("make", Some(2), Some(3_000_000))
        );
    }

    #[test]
    fn missing_tables_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zsh-history.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE TABLE history (session INT, command_id INT, place_id INT,
                    exit_status INT, start_time INT, duration INT);",
            )
            .unwrap();
        assert_eq!(
            format!("{:#}", read(&path).unwrap_err()),
            "not a zsh-histdb database: it has no `commands` table"
        );
    }
}
