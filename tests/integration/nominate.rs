//! `worthit nominate` and the TUI's `n` against a capturing HTTP server on 127.0.0.1: the
//! bytes sent are the bytes previewed, nothing private leaves, confirmation is required,
//! uploading must be on, notes are validated, server failures become clear messages, and
//! the audit log records nominations. Then the fixes the server reports: cached by uploads,
//! used by `worthit compare` when no date is given.

use std::io::Write;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use expectrl::{Expect, Session};
use worthit::upload::nominate::Nomination;

use crate::capture::{Capture, Reply};
use crate::util::{TestEnv, WORTHIT, assert_success, hook_event, today_midnight_us, write_spool};

const DAY_US: i64 = 86_400_000_000;
const HOUR_US: i64 = 3_600_000_000;
const NOMINATIONS: &str = "/api/v1/nominations";
const FIXES: &str = "/api/v1/fixes";

/// Paths, user, host, secrets planted in the history: none may leave in a nomination.
const PLANTED: &[&str] = &[
    "ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "alice",
    "secret-project",
    "build-box-17",
    "acme-internal",
    "/home/",
    "feature/",
    "scripts",
];

/// Two weeks of commands in a repository with a private remote, some with secrets in
/// them.
fn record_private_history(env: &TestEnv) {
    let repo = env.root().join("home/alice/secret-project");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join(".git/config"),
        "[remote \"origin\"]\n\turl = git@github.com:acme-internal/secret-project.git\n",
    )
    .unwrap();
    let cwd = repo.to_string_lossy().into_owned();
    let midnight = today_midnight_us();
    let mut events = Vec::new();
    for day in 0..14 {
        let at = |minute: i64| midnight - day * DAY_US + HOUR_US + minute * 60_000_000;
        events.push(hook_event(
            at(0),
            "cargo test -p secret-project -- --nocapture",
            38.0 + day as f64,
            i32::from(day % 3 == 0),
            &cwd,
        ));
        events.push(hook_event(
            at(2),
            "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 cargo build",
            20.0 + day as f64,
            0,
            &cwd,
        ));
        events.push(hook_event(
            at(4),
            "./scripts/deploy-secret-project.sh build-box-17",
            90.0,
            0,
            &cwd,
        ));
        events.push(hook_event(
            at(6),
            "git push origin feature/alice-secret",
            3.0,
            0,
            &cwd,
        ));
    }
    write_spool(env, &events);
}

fn worthit(env: &TestEnv, args: &[&str]) -> Output {
    env.worthit()
        .env("TZ", "UTC")
        .env("HOSTNAME", "build-box-17")
        .env("USER", "alice")
        .args(args)
        .output()
        .unwrap()
}

fn ok(env: &TestEnv, args: &[&str]) -> String {
    let out = worthit(env, args);
    assert_success(&out, &format!("worthit {}", args.join(" ")));
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn enable(env: &TestEnv, url: &str) {
    ok(
        env,
        &[
            "upload",
            "enable",
            "--server",
            url,
            "--team",
            "payments",
            "--token",
            "wit_test_token",
        ],
    );
}

/// A server that takes nominations as the contract says.
fn server() -> Capture {
    let server = Capture::start();
    server.route(
        NOMINATIONS,
        Reply::json(201, r#"{"entry_id": 7, "status": "open"}"#),
    );
    server
}

#[test]
fn the_nomination_sent_is_the_one_previewed_and_holds_nothing_private() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    let note = "takes 40 s every time I touch the api crate";
    let dry = worthit(
        &env,
        &["nominate", "cargo test", "--note", note, "--dry-run"],
    );
    assert_success(&dry, "nominate --dry-run");
    assert!(stderr(&dry).contains("dry run: nothing was sent"));
    assert!(server.requests_to(NOMINATIONS).is_empty());

    let out = worthit(&env, &["nominate", "cargo test", "--note", note, "--yes"]);
    assert_success(&out, "nominate --yes");
    let said = stderr(&out);
    assert!(
        said.contains("Nominated `cargo test` (backlog entry 7, open)."),
        "{said}"
    );
    let sent = server.requests_to(NOMINATIONS);
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer wit_test_token")
    );
    assert_eq!(request.header("content-encoding"), Some("gzip"));
    assert_eq!(
        request.body, out.stdout,
        "the preview printed exactly the bytes sent"
    );
    assert_eq!(request.body, dry.stdout, "and so did the dry run");

    let text = String::from_utf8_lossy(&request.body).to_lowercase();
    for planted in PLANTED {
        assert!(
            !text.contains(&planted.to_lowercase()),
            "{planted} left the machine:\n{text}"
        );
    }
    let nomination: Nomination = serde_json::from_slice(&request.body).unwrap();
    nomination.validate().unwrap();
    assert_eq!(nomination.action, "cargo test");
    assert_eq!(nomination.note, note);
    assert_eq!(nomination.upload.team, "payments");
    assert_eq!(nomination.upload.days.len(), 14);
    let rows: Vec<&str> = nomination
        .upload
        .days
        .iter()
        .flat_map(|d| d.actions.iter().map(|a| a.action.as_str()))
        .collect();
    assert!(rows.iter().all(|a| *a == "cargo test"), "{rows:?}");
    assert_eq!(
        nomination
            .upload
            .days
            .iter()
            .map(|d| d.actions[0].runs)
            .sum::<u64>(),
        14
    );

    // The same nominator next time (the server replaces the note), but never the weekly
    // upload pseudonym.
    let again = worthit(&env, &["nominate", "cargo test", "--yes"]);
    assert_success(&again, "nominate again");
    let second: Nomination =
        serde_json::from_slice(&server.requests_to(NOMINATIONS)[1].body).unwrap();
    assert_eq!(second.nominator, nomination.nominator);
    assert_eq!(second.note, "");
    assert!(
        nomination
            .upload
            .days
            .iter()
            .all(|d| d.contributor != nomination.nominator)
    );

    // The audit log has both, marked as nominations, byte for byte.
    let log = ok(&env, &["upload", "log", "-n", "0"]);
    assert!(
        log.contains(": nomination of cargo test: sent (201)"),
        "{log}"
    );
    assert!(log.contains(&String::from_utf8_lossy(&request.body).into_owned()));
}

