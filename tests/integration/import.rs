//! Integration tests: `worthit import` on real history files (fixtures in
//! `tests/fixtures/import/`) and real SQLite databases built here with atuin's and
//! zsh-histdb's own schemas, checked through `worthit log --json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::{Connection, params};
use serde_json::{Value, json};

const WORTHIT: &str = env!("CARGO_BIN_EXE_worthit");

/// 2024-05-01T10:00:00Z, the fixtures' first entry.
const T0: i64 = 1_714_557_600;

/// A temp HOME and WORTHIT_HOME, with no config and no history variables exported.
struct Env {
    dir: tempfile::TempDir,
    home: PathBuf,
    data: PathBuf,
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// One event as `worthit log --json` shows it: start, duration_ms, exit, command, source.
type Seen = (String, Value, Value, String, String);

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let data = dir.path().join("worthit");
        Env { dir, home, data }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(WORTHIT);
        cmd.args(args)
            .env("HOME", &self.home)
            .env("WORTHIT_HOME", &self.data)
            .env("WORTHIT_CONFIG", self.dir.path().join("config.toml"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env_remove("HISTFILE")
            .env_remove("ATUIN_DB_PATH")
            .env_remove("HISTDB_FILE");
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run worthit");
        Run {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn import(&self, kind: &str, path: &Path) -> Run {
        self.run(&["import", kind, path.to_str().expect("utf-8 path")])
    }

    fn config(&self, text: &str) {
        std::fs::write(self.dir.path().join("config.toml"), text).expect("config");
    }

    /// Every stored event, oldest first, as full JSON objects.
    fn log(&self) -> Vec<Value> {
        let run = self.run(&["log", "--json", "--limit", "0"]);
        assert!(run.ok, "log failed: {}", run.stderr);
        let mut events: Vec<Value> = run
            .stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("JSON line"))
            .collect();
        events.reverse();
        events
    }

    fn seen(&self) -> Vec<Seen> {
        self.log()
            .iter()
            .map(|e| {
                (
                    e["start"].as_str().expect("start").to_string(),
                    e["duration_ms"].clone(),
                    e["exit"].clone(),
                    e["command"].as_str().expect("command").to_string(),
                    e["source"].as_str().expect("source").to_string(),
                )
            })
            .collect()
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn seen(start: &str, duration_ms: Value, exit: Value, command: &str, source: &str) -> Seen {
    (
        start.to_string(),
        duration_ms,
        exit,
        command.to_string(),
        source.to_string(),
    )
}

/// atuin's `history` table as its migrations leave it (create_history, deleted_at, shell).
const ATUIN_SCHEMA: &str = "
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
    CREATE INDEX idx_history_timestamp ON history(timestamp);
    CREATE INDEX idx_history_command ON history(command);";

/// One atuin row: timestamp ns, duration ns, exit, command, cwd, deleted_at.
type AtuinRow<'a> = (i64, i64, i64, &'a str, &'a str, Option<i64>);

fn atuin_db(path: &Path, rows: &[AtuinRow<'_>]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("db dir");
    let conn = Connection::open(path).expect("create atuin db");
    conn.execute_batch(ATUIN_SCHEMA).expect("atuin schema");
    for (i, (ts, duration, exit, command, cwd, deleted)) in rows.iter().enumerate() {
        conn.execute(
            "INSERT INTO history VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'laptop:dev', ?8, NULL)",
            params![
                format!("0190f2a8c3d27b1e9a4c{i:012x}"),
                ts,
                duration,
                exit,
                command,
                cwd,
                "0190f2a8c3d27b1e9a4c5f6e7d8c9b0a",
                deleted
            ],
        )
        .expect("atuin row");
    }
}

const NS: i64 = 1_000_000_000;

#[test]
fn zsh_extended_history_becomes_exact_events_quietly() {
    let env = Env::new();
    let run = env.import("zsh", &fixture("zsh_history"));
    assert!(run.ok, "{}", run.stderr);
    // No progress bar and no warnings when stderr is not a terminal and all is well.
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout
            .ends_with("zsh_history: read 10 entries, added 10, skipped 0 duplicates, 0 bad\n"),
        "{}",
        run.stdout
    );
    let zsh = "import:zsh";
    assert_eq!(
        env.seen(),
        [
            seen(
                "2024-05-01T10:00:00.000Z",
                json!(null),
                json!(null),
                "git status",
                zsh
            ),
            seen(
                "2024-05-01T10:00:12.000Z",
                json!(3000.0),
                json!(null),
                "cargo build --release",
                zsh
            ),
            seen(
                "2024-05-01T10:00:40.000Z",
                json!(null),
                json!(null),
                "for f in *.log; do\n  gzip \"$f\"\ndone",
                zsh
            ),
            seen(
                "2024-05-01T10:01:40.000Z",
                json!(1000.0),
                json!(null),
                "echo 你好",
                zsh
            ),
            seen(
                "2024-05-01T10:01:45.000Z",
                json!(null),
                json!(null),
                "ls",
                zsh
            ),
            seen(
                "2024-05-01T10:01:45.000Z",
                json!(null),
                json!(null),
                "ls",
                zsh
            ),
            seen(
                "2024-05-01T10:01:50.000Z",
                json!(12000.0),
                json!(null),
                "make test",
                zsh
            ),
            seen(
                "2024-05-01T10:02:00.000Z",
                json!(null),
                json!(null),
                "echo \\",
                zsh
            ),
            seen(
                "2024-05-01T10:02:10.000Z",
                json!(2000.0),
                json!(null),
                "docker run --rm \\\n  -v \"$PWD\":/src img",
                zsh
            ),
            seen(
                "2024-05-01T10:02:20.000Z",
                json!(null),
                json!(null),
                "git commit -m \"café ☕\"",
                zsh
            ),
        ]
    );
    let first = &env.log()[1];
    assert_eq!(first["shell"], "zsh");
    assert_eq!(first["session"], "import-zsh");
    assert_eq!(first["cwd"], json!(null));
    assert_eq!(first["duration_resolution_ms"], json!(1000.0));
    assert_eq!(env.log()[0]["duration_resolution_ms"], json!(null));
}

#[test]
fn reimporting_adds_nothing() {
    let env = Env::new();
    assert!(env.import("zsh", &fixture("zsh_history")).ok);
    let before = env.log().len();
    let again = env.import("zsh", &fixture("zsh_history"));
    assert!(again.ok, "{}", again.stderr);
    assert!(
        again
            .stdout
            .ends_with("read 10 entries, added 0, skipped 10 duplicates, 0 bad\n"),
        "{}",
        again.stdout
    );
    assert_eq!(env.log().len(), before);
    assert_eq!(before, 10);
}

#[test]
fn a_damaged_zsh_history_reports_each_bad_entry_by_file_and_line_and_keeps_the_rest() {
    let env = Env::new();
    let path = fixture("zsh_history_corrupt");
    let run = env.import("zsh", &path);
    assert!(run.ok, "bad entries are not a failure: {}", run.stderr);
    let p = path.display();
    let expected = [
        format!("worthit: warning: {p}:2: start time is not a number: \"17145x7601\""),
        format!("worthit: warning: {p}:3: elapsed time is not a number: \"abc\""),
        format!(
            "worthit: warning: {p}:4: bad extended-history header, expected `: <start>:<elapsed>;`: \": 1714557603;no elapsed time\""
        ),
        format!("worthit: warning: {p}:6: not valid UTF-8 (byte 0xff at offset 4)"),
        format!("worthit: warning: {p}:7: 8 NUL bytes (a damaged region of the file) skipped"),
        format!(
            "worthit: warning: {p}: skipped 1 entries without a timestamp (`setopt EXTENDED_HISTORY` makes zsh record it)"
        ),
    ];
    assert_eq!(run.stderr.lines().collect::<Vec<_>>(), expected);
    assert!(
        run.stdout.ends_with(
            "read 9 entries, added 3, skipped 0 duplicates, 5 bad, 1 without a timestamp\n"
        ),
        "{}",
        run.stdout
    );
    let commands: Vec<String> = env.seen().into_iter().map(|s| s.3).collect();
    assert_eq!(commands, ["git pull", "after the zeros", "git push"]);
}

#[test]
fn a_plain_zsh_history_imports_nothing_and_says_why() {
    let env = Env::new();
    let run = env.import("zsh", &fixture("zsh_history_plain"));
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skipped 4 entries without a timestamp (`setopt EXTENDED_HISTORY`")
    );
    assert!(run.stdout.ends_with(
        "read 4 entries, added 0, skipped 0 duplicates, 0 bad, 4 without a timestamp\n"
    ));
    assert!(env.log().is_empty());
}

#[test]
fn more_than_twenty_bad_entries_are_capped_with_a_count() {
    let env = Env::new();
    let path = env.dir.path().join("many_bad");
    let mut text = String::new();
    for i in 0..25 {
        text.push_str(&format!(": {}x:0;bad {i}\n", T0 + i));
    }
    text.push_str(&format!(": {T0}:0;the good one\n"));
    std::fs::write(&path, text).expect("write");
    let run = env.import("zsh", &path);
    assert!(run.ok);
    let detailed = run
        .stderr
        .lines()
        .filter(|l| l.contains("start time is not a number"))
        .count();
    assert_eq!(detailed, 20, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("{}: 5 more bad entries skipped", path.display()))
    );
    assert!(
        run.stdout
            .ends_with("read 26 entries, added 1, skipped 0 duplicates, 25 bad\n")
    );
}

#[test]
fn binary_garbage_is_reported_not_fatal() {
    let env = Env::new();
    let path = env.dir.path().join("garbage");
    // Deterministic noise with a few real entries spliced in.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = Vec::new();
    for _ in 0..65_536 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push((x >> 24) as u8);
    }
    bytes.extend_from_slice(format!("\n: {T0}:4;survivor one\n").as_bytes());
    bytes.extend_from_within(..4096);
    bytes.extend_from_slice(format!("\n: {}:0;survivor two\n", T0 + 1).as_bytes());
    std::fs::write(&path, &bytes).expect("write");
    let run = env.import("zsh", &path);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{}:", path.display())));
    assert!(run.stderr.contains("more bad entries skipped"));
    let commands: Vec<String> = env.seen().into_iter().map(|s| s.3).collect();
    assert_eq!(commands, ["survivor one", "survivor two"]);
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let env = Env::new();
    let path = env.dir.path().join("nope");
    let run = env.import("bash", &path);
    assert!(!run.ok);
    assert_eq!(
        run.stderr,
        format!(
            "worthit: could not read bash history {}: No such file or directory (os error 2)\n",
            path.display()
        )
    );
    let run = env.run(&["import", "zsh"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("no zsh history found (looked for ~/.zsh_history, ~/.histfile, ~/.zhistory); give its path: `worthit import zsh PATH`"),
        "{}",
        run.stderr
    );
}

#[test]
fn bash_history_with_timestamps_and_multi_line_commands() {
    let env = Env::new();
    let run = env.import("bash", &fixture("bash_history"));
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let bash = "import:bash";
    assert_eq!(
        env.seen(),
        [
            seen(
                "2024-05-01T10:00:00.000Z",
                json!(null),
                json!(null),
                "git status",
                bash
            ),
            seen(
                "2024-05-01T10:00:10.000Z",
                json!(null),
                json!(null),
                "for i in 1 2 3; do\n  echo \"$i\"\ndone",
                bash
            ),
            seen(
                "2024-05-01T10:00:20.000Z",
                json!(null),
                json!(null),
                "echo café",
                bash
            ),
            seen(
                "2024-05-01T10:00:20.000Z",
                json!(null),
                json!(null),
                "echo café",
                bash
            ),
            seen(
                "2024-05-01T10:00:30.000Z",
                json!(null),
                json!(null),
                "# a comment typed at the prompt",
                bash
            ),
        ]
    );
    assert_eq!(env.log()[0]["shell"], "bash");
    assert_eq!(env.log()[0]["session"], "import-bash");
}

#[test]
fn a_damaged_bash_history_reports_lines_and_keeps_the_rest() {
    let env = Env::new();
    let path = fixture("bash_history_corrupt");
    let run = env.import("bash", &path);
    assert!(run.ok, "{}", run.stderr);
    let p = path.display();
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            format!("worthit: warning: {p}:4: timestamp is not a number: \"#17145576x0\""),
            format!("worthit: warning: {p}:7: not valid UTF-8 (byte 0xc3 at offset 4)"),
            format!(
                "worthit: warning: {p}: skipped 1 entries without a timestamp (setting HISTTIMEFORMAT makes bash record it)"
            ),
        ]
    );
    let commands: Vec<(String, String)> = env.seen().into_iter().map(|s| (s.0, s.3)).collect();
    assert_eq!(
        commands,
        [
            ("2024-05-01T10:00:00.000Z".to_string(), "make".to_string()),
            (
                "2024-05-01T10:01:10.000Z".to_string(),
                "ok again".to_string()
            ),
        ]
    );
}

#[test]
fn fish_history_with_escapes_and_unicode() {
    let env = Env::new();
    let run = env.import("fish", &fixture("fish_history"));
    assert!(run.ok, "{}", run.stderr);
    let fish = "import:fish";
    assert_eq!(
        env.seen(),
        [
            seen(
                "2024-05-01T10:00:00.000Z",
                json!(null),
                json!(null),
                "cargo test",
                fish
            ),
            seen(
                "2024-05-01T10:00:10.000Z",
                json!(null),
                json!(null),
                "echo \"one\ntwo\" \\ done",
                fish
            ),
            seen(
                "2024-05-01T10:00:20.000Z",
                json!(null),
                json!(null),
                "ls",
                fish
            ),
            seen(
                "2024-05-01T10:00:20.000Z",
                json!(null),
                json!(null),
                "ls",
                fish
            ),
            seen(
                "2024-05-01T10:00:30.000Z",
                json!(null),
                json!(null),
                "echo → café",
                fish
            ),
        ]
    );
    assert_eq!(env.log()[0]["shell"], "fish");
}

#[test]
fn a_damaged_fish_history_reports_lines_and_keeps_the_rest() {
    let env = Env::new();
    let path = fixture("fish_history_corrupt");
    let run = env.import("fish", &path);
    assert!(run.ok, "{}", run.stderr);
    let p = path.display();
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            format!(
                "worthit: warning: {p}:4: expected an entry (`- cmd: …`): \"this is not an entry\""
            ),
            format!("worthit: warning: {p}:5: `when` is not a time in seconds: \"17145x\""),
            format!("worthit: warning: {p}: skipped 1 entries without a timestamp"),
        ]
    );
    let commands: Vec<String> = env.seen().into_iter().map(|s| s.3).collect();
    assert_eq!(commands, ["ok one", "ok two"]);
}

