//! The spool: the line format the hooks append to, and its tolerant parser.
//!
//! Hooks cannot fork or touch SQLite, so each finished command becomes one line appended
//! (with shell builtins only) to a per-session, per-day file under `$WORTHIT_HOME/spool/`.
//! `worthit ingest` later moves the lines into SQLite. The format is documented in
//! `docs/spool-format.md`; keep the two in step.
//!
//! A line (version 1) is ten TAB-separated fields ended by LF:
//!
//! ```text
//! 1 <start_us> <duration_us> <exit> <resolution_us> <flags> <shell> <session> <cwd> <command>
//! ```
//!
//! Text fields escape `\` as `\\`, LF as `\n`, TAB as `\t`, CR as `\r`; other control bytes
//! may be written as `\xHH`. Raw bytes that are not valid UTF-8 are kept, visibly, as the
//! text `\xHH` so binary garbage in a command never breaks a line or the database.

use std::fmt;
use std::path::Path;

use crate::event::{Event, Source};

/// The version tag this build writes and the newest one it reads.
pub const SPOOL_VERSION: &str = "1";

/// Longest line (including the LF) a writer may append. Appends of at most `PIPE_BUF`
/// (4096 on Linux, 512 by POSIX) bytes with `O_APPEND` are not interleaved with other
/// writers on local file systems; staying below 4000 leaves room for slack.
pub const MAX_LINE_BYTES: usize = 4000;

/// Longest `shell` and `session` fields a serialised line carries (escaped bytes).
const MAX_SHELL_BYTES: usize = 64;
const MAX_SESSION_BYTES: usize = 256;

/// File name suffix of spool files.
pub const SPOOL_SUFFIX: &str = ".spool";

/// Why a spool line was rejected. The ingest reports it with file and line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// Empty line (e.g. a stray LF); harmless, skipped silently by callers.
    Empty,
    /// The first field is not a version this build understands.
    UnsupportedVersion(String),
    /// The line does not have exactly ten fields.
    FieldCount(usize),
    /// A numeric field is not a number (or out of range).
    BadNumber { field: &'static str, value: String },
    /// A required field is empty.
    Missing(&'static str),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Empty => f.write_str("empty line"),
            LineError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "unsupported spool version {v:?} (this build reads version {SPOOL_VERSION})"
                )
            }
            LineError::FieldCount(n) => write!(f, "expected 10 tab-separated fields, found {n}"),
            LineError::BadNumber { field, value } => {
                write!(f, "field `{field}` is not a valid number: {value:?}")
            }
            LineError::Missing(field) => write!(f, "required field `{field}` is empty"),
        }
    }
}

impl std::error::Error for LineError {}

/// Parses one spool line (without or with its trailing LF).
pub fn parse_line(line: &[u8]) -> Result<Event, LineError> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    let mut fields: [&[u8]; 10] = [&[]; 10];
    let mut count = 0;
    for field in line.split(|&b| b == b'\t') {
        if count < fields.len() {
            fields[count] = field;
        }
        count += 1;
    }
    if fields[0] != SPOOL_VERSION.as_bytes() {
        let version = String::from_utf8_lossy(&fields[0][..fields[0].len().min(16)]).into_owned();
        return Err(LineError::UnsupportedVersion(version));
    }
    if count != fields.len() {
        return Err(LineError::FieldCount(count));
    }
    let [
        _,
        start,
        duration,
        exit,
        resolution,
        flags,
        shell,
        session,
        cwd,
        command,
    ] = fields;

    let start_us = parse_int::<i64>(start, "start_us")?.ok_or(LineError::Missing("start_us"))?;
    let duration_us = parse_int::<i64>(duration, "duration_us")?;
    if duration_us.is_some_and(|d| d < 0) {
        return Err(bad_number("duration_us", duration));
    }
    let exit = parse_int::<i32>(exit, "exit")?;
    let resolution = parse_int::<i64>(resolution, "resolution_us")?;
    if resolution.is_some_and(|r| r <= 0) {
        return Err(bad_number(
            "resolution_us",
            resolution_field_text(resolution),
        ));
    }
    let shell = unescape(shell);
    if shell.is_empty() {
        return Err(LineError::Missing("shell"));
    }
    let cwd = unescape(cwd);
    Ok(Event {
        start_us,
        duration_us,
        duration_resolution_us: duration_us.map(|_| resolution.unwrap_or(1)),
        exit,
        cwd: (!cwd.is_empty()).then_some(cwd),
        command: unescape(command),
        shell,
        session: unescape(session),
        source: Source::Hook,
        truncated: flags.contains(&b't'),
    })
}

