//! `worthit report` and `worthit compare` on real databases filled through the real
//! ingest: figures, filters, machine formats, pipes, rule changes and bad input.

use std::io::Read;
use std::process::Stdio;

use serde_json::Value;
use worthit::event::{Event, Source};

use crate::util::{TestEnv, assert_success};

const DAY_US: i64 = 86_400_000_000;

/// Today's midnight (UTC; the tests run with TZ=UTC) in µs.
fn today_us() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    now - now.rem_euclid(DAY_US)
}

struct Run<'a> {
    days_ago: i64,
    command: &'a str,
    seconds: f64,
    exit: i32,
    cwd: &'a str,
}

fn run(days_ago: i64, command: &str, seconds: f64, exit: i32) -> Run<'_> {
    Run {
        days_ago,
        command,
        seconds,
        exit,
        cwd: "/tmp",
    }
}

/// Writes the runs as one ended session's spool file, spread over the morning of each day.
fn record(env: &TestEnv, runs: &[Run<'_>]) {
    std::fs::create_dir_all(env.spool()).unwrap();
    let mut text = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let event = Event {
            start_us: today_us() - r.days_ago * DAY_US + 8 * 3_600_000_000 + i as i64 * 1_000_000,
            duration_us: Some((r.seconds * 1e6) as i64),
            duration_resolution_us: Some(1),
            exit: Some(r.exit),
            cwd: Some(r.cwd.into()),
            command: r.command.into(),
            shell: "zsh".into(),
            session: "zsh-0-7".into(),
            source: Source::Hook,
            truncated: false,
        };
        text.extend_from_slice(&worthit::spool::serialise(&event));
    }
    let n = std::fs::read_dir(env.spool()).unwrap().count();
    std::fs::write(env.spool().join(format!("zsh-0-{n}.20000.spool")), text).unwrap();
}

fn worthit_utc(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.worthit().env("TZ", "UTC").args(args).output().unwrap()
}

fn ok(env: &TestEnv, args: &[&str]) -> String {
    let out = worthit_utc(env, args);
    assert_success(&out, &format!("worthit {}", args.join(" ")));
    String::from_utf8(out.stdout).unwrap()
}

fn report_json(env: &TestEnv, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["report", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str::<Value>(&ok(env, &args))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(rows: &'a [Value], action: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {rows:#?}"))
}

/// A developer's fortnight: cargo test 10×/day at 40 s (one in five failing), git status
/// 20×/day at 0.1 s, an editor session a day, on 10 working days of the last 14.
fn fortnight(env: &TestEnv) {
    let mut runs = Vec::new();
    for day in 0..14 {
        if day % 7 == 5 || day % 7 == 6 {
            continue;
        }
        for i in 0..10 {
            runs.push(run(
                day,
                "cargo test -p api",
                40.0,
                if i % 5 == 0 { 101 } else { 0 },
            ));
        }
        for _ in 0..20 {
            runs.push(run(day, "git status", 0.1, 0));
        }
        runs.push(run(day, "nvim src/main.rs", 3_600.0, 0));
    }
    record(env, &runs);
}

#[test]
fn json_figures_add_up() {
    let env = TestEnv::new();
    fortnight(&env);
    let rows = report_json(&env, &["--team-size", "130"]);
    assert_eq!(rows.len(), 2, "the editor session is not ranked: {rows:#?}");
    let top = &rows[0];
    assert_eq!(top["action"], "cargo test");
    assert_eq!(top["category"], "test");
    assert_eq!(top["counted"], true);
    assert_eq!(top["runs"], 100);
    assert_eq!(top["timed_runs"], 100);
    assert_eq!(top["runs_per_day"], 10.0);
    assert_eq!(top["total_s"], 4000.0);
    assert_eq!(
        top["median_s"], 40.0,
        "every run took 40 s, so the histogram is exact"
    );
    assert_eq!(top["p90_s"], 40.0);
    assert_eq!(top["spread_s"], 0.0);
    assert_eq!(top["fail_rate"], 0.2);
    assert_eq!(top["per_day_s"], 400.0);
    // The first active day was 11 days ago (12 and 13 were a weekend): a 12-day span.
    assert!((top["per_week_s"].as_f64().unwrap() - 4000.0 / 12.0 * 7.0).abs() < 1e-9);
    let runs_per_year = 100.0 / 12.0 * 365.25;
    let worth = &top["worth_5y_s"];
    let half = 5.0 * runs_per_year * 20.0;
    assert!(
        (worth["50%"].as_f64().unwrap() - half).abs() < 1e-6,
        "{worth}"
    );
    assert!((worth["10%"].as_f64().unwrap() - half / 5.0).abs() < 1e-6);
    assert!((worth["100%"].as_f64().unwrap() - half * 2.0).abs() < 1e-6);
    assert_eq!(top["team_size"], 130);
    let team = top["team_worth_5y_s"]["50%"].as_f64().unwrap();
    assert!((team - 130.0 * half).abs() < 1e-3);
    assert_eq!(top["view"], "calendar");
    let git = &rows[1];
    assert_eq!(git["action"], "git status");
    assert_eq!(git["fail_rate"], 0.0);

    let working = report_json(&env, &["--working-time"]);
    assert_eq!(working[0]["view"], "working");
    assert_eq!(working[0]["runs_per_year"], 10.0 * 230.0);
}

#[test]
fn filters_narrow_the_ranking() {
    let env = TestEnv::new();
    fortnight(&env);
    let all = report_json(&env, &["--include-interactive"]);
    assert_eq!(
        all[0]["action"], "nvim",
        "10 hours of editing rank first when asked for"
    );
    assert_eq!(all[0]["counted"], false);
    let tests = report_json(&env, &["--category", "test,lint"]);
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0]["action"], "cargo test");
    let by_text = report_json(&env, &["--action", "GIT"]);
    assert_eq!(by_text.len(), 1);
    assert_eq!(by_text[0]["action"], "git status");
    let top = report_json(&env, &["--top", "1"]);
    assert_eq!(top.len(), 1);
    // Only the last 3 days: today, yesterday and the day before.
    let recent = report_json(&env, &["--since", "3d"]);
    assert_eq!(find(&recent, "cargo test")["runs"], 30);
    let none = report_json(&env, &["--until", "20d"]);
    assert!(none.is_empty(), "{none:#?}");
}