#[test]
fn atuin_keeps_ns_durations_exit_and_cwd_and_skips_deleted_and_unknowns() {
    let env = Env::new();
    let project = env.home.join("src/api");
    std::fs::create_dir_all(project.join(".git")).expect("repo");
    let cwd = project.join("crates").to_string_lossy().into_owned();
    let db = env.dir.path().join("history.db");
    atuin_db(
        &db,
        &[
            (
                T0 * NS + 123_456_789,
                1_234_567_891,
                0,
                "cargo test",
                &cwd,
                None,
            ),
            (T0 * NS + 5 * NS, -1, -1, "vim notes.md", "unknown", None),
            (T0 * NS + 9 * NS, 3 * NS, -1, "make", "unknown", None),
            (T0 * NS + 10 * NS, 40_000_000, 2, "ls /nope", "/tmp", None),
            (
                T0 * NS + 11 * NS,
                1_000,
                0,
                "rm secret.txt",
                "/tmp",
                Some(T0 * NS + 20 * NS),
            ),
        ],
    );
    let run = env.import("atuin", &db);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.ends_with(
            "read 5 entries, added 4, skipped 0 duplicates, 0 bad, 1 deleted in the source\n"
        ),
        "{}",
        run.stdout
    );
    let atuin = "import:atuin";
    assert_eq!(
        env.seen(),
        [
            seen(
                "2024-05-01T10:00:00.123Z",
                json!(1234.567),
                json!(0),
                "cargo test",
                atuin
            ),
            seen(
                "2024-05-01T10:00:05.000Z",
                json!(null),
                json!(null),
                "vim notes.md",
                atuin
            ),
            seen(
                "2024-05-01T10:00:09.000Z",
                json!(3000.0),
                json!(null),
                "make",
                atuin
            ),
            seen(
                "2024-05-01T10:00:10.000Z",
                json!(40.0),
                json!(2),
                "ls /nope",
                atuin
            ),
        ]
    );
    let log = env.log();
    assert_eq!(log[0]["cwd"], json!(cwd));
    assert_eq!(log[0]["repo"], json!(project.to_string_lossy()));
    assert_eq!(log[0]["session"], "0190f2a8c3d27b1e9a4c5f6e7d8c9b0a");
    assert_eq!(log[0]["shell"], "unknown");
    assert_eq!(log[0]["duration_resolution_ms"], json!(0.001));
    assert_eq!(log[1]["cwd"], json!(null));
    // atuin's own zsh import stores whole seconds: resolution 1 s.
    assert_eq!(log[2]["duration_resolution_ms"], json!(1000.0));
    assert!(
        env.import("atuin", &db)
            .stdout
            .contains("added 0, skipped 4 duplicates")
    );
}

