//! The core scenario: every kind of command a user types (slow, failing, a pipeline,
//! multi-line, unicode, 100 KB, Ctrl-C'd, in a subdirectory, hidden by a leading space,
//! repeated), one per prompt, then `worthit log --json` must hold exactly the expected
//! events. Run plainly in each shell, and in bash and zsh next to the user configuration
//! the hook must coexist with (PROMPT_COMMAND, a DEBUG trap, bash-preexec,
//! HISTCONTROL=ignoreboth, add-zsh-hook); there a hook-less twin shell runs the same lines
//! and the user's own hooks must have seen exactly what they see without worthit.

use anyhow::{Result, ensure};

use super::expect::{Expected, check_events};
use super::session::{Sandbox, Session, Shell, quote};

/// The stand-in for bash-preexec (see the file's header for why and what it implements).
const BASH_PREEXEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/bash-preexec/bash-preexec.sh"
);

/// User configuration around the hook, and how to look at what it did.
#[derive(Default)]
struct Setup {
    /// Typed before the hook is loaded: the user's rc file above the hook line.
    before_hook: Vec<String>,
    /// Typed after the hook is loaded: recorded like any command.
    after_hook: Vec<String>,
    /// Typed with a leading space (so never recorded) before the scenario, to clear the
    /// state that `probe` prints.
    reset: Option<&'static str>,
    /// Typed with a leading space after the scenario; prints what the user's hooks saw.
    /// Its output must be the same with and without worthit.
    probe: Option<&'static str>,
    /// Probe output lines that only name worthit's own functions: a DEBUG trap also runs
    /// for PROMPT_COMMAND, where the hook's function is.
    skip_probe_line: Option<fn(&str) -> bool>,
}

