//! Redaction cost per command, the figure that decides whether ingest can keep its
//! 500k events/s budget.
//!
//! Run: `cargo bench --bench redact`. Each benchmark redacts a whole list per iteration
//! and reports throughput in commands, so criterion's time per element is the cost of
//! one command:
//!
//! - `redact/mix`: a realistic history, mostly innocent commands (some of which contain
//!   trigger words like `token`, `key` or a URL) and one secret in twenty commands;
//! - `redact/innocent` and `redact/secrets`: the two halves of that mix on their own;
//! - `redact/mix_with_extra_patterns`: the mix with two user patterns from the config,
//!   which cannot be pre-filtered.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use worthit::redact::Redactor;

/// Commands as they appear in a developer's history, none holding a secret.
const INNOCENT: &[&str] = &[
    "git status",
    "ls",
    "ls -la",
    "cd ..",
    "cd ~/src/api",
    "cargo build",
    "cargo test",
    "cargo test token::tests -- --nocapture",
    "cargo clippy --all-targets -- -D warnings",
    "git diff",
    "git add -p",
    "git commit -m \"fix token refresh on expiry\"",
    "git push origin main",
    "git pull --rebase",
    "git log --oneline -20",
    "git log --author=alice --since=1.week",
    "git checkout -b feature/api-key-rotation",
    "git rebase -i HEAD~3",
    "vim src/main.rs",
    "nvim src/config.rs",
    "code .",
    "make",
    "make test",
    "npm install",
    "npm run dev",
    "npm install jsonwebtoken",
    "yarn build",
    "pnpm test --watch",
    "python -m pytest -x tests/",
    "pip install -r requirements.txt",
    "docker compose up -d",
    "docker ps",
    "docker run -p 8080:80 nginx",
    "docker build -t api:dev .",
    "kubectl get pods -n prod",
    "kubectl get secret db-creds -o yaml",
    "kubectl logs -f deploy/api",
    "ssh -p 2222 deploy@staging",
    "scp build.tar.gz deploy@staging:/tmp/",
    "curl -s https://api.example.com/health | jq .",
    "curl -X POST -d @payload.json https://api.example.com/v1/jobs",
    "grep -rn password src/",
    "rg -n 'api_key' config/",
    "find . -name '*.rs' | xargs wc -l",
    "tail -f /var/log/syslog",
    "htop",
    "echo $PATH",
    "export PATH=$HOME/.cargo/bin:$PATH",
    "source .venv/bin/activate",
    "terraform plan -var-file=prod.tfvars",
    "aws s3 ls s3://builds/",
    "psql postgres://localhost/app_dev",
    "mysql -u root -p app_dev",
    "ssh-keygen -t ed25519 -C dev@example.com",
    "tar -xzpf release.tar.gz",
    "go test ./...",
    "go build -o bin/server ./cmd/server",
    "rustup update",
    "brew upgrade",
    "sudo apt-get install -y jq",
    "history | grep deploy",
    "clear",
    "exit",
    "for f in *.log; do gzip \"$f\"; done",
    "sha256sum -c SHA256SUMS",
    "gpg --verify release.tar.gz.asc",
    "openssl x509 -in cert.pem -noout -text",
    "cargo run --release -- --config ~/.config/app/key-map.toml",
    "npx prettier --write .",
    "gh pr create --fill",
    "gh auth status",
    "kubectl apply -f k8s/",
    "helm upgrade api ./chart -f values.prod.yaml",
    "watch -n1 kubectl get pods",
    "du -sh node_modules",
];

/// Commands that hold a secret, in the formats the redactor knows.
const SECRETS: &[&str] = &[
    "export GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456",
    "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' https://api.example.com/me",
    "PGPASSWORD=pgsecret psql -h db.internal -U app",
    "mysql -u root -psecret123 app_db",
    "git clone https://oauth2:glpat-x9Yz8AbCdEfGhIjKlMnO@gitlab.com/team/app.git",
    "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "docker login -u ci -p dckr_pat_AbCdEf123456 registry.example.com",
    "curl 'https://api.example.com/v1/items?token=abc123def456&page=2'",
];

/// One secret in twenty commands, interleaved the way a history would have them.
fn mix() -> Vec<&'static str> {
    let mut commands = Vec::new();
    let mut secrets = SECRETS.iter().cycle();
    for (i, command) in INNOCENT.iter().cycle().take(19 * 40).enumerate() {
        commands.push(*command);
        if i % 19 == 18
            && let Some(secret) = secrets.next()
        {
            commands.push(secret);
        }
    }
    commands
}

fn bench_list(c: &mut Criterion, name: &str, redactor: &Redactor, commands: &[&str]) {
    let mut group = c.benchmark_group("redact");
    group.throughput(Throughput::Elements(commands.len() as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut redacted = 0usize;
            for command in commands {
                if let std::borrow::Cow::Owned(_) = redactor.redact(black_box(command)) {
                    redacted += 1;
                }
            }
            redacted
        })
    });
    group.finish();
}

fn redaction(c: &mut Criterion) {
    let redactor = Redactor::new(&[]);
    // Compile the lazily built rules outside the measurement.
    for command in SECRETS {
        assert!(matches!(
            redactor.redact(command),
            std::borrow::Cow::Owned(_)
        ));
    }
    let mix = mix();
    bench_list(c, "mix", &redactor, &mix);
    bench_list(c, "innocent", &redactor, INNOCENT);
    bench_list(c, "secrets", &redactor, SECRETS);
    let with_extra = Redactor::new(&[
        "corp_[a-z0-9]{32}".to_string(),
        r"--vault-password=(\S+)".to_string(),
    ]);
    bench_list(c, "mix_with_extra_patterns", &with_extra, &mix);
}

criterion_group!(benches, redaction);
criterion_main!(benches);