fn resolution_field_text(resolution: Option<i64>) -> &'static [u8] {
    match resolution {
        Some(_) => b"<non-positive>",
        None => b"",
    }
}

fn bad_number(field: &'static str, value: &[u8]) -> LineError {
    LineError::BadNumber {
        field,
        value: String::from_utf8_lossy(&value[..value.len().min(32)]).into_owned(),
    }
}

fn parse_int<T: std::str::FromStr>(
    field: &[u8],
    name: &'static str,
) -> Result<Option<T>, LineError> {
    if field.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<T>().ok())
        .map(Some)
        .ok_or_else(|| bad_number(name, field))
}

/// Serialises an event as one spool line, LF included, never longer than
/// [`MAX_LINE_BYTES`]: an oversized command is cut at a character boundary and flagged `t`.
pub fn serialise(event: &Event) -> Vec<u8> {
    let mut head = Vec::with_capacity(128);
    head.extend_from_slice(SPOOL_VERSION.as_bytes());
    head.push(b'\t');
    head.extend_from_slice(event.start_us.to_string().as_bytes());
    head.push(b'\t');
    if let Some(d) = event.duration_us {
        head.extend_from_slice(d.to_string().as_bytes());
    }
    head.push(b'\t');
    if let Some(e) = event.exit {
        head.extend_from_slice(e.to_string().as_bytes());
    }
    head.push(b'\t');
    if let (Some(_), Some(r)) = (event.duration_us, event.duration_resolution_us) {
        head.extend_from_slice(r.to_string().as_bytes());
    }
    head.push(b'\t');
    let flags_at = head.len();
    if event.truncated {
        head.push(b't');
    }
    // Shell and session are short by nature; capping them keeps the fixed part of the
    // line small whatever a producer sends, so the budget below never goes negative.
    let mut truncated = event.truncated;
    for (text, cap) in [
        (&event.shell, MAX_SHELL_BYTES),
        (&event.session, MAX_SESSION_BYTES),
    ] {
        head.push(b'\t');
        let mut field = Vec::new();
        escape_into(text, &mut field);
        if field.len() > cap {
            cut_escaped(&mut field, cap);
            truncated = true;
        }
        head.extend_from_slice(&field);
    }
    head.push(b'\t');
    let mut cwd = Vec::new();
    escape_into(event.cwd.as_deref().unwrap_or(""), &mut cwd);
    let mut command = Vec::new();
    escape_into(&event.command, &mut command);

    // Budget: the fixed head, cwd, command, one TAB and the LF.
    let budget = MAX_LINE_BYTES.saturating_sub(head.len() + 3);
    if cwd.len() > budget / 4 && cwd.len() + command.len() > budget {
        cut_escaped(&mut cwd, budget / 4);
        truncated = true;
    }
    if cwd.len() + command.len() > budget {
        cut_escaped(&mut command, budget.saturating_sub(cwd.len()));
        truncated = true;
    }
    if truncated && !event.truncated {
        head.insert(flags_at, b't');
    }
    let mut line = head;
    line.extend_from_slice(&cwd);
    line.push(b'\t');
    line.extend_from_slice(&command);
    line.push(b'\n');
    line
}

/// Cuts escaped text to at most `max` bytes without splitting an escape sequence or a
/// UTF-8 character.
fn cut_escaped(escaped: &mut Vec<u8>, max: usize) {
    if escaped.len() <= max {
        return;
    }
    let mut end = 0;
    let mut i = 0;
    while i < escaped.len() {
        let step = match escaped[i] {
            b'\\' if escaped.get(i + 1) == Some(&b'x') => 4,
            b'\\' => 2,
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        };
        if i + step > max {
            break;
        }
        i += step;
        end = i;
    }
    escaped.truncate(end);
}

/// Escapes a text field: `\`, LF, TAB, CR and other C0 control characters.
pub fn escape_into(text: &str, out: &mut Vec<u8>) {
    for &b in text.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f | 0x7f => {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
            _ => out.push(b),
        }
    }
}

