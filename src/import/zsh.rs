//! zsh's history file: EXTENDED_HISTORY entries `: <start>:<elapsed>;<command>`, or plain
//! lines without a timestamp.
//!
//! Read the way zsh reads it (`readhistline`/`readhistfile` in zsh's `Src/hist.c`):
//!
//! - A line ending in a backslash continues on the next one; the backslash stands for the
//!   newline, which the command keeps.
//! - When a command ends in a backslash (and maybe spaces), zsh writes one extra space so
//!   the backslash does not read as a continuation; that space is dropped again.
//! - The file is metafied: byte 0x83 followed by `b` stands for `b ^ 0x20`. Other bytes
//!   are taken as they are (older zsh versions metafied fewer bytes).
//! - A line starting with `:` is a header: zsh writes plain-history commands that start
//!   with `:` as `\:`. zsh itself reads a malformed header leniently; here anything but
//!   `: <digits>:<digits>;` makes the entry bad, since the time would be a guess.
//! - Lines without a header have no start time and are counted, not imported.
//! - elapsed is whole seconds, and 0 is written both for instant commands and whenever the
//!   line was saved before the command finished (without `INC_APPEND_HISTORY_TIME`), so
//!   0 is stored as unknown.
//!
//! Beyond zsh: a CR before the LF is dropped, blank lines are skipped, and raw NUL bytes
//! (zsh metafies NUL, so raw ones are a damaged region, typically left by a crash) are
//! reported and skipped, keeping an entry that follows them on the same line.

use std::borrow::Cow;

use super::{Bad, Entry, Host, Item, Items, parse_digits, secs_to_us, snippet, utf8};

/// zsh's metafication marker.
const META: u8 = 0x83;

/// Resolution of extended-history durations: whole seconds.
const RESOLUTION_US: i64 = 1_000_000;

/// Parses a zsh history held in memory.
pub fn parse(data: &[u8]) -> Parser<'_> {
    Parser {
        data,
        pos: 0,
        line: 0,
        carry: None,
    }
}

/// Iterator over the [`Item`]s of a zsh history.
pub struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    /// The rest of a record after a run of NUL bytes, read next.
    carry: Option<Record<'a>>,
}

/// One entry's physical lines (LFs included, the last line's CR and LF excluded).
#[derive(Clone, Copy)]
struct Record<'a> {
    line: u64,
    raw: &'a [u8],
    continued: bool,
}

impl<'a> Iterator for Parser<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            let record = match self.carry.take() {
                Some(record) => record,
                None => self.next_record()?,
            };
            if record.raw.iter().all(|&b| b == b' ' || b == b'\t') {
                continue;
            }
            if record.raw[0] == 0 {
                let nuls = record.raw.iter().take_while(|&&b| b == 0).count();
                let rest = &record.raw[nuls..];
                if !rest.is_empty() {
                    self.carry = Some(Record {
                        raw: rest,
                        ..record
                    });
                }
                return Some(Bad::line(
                    record.line,
                    format!("{nuls} NUL bytes (a damaged region of the file) skipped"),
                ));
            }
            return Some(decode(record));
        }
    }
}

impl<'a> Items<'a> for Parser<'a> {
    fn done(&self) -> u64 {
        self.line
    }
}

impl<'a> Parser<'a> {
    fn next_record(&mut self) -> Option<Record<'a>> {
        let data = self.data;
        if self.pos >= data.len() {
            return None;
        }
        let start = self.pos;
        let first_line = self.line + 1;
        let mut continued = false;
        loop {
            let line_start = self.pos;
            let (end, next) = match memchr::memchr(b'\n', &data[line_start..]) {
                Some(i) => (line_start + i, line_start + i + 1),
                None => (data.len(), data.len()),
            };
            self.line += 1;
            self.pos = next;
            let content_end = if end > line_start && data[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            let backslash = content_end > line_start && data[content_end - 1] == b'\\';
            if backslash && next < data.len() {
                continued = true;
                continue;
            }
            return Some(Record {
                line: first_line,
                raw: &data[start..content_end],
                continued,
            });
        }
    }
}

