//! `worthit report` and TUI first paint on a big history, as ratios against
//! `worthit --version` (process start-up) measured in the same run.
//!
//! Run: `cargo bench --bench report` (env `WORTHIT_BENCH_EVENTS`, default 1,000,000 events
//! over a year across 300 action keys; `WORTHIT_BENCH_RUNS`, default 15). Builds the
//! release binary's database once through the real ingest (rollups included, timed too),
//! then times each command `RUNS` times on a pty and prints medians, ratios and peak RSS.
//! The TUI's time is to its first frame (`WORTHIT_TUI_EXIT_AFTER_FIRST_PAINT=1`).

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use worthit::config::{Config, Paths};
use worthit::event::{Event, Source};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The same xorshift the other benches use: deterministic data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// 40 real loops plus 260 project scripts: 300 action keys.
const REAL: &[&str] = &[
    "cargo build",
    "cargo test -p api",
    "cargo check",
    "cargo clippy --all-targets",
    "cargo fmt",
    "cargo run --bin server",
    "npm test",
    "npm run build",
    "npm run lint",
    "npm install",
    "pnpm test",
    "yarn build",
    "pytest tests/unit -x",
    "python -m mypy src",
    "ruff check .",
    "go test ./...",
    "go build ./...",
    "make",
    "make test",
    "make lint",
    "gradle build",
    "./gradlew test",
    "mvn package",
    "bazel test //...",
    "git status",
    "git push",
    "git pull --rebase",
    "git commit -m wip",
    "git fetch",
    "gh pr create",
    "kubectl get pods -n staging",
    "kubectl apply -f k8s/",
    "kubectl describe pod api-0",
    "docker build -t api .",
    "docker compose up -d",
    "docker ps",
    "terraform plan",
    "terraform apply",
    "rg -n TODO",
    "helm upgrade api charts/api",
];

fn command_for(r: u64) -> String {
    let key = (r % 300) as usize;
    if key < REAL.len() {
        REAL[key].to_string()
    } else {
        format!("./scripts/task{key}.sh --fast")
    }
}

/// Writes `total` events spread over 365 days ending now into spool files.
fn write_spool(paths: &Paths, total: usize) {
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_micros() as i64;
    let year_us = 365 * 86_400_000_000i64;
    let sessions = 8;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for s in 0..sessions {
        let session = format!("bash-0-{s}");
        let mut text = Vec::new();
        let per = total / sessions;
        for i in 0..per {
            let r = rng.next();
            let start_us = now_us - year_us + (i as i64 * year_us / per as i64);
            // Heavy tail: most runs seconds, some minutes.
            let duration_us =
                ((r >> 16) % 20_000_000 + 200_000) as i64 * (1 + r.is_multiple_of(17) as i64 * 9);
            let event = Event {
                start_us,
                duration_us: Some(duration_us),
                duration_resolution_us: Some(1),
                exit: Some(if r.is_multiple_of(9) { 1 } else { 0 }),
                cwd: Some(format!("/home/dev/src/project{}", (r >> 40) % 6)),
                command: command_for(r >> 8),
                shell: "bash".into(),
                session: session.clone(),
                source: Source::Hook,
                truncated: false,
            };
            text.extend_from_slice(&worthit::spool::serialise(&event));
        }
        std::fs::write(
            paths.spool_dir().join(format!("{session}.20000.spool")),
            text,
        )
        .expect("spool file");
    }
}

