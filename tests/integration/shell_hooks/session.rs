//! One shell under test: its sandbox (temp `HOME`, `WORTHIT_HOME`, `WORTHIT_CONFIG`, a
//! cleared environment), an interactive session on a pty with a numbered prompt, and what
//! `worthit log --json` says was recorded.
//!
//! Waiting is by prompt, never by sleeping: every prompt carries a counter the shell bumps
//! each time it draws a fresh prompt (`wtp1> `, `wtp2> `, ...), so after sending a line the
//! driver knows the exact text of the prompt that means "that line has finished". Line
//! editors redraw the current prompt while a line is typed (fish does it for every few
//! keys), but never the next one. The typed setup code never contains a digit after `wtp`,
//! so the echo of the typing cannot be mistaken for a prompt.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail, ensure};
use regex::Regex;
use serde::Deserialize;
use tempfile::TempDir;

use super::pty::Pty;

/// The binary under test.
pub const WORTHIT: &str = env!("CARGO_BIN_EXE_worthit");

/// Longest wait for a prompt or a process: a shell that takes longer is broken, not slow.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The continuation prompt (bash and zsh `PS2`); fish has none.
const PS2: &str = "wtc> ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// The line users put in their rc file, with the binary's absolute path.
    pub fn hook_line(self) -> String {
        let worthit = quote(WORTHIT);
        match self {
            Shell::Bash => format!(r#"eval "$({worthit} init bash)""#),
            Shell::Zsh => format!(r#"eval "$({worthit} init zsh)""#),
            Shell::Fish => format!("{worthit} init fish | source"),
        }
    }

    /// `duration_resolution_ms` of the events this shell's hook writes.
    pub fn resolution_ms(self) -> f64 {
        match self {
            Shell::Bash | Shell::Zsh => 0.001,
            Shell::Fish => 1.0,
        }
    }

    /// Lines of a two-iteration loop typed on three lines.
    pub fn multi_line_loop(self, body: &str) -> [String; 3] {
        match self {
            Shell::Bash | Shell::Zsh => {
                ["for i in 1 2".into(), format!("do {body}"), "done".into()]
            }
            Shell::Fish => ["for i in 1 2".into(), body.into(), "end".into()],
        }
    }
}

/// Single-quotes `text` for bash, zsh and fish alike (the paths used here hold no quote or
/// backslash, which fish would read differently).
pub fn quote(text: &str) -> String {
    assert!(
        !text.contains(['\'', '\\']),
        "{text:?} cannot be quoted the same way for every shell"
    );
    format!("'{text}'")
}

/// A test's private world. `home` holds a `sub` directory for the cd step.
pub struct Sandbox {
    _dir: TempDir,
    root: PathBuf,
}

impl Sandbox {
    pub fn new(label: &str) -> Result<Sandbox> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("wt-hooks-{label}-"))
            .tempdir()
            .context("could not create a temp dir for a shell under test")?;
        // Canonical, because the shells report the physical directory they start in.
        let root = dir
            .path()
            .canonicalize()
            .with_context(|| format!("could not canonicalise {}", dir.path().display()))?;
        let sandbox = Sandbox { _dir: dir, root };
        fs::create_dir_all(sandbox.home().join("sub"))
            .with_context(|| format!("could not create {}/sub", sandbox.home().display()))?;
        fs::write(sandbox.config(), "")
            .with_context(|| format!("could not write {}", sandbox.config().display()))?;
        Ok(sandbox)
    }

    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    pub fn worthit_home(&self) -> PathBuf {
        self.root.join("worthit")
    }

    fn config(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    /// A command that sees the sandbox's environment and nothing of the caller's.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .current_dir(self.home())
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", self.home())
            .env("WORTHIT_HOME", self.worthit_home())
            .env("WORTHIT_CONFIG", self.config())
            .env("WT_WORTHIT", WORTHIT)
            .env("TERM", "dumb")
            .env("LANG", "C.UTF-8");
        cmd
    }

    /// Every recorded event, oldest first, from `worthit log --json --limit 0` (which
    /// ingests the spool first). The command must succeed and warn about nothing: a
    /// warning here means the hook wrote a line the ingest could not read.
    pub fn events(&self) -> Result<Vec<Logged>> {
        let out = self
            .command(WORTHIT)
            .args(["log", "--json", "--limit", "0"])
            .stdin(Stdio::null())
            .output()
            .context("could not run worthit log")?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        ensure!(
            out.status.success() && stderr.trim().is_empty(),
            "worthit log --json failed or warned ({}): {stderr}",
            out.status
        );
        let stdout = String::from_utf8(out.stdout).context("worthit log printed non-UTF-8")?;
        let mut events = stdout
            .lines()
            .enumerate()
            .map(|(i, line)| {
                serde_json::from_str(line)
                    .with_context(|| format!("line {} of worthit log --json: {line}", i + 1))
            })
            .collect::<Result<Vec<Logged>>>()?;
        events.reverse();
        Ok(events)
    }

    /// Names of the spool files (scratch files, which start with a dot, left out).
    pub fn spool_files(&self) -> Result<Vec<String>> {
        let dir = self.worthit_home().join("spool");
        let mut names = Vec::new();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(names),
            Err(err) => {
                return Err(err).with_context(|| format!("could not list {}", dir.display()));
            }
        };
        for entry in entries {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                names.push(name);
            }
        }
        Ok(names)
    }
}