/// Undoes [`escape_into`]. Unknown escapes are kept as written; bytes that are not valid
/// UTF-8 (raw or from `\xHH`) become the visible text `\xHH`.
pub fn unescape(field: &[u8]) -> String {
    if !field.contains(&b'\\') {
        if let Ok(text) = std::str::from_utf8(field) {
            return text.to_owned();
        }
        return bytes_to_text(field);
    }
    let mut bytes = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let b = field[i];
        if b != b'\\' || i + 1 >= field.len() {
            bytes.push(b);
            i += 1;
            continue;
        }
        match field[i + 1] {
            b'\\' => bytes.push(b'\\'),
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'r' => bytes.push(b'\r'),
            b'x' => match field.get(i + 2..i + 4).and_then(hex_byte) {
                Some(value) => {
                    bytes.push(value);
                    i += 4;
                    continue;
                }
                None => bytes.extend_from_slice(b"\\x"),
            },
            other => {
                bytes.push(b'\\');
                bytes.push(other);
            }
        }
        i += 2;
    }
    bytes_to_text(&bytes)
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

/// Decodes UTF-8, keeping each invalid byte as the visible text `\xHH`.
fn bytes_to_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// What a spool file's name says about who writes it.
///
/// Hooks name their files `<session>.<day>.spool`, where `<session>` is
/// `<shell>-<pid>-<token>` and `<day>` counts days since the Unix epoch (UTC). The pid
/// lets the ingest tell an ended session (whose fully ingested files may be removed) from
/// a live one. Other names ending in `.spool` are still ingested, just never removed
/// while they might be written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolFileName {
    pub session: String,
    pub pid: Option<u32>,
    pub day: Option<i64>,
}

