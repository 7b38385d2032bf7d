//! The shell hooks: the real script files in `shell-hooks/`, embedded at build time, and
//! the few lines `worthit init <shell>` puts above them (what only the binary knows).
//!
//! The scripts themselves are documented in `docs/hooks.md`. Everything a hook needs per
//! command must come from shell builtins, so the binary hands over, once, at `init` time:
//! the spool directory (quoted for the target shell) and, for fish on Linux, the offset
//! between the wall clock and `/proc/uptime`, because fish has no builtin wall clock.

use std::path::Path;

use crate::cli::Shell;

const BASH: &str = include_str!("../shell-hooks/worthit.bash");
const ZSH: &str = include_str!("../shell-hooks/worthit.zsh");
const FISH: &str = include_str!("../shell-hooks/worthit.fish");

/// The script `worthit init <shell>` prints.
pub fn render(shell: Shell, spool_dir: &Path) -> String {
    let dir = spool_dir.to_string_lossy();
    let mut out = match shell {
        Shell::Bash | Shell::Zsh => format!("__worthit_spool_dir={}\n", posix_quote(&dir)),
        Shell::Fish => {
            let mut header = format!("set -g __worthit_spool_dir {}\n", fish_quote(&dir));
            if let Some(offset) = uptime_offset_us() {
                // Loading again keeps the first offset: a fresh one, a few µs off, could
                // put a later command's start before an earlier one's.
                header.push_str(&format!(
                    "set -q __worthit_uptime_offset_us[1]; or set -g __worthit_uptime_offset_us {offset}\n"
                ));
            }
            header
        }
    };
    let script = match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
    };
    out.push_str(&format!(
        "# worthit hook for {0}; the commented source is shell-hooks/worthit.{0} (docs/hooks.md)\n",
        shell.name()
    ));
    push_without_comment_lines(&mut out, script);
    out
}

/// Appends `script` without its full-line comments, which are about half of each file:
/// the shell parses every line it is given at every start-up (`eval "$(worthit init
/// bash)"`), and for bash they measured a quarter of a millisecond. shellcheck directives
/// stay, for the check on the printed hook. The scripts hold no multi-line string, so a
/// line that starts with `#` is always a comment.
fn push_without_comment_lines(out: &mut String, script: &str) {
    for line in script.lines() {
        let code = line.trim_start();
        if code.starts_with('#') && !code.starts_with("# shellcheck") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
}

/// Quotes `text` as one word for bash and zsh: single quotes, with each `'` written as
/// `'\''`. Nothing inside single quotes is special, newlines included.
pub fn posix_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Quotes `text` as one word for fish: inside single quotes only `\` and `'` need a
/// backslash.
pub fn fish_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Microseconds to add to `/proc/uptime` (as the fish hook reads it) to get the Unix time,
/// or `None` where there is no `/proc/uptime` (macOS, BSDs).
///
/// `/proc/uptime` is `CLOCK_BOOTTIME` cut to hundredths of a second, so the offset is taken
/// from `clock_gettime` (exact). Inside some containers `/proc/uptime` is virtualised and
/// is not `CLOCK_BOOTTIME`; the file is then trusted, since it is what the hook reads.
pub fn uptime_offset_us() -> Option<i64> {
    let text = std::fs::read_to_string("/proc/uptime").ok()?;
    let file_us = parse_uptime_us(&text)?;
    let (realtime_us, boottime_us) = clocks_us()?;
    let boottime_us = match boottime_us {
        // The file is boottime truncated to 10 ms, read a moment earlier.
        Some(boot) if (boot - file_us).abs() < 1_000_000 => boot,
        _ => file_us,
    };
    // The hook reads a value up to 10 ms below the true uptime: add half of that.
    Some(realtime_us - boottime_us + 5_000)
}

/// Parses the first field of `/proc/uptime` ("12345.67 23456.78") as microseconds.
pub fn parse_uptime_us(text: &str) -> Option<i64> {
    let first = text.split_whitespace().next()?;
    let (secs, frac) = first.split_once('.').unwrap_or((first, "0"));
    if frac.is_empty() || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = 10_i64.pow(6 - frac.len() as u32);
    let secs: i64 = secs.parse().ok()?;
    let frac: i64 = frac.parse().ok()?;
    Some(secs.checked_mul(1_000_000)? + frac * scale)
}

/// (CLOCK_REALTIME, CLOCK_BOOTTIME) in microseconds; boottime only on Linux.
fn clocks_us() -> Option<(i64, Option<i64>)> {
    let realtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_micros();
    let realtime = i64::try_from(realtime).ok()?;
    Some((realtime, boottime_us()))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn boottime_us() -> Option<i64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and CLOCK_BOOTTIME exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    if rc != 0 {
        return None;
    }
    Some(ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn boottime_us() -> Option<i64> {
    None
}

#[cfg(test)]
mod shell_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quote_survives_quotes_and_newlines() {
        assert_eq!(posix_quote("/a b/c"), "'/a b/c'");
        assert_eq!(posix_quote("it's\n$x"), "'it'\\''s\n$x'");
    }

    #[test]
    fn fish_quote_escapes_quote_and_backslash() {
        assert_eq!(fish_quote("/a b"), "'/a b'");
        assert_eq!(fish_quote("it's \\ $x"), "'it\\'s \\\\ $x'");
    }

    #[test]
    fn uptime_parses_hundredths() {
        assert_eq!(parse_uptime_us("12345.67 999.00\n"), Some(12_345_670_000));
        assert_eq!(parse_uptime_us("5 1"), Some(5_000_000));
        assert_eq!(parse_uptime_us("x.5 1"), None);
        assert_eq!(parse_uptime_us(""), None);
    }

    #[test]
    fn printed_hooks_drop_comment_lines_but_not_shellcheck_directives() {
        let dir = Path::new("/tmp/spool");
        for (shell, source) in [(Shell::Bash, BASH), (Shell::Zsh, ZSH), (Shell::Fish, FISH)] {
            let printed = render(shell, dir);
            let code: Vec<&str> = source
                .lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !t.starts_with('#') || t.starts_with("# shellcheck")
                })
                .collect();
            assert!(
                printed.ends_with(&(code.join("\n") + "\n")),
                "{}: the printed hook is the source's code, in order",
                shell.name()
            );
            let comments = printed
                .lines()
                .filter(|l| l.trim_start().starts_with('#') && !l.contains("shellcheck"))
                .count();
            assert_eq!(
                comments,
                1,
                "{}: only the pointer to the source",
                shell.name()
            );
        }
        let bash = render(Shell::Bash, dir);
        assert!(bash.contains("# shellcheck shell=bash\n"));
        assert!(bash.contains("# shellcheck disable=SC2016\n"));
    }

    #[test]
    fn every_shell_gets_its_spool_dir() {
        let dir = Path::new("/tmp/it's here");
        assert!(render(Shell::Bash, dir).starts_with("__worthit_spool_dir='/tmp/it'\\''s here'\n"));
        assert!(render(Shell::Zsh, dir).starts_with("__worthit_spool_dir='/tmp/it'\\''s here'\n"));
        assert!(
            render(Shell::Fish, dir).starts_with("set -g __worthit_spool_dir '/tmp/it\\'s here'\n")
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn uptime_offset_matches_the_wall_clock() {
        let offset = uptime_offset_us().expect("linux has /proc/uptime");
        let up = parse_uptime_us(&std::fs::read_to_string("/proc/uptime").unwrap()).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as i64;
        assert!((offset + up - now).abs() < 50_000, "{}", offset + up - now);
    }
}
