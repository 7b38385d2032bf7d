//! The XKCD 1205 grid ("Is It Worth the Time?") as the comic prints it, with the user's
//! top actions placed in the cells nearest to them: row by the time halving the median
//! would save, column by how often the action runs. A legend gives each marked action's
//! exact budget, since the comic's cells are rounded down.
//!
//! The grid is always in calendar time, like the comic.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cutter, bold, dim, draw_footer, draw_title};
use crate::rank::ActionStats;
use crate::tui::state::{App, GRID_MARKERS};
use crate::tui::text;
use crate::units;
use crate::worth::{self, COMIC_FREQUENCIES, COMIC_SHAVES};

/// Column headings short enough for narrow screens, in [`COMIC_FREQUENCIES`] order.
const SHORT_FREQUENCIES: [&str; 6] = ["50/d", "5/d", "day", "wk", "mo", "yr"];

/// One of the top actions, placed.
struct Marker {
    number: usize,
    action: String,
    cell: Option<(usize, usize)>,
    runs_per_day: f64,
    saved_s: Option<f64>,
    budget_s: Option<f64>,
}

/// Runs per calendar year, as the comic's columns count them (whatever the list's view).
fn calendar_runs_per_year(a: &ActionStats, span_days: u32) -> f64 {
    if span_days == 0 {
        0.0
    } else {
        a.runs as f64 / f64::from(span_days) * worth::DAYS_PER_YEAR
    }
}

fn markers(app: &App) -> Vec<Marker> {
    let ranking = &app.ranking;
    ranking
        .actions
        .iter()
        .take(GRID_MARKERS)
        .enumerate()
        .map(|(i, a)| {
            let per_year = calendar_runs_per_year(a, ranking.span_days);
            let saved_s = a.median_s.map(|m| m / 2.0);
            Marker {
                number: i + 1,
                action: a.action.clone(),
                cell: saved_s.and_then(|s| worth::comic_cell(per_year, s)),
                runs_per_day: a.runs_per_day,
                saved_s,
                budget_s: saved_s.map(|s| worth::budget_seconds(s, per_year)),
            }
        })
        .collect()
}

/// "4 weeks" → "4w", "30 minutes" → "30m", "10 months" → "10mo": at most four columns,
/// for narrow cells.
fn short_label(label: &str) -> String {
    let Some((count, unit)) = label.split_once(' ') else {
        return label.to_string();
    };
    let unit = match unit.trim_end_matches('s') {
        "second" => "s",
        "minute" => "m",
        "hour" => "h",
        "day" => "d",
        "week" => "w",
        "month" => "mo",
        "year" => "y",
        other => other,
    };
    format!("{count}{unit}")
}