#[test]
fn an_action_known_by_no_tool_name_is_sent_as_its_category() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    let out = worthit(&env, &["nominate", "deploy-secret", "--yes"]);
    assert_success(&out, "nominate a private script");
    let said = stderr(&out);
    assert!(
        said.contains("the server will see only its category"),
        "{said}"
    );
    let body = &server.requests_to(NOMINATIONS)[0].body;
    let nomination: Nomination = serde_json::from_slice(body).unwrap();
    assert!(
        nomination.action.starts_with("other:"),
        "{}",
        nomination.action
    );
    let text = String::from_utf8_lossy(body);
    for private in ["deploy-secret", "secret-project", "scripts", "build-box-17"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[test]
fn nothing_is_sent_without_yes_off_a_terminal() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    let out = worthit(&env, &["nominate", "cargo test", "--note", "please"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("stdin is not a terminal"), "{said}");
    assert!(said.contains("--yes"), "{said}");
    // It was still shown in full.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"note\": \"please\""),
        "the preview is printed even when nothing is sent"
    );
    assert!(server.requests_to(NOMINATIONS).is_empty());
}

#[test]
fn on_a_terminal_it_asks_and_only_y_sends() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    for (answer, sent, code) in [("n\r", 0, 2), ("y\r", 1, 0)] {
        let mut cmd = Command::new(WORTHIT);
        cmd.args(["nominate", "cargo test", "--note", "asked"])
            .env_clear()
            .envs(env.vars())
            .env("TZ", "UTC")
            .current_dir(env.root());
        let mut session = Session::spawn(cmd).expect("start worthit on a pty");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        session.expect("[y/N]").expect("the question");
        session.write_all(answer.as_bytes()).unwrap();
        session.flush().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            // Drain the pty so the program never blocks on a full buffer.
            let mut buf = [0u8; 4096];
            let _ = session.try_read(&mut buf);
            if let Ok(status) = session.get_process().status()
                && !matches!(status, expectrl::process::unix::WaitStatus::StillAlive)
            {
                break status;
            }
            assert!(Instant::now() < deadline, "worthit nominate never exited");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            status,
            expectrl::process::unix::WaitStatus::Exited(session.get_process().pid(), code),
            "answer {answer:?}"
        );
        assert_eq!(server.requests_to(NOMINATIONS).len(), sent, "{answer:?}");
    }
}