#[test]
fn a_truncated_atuin_database_imports_the_rows_before_the_cut() {
    let env = Env::new();
    let db = env.dir.path().join("full.db");
    let rows: Vec<(i64, i64, i64, String)> = (0..3000)
        .map(|i| {
            (
                (T0 + i) * NS,
                NS / 10,
                0,
                format!("cargo test --package crate{i} -- --nocapture"),
            )
        })
        .collect();
    let borrowed: Vec<AtuinRow<'_>> = rows
        .iter()
        .map(|(ts, d, e, c)| (*ts, *d, *e, c.as_str(), "/src", None))
        .collect();
    atuin_db(&db, &borrowed);
    let bytes = std::fs::read(&db).expect("read db");
    let cut = env.dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write cut db");
    let run = env.import("atuin", &cut);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("{}: database damaged after row ", cut.display()))
            && run.stderr.contains("the file is cut short"),
        "{}",
        run.stderr
    );
    let imported = env.log().len();
    assert!(
        imported > 1000 && imported < 3000,
        "{imported} rows imported"
    );
}

#[test]
fn sqlite_files_that_are_not_the_right_database_are_clear_errors() {
    let env = Env::new();
    let text = env.dir.path().join("not.db");
    std::fs::write(&text, "just text, not SQLite\n".repeat(200)).expect("write");
    let run = env.import("atuin", &text);
    assert!(!run.ok);
    assert!(
        run.stderr.starts_with(&format!(
            "worthit: could not read atuin history {}: not a readable SQLite database:",
            text.display()
        )),
        "{}",
        run.stderr
    );
    let other = env.dir.path().join("other.db");
    Connection::open(&other)
        .expect("db")
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .expect("schema");
    let run = env.import("zsh-histdb", &other);
    assert!(!run.ok);
    assert_eq!(
        run.stderr,
        format!(
            "worthit: could not read zsh-histdb history {}: not a zsh-histdb database: it has no `history` table\n",
            other.display()
        )
    );
}

