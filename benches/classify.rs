//! Classifier throughput in command lines per second: the classifier runs once per event
//! at ingest and over every stored event whenever the rules change.
//!
//! Run: `cargo bench --bench classify` (env `WORTHIT_BENCH_LINES`, default 300,000;
//! `WORTHIT_BENCH_RUNS`, default 9). The corpus is the real-command table
//! (`tests/fixtures/classify/commands.tsv`) expanded with varied arguments, paths and
//! prefixes, so no two consecutive lines are alike; each run classifies all of it once.
//! Prints the median, fastest and slowest run, for the built-in rules alone and with a
//! typical user config (three regex rules, two tools, one alias).

use std::hint::black_box;
use std::time::{Duration, Instant};

use worthit::classify::{Category, Classifier, UserRule};

const TABLE: &str = include_str!("../tests/fixtures/classify/commands.tsv");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator, so every run sees the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

/// The table's commands, each varied with extra arguments or a prefix, `total` lines.
fn corpus(total: usize) -> Vec<String> {
    let commands: Vec<&str> = TABLE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split('\t').next())
        .filter(|command| !command.is_empty())
        .collect();
    let args = [
        "",
        " --verbose",
        " -q",
        " src/lib.rs",
        " ./internal/auth/...",
        " --color=always",
        " -j 8",
        " tests/test_api.py::test_login",
        " --features \"serde tokio\"",
        " 2>&1",
        " > /tmp/out.log",
        " -n prod",
        " --tag v1.2.3",
    ];
    let prefixes = [
        "",
        "",
        "",
        "",
        "time ",
        "RUST_LOG=debug ",
        "sudo ",
        "cd ~/src/api && ",
    ];
    let mut rng = Lcg(0x5eed);
    (0..total)
        .map(|i| {
            let command = commands[i % commands.len()];
            format!("{}{command}{}", rng.pick(&prefixes), rng.pick(&args))
        })
        .collect()
}

fn user_rules() -> Vec<UserRule> {
    let rule = |pattern: &str, action: &str, category| {
        UserRule::pattern(pattern, Some(action), Some(category), None).expect("valid rule")
    };
    vec![
        rule(r"^\./scripts/ci\.sh\b", "ci.sh", Category::Test),
        rule(r"^make (e2e|integration)\b", "make e2e", Category::Test),
        rule(r"^bin/dev\b", "bin/dev", Category::Interactive),
        UserRule::tool("deployctl", Category::Deploy).expect("tool"),
        UserRule::tool("mytool", Category::Build).expect("tool"),
        UserRule::alias("k", "kubectl").expect("alias"),
    ]
}

/// Classifies the whole corpus `runs` times; returns each run's duration.
fn measure(classifier: &Classifier, lines: &[String], runs: usize) -> Vec<Duration> {
    // One untimed pass warms the caches and the lazily built name index.
    for line in lines {
        black_box(classifier.classify(line));
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        for line in lines {
            black_box(classifier.classify(black_box(line)));
        }
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn report(name: &str, lines: usize, times: &[Duration]) {
    let rate = |d: &Duration| lines as f64 / d.as_secs_f64();
    let median = times[times.len() / 2];
    println!(
        "classify/{name}: {lines} lines, median {:.1} ms = {:.0} lines/s ({:.0} ns/line); \
         fastest {:.0} lines/s, slowest {:.0} lines/s over {} runs",
        median.as_secs_f64() * 1e3,
        rate(&median),
        median.as_secs_f64() * 1e9 / lines as f64,
        rate(&times[0]),
        rate(&times[times.len() - 1]),
        times.len(),
    );
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let total = if quick {
        2_000
    } else {
        env_usize("WORTHIT_BENCH_LINES", 300_000)
    };
    let runs = if quick {
        1
    } else {
        env_usize("WORTHIT_BENCH_RUNS", 9).max(1)
    };
    let lines = corpus(total);
    let bytes: usize = lines.iter().map(String::len).sum();
    println!(
        "corpus: {} lines, {:.1} bytes/line on average",
        lines.len(),
        bytes as f64 / lines.len() as f64
    );
    report(
        "builtin",
        lines.len(),
        &measure(&Classifier::builtin(), &lines, runs),
    );
    report(
        "with_user_rules",
        lines.len(),
        &measure(&Classifier::new(user_rules()), &lines, runs),
    );
}
