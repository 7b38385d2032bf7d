//! The nominate modals, drawn over whatever screen is open: the note input, the full
//! request before sending (scrolling, long lines wrapped so nothing sent is hidden), and
//! the notice that says how to turn uploading on.
//!
//! [`preview_rows`] and [`preview_lines`] depend on the size only, so the state can clamp
//! the preview's scroll without drawing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::{bold, dim, hints_line};
use crate::tui::source::Preview;
use crate::tui::state::{App, Modal};
use crate::tui::text;
use crate::upload::nominate::{ENDPOINT, MAX_NOTE_CHARS, NOMINATION_DAYS};

/// Widest the note and notice boxes get.
const BOX_WIDTH: u16 = 72;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    match &app.modal {
        None => {}
        Some(Modal::Notice { title, text }) => draw_notice(frame, area, title, text),
        Some(Modal::Note { action, note }) => draw_note(frame, area, action, note),
        Some(Modal::Preview { preview, scroll }) => draw_preview(frame, area, preview, *scroll),
    }
}

/// A box of at most `width`×`height` cells centred in `area`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Columns a box's border and padding take.
const BOX_FRAME: u16 = 4;

/// Clears `outer`, draws its border and title, and returns the inside (a column of
/// padding on each side).
fn frame_box(frame: &mut Frame<'_>, outer: Rect, title: &str) -> Rect {
    let title = text::truncate(
        &format!(" {title} "),
        usize::from(outer.width.saturating_sub(2)),
    );
    let block = Block::bordered()
        .padding(Padding::horizontal(1))
        .title(Span::styled(title, bold()));
    let inner = block.inner(outer);
    frame.render_widget(Clear, outer);
    frame.render_widget(block, outer);
    inner
}

/// Cuts `text` into pieces of at most `width` columns, keeping every character: what
/// is sent must be seen in full, so nothing is shortened with `…`.
fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        if text::width(&line) + text::width(c.encode_utf8(&mut [0; 4])) > width {
            lines.push(std::mem::take(&mut line));
        }
        line.push(c);
    }
    lines.push(line);
    lines
}

fn draw_notice(frame: &mut Frame<'_>, area: Rect, title: &str, body: &str) {
    let width = BOX_WIDTH.min(area.width.saturating_sub(2)).max(10);
    let inner_width = usize::from(width.saturating_sub(BOX_FRAME));
    let mut text_lines = wrap_whole(body, inner_width);
    text_lines.push(String::new());
    let height = (text_lines.len() as u16).saturating_add(3);
    let outer = centred(area, width, height);
    let inner = frame_box(frame, outer, title);
    // A screen too small for all of it keeps the key line and ends the text in `…`.
    let rows = usize::from(inner.height.saturating_sub(1));
    if text_lines.len() > rows {
        text_lines.truncate(rows);
        if let Some(last) = text_lines.last_mut() {
            *last = text::truncate(&format!("{last} …"), inner_width);
        }
    }
    let mut lines: Vec<Line<'static>> = text_lines.into_iter().map(Line::from).collect();
    lines.push(Line::from(Span::styled("any key closes this", dim())));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Word-wrapped like [`text::wrap`], except that a word too long for a line (a URL) is
/// cut across lines instead of shortened with `…`: nothing about what is sent is hidden.
fn wrap_whole(line: &str, width: usize) -> Vec<String> {
    if !line
        .split_whitespace()
        .any(|word| text::width(word) > width)
    {
        return text::wrap(line, width);
    }
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let needed = if current.is_empty() {
                text::width(&word)
            } else {
                text::width(&current) + 1 + text::width(&word)
            };
            if needed <= width {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(&word);
                break;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                continue;
            }
            let mut pieces = hard_wrap(&word, width);
            word = pieces.pop().unwrap_or_default();
            lines.extend(pieces);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Every line of the note box at `inner_width`, the intro first so it is what a small
/// screen gives up.
fn note_lines(
    action: &str,
    note: &str,
    inner_width: usize,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let intro: Vec<Line<'static>> = text::wrap(
        &format!(
            "Ask your team's champions to make `{action}` faster. The note goes with this action's numbers of the last {NOMINATION_DAYS} days; it is the only text you type that leaves this machine, and you see everything before it is sent."
        ),
        inner_width,
    )
    .into_iter()
    .map(Line::from)
    .chain([Line::default()])
    .collect();
    let mut input: Vec<Line<'static>> = vec![Line::from(Span::styled(
        text::truncate("Why should it be faster? (optional, one line)", inner_width),
        bold(),
    ))];
    let typed = format!("> {note}█");
    input.extend(
        hard_wrap(&typed, inner_width)
            .into_iter()
            .map(|piece| Line::from(Span::styled(piece, Style::default().fg(Color::Yellow)))),
    );
    let count = format!("{}/{MAX_NOTE_CHARS}", note.chars().count());
    input.push(Line::from(Span::styled(
        text::pad_left(&count, inner_width),
        dim(),
    )));
    input.push(hints_line(
        &[("⏎", "preview"), ("Esc", "cancel")],
        inner_width as u16,
    ));
    (intro, input)
}