#[test]
fn zsh_histdb_joins_commands_and_places() {
    let env = Env::new();
    let db = env.home.join(".histdb/zsh-history.db");
    std::fs::create_dir_all(db.parent().expect("parent")).expect("dir");
    let conn = Connection::open(&db).expect("db");
    // The schema after histdb's migration to user_version 2; histdb writes through the
    // sqlite3 shell, which does not enforce foreign keys.
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, argv TEXT,
                                UNIQUE(argv) ON CONFLICT IGNORE);
         CREATE TABLE places (id INTEGER PRIMARY KEY AUTOINCREMENT, host TEXT, dir TEXT,
                              UNIQUE(host, dir) ON CONFLICT IGNORE);
         CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, session INT,
                               command_id INT REFERENCES commands (id),
                               place_id INT REFERENCES places (id),
                               exit_status INT, start_time INT, duration INT);
         PRAGMA user_version = 2;",
    )
    .expect("schema");
    conn.execute_batch(&format!(
        "INSERT INTO commands (argv) VALUES ('cargo build'), ('git status');
         INSERT INTO places (host, dir) VALUES ('laptop', '/src/app');
         INSERT INTO history (session, command_id, place_id, exit_status, start_time, duration)
         VALUES (7, 1, 1, 101, {t1}, 42), (7, 2, 1, 0, {T0}, 0), (7, 2, 1, NULL, {t2}, NULL),
                (8, 99, 1, 0, {t3}, 1);",
        t1 = T0 + 60,
        t2 = T0 + 120,
        t3 = T0 + 180
    ))
    .expect("rows");
    drop(conn);
    // The default path, found without naming it.
    let run = env.run(&["import", "zsh-histdb"]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "worthit: warning: {}: row 4: refers to command 99, which is missing\n",
            db.display()
        )
    );
    let h = "import:zsh-histdb";
    assert_eq!(
        env.seen(),
        [
            seen(
                "2024-05-01T10:00:00.000Z",
                json!(null),
                json!(0),
                "git status",
                h
            ),
            seen(
                "2024-05-01T10:01:00.000Z",
                json!(42000.0),
                json!(101),
                "cargo build",
                h
            ),
            seen(
                "2024-05-01T10:02:00.000Z",
                json!(null),
                json!(null),
                "git status",
                h
            ),
        ]
    );
    let log = env.log();
    assert_eq!(log[0]["cwd"], "/src/app");
    assert_eq!(log[0]["session"], "histdb-laptop-7");
    assert_eq!(log[0]["shell"], "zsh");
}

