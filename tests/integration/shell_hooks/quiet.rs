//! Loading the hook prints nothing (stdout or stderr, both go to the terminal), also under
//! `set -eu`, and leaves `set -e` / `set -u` as they were; the commands after it print
//! nothing extra and are recorded.

use anyhow::Result;

use super::expect::{Expected, assert_events};
use super::session::{Sandbox, Session, Shell};

/// Loads the hook after `options` (`set -eu` or nothing) and checks it stays silent.
fn loads_silently(shell: Shell, options: Option<&str>) -> Result<()> {
    let sandbox = Sandbox::new(&format!("{}-quiet", shell.name()))?;
    let home = sandbox.home();
    let mut session = Session::start(&sandbox, shell)?;
    if let Some(options) = options {
        let ran = session.run(options)?;
        assert_eq!(
            ran.output,
            "",
            "{}: `{options}` printed something",
            shell.name()
        );
    }
    // fish has no `$-`; its options cannot be set -e/-u.
    let flags = (shell != Shell::Fish).then_some(r#"echo "flags=$-""#);
    let flags_before = match flags {
        Some(line) => session.run(line)?.output,
        None => String::new(),
    };

    let loaded = session.load_hook()?;
    assert_eq!(
        loaded.output,
        "",
        "{}: loading the hook{} printed something",
        shell.name(),
        options.map(|o| format!(" after `{o}`")).unwrap_or_default()
    );

    // Under set -eu a failing or unset-variable statement in the hook would print or end
    // the shell here, at its first prompt hooks.
    let mut expected = Vec::new();
    let ran = session.run("true")?;
    assert_eq!(ran.output, "", "{}: `true` printed something", shell.name());
    expected.push(Expected::new("true", 0, &home, &ran));
    let ran = session.run("cd sub")?;
    assert_eq!(
        ran.output,
        "",
        "{}: `cd sub` printed something",
        shell.name()
    );
    expected.push(Expected::new("cd sub", 0, &home, &ran));
    if let Some(line) = flags {
        let ran = session.run(line)?;
        assert_eq!(
            ran.output,
            flags_before,
            "{}: the shell options changed when the hook loaded",
            shell.name()
        );
        let letters = ran.output.trim().trim_start_matches("flags=");
        if options.is_some() {
            assert!(
                letters.contains('e') && letters.contains('u'),
                "{}: set -eu lost: {:?}",
                shell.name(),
                ran.output
            );
        }
        expected.push(Expected::new(line, 0, &home.join("sub"), &ran));
    }
    assert_events(shell, session.pid, &sandbox.events()?, &expected);
    session.finish()
}

#[test]
fn bash_loads_silently() -> Result<()> {
    loads_silently(Shell::Bash, None)
}

#[test]
fn bash_loads_silently_under_set_eu() -> Result<()> {
    loads_silently(Shell::Bash, Some("set -eu"))
}

#[test]
fn zsh_loads_silently() -> Result<()> {
    loads_silently(Shell::Zsh, None)
}

#[test]
fn zsh_loads_silently_under_set_eu() -> Result<()> {
    loads_silently(Shell::Zsh, Some("set -eu"))
}

#[test]
fn fish_loads_silently() -> Result<()> {
    loads_silently(Shell::Fish, None)
}
