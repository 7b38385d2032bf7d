//! Real interactive bash, zsh and fish on a pty, driven like a person at a terminal.
//!
//! Each shell starts without user rc files, in a [`TestEnv`]. Its prompt carries a number
//! the prompt itself increments (`wt7> `), so waiting for "the next prompt" means waiting
//! for a larger number: the echo of typed text, and fish redrawing its line on every key
//! with TERM=dumb, never look like a new prompt. Nothing here sleeps and hopes: every wait
//! is for something the shell prints, or for a process to appear, with a generous limit.

use std::io::Write;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use expectrl::{ControlCode, Expect, Regex, Session};

use crate::util::{TestEnv, WORTHIT};

/// Longest wait for anything a shell should print; a loaded 2-core CI machine is slow.
pub const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bash,
    Zsh,
    Fish,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bash => "bash",
            Kind::Zsh => "zsh",
            Kind::Fish => "fish",
        }
    }

    fn argv(self) -> &'static [&'static str] {
        match self {
            Kind::Bash => &["bash", "--norc", "--noprofile", "-i"],
            Kind::Zsh => &["zsh", "-f", "-i"],
            Kind::Fish => &["fish", "--no-config", "-i"],
        }
    }

    /// The line that installs the counting prompt (and quiets terminal extras).
    fn prompt_setup(self) -> &'static str {
        match self {
            Kind::Bash => "WT_N=0; PS1='wt$((WT_N+=1))> '; PS2='> '",
            Kind::Zsh => {
                "WT_N=0; setopt promptsubst; unsetopt promptsp; unset zle_bracketed_paste; \
                 PS1='wt$((++WT_N))> '; PS2='> '"
            }
            Kind::Fish => {
                "set -g WT_N 0; function fish_prompt; set -g WT_N (math $WT_N + 1); \
                 printf 'wt%s> ' $WT_N; end; function fish_right_prompt; end"
            }
        }
    }

    /// The line that loads the worthit hook (`$WT_WORTHIT` is the binary under test).
    pub fn load_hook(self) -> &'static str {
        match self {
            Kind::Bash => r#"eval "$("$WT_WORTHIT" init bash)""#,
            Kind::Zsh => r#"eval "$("$WT_WORTHIT" init zsh)""#,
            Kind::Fish => "$WT_WORTHIT init fish | source",
        }
    }
}

/// Held by every live [`Shell`]: one pty shell at a time per test process. Spawning ptys
/// from several threads at once lets children inherit each other's pty and exec-error
/// pipe descriptors (the pty crate does not mark them close-on-exec), and fish then stalls.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// An interactive shell at its prompt.
pub struct Shell {
    pub kind: Kind,
    session: expectrl::session::OsSession,
    prompt: u64,
    _turn: MutexGuard<'static, ()>,
}