impl SpoolFileName {
    /// Parses a file name; `None` if it is not a spool file at all.
    pub fn parse(path: &Path) -> Option<SpoolFileName> {
        let name = path.file_name()?.to_str()?;
        let stem = name.strip_suffix(SPOOL_SUFFIX)?;
        if stem.is_empty() || stem.starts_with('.') {
            return None;
        }
        let (session, day) = match stem.rsplit_once('.') {
            Some((session, day)) => (session, day.parse::<i64>().ok()),
            None => (stem, None),
        };
        let parts: Vec<&str> = session.split('-').collect();
        let pid = if parts.len() >= 3 {
            parts[parts.len() - 2].parse::<u32>().ok()
        } else {
            None
        };
        Some(SpoolFileName {
            session: session.to_string(),
            pid,
            day,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Event {
        Event {
            start_us: 1_700_000_000_123_456,
            duration_us: Some(300_123),
            duration_resolution_us: Some(1),
            exit: Some(0),
            cwd: Some("/home/dev/api".into()),
            command: "cargo test".into(),
            shell: "bash".into(),
            session: "bash-4242-981273".into(),
            source: Source::Hook,
            truncated: false,
        }
    }

    #[test]
    fn parses_what_a_hook_writes() {
        let line = b"1\t1700000000123456\t300123\t0\t1\t\tbash\tbash-4242-981273\t/home/dev/api\tcargo test\n";
        assert_eq!(parse_line(line).unwrap(), sample());
    }

    #[test]
    fn serialise_is_one_line_with_ten_fields() {
        let mut event = sample();
        event.command = "for i in 1 2\ndo\techo \\$i\ndone".into();
        let line = serialise(&event);
        assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(line.iter().filter(|&&b| b == b'\t').count(), 9);
        assert_eq!(parse_line(&line).unwrap(), event);
    }

    #[test]
    fn unknown_duration_is_not_zero() {
        let event = parse_line(b"1\t5\t\t\t\t\tfish\ts\t\tls").unwrap();
        assert_eq!(event.duration_us, None);
        assert_eq!(event.duration_resolution_us, None);
        assert_eq!(event.exit, None);
        assert_eq!(event.cwd, None);
    }

    #[test]
    fn rejects_bad_lines_with_reasons() {
        assert_eq!(parse_line(b"\n"), Err(LineError::Empty));
        assert!(matches!(
            parse_line(b"2\t1\t2\t3\t1\t\tbash\ts\t/\tls"),
            Err(LineError::UnsupportedVersion(v)) if v == "2"
        ));
        assert_eq!(
            parse_line(b"1\t1\t2\t3\t1\t\tbash\ts\t/"),
            Err(LineError::FieldCount(9))
        );
        assert!(matches!(
            parse_line(b"1\tabc\t2\t3\t1\t\tbash\ts\t/\tls"),
            Err(LineError::BadNumber {
                field: "start_us",
                ..
            })
        ));
        assert_eq!(
            parse_line(b"1\t\t2\t3\t1\t\tbash\ts\t/\tls"),
            Err(LineError::Missing("start_us"))
        );
        assert!(matches!(
            parse_line(b"1\t1\t-5\t3\t1\t\tbash\ts\t/\tls"),
            Err(LineError::BadNumber {
                field: "duration_us",
                ..
            })
        ));
    }

    #[test]
    fn invalid_utf8_survives_visibly() {
        let event = parse_line(b"1\t1\t2\t0\t1\t\tbash\ts\t/\techo \xff\xfe ok").unwrap();
        assert_eq!(event.command, "echo \\xff\\xfe ok");
        let escaped = parse_line(b"1\t1\t2\t0\t1\t\tbash\ts\t/\techo \\xff").unwrap();
        assert_eq!(escaped.command, "echo \\xff");
    }

    #[test]
    fn oversized_command_is_truncated_and_flagged() {
        let mut event = sample();
        event.command = "é".repeat(100_000);
        let line = serialise(&event);
        assert!(line.len() <= MAX_LINE_BYTES, "{}", line.len());
        let parsed = parse_line(&line).unwrap();
        assert!(parsed.truncated);
        assert!(event.command.starts_with(&parsed.command));
        assert!(parsed.command.len() > 3000);
    }

    #[test]
    fn oversized_shell_and_session_are_capped_too() {
        // Found by the spool_line fuzz target.
        let line = [b"1\t0\t\t\t\t\t".as_slice(), &[b'b'; 4100], b"\ts\t\tls"].concat();
        let event = parse_line(&line).unwrap();
        let out = serialise(&event);
        assert!(out.len() <= MAX_LINE_BYTES, "{}", out.len());
        assert!(parse_line(&out).unwrap().truncated);
        let mut long_session = sample();
        long_session.session = "s".repeat(4100);
        assert!(serialise(&long_session).len() <= MAX_LINE_BYTES);
    }

    #[test]
    fn file_names() {
        let name = SpoolFileName::parse(Path::new("/x/bash-4242-981273.20000.spool")).unwrap();
        assert_eq!(name.session, "bash-4242-981273");
        assert_eq!(name.pid, Some(4242));
        assert_eq!(name.day, Some(20000));
        let other = SpoolFileName::parse(Path::new("vscode.spool")).unwrap();
        assert_eq!(other.pid, None);
        assert!(SpoolFileName::parse(Path::new("x.txt")).is_none());
        assert!(SpoolFileName::parse(Path::new(".hidden.spool")).is_none());
    }

    fn arb_event() -> impl Strategy<Value = Event> {
        (
            any::<i64>(),
            proptest::option::of(0i64..i64::MAX),
            1i64..1_000_000,
            proptest::option::of(any::<i32>()),
            proptest::option::of(".{1,80}"),
            ".{0,200}",
            "[a-z]{1,8}",
            "[-a-z0-9]{0,24}",
        )
            .prop_map(
                |(start_us, duration_us, res, exit, cwd, command, shell, session)| Event {
                    start_us,
                    duration_us,
                    duration_resolution_us: duration_us.map(|_| res),
                    exit,
                    cwd,
                    command,
                    shell,
                    session,
                    source: Source::Hook,
                    truncated: false,
                },
            )
    }

    proptest! {
        #[test]
        fn parse_inverts_serialise(event in arb_event()) {
            let line = serialise(&event);
            prop_assert!(line.len() <= MAX_LINE_BYTES);
            let parsed = parse_line(&line).unwrap();
            prop_assert_eq!(parsed, event);
        }

        #[test]
        fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_line(&bytes);
        }

        #[test]
        fn escaping_round_trips_any_text(text in "(?s).{0,300}") {
            let mut out = Vec::new();
            escape_into(&text, &mut out);
            prop_assert!(!out.contains(&b'\n') && !out.contains(&b'\t'));
            prop_assert_eq!(unescape(&out), text);
        }
    }
}
