//! What `worthit init <shell>` prints passes each shell's own syntax check (`bash -n`,
//! `zsh -n`, `fish -n`) and, for bash, shellcheck. The real tools run; a missing one fails
//! the test (CI installs them).

use std::fs;
use std::process::Stdio;

use anyhow::{Context, Result};

use super::session::{Sandbox, Shell, WORTHIT};

/// Writes `worthit init <shell>` to a file in the sandbox and runs `checker args.. file`.
fn check(shell: Shell, checker: &str, args: &[&str]) -> Result<()> {
    let sandbox = Sandbox::new(&format!("{}-syntax", shell.name()))?;
    let init = sandbox
        .command(WORTHIT)
        .args(["init", shell.name()])
        .stdin(Stdio::null())
        .output()
        .context("could not run worthit init")?;
    assert!(
        init.status.success() && init.stderr.is_empty(),
        "worthit init {} failed: {}",
        shell.name(),
        String::from_utf8_lossy(&init.stderr)
    );
    assert!(
        !init.stdout.is_empty(),
        "worthit init {} printed nothing",
        shell.name()
    );
    let file = sandbox.home().join(format!("worthit.{}", shell.name()));
    fs::write(&file, &init.stdout)
        .with_context(|| format!("could not write {}", file.display()))?;
    let out = sandbox
        .command(checker)
        .args(args)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .with_context(|| {
            format!("could not run {checker}: is it installed? (.ci/run installs it)")
        })?;
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{checker} {} rejects `worthit init {}` ({}):\n{}{}",
        args.join(" "),
        shell.name(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn bash_hook_passes_bash_n() -> Result<()> {
    check(Shell::Bash, "bash", &["-n"])
}

#[test]
fn bash_hook_passes_shellcheck() -> Result<()> {
    check(Shell::Bash, "shellcheck", &["-s", "bash"])
}

#[test]
fn zsh_hook_passes_zsh_n() -> Result<()> {
    check(Shell::Zsh, "zsh", &["-n"])
}

#[test]
fn fish_hook_passes_fish_n() -> Result<()> {
    check(Shell::Fish, "fish", &["-n"])
}