#[test]
fn the_same_entry_in_zsh_history_and_atuin_is_imported_once() {
    let env = Env::new();
    let db = env.dir.path().join("history.db");
    // atuin saw `cargo build --release` (10:00:12, also in the zsh fixture) with its exit
    // status and cwd; imported first, that richer copy is the one kept.
    atuin_db(
        &db,
        &[(
            (T0 + 12) * NS + 250_000_000,
            3_100_000_000,
            0,
            "cargo build --release",
            "/src",
            None,
        )],
    );
    assert!(env.import("atuin", &db).ok);
    let run = env.import("zsh", &fixture("zsh_history"));
    assert!(
        run.stdout
            .ends_with("read 10 entries, added 9, skipped 1 duplicates, 0 bad\n"),
        "{}",
        run.stdout
    );
    let builds: Vec<Value> = env
        .log()
        .into_iter()
        .filter(|e| e["command"] == "cargo build --release")
        .collect();
    assert_eq!(builds.len(), 1);
    assert_eq!(builds[0]["source"], "import:atuin");
    assert_eq!(builds[0]["exit"], 0);
}

#[test]
fn entries_a_hook_already_recorded_are_not_imported_again() {
    let env = Env::new();
    let spool = env.data.join("spool");
    std::fs::create_dir_all(&spool).expect("spool");
    // The hook recorded `cargo build --release` at 10:00:12.48 (the zsh fixture has it at
    // 10:00:12) and `ls` once at 10:01:45 (the fixture has it twice in that second).
    let start = (T0 + 12) * 1_000_000 + 480_000;
    let ls = (T0 + 105) * 1_000_000 + 10;
    let day = start / 86_400_000_000;
    std::fs::write(
        spool.join(format!("zsh-999999-abc.{day}.spool")),
        format!(
            "1\t{start}\t3120000\t0\t1\t\tzsh\tzsh-999999-abc\t/src\tcargo build --release\n\
             1\t{ls}\t2000\t0\t1\t\tzsh\tzsh-999999-abc\t/src\tls\n"
        ),
    )
    .expect("spool line");
    let run = env.import("zsh", &fixture("zsh_history"));
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("read 10 entries, added 8, skipped 2 duplicates, 0 bad\n"),
        "{}",
        run.stdout
    );
    let log = env.log();
    let sources = |command: &str| -> Vec<String> {
        log.iter()
            .filter(|e| e["command"] == command)
            .map(|e| e["source"].as_str().expect("source").to_string())
            .collect()
    };
    assert_eq!(sources("cargo build --release"), ["hook"]);
    // One of the two `ls` in that second is the hook's; the other is imported (at the
    // whole second, so it sorts first).
    assert_eq!(sources("ls"), ["import:zsh", "hook"]);
}