/// The markers of a cell: "[3]", "[2,5,8]", or "[2+]" when the list does not fit.
fn marker_text(numbers: &[usize], room: usize) -> String {
    let all = format!(
        "[{}]",
        numbers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    if text::width(&all) <= room || numbers.len() < 2 {
        all
    } else {
        format!("[{}+]", numbers[0])
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut cut = Cutter::new(area);
    let title = cut.top(1);
    let footer = cut.bottom(1);
    let body = cut.rest();
    let width = usize::from(area.width);
    let wide = width >= 72;
    draw_title(
        frame,
        title,
        if wide {
            " XKCD 1205 · Is it worth the time? · 5-year budgets as printed (calendar time)"
        } else {
            " XKCD 1205 · 5-year budgets (calendar)"
        },
    );
    let row_label = if wide { 11 } else { 5 };
    let cell = (width.saturating_sub(row_label) / 6).max(1);
    let markers = markers(app);
    let grid = worth::comic_grid();

    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut header = text::pad(if wide { "shave\\often" } else { "" }, row_label);
    for (i, (name, _)) in COMIC_FREQUENCIES.iter().enumerate() {
        let name = if wide { *name } else { SHORT_FREQUENCIES[i] };
        header.push_str(&text::pad_left(name, cell.saturating_sub(1)));
        header.push(' ');
    }
    lines.push(Line::from(Span::styled(
        text::truncate(&header, width),
        bold(),
    )));
    for (row, (shave, _)) in COMIC_SHAVES.iter().enumerate() {
        let label = if wide {
            shave.to_string()
        } else {
            short_label(shave)
        };
        let mut spans = vec![Span::styled(text::pad(&label, row_label), bold())];
        for (column, printed) in grid[row].iter().enumerate() {
            let here: Vec<usize> = markers
                .iter()
                .filter(|m| m.cell == Some((row, column)))
                .map(|m| m.number)
                .collect();
            let label = printed.as_deref().map_or("--".to_string(), |l| {
                if wide { l.to_string() } else { short_label(l) }
            });
            let room = cell.saturating_sub(1);
            let (content, style) = if here.is_empty() {
                let style = if printed.is_some() {
                    Style::default()
                } else {
                    dim()
                };
                (label, style)
            } else {
                let marks = marker_text(&here, room);
                let both = format!("{marks} {label}");
                let content = if text::width(&both) <= room {
                    both
                } else {
                    marks
                };
                (
                    content,
                    Style::default()
                        .fg(Color::Black)
                        .bg(Color::Yellow)
                        .add_modifier(Modifier::BOLD),
                )
            };
            spans.push(Span::styled(text::pad_left(&content, room), style));
            spans.push(Span::raw(" "));
        }
        lines.push(fit(spans, width));
    }
    let legend_rows = usize::from(body.height).saturating_sub(lines.len() + 1);
    if legend_rows > 0 {
        lines.push(Line::default());
        let intro = "[n]: your top actions, by the time halving the median saves (row) and how often they run (column). Exact budget after the arrow; 1–9 opens one.";
        let mut legend: Vec<Line<'_>> = text::wrap(intro, width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, dim())))
            .collect();
        for m in &markers {
            let detail = match (m.saved_s, m.budget_s, m.cell) {
                (Some(saved), Some(budget), Some(_)) => format!(
                    "{}/day, save {} → {}",
                    units::rate(m.runs_per_day),
                    units::duration(saved),
                    units::span(budget)
                ),
                _ => "no timed runs: not placed".to_string(),
            };
            let line = format!("{} {}: {detail}", m.number, m.action);
            legend.push(Line::from(text::truncate(&line, width)));
        }
        if markers.is_empty() {
            legend.push(Line::from("No actions in this period to place."));
        }
        lines.extend(legend.into_iter().take(legend_rows));
    }
    frame.render_widget(Paragraph::new(lines), body);
    draw_footer(
        frame,
        footer,
        app,
        &[
            ("1-9", "open"),
            ("Esc", "back"),
            ("p", "period"),
            ("r", "repo"),
            ("c", "category"),
            ("?", "help"),
        ],
    );
}

/// Keeps a row of spans within `width` columns.
fn fit(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut used = 0;
    let mut kept = Vec::new();
    for span in spans {
        let w = text::width(&span.content);
        if used + w <= width {
            used += w;
            kept.push(span);
        } else {
            let room = width - used;
            if room > 0 {
                kept.push(Span::styled(
                    text::truncate(&span.content, room),
                    span.style,
                ));
            }
            break;
        }
    }
    Line::from(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_labels() {
        assert_eq!(short_label("4 weeks"), "4w");
        assert_eq!(short_label("1 day"), "1d");
        assert_eq!(short_label("30 minutes"), "30m");
        assert_eq!(short_label("10 months"), "10mo");
        assert_eq!(short_label("25 seconds"), "25s");
        assert_eq!(short_label("--"), "--");
    }

    #[test]
    fn markers_shrink_to_fit() {
        assert_eq!(marker_text(&[3], 4), "[3]");
        assert_eq!(marker_text(&[2, 5, 8], 10), "[2,5,8]");
        assert_eq!(marker_text(&[2, 5, 8], 4), "[2+]");
    }
}