/// Runs the scenario in a hooked shell and checks the recorded events; with a probe, runs
/// it again without the hook and compares what the user's hooks saw. Both checks run
/// before either fails, so a failure reports everything that is wrong.
fn scenario(shell: Shell, setup: &Setup) -> Result<()> {
    let (hooked, events) = run(shell, setup, true)?;
    let mut problems: Vec<String> = events.err().into_iter().collect();
    if setup.probe.is_some() {
        let (plain, _) = run(shell, setup, false)?;
        ensure!(
            !plain.trim().is_empty(),
            "the probe printed nothing in the shell without the hook: the test is broken"
        );
        if hooked != plain {
            problems.push(format!(
                "{}: the user's own hooks saw something else with worthit loaded than without\n\
                 with worthit:\n{hooked}\nwithout:\n{plain}",
                shell.name()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

/// One run of the scenario; returns the probe's output (empty without a probe) and, for
/// the hooked run, whether the recorded events were the expected ones.
fn run(shell: Shell, setup: &Setup, hooked: bool) -> Result<(String, Result<(), String>)> {
    let sandbox = Sandbox::new(&format!(
        "{}-{}",
        shell.name(),
        if hooked { "hook" } else { "plain" }
    ))?;
    let home = sandbox.home();
    let mut session = Session::start(&sandbox, shell)?;
    for line in &setup.before_hook {
        session.run(line)?;
    }
    let mut expected = Vec::new();
    if hooked {
        let loaded = session.load_hook()?;
        assert_eq!(
            loaded.output,
            "",
            "{}: loading the hook printed something",
            shell.name()
        );
    }
    for line in &setup.after_hook {
        let ran = session.run(line)?;
        expected.push(Expected::new(line, 0, &home, &ran));
    }
    if let Some(reset) = setup.reset {
        session.run(&format!(" {reset}"))?;
    }
    expected.extend(core_steps(&mut session, &sandbox)?);
    let probed = match setup.probe {
        Some(probe) => session.run(&format!(" {probe}"))?.output,
        None => String::new(),
    };
    let events = if hooked {
        check_events(shell, session.pid, &sandbox.events()?, &expected)
    } else {
        Ok(())
    };
    session.finish()?;
    let skip = setup.skip_probe_line.unwrap_or(|_| false);
    let probed = probed
        .lines()
        .filter(|l| !skip(l))
        .map(|l| format!("{l}\n"))
        .collect();
    Ok((probed, events))
}

/// Types the core commands, one per prompt, checking what they print; returns the events
/// they must produce.
fn core_steps(session: &mut Session, sandbox: &Sandbox) -> Result<Vec<Expected>> {
    let shell = session.shell;
    let home = sandbox.home();
    let sub = home.join("sub");
    let mut expected = Vec::new();

    let ran = session.run("sleep 0.3")?;
    expected.push(Expected::new("sleep 0.3", 0, &home, &ran).lasting(270.0, 330.0));

    let ran = session.run("false")?;
    expected.push(Expected::new("false", 1, &home, &ran));

    // The status of a pipeline is its last command's in all three shells (no pipefail).
    let ran = session.run("true | false")?;
    expected.push(Expected::new("true | false", 1, &home, &ran));

    let lines = shell.multi_line_loop("echo $i");
    let ran = session.run_lines(&lines)?;
    // bash hands the hook its history entry, which (cmdhist on, lithist off, the
    // defaults) joins the lines with "; "; zsh and fish keep the newlines. docs/hooks.md.
    let recorded = match shell {
        Shell::Bash => lines.join("; "),
        _ => lines.join("\n"),
    };
    expected.push(Expected::new(&recorded, 0, &home, &ran));

    let unicode = "echo héllo wörld 🚀";
    let ran = session.run(unicode)?;
    assert_eq!(
        ran.output,
        "héllo wörld 🚀\n",
        "{}: output of {unicode:?}",
        shell.name()
    );
    expected.push(Expected::new(unicode, 0, &home, &ran));

    let long = format!("echo {}", "x".repeat(100_000));
    let ran = session.run_long(&long)?;
    expected.push(Expected::truncated(&long, 0, &home, &ran));

    let ran = session.run_interrupted("sleep 10", "sleep")?;
    expected.push(Expected::new("sleep 10", 130, &home, &ran));

    let ran = session.run("cd sub")?;
    expected.push(Expected::new("cd sub", 0, &home, &ran));

    let ran = session.run("true")?;
    expected.push(Expected::new("true", 0, &sub, &ran));

    let ran = session.run(" echo secret-ish")?;
    assert_eq!(
        ran.output,
        "secret-ish\n",
        "{}: output of the hidden command",
        shell.name()
    );

    // Shells keep a repeat out of their history (HISTCONTROL=ignoredups, fish always);
    // it ran, so it is recorded.
    for _ in 0..2 {
        let ran = session.run("echo twice")?;
        assert_eq!(
            ran.output,
            "twice\n",
            "{}: output of echo twice",
            shell.name()
        );
        expected.push(Expected::new("echo twice", 0, &sub, &ran));
    }
    Ok(expected)
}

#[test]
fn bash_records_every_kind_of_command() -> Result<()> {
    scenario(Shell::Bash, &Setup::default())
}

#[test]
fn zsh_records_every_kind_of_command() -> Result<()> {
    scenario(Shell::Zsh, &Setup::default())
}

#[test]
fn fish_records_every_kind_of_command() -> Result<()> {
    scenario(Shell::Fish, &Setup::default())
}

#[test]
fn bash_keeps_a_prompt_command_string_running() -> Result<()> {
    scenario(
        Shell::Bash,
        &Setup {
            // What the user's PROMPT_COMMAND sees ($? and $_) is recorded at every prompt.
            before_hook: vec![r#"PROMPT_COMMAND='__pc+=("$?|${_:0:20}"); history -a'"#.into()],
            reset: Some("__pc=()"),
            probe: Some(r#"printf 'pc %s\n' "${__pc[@]}""#),
            ..Setup::default()
        },
    )
}

#[test]
fn bash_keeps_a_prompt_command_array_running() -> Result<()> {
    scenario(
        Shell::Bash,
        &Setup {
            // bash >= 5.1 runs each element of an array PROMPT_COMMAND.
            before_hook: vec![
                r#"PROMPT_COMMAND=('__pa+=("$?|${_:0:20}")' 'history -a' '__pb+=("$?")')"#.into(),
            ],
            reset: Some("__pa=() __pb=()"),
            probe: Some(r#"printf 'pa %s\n' "${__pa[@]}"; printf 'pb %s\n' "${__pb[@]}""#),
            ..Setup::default()
        },
    )
}

#[test]
fn bash_keeps_a_debug_trap_running() -> Result<()> {
    scenario(
        Shell::Bash,
        &Setup {
            // The trap notes $?, $_ and the command it runs before.
            before_hook: vec![
                r#"trap '__dbg+=("$?|${_:0:20}|${BASH_COMMAND:0:40}")' DEBUG"#.into(),
            ],
            reset: Some("__dbg=()"),
            probe: Some(r#"printf 'dbg %s\n' "${__dbg[@]}""#),
            skip_probe_line: Some(|line| {
                line.splitn(3, '|')
                    .nth(2)
                    .is_some_and(|command| command.starts_with("__worthit"))
            }),
            ..Setup::default()
        },
    )
}

/// The user's own preexec and precmd functions, which bash-preexec calls.
const BP_USER_FUNCTIONS: &str =
    r#"preexec() { __ux+=("e|$?|${1:0:20}"); }; precmd() { __ux+=("c|$?"); }"#;

#[test]
fn bash_works_with_bash_preexec_loaded_before() -> Result<()> {
    scenario(
        Shell::Bash,
        &Setup {
            before_hook: vec![
                BP_USER_FUNCTIONS.into(),
                format!(". {}", quote(BASH_PREEXEC)),
            ],
            reset: Some("__ux=()"),
            probe: Some(r#"printf 'ux %s\n' "${__ux[@]}""#),
            ..Setup::default()
        },
    )
}

#[test]
fn bash_works_with_bash_preexec_loaded_after() -> Result<()> {
    scenario(
        Shell::Bash,
        &Setup {
            before_hook: vec![BP_USER_FUNCTIONS.into()],
            after_hook: vec![format!(". {}", quote(BASH_PREEXEC))],
            reset: Some("__ux=()"),
            probe: Some(r#"printf 'ux %s\n' "${__ux[@]}""#),
            ..Setup::default()
        },
    )
}

#[test]
fn bash_records_repeats_under_histcontrol_ignoreboth() -> Result<()> {
    // Debian's default ~/.bashrc: a leading space or a repeat keeps a line out of history.
    scenario(
        Shell::Bash,
        &Setup {
            before_hook: vec!["HISTCONTROL=ignoreboth".into()],
            ..Setup::default()
        },
    )
}

#[test]
fn zsh_keeps_add_zsh_hook_functions_running() -> Result<()> {
    scenario(
        Shell::Zsh,
        &Setup {
            before_hook: vec![
                r#"autoload -Uz add-zsh-hook; u_pre() { __ux+=("e|$?|${1:0:20}"); }; u_post() { __ux+=("c|$?"); }; add-zsh-hook preexec u_pre; add-zsh-hook precmd u_post"#.into(),
            ],
            reset: Some("__ux=()"),
            probe: Some(r#"print -rl -- "${__ux[@]}""#),
            ..Setup::default()
        },
    )
}
