//! How to start, configure and hook each shell under test, and where its hook comes from.
//!
//! Every session gets its own temp `HOME` and `WORTHIT_HOME`, a cleared environment,
//! `TERM=dumb` and a fixed prompt. The prompt text reaches the shell through the
//! `WB_PROMPT` variable, so the typed setup line never contains it and the driver cannot
//! mistake the echo of its own typing for a prompt.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tempfile::TempDir;

use crate::pty::Pty;

/// The prompt every shell prints; the driver waits for it after each line it sends.
pub const PROMPT: &str = "wtbench> ";

/// Longest wait for any prompt; a shell that takes longer is broken, not slow.
pub const PROMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The command timed per round trip: a builtin in all three shells, so the figure is the
/// shell's own per-command work plus the hook's.
pub const COMMAND: &str = "true";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    pub fn parse(name: &str) -> Option<Shell> {
        Shell::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The issue's goal for the added time per command, in microseconds.
    pub fn goal_us(self) -> f64 {
        match self {
            Shell::Bash | Shell::Zsh => 100.0,
            Shell::Fish => 500.0,
        }
    }

    /// First line of `<shell> --version`, for the JSON summary.
    pub fn version(self) -> Option<String> {
        let out = Command::new(self.name())
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_owned)
    }

    /// The line that loads the hook, typed at the prompt or written to an rc file.
    fn hook_line(self, hook: &Hook) -> String {
        match (hook, self) {
            (Hook::Real { .. }, Shell::Bash) => r#"eval "$("$WB_WORTHIT" init bash)""#.into(),
            (Hook::Real { .. }, Shell::Zsh) => r#"eval "$("$WB_WORTHIT" init zsh)""#.into(),
            (Hook::Real { .. }, Shell::Fish) => "$WB_WORTHIT init fish | source".into(),
            (Hook::Scripts { .. }, Shell::Bash | Shell::Zsh) => r#". "$WB_HOOK""#.into(),
            (Hook::Scripts { .. }, Shell::Fish) => "source $WB_HOOK".into(),
        }
    }

    /// Prompt setup that both variants share (fish gets its prompt from `-C` instead).
    fn prompt_setup(self) -> &'static str {
        match self {
            Shell::Bash => r#"PS1="$WB_PROMPT""#,
            // PROMPT_SP pads every prompt to the terminal width; turned off so each round
            // trip carries a few bytes instead of a line's worth.
            Shell::Zsh => r#"PS1="$WB_PROMPT"; setopt no_prompt_sp"#,
            Shell::Fish => "function fish_prompt; printf %s $WB_PROMPT; end; set -g fish_greeting",
        }
    }

    fn source_line(self, var: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh => format!(r#". "${var}""#),
            Shell::Fish => format!("source ${var}"),
        }
    }
}

/// Where the hook under test comes from.
#[derive(Debug, Clone)]
pub enum Hook {
    /// `worthit init <shell>` from the binary cargo built for this bench.
    Real { worthit: PathBuf },
    /// `<dir>/worthit.<shell>` sourced as is: the stand-ins in `benches/hook_cost/standin/`
    /// that validate the method, or a hook author's edited copy, timed without a rebuild.
    Scripts { dir: PathBuf },
}

impl Hook {
    pub fn describe(&self) -> String {
        match self {
            Hook::Real { worthit } => format!("real (`{} init <shell>`)", worthit.display()),
            Hook::Scripts { dir } => format!("scripts ({}/worthit.<shell>)", dir.display()),
        }
    }

    /// Checks that the hook for `shell` exists at all (while the hooks are being written,
    /// `worthit init` prints nothing, and timing an empty eval would report a fake zero)
    /// and returns a fingerprint of the script, so figures can be tied to a hook version.
    pub fn check(&self, shell: Shell, scratch: &Path) -> Result<String> {
        let fingerprint = |text: &[u8]| {
            format!(
                "fnv1a {:016x}, {} bytes",
                worthit::ingest::fnv1a(text),
                text.len()
            )
        };
        match self {
            Hook::Scripts { dir } => {
                let path = dir.join(format!("worthit.{}", shell.name()));
                let text = std::fs::read(&path)
                    .with_context(|| format!("hook script {} is missing", path.display()))?;
                Ok(fingerprint(&text))
            }
            Hook::Real { worthit } => {
                // `init` prints a header of its own above the embedded file, so an empty
                // file does not make an empty output; look at the file itself too.
                let file = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("shell-hooks")
                    .join(format!("worthit.{}", shell.name()));
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                if text.trim().is_empty() {
                    bail!(
                        "{} is missing or empty: the {} hook is still a placeholder",
                        file.display(),
                        shell.name()
                    );
                }
                let out = Command::new(worthit)
                    .args(["init", shell.name()])
                    .env("WORTHIT_HOME", scratch)
                    .env("HOME", scratch)
                    .stdin(Stdio::null())
                    .output()
                    .with_context(|| {
                        format!("could not run {} init {}", worthit.display(), shell.name())
                    })?;
                if !out.status.success() {
                    bail!(
                        "`worthit init {}` failed ({}): {}",
                        shell.name(),
                        out.status,
                        String::from_utf8_lossy(&out.stderr).trim()
                    );
                }
                if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
                    bail!(
                        "`worthit init {}` prints nothing: the {} hook is still a placeholder",
                        shell.name(),
                        shell.name()
                    );
                }
                // The embedded file, not the output: the output names a temp directory.
                Ok(fingerprint(text.as_bytes()))
            }
        }
    }
}

