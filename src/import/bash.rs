//! bash's history file written with `HISTTIMEFORMAT` set: a `#<epoch>` line before each
//! command. bash records neither a duration nor an exit status.
//!
//! Read the way readline reads it (`read_history_range` in readline's `histfile.c`):
//!
//! - A line of `#` followed by a digit is the start time of the next command. readline
//!   reads it leniently; here anything but digits after the `#` makes the entry bad.
//! - When the file starts with a timestamp, a line without one continues the command
//!   before it (multi-line commands saved with `shopt -s lithist`), as readline does when
//!   `HISTTIMEFORMAT` is set.
//! - Otherwise every line is its own entry, and one without a timestamp before it cannot
//!   be placed in time: it is counted, not imported.
//!
//! Beyond readline: a CR before the LF is dropped, blank lines are skipped, and bash
//! stores raw bytes, so an entry that is not UTF-8 is reported as bad.

use std::borrow::Cow;

use super::{Bad, Entry, Host, Item, Items, Kind, parse_digits, secs_to_us, snippet, utf8};

/// Parses a bash history held in memory.
pub fn parse(data: &[u8]) -> Parser<'_> {
    let multiline = data.first() == Some(&b'#') && data.get(1).is_some_and(u8::is_ascii_digit);
    Parser {
        data,
        pos: 0,
        line: 0,
        multiline,
        stamp: None,
        current: None,
    }
}

/// Iterator over the [`Item`]s of a bash history.
pub struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    multiline: bool,
    /// The timestamp read last, waiting for its command.
    stamp: Option<Stamp>,
    /// The entry being read, in multi-line mode.
    current: Option<Building<'a>>,
}

type Stamp = Result<i64, (u64, String)>;

struct Building<'a> {
    /// (start_us, command) or (line, problem).
    outcome: Result<(i64, Cow<'a, str>), (u64, String)>,
}

impl<'a> Building<'a> {
    fn new(stamp: Stamp, line_no: u64, line: &'a [u8]) -> Building<'a> {
        let outcome = stamp.and_then(|start_us| {
            utf8(Cow::Borrowed(line))
                .map(|command| (start_us, command))
                .map_err(|problem| (line_no, problem))
        });
        Building { outcome }
    }

    fn append(&mut self, line_no: u64, line: &'a [u8]) {
        if let Ok((_, command)) = &mut self.outcome {
            match std::str::from_utf8(line) {
                Ok(text) => {
                    let command = command.to_mut();
                    command.push('\n');
                    command.push_str(text);
                }
                Err(_) => {
                    let problem = utf8(Cow::Borrowed(line)).err().unwrap_or_default();
                    self.outcome = Err((line_no, problem));
                }
            }
        }
    }

    fn finish(self) -> Item<'a> {
        match self.outcome {
            Ok((start_us, command)) => Item::Entry(Entry {
                start_us,
                duration_us: None,
                resolution_us: 1_000_000,
                exit: None,
                cwd: None,
                command,
                shell: Cow::Borrowed("bash"),
                session: Cow::Borrowed(Kind::Bash.session()),
                host: Host::Local,
            }),
            Err((line, problem)) => Bad::line(line, problem),
        }
    }
}

fn is_stamp(line: &[u8]) -> bool {
    line.first() == Some(&b'#') && line.get(1).is_some_and(u8::is_ascii_digit)
}

fn parse_stamp(line_no: u64, line: &[u8]) -> Stamp {
    let secs = parse_digits(&line[1..]).ok_or_else(|| {
        (
            line_no,
            format!("timestamp is not a number: {:?}", snippet(line)),
        )
    })?;
    secs_to_us(secs).ok_or_else(|| (line_no, format!("timestamp {secs} is out of range")))
}

impl<'a> Parser<'a> {
    /// The next physical line (without CR LF) and where the one after it starts.
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
}

impl<'a> Iterator for Parser<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            let Some((line, next)) = self.peek() else {
                return self.current.take().map(Building::finish);
            };
            if is_stamp(line) {
                // A timestamp ends the entry being read; it is read again next time.
                if let Some(done) = self.current.take() {
                    return Some(done.finish());
                }
            }
            self.pos = next;
            self.line += 1;
            let line_no = self.line;
            if is_stamp(line) {
                // A timestamp without a command is dropped, as bash does.
                self.stamp = Some(parse_stamp(line_no, line));
                continue;
            }
            if line.is_empty() {
                continue;
            }
            match self.stamp.take() {
                Some(stamp) => {
                    let building = Building::new(stamp, line_no, line);
                    if !self.multiline {
                        return Some(building.finish());
                    }
                    self.current = Some(building);
                }
                None => match self.current.as_mut() {
                    Some(current) => current.append(line_no, line),
                    None => {
                        return Some(match utf8(Cow::Borrowed(line)) {
                            Ok(_) => Item::Untimed,
                            Err(problem) => Bad::line(line_no, problem),
                        });
                    }
                },
            }
        }
    }
}

impl<'a> Items<'a> for Parser<'a> {
    fn done(&self) -> u64 {
        self.line
    }
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
            shell: Cow::Borrowed("bash"),
            session: Cow::Borrowed("import-bash"),
            host: Host::Local,
        })
    }

    fn items(data: &[u8]) -> Vec<Item<'_>> {
        parse(data).collect()
    }

    #[test]
    fn timestamped_entries_and_lithist_multi_line_commands() {
        let data = b"#1700000000\ngit status\n#1700000010\nfor i in 1 2; do\n  echo $i\ndone\n#1700000020\n# a comment typed at the prompt\n";
        assert_eq!(
            items(data),
            [
                entry(1_700_000_000, "git status"),
                entry(1_700_000_010, "for i in 1 2; do\n  echo $i\ndone"),
                entry(1_700_000_020, "# a comment typed at the prompt"),
            ]
        );
    }

    #[test]
    fn without_a_leading_timestamp_each_line_is_an_entry() {
        // History from before HISTTIMEFORMAT was set, then timestamped entries.
        let data = b"ls\ncd /tmp\n#1700000000\nmake\nmake test\n";
        assert_eq!(
            items(data),
            [
                Item::Untimed,
                Item::Untimed,
                entry(1_700_000_000, "make"),
                Item::Untimed
            ]
        );
    }

    #[test]
    fn crlf_blank_lines_duplicates_and_stamps_without_commands() {
        let data = b"#1\r\nls\r\n\r\n#2\r\n#3\r\nls\r\n#3\nls\n";
        assert_eq!(
            items(data),
            [entry(1, "ls"), entry(3, "ls"), entry(3, "ls")]
        );
    }

    #[test]
    fn bad_timestamps_and_bytes_name_their_line_and_the_rest_is_read() {
        let data = b"#1700000000\nok\n#17000x0000\nlost\nlost too\n#5\nbad \xc3(\n#6\nfine\nbut \xff\n#7\nlast\n";
        assert_eq!(
            items(data),
            [
                entry(1_700_000_000, "ok"),
                Bad::line(3, "timestamp is not a number: \"#17000x0000\""),
                Bad::line(7, "not valid UTF-8 (byte 0xc3 at offset 4)"),
                Bad::line(10, "not valid UTF-8 (byte 0xff at offset 4)"),
                entry(7, "last"),
            ]
        );
        let mut parser = parse(data);
        parser.by_ref().for_each(drop);
        assert_eq!(parser.done(), 12);
    }
}
