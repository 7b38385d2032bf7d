//! Drawing only: [`draw`] renders the [`App`] into a frame and changes nothing.
//!
//! One file per screen, and [`nominate`] for the modals drawn over any of them. Every screen lays itself out from the frame size alone, so the
//! state can ask the same functions how many rows a page has (for PgUp/PgDn and mouse
//! clicks) without drawing. Nothing here may panic at any size: areas are cut with
//! saturating arithmetic and every text is fitted with [`super::text`] before it is drawn.

pub mod detail;
pub mod empty;
pub mod grid;
pub mod help;
pub mod list;
pub mod nominate;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::state::{App, Screen};
use super::text;
use crate::units;

/// Draws the screen on top of the stack (the ranked list when the stack is empty).
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    match app.screens.last() {
        Some(Screen::Detail(detail)) => detail::draw(frame, area, app, detail),
        Some(Screen::Grid) => grid::draw(frame, area, app),
        Some(Screen::Help { scroll }) => help::draw(frame, area, app, *scroll),
        None if app.is_empty() => empty::draw(frame, area),
        None => list::draw(frame, area, app),
    }
    nominate::draw(frame, area, app);
}

/// The scrolling body of the detail and help screens: all but the title and footer rows.
pub fn body_area(area: Rect) -> Rect {
    let mut cut = Cutter::new(area);
    cut.top(1);
    cut.bottom(1);
    cut.rest()
}

/// Cuts rows off the top and bottom of an area; never more than there is.
pub struct Cutter {
    area: Rect,
}

impl Cutter {
    pub fn new(area: Rect) -> Cutter {
        Cutter { area }
    }

    pub fn top(&mut self, rows: u16) -> Rect {
        let rows = rows.min(self.area.height);
        let cut = Rect {
            height: rows,
            ..self.area
        };
        self.area.y += rows;
        self.area.height -= rows;
        cut
    }

    pub fn bottom(&mut self, rows: u16) -> Rect {
        let rows = rows.min(self.area.height);
        self.area.height -= rows;
        Rect {
            y: self.area.y + self.area.height,
            height: rows,
            ..self.area
        }
    }

    pub fn rest(self) -> Rect {
        self.area
    }
}

pub fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

fn key_style() -> Style {
    Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

/// The title bar: bold text on the top row, cut to the width.
pub fn draw_title(frame: &mut Frame<'_>, area: Rect, title: &str) {
    let text = text::truncate(title, usize::from(area.width));
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            text,
            bold().add_modifier(Modifier::REVERSED),
        )))
        .style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}

/// Key hints (`key` `what`) for the bottom row, as many as fit.
pub fn hints_line(hints: &[(&str, &str)], width: u16) -> Line<'static> {
    let width = usize::from(width);
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in hints {
        let gap = usize::from(used > 0) * 2;
        let needed = gap + text::width(key) + 1 + text::width(what);
        if used + needed > width {
            break;
        }
        if gap > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled((*key).to_string(), key_style()));
        spans.push(Span::raw(format!(" {what}")));
        used += needed;
    }
    Line::from(spans)
}

/// The footer row: a pending message in red, else news (a nomination sent) in green, or
/// the key hints.
pub fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App, hints: &[(&str, &str)]) {
    let line = match (&app.message, &app.notice) {
        (Some(message), _) => Line::from(Span::styled(
            text::truncate(message, usize::from(area.width)),
            Style::default().fg(Color::Red),
        )),
        (None, Some(notice)) => Line::from(Span::styled(
            text::truncate(notice, usize::from(area.width)),
            Style::default().fg(Color::Green),
        )),
        (None, None) => hints_line(hints, area.width),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A duration as `units::duration` writes it, or compact (`1m21s`, `2h28m`) when that
/// does not fit `width` columns.
pub fn fitted_duration(seconds: f64, width: usize) -> String {
    let text = units::duration(seconds);
    if text::width(&text) <= width || !seconds.is_finite() {
        return text;
    }
    let whole = seconds.round() as u64;
    if whole < 3_600 {
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else if whole < 48 * 3_600 {
        let minutes = (seconds / 60.0).round() as u64;
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_fit_their_columns() {
        assert_eq!(fitted_duration(44.0, 7), "44 s");
        assert_eq!(fitted_duration(81.0, 7), "1m21s");
        assert_eq!(fitted_duration(81.0, 10), "1 min 21 s");
        assert_eq!(fitted_duration(8_880.0, 7), "2h28m");
        assert_eq!(fitted_duration(300_000.0, 7), "3.5 days");
    }

    #[test]
    fn cutter_never_cuts_more_than_there_is() {
        let mut cut = Cutter::new(Rect::new(0, 0, 10, 3));
        assert_eq!(cut.top(2).height, 2);
        assert_eq!(cut.bottom(5).height, 1);
        assert_eq!(cut.rest().height, 0);
    }
}