impl Shell {
    /// Starts `kind` in `env` (plus `extra` variables) and waits for its counting prompt.
    pub fn start(kind: Kind, env: &TestEnv, extra: &[(&str, &str)]) -> Shell {
        // A test that panicked while holding the lock leaves nothing broken behind.
        let turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let argv = kind.argv();
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..])
            .env_clear()
            .envs(env.vars())
            .env("WT_WORTHIT", WORTHIT)
            .envs(extra.iter().copied())
            .current_dir(env.root());
        let mut session = Session::spawn(cmd).unwrap_or_else(|e| {
            panic!("cannot start {} on a pty (is it installed?): {e}", argv[0])
        });
        session.set_expect_timeout(Some(TIMEOUT));
        let mut shell = Shell {
            kind,
            session,
            prompt: 0,
            _turn: turn,
        };
        shell.run(kind.prompt_setup());
        shell
    }

    /// Types `line` and Enter, waits for the next prompt; returns what was printed.
    pub fn run(&mut self, line: &str) -> String {
        self.session
            .send_line(line)
            .unwrap_or_else(|e| panic!("{}: cannot type {line:?}: {e}", self.kind.name()));
        self.wait_prompt(line)
    }

    /// Like [`Shell::run`], for a line after which another shell's prompt shows up (a
    /// nested shell starting or exiting): its number need not be larger.
    pub fn run_to_other_shell(&mut self, line: &str) -> String {
        self.prompt = 0;
        self.run(line)
    }

    /// Like [`Shell::run`], also returning how long the line took from Enter to prompt.
    pub fn run_timed(&mut self, line: &str) -> (String, Duration) {
        let started = Instant::now();
        let out = self.run(line);
        (out, started.elapsed())
    }

    /// Types `text` (no Enter) in chunks, reading the echo as it comes so that neither
    /// side of the pty fills up and blocks the other.
    pub fn type_slowly(&mut self, text: &[u8]) {
        let mut sink = [0u8; 65536];
        for chunk in text.chunks(1024) {
            self.session.write_all(chunk).expect("write to pty");
            self.session.flush().expect("flush pty");
            while let Ok(n) = self.session.try_read(&mut sink) {
                if n == 0 {
                    break;
                }
            }
        }
    }

    /// Sends raw bytes (a key binding, say) without Enter.
    pub fn send_keys(&mut self, keys: &[u8]) {
        self.session.send(keys).expect("write keys to pty");
    }

    /// Waits for a prompt with a number above the last one seen.
    pub fn wait_prompt(&mut self, what: &str) -> String {
        let mut out = String::new();
        loop {
            let found = match self.session.expect(Regex(r"wt(\d+)> ")) {
                Ok(found) => found,
                Err(e) => {
                    let mut rest = Vec::new();
                    let mut buf = [0u8; 65536];
                    while let Ok(n) = self.session.try_read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        rest.extend_from_slice(&buf[..n]);
                    }
                    panic!(
                        "{}: no prompt after {what:?} ({e}); printed so far:\n{out}\nthen:\n{}",
                        self.kind.name(),
                        String::from_utf8_lossy(&rest)
                    )
                }
            };
            out.push_str(&String::from_utf8_lossy(found.as_bytes()));
            // One read can hold several prompts (fish redraws the old one with each key);
            // the needle matches them all, so the newest is the largest number.
            let number = found
                .matches()
                .filter_map(|m| std::str::from_utf8(m).ok())
                .filter_map(|m| {
                    m.strip_prefix("wt")?
                        .strip_suffix("> ")?
                        .parse::<u64>()
                        .ok()
                })
                .max()
                .unwrap_or(0);
            if number > self.prompt {
                self.prompt = number;
                return without_prompts(&out);
            }
        }
    }

    /// Types `line` and waits until the shell has started a child process called `child`
    /// (e.g. `sleep`), then presses Ctrl-C and waits for the prompt.
    pub fn run_interrupted(&mut self, line: &str, child: &str) {
        self.session.send_line(line).expect("type line");
        self.wait_for_child(child);
        self.session
            .send(ControlCode::EndOfText)
            .expect("send Ctrl-C");
        self.wait_prompt(line);
    }

    /// Polls /proc until a child of the shell named `name` runs.
    fn wait_for_child(&self, name: &str) {
        let shell_pid = self.session.get_process().pid().as_raw().to_string();
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            let found = std::fs::read_dir("/proc")
                .into_iter()
                .flatten()
                .flatten()
                .any(|entry| {
                    let status =
                        std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
                    status.lines().any(|l| l == format!("Name:\t{name}"))
                        && status
                            .lines()
                            .any(|l| l.strip_prefix("PPid:\t") == Some(shell_pid.as_str()))
                });
            if found {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("{}: no `{name}` child appeared", self.kind.name());
    }
}

/// `text` without the prompts in it (`wt12> `), leaving what commands printed and echoes.
fn without_prompts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("wt") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with("> ") {
            rest = &after[digits + 2..];
        } else {
            out.push_str("wt");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
