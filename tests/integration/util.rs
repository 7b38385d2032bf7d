//! Shared test helpers: a private temp directory per test holding `HOME` and
//! `WORTHIT_HOME`, a ready `worthit` command (or any other program) with a clean
//! environment, and `worthit log --json` parsed into values.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const WORTHIT: &str = env!("CARGO_BIN_EXE_worthit");

/// One test's world: `<tmp>/home` is `HOME`, `<tmp>/data` is `WORTHIT_HOME`, and the
/// config points at `<tmp>/config.toml` (absent unless a test writes it).
pub struct TestEnv {
    dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("create temp dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("create temp HOME");
        TestEnv { dir }
    }

    /// The temp directory itself; a free place for files a test needs.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// `WORTHIT_HOME`.
    pub fn data(&self) -> PathBuf {
        self.root().join("data")
    }

    pub fn spool(&self) -> PathBuf {
        self.data().join("spool")
    }

    pub fn config(&self) -> PathBuf {
        self.root().join("config.toml")
    }

    /// The environment every program in a test gets, and nothing else: a test must not
    /// depend on the developer's shell setup.
    pub fn vars(&self) -> Vec<(String, PathBuf)> {
        vec![
            (
                "PATH".into(),
                PathBuf::from(std::env::var_os("PATH").unwrap_or_default()),
            ),
            ("HOME".into(), self.home()),
            ("WORTHIT_HOME".into(), self.data()),
            ("WORTHIT_CONFIG".into(), self.config()),
            ("XDG_CONFIG_HOME".into(), self.home().join(".config")),
            ("XDG_DATA_HOME".into(), self.home().join(".local/share")),
            ("LANG".into(), PathBuf::from("C.UTF-8")),
            ("TERM".into(), PathBuf::from("dumb")),
        ]
    }

    /// `program` with the test environment, stdin closed, run in the temp dir.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .envs(self.vars())
            .current_dir(self.root())
            .stdin(Stdio::null());
        cmd
    }

    /// The `worthit` binary with the test environment.
    pub fn worthit(&self) -> Command {
        self.command(WORTHIT)
    }

    /// Runs `worthit` with `args`, asserting success; returns stdout.
    pub fn worthit_ok(&self, args: &[&str]) -> String {
        let out = self.worthit().args(args).output().expect("run worthit");
        assert_success(&out, &format!("worthit {}", args.join(" ")));
        String::from_utf8(out.stdout).expect("worthit prints UTF-8")
    }

    /// `worthit log --json` (which ingests first), newest first, one value per event.
    pub fn log_json(&self) -> Vec<serde_json::Value> {
        self.worthit_ok(&["log", "--json"])
            .lines()
            .map(|line| serde_json::from_str(line).expect("log --json prints JSON lines"))
            .collect()
    }

    /// Names of the files in the spool directory (hidden ones included).
    pub fn spool_files(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.spool()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|e| {
                e.expect("read spool dir")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

/// Panics with the command's output unless it succeeded.
pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Midnight UTC today, in µs since the epoch (tests that write events run with TZ=UTC).
pub fn today_midnight_us() -> i64 {
    const DAY_US: i64 = 86_400_000_000;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_micros() as i64;
    now - now.rem_euclid(DAY_US)
}

/// A finished command as the hooks record it.
pub fn hook_event(
    start_us: i64,
    command: &str,
    seconds: f64,
    exit: i32,
    cwd: &str,
) -> worthit::event::Event {
    worthit::event::Event {
        start_us,
        duration_us: Some((seconds * 1e6) as i64),
        duration_resolution_us: Some(1),
        exit: Some(exit),
        cwd: Some(cwd.into()),
        command: command.into(),
        shell: "bash".into(),
        session: "bash-0-1".into(),
        source: worthit::event::Source::Hook,
        truncated: false,
    }
}

/// Writes `events` as a spool file of an ended session, for the next ingest.
pub fn write_spool(env: &TestEnv, events: &[worthit::event::Event]) {
    std::fs::create_dir_all(env.spool()).expect("create the spool");
    let mut text = Vec::new();
    for event in events {
        text.extend_from_slice(&worthit::spool::serialise(event));
    }
    let n = std::fs::read_dir(env.spool()).map_or(0, |d| d.count());
    std::fs::write(env.spool().join(format!("bash-0-{n}.20000.spool")), text)
        .expect("write the spool");
}
