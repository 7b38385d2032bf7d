//! fish's `fish_history`: a YAML-like list of entries. fish records neither a duration
//! nor an exit status.
//!
//! ```text
//! - cmd: cargo test
//!   when: 1700000000
//!   paths:
//!     - src/lib.rs
//! ```
//!
//! Read the way fish reads it (`history_file.rs` in fish-shell):
//!
//! - An entry starts with a line `- cmd: <command>`; the lines after it that start with a
//!   space belong to it. Only `when` matters here (`paths` and unknown keys are skipped).
//! - In the command, `\\` stands for a backslash and `\n` for a newline; other escapes
//!   stay as written.
//! - Lines starting with `%`, `---` or `...` are YAML noise and skipped, and so are the
//!   `- cmd: - cmd:` repetitions and `- cmd:    when:` lines an old fish 1.x left when
//!   rewriting a 2.0 file.
//! - fish takes a bad `when` as 0 (1970); here it makes the entry bad, and an entry with
//!   no `when` cannot be placed in time: it is counted, not imported.
//! - Any other top-level line is reported as bad (fish skips it silently).

use std::borrow::Cow;

use super::{Bad, Entry, Host, Item, Items, Kind, parse_digits, secs_to_us, snippet, utf8};

/// Parses a fish history held in memory.
pub fn parse(data: &[u8]) -> Parser<'_> {
    Parser {
        data,
        pos: 0,
        line: 0,
    }
}

/// Iterator over the [`Item`]s of a fish history.
pub struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<(&'a [u8], usize)> {
        let data = self.data;
        if self.pos >= data.len() {
            return None;
        }
        let rest = &data[self.pos..];
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], self.pos + i + 1),
            None => (rest, data.len()),
        };
        Some((line.strip_suffix(b"\r").unwrap_or(line), next))
    }

    fn take_line(&mut self) -> Option<(u64, &'a [u8])> {
        let (line, next) = self.peek()?;
        self.pos = next;
        self.line += 1;
        Some((self.line, line))
    }
}

impl<'a> Iterator for Parser<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            let (line_no, mut line) = self.take_line()?;
            if line.is_empty()
                || line.starts_with(b" ")
                || line.starts_with(b"%")
                || line.starts_with(b"---")
                || line.starts_with(b"...")
                || line.starts_with(b"- cmd:    when:")
            {
                continue;
            }
            while line.starts_with(b"- cmd: - cmd: ") {
                line = &line[b"- cmd: ".len()..];
            }
            // The entry's own lines follow, indented.
            let mut when: Option<&'a [u8]> = None;
            while let Some((next, _)) = self.peek() {
                if !next.starts_with(b" ") {
                    break;
                }
                let (_, next) = self.take_line()?;
                if let Some(value) = key_value(next, b"when") {
                    when = Some(value);
                }
            }
            let Some(command) = line.strip_prefix(b"- cmd:") else {
                let problem = if line.contains(&0) {
                    "contains NUL bytes (a damaged region of the file)".to_string()
                } else {
                    format!("expected an entry (`- cmd: …`): {:?}", snippet(line))
                };
                return Some(Bad::line(line_no, problem));
            };
            return Some(entry(line_no, command, when));
        }
    }
}

impl<'a> Items<'a> for Parser<'a> {
    fn done(&self) -> u64 {
        self.line
    }
}

/// The value of an indented `key: value` line, if it is that key.
fn key_value<'a>(line: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let rest = line.trim_ascii_start().strip_prefix(key)?;
    let value = rest.strip_prefix(b":")?;
    Some(value.trim_ascii())
}

fn entry<'a>(line_no: u64, command: &'a [u8], when: Option<&'a [u8]>) -> Item<'a> {
    let command = match utf8(unescape(command.trim_ascii_start())) {
        Ok(command) => command,
        Err(problem) => return Bad::line(line_no, problem),
    };
    if command.is_empty() {
        return Bad::line(line_no, "empty command");
    }
    let Some(when) = when else {
        return Item::Untimed;
    };
    let Some(start_us) = parse_digits(when).and_then(secs_to_us) else {
        return Bad::line(
            line_no,
            format!("`when` is not a time in seconds: {:?}", snippet(when)),
        );
    };
    Item::Entry(Entry {
        start_us,
        duration_us: None,
        resolution_us: 1_000_000,
        exit: None,
        cwd: None,
        command,
        shell: Cow::Borrowed("fish"),
        session: Cow::Borrowed(Kind::Fish.session()),
        host: Host::Local,
    })
}

/// Undoes fish's escaping: `\\` → `\`, `\n` → newline; other escapes stay as written.
fn unescape(value: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\\', value).is_none() {
        return Cow::Borrowed(value);
    }
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        match (value[i], value.get(i + 1)) {
            (b'\\', Some(b'\\')) => {
                out.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'n')) => {
                out.push(b'\n');
                i += 2;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(start: i64, command: &str) -> Item<'static> {
        Item::Entry(Entry {
            start_us: start * 1_000_000,
            duration_us: None,
            resolution_us: 1_000_000,
            exit: None,
            cwd: None,
            command: Cow::Owned(command.to_string()),
            shell: Cow::Borrowed("fish"),
            session: Cow::Borrowed("import-fish"),
            host: Host::Local,
        })
    }

    fn items(data: &[u8]) -> Vec<Item<'_>> {
        parse(data).collect()
    }

    #[test]
    fn entries_with_paths_and_escapes() {
        let data = b"- cmd: cargo test\n  when: 1700000000\n  paths:\n    - src/lib.rs\n- cmd: echo 'a\\\\b'\\necho done\n  when: 1700000009\n";
        assert_eq!(
            items(data),
            [
                entry(1_700_000_000, "cargo test"),
                entry(1_700_000_009, "echo 'a\\b'\necho done"),
            ]
        );
    }

    #[test]
    fn unknown_escapes_stay_and_unicode_is_kept() {
        let data = "- cmd: printf '\\t' → café\n  when: 5\n".as_bytes();
        assert_eq!(items(data), [entry(5, "printf '\\t' → café")]);
    }

    #[test]
    fn yaml_noise_and_fish1_leftovers_are_skipped() {
        let data = b"---\n- cmd: - cmd: - cmd: ls\n  when: 3\n- cmd:    when: 4\n...\n\n- cmd: pwd\n  when: 4\r\n";
        assert_eq!(items(data), [entry(3, "ls"), entry(4, "pwd")]);
    }

    #[test]
    fn missing_when_is_untimed_and_bad_lines_are_reported() {
        let data = b"- cmd: ls\n  paths:\n    - x\n- cmd: make\n  when: 17x\ngarbage here\n  when: 9\n- cmd: bad \xff\n  when: 10\n- cmd: ok\n  when: 11\n";
        assert_eq!(
            items(data),
            [
                Item::Untimed,
                Bad::line(4, "`when` is not a time in seconds: \"17x\""),
                Bad::line(6, "expected an entry (`- cmd: …`): \"garbage here\""),
                Bad::line(8, "not valid UTF-8 (byte 0xff at offset 4)"),
                entry(11, "ok"),
            ]
        );
    }
}