/// Files every session may source, found next to this bench.
#[derive(Debug, Clone)]
pub struct Support {
    pub dir: PathBuf,
}

impl Support {
    fn inshell(&self, shell: Shell) -> PathBuf {
        self.dir.join(format!("inshell.{}", shell.name()))
    }
}

/// One shell's private world: temp HOME, WORTHIT_HOME, environment.
pub struct Sandbox {
    pub shell: Shell,
    pub hooked: bool,
    dir: TempDir,
    hook: Hook,
    support: Support,
}

impl Sandbox {
    pub fn new(shell: Shell, hooked: bool, hook: &Hook, support: &Support) -> Result<Sandbox> {
        let dir = tempfile::Builder::new()
            .prefix(&format!(
                "wtbench-{}-{}-",
                shell.name(),
                if hooked { "hook" } else { "base" }
            ))
            .tempdir()
            .context("could not create a temp dir for a benchmark shell")?;
        for sub in ["home", "worthit", "worthit/spool"] {
            std::fs::create_dir_all(dir.path().join(sub))
                .with_context(|| format!("could not create {}", dir.path().join(sub).display()))?;
        }
        Ok(Sandbox {
            shell,
            hooked,
            dir,
            hook: hook.clone(),
            support: support.clone(),
        })
    }

    pub fn label(&self) -> String {
        format!(
            "{} ({})",
            self.shell.name(),
            if self.hooked { "with hook" } else { "no hook" }
        )
    }

    pub fn spool_dir(&self) -> PathBuf {
        self.dir.path().join("worthit/spool")
    }

