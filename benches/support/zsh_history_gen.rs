//! Deterministic generator of a realistic zsh EXTENDED_HISTORY file, for the import
//! benchmark (`benches/import.rs`) and `cargo run --release --example gen_zsh_history`.
//!
//! The same `lines` give the same bytes on every machine: a fixed-seed xorshift drives
//! everything. The mix is what a developer's `.zsh_history` holds: a few dozen commands
//! repeated with varying arguments, start times minutes apart, elapsed 0 (unknown) for
//! most entries, a few multi-line commands (backslash continuations), a few metafied
//! non-ASCII commands, a few exact repeats in the same second, and a secret now and then
//! so the redactor does real work.

/// A tiny xorshift so the data is the same on every run without a dependency.
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

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const COMMANDS: &[&str] = &[
    "git status",
    "git diff --stat",
    "git log --oneline -20",
    "git commit -m \"fix flaky retry test\"",
    "git push origin HEAD",
    "cargo build",
    "cargo test -p api -- --nocapture",
    "cargo clippy --all-targets -- -D warnings",
    "npm test",
    "npm run lint -- --fix",
    "make -j8",
    "go test ./...",
    "pytest tests/unit -x -q",
    "ls -la",
    "cd ..",
    "vim src/main.rs",
    "rg -n 'fn main' src/",
    "docker compose up -d db",
    "kubectl get pods -n staging",
    "curl -s http://localhost:8080/healthz",
    "ssh build-box-3",
    "terraform plan -out plan.tfplan",
    "./gradlew assemble",
    "htop",
];

/// Arguments appended to some commands so not every line is a repeat.
const FILES: &[&str] = &[
    "src/lib.rs",
    "src/store/mod.rs",
    "README.md",
    "tests/integration/import.rs",
    "Cargo.toml",
    "web/app.tsx",
];

const MULTI_LINE: &[&str] = &[
    "for f in *.log; do\\\n  gzip \"$f\"\\\ndone",
    // A shell line continuation inside the command: its backslash is kept.
    "docker run --rm \\\\\n  -v \"$PWD\":/src \\\\\n  builder:latest make",
];

/// Metafied as zsh writes them: 你好 and 音乐 (bytes 0x83..=0xa2 become 0x83, b ^ 0x20).
const METAFIED: &[&[u8]] = &[
    b"echo \xe4\xbd\x83\x80\xe5\xa5\xbd",
    b"ls ~/\xe9\x83\xbf\xb3\xe4\xb9\x83\xb0",
];

const SECRETS: &[&str] = &[
    "export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "mysql -u root -psup3rs3cret app",
];

/// `lines` physical lines of zsh extended history, LF-terminated.
pub fn generate(lines: usize) -> Vec<u8> {
    let mut rng = Rng(0x5eed_1205);
    let mut out = Vec::with_capacity(lines * 48);
    let mut now: i64 = 1_600_000_000;
    let mut written = 0;
    while written < lines {
        let r = rng.below(1000);
        // Most entries are saved before the command ends: elapsed 0 (unknown).
        let elapsed = if rng.below(10) < 7 { 0 } else { rng.below(600) };
        let header = format!(": {now}:{elapsed};");
        let remaining = lines - written;
        if r < 10 && remaining >= 3 {
            let text = MULTI_LINE[rng.below(MULTI_LINE.len() as u64) as usize];
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(text.as_bytes());
            written += 1 + text.matches('\n').count();
        } else {
            out.extend_from_slice(header.as_bytes());
            if r < 15 {
                out.extend_from_slice(METAFIED[rng.below(METAFIED.len() as u64) as usize]);
            } else if r < 20 {
                out.extend_from_slice(SECRETS[rng.below(SECRETS.len() as u64) as usize].as_bytes());
            } else {
                let command = COMMANDS[rng.below(COMMANDS.len() as u64) as usize];
                out.extend_from_slice(command.as_bytes());
                if rng.below(3) == 0 {
                    out.push(b' ');
                    out.extend_from_slice(FILES[rng.below(FILES.len() as u64) as usize].as_bytes());
                }
            }
            written += 1;
        }
        out.push(b'\n');
        // 1 in 100 entries is repeated within the same second (an up-arrow Enter).
        if rng.below(100) != 0 {
            now += 1 + rng.below(300) as i64;
        }
    }
    out
}
