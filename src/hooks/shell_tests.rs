//! The bash and zsh hooks' fast paths, in real interactive shells on a pty: what only the
//! hooks' own caches and options decide, which the integration tests in
//! `tests/integration/shell_hooks` do not reach. Plain commands must take the fast path
//! (one call of the slow one after each directory change), the cached day must give way to
//! the next day's file, zsh's hot functions (which do without `emulate -L zsh`) must not
//! care about the user's options, and what the fast path hands over (escaping,
//! HISTTIMEFORMAT) must still be recorded exactly.
//!
//! Each shell runs the rendered hook with `--norc`/`-f`, a temp `HOME` and `WORTHIT_HOME`,
//! `TERM=dumb` and a fixed prompt; the spool files are read with `spool::parse_line`.

#[path = "../../tests/support/pty.rs"]
#[allow(dead_code)]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::cli::Shell;
use crate::spool::{self, SpoolFileName};
use pty::Pty;

const PROMPT: &[u8] = b"wt-test> ";
const TIMEOUT: Duration = Duration::from_secs(10);
const DAY_US: i64 = 86_400_000_000;

/// A hooked interactive shell in its own temp directory.
struct Session {
    pty: Pty,
    dir: tempfile::TempDir,
}

impl Session {
    fn start(shell: Shell) -> Result<Session> {
        let dir = tempfile::tempdir().context("could not create a temp dir for a shell")?;
        let spool_dir = dir.path().join("worthit/spool");
        std::fs::create_dir_all(&spool_dir)
            .with_context(|| format!("could not create {}", spool_dir.display()))?;
        std::fs::create_dir(dir.path().join("sub")).context("could not create sub")?;
        let hook = dir.path().join("hook");
        std::fs::write(&hook, super::render(shell, &spool_dir))
            .with_context(|| format!("could not write {}", hook.display()))?;
        let mut cmd = Command::new(shell.name());
        cmd.env_clear()
            .current_dir(dir.path())
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", dir.path())
            .env("WORTHIT_HOME", dir.path().join("worthit"))
            .env("TERM", "dumb")
            .env("LANG", "C.UTF-8")
            .env("WT_PROMPT", String::from_utf8_lossy(PROMPT).as_ref())
            .env("WT_HOOK", &hook);
        let setup = match shell {
            Shell::Bash => {
                cmd.args(["--norc", "--noprofile", "-i"]);
                r#"PS1="$WT_PROMPT""#
            }
            _ => {
                cmd.args(["-f", "-i"]);
                r#"PS1="$WT_PROMPT"; unsetopt prompt_sp; unset zle_bracketed_paste"#
            }
        };
        let mut pty = Pty::spawn(cmd, shell.name())?;
        pty.send(format!("{setup}\r").as_bytes())?;
        pty.wait_for(PROMPT, TIMEOUT)?;
        let mut session = Session { pty, dir };
        let printed = session.run(r#". "$WT_HOOK""#)?;
        ensure!(
            printed.trim().is_empty(),
            "loading the hook printed {printed:?}"
        );
        Ok(session)
    }

    /// Types `line` and returns what it printed before the next prompt.
    fn run(&mut self, line: &str) -> Result<String> {
        let (_, output) = self.pty.round_trip(line, PROMPT, TIMEOUT)?;
        Ok(String::from_utf8_lossy(&output).replace('\r', ""))
    }

    fn spool_dir(&self) -> PathBuf {
        self.dir.path().join("worthit/spool")
    }

    /// Every spool line: (the day in its file's name, the event).
    fn events(&self) -> Result<Vec<(Option<i64>, crate::event::Event)>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.spool_dir())?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        files.sort();
        let mut events = Vec::new();
        for path in files {
            let Some(name) = SpoolFileName::parse(&path) else {
                continue;
            };
            let bytes = std::fs::read(&path)?;
            for line in bytes.split_inclusive(|&b| b == b'\n') {
                let event = spool::parse_line(line)
                    .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
                events.push((name.day, event));
            }
        }
        events.sort_by_key(|(_, event)| event.start_us);
        Ok(events)
    }

    fn commands(&self) -> Result<Vec<String>> {
        Ok(self.events()?.into_iter().map(|(_, e)| e.command).collect())
    }
}

/// Counts calls of the slow path in `__wt_slow`, keeping what it does.
fn count_slow_calls(session: &mut Session, shell: Shell) -> Result<()> {
    let wrap = match shell {
        Shell::Bash => {
            r#" __wt_slow=0; eval "__wt_orig_$(declare -f __worthit_record)"; __worthit_record() { ((++__wt_slow)); __wt_orig___worthit_record; }"#
        }
        _ => {
            r#" __wt_slow=0; functions -c __worthit_record __wt_orig; __worthit_record() { (( ++__wt_slow )); __wt_orig }"#
        }
    };
    let printed = session.run(wrap)?;
    ensure!(printed.trim().is_empty(), "wrapping printed {printed:?}");
    Ok(())
}

fn slow_calls(session: &mut Session) -> Result<u32> {
    let out = session.run(r#" echo "slow=$__wt_slow""#)?;
    out.trim()
        .strip_prefix("slow=")
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("no count in {out:?}"))
}