    /// A command with the sandbox's environment and nothing from the caller's.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .current_dir(self.dir.path().join("home"))
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", self.dir.path().join("home"))
            .env("WORTHIT_HOME", self.dir.path().join("worthit"))
            .env("TERM", "dumb")
            .env("LANG", "C.UTF-8")
            .env("WB_PROMPT", PROMPT)
            .env("WB_INSHELL", self.support.inshell(self.shell));
        match &self.hook {
            Hook::Real { worthit } => cmd.env("WB_WORTHIT", worthit),
            Hook::Scripts { dir } => cmd.env(
                "WB_HOOK",
                dir.join(format!("worthit.{}", self.shell.name())),
            ),
        };
        cmd
    }

    /// Starts the interactive shell with no rc files (`bash --norc --noprofile -i`,
    /// `zsh -f -i`, `fish --no-config -i`), sets the prompt, sources the in-shell timing
    /// loop and, for the hooked variant, loads the hook. Returns at a fresh prompt.
    pub fn start_interactive(&self) -> Result<Pty> {
        let mut cmd;
        match self.shell {
            Shell::Bash => {
                cmd = self.command("bash");
                cmd.args(["--norc", "--noprofile", "-i"]);
            }
            Shell::Zsh => {
                cmd = self.command("zsh");
                cmd.args(["-f", "-i"]);
            }
            Shell::Fish => {
                cmd = self.command("fish");
                cmd.args(["--no-config", "-i", "-C", self.shell.prompt_setup()]);
            }
        }
        let mut pty = Pty::spawn(cmd, &self.label())?;
        let marker = PROMPT.as_bytes();
        if self.shell != Shell::Fish {
            pty.send(format!("{}\r", self.shell.prompt_setup()).as_bytes())?;
        }
        pty.wait_for(marker, PROMPT_TIMEOUT)?;
        pty.round_trip(
            &self.shell.source_line("WB_INSHELL"),
            marker,
            PROMPT_TIMEOUT,
        )?;
        // Both variants type a line here so their histories and line numbers match.
        let hook_line = if self.hooked {
            self.shell.hook_line(&self.hook)
        } else {
            COMMAND.into()
        };
        let (_, output) = pty.round_trip(&hook_line, marker, PROMPT_TIMEOUT)?;
        let printed = visible_output(&output);
        if self.hooked && !printed.is_empty() {
            eprintln!(
                "note: loading the {} hook printed {printed:?} (hooks should be silent)",
                self.shell.name()
            );
        }
        Ok(pty)
    }

    /// Writes the rc file used by the start-up measurement and returns the command line
    /// that starts an interactive shell reading it (and no other user rc file).
    /// `exit_at_once` adds `-c exit`, the `hyperfine`-style start-up-and-quit run.
    pub fn startup_command(&self, exit_at_once: bool) -> Result<Command> {
        let rc_dir = self.dir.path().join("rc");
        std::fs::create_dir_all(&rc_dir)
            .with_context(|| format!("could not create {}", rc_dir.display()))?;
        let mut rc = String::new();
        rc.push_str(self.shell.prompt_setup());
        rc.push('\n');
        if self.hooked {
            rc.push_str(&self.shell.hook_line(&self.hook));
            rc.push('\n');
        }
        let rc_file = match self.shell {
            Shell::Bash => rc_dir.join("bashrc"),
            Shell::Zsh => rc_dir.join(".zshrc"),
            Shell::Fish => rc_dir.join("config.fish"),
        };
        std::fs::write(&rc_file, rc)
            .with_context(|| format!("could not write {}", rc_file.display()))?;
        let mut cmd;
        match self.shell {
            Shell::Bash => {
                cmd = self.command("bash");
                cmd.arg("--noprofile")
                    .arg("--rcfile")
                    .arg(&rc_file)
                    .arg("-i");
            }
            Shell::Zsh => {
                // -d skips the global rc files but, unlike -f, reads $ZDOTDIR/.zshrc.
                cmd = self.command("zsh");
                cmd.env("ZDOTDIR", &rc_dir).args(["-d", "-i"]);
            }
            Shell::Fish => {
                cmd = self.command("fish");
                cmd.args(["--no-config", "-i", "-C"])
                    .arg(format!("source {}", rc_file.display()));
            }
        }
        if exit_at_once {
            cmd.args(["-c", "exit"]);
        }
        Ok(cmd)
    }

    /// Runs the in-shell loop `k` times and returns its total time in microseconds.
    pub fn inshell_us(&self, pty: &mut Pty, k: usize) -> Result<f64> {
        let marker = PROMPT.as_bytes();
        let line = match self.shell {
            Shell::Bash => format!(r#"trap -p DEBUG >"$HOME/.wtb_trap"; wtb_inshell {k}"#),
            Shell::Zsh | Shell::Fish => format!("wtb_inshell {k}"),
        };
        let (_, output) = pty.round_trip(&line, marker, Duration::from_secs(120))?;
        match self.shell {
            Shell::Bash | Shell::Zsh => {
                let fields = result_fields(&output).with_context(|| {
                    format!(
                        "{}: no WTB_INSHELL line in {:?}",
                        self.label(),
                        lossy(&output)
                    )
                })?;
                let [start, end] = fields.as_slice() else {
                    bail!("{}: expected two timestamps, got {fields:?}", self.label());
                };
                Ok((epoch_us(end)? - epoch_us(start)?) as f64)
            }
            Shell::Fish => {
                let (_, output) = pty.round_trip(
                    "printf 'WTB_INSHELL %s\\n' $CMD_DURATION",
                    marker,
                    PROMPT_TIMEOUT,
                )?;
                let fields = result_fields(&output).with_context(|| {
                    format!(
                        "{}: no WTB_INSHELL line in {:?}",
                        self.label(),
                        lossy(&output)
                    )
                })?;
                let ms: f64 = fields
                    .first()
                    .and_then(|f| f.parse().ok())
                    .with_context(|| format!("{}: bad CMD_DURATION {fields:?}", self.label()))?;
                Ok(ms * 1000.0)
            }
        }
    }
}

/// The fields after the last `WTB_INSHELL ` that is followed by a digit (the echo of the
/// typed command also contains the tag, but never followed by a digit).
fn result_fields(output: &[u8]) -> Option<Vec<String>> {
    let text = String::from_utf8_lossy(output);
    let tag = "WTB_INSHELL ";
    let at = text
        .match_indices(tag)
        .map(|(i, _)| i + tag.len())
        .filter(|&i| text[i..].starts_with(|c: char| c.is_ascii_digit()))
        .last()?;
    let line = text[at..].lines().next()?;
    Some(line.split_whitespace().map(str::to_owned).collect())
}

/// `1700000000.123456789` (bash: 6 decimals, zsh: 9) as whole microseconds, exactly.
fn epoch_us(text: &str) -> Result<i64> {
    let (secs, frac) = text
        .split_once('.')
        .with_context(|| format!("timestamp {text:?} has no '.'"))?;
    let secs: i64 = secs
        .parse()
        .with_context(|| format!("bad seconds in timestamp {text:?}"))?;
    let micros: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
    let micros: i64 = micros
        .parse()
        .with_context(|| format!("bad fraction in timestamp {text:?}"))?;
    Ok(secs * 1_000_000 + micros)
}

/// What a command printed, minus terminal control sequences and line-end padding (zsh's
/// bracketed-paste toggles, fish's `⏎` missing-newline marker): empty for a silent command.
fn visible_output(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let mut visible = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte (0x40..=0x7e).
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else if c != '⏎' && !c.is_whitespace() {
            visible.push(c);
        }
    }
    visible
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