#[test]
fn nominating_needs_uploading_on() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    let out = worthit(&env, &["nominate", "cargo test", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("uploading was never enabled"), "{said}");
    assert!(
        said.contains("worthit upload enable --server URL --team NAME --token TOKEN"),
        "{said}"
    );
    // A dry run needs settings too: it cannot build without the team and its salt.
    let dry = worthit(&env, &["nominate", "cargo test", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(2));

    enable(&env, &server.url);
    ok(&env, &["upload", "disable"]);
    let out = worthit(&env, &["nominate", "cargo test", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "worthit upload enable --server {} --team payments --token TOKEN",
            server.url
        )),
        "{said}"
    );

    enable(&env, &server.url);
    let out = env
        .worthit()
        .env("DO_NOT_TRACK", "1")
        .args(["nominate", "cargo test", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("DO_NOT_TRACK is set"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests_to(NOMINATIONS).is_empty());
}

#[test]
fn notes_are_one_short_line() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    let longest = "é".repeat(280);
    let out = worthit(
        &env,
        &["nominate", "cargo test", "--note", &longest, "--dry-run"],
    );
    assert_success(&out, "a 280-character note");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&longest));
    for (note, expected) in [
        (
            "é".repeat(281),
            "--note: the note is 281 characters long; at most 280 are allowed",
        ),
        (
            "two\nlines".to_string(),
            "--note: the note contains a control character (U+000A at character 4)",
        ),
        (
            "a\ttab".to_string(),
            "the note contains a control character (U+0009 at character 2)",
        ),
        (
            "\u{1b}[31mred".to_string(),
            "the note contains a control character (U+001B at character 1)",
        ),
    ] {
        let out = worthit(&env, &["nominate", "cargo test", "--note", &note, "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{note:?}");
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "nothing previewed for a bad note");
    }
    assert!(server.requests_to(NOMINATIONS).is_empty());
}

#[test]
fn actions_are_matched_like_report_action() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    let out = worthit(&env, &["nominate", "cargo", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains("`cargo` matches 2 actions: `cargo test`, `cargo build`"),
        "{said}"
    );
    let out = worthit(&env, &["nominate", "PUSH", "--dry-run"]);
    assert_success(&out, "a unique part, any case");
    let nomination: Nomination = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(nomination.action, "git push");
    let out = worthit(&env, &["nominate", "gradle", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no action matching `gradle` ran in the last 28 days"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn server_failures_are_clear_and_logged() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    for (reply, expected) in [
        (
            Reply::json(
                422,
                r#"{"error":{"status":422,"code":"invalid","message":"note: too long"}}"#,
            ),
            "worthit: the server refused the nomination (422): note: too long",
        ),
        (
            Reply::json(401, r#"{"error":{"status":401,"message":"unknown token"}}"#),
            "the server refused the token (401): unknown token; check the token with `worthit upload status`",
        ),
        (
            Reply::json(404, "not found"),
            "/api/v1/nominations does not exist (404): the team server runs a worthit too old for nominations",
        ),
        (
            Reply::json(503, "<html>down for maintenance</html>"),
            "the nomination was not sent: ",
        ),
    ] {
        let status = reply.status;
        server.route(NOMINATIONS, reply);
        let out = worthit(&env, &["nominate", "cargo test", "--yes"]);
        assert_eq!(out.status.code(), Some(1), "{status}");
        let said = stderr(&out);
        assert!(said.contains(expected), "{status}: {said}");
        if status == 503 {
            assert!(said.contains("503"), "{said}");
            assert!(said.contains("nothing changed, try again later"), "{said}");
        }
    }
    let log = ok(&env, &["upload", "log", "-n", "0"]);
    for result in [
        "nomination of cargo test: refused (422): note: too long",
        "nomination of cargo test: refused (401)",
        "nomination of cargo test: refused (404)",
        "nomination of cargo test: not sent: ",
    ] {
        assert!(log.contains(result), "{result} in\n{log}");
    }

    // Nobody listening: a message, quickly, not a hang.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    enable(&env, &format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let out = worthit(&env, &["nominate", "cargo test", "--yes"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "the nomination was not sent: could not reach http://127.0.0.1:{port}/api/v1/nominations"
        )),
        "{said}"
    );
}

// ---- the TUI's n ----------------------------------------------------------------------

/// Reads what the pty printed into `parser` until it has been quiet a moment; false
/// once the program is gone.
fn pump(session: &mut expectrl::session::OsSession, parser: &mut vt100::Parser) -> bool {
    let mut quiet_since = Instant::now();
    let mut buf = [0u8; 8192];
    loop {
        match session.try_read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => {
                parser.process(&buf[..n]);
                quiet_since = Instant::now();
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                if quiet_since.elapsed() >= Duration::from_millis(60) {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return false,
        }
    }
}

fn wait_for(
    session: &mut expectrl::session::OsSession,
    parser: &mut vt100::Parser,
    text: &str,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let alive = pump(session, parser);
        let screen = parser.screen().contents();
        if screen.contains(text) {
            return screen;
        }
        assert!(
            alive && Instant::now() < deadline,
            "the screen never showed {text:?}; it shows:\n{screen}"
        );
    }
}

