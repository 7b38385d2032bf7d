//! `worthit watch`'s CPU use while idle and while hooks append 1,000 spool lines a second.
//!
//! Starts the bench-profile `worthit watch` (from `CARGO_BIN_EXE_worthit`) on a temp
//! `WORTHIT_HOME` watching one small git repository, waits until it is ready, then reads
//! its user + system CPU time from `/proc/<pid>/stat` around each phase:
//!
//! 1. idle: nothing happens for `WORTHIT_BENCH_IDLE_S` seconds (default 10);
//! 2. load: `WORTHIT_BENCH_RATE` lines a second (default 1,000) for `WORTHIT_BENCH_LOAD_S`
//!    seconds (default 10), appended one `write` per line (as hooks append) in 10 ms
//!    ticks to 8 session files, while a file in the repository is saved every second.
//!
//! Afterwards every line must be in the database (read with SQLite), and the bench
//! prints how long after the last write the last line got there. CPU is given as a
//! percentage of one core. Run: `cargo bench --bench watch`. Without `--bench` (as in
//! `cargo test --all-targets`) it runs a one-second smoke pass of each phase.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use worthit::event::{Event, Source};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn smoke() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

/// User + system CPU seconds of a process so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/<pid>/stat");
    let rest = &stat[stat.rfind(')').expect("a command name") + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    ticks as f64 / per_second
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("read /proc/<pid>/status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn line(session: &str, cwd: &Path, i: u64) -> Vec<u8> {
    worthit::spool::serialise(&Event {
        start_us: now_us() - 1_000,
        duration_us: Some(1_000),
        duration_resolution_us: Some(1),
        exit: Some(0),
        cwd: Some(cwd.to_string_lossy().into_owned()),
        command: format!("make target{}", i % 50),
        shell: "bash".into(),
        session: session.into(),
        source: Source::Hook,
        truncated: false,
    })
}

struct Stop(Child);

impl Drop for Stop {
    fn drop(&mut self) {
        // SAFETY: kill has no memory effects; the pid is our child's.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

fn main() {
    let (idle_s, load_s, rate) = if smoke() {
        (1, 1, 200)
    } else {
        (
            env_u64("WORTHIT_BENCH_IDLE_S", 10),
            env_u64("WORTHIT_BENCH_LOAD_S", 10),
            env_u64("WORTHIT_BENCH_RATE", 1_000),
        )
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("data");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("make the repository");
    std::fs::create_dir_all(repo.join("src")).expect("make the repository");
    let mut child = Command::new(env!("CARGO_BIN_EXE_worthit"))
        .args(["watch", "--days", "1", "--repo"])
        .arg(&repo)
        .env("WORTHIT_HOME", &home)
        .env("WORTHIT_CONFIG", dir.path().join("none.toml"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start worthit watch");
    let stdout = child.stdout.take().expect("stdout");
    let watch = Stop(child);
    let pid = watch.0.id();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .expect("watch said it was ready")
            .expect("read stdout");
        if line.contains("worthit watch ready") {
            break;
        }
    }
    // Keep draining stdout so the watch never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(idle_s));
    let idle_cpu = cpu_seconds(pid) - before;
    let idle_rss = rss_kb(pid);

    let spool = home.join("spool");
    let sessions: Vec<String> = (0..8)
        .map(|i| format!("bash-{}-{i}", std::process::id()))
        .collect();
    let day = now_us().div_euclid(86_400_000_000);
    let mut files: Vec<std::fs::File> = sessions
        .iter()
        .map(|s| {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(spool.join(format!("{s}.{day}.spool")))
                .expect("open a spool file")
        })
        .collect();
    let per_tick = (rate / 100).max(1);
    let ticks = load_s * 100;
    let before = cpu_seconds(pid);
    let started = Instant::now();
    let mut written = 0u64;
    for tick in 0..ticks {
        for _ in 0..per_tick {
            let k = (written % files.len() as u64) as usize;
            let bytes = line(&sessions[k], &repo.join("src"), written);
            files[k].write_all(&bytes).expect("append a line");
            written += 1;
        }
        if tick % 100 == 0 {
            std::fs::write(repo.join("src/lib.rs"), format!("// {tick}\n")).expect("save a file");
        }
        let next = started + Duration::from_millis((tick + 1) * 10);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    let writing = started.elapsed();
    let last_write = Instant::now();
    let db = home.join("worthit.db");
    let mut stored = 0;
    while last_write.elapsed() < Duration::from_secs(30) {
        if let Ok(conn) =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        {
            stored = conn
                .query_row(
                    "SELECT count(*) FROM events WHERE command LIKE 'make target%'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap_or(0);
        }
        if stored as u64 >= written {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let lag = last_write.elapsed();
    let load_cpu = cpu_seconds(pid) - before;
    let load_rss = rss_kb(pid);
    assert_eq!(stored as u64, written, "every line must reach the database");
    drop(watch);

    let pct = |cpu: f64, wall: f64| cpu / wall * 100.0;
    println!("worthit watch CPU (percent of one core), user + system from /proc/<pid>/stat:");
    println!(
        "  idle {idle_s} s:                 {:.3} % ({:.3} s CPU), RSS {idle_rss} kB",
        pct(idle_cpu, idle_s as f64),
        idle_cpu
    );
    println!(
        "  {rate} lines/s for {load_s} s:   {:.1} % ({:.2} s CPU over {:.2} s), RSS {load_rss} kB; {written} lines, all stored {:.0} ms after the last write",
        pct(load_cpu, writing.as_secs_f64() + lag.as_secs_f64()),
        load_cpu,
        writing.as_secs_f64() + lag.as_secs_f64(),
        lag.as_secs_f64() * 1e3
    );
}
