//! Integration tests: ingest is exactly-once under kill -9, concurrent ingests and many
//! writers appending at the same time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WORTHIT: &str = env!("CARGO_BIN_EXE_worthit");

/// A temp WORTHIT_HOME with its spool dir.
struct Home {
    _dir: tempfile::TempDir,
    home: PathBuf,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("worthit");
        std::fs::create_dir_all(home.join("spool")).expect("spool dir");
        Home { _dir: dir, home }
    }

    fn spool(&self) -> PathBuf {
        self.home.join("spool")
    }

    fn worthit(&self) -> Command {
        let mut cmd = Command::new(WORTHIT);
        cmd.env("WORTHIT_HOME", &self.home)
            .env("WORTHIT_CONFIG", self.home.join("no-config.toml"))
            .env("HOME", &self.home);
        cmd
    }

    /// Every stored command with how many times it is stored.
    fn stored_commands(&self) -> HashMap<String, usize> {
        let conn = rusqlite::Connection::open(self.home.join("worthit.db")).expect("open db");
        let mut stmt = conn.prepare("SELECT command FROM events").expect("query");
        let mut counts = HashMap::new();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows");
        for command in rows {
            *counts.entry(command.expect("command")).or_insert(0) += 1;
        }
        counts
    }
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        / 86_400
}

/// A bash process appending `lines` spool lines the way the hooks do (one builtin
/// `printf` per line, `>>` so O_APPEND), to its own per-session file unless `file` names
/// a shared one. Commands are `w<writer> <n>`, so every event is identifiable.
fn spawn_writer(spool: &Path, writer: usize, lines: usize, file: Option<&str>) -> Child {
    let script = r#"
        day=$1; writer=$2; lines=$3; shared=$4
        f="$SPOOL/bash-$$-$writer.$day.spool"
        [[ -n $shared ]] && f="$SPOOL/$shared"
        for ((n = 0; n < lines; n++)); do
            printf '1\t%s\t1000\t0\t1\t\tbash\tbash-%s-%s\t/tmp\tw%s %s\n' \
                "$((1790000000000000 + n))" "$$" "$writer" "$writer" "$n" >>"$f"
        done
    "#;
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("writer")
        .arg(today().to_string())
        .arg(writer.to_string())
        .arg(lines.to_string())
        .arg(file.unwrap_or(""))
        .env("SPOOL", spool)
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn bash writer")
}

fn expected_commands(writers: usize, lines: usize) -> Vec<String> {
    (0..writers)
        .flat_map(|w| (0..lines).map(move |n| format!("w{w} {n}")))
        .collect()
}

fn assert_exactly_once(home: &Home, expected: &[String]) {
    let stored = home.stored_commands();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|c| !stored.contains_key(*c))
        .collect();
    let duplicated: Vec<(&String, &usize)> = stored.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        missing.is_empty(),
        "{} events lost, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert!(
        duplicated.is_empty(),
        "{} events duplicated, e.g. {:?}",
        duplicated.len(),
        &duplicated[..duplicated.len().min(5)]
    );
    assert_eq!(stored.len(), expected.len(), "unexpected extra events");
}

/// The per-day rollups count exactly the stored events: runs, failures and durations.
fn assert_rollups_agree(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let (events, failures, timed, sum_us): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE exit <> 0),
                    count(duration_us), coalesce(sum(duration_us), 0) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("count events");
    let mut stmt = conn
        .prepare("SELECT runs, failures, histogram FROM rollups")
        .expect("query rollups");
    let mut rows = stmt.query([]).expect("rollups");
    let (mut runs, mut failed, mut counted, mut summed) = (0i64, 0i64, 0u64, 0u64);
    while let Some(row) = rows.next().expect("rollup row") {
        runs += row.get::<_, i64>(0).expect("runs");
        failed += row.get::<_, i64>(1).expect("failures");
        let blob: Vec<u8> = row.get(2).expect("histogram");
        let histogram = worthit::histogram::Histogram::from_bytes(&blob).expect("valid histogram");
        counted += histogram.count();
        summed += histogram.sum_us();
    }
    assert_eq!(
        (runs, failed, counted as i64, summed as i64),
        (events, failures, timed, sum_us),
        "rollups (runs, failures, timed, µs) disagree with the events"
    );
}

/// Small deterministic PRNG so failures reproduce.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Writes a spool file of an ended session (pid 0 is never alive) with `lines` events
/// named `<tag> <n>`.
fn write_backlog(home: &Home, tag: &str, lines: usize) -> Vec<String> {
    let mut text = String::new();
    let mut commands = Vec::with_capacity(lines);
    for n in 0..lines {
        let command = format!("{tag} {n}");
        text.push_str(&format!(
            "1\t{}\t1000\t0\t1\t\tbash\tbash-0-{tag}\t/tmp\t{command}\n",
            1_780_000_000_000_000i64 + n as i64
        ));
        commands.push(command);
    }
    let file = home.spool().join(format!("bash-0-{tag}.{}.spool", today()));
    std::fs::write(file, text).expect("backlog");
    commands
}