#[test]
fn the_tui_n_key_previews_and_sends_without_blocking() {
    let env = TestEnv::new();
    let server = server();
    record_private_history(&env);
    enable(&env, &server.url);
    // The server takes 2 s to answer: the TUI must stay usable meanwhile.
    server.route(
        NOMINATIONS,
        Reply {
            delay: Duration::from_secs(2),
            ..Reply::json(201, r#"{"entry_id": 7, "status": "open"}"#)
        },
    );
    let mut cmd = Command::new(WORTHIT);
    cmd.arg("tui")
        .env_clear()
        .envs(env.vars())
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .current_dir(env.root());
    let mut session = Session::spawn(cmd).expect("start worthit on a pty");
    session.get_process_mut().set_window_size(100, 30).unwrap();
    let mut parser = vt100::Parser::new(
        std::num::NonZeroU16::new(30).unwrap(),
        std::num::NonZeroU16::new(100).unwrap(),
        0,
    );
    wait_for(&mut session, &mut parser, "cargo build");
    let type_keys = |session: &mut expectrl::session::OsSession, keys: &str| {
        session.write_all(keys.as_bytes()).unwrap();
        session.flush().unwrap();
    };
    // Select it by searching, as a person would.
    type_keys(&mut session, "/cargo test\r");
    let screen = wait_for(&mut session, &mut parser, "`cargo test`:");
    let selected = screen.lines().find(|l| l.starts_with("▸")).unwrap_or("");
    assert!(selected.contains("cargo test"), "{screen}");
    type_keys(&mut session, "n");
    wait_for(&mut session, &mut parser, "Why should it be faster?");
    type_keys(&mut session, "slow");
    wait_for(&mut session, &mut parser, "> slow█");
    type_keys(&mut session, "\r");
    let screen = wait_for(&mut session, &mut parser, "\"note\": \"slow\"");
    assert!(screen.contains("send this?"), "{screen}");
    let sent_at = Instant::now();
    type_keys(&mut session, "y");
    wait_for(
        &mut session,
        &mut parser,
        "Sending the nomination of `cargo test`",
    );
    // Keys work while the server thinks.
    type_keys(&mut session, "?");
    let screen = wait_for(&mut session, &mut parser, "Ranked list");
    assert!(
        sent_at.elapsed() < Duration::from_secs(2),
        "the TUI waited for the server"
    );
    assert!(screen.contains("Sending the nomination"), "{screen}");
    type_keys(&mut session, "\x1b");
    wait_for(
        &mut session,
        &mut parser,
        "Nominated `cargo test` (backlog entry 7, open).",
    );
    type_keys(&mut session, "q");
    let deadline = Instant::now() + Duration::from_secs(20);
    while pump(&mut session, &mut parser) {
        assert!(Instant::now() < deadline, "the TUI did not quit");
    }
    let sent = server.requests_to(NOMINATIONS);
    assert_eq!(sent.len(), 1);
    let nomination: Nomination = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(nomination.note, "slow");
    let log = ok(&env, &["upload", "log", "-n", "0"]);
    assert!(
        log.contains(": nomination of cargo test: sent (201)"),
        "{log}"
    );
}

// ---- fixes -------------------------------------------------------------------------

/// `cargo test`: 16 runs around 60 s before `fix_day` days ago, 14 around 20 s since.
fn record_a_fix(env: &TestEnv, fix_days_ago: i64) {
    let midnight = today_midnight_us();
    let cwd = env.root().to_string_lossy().into_owned();
    let mut events = Vec::new();
    for i in 0..16 {
        let day = fix_days_ago + 2 + i;
        events.push(hook_event(
            midnight - day * DAY_US + HOUR_US,
            "cargo test",
            60.0 + i as f64,
            0,
            &cwd,
        ));
    }
    for i in 0..14 {
        events.push(hook_event(
            midnight - i * DAY_US + HOUR_US,
            "cargo test",
            20.0 + i as f64 * 0.5,
            0,
            &cwd,
        ));
        events.push(hook_event(
            midnight - i * DAY_US + 2 * HOUR_US,
            "cargo build",
            30.0,
            0,
            &cwd,
        ));
    }
    write_spool(env, &events);
}

fn date_days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days)).to_string()
}