fn decode(record: Record<'_>) -> Item<'_> {
    let line = record.line;
    if memchr::memchr(0, record.raw).is_some() {
        return Bad::line(line, "contains NUL bytes (a damaged region of the file)");
    }
    if record.raw[0] != b':' {
        // A plain history line: check it is text, then count it as untimed.
        return match command_text(record.raw, record.continued) {
            Ok(_) => Item::Untimed,
            Err(problem) => Bad::line(line, problem),
        };
    }
    let (start, elapsed, offset) = match header(record.raw) {
        Ok(parsed) => parsed,
        Err(problem) => return Bad::line(line, problem),
    };
    let Some(start_us) = secs_to_us(start) else {
        return Bad::line(line, format!("start time {start} is out of range"));
    };
    let command = match command_text(&record.raw[offset..], record.continued) {
        Ok(command) => command,
        Err(problem) => return Bad::line(line, problem),
    };
    if command.is_empty() {
        return Bad::line(line, "empty command");
    }
    Item::Entry(Entry {
        start_us,
        duration_us: (elapsed > 0).then(|| elapsed * RESOLUTION_US),
        resolution_us: RESOLUTION_US,
        exit: None,
        cwd: None,
        command,
        shell: Cow::Borrowed("zsh"),
        session: Cow::Borrowed(super::Kind::Zsh.session()),
        host: Host::Local,
    })
}

/// Parses `: <start>:<elapsed>;` at the start of `raw`: (start, elapsed, command offset).
fn header(raw: &[u8]) -> Result<(i64, i64, usize), String> {
    let first = &raw[..memchr::memchr(b'\n', raw).unwrap_or(raw.len())];
    let expected = || {
        format!(
            "bad extended-history header, expected `: <start>:<elapsed>;`: {:?}",
            snippet(first)
        )
    };
    let rest = first.strip_prefix(b": ").ok_or_else(expected)?;
    let colon = memchr::memchr(b':', rest).ok_or_else(expected)?;
    let start = parse_digits(&rest[..colon])
        .ok_or_else(|| format!("start time is not a number: {:?}", snippet(&rest[..colon])))?;
    let after = &rest[colon + 1..];
    let semicolon = memchr::memchr(b';', after).ok_or_else(expected)?;
    let elapsed = parse_digits(&after[..semicolon]).ok_or_else(|| {
        format!(
            "elapsed time is not a number: {:?}",
            snippet(&after[..semicolon])
        )
    })?;
    if elapsed > i64::MAX / RESOLUTION_US {
        return Err(format!("elapsed time {elapsed} is out of range"));
    }
    Ok((start, elapsed, 2 + colon + 1 + semicolon + 1))
}

/// The command a record's text stands for: continuations joined, zsh's guard space
/// dropped, unmetafied, checked to be UTF-8. Borrows when nothing needs changing.
fn command_text(raw: &[u8], continued: bool) -> Result<Cow<'_, str>, String> {
    let mut text: Cow<'_, [u8]> = if continued {
        let mut joined = Vec::with_capacity(raw.len());
        let mut lines = raw.split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            if lines.peek().is_some() {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                joined.extend_from_slice(line.strip_suffix(b"\\").unwrap_or(line));
                joined.push(b'\n');
            } else {
                joined.extend_from_slice(line);
            }
        }
        Cow::Owned(joined)
    } else {
        Cow::Borrowed(raw)
    };
    let spaces = text.iter().rev().take_while(|&&b| b == b' ').count();
    if spaces > 0 && text.len() > spaces && text[text.len() - spaces - 1] == b'\\' {
        match &mut text {
            Cow::Borrowed(b) => *b = &b[..b.len() - 1],
            Cow::Owned(v) => {
                v.pop();
            }
        }
    }
    utf8(unmetafy(text)?)
}

