//! Turning the hook on twice, off and on again, and not at all: sourcing it again does
//! not record twice, `WORTHIT_DISABLE=1` stops recording until it is unset, and a
//! non-interactive shell that evaluates the hook writes no spool line.

use std::process::Stdio;

use anyhow::{Context, Result};

use super::expect::{Expected, assert_events};
use super::session::{Sandbox, Session, Shell};

fn sourcing_again_records_once(shell: Shell) -> Result<()> {
    let sandbox = Sandbox::new(&format!("{}-resource", shell.name()))?;
    let home = sandbox.home();
    let mut session = Session::start(&sandbox, shell)?;
    session.load_hook()?;
    let mut expected = Vec::new();
    let ran = session.run("true")?;
    expected.push(Expected::new("true", 0, &home, &ran));
    // The second load is itself a command typed with the hook active.
    let ran = session.load_hook()?;
    assert_eq!(
        ran.output,
        "",
        "{}: loading the hook again printed something",
        shell.name()
    );
    expected.push(Expected::new(&shell.hook_line(), 0, &home, &ran));
    let ran = session.run("echo once")?;
    expected.push(Expected::new("echo once", 0, &home, &ran));
    assert_events(shell, session.pid, &sandbox.events()?, &expected);
    session.finish()
}

#[test]
fn bash_sourcing_again_records_once() -> Result<()> {
    sourcing_again_records_once(Shell::Bash)
}

#[test]
fn zsh_sourcing_again_records_once() -> Result<()> {
    sourcing_again_records_once(Shell::Zsh)
}

#[test]
fn fish_sourcing_again_records_once() -> Result<()> {
    sourcing_again_records_once(Shell::Fish)
}

/// The switch lines are typed with a leading space, which keeps them out of the record
/// whichever way a hook reads the switch (when a command starts or when it ends).
fn disable_stops_recording(shell: Shell) -> Result<()> {
    let (off, on) = match shell {
        Shell::Bash | Shell::Zsh => (" export WORTHIT_DISABLE=1", " unset WORTHIT_DISABLE"),
        Shell::Fish => (" set -gx WORTHIT_DISABLE 1", " set -e WORTHIT_DISABLE"),
    };
    let sandbox = Sandbox::new(&format!("{}-disable", shell.name()))?;
    let home = sandbox.home();
    let mut session = Session::start(&sandbox, shell)?;
    session.load_hook()?;
    let mut expected = Vec::new();
    let ran = session.run("echo on")?;
    expected.push(Expected::new("echo on", 0, &home, &ran));
    session.run(off)?;
    session.run("echo off")?;
    session.run("false")?;
    session.run_interrupted("sleep 10", "sleep")?;
    session.run_lines(&shell.multi_line_loop("true"))?;
    session.run(on)?;
    let ran = session.run("echo on again")?;
    expected.push(Expected::new("echo on again", 0, &home, &ran));
    assert_events(shell, session.pid, &sandbox.events()?, &expected);
    session.finish()
}

#[test]
fn bash_worthit_disable_stops_recording() -> Result<()> {
    disable_stops_recording(Shell::Bash)
}

#[test]
fn zsh_worthit_disable_stops_recording() -> Result<()> {
    disable_stops_recording(Shell::Zsh)
}

#[test]
fn fish_worthit_disable_stops_recording() -> Result<()> {
    disable_stops_recording(Shell::Fish)
}

/// A script that evaluates the hook, then runs commands. The binary's path comes from
/// `$WT_WORTHIT`, so the script can itself be single-quoted on a command line.
fn script(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => {
            r#"eval "$("$WT_WORTHIT" init bash)"; true; false; sleep 0.01; cd sub; echo done"#
        }
        Shell::Zsh => {
            r#"eval "$("$WT_WORTHIT" init zsh)"; true; false; sleep 0.01; cd sub; echo done"#
        }
        Shell::Fish => "$WT_WORTHIT init fish | source; true; false; sleep 0.01; cd sub; echo done",
    }
}

fn non_interactive_records_nothing(shell: Shell) -> Result<()> {
    let sandbox = Sandbox::new(&format!("{}-script", shell.name()))?;
    // With pipes for stdin and stdout, as cron, CI or an editor run a shell.
    let out = sandbox
        .command(shell.name())
        .arg("-c")
        .arg(script(shell))
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not run {} -c", shell.name()))?;
    assert_eq!(
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned()
        ),
        ("done\n".to_owned(), String::new()),
        "{} -c with the hook: stdout and stderr",
        shell.name()
    );
    // On a terminal too: `<shell> -c` typed into an interactive shell without the hook.
    let mut session = Session::start(&sandbox, shell)?;
    let line = format!(
        "{} -c {}",
        shell.name(),
        super::session::quote(script(shell))
    );
    let ran = session.run(&line)?;
    assert_eq!(
        ran.output,
        "done\n",
        "{} -c on a terminal printed other things",
        shell.name()
    );
    session.finish()?;

    assert_eq!(
        sandbox.spool_files()?,
        Vec::<String>::new(),
        "{} -c wrote spool files",
        shell.name()
    );
    let events = sandbox.events()?;
    assert!(
        events.is_empty(),
        "{} -c recorded events:\n{}",
        shell.name(),
        super::expect::list(&events)
    );
    Ok(())
}

#[test]
fn bash_non_interactive_records_nothing() -> Result<()> {
    non_interactive_records_nothing(Shell::Bash)
}

#[test]
fn zsh_non_interactive_records_nothing() -> Result<()> {
    non_interactive_records_nothing(Shell::Zsh)
}

#[test]
fn fish_non_interactive_records_nothing() -> Result<()> {
    non_interactive_records_nothing(Shell::Fish)
}