#[test]
fn uploads_cache_the_fixes_and_compare_uses_their_date() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let server = server();
    record_a_fix(&env, 14);
    enable(&env, &server.url);
    let fixed_on = date_days_ago(14);
    server.route(
        FIXES,
        Reply::json(
            200,
            &format!(
                r#"{{"fixes": [{{"action": "cargo test", "fixed_on": "{fixed_on}", "saved_hours_per_week": 7.5, "verdict": "saved"}}, {{"action": "Not A Key!", "fixed_on": "{fixed_on}"}}]}}"#
            ),
        ),
    );
    let out = worthit(&env, &["upload"]);
    assert_success(&out, "upload");
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let fetched = server.requests_to(FIXES);
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].method(), "GET");
    assert_eq!(
        fetched[0].header("authorization"),
        Some("Bearer wit_test_token")
    );
    let cache_path = env.data().join("fixes.json");
    let cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache_path).unwrap()).unwrap();
    assert_eq!(cache["server"], server.url.as_str());
    assert_eq!(
        cache["fixes"],
        serde_json::json!([{"action": "cargo test", "fixed_on": fixed_on, "saved_hours_per_week": 7.5, "verdict": "saved"}]),
        "the malformed entry is dropped"
    );
    let mode = std::fs::metadata(&cache_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let text = ok(&env, &["compare", "cargo test"]);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!(
            "Fix date {fixed_on} from your team's server (7.5 engineer-hours per week saved across the organisation); --before DATE compares around another."
        ).as_str()),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "cargo test: before {} to {}, after {fixed_on} to {}",
            date_days_ago(42),
            date_days_ago(15),
            date_days_ago(0)
        )),
        "{text}"
    );
    assert!(text.contains("Faster: median"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&env, &["compare", "cargo test", "--json"])).unwrap();
    assert_eq!(json["fix_date_from_server"], fixed_on.as_str());
    assert_eq!(json["verdict"]["verdict"], "faster");
    // A date given wins, and then nothing is said about the server.
    let given = ok(
        &env,
        &["compare", "cargo test", "--before", &date_days_ago(7)],
    );
    assert!(!given.contains("from your team's server"), "{given}");
    // No fix known and no date: ask for one.
    let out = worthit(&env, &["compare", "cargo build"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "give the day the fix landed with --before DATE (your team's server has reported no fix for `cargo build`)"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_older_server_or_a_bad_answer_leaves_the_cache_alone() {
    let env = TestEnv::new();
    let server = server();
    record_a_fix(&env, 14);
    enable(&env, &server.url);
    let cache_path = env.data().join("fixes.json");
    server.route(FIXES, Reply::json(404, "not found"));
    let out = worthit(&env, &["upload"]);
    assert_success(&out, "upload with a 404 for the fixes");
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert!(!cache_path.exists());

    let cached = format!(
        r#"{{"fetched_at": "2026-11-01T00:00:00Z", "server": "{}", "fixes": [{{"action": "cargo test", "fixed_on": "{}"}}]}}"#,
        server.url,
        date_days_ago(14)
    );
    std::fs::write(&cache_path, &cached).unwrap();
    for reply in [
        Reply::json(200, "<html>a proxy's login page</html>"),
        Reply::json(500, "oops"),
    ] {
        server.route(FIXES, reply);
        let out = worthit(&env, &["upload"]);
        assert_success(&out, "upload with a bad fixes answer");
        assert!(out.stderr.is_empty(), "{}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&cache_path).unwrap(), cached);
    }
    // The cached fix still serves compare.
    let text = ok(&env, &["compare", "cargo test"]);
    assert!(text.starts_with("Fix date "), "{text}");
}

#[test]
fn background_uploads_refresh_the_fixes_without_a_word() {
    let env = TestEnv::new();
    let server = server();
    record_a_fix(&env, 14);
    enable(&env, &server.url);
    let fixed_on = date_days_ago(14);
    server.route(
        FIXES,
        Reply::json(
            200,
            &format!(r#"{{"fixes": [{{"action": "cargo test", "fixed_on": "{fixed_on}"}}]}}"#),
        ),
    );
    let out = worthit(&env, &["report"]);
    assert_success(&out, "report");
    let cache_path = env.data().join("fixes.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cache_path.exists() {
        assert!(
            Instant::now() < deadline,
            "the background upload never cached the fixes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Written whole (by rename), so a reader never sees half of it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(&cache_path).unwrap();
        let cache: serde_json::Value = serde_json::from_str(&text).unwrap();
        if cache["fixes"][0]["fixed_on"] == fixed_on.as_str() {
            break;
        }
        assert!(Instant::now() < deadline, "{text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