#[test]
fn config_ignore_patterns_and_redaction_apply_to_imports() {
    let env = Env::new();
    env.config("[record]\nignore = [\"^ls$\"]\n");
    let path = env.dir.path().join("hist");
    std::fs::write(
        &path,
        format!(
            ": {T0}:0;ls\n: {}:0;export GITHUB_TOKEN=ghp_R8x2mN4qL7vK9wT3zY6bC1dF5gH0jP2sA4eU\n",
            T0 + 1
        ),
    )
    .expect("write");
    let run = env.import("zsh", &path);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.ends_with(
            "read 2 entries, added 1, skipped 0 duplicates, 0 bad, 1 ignored by config\n"
        ),
        "{}",
        run.stdout
    );
    let log = env.log();
    assert_eq!(log.len(), 1);
    let command = log[0]["command"].as_str().expect("command");
    assert!(command.starts_with("export GITHUB_TOKEN="), "{command}");
    assert!(
        !command.contains("ghp_R8x2mN4qL7vK9wT3zY6bC1dF5gH0jP2sA4eU"),
        "{command}"
    );
}

#[test]
fn auto_imports_every_history_found_richest_first() {
    let env = Env::new();
    let h = &env.home;
    std::fs::copy(fixture("zsh_history"), h.join(".zsh_history")).expect("zsh");
    std::fs::copy(fixture("bash_history"), h.join(".bash_history")).expect("bash");
    std::fs::create_dir_all(h.join(".local/share/fish")).expect("fish dir");
    std::fs::copy(
        fixture("fish_history"),
        h.join(".local/share/fish/fish_history"),
    )
    .expect("fish");
    atuin_db(
        &h.join(".local/share/atuin/history.db"),
        &[(
            (T0 + 12) * NS,
            3 * NS + 5,
            0,
            "cargo build --release",
            "/src",
            None,
        )],
    );
    let run = env.run(&["import", "auto"]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            "found atuin ~/.local/share/atuin/history.db, zsh ~/.zsh_history, bash ~/.bash_history, fish ~/.local/share/fish/fish_history",
            "atuin ~/.local/share/atuin/history.db: read 1 entries, added 1, skipped 0 duplicates, 0 bad",
            "zsh ~/.zsh_history: read 10 entries, added 9, skipped 1 duplicates, 0 bad",
            // `git status` at 10:00:00 is in the zsh history too: the same entry.
            "bash ~/.bash_history: read 5 entries, added 4, skipped 1 duplicates, 0 bad",
            "fish ~/.local/share/fish/fish_history: read 5 entries, added 5, skipped 0 duplicates, 0 bad",
        ]
    );
    assert_eq!(env.log().len(), 1 + 9 + 4 + 5);
    let again = env.run(&["import", "auto", "--quiet"]);
    assert!(
        again.ok && again.stdout.is_empty(),
        "{}{}",
        again.stdout,
        again.stderr
    );
    assert_eq!(env.log().len(), 19);
}

