//! `worthit digest`: exact figures for a seeded database (top three sinks, their change
//! from the week before, a fix that landed with the user's own before and after), and
//! the weekly file for the shell: off by default, written at most once per ISO week by
//! the commands that read data, never again after the shell emptied it that week.

use std::time::Instant;

use crate::util::{TestEnv, assert_success, hook_event, today_midnight_us, write_spool};

const DAY_US: i64 = 86_400_000_000;
const HOUR_US: i64 = 3_600_000_000;

fn date_days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days)).to_string()
}

/// Runs of `command` on the day `days_ago` days back, one a minute from 01:00 (UTC).
fn runs(days_ago: i64, command: &str, seconds: &[f64], cwd: &str) -> Vec<worthit::event::Event> {
    let start = today_midnight_us() - days_ago * DAY_US + HOUR_US;
    seconds
        .iter()
        .enumerate()
        .map(|(i, &s)| hook_event(start + i as i64 * 60_000_000, command, s, 0, cwd))
        .collect()
}

/// Four weeks and a bit of history (today is day 0):
/// - `cargo test` got faster on day 14 (its fix): days 30 to 16 one run each of 60 to
///   74 s; then days 13 to 7 (the week before) 30 to 36 s, days 6 to 0 (this week)
///   20 to 26 s.
/// - `cargo build`: five runs of 120 s the week before, three of 100 s this week.
/// - `npm run test`: four runs of 15 s this week only; `pytest` one of 10 s.
fn seed(env: &TestEnv) {
    let cwd = env.root().to_string_lossy().into_owned();
    let mut events = Vec::new();
    for (i, day) in (16..=30).rev().enumerate() {
        events.extend(runs(day, "cargo test", &[60.0 + i as f64], &cwd));
    }
    for (i, day) in (7..=13).rev().enumerate() {
        events.extend(runs(day, "cargo test", &[30.0 + i as f64], &cwd));
    }
    for (i, day) in (0..=6).rev().enumerate() {
        events.extend(runs(day, "cargo test", &[20.0 + i as f64], &cwd));
    }
    events.extend(runs(10, "cargo build", &[120.0; 5], &cwd));
    events.extend(runs(3, "cargo build", &[100.0; 3], &cwd));
    events.extend(runs(2, "npm run test", &[15.0; 4], &cwd));
    events.extend(runs(1, "pytest", &[10.0], &cwd));
    write_spool(env, &events);
    // What an upload would have cached from the team server: a fix for cargo test, one
    // for a tool never used here, and an `other:` key that names no action.
    let fixes = serde_json::json!({
        "fetched_at": "2026-11-23T08:00:00Z",
        "server": "https://worthit.example.com",
        "fixes": [
            {"action": "cargo test", "fixed_on": date_days_ago(14), "saved_hours_per_week": 7.5, "verdict": "saved"},
            {"action": "gradle test", "fixed_on": date_days_ago(3), "saved_hours_per_week": 2.0, "verdict": "saved"},
            {"action": "other:test", "fixed_on": date_days_ago(3), "saved_hours_per_week": 1.0, "verdict": "saved"}
        ]
    });
    std::fs::create_dir_all(env.data()).unwrap();
    std::fs::write(env.data().join("fixes.json"), fixes.to_string()).unwrap();
}

fn worthit(env: &TestEnv, args: &[&str]) -> String {
    let out = env.worthit().env("TZ", "UTC").args(args).output().unwrap();
    assert_success(&out, &format!("worthit {}", args.join(" ")));
    String::from_utf8(out.stdout).unwrap()
}

/// The digest the seeded history must give, to the character.
fn expected_digest() -> String {
    format!(
        "worthit weekly digest, {} to {}\n\
         Your top time sinks this week (change from the week before):\n\
         \x20 1. cargo build         5 min  -50%\n\
         \x20 2. cargo test     2 min 41 s  -30%\n\
         \x20 3. npm run test        1 min  new\n\
         Fix landed {} for `cargo test`: you save 1 min 8 s per week (p < 0.001).\n\
         More: `worthit`. Weekly digest on or off: `worthit digest enable|disable`.\n",
        date_days_ago(6),
        date_days_ago(0),
        date_days_ago(14)
    )
}