#[test]
fn repo_filter_by_name_and_path() {
    let env = TestEnv::new();
    let api = env.root().join("src/api");
    let web = env.root().join("src/web");
    for dir in [&api, &web] {
        std::fs::create_dir_all(dir.join(".git")).unwrap();
    }
    let api_s = api.to_string_lossy().into_owned();
    let web_s = web.to_string_lossy().into_owned();
    let mut runs = Vec::new();
    for day in 0..3 {
        runs.push(Run {
            cwd: &api_s,
            ..run(day, "cargo build", 10.0, 0)
        });
        runs.push(Run {
            cwd: &web_s,
            ..run(day, "npm test", 20.0, 0)
        });
    }
    record(&env, &runs);
    let api_only = report_json(&env, &["--repo", "api"]);
    assert_eq!(api_only.len(), 1);
    assert_eq!(api_only[0]["action"], "cargo build");
    let by_path = report_json(&env, &["--repo", &web_s]);
    assert_eq!(by_path.len(), 1);
    assert_eq!(by_path[0]["action"], "npm run test");
    let out = worthit_utc(&env, &["report", "--repo", "nope"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--repo nope: no such repository; known: api, web"),
        "{err}"
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_action() {
    let env = TestEnv::new();
    fortnight(&env);
    let csv = ok(&env, &["report", "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0]
            .starts_with("action,category,counted,runs,timed_runs,runs_per_day,total_s,median_s")
    );
    assert!(
        lines[1].starts_with("cargo test,test,true,100,100,10,4000,40,40,0,0.2,"),
        "{}",
        lines[1]
    );
    let columns = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == columns));
}

#[test]
fn the_table_fits_80_columns_without_colour_in_a_pipe() {
    let env = TestEnv::new();
    fortnight(&env);
    let table = ok(&env, &["report"]);
    assert!(!table.contains('\x1b'), "no colour codes in a pipe");
    assert!(table.starts_with("Your time sinks, "), "{table}");
    let words = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("`cargo test`: 10 runs/day, median 40 s, p90 40 s, fails 20% of the time, costs you 38 min a week. Shaving 20 s off it is worth up to 3.5 days of work over five years for you alone."),
        "{table}"
    );
    for line in table.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let row = table
        .lines()
        .find(|l| l.starts_with("cargo test "))
        .unwrap();
    for cell in ["test", "10", "40s", "20%", "38", "3.5"] {
        assert!(row.split_whitespace().any(|c| c == cell), "{cell} in {row}");
    }
}

#[test]
fn an_empty_database_says_how_to_start() {
    let env = TestEnv::new();
    let table = ok(&env, &["report"]);
    assert!(table.contains("worthit init bash"), "{table}");
    assert!(table.contains("worthit import auto"), "{table}");
    assert_eq!(report_json(&env, &[]), Vec::<Value>::new());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    let mut runs = Vec::new();
    for i in 0..3000 {
        // Unknown programs: one action each.
        runs.push(run(i % 20, "placeholder", 1.0, 0));
    }
    let names: Vec<String> = (0..3000).map(|i| format!("./tool{i}.sh --x")).collect();
    for (r, name) in runs.iter_mut().zip(&names) {
        r.command = name;
    }
    record(&env, &runs);
    let mut child = env
        .worthit()
        .env("TZ", "UTC")
        .args(["report", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is closed here, long before the report is written out.
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_flags_say_what_is_wrong() {
    let env = TestEnv::new();
    for (args, expected) in [
        (&["report", "--since", "soon"][..], "`soon` is not a date"),
        (
            &["report", "--since", "today", "--until", "3d"][..],
            "is after --until",
        ),
        (&["report", "--category", "speed"][..], "speed"),
        (&["report", "--team-size", "0"][..], "0"),
        (
            &["compare", "cargo test", "--before", "2999-01-01"][..],
            "after today",
        ),
    ] {
        let out = worthit_utc(&env, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn new_classification_rules_apply_to_everything_already_recorded() {
    let env = TestEnv::new();
    let runs: Vec<Run<'_>> = (0..5)
        .map(|d| run(d, "./scripts/ci.sh --quick", 30.0, 0))
        .collect();
    record(&env, &runs);
    let before = report_json(&env, &[]);
    assert_eq!(before[0]["action"], "ci.sh");
    std::fs::write(
        env.config(),
        "[[classify.rule]]\nmatch = '^\\./scripts/ci\\.sh'\naction = 'ci'\ncategory = 'test'\n",
    )
    .unwrap();
    let after = report_json(&env, &[]);
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(after[0]["action"], "ci");
    assert_eq!(after[0]["category"], "test");
    assert_eq!(after[0]["runs"], 5);
    let rebuilt = ok(&env, &["ingest", "--rebuild"]);
    assert!(
        rebuilt.contains("rebuilt the rollups of 5 events (0 reclassified)"),
        "{rebuilt}"
    );
}

#[test]
fn compare_tells_a_real_speed_up_from_noise() {
    let env = TestEnv::new();
    let mut runs = Vec::new();
    // 20 runs a day: 40–50 s for two weeks, then 20–25 s since the fix 7 days ago.
    for day in 0..21 {
        for i in 0..20 {
            let jitter = f64::from(i % 10);
            let seconds = if day >= 7 {
                40.0 + jitter
            } else {
                20.0 + jitter / 2.0
            };
            runs.push(run(day, "cargo test", seconds, 0));
            runs.push(run(day, "git status", 0.1 + jitter / 100.0, 0));
        }
        if day < 10 {
            runs.push(run(day, "make", 5.0, 0));
        }
    }
    record(&env, &runs);
    let fix = ok(
        &env,
        &["compare", "cargo test", "--before", "7d", "--window", "14"],
    );
    assert!(fix.contains("Faster: median"), "{fix}");
    assert!(fix.contains("(p < 0.001)"), "{fix}");
    let json: Value = serde_json::from_str(&ok(
        &env,
        &[
            "compare",
            "cargo test",
            "--before",
            "7d",
            "--window",
            "14",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(json["verdict"]["verdict"], "faster", "{json:#}");
    assert_eq!(json["before"]["runs"], 280);
    assert_eq!(json["after"]["runs"], 140);
    assert_eq!(json["before"]["median_s"], 44.0);
    assert_eq!(json["after"]["median_s"], 22.0);
    assert!(json["per_week_change_s"].as_f64().unwrap() < 0.0);

    let same = ok(
        &env,
        &["compare", "git status", "--before", "7d", "--window", "7"],
    );
    assert!(same.contains("No clear change"), "{same}");

    let few = ok(
        &env,
        &["compare", "make", "--before", "7d", "--window", "7"],
    );
    assert!(
        few.contains("Not enough data yet: 3 runs before and 7 after"),
        "{few}"
    );

    let out = worthit_utc(&env, &["compare", "cargo tset", "--before", "7d"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no action `cargo tset` recorded; did you mean `cargo test`?"),
        "{err}"
    );
}

/// Everything `worthit report` prints on a terminal (a pty), with `extra` env vars.
fn report_on_a_terminal(env: &TestEnv, extra: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(crate::util::WORTHIT);
    cmd.arg("report")
        .env_clear()
        .envs(env.vars())
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut session = expectrl::Session::spawn(cmd).expect("start worthit on a pty");
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    loop {
        match session.try_read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "report never finished"
                );
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            // EIO: the program has exited and everything it wrote was read.
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let env = TestEnv::new();
    fortnight(&env);
    let coloured = report_on_a_terminal(&env, &[]);
    assert!(
        coloured.contains("\x1b[1m"),
        "bold headings on a terminal: {coloured:?}"
    );
    assert!(coloured.contains("cargo test"), "{coloured:?}");
    let plain = report_on_a_terminal(&env, &[("NO_COLOR", "1")]);
    assert!(plain.contains("cargo test"), "{plain:?}");
    assert!(
        !plain.contains("\x1b["),
        "NO_COLOR turns colour off: {plain:?}"
    );
}