fn draw_note(frame: &mut Frame<'_>, area: Rect, action: &str, note: &str) {
    let width = BOX_WIDTH.min(area.width.saturating_sub(2)).max(10);
    let inner_width = usize::from(width.saturating_sub(BOX_FRAME));
    let (intro, input) = note_lines(action, note, inner_width);
    let room = usize::from(area.height.saturating_sub(2));
    let mut lines = if intro.len() + input.len() <= room {
        intro
    } else {
        Vec::new()
    };
    // A note longer than the box shows its end, where the cursor is, and the keys.
    let skip = input.len().saturating_sub(room);
    lines.extend(input.into_iter().skip(skip));
    let height = (lines.len() as u16).saturating_add(2);
    let outer = centred(area, width, height);
    let inner = frame_box(frame, outer, &format!("Nominate {action}"));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Where the preview box goes: nearly the whole screen.
fn preview_box(area: Rect) -> Rect {
    let margin_x = u16::from(area.width >= 30);
    let margin_y = u16::from(area.height >= 12);
    Rect {
        x: area.x + margin_x,
        y: area.y + margin_y,
        width: area.width.saturating_sub(2 * margin_x),
        height: area.height.saturating_sub(2 * margin_y),
    }
}

/// Columns of the preview's text.
fn preview_width(area: Rect) -> usize {
    usize::from(preview_box(area).width.saturating_sub(BOX_FRAME))
}

/// Rows of the preview's scrolling text (all of the box but its border and key row).
pub fn preview_rows(area: Rect) -> usize {
    usize::from(preview_box(area).height.saturating_sub(3))
}

/// Every line of the preview at the size of `area`: what it is, then the request itself.
pub fn preview_lines(preview: &Preview, area: Rect) -> Vec<Line<'static>> {
    let width = preview_width(area);
    let draft = &preview.draft;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let about = format!(
        "To {}{ENDPOINT} for team {}: {} day(s) and {} run(s) of `{}` from the last {NOMINATION_DAYS} days, as an upload would send them, and your note. This is every byte:",
        preview.server, preview.team, draft.days, draft.runs, draft.local_action
    );
    lines.extend(wrap_whole(&about, width).into_iter().map(Line::from));
    if let Some(notice) = draft.category_notice() {
        lines.extend(
            wrap_whole(&notice, width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, Style::default().fg(Color::Yellow)))),
        );
    }
    lines.push(Line::default());
    let body = String::from_utf8_lossy(&draft.body);
    for json_line in body.lines() {
        lines.extend(hard_wrap(json_line, width).into_iter().map(Line::from));
    }
    lines
}

fn draw_preview(frame: &mut Frame<'_>, area: Rect, preview: &Preview, scroll: usize) {
    let outer = preview_box(area);
    let inner = frame_box(
        frame,
        outer,
        &format!("Nominate {}: send this?", preview.draft.local_action),
    );
    let all = preview_lines(preview, area);
    let rows = preview_rows(area);
    let total = all.len();
    let scroll = scroll.min(total.saturating_sub(rows));
    let shown: Vec<Line<'static>> = all.into_iter().skip(scroll).take(rows).collect();
    let text_area = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(shown), text_area);
    let keys_area = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: inner.height.min(1),
        ..inner
    };
    let position = format!(
        " {}–{}/{total}",
        (scroll + 1).min(total),
        (scroll + rows).min(total)
    );
    let mut keys = hints_line(
        &[
            ("y", "send"),
            ("↑↓ PgUp PgDn", "scroll"),
            ("other keys", "cancel"),
        ],
        inner.width.saturating_sub(text::width(&position) as u16),
    );
    keys.spans.push(Span::styled(position, dim()));
    frame.render_widget(Paragraph::new(keys), keys_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_cut_not_shortened() {
        assert_eq!(
            wrap_whole("To https://example.com/api/v1 for team t", 12),
            ["To", "https://exam", "ple.com/api/", "v1 for team", "t"]
        );
        assert_eq!(wrap_whole("short words only", 12), ["short words", "only"]);
    }

    #[test]
    fn hard_wrap_keeps_every_character() {
        assert_eq!(hard_wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(hard_wrap("", 3), [""]);
        let wide = hard_wrap("日本語テキスト", 5);
        assert_eq!(wide.concat(), "日本語テキスト");
        assert!(wide.iter().all(|l| text::width(l) <= 5), "{wide:?}");
    }
}