fn plain_commands_take_the_fast_path(shell: Shell) -> Result<()> {
    let mut session = Session::start(shell)?;
    // The first recorded line fills the caches (directory, day).
    session.run("true first")?;
    count_slow_calls(&mut session, shell)?;
    for i in 0..5 {
        session.run(&format!("echo plain {i}"))?;
    }
    let plain = slow_calls(&mut session)?;
    // A new directory: one line on the slow path, which caches it, then fast again.
    session.run("cd sub")?;
    session.run("true in-sub")?;
    session.run("true again")?;
    let after_cd = slow_calls(&mut session)?;
    let commands = session.commands()?;
    let want: Vec<String> = ["true first"]
        .into_iter()
        .map(String::from)
        .chain((0..5).map(|i| format!("echo plain {i}")))
        .chain(["cd sub", "true in-sub", "true again"].map(String::from))
        .collect();
    assert_eq!(commands, want, "{}: recorded commands", shell.name());
    let events = session.events()?;
    let sub = session.dir.path().join("sub");
    let cwd_of = |command: &str| {
        events
            .iter()
            .find(|(_, e)| e.command == command)
            .and_then(|(_, e)| e.cwd.clone())
    };
    assert_eq!(cwd_of("cd sub"), Some(path_text(session.dir.path())));
    assert_eq!(cwd_of("true in-sub"), Some(path_text(&sub)));
    assert_eq!(cwd_of("true again"), Some(path_text(&sub)));
    // The counting lines start with a space, so each goes to the slow path itself (which
    // does not record it): the wrapping line once, the first probe once.
    assert_eq!(
        plain,
        1,
        "{}: plain commands went to the slow path",
        shell.name()
    );
    assert_eq!(
        after_cd,
        plain + 2,
        "{}: after `cd sub`, exactly one command should take the slow path",
        shell.name()
    );
    Ok(())
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn bash_plain_commands_take_the_fast_path() -> Result<()> {
    plain_commands_take_the_fast_path(Shell::Bash)
}

#[test]
fn zsh_plain_commands_take_the_fast_path() -> Result<()> {
    plain_commands_take_the_fast_path(Shell::Zsh)
}

/// A session whose cached day is over (faked by moving the cache back a day, as a shell
/// left open overnight has it) writes its next line to the new day's file.
fn a_new_day_gets_a_new_file(shell: Shell) -> Result<()> {
    let mut session = Session::start(shell)?;
    session.run("true before")?;
    session.run("true cached")?;
    let back = match shell {
        Shell::Bash => {
            r#" __worthit_day0=$((__worthit_day0 - 86400000000)); __worthit_file=${__worthit_file%.*.spool}.$((__worthit_day0 / 86400000000)).spool"#
        }
        _ => {
            r#" __worthit_day0=__worthit_day0-86400000000; __worthit_file=${__worthit_file%.*.spool}.$(( __worthit_day0 / 86400000000 )).spool"#
        }
    };
    session.run(back)?;
    session.run("true after midnight")?;
    session.run("true next")?;
    let events = session.events()?;
    let commands: Vec<&str> = events.iter().map(|(_, e)| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "true before",
            "true cached",
            "true after midnight",
            "true next"
        ],
        "{}: recorded commands",
        shell.name()
    );
    for (day, event) in &events {
        assert_eq!(
            *day,
            Some(event.start_us.div_euclid(DAY_US)),
            "{}: {:?} is in the file of another day",
            shell.name(),
            event.command
        );
    }
    Ok(())
}

#[test]
fn bash_a_new_day_gets_a_new_file() -> Result<()> {
    a_new_day_gets_a_new_file(Shell::Bash)
}

#[test]
fn zsh_a_new_day_gets_a_new_file() -> Result<()> {
    a_new_day_gets_a_new_file(Shell::Zsh)
}

/// zsh's preexec and precmd do without `emulate -L zsh`: options that change splitting,
/// globbing, arrays, unset variables and errors must change nothing they record or print.
#[test]
fn zsh_hot_functions_ignore_the_users_options() -> Result<()> {
    let mut session = Session::start(Shell::Zsh)?;
    session.run("true plain")?;
    let printed = session.run(
        " setopt ksh_arrays sh_word_split glob_subst no_unset err_exit warn_create_global \
         no_clobber rc_expand_param ksh_glob extended_glob no_multibyte force_float",
    )?;
    assert_eq!(printed, "", "setopt printed something");
    let lines = [
        r#"echo "two  spaces  *""#,
        "true *",
        "cd sub",
        r#"echo 'back\slash'"#,
        "true last",
    ];
    for line in lines {
        let out = session.run(line)?;
        let want = match line {
            l if l.starts_with("echo \"two") => "two  spaces  *\n",
            l if l.starts_with("echo 'back") => "back\\slash\n",
            _ => "",
        };
        assert_eq!(out, want, "output of {line:?} under hostile options");
    }
    // The shell is still there (ERR_EXIT would have ended it) and records the same text.
    let commands = session.commands()?;
    let mut want = vec!["true plain"];
    want.extend(lines);
    assert_eq!(commands, want);
    Ok(())
}

/// What the fast path hands to the slow one still comes out exact: text to escape, a
/// line longer than 700 characters, HISTTIMEFORMAT, a leading space that bash saved.
#[test]
fn bash_slow_path_cases_are_recorded_exactly() -> Result<()> {
    let mut session = Session::start(Shell::Bash)?;
    session.run("true plain")?;
    session.run(r#"echo 'back\slash' >/dev/null"#)?;
    let long = format!("true {}", "y".repeat(750));
    session.run(&long)?;
    session.run(" true hidden")?;
    session.run("HISTTIMEFORMAT='%F %T '")?;
    session.run("true with timestamps")?;
    session.run("true with timestamps again")?;
    let events = session.events()?;
    let commands: Vec<&str> = events.iter().map(|(_, e)| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "true plain",
            r#"echo 'back\slash' >/dev/null"#,
            &long[..700],
            "HISTTIMEFORMAT='%F %T '",
            "true with timestamps",
            "true with timestamps again",
        ]
    );
    let truncated: Vec<bool> = events.iter().map(|(_, e)| e.truncated).collect();
    assert_eq!(truncated, [false, false, true, false, false, false]);
    Ok(())
}