/// One event of `worthit log --json` (docs/log-json.md); every field is required.
#[derive(Debug, Clone, Deserialize)]
pub struct Logged {
    pub start: String,
    pub duration_ms: Option<f64>,
    pub duration_resolution_ms: Option<f64>,
    pub exit: Option<i32>,
    pub cwd: Option<String>,
    pub command: String,
    pub truncated: bool,
    pub shell: String,
    pub session: String,
    #[allow(
        dead_code,
        reason = "parsed to check the field exists; repo roots are tested by ingest"
    )]
    pub repo: Option<String>,
    pub source: String,
}

/// What one line did, as seen from the terminal.
#[derive(Debug, Clone)]
pub struct Ran {
    /// What the command printed (see [`clean`]). Only meaningful for one-line commands:
    /// the echo of a longer one is not cut off.
    pub output: String,
    /// Wall clock just before the (last) line was sent and when the next prompt arrived:
    /// the command ran inside this window, `elapsed` long.
    pub sent: SystemTime,
    pub done: SystemTime,
    pub elapsed: Duration,
}

/// An interactive shell on a pty, sitting at a numbered prompt.
pub struct Session {
    pty: Pty,
    pub shell: Shell,
    pub pid: u32,
    prompt: u32,
}

impl Session {
    /// Starts `shell` with no rc files, a fixed numbered prompt and `TERM=dumb` in
    /// `sandbox`'s home; returns at the first prompt. No hook is loaded.
    pub fn start(sandbox: &Sandbox, shell: Shell) -> Result<Session> {
        let mut cmd;
        let setup;
        match shell {
            Shell::Bash => {
                cmd = sandbox.command("bash");
                cmd.args(["--norc", "--noprofile", "-i"]);
                setup = Some(format!(
                    r#"__wtn=0; PS1='wtp$((++__wtn))> '; PS2='{PS2}'; echo "wtpid=$$""#
                ));
            }
            Shell::Zsh => {
                cmd = sandbox.command("zsh");
                cmd.args(["-f", "-i"]);
                // PROMPT_SP pads every prompt to the terminal width with a mark; off, so
                // what a command printed can be compared byte for byte.
                setup = Some(format!(
                    r#"__wtn=0; setopt prompt_subst; unsetopt prompt_sp; PS1='wtp$((++__wtn))> '; PS2='{PS2}'; echo "wtpid=$$""#
                ));
            }
            Shell::Fish => {
                // fish runs fish_prompt once per fresh prompt and reuses its text for
                // redraws. `-C` runs before the first prompt, so nothing is typed.
                cmd = sandbox.command("fish");
                cmd.args([
                    "--no-config",
                    "-i",
                    "-C",
                    "set -g __wtn 0; function fish_prompt; set -g __wtn (math $__wtn + 1); printf 'wtp%s> ' $__wtn; end; set -g fish_greeting; printf 'wtpid=%s\\n' $fish_pid",
                ]);
                setup = None;
            }
        }
        let mut pty = Pty::spawn(cmd, shell.name())?;
        if let Some(setup) = setup {
            pty.send(format!("{setup}\r").as_bytes())?;
        }
        let before = pty.wait_for(b"wtp1> ", TIMEOUT)?;
        let text = String::from_utf8_lossy(&before);
        static PID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"wtpid=(\d+)").unwrap());
        let pid = PID
            .captures(&text)
            .and_then(|c| c[1].parse().ok())
            .with_context(|| {
                format!(
                    "{}: no pid before the first prompt in {text:?}",
                    shell.name()
                )
            })?;
        Ok(Session {
            pty,
            shell,
            pid,
            prompt: 1,
        })
    }

    /// Types the hook line users put in their rc file; returns what loading printed.
    pub fn load_hook(&mut self) -> Result<Ran> {
        self.run(&self.shell.hook_line())
    }

    /// Types `line` and Enter, and waits for the next prompt.
    pub fn run(&mut self, line: &str) -> Result<Ran> {
        let sent = SystemTime::now();
        let next = format!("wtp{}> ", self.prompt + 1);
        // The output starts after the first LF: the echo of the typed line ends there.
        let (elapsed, output) = self.pty.round_trip(line, next.as_bytes(), TIMEOUT)?;
        self.prompt += 1;
        Ok(Ran {
            output: clean(&output),
            sent,
            done: SystemTime::now(),
            elapsed,
        })
    }

    /// Types a command over several lines (each ended by Enter) and waits for the prompt.
    /// bash and zsh show their continuation prompt after each unfinished line and it is
    /// waited for; fish keeps editing the same command, so it is typed in one go.
    pub fn run_lines(&mut self, lines: &[String]) -> Result<Ran> {
        let (last, first) = lines.split_last().context("no lines to type")?;
        if self.shell == Shell::Fish {
            return self.run(&lines.join("\r"));
        }
        for line in first {
            self.pty.send(format!("{line}\r").as_bytes())?;
            self.pty.wait_for(PS2.as_bytes(), TIMEOUT)?;
        }
        self.run(last)
    }

    /// Enters a very long line. zsh's editor redraws the whole line for every key on a dumb
    /// terminal (100 KB typed take minutes), so there it is pasted, with the bracketed
    /// paste zsh turns on, as a terminal does when a user pastes. bash and fish take it
    /// typed.
    pub fn run_long(&mut self, line: &str) -> Result<Ran> {
        if self.shell != Shell::Zsh {
            return self.run(line);
        }
        let sent = SystemTime::now();
        let start = Instant::now();
        self.pty
            .send(format!("\x1b[200~{line}\x1b[201~\r").as_bytes())?;
        self.finish_line(sent, start)
    }

    /// Types `line`, waits until `program` (a child of the shell) is running in the
    /// foreground of the terminal, then types Ctrl-C and waits for the next prompt.
    pub fn run_interrupted(&mut self, line: &str, program: &str) -> Result<Ran> {
        let sent = SystemTime::now();
        let start = Instant::now();
        self.pty.send(format!("{line}\r").as_bytes())?;
        self.wait_for_foreground_child(program)?;
        self.pty.send(b"\x03")?;
        self.finish_line(sent, start)
    }

    /// Exits the shell (and reaps it).
    pub fn finish(self) -> Result<()> {
        self.pty.finish("exit")
    }

    fn finish_line(&mut self, sent: SystemTime, start: Instant) -> Result<Ran> {
        let next = format!("wtp{}> ", self.prompt + 1);
        let before = self.pty.wait_for(next.as_bytes(), TIMEOUT)?;
        let elapsed = start.elapsed();
        let done = SystemTime::now();
        self.prompt += 1;
        let output = match before.iter().position(|&b| b == b'\n') {
            Some(lf) => clean(&before[lf + 1..]),
            None => String::new(),
        };
        Ok(Ran {
            output,
            sent,
            done,
            elapsed,
        })
    }

    /// Polls /proc (every 2 ms) until a child of the shell named `program` has exec'd
    /// and owns the terminal, so that Ctrl-C reaches it and not the shell.
    fn wait_for_foreground_child(&self, program: &str) -> Result<()> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if foreground_child(self.pid, program)? {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "{}: `{program}` did not start in the foreground within {TIMEOUT:?}",
                    self.shell.name()
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Is a child of `parent` called `program` the foreground process group of its terminal?
fn foreground_child(parent: u32, program: &str) -> Result<bool> {
    for entry in fs::read_dir("/proc").context("could not list /proc")? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // The process may be gone by now; that is not an error.
        let Ok(stat) = fs::read_to_string(Path::new("/proc").join(pid).join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let [_state, ppid, pgrp, _session, _tty, tpgid, ..] = fields.as_slice() else {
            continue;
        };
        if comm == program && *ppid == parent.to_string() && pgrp == tpgid {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What a command printed, from the bytes after the echo of its line: escape sequences,
/// CRs and fish's "no newline at end of output" mark (`⏎`, padding, `⏎ `) taken out.
pub fn clean(raw: &[u8]) -> String {
    static ESCAPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\x1b(\[[0-?]*[ -/]*[@-~]|[^\[])").unwrap());
    static FISH_MARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"⏎ *⏎ *$").unwrap());
    let text = String::from_utf8_lossy(raw);
    let text = ESCAPE.replace_all(&text, "").replace('\r', "");
    FISH_MARK.replace(&text, "").into_owned()
}
