//! Fitting text into terminal cells: display width, truncation with an ellipsis, word wrap.
//!
//! Widths are terminal columns (a CJK character takes two), not bytes or chars, so a
//! truncated action name never spills into the next column.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` columns, ending in `…` when anything was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to exactly `columns` columns (truncated first if longer).
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = truncate(text, columns);
    let missing = columns.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', missing));
    out
}

/// `text` right-aligned in `columns` columns (truncated first if longer).
pub fn pad_left(text: &str, columns: usize) -> String {
    let cut = truncate(text, columns);
    let missing = columns.saturating_sub(width(&cut));
    let mut out: String = std::iter::repeat_n(' ', missing).collect();
    out.push_str(&cut);
    out
}

/// Units that stay on the line of the number before them ("22 s", "18 min").
const UNITS: [&str; 17] = [
    "ms", "s", "min", "h", "second", "seconds", "minute", "minutes", "hour", "hours", "day",
    "days", "weeks", "months", "years", "working", "runs",
];

/// The words of `text`, a number and its unit kept together as one.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let glue = UNITS.contains(&word.trim_end_matches([',', '.', ';', ')']))
            && words
                .last()
                .is_some_and(|last| last.ends_with(|c: char| c.is_ascii_digit()));
        match words.last_mut() {
            Some(last) if glue => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// Greedy word wrap to `max` columns; a word longer than a line is cut with an ellipsis
/// rather than split, since the words here are commands and durations.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words(text) {
        let word = truncate(&word, max);
        if !line.is_empty() && width(&line) + 1 + width(&word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// At most `rows` lines of `text` wrapped to `max` columns; the last kept line ends in an
/// ellipsis when text was dropped.
pub fn wrap_to(text: &str, max: usize, rows: usize) -> Vec<String> {
    let mut lines = wrap(text, max);
    if lines.len() > rows {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            let room = max.saturating_sub(1);
            *last = format!("{}…", truncate(last, room).trim_end_matches('…'));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_columns_and_marks_the_cut() {
        assert_eq!(truncate("cargo test", 20), "cargo test");
        assert_eq!(truncate("cargo test", 10), "cargo test");
        assert_eq!(truncate("cargo test", 9), "cargo te…");
        assert_eq!(truncate("cargo", 1), "…");
        assert_eq!(truncate("cargo", 0), "");
        // Two columns per character: never half a character.
        assert_eq!(truncate("日本語テスト", 5), "日本…");
        assert_eq!(width(&truncate("日本語テスト", 5)), 5);
    }

    #[test]
    fn padding_fills_exactly() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad_left("ab", 4), "  ab");
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("", 9), Vec::<String>::new());
        assert_eq!(wrap("abcdefghijkl x", 5), vec!["abcd…", "x"]);
        assert_eq!(
            wrap_to("one two three four", 9, 2),
            vec!["one two", "three…"]
        );
        assert_eq!(wrap_to("one two", 9, 0), Vec::<String>::new());
        assert_eq!(
            wrap("saving 1 h 18 min a week", 10),
            vec!["saving 1 h", "18 min a", "week"]
        );
        assert_eq!(wrap("Shaving 22 s off", 10), vec!["Shaving", "22 s off"]);
    }
}