#[test]
fn the_digest_of_a_seeded_database() {
    let env = TestEnv::new();
    seed(&env);
    // cargo build 300 s against 600 s; cargo test 20+…+26 = 161 s against 30+…+36 =
    // 231 s (−30.3 %); npm run test did not run the week before. Around the fix: 15 runs
    // of 60–74 s (1005 s over the 28 days before: 251.25 s a week) against 14 runs of
    // 20–36 s (392 s over the 15 days since: 182.93 s a week), 68 s a week saved.
    let text = worthit(&env, &["digest"]);
    assert_eq!(text, expected_digest());
    assert!(text.lines().count() <= 20);
}

#[test]
fn the_weekly_file_is_written_once_per_iso_week() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    seed(&env);
    let file = env.data().join("digest.txt");
    let settings = env.data().join("digest.json");

    // Off by default: reading commands write nothing.
    worthit(&env, &["report"]);
    assert!(!file.exists());
    assert!(worthit(&env, &["digest", "status"]).contains("weekly digest  off"));

    let said = worthit(&env, &["digest", "enable"]);
    assert!(said.contains("The weekly digest is on"), "{said}");
    assert!(!file.exists(), "enabling alone computes nothing");
    let started = Instant::now();
    worthit(&env, &["report"]);
    let took = started.elapsed();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected_digest());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let week = {
        use chrono::Datelike;
        let w = chrono::Utc::now().date_naive().iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    };
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&settings).unwrap()).unwrap();
    assert_eq!(
        state,
        serde_json::json!({"enabled": true, "last_week": week})
    );
    let status = worthit(&env, &["digest", "status"]);
    assert!(status.contains("weekly digest  on"), "{status}");
    assert!(status.contains("(7 lines not yet printed)"), "{status}");
    assert!(
        status.contains(&format!("last written   {week}")),
        "{status}"
    );
    eprintln!("report with the weekly digest computed: {took:?}");

    // The shell printed and emptied it: not again this week, whatever runs.
    std::fs::write(&file, "").unwrap();
    worthit(&env, &["report"]);
    worthit(&env, &["log"]);
    worthit(&env, &["compare", "cargo test"]);
    assert_eq!(std::fs::read(&file).unwrap(), b"");
    assert!(worthit(&env, &["digest", "status"]).contains("(printed)"));

    // A new week: written again.
    std::fs::write(&settings, r#"{"enabled": true, "last_week": "2000-W01"}"#).unwrap();
    worthit(&env, &["log"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected_digest());

    // Off: the unread one goes, and nothing new comes.
    assert!(worthit(&env, &["digest", "disable"]).contains("The weekly digest is off."));
    assert!(!file.exists());
    std::fs::write(&settings, r#"{"enabled": false, "last_week": "2000-W01"}"#).unwrap();
    worthit(&env, &["report"]);
    assert!(!file.exists());
}

#[test]
fn a_week_without_timed_commands_leaves_no_file() {
    let env = TestEnv::new();
    let cwd = env.root().to_string_lossy().into_owned();
    // Only old history: nothing in the last two weeks.
    write_spool(&env, &runs(40, "cargo test", &[30.0; 3], &cwd));
    worthit(&env, &["digest", "enable"]);
    std::fs::write(env.data().join("digest.txt"), "last week's news\n").unwrap();
    worthit(&env, &["report"]);
    assert!(
        !env.data().join("digest.txt").exists(),
        "stale news is removed"
    );
    let text = worthit(&env, &["digest"]);
    assert!(
        text.contains("No timed commands in the last 7 days."),
        "{text}"
    );
}