#[test]
fn auto_with_nothing_to_import_says_where_it_looked() {
    let env = Env::new();
    let run = env.run(&["import", "auto"]);
    assert!(run.ok, "nothing to import is not a failure");
    assert!(run.stderr.starts_with("worthit: no shell history found; looked for ~/.zsh_history, ~/.histfile, ~/.zhistory, ~/.bash_history, ~/.local/share/fish/fish_history, ~/.local/share/atuin/history.db, ~/.histdb/zsh-history.db"), "{}", run.stderr);
    let run = env.run(&["import", "auto", "/some/file"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("name its format"), "{}", run.stderr);
}

#[test]
fn an_exported_histfile_is_the_default_unless_it_is_the_other_shells() {
    let env = Env::new();
    let bash_file = env.home.join("my_bash_history");
    std::fs::copy(fixture("bash_history"), &bash_file).expect("copy");
    std::fs::copy(fixture("zsh_history"), env.home.join(".zsh_history")).expect("copy");
    let mut zsh = env.command(&["import", "zsh"]);
    zsh.env("HISTFILE", &bash_file);
    let out = zsh.output().expect("run");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("zsh ~/.zsh_history: read 10 entries")
    );
    let mut bash = env.command(&["import", "bash"]);
    bash.env("HISTFILE", &bash_file);
    let out = bash.output().expect("run");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("bash ~/my_bash_history: read 5 entries")
    );
}