/// Undoes zsh's metafication (0x83 followed by `b` stands for `b ^ 0x20`).
fn unmetafy(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, [u8]>, String> {
    if memchr::memchr(META, &bytes).is_none() {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter();
    while let Some(&b) = iter.next() {
        if b == META {
            match iter.next() {
                Some(&next) => out.push(next ^ 0x20),
                None => return Err("ends in a lone metafication byte 0x83".to_string()),
            }
        } else {
            out.push(b);
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(start: i64, elapsed: Option<i64>, command: &str) -> Item<'static> {
        Item::Entry(Entry {
            start_us: start * 1_000_000,
            duration_us: elapsed.map(|s| s * 1_000_000),
            resolution_us: 1_000_000,
            exit: None,
            cwd: None,
            command: Cow::Owned(command.to_string()),
            shell: Cow::Borrowed("zsh"),
            session: Cow::Borrowed("import-zsh"),
            host: Host::Local,
        })
    }

    fn items(data: &[u8]) -> Vec<Item<'_>> {
        parse(data).collect()
    }

    #[test]
    fn extended_entries_with_elapsed_zero_as_unknown() {
        let data = b": 1700000000:0;git status\n: 1700000005:12;cargo build --release\n";
        assert_eq!(
            items(data),
            [
                entry(1_700_000_000, None, "git status"),
                entry(1_700_000_005, Some(12), "cargo build --release"),
            ]
        );
    }

    #[test]
    fn continuations_keep_their_newlines_and_borrow_otherwise() {
        let data = b": 1700000000:3;for f in *.rs; do\\\n  wc -l $f\\\ndone\n: 1700000009:0;ls\n";
        let all = items(data);
        assert_eq!(
            all,
            [
                entry(
                    1_700_000_000,
                    Some(3),
                    "for f in *.rs; do\n  wc -l $f\ndone"
                ),
                entry(1_700_000_009, None, "ls"),
            ]
        );
        let Item::Entry(last) = &all[1] else {
            panic!("expected an entry")
        };
        assert!(
            matches!(last.command, Cow::Borrowed(_)),
            "no copy for plain lines"
        );
    }

    #[test]
    fn a_command_ending_in_a_backslash_loses_only_zshs_guard_space() {
        // `echo \` was written as `echo \ ` so it would not read as a continuation; a
        // command with a line continuation `make \<LF>all` keeps its backslash.
        let data = b": 1:0;echo \\ \n: 2:0;make \\\\\n  all\n";
        assert_eq!(
            items(data),
            [entry(1, None, "echo \\"), entry(2, None, "make \\\n  all")]
        );
    }

    #[test]
    fn metafied_bytes_are_restored() {
        // zsh metafies bytes 0x83..=0xa2 (and NUL): 你 is e4 bd a0 and is written
        // e4 bd 83 80; 音乐 is e9 9f b3 e4 b9 90 and is written e9 83 bf b3 e4 b9 83 b0.
        let data = b": 10:0;echo \xe4\xbd\x83\x80\xe5\xa5\xbd\n: 11:2;ls ~/\xe9\x83\xbf\xb3\xe4\xb9\x83\xb0\n";
        assert_eq!(
            items(data),
            [
                entry(10, None, "echo 你好"),
                entry(11, Some(2), "ls ~/音乐")
            ]
        );
    }

    #[test]
    fn plain_lines_are_untimed_and_crlf_and_blank_lines_are_tolerated() {
        let data = b"ls -la\r\n\n   \n\\:not a header\n: 5:1;make\r\n";
        assert_eq!(
            items(data),
            [Item::Untimed, Item::Untimed, entry(5, Some(1), "make")]
        );
    }

    #[test]
    fn duplicates_in_the_same_second_are_all_kept() {
        let data = b": 7:0;ls\n: 7:0;ls\n";
        assert_eq!(items(data), [entry(7, None, "ls"), entry(7, None, "ls")]);
    }

    #[test]
    fn bad_entries_name_their_line_and_the_rest_is_read() {
        let data = b": 17x0000000:0;ls\n: 1:zz;ls\n: 1;ls\n: 2:0;\n: 3:0;ok\xff\n\x00\x00\x00: 4:0;after nuls\n: 5:0;last\n";
        let got = items(data);
        let problems: Vec<(u64, String)> = got
            .iter()
            .filter_map(|item| match item {
                Item::Bad(Bad {
                    at: super::super::At::Line(line),
                    problem,
                }) => Some((*line, problem.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            problems,
            [
                (1, "start time is not a number: \"17x0000000\"".to_string()),
                (2, "elapsed time is not a number: \"zz\"".to_string()),
                (
                    3,
                    "bad extended-history header, expected `: <start>:<elapsed>;`: \": 1;ls\""
                        .to_string()
                ),
                (4, "empty command".to_string()),
                (5, "not valid UTF-8 (byte 0xff at offset 2)".to_string()),
                (
                    6,
                    "3 NUL bytes (a damaged region of the file) skipped".to_string()
                ),
            ]
        );
        let entries: Vec<_> = got
            .into_iter()
            .filter(|item| matches!(item, Item::Entry(_)))
            .collect();
        assert_eq!(
            entries,
            [entry(4, None, "after nuls"), entry(5, None, "last")]
        );
    }

    #[test]
    fn a_lone_meta_byte_and_a_missing_final_newline() {
        let data = b": 1:0;ls \x83\n: 2:0;pwd";
        let got = items(data);
        assert_eq!(
            got[0],
            Bad::line(1, "ends in a lone metafication byte 0x83")
        );
        assert_eq!(got[1], entry(2, None, "pwd"));
        let mut parser = parse(data);
        parser.by_ref().for_each(drop);
        assert_eq!(parser.done(), 2);
    }
}
