//! Integration tests: the `log` JSON contract, config warnings, `doctor`, and the
//! behaviour around them (broken pipes, locked and corrupt databases).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const WORTHIT: &str = env!("CARGO_BIN_EXE_worthit");

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn spool(&self) -> PathBuf {
        self.home().join("spool")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn worthit(&self) -> Command {
        let mut cmd = Command::new(WORTHIT);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("WORTHIT_HOME", self.home())
            .env("WORTHIT_CONFIG", self.config())
            .stdin(Stdio::null());
        cmd
    }

    /// Writes spool lines for a session whose pid (ours) is alive.
    fn spool_lines(&self, lines: &[String]) {
        std::fs::create_dir_all(self.spool()).expect("spool dir");
        // Today, so the file counts as live and is not removed after ingest.
        let day = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            / 86_400;
        let file = self
            .spool()
            .join(format!("zsh-{}-1.{day}.spool", std::process::id()));
        std::fs::write(file, lines.concat()).expect("spool file");
    }
}

fn line(start_us: i64, duration: &str, exit: &str, cwd: &str, command: &str) -> String {
    format!("1\t{start_us}\t{duration}\t{exit}\t1\t\tzsh\tzsh-7-1\t{cwd}\t{command}\n")
}

fn run(cmd: &mut Command) -> (String, String, bool) {
    let out = cmd.output().expect("run worthit");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn log_json_is_the_documented_contract() {
    let env = Env::new();
    let repo = env.dir.path().join("api");
    std::fs::create_dir_all(repo.join(".git")).expect("repo");
    std::fs::create_dir_all(repo.join("src")).expect("src");
    let src = repo.join("src").to_string_lossy().into_owned();
    env.spool_lines(&[
        line(1_763_900_000_123_456, "41234567", "1", &src, "cargo test"),
        line(1_763_900_100_000_000, "", "", "", "echo 'two\\nlines'"),
    ]);
    let (stdout, stderr, ok) = run(env.worthit().args(["log", "--json"]));
    assert!(ok, "{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    // Newest first.
    assert_eq!(lines[0]["command"], "echo 'two\nlines'");
    assert_eq!(lines[0]["duration_ms"], serde_json::Value::Null);
    assert_eq!(lines[0]["exit"], serde_json::Value::Null);
    assert_eq!(lines[0]["cwd"], serde_json::Value::Null);
    assert_eq!(lines[0]["repo"], serde_json::Value::Null);
    let first = &lines[1];
    assert_eq!(first["start"], "2025-11-23T12:13:20.123Z");
    assert_eq!(first["duration_ms"], 41234.567);
    assert_eq!(first["duration_resolution_ms"], 0.001);
    assert_eq!(first["exit"], 1);
    assert_eq!(first["cwd"], src.as_str());
    assert_eq!(first["repo"], repo.to_string_lossy().as_ref());
    assert_eq!(first["command"], "cargo test");
    assert_eq!(first["shell"], "zsh");
    assert_eq!(first["session"], "zsh-7-1");
    assert_eq!(first["source"], "hook");
    assert_eq!(first["truncated"], false);

    let (stdout, _, ok) = run(env.worthit().args(["log", "--json", "--limit", "1"]));
    assert!(ok);
    assert_eq!(stdout.lines().count(), 1);
    let (text, _, ok) = run(env.worthit().arg("log"));
    assert!(ok);
    assert!(text.contains("cargo test") && text.contains("exit 1") && text.contains("41.2s"));
}

#[test]
fn log_into_a_closed_pipe_exits_zero() {
    let env = Env::new();
    let lines: Vec<String> = (0..20_000)
        .map(|i| line(1_763_900_000_000_000 + i, "1000", "0", "/tmp", "make"))
        .collect();
    env.spool_lines(&lines);
    let mut child = env
        .worthit()
        .args(["log", "--json", "--limit", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // stdout is dropped (closed) here, like `| head -c 64`.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn a_bad_config_warns_with_file_line_and_key_and_recording_goes_on() {
    let env = Env::new();
    std::fs::write(
        env.config(),
        "[record]\nignore = ['^ls$', '(oops']\n[redact]\npatterns = 'x'\n",
    )
    .expect("config");
    env.spool_lines(&[
        line(1_763_900_000_000_000, "1000", "0", "/tmp", "ls"),
        line(1_763_900_001_000_000, "1000", "0", "/tmp", "make"),
    ]);
    let config = env.config().display().to_string();
    for args in [&["ingest"][..], &["log", "--json"], &["doctor"]] {
        let (_, stderr, _) = run(env.worthit().args(args));
        let (stdout, _, _) = run(env.worthit().args(args));
        let all = format!("{stderr}{stdout}");
        assert!(
            all.contains(&format!(
                "config {config}:2: key `record.ignore`: pattern 2 is not a valid regex"
            )),
            "{args:?}: {all}"
        );
        assert!(
            all.contains(&format!(
                "config {config}:4: key `redact.patterns`: expected a list of strings"
            )),
            "{args:?}: {all}"
        );
    }
    // The valid ignore pattern still applies; everything else was recorded.
    let (stdout, _, ok) = run(env.worthit().args(["log", "--json"]));
    assert!(ok);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("\"make\""));

    // Not TOML at all: every default applies, so `ls` is no longer ignored.
    std::fs::write(env.config(), "[record\nignore = 3\n").expect("config");
    env.spool_lines(&[
        line(1_763_900_000_000_000, "1000", "0", "/tmp", "ls"),
        line(1_763_900_001_000_000, "1000", "0", "/tmp", "make"),
        line(1_763_900_002_000_000, "1000", "0", "/tmp", "ls"),
    ]);
    let (stdout, stderr, ok) = run(env.worthit().args(["log", "--json"]));
    assert!(ok);
    assert!(
        stderr.contains(&format!("config {config}:1: not valid TOML")),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().next().is_some_and(|l| l.contains("\"ls\"")),
        "{stdout}"
    );
}

#[test]
fn doctor_says_what_is_wrong_and_what_to_do() {
    let env = Env::new();
    let (stdout, _, ok) = run(env.worthit().arg("doctor"));
    assert!(!ok, "problems give exit 1");
    assert!(stdout.contains("the hook is not loaded"), "{stdout}");
    assert!(
        stdout.contains("→ add `eval \"$(worthit init bash)\"` to ~/.bashrc"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no command recorded by a hook yet"),
        "{stdout}"
    );

    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_micros() as i64;
    env.spool_lines(&[
        line(now_us - 5_000_000, "1000", "0", "/tmp", "make"),
        "not a spool line\n".to_string(),
    ]);
    let (stdout, _, ok) = run(env
        .worthit()
        .arg("doctor")
        .env("WORTHIT_SESSION", "zsh-1-2")
        .env("SHELL", "/usr/bin/zsh"));
    assert!(!ok, "the malformed line is a problem: {stdout}");
    assert!(
        stdout.contains("the hook is loaded in this shell (session zsh-1-2)"),
        "{stdout}"
    );
    assert!(stdout.contains("waiting for ingest"), "{stdout}");
    assert!(
        stdout.contains("1 malformed spool line(s) skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains(":2: skipped malformed spool line"),
        "{stdout}"
    );
    assert!(
        stdout.contains("is healthy (schema 3, 1 events"),
        "{stdout}"
    );
    assert!(
        stdout.contains("last recorded command finished"),
        "{stdout}"
    );

    // All good now: the bad line was dealt with.
    let (stdout, _, ok) = run(env
        .worthit()
        .arg("doctor")
        .env("WORTHIT_SESSION", "zsh-1-2"));
    assert!(ok, "{stdout}");
    assert!(stdout.contains("everything looks right"));
}

#[test]
fn a_corrupt_database_is_a_clear_error_and_the_spool_keeps_everything() {
    let env = Env::new();
    env.spool_lines(&[line(1_763_900_000_000_000, "1000", "0", "/tmp", "make")]);
    std::fs::create_dir_all(env.home()).expect("home");
    std::fs::write(
        env.home().join("worthit.db"),
        b"this is not a database at all, not even close",
    )
    .expect("garbage db");
    let (_, stderr, ok) = run(env.worthit().arg("ingest"));
    assert!(!ok);
    assert!(stderr.contains("worthit.db"), "names the file: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (stdout, _, _) = run(env.worthit().arg("doctor"));
    assert!(stdout.contains("cannot be opened"), "{stdout}");
    assert!(stdout.contains("move"), "{stdout}");
    // Moving the database aside recovers every spooled event.
    std::fs::remove_file(env.home().join("worthit.db")).expect("rm");
    let (stdout, stderr, ok) = run(env.worthit().args(["log", "--json"]));
    assert!(ok, "{stderr}");
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn a_locked_database_waits_instead_of_failing() {
    let env = Env::new();
    env.spool_lines(&[line(1_763_900_000_000_000, "1000", "0", "/tmp", "make")]);
    let (_, stderr, ok) = run(env.worthit().arg("ingest"));
    assert!(ok, "{stderr}");
    env.spool_lines(&[
        line(1_763_900_000_000_000, "1000", "0", "/tmp", "make"),
        line(1_763_900_001_000_000, "1000", "0", "/tmp", "make test"),
    ]);
    // Hold the write lock for a second from another connection.
    let conn = rusqlite::Connection::open(env.home().join("worthit.db")).expect("open");
    conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1000));
        conn.execute_batch("COMMIT").expect("unlock");
    });
    let (stdout, stderr, ok) = run(env.worthit().args(["log", "--json"]));
    releaser.join().expect("releaser");
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("locked"), "{stderr}");
    assert_eq!(stdout.lines().count(), 2);
}