#[test]
fn kill_9_at_random_points_loses_and_duplicates_nothing() {
    let home = Home::new();
    let mut expected = Vec::new();

    // Calibrate: how long does one ingest of a fresh backlog take here, start to end?
    // (Median of three, so one slow start-up does not stretch every kill delay.)
    let mut runs: Vec<u64> = (0..3)
        .map(|i| {
            expected.extend(write_backlog(&home, &format!("calibrate{i}"), 2_000));
            let started = std::time::Instant::now();
            let status = home.worthit().args(["ingest", "--quiet"]).status();
            assert!(status.expect("ingest").success());
            started.elapsed().as_micros() as u64
        })
        .collect();
    runs.sort_unstable();
    let full_us = runs[1];

    // Shells keep appending throughout.
    let (writers, lines) = (4, 6_000);
    let mut children: Vec<Child> = (0..writers)
        .map(|w| spawn_writer(&home.spool(), w, lines, None))
        .collect();
    expected.extend(expected_commands(writers, lines));

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut killed = 0;
    for round in 0..120 {
        // Fresh work each round, so every kill lands somewhere in a real ingest:
        // start-up, reading, inserting, committing or removing finished files.
        expected.extend(write_backlog(&home, &format!("round{round}"), 2_000));
        let mut ingest = home
            .worthit()
            .args(["ingest", "--quiet"])
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ingest");
        // Mostly inside the run, sometimes just after it.
        std::thread::sleep(Duration::from_micros(rng.below(full_us)));
        if ingest.try_wait().expect("poll ingest").is_none() {
            killed += 1;
        }
        ingest.kill().ok(); // SIGKILL
        ingest.wait().expect("reap ingest");
    }
    for child in &mut children {
        assert!(child.wait().expect("writer").success());
    }
    let out = home.worthit().arg("ingest").output().expect("final ingest");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        killed >= 60,
        "only {killed} of 120 ingests were killed while running"
    );

    assert_exactly_once(&home, &expected);
    assert_rollups_agree(&home.home.join("worthit.db"));
    // Every session has ended, so its fully ingested file is gone.
    let left: Vec<_> = std::fs::read_dir(home.spool()).expect("spool").collect();
    assert!(left.is_empty(), "spool files left: {left:?}");
}

#[test]
fn sixteen_writers_and_two_ingest_loops_at_once() {
    let home = Home::new();
    let (writers, lines) = (16, 2_000);
    // Writers 0..14 each have their own session file; 14 and 15 share one file, to show
    // whole-line appends do not interleave.
    let mut children: Vec<Child> = (0..writers)
        .map(|w| {
            let shared = (w >= 14).then_some("shared.spool");
            spawn_writer(&home.spool(), w, lines, shared)
        })
        .collect();
    let ingest_loop = |home: &Home| {
        let mut stderr = String::new();
        for _ in 0..15 {
            let out = home
                .worthit()
                .args(["ingest", "--quiet"])
                .output()
                .expect("ingest");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        stderr
    };
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| ingest_loop(&home));
        let b = scope.spawn(|| ingest_loop(&home));
        (a.join().expect("loop a"), b.join().expect("loop b"))
    });
    for child in &mut children {
        assert!(child.wait().expect("writer").success());
    }
    let out = home.worthit().arg("ingest").output().expect("final ingest");
    let last = String::from_utf8_lossy(&out.stderr).into_owned();
    for stderr in [&a, &b, &last] {
        assert!(!stderr.contains("locked"), "lock error surfaced: {stderr}");
        assert!(!stderr.contains("malformed"), "interleaved lines: {stderr}");
    }
    assert_exactly_once(&home, &expected_commands(writers, lines));
    assert_rollups_agree(&home.home.join("worthit.db"));
}

#[test]
fn a_hook_event_replaces_its_imported_twin_and_reimports_add_nothing() {
    let home = Home::new();
    // `worthit import zsh` itself is in the history it imports (zsh saves the line
    // before running it), and the hook spools it when it finishes.
    let second = 1_790_000_000i64;
    let history = home.home.join("zsh_history");
    std::fs::write(
        &history,
        format!(
            ": {}:0;make\n: {second}:0;worthit import zsh\n",
            second - 60
        ),
    )
    .expect("history");
    let import = |home: &Home| {
        let out = home
            .worthit()
            .args(["import", "zsh", "--quiet"])
            .arg(&history)
            .output()
            .expect("import");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    import(&home);
    // The hook's clock started in the next second.
    std::fs::write(
        home.spool().join(format!("zsh-0-1.{}.spool", today())),
        format!(
            "1\t{}\t250000\t0\t1\t\tzsh\tzsh-0-1\t/tmp\tworthit import zsh\n",
            (second + 1) * 1_000_000 + 4_000
        ),
    )
    .expect("spool");
    let out = home
        .worthit()
        .args(["ingest", "--quiet"])
        .output()
        .expect("ingest");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    import(&home);

    let conn = rusqlite::Connection::open(home.home.join("worthit.db")).expect("db");
    let rows: Vec<(String, String, Option<i64>)> = conn
        .prepare("SELECT command, source, exit FROM events_full ORDER BY start_us")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    assert_eq!(
        rows,
        vec![
            ("make".to_string(), "import:zsh".to_string(), None),
            (
                "worthit import zsh".to_string(),
                "hook".to_string(),
                Some(0)
            ),
        ]
    );
    // The imported twin was rolled up before the hook event replaced it.
    assert_rollups_agree(&home.home.join("worthit.db"));
}
