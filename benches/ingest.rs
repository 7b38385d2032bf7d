//! Ingest throughput: events per second moved from spool files into a fresh database.
//!
//! Run: `cargo bench --bench ingest` (env `WORTHIT_BENCH_EVENTS`, default 1,000,000;
//! `WORTHIT_BENCH_RUNS`, default 5). Reports the median over runs, each on a fresh
//! database, and the spool-parse-only rate measured in the same run as a baseline.

#[path = "support/spool_gen.rs"]
mod spool_gen;

use std::time::{Duration, Instant};

use worthit::config::{Config, Paths};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// `cargo test --all-targets` runs benches without `--bench`: then a small smoke pass
/// checks the bench still works without spending minutes on a debug build.
fn smoke() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

fn main() {
    let (total, runs) = if smoke() {
        (16_000, 1)
    } else {
        (
            env_usize("WORTHIT_BENCH_EVENTS", 1_000_000),
            env_usize("WORTHIT_BENCH_RUNS", 5),
        )
    };
    // 8 sessions, like a developer with a few terminals open; pid 0 = ended sessions,
    // so each run also removes the files it finished.
    let sessions = 8;
    let mut files = Vec::new();
    for s in 0..sessions {
        let session = format!("bash-0-{s}");
        let mut text = Vec::new();
        for event in spool_gen::events(total / sessions, &session, s as u64 + 1) {
            text.extend_from_slice(&worthit::spool::serialise(&event));
        }
        files.push((format!("{session}.20000.spool"), text));
    }
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let count = (total / sessions) * sessions;

    let mut parse_times = Vec::new();
    let mut ingest_times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut parsed = 0usize;
        for (_, text) in &files {
            for line in text.split_inclusive(|&b| b == b'\n') {
                parsed += worthit::spool::parse_line(line).is_ok() as usize;
            }
        }
        parse_times.push(started.elapsed());
        assert_eq!(parsed, count);

        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::at(dir.path());
        paths.ensure().expect("data dir");
        for (name, text) in &files {
            std::fs::write(paths.spool_dir().join(name), text).expect("spool file");
        }
        let started = Instant::now();
        let report = worthit::ingest::run(&paths, &Config::default()).expect("ingest");
        ingest_times.push(started.elapsed());
        assert_eq!(report.events_added, count);
        assert_eq!(report.files_removed, sessions);
    }
    let parse = median(parse_times);
    let ingest = median(ingest_times);
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "ingest: {count} events ({:.1} MB of spool), median of {runs} runs on a fresh database",
        bytes as f64 / 1e6
    );
    println!(
        "  parse only : {:>8.1} ms  {:>10.0} events/s",
        parse.as_secs_f64() * 1e3,
        rate(parse)
    );
    println!(
        "  full ingest: {:>8.1} ms  {:>10.0} events/s  ({:.1}x parse-only time)",
        ingest.as_secs_f64() * 1e3,
        rate(ingest),
        ingest.as_secs_f64() / parse.as_secs_f64()
    );
}
