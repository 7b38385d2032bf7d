//! `worthit watch` as users run it: the real binary watching a real git repository and a
//! real spool on a temp `WORTHIT_HOME`, checked through `worthit log --json`, the SQLite
//! file and `/proc`: edit → feedback latency, ingest without polling, bounded memory under
//! a storm of file events, load samples on long runs, the report's load footnote, and the
//! detached mode's start, status and stop.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{TestEnv, assert_success, hook_event, write_spool};

fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

/// A temp git repository with one source file.
fn git_repo(env: &TestEnv) -> PathBuf {
    let repo = env.root().join("api");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    let out = env
        .command("git")
        .args(["init", "-q"])
        .current_dir(&repo)
        .output()
        .expect("run git init");
    assert_success(&out, "git init");
    std::fs::write(repo.join("src/lib.rs"), "pub fn answer() -> u32 { 41 }\n").unwrap();
    repo
}

/// A foreground `worthit watch` whose stdout lines arrive on a channel; stopped (SIGTERM)
/// when dropped.
struct Watching {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watching {
    /// Starts `worthit watch <args>` and waits until it says it is ready.
    fn start(env: &TestEnv, args: &[&str]) -> Watching {
        let mut child = env
            .worthit()
            .arg("watch")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start worthit watch");
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        let mut watching = Watching {
            child,
            lines,
            seen: Vec::new(),
        };
        watching.wait_for_line("worthit watch ready");
        watching
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (20 s at most) for a stdout line containing `text`; returns it.
    fn wait_for_line(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {text:?} from worthit watch; saw {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Sends SIGTERM and waits; the watch must finish cleanly.
    fn stop(mut self) {
        terminate(self.pid());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "worthit watch exited with {status}");
        self.wait_for_line("worthit watch stopped");
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn terminate(pid: u32) {
    // SAFETY: kill has no memory effects; the pid is our own child's.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) }, 0);
}

/// Polls `worthit log --json` (50 at a time, newest first) until `pick` finds an event.
fn wait_for_event(env: &TestEnv, what: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events = env.log_json();
        if let Some(found) = events.iter().find(|e| pick(e)) {
            return found.clone();
        }
        assert!(Instant::now() < deadline, "no {what} in {events:#?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The database, read-only, as another process sees it.
fn database(env: &TestEnv) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        env.data().join("worthit.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

fn count(env: &TestEnv, sql: &str) -> i64 {
    database(env).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Resident memory of a process in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

/// User + system CPU time of a process in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (in parentheses, which may hold spaces).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn a_save_then_a_test_run_records_the_edit_to_feedback_latency() {
    let env = TestEnv::new();
    let repo = git_repo(&env);
    let repo_s = repo.to_str().unwrap();
    let watch = Watching::start(&env, &["--repo", repo_s, "--days", "1"]);

    let before_save = now_us();
    std::fs::write(repo.join("src/lib.rs"), "pub fn answer() -> u32 { 42 }\n").unwrap();
    let after_save = now_us();
    // The test run starts a moment after the save (as a person's does) and fails.
    std::thread::sleep(Duration::from_millis(300));
    let start = now_us();
    let run = hook_event(
        start,
        "cargo test -p api",
        1.5,
        101,
        &format!("{repo_s}/src"),
    );
    write_spool(&env, &[run]);
    let end = start + 1_500_000;

    let edit = wait_for_event(&env, "edit→test event", |e| {
        e["command"] == "edit→test cargo test"
    });
    assert_eq!(edit["shell"], "watch");
    assert_eq!(edit["cwd"], repo_s);
    assert_eq!(edit["repo"], repo_s);
    assert_eq!(edit["exit"], 101);
    assert_eq!(edit["source"], "hook");
    let session = edit["session"].as_str().unwrap();
    assert!(
        session.starts_with(&format!("watch-{}-", watch.pid())),
        "{session}"
    );
    // From the save (seen by watch within a moment of the write) to the end of the run.
    let latency_ms = edit["duration_ms"].as_f64().unwrap();
    let longest = (end - before_save) as f64 / 1e3;
    let shortest = (end - after_save) as f64 / 1e3 - 250.0;
    assert!(
        (shortest..=longest).contains(&latency_ms),
        "latency {latency_ms} ms not in {shortest}..={longest}"
    );
    let events = env.log_json();
    let test = events
        .iter()
        .find(|e| e["command"] == "cargo test -p api")
        .expect("the test run is stored");
    assert_eq!(test["repo"], repo_s);
    // One edit, one loop: nothing else was recorded.
    assert_eq!(
        events.iter().filter(|e| e["shell"] == "watch").count(),
        1,
        "{events:#?}"
    );

    // A second run with no save in between closes no loop.
    let again = hook_event(now_us(), "cargo test", 0.5, 0, repo_s);
    write_spool(&env, &[again]);
    wait_for_event(&env, "second test run", |e| e["command"] == "cargo test");
    std::thread::sleep(Duration::from_millis(600));
    let events = env.log_json();
    assert_eq!(events.iter().filter(|e| e["shell"] == "watch").count(), 1);
    watch.stop();
}

#[test]
fn spool_lines_reach_the_database_without_polling() {
    let env = TestEnv::new();
    let watch = Watching::start(&env, &["--days", "1"]);
    // Idle: no spool change means no work at all.
    let idle_from = cpu_ticks(watch.pid());
    std::thread::sleep(Duration::from_secs(2));
    let idle_ticks = cpu_ticks(watch.pid()) - idle_from;
    assert!(
        idle_ticks <= 5,
        "{idle_ticks} ticks of CPU in 2 s while idle"
    );

    for round in 0..3 {
        let written = Instant::now();
        write_spool(
            &env,
            &[hook_event(
                now_us(),
                &format!("make round{round}"),
                0.2,
                0,
                "/tmp",
            )],
        );
        let deadline = written + Duration::from_secs(2);
        while count(&env, "SELECT count(*) FROM events") < round + 1 {
            assert!(
                Instant::now() < deadline,
                "round {round}: the line was not ingested within 2 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let took = written.elapsed();
        assert!(
            took < Duration::from_millis(1500),
            "ingested after {took:?}"
        );
    }
    watch.stop();
}

#[test]
fn thousands_of_file_events_keep_memory_bounded() {
    let env = TestEnv::new();
    let repo = git_repo(&env);
    let repo_s = repo.to_str().unwrap();
    let watch = Watching::start(&env, &["--repo", repo_s, "--days", "1"]);
    let storm = |round: usize| {
        let dir = repo.join(format!("gen{round}"));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..2_000 {
            let file = dir.join(format!("f{}.rs", i % 500));
            std::fs::write(&file, format!("// {round} {i}\n")).unwrap();
        }
        // Also what builds write, which must cost nothing.
        let target = repo.join("target/debug");
        std::fs::create_dir_all(&target).unwrap();
        for i in 0..1_000 {
            std::fs::write(target.join(format!("o{}", i % 100)), "x").unwrap();
        }
        // Let watch catch up.
        std::thread::sleep(Duration::from_millis(800));
    };
    storm(0);
    let warm = rss_kb(watch.pid());
    for round in 1..6 {
        storm(round);
    }
    let after = rss_kb(watch.pid());
    // Five rounds of ~10,000 file events each (create, write, close) and 500 new files a round.
    assert!(
        after < warm + 4 * 1024,
        "RSS grew from {warm} kB to {after} kB"
    );

    // Still tracking saves after the storm.
    std::thread::sleep(Duration::from_millis(200));
    let run = hook_event(now_us(), "cargo build", 0.8, 0, repo_s);
    write_spool(&env, &[run]);
    wait_for_event(&env, "edit→build event", |e| {
        e["command"] == "edit→build cargo build"
    });
    watch.stop();
}

#[test]
fn long_runs_get_the_machine_load_they_ran_under() {
    let env = TestEnv::new();
    let watch = Watching::start(&env, &["--days", "1", "--sample-interval-ms", "100"]);
    // Give the sampler a head start: the run must begin after its first interval.
    std::thread::sleep(Duration::from_millis(400));
    let start = now_us();
    std::thread::sleep(Duration::from_millis(5_300));
    write_spool(
        &env,
        &[
            hook_event(start, "cargo test", 5.0, 0, "/tmp"),
            hook_event(start + 1_000_000, "cargo build", 2.0, 0, "/tmp"),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&env, "SELECT count(*) FROM event_load") == 0 {
        assert!(Instant::now() < deadline, "no load row stored");
        std::thread::sleep(Duration::from_millis(50));
    }
    watch.stop();
    let db = database(&env);
    let (command, samples, cpu_mean, cpu_max, memory, cores): (String, i64, f64, f64, f64, i64) =
        db.query_row(
            "SELECT e.command, l.samples, l.cpu_mean_pct, l.cpu_max_pct, l.memory_max_pct, l.cores
             FROM event_load l JOIN events e ON e.id = l.event_id",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    // Only the 5 s run: the 2 s one is too short to be worth a row.
    assert_eq!(command, "cargo test");
    assert!(
        (40..=60).contains(&samples),
        "{samples} samples in 5 s at 100 ms"
    );
    assert!((0.0..=100.0).contains(&cpu_mean) && cpu_mean <= cpu_max && cpu_max <= 100.0);
    assert!(memory > 0.0 && memory <= 100.0, "{memory}");
    assert!(cores >= 1);
    assert_eq!(count(&env, "SELECT count(*) FROM event_load"), 1);

    // The report's JSON carries it for that action only.
    let out = env
        .worthit()
        .env("TZ", "UTC")
        .args(["report", "--json"])
        .output()
        .unwrap();
    assert_success(&out, "worthit report --json");
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let test = rows.iter().find(|r| r["action"] == "cargo test").unwrap();
    assert_eq!(test["load"]["runs"], 1);
    let build = rows.iter().find(|r| r["action"] == "cargo build").unwrap();
    assert!(build.get("load").is_none(), "{build:#}");
}

/// Stores a load row for the run of `command` that took `seconds`, as the watch does.
fn store_load(env: &TestEnv, command: &str, seconds: i64, cpu_mean: f64, memory: f64) {
    let db = rusqlite::Connection::open(env.data().join("worthit.db")).unwrap();
    let changed = db
        .execute(
            "INSERT INTO event_load
                (event_id, samples, cpu_mean_pct, cpu_max_pct, memory_max_pct, swap_max_per_s, cores)
             SELECT id, 10, ?3, ?3, ?4, 0, 2 FROM events WHERE command = ?1 AND duration_us = ?2",
            rusqlite::params![command, seconds * 1_000_000, cpu_mean, memory],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn the_report_says_when_runs_were_slow_because_the_machine_was_saturated() {
    let env = TestEnv::new();
    let base = now_us() - 3_600_000_000;
    let mut runs = Vec::new();
    for (i, seconds) in [40.0, 44.0, 20.0, 21.0, 19.0].into_iter().enumerate() {
        runs.push(hook_event(
            base + i as i64 * 60_000_000,
            "cargo test",
            seconds,
            0,
            "/tmp",
        ));
    }
    runs.push(hook_event(base, "make", 9.0, 0, "/tmp"));
    write_spool(&env, &runs);
    let report = |args: &[&str]| {
        let out = env.worthit().env("TZ", "UTC").args(args).output().unwrap();
        assert_success(&out, "worthit report");
        String::from_utf8(out.stdout).unwrap()
    };
    let table_before = report(&["report"]);
    let json_before = report(&["report", "--json"]);
    let csv_before = report(&["report", "--csv"]);
    assert!(!json_before.contains("\"load\""));

    // Calm runs alone: the table has nothing to add, the JSON says so.
    for seconds in [20, 21, 19] {
        store_load(&env, "cargo test", seconds, 30.0, 40.0);
    }
    assert_eq!(report(&["report"]), table_before);
    let calm: Vec<Value> = serde_json::from_str(&report(&["report", "--json"])).unwrap();
    assert_eq!(calm[0]["action"], "cargo test");
    assert_eq!(calm[0]["load"]["runs"], 3);
    assert_eq!(calm[0]["load"]["saturated_runs"], 0);
    assert_eq!(calm[0]["load"]["slowdown"], Value::Null);

    // The two slow runs had a saturated CPU.
    store_load(&env, "cargo test", 40, 97.0, 40.0);
    store_load(&env, "cargo test", 44, 99.0, 40.0);
    let table = report(&["report"]);
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let mut lines: Vec<&str> = table.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("`cargo test`: 40 %"))
        .unwrap_or_else(|| panic!("no footnote in {table}"));
    let blank = at + lines[at..].iter().position(|l| l.is_empty()).unwrap();
    assert_eq!(
        lines[at..blank].join(" "),
        "`cargo test`: 40 % of the 5 timed runs with load data ran on a saturated machine \
         (CPU ≥ 90 %); those took 2.1× longer."
    );
    // Everything else is as it was.
    lines.drain(at..=blank);
    assert_eq!(lines.join("\n") + "\n", table_before);

    let json: Vec<Value> = serde_json::from_str(&report(&["report", "--json"])).unwrap();
    let load = &json[0]["load"];
    assert_eq!(load["runs"], 5);
    assert_eq!(load["saturated_runs"], 2);
    assert_eq!(load["cpu_saturated_runs"], 2);
    assert_eq!(load["memory_saturated_runs"], 0);
    assert_eq!(load["saturated_share"], 0.4);
    assert_eq!(load["median_saturated_s"], 42.0);
    assert_eq!(load["median_unsaturated_s"], 20.0);
    assert_eq!(load["slowdown"], 2.1);
    assert_eq!(load["cpu_threshold_pct"], 90.0);
    assert_eq!(load["memory_threshold_pct"], 90.0);
    assert_eq!(json[1]["action"], "make");
    assert!(json[1].get("load").is_none());
    // The CSV's columns are fixed: load data changes nothing there.
    assert_eq!(report(&["report", "--csv"]), csv_before);
}

/// Stops a detached watch left running by a failed test.
struct StopOnDrop<'a>(&'a TestEnv);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.worthit().args(["watch", "--stop"]).output();
    }
}

fn pid_in(text: &str) -> u32 {
    let at = text.find("pid ").expect("a pid") + 4;
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn the_daemon_runs_once_in_the_background_and_stops() {
    let env = TestEnv::new();
    let repo = git_repo(&env);
    let _guard = StopOnDrop(&env);
    let status = env.worthit().args(["watch", "--status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "worthit watch is not running\n"
    );

    // From inside the repository: `--repo .` is resolved before detaching.
    let started = env
        .worthit()
        .args(["watch", "--daemon", "--repo", "."])
        .current_dir(repo.join("src"))
        .output()
        .unwrap();
    assert_success(&started, "worthit watch --daemon");
    let text = String::from_utf8(started.stdout).unwrap();
    assert!(
        text.starts_with("worthit watch runs in the background (pid "),
        "{text}"
    );
    let pid = pid_in(&text);
    assert_eq!(
        std::fs::read_to_string(env.data().join("watch.pid")).unwrap(),
        format!("{pid}\n")
    );

    let status = env.worthit_ok(&["watch", "--status"]);
    assert_eq!(
        status,
        format!(
            "worthit watch is running (pid {pid}); log: {}\n",
            env.data().join("watch.log").display()
        )
    );
    let twice = env.worthit().args(["watch", "--daemon"]).output().unwrap();
    assert!(!twice.status.success());
    assert_eq!(
        String::from_utf8_lossy(&twice.stderr),
        format!("worthit: worthit watch is already running (pid {pid})\n")
    );
    let foreground = env.worthit().args(["watch"]).output().unwrap();
    assert!(!foreground.status.success(), "a second watch must not run");

    // The detached watch does its job: a save and a lint run make an edit→lint event.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(env.data().join("watch.log"))
        .unwrap()
        .contains("worthit watch ready")
    {
        assert!(
            Instant::now() < deadline,
            "the detached watch never got ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(repo.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    write_spool(
        &env,
        &[hook_event(
            now_us(),
            "cargo clippy",
            2.0,
            0,
            repo.to_str().unwrap(),
        )],
    );
    wait_for_event(&env, "edit→lint event", |e| {
        e["command"] == "edit→lint cargo clippy"
    });

    assert_eq!(
        env.worthit_ok(&["watch", "--stop"]),
        format!("stopped worthit watch (pid {pid})\n")
    );
    let status = env.worthit().args(["watch", "--status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(3));
    assert_eq!(
        env.worthit_ok(&["watch", "--stop"]),
        "worthit watch is not running\n"
    );
    let mut log = String::new();
    std::fs::File::open(env.data().join("watch.log"))
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains(&format!("watching {}", repo.display())),
        "{log}"
    );
    assert!(log.contains("edit→lint cargo clippy in"), "{log}");
    assert!(log.trim_end().ends_with("worthit watch stopped"), "{log}");
    // A new watch may start now.
    let restarted = env.worthit().args(["watch", "--daemon"]).output().unwrap();
    assert_success(&restarted, "worthit watch --daemon after --stop");
    assert_success(
        &env.worthit().args(["watch", "--stop"]).output().unwrap(),
        "worthit watch --stop",
    );
}

#[test]
fn a_repo_flag_outside_any_repository_is_an_error() {
    let env = TestEnv::new();
    let out = env
        .worthit()
        .args(["watch", "--repo", env.root().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("not inside a git repository (no .git above it)\n"),
        "{stderr}"
    );
    let status = env.worthit().args(["watch", "--status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(3));
}
