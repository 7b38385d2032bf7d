//! The uploader against a real HTTP server on 127.0.0.1 that captures every request:
//! off by default, privacy (no planted secret, path, host or user name in any byte sent),
//! dry run = sent bytes, retries and backoff, refusals, vetoes, and background uploads
//! that never hold up the command that started them.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::Value;
use worthit::event::{Event, Source};

use crate::capture::{Capture, Reply};
use crate::util::{TestEnv, assert_success};

const DAY_US: i64 = 86_400_000_000;

/// Secrets, paths, host and user names planted in the local history: none may leave.
const PLANTED: &[&str] = &[
    "ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "hunter2",
    "alice",
    "secret-project",
    "build-box-17",
    "acme-internal",
    "/home/",
    "feature/",
    "api.internal.acme.com",
    "scripts",
];

/// Records a week of commands (with planted private details) as spool events, inside a
/// git repository with a private remote URL.
fn record_private_week(env: &TestEnv) {
    let repo = env.root().join("alice/secret-project");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join(".git/config"),
        "[remote \"origin\"]\n\turl = git@api.internal.acme.com:acme-internal/secret-project.git\n",
    )
    .unwrap();
    std::fs::create_dir_all(env.spool()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    let midnight = now - now.rem_euclid(DAY_US);
    let commands = [
        "cargo test -p secret-project -- --nocapture",
        "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 cargo build",
        "mysql -u alice -phunter2 acme_internal",
        "./scripts/deploy-secret-project.sh build-box-17",
        "git push origin feature/alice-secret",
        "ssh alice@build-box-17",
        "curl https://api.internal.acme.com/v1/users",
        "npm run sync-acme-internal",
    ];
    let mut text = Vec::new();
    for day in 0..7 {
        for (i, command) in commands.iter().enumerate() {
            let event = Event {
                start_us: midnight - day * DAY_US + 3_600_000_000 + i as i64 * 60_000_000,
                duration_us: Some(1_000_000 + i as i64 * 500_000),
                duration_resolution_us: Some(1),
                exit: Some(i32::from(i == 0 && day % 2 == 0)),
                cwd: Some(repo.to_string_lossy().into_owned()),
                command: command.to_string(),
                shell: "bash".into(),
                session: "bash-0-1".into(),
                source: Source::Hook,
                truncated: false,
            };
            text.extend_from_slice(&worthit::spool::serialise(&event));
        }
    }
    std::fs::write(env.spool().join("bash-0-1.20000.spool"), text).unwrap();
}

fn worthit(env: &TestEnv, args: &[&str]) -> std::process::Output {
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

fn enable(env: &TestEnv, server: &Capture) {
    ok(
        env,
        &[
            "upload",
            "enable",
            "--server",
            &server.url,
            "--team",
            "payments",
            "--token",
            "wit_test_token",
        ],
    );
}

#[test]
fn off_by_default_and_nothing_sent_without_enable() {
    let env = TestEnv::new();
    record_private_week(&env);
    let status = ok(&env, &["upload", "status"]);
    assert!(
        status.contains("Uploading is off (never enabled)"),
        "{status}"
    );
    let out = worthit(&env, &["upload"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("uploading is off; turn it on with `worthit upload enable")
    );
    // Reading commands never upload when it is off.
    ok(&env, &["report"]);
    assert!(!env.data().join("upload-log.jsonl").exists());
}

#[test]
fn nothing_private_leaves_and_the_dry_run_is_the_bytes_sent() {
    let env = TestEnv::new();
    let server = Capture::start();
    record_private_week(&env);
    enable(&env, &server);
    let dry = worthit(&env, &["upload", "--dry-run"]);
    assert_success(&dry, "upload --dry-run");
    assert!(String::from_utf8_lossy(&dry.stderr).contains("nothing was sent"));
    assert!(server.requests().is_empty(), "a dry run sends nothing");

    let sent = ok(&env, &["upload"]);
    assert!(sent.contains("Sent 1 payload(s)"), "{sent}");
    let requests = server.uploads();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.request_line, "POST /api/v1/uploads HTTP/1.1");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer wit_test_token")
    );
    assert_eq!(request.header("content-encoding"), Some("gzip"));
    assert_eq!(
        request.body, dry.stdout,
        "the dry run printed exactly the bytes sent"
    );

    // Not in the body, not in a header (the bearer token is the only credential).
    let mut everything = request.body.clone();
    for (k, v) in &request.headers {
        if !k.eq_ignore_ascii_case("authorization") {
            everything.extend_from_slice(format!("{k}: {v}\n").as_bytes());
        }
    }
    let text = String::from_utf8_lossy(&everything).to_lowercase();
    for planted in PLANTED {
        assert!(
            !text.contains(&planted.to_lowercase()),
            "{planted} left the machine:\n{text}"
        );
    }

    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let upload: worthit::upload::payload::Upload = serde_json::from_value(body.clone()).unwrap();
    upload.validate().unwrap();
    assert_eq!(upload.team, "payments");
    assert_eq!(upload.days.len(), 7);
    let actions: std::collections::BTreeSet<&str> = upload
        .days
        .iter()
        .flat_map(|d| d.actions.iter().map(|a| a.action.as_str()))
        .collect();
    // Known tools by name; a private script and a private npm script only as their
    // category; interactive sessions (ssh, the mysql prompt) are never sent.
    assert_eq!(
        actions.into_iter().collect::<Vec<_>>(),
        [
            "cargo build",
            "cargo test",
            "curl",
            "git push",
            "other:other",
            "other:run"
        ],
        "{body:#}"
    );
    let test = upload.days[0]
        .actions
        .iter()
        .find(|a| a.action == "cargo test")
        .unwrap();
    assert_eq!(test.runs, 1);
    assert_eq!(test.durations.count(), 1);
    let repo = test
        .repo
        .as_deref()
        .expect("the repository is sent as an HMAC");
    assert_eq!(repo.len(), 32);
    // One pseudonym per ISO week, never a name.
    let pseudonyms: std::collections::BTreeSet<&str> =
        upload.days.iter().map(|d| d.contributor.as_str()).collect();
    assert!((1..=2).contains(&pseudonyms.len()), "{pseudonyms:?}");

    // The audit log holds the same bytes.
    let log = ok(&env, &["upload", "log"]);
    assert!(log.contains(": sent (200)"), "{log}");
    assert!(log.contains(&String::from_utf8_lossy(&request.body).into_owned()));
}

