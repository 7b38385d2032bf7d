//! Deterministic generator of realistic spool lines for the ingest benchmark and tests.

use worthit::event::{Event, Source};

/// Commands a developer repeats all day, with a few secrets mixed in (1 in 50) so the
/// redactor does real work.
const COMMANDS: &[&str] = &[
    "cargo build",
    "cargo test -p api -- --nocapture",
    "git status",
    "git commit -m \"fix flaky retry test\"",
    "npm test",
    "npm run lint -- --fix",
    "rg -n 'fn main' src/",
    "ls -la",
    "kubectl get pods -n staging",
    "docker compose up -d db",
    "pytest tests/unit -x -q",
    "make -j8",
    "go test ./...",
    "cd ../web",
    "vim src/main.rs",
    "curl -s http://localhost:8080/healthz",
];

const SECRETS: &[&str] = &[
    "export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcDEF123' https://api.example.com",
    "mysql -u root -psup3rs3cret app",
];

/// A tiny xorshift so the data is the same on every run without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// `n` events of one session, one after another from `start_us`.
pub fn events(n: usize, session: &str, seed: u64) -> Vec<Event> {
    let mut rng = Rng::new(seed);
    let mut now = 1_790_000_000_000_000i64;
    (0..n)
        .map(|i| {
            let r = rng.next();
            let command = if r.is_multiple_of(50) {
                SECRETS[(r as usize / 50) % SECRETS.len()].to_string()
            } else {
                COMMANDS[r as usize % COMMANDS.len()].to_string()
            };
            let duration = (r >> 20) as i64 % 40_000_000;
            let event = Event {
                start_us: now,
                duration_us: Some(duration),
                duration_resolution_us: Some(1),
                exit: Some(if r.is_multiple_of(7) { 1 } else { 0 }),
                cwd: Some(format!("/home/dev/src/project{}/sub", i % 5)),
                command,
                shell: "bash".into(),
                session: session.into(),
                source: Source::Hook,
                truncated: false,
            };
            now += duration + 1_500_000;
            event
        })
        .collect()
}
