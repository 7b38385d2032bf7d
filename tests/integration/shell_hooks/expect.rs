//! The events a test expects and the one comparison that checks them against
//! `worthit log --json`: count and order, then every field of every event, reporting all
//! differences at once with the full recorded list.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::session::{Logged, Ran, Shell};

/// Slack for clock reads: the hook's start time comes from the wall clock (fish's from
/// /proc/uptime in hundredths of a second), the driver's window from its own reads.
const CLOCK_SLACK: Duration = Duration::from_millis(30);

/// The recorded text of a command.
#[derive(Debug, Clone)]
pub enum Text {
    /// Recorded exactly as typed (a multi-line command with its newlines).
    Exact(String),
    /// Too long to keep: recorded as a prefix of this text, with `truncated: true`.
    Truncated(String),
}

/// One event a test expects.
#[derive(Debug, Clone)]
pub struct Expected {
    pub text: Text,
    pub exit: i32,
    pub cwd: String,
    ran: Ran,
    /// Bounds on `duration_ms` beyond "inside the window the driver saw".
    min_ms: Option<f64>,
    max_ms: Option<f64>,
}

impl Expected {
    pub fn new(command: &str, exit: i32, cwd: &Path, ran: &Ran) -> Expected {
        Expected {
            text: Text::Exact(command.to_owned()),
            exit,
            cwd: cwd.to_string_lossy().into_owned(),
            ran: ran.clone(),
            min_ms: None,
            max_ms: None,
        }
    }

    pub fn truncated(command: &str, exit: i32, cwd: &Path, ran: &Ran) -> Expected {
        Expected {
            text: Text::Truncated(command.to_owned()),
            ..Expected::new("", exit, cwd, ran)
        }
    }

    /// The command's true duration is known: it must be recorded within these bounds.
    pub fn lasting(mut self, min_ms: f64, max_ms: f64) -> Expected {
        self.min_ms = Some(min_ms);
        self.max_ms = Some(max_ms);
        self
    }
}

/// Asserts that `actual` (oldest first) is exactly `expected` for one `shell` session
/// whose process id is `pid`.
pub fn assert_events(shell: Shell, pid: u32, actual: &[Logged], expected: &[Expected]) {
    if let Err(problems) = check_events(shell, pid, actual, expected) {
        panic!("{problems}");
    }
}

/// [`assert_events`], returning the differences instead of panicking.
pub fn check_events(
    shell: Shell,
    pid: u32,
    actual: &[Logged],
    expected: &[Expected],
) -> Result<(), String> {
    let listing = list(actual);
    let wanted: Vec<String> = expected.iter().map(|e| short(text_of(&e.text))).collect();
    if actual.len() != expected.len() {
        return Err(format!(
            "{}: expected {} events {wanted:#?}\nbut worthit log --json has {}:\n{listing}",
            shell.name(),
            expected.len(),
            actual.len()
        ));
    }
    let mut problems = String::new();
    let session = actual
        .first()
        .map(|e| e.session.clone())
        .unwrap_or_default();
    let session_prefix = format!("{}-{pid}-", shell.name());
    if !session.starts_with(&session_prefix) {
        let _ = writeln!(
            problems,
            "session {session:?} does not start with {session_prefix:?}"
        );
    }
    for (i, (got, want)) in actual.iter().zip(expected).enumerate() {
        let mut bad = |what: String| {
            let _ = writeln!(
                problems,
                "event {} ({}): {what}",
                i + 1,
                short(&got.command)
            );
        };
        match &want.text {
            Text::Exact(text) => {
                if got.command != *text {
                    bad(format!(
                        "command {:?}, expected {text:?}",
                        short(&got.command)
                    ));
                }
                if got.truncated {
                    bad("truncated is true".into());
                }
            }
            Text::Truncated(text) => {
                // A trailing "[…]" marker is allowed on top of the kept prefix.
                let kept = got.command.strip_suffix("[…]").unwrap_or(&got.command);
                if !got.truncated {
                    bad("truncated is false for an oversized command".into());
                }
                if !text.starts_with(kept) || kept.len() < 100 || got.command.len() > 4000 {
                    bad(format!(
                        "command ({} bytes) is not a prefix of 100..=4000 bytes of the typed text: {:?}",
                        got.command.len(),
                        short(&got.command)
                    ));
                }
            }
        }
        if got.exit != Some(want.exit) {
            bad(format!("exit {:?}, expected {}", got.exit, want.exit));
        }
        if got.cwd.as_deref() != Some(want.cwd.as_str()) {
            bad(format!("cwd {:?}, expected {:?}", got.cwd, want.cwd));
        }
        if got.shell != shell.name() {
            bad(format!("shell {:?}", got.shell));
        }
        if got.session != session {
            bad(format!(
                "session {:?}, not {session:?} like the first",
                got.session
            ));
        }
        if got.source != "hook" {
            bad(format!("source {:?}", got.source));
        }
        if got.duration_resolution_ms != Some(shell.resolution_ms()) {
            bad(format!(
                "duration_resolution_ms {:?}, expected {}",
                got.duration_resolution_ms,
                shell.resolution_ms()
            ));
        }
        // The command ran after its line was sent and ended before the next prompt.
        let window_ms = want.ran.elapsed.as_secs_f64() * 1000.0 + shell.resolution_ms();
        match got.duration_ms {
            None => bad("duration_ms is null".into()),
            Some(ms) => {
                if !(0.0..=window_ms).contains(&ms) {
                    bad(format!(
                        "duration_ms {ms} outside 0..={window_ms:.3} (send to prompt)"
                    ));
                }
                if want.min_ms.is_some_and(|min| ms < min)
                    || want.max_ms.is_some_and(|max| ms > max)
                {
                    bad(format!(
                        "duration_ms {ms} outside {:?}..={:?}",
                        want.min_ms.unwrap_or(0.0),
                        want.max_ms.unwrap_or(f64::INFINITY)
                    ));
                }
            }
        }
        match chrono::DateTime::parse_from_rfc3339(&got.start) {
            Err(err) => bad(format!("start {:?} is not RFC 3339: {err}", got.start)),
            Ok(start) => {
                let start = SystemTime::from(start);
                if start + CLOCK_SLACK < want.ran.sent || start > want.ran.done + CLOCK_SLACK {
                    bad(format!(
                        "start {} is outside the window in which the line was sent and finished ({:?} long)",
                        got.start, want.ran.elapsed
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} hook recorded wrong events:\n{problems}\nall events:\n{listing}",
            shell.name()
        ))
    }
}

fn text_of(text: &Text) -> &str {
    match text {
        Text::Exact(t) | Text::Truncated(t) => t,
    }
}

/// A command cut for messages: a 100 KB line makes a failure unreadable.
pub fn short(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    let head: String = text.chars().take(60).collect();
    format!("{head}… ({} bytes)", text.len())
}

/// The recorded events, one per line, for failure messages.
pub fn list(events: &[Logged]) -> String {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. exit {:?} {:>10?} ms cwd {:?} {:?}{}",
            i + 1,
            e.exit,
            e.duration_ms,
            e.cwd,
            short(&e.command),
            if e.truncated { " (truncated)" } else { "" }
        );
    }
    out
}