#[test]
fn a_second_upload_resends_only_today() {
    let env = TestEnv::new();
    let server = Capture::start();
    record_private_week(&env);
    enable(&env, &server);
    ok(&env, &["upload"]);
    ok(&env, &["upload"]);
    let requests = server.uploads();
    assert_eq!(requests.len(), 2);
    let second: worthit::upload::payload::Upload =
        serde_json::from_slice(&requests[1].body).unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let days: Vec<&str> = second.days.iter().map(|d| d.day.as_str()).collect();
    assert_eq!(days, [today.as_str()], "complete days are not sent twice");
    let status = ok(&env, &["upload", "status"]);
    assert!(status.contains("uploading     on"), "{status}");
    assert!(
        status.contains("token         wit_test… (14 characters)"),
        "{status}"
    );
    assert!(!status.contains("wit_test_token"), "{status}");
}

#[test]
fn server_errors_back_off_and_refusals_are_not_retried_at_once() {
    let env = TestEnv::new();
    let server = Capture::start();
    record_private_week(&env);
    enable(&env, &server);
    server.set(Reply {
        status: 503,
        headers: vec![("Retry-After", "120".into())],
        body: "<html>down for maintenance</html>".into(),
        delay: Duration::ZERO,
    });
    let out = worthit(&env, &["upload"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("503"), "{err}");
    assert!(err.contains("will try again after 2 min"), "{err}");
    let status = ok(&env, &["upload", "status"]);
    assert!(status.contains("next attempt  not before"), "{status}");
    assert!(status.contains("sent through  nothing yet"), "{status}");

    server.set(Reply {
        status: 422,
        headers: Vec::new(),
        body:
            r#"{"error":{"status":422,"code":"invalid","message":"days[0].day: expected a date"}}"#
                .into(),
        delay: Duration::ZERO,
    });
    let out = worthit(&env, &["upload"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the server refused the upload (422): days[0].day: expected a date"),
        "{err}"
    );

    server.set(Reply::ok());
    ok(&env, &["upload"]);
    let status = ok(&env, &["upload", "status"]);
    assert!(!status.contains("sent through  nothing yet"), "{status}");
}

#[test]
fn an_unreachable_server_is_a_message_not_a_hang() {
    let env = TestEnv::new();
    record_private_week(&env);
    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ok(
        &env,
        &[
            "upload",
            "enable",
            "--server",
            &format!("http://127.0.0.1:{port}"),
            "--team",
            "t",
            "--token",
            "x",
        ],
    );
    let started = Instant::now();
    let out = worthit(&env, &["upload"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not reach"), "{err}");
}

#[test]
fn vetoes_always_win() {
    let env = TestEnv::new();
    let server = Capture::start();
    record_private_week(&env);
    enable(&env, &server);
    for (name, value) in [
        ("DO_NOT_TRACK", "1"),
        ("WORTHIT_UPLOAD", "0"),
        ("CI", "true"),
    ] {
        let out = env
            .worthit()
            .env("TZ", "UTC")
            .env(name, value)
            .args(["upload"])
            .output()
            .unwrap();
        assert_success(&out, name);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("Not uploading"), "{name}: {said}");
    }
    assert!(server.requests().is_empty());
    // CI can be allowed explicitly.
    std::fs::write(env.config(), "[upload]\nallow_ci = true\n").unwrap();
    let out = env
        .worthit()
        .env("TZ", "UTC")
        .env("CI", "true")
        .args(["upload"])
        .output()
        .unwrap();
    assert_success(&out, "CI allowed");
    assert_eq!(server.uploads().len(), 1);
}

#[test]
fn reading_commands_upload_in_the_background_without_waiting() {
    let env = TestEnv::new();
    let server = Capture::start();
    record_private_week(&env);
    enable(&env, &server);
    // A server that takes 8 s to answer must not hold up `worthit report`.
    server.set(Reply {
        delay: Duration::from_secs(8),
        ..Reply::ok()
    });
    let started = Instant::now();
    ok(&env, &["report"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "report waited for the upload: {:?}",
        started.elapsed()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.uploads().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the background upload never arrived"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Within the hour after a success, reading commands leave the server alone.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok(&env, &["upload", "status"]).contains("sent (200)") {
        assert!(
            Instant::now() < deadline,
            "the background upload never finished"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    ok(&env, &["log"]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.uploads().len(), 1);
}