/// Runs a command to completion on a fresh 80×24 pty (the TUI needs a terminal, and every
/// case gets the same one so ratios compare like with like); wall time and the child's
/// peak RSS in KiB.
fn measure(binary: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> (Duration, i64) {
    let (mut master_fd, mut slave_fd) = (-1, -1);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty fills in two descriptors; null name and termios are allowed.
    let rc = unsafe {
        libc::openpty(
            &mut master_fd,
            &mut slave_fd,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: both descriptors were just opened and belong to nobody else.
    let (master, slave) = unsafe {
        (
            OwnedFd::from_raw_fd(master_fd),
            OwnedFd::from_raw_fd(slave_fd),
        )
    };
    let mut command = Command::new(binary);
    command
        .args(args)
        .env("WORTHIT_HOME", home)
        .env("HOME", home)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .stdin(Stdio::from(slave.try_clone().expect("dup pty")))
        .stdout(Stdio::from(slave.try_clone().expect("dup pty")))
        .stderr(Stdio::from(slave));
    for (k, v) in env {
        command.env(k, v);
    }
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    // Reaped by wait4 below, which also reports this child's own peak RSS (getrusage of
    // all children would only give the largest so far).
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("spawn worthit");
    drop(command);
    // Drain the terminal so the child never blocks on a full pty; ends at hang-up.
    let drain = std::thread::spawn(move || {
        let mut master = std::fs::File::from(master);
        let mut sink = [0u8; 65_536];
        while matches!(master.read(&mut sink), Ok(n) if n > 0) {}
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it in for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and writes into valid locals.
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    drain.join().expect("pty drain");
    assert!(
        waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?} failed"
    );
    (elapsed, usage.ru_maxrss)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// The database is built by a child run of this bench (`WORTHIT_BENCH_SETUP_DIR` set):
/// a forked child starts with its parent's resident memory counted in its peak RSS, so
/// the measuring parent must stay small.
fn setup(dir: &Path, total: usize) {
    let paths = Paths::at(dir);
    paths.ensure().expect("data dir");
    write_spool(&paths, total);
    let started = Instant::now();
    let report = worthit::ingest::run(&paths, &Config::default()).expect("ingest");
    let ingest = started.elapsed();
    let rollups: i64 = rusqlite::Connection::open(paths.database())
        .and_then(|c| c.query_row("SELECT count(*) FROM rollups", [], |r| r.get(0)))
        .expect("count rollups");
    println!(
        "report: {} events over 365 days, {rollups} rollup rows; ingest with rollups {:.2} s ({:.0} events/s)",
        report.events_added,
        ingest.as_secs_f64(),
        report.events_added as f64 / ingest.as_secs_f64()
    );
}

/// `cargo test --all-targets` runs benches without `--bench`: then a small smoke pass
/// checks the bench still works without spending minutes on a debug build.
fn smoke() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

fn main() {
    let total = if smoke() {
        20_000
    } else {
        env_usize("WORTHIT_BENCH_EVENTS", 1_000_000)
    };
    if let Some(dir) = std::env::var_os("WORTHIT_BENCH_SETUP_DIR") {
        setup(Path::new(&dir), total);
        return;
    }
    let runs = if smoke() {
        1
    } else {
        env_usize("WORTHIT_BENCH_RUNS", 15)
    };
    let binary = Path::new(env!("CARGO_BIN_EXE_worthit"));
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new(std::env::current_exe().expect("this bench"))
        .env("WORTHIT_BENCH_SETUP_DIR", dir.path())
        // The same mode (`--bench` or the smoke pass) as this run.
        .args(std::env::args().skip(1))
        .status()
        .expect("run the setup");
    assert!(status.success(), "setup failed");

    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);
    let paint = [("WORTHIT_TUI_EXIT_AFTER_FIRST_PAINT", "1")];
    let cases: [Case<'_>; 6] = [
        ("worthit --version (baseline)", &["--version"], &[]),
        ("worthit report", &["report"], &[]),
        ("worthit report --json", &["report", "--json"], &[]),
        (
            "worthit report --since 365d",
            &["report", "--since", "365d"],
            &[],
        ),
        ("worthit tui, first paint", &["tui"], &paint),
        (
            "worthit tui --since 365d, paint",
            &["tui", "--since", "365d"],
            &paint,
        ),
    ];
    let mut baseline = Duration::ZERO;
    println!(
        "  {:<30} {:>10} {:>8} {:>12}",
        "command", "median", "ratio", "peak RSS"
    );
    for (name, args, env) in cases {
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..runs {
            let (time, rss) = measure(binary, dir.path(), args, env);
            times.push(time);
            peak = peak.max(rss);
        }
        let m = median(times);
        if baseline.is_zero() {
            baseline = m;
        }
        println!(
            "  {:<30} {:>7.1} ms {:>7.1}× {:>8.1} MB",
            name,
            m.as_secs_f64() * 1e3,
            m.as_secs_f64() / baseline.as_secs_f64(),
            peak as f64 / 1024.0
        );
    }
}
