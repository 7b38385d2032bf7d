//! The hook changes nothing the user can see: after each kind of command, `$?`, `$_` and
//! `PIPESTATUS` (bash), `$?`, `$_` and `$pipestatus` (zsh), `$status` and `$pipestatus`
//! (fish) read at the next prompt are what the same shell shows without the hook.

use anyhow::Result;

use super::session::{Sandbox, Session, Shell};

/// A command before a probe.
enum Step {
    Line(&'static str),
    Lines([String; 3]),
    Interrupted(&'static str, &'static str),
}

fn steps(shell: Shell) -> Vec<Step> {
    let assignment = match shell {
        Shell::Bash | Shell::Zsh => "x=1",
        Shell::Fish => "set x 1",
    };
    vec![
        Step::Line("false"),
        Step::Line("true | false | true"),
        Step::Line("sh -c 'exit 3' | sh -c 'exit 4'"),
        Step::Line("echo a b last-arg"),
        Step::Line(assignment),
        Step::Interrupted("sleep 10", "sleep"),
        Step::Line(" false"),
        Step::Lines(shell.multi_line_loop("false")),
        Step::Line("cd sub"),
    ]
}

/// The line that prints what a user's prompt could read.
fn probe(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => r#"echo "status=$? last=$_ pipestatus=${PIPESTATUS[*]}""#,
        Shell::Zsh => r#"echo "status=$? last=$_ pipestatus=$pipestatus""#,
        Shell::Fish => r#"echo "status=$status pipestatus=$pipestatus""#,
    }
}

/// Runs every step followed by the probe; returns the probe outputs.
fn probes(shell: Shell, hooked: bool) -> Result<Vec<String>> {
    let sandbox = Sandbox::new(&format!("{}-invisible", shell.name()))?;
    let mut session = Session::start(&sandbox, shell)?;
    if hooked {
        session.load_hook()?;
    }
    let mut seen = Vec::new();
    for step in steps(shell) {
        let (what, _) = match &step {
            Step::Line(line) => (line.to_string(), session.run(line)?),
            Step::Lines(lines) => (lines.join("; "), session.run_lines(lines)?),
            Step::Interrupted(line, program) => (
                format!("{line} ^C"),
                session.run_interrupted(line, program)?,
            ),
        };
        let out = session.run(probe(shell))?.output;
        seen.push(format!("after {what:?}: {}", out.trim_end()));
    }
    if hooked {
        // The hook was active: each step and probe line is one event.
        let events = sandbox.events()?;
        assert_eq!(
            events.len(),
            // The leading-space step is not recorded.
            2 * steps(shell).len() - 1,
            "{}: unexpected number of events:\n{}",
            shell.name(),
            super::expect::list(&events)
        );
    }
    session.finish()?;
    Ok(seen)
}

fn changes_nothing_visible(shell: Shell) -> Result<()> {
    let plain = probes(shell, false)?;
    assert!(
        plain[0].ends_with("status=1") || plain[0].contains("status=1 "),
        "the probe does not work: {plain:?}"
    );
    let hooked = probes(shell, true)?;
    assert_eq!(
        hooked,
        plain,
        "{}: with the hook (left) the user sees other values than without (right)",
        shell.name()
    );
    Ok(())
}

#[test]
fn bash_hook_changes_nothing_visible() -> Result<()> {
    changes_nothing_visible(Shell::Bash)
}

#[test]
fn zsh_hook_changes_nothing_visible() -> Result<()> {
    changes_nothing_visible(Shell::Zsh)
}

#[test]
fn fish_hook_changes_nothing_visible() -> Result<()> {
    changes_nothing_visible(Shell::Fish)
}
