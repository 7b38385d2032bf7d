//! The ranked list: one row per action, most time lost first, the active filters above
//! and the selected action's headline sentence below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cutter, bold, dim, draw_footer, draw_title, fitted_duration};
use crate::classify::Category;
use crate::explain::budget_text;
use crate::rank::{ActionStats, Ranking, TimeView};
use crate::tui::date_of;
use crate::tui::state::{App, PeriodChoice, repo_name};
use crate::tui::text;
use crate::units;

/// Where each part of the list screen goes; depends on the size only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLayout {
    pub title: Rect,
    pub status: Rect,
    /// The time-view caption on its own row (tall screens only; else in the status).
    pub caption: Rect,
    pub header: Rect,
    /// The table rows.
    pub body: Rect,
    pub rule: Rect,
    pub headline: Rect,
    pub footer: Rect,
}

/// Lays the list out: tall screens get a caption row and three headline rows, short ones
/// fold the caption into the status and keep two or no headline rows.
pub fn layout(area: Rect) -> ListLayout {
    let h = area.height;
    let mut cut = Cutter::new(area);
    let title = cut.top(1);
    let status = cut.top(if h >= 6 { 1 } else { 0 });
    let caption = cut.top(if h >= 18 { 1 } else { 0 });
    let footer = cut.bottom(if h >= 4 { 1 } else { 0 });
    let headline_rows = match h {
        18.. => 3,
        11..=17 => 2,
        _ => 0,
    };
    let headline = cut.bottom(headline_rows);
    let rule = cut.bottom(if headline_rows > 0 { 1 } else { 0 });
    let header = cut.top(1);
    ListLayout {
        title,
        status,
        caption,
        header,
        body: cut.rest(),
        rule,
        headline,
        footer,
    }
}

/// The table's columns, in the order they are dropped when the screen is narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Rank,
    Category,
    P90,
    Median,
    RunsPerDay,
    PerWeek,
    Worth,
}

impl Column {
    const DROP_ORDER: [Column; 6] = [
        Column::Rank,
        Column::Category,
        Column::P90,
        Column::Median,
        Column::RunsPerDay,
        Column::PerWeek,
    ];
    /// Left to right.
    const ORDER: [Column; 7] = [
        Column::Rank,
        Column::Category,
        Column::RunsPerDay,
        Column::Median,
        Column::P90,
        Column::PerWeek,
        Column::Worth,
    ];

    fn width(self) -> usize {
        match self {
            Column::Rank => 3,
            Column::Category => 9,
            Column::RunsPerDay => 6,
            Column::Median | Column::P90 => 7,
            Column::PerWeek => 10,
            Column::Worth => 11,
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Column::Rank => "#",
            Column::Category => "category",
            Column::RunsPerDay => "runs/d",
            Column::Median => "median",
            Column::P90 => "p90",
            Column::PerWeek => "per week",
            Column::Worth => "worth ½",
        }
    }

    fn left_aligned(self) -> bool {
        matches!(self, Column::Category)
    }

    fn value(self, rank: usize, a: &ActionStats, view: TimeView) -> String {
        let width = self.width();
        let time = |v: Option<f64>| v.map_or("–".to_string(), |s| fitted_duration(s, width));
        match self {
            Column::Rank => (rank + 1).to_string(),
            Column::Category => a.category.as_str().to_string(),
            Column::RunsPerDay => units::rate(a.runs_per_day),
            Column::Median => time(a.median_s),
            Column::P90 => time(a.p90_s),
            Column::PerWeek => time(Some(a.per_week_s)),
            Column::Worth => a.worth_5y_s.map_or("–".to_string(), |b| {
                short_budget(&budget_text(b.half, view))
            }),
        }
    }
}

/// Space left of the action name: the selection marker.
const GUTTER: usize = 2;
/// The action column never shrinks below this while other columns can still go.
const MIN_ACTION: usize = 14;
/// The action column's least width next to the worth column alone.
const MIN_ACTION_WITH_WORTH: usize = 8;

/// The columns that fit `width`, and the action column's width.
fn columns(width: usize) -> (Vec<Column>, usize) {
    let mut shown: Vec<Column> = Column::ORDER.to_vec();
    let room = |shown: &[Column]| {
        let fixed: usize = shown.iter().map(|c| c.width() + 1).sum();
        width.saturating_sub(GUTTER + fixed)
    };
    for drop in Column::DROP_ORDER {
        if room(&shown) >= MIN_ACTION {
            break;
        }
        shown.retain(|&c| c != drop);
    }
    // Below a few columns for the name, a list of names beats a list of budgets.
    if room(&shown) < MIN_ACTION_WITH_WORTH {
        shown.clear();
    }
    let action = room(&shown);
    (shown, action)
}

/// Fits a budget into its column ("12.5 working days" → "12.5 wd").
fn short_budget(text: &str) -> String {
    text.replace(" working days", " wd")
        .replace(" minutes", " min")
        .replace(" minute", " min")
        .replace(" seconds", " s")
        .replace(" second", " s")
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let parts = layout(area);
    let ranking = &app.ranking;
    let wide = area.width >= 60;
    draw_title(frame, parts.title, &title(app, wide));
    let mut status = status(app, wide);
    if parts.caption.height == 0 {
        status.push_str(match ranking.view {
            TimeView::Calendar => " · calendar",
            TimeView::Working(_) => " · working time",
        });
    }
    frame.render_widget(
        Paragraph::new(text::truncate(&status, usize::from(area.width))),
        parts.status,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            text::truncate(&caption(ranking), usize::from(area.width)),
            dim(),
        )),
        parts.caption,
    );
    draw_table(frame, &parts, app);
    if parts.headline.height > 0 {
        frame.render_widget(
            Paragraph::new(Span::styled("─".repeat(usize::from(area.width)), dim())),
            parts.rule,
        );
        let lines: Vec<Line<'_>> = app
            .selected_headline()
            .map(|headline| {
                text::wrap_to(
                    &headline,
                    usize::from(area.width),
                    usize::from(parts.headline.height),
                )
            })
            .unwrap_or_default()
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), parts.headline);
    }
    if app.searching {
        let query = format!("/{}█", app.filters.search);
        let keys = "  ⏎ keep  Esc clear";
        let line = Line::from(vec![
            Span::styled(text::truncate(&query, usize::from(area.width)), bold()),
            Span::styled(keys, dim()),
        ]);
        frame.render_widget(Paragraph::new(line), parts.footer);
    } else {
        draw_footer(
            frame,
            parts.footer,
            app,
            &[
                ("⏎", "detail"),
                ("x", "grid"),
                ("/", "search"),
                ("p", "period"),
                ("r", "repo"),
                ("c", "category"),
                ("i", "interactive"),
                ("?", "help"),
                ("n", "nominate"),
                ("q", "quit"),
            ],
        );
    }
}

fn title(app: &App, wide: bool) -> String {
    let r = &app.ranking;
    let (first, last) = (date_of(r.period.first_day), date_of(r.period.last_day));
    if wide {
        let n = r.actions.len();
        format!(
            " worthit · {first} to {last} · {} active days · {n} action{}",
            r.active_days,
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!(
            " worthit · {}–{} · {} days",
            first.format("%m-%d"),
            last.format("%m-%d"),
            r.active_days
        )
    }
}

/// The active filters, long or short.
fn status(app: &App, wide: bool) -> String {
    let f = &app.filters;
    let period = match f.period {
        PeriodChoice::Custom(p) if !wide => format!(
            "{}–{}",
            date_of(p.first_day).format("%m-%d"),
            date_of(p.last_day).format("%m-%d")
        ),
        _ => f.period.label(),
    };
    let repo = f.repo.as_deref().map_or("all", repo_name);
    let category = f.category.map_or("all", Category::as_str);
    let interactive = if f.include_interactive || f.category == Some(Category::Interactive) {
        "shown"
    } else {
        "hidden"
    };
    let mut parts = if wide {
        vec![
            format!("period {period}"),
            format!("repo {repo}"),
            format!("category {category}"),
            format!("interactive {interactive}"),
        ]
    } else {
        // Narrow: only the filters that narrow something.
        let mut parts = vec![period];
        parts.extend(f.repo.as_deref().map(|r| repo_name(r).to_string()));
        parts.extend(f.category.map(|c| c.as_str().to_string()));
        if interactive == "shown" {
            parts.push("+interactive".to_string());
        }
        if parts.len() == 1 && f.search.is_empty() {
            parts.push("no filters".to_string());
        }
        parts
    };
    if !f.search.is_empty() {
        parts.push(format!("/{}", f.search));
    }
    format!(" {}", parts.join(" · "))
}

fn caption(ranking: &Ranking) -> String {
    let mut text = format!(
        " worth ½: what halving the median saves over 5 years, in {}",
        ranking.view.describe()
    );
    if ranking.team_size > 1 {
        text.push_str(&format!(" · team of {}", ranking.team_size));
    }
    text
}

fn draw_table(frame: &mut Frame<'_>, parts: &ListLayout, app: &App) {
    let width = usize::from(parts.header.width);
    let (shown, action_width) = columns(width);
    let header = row_text(
        "",
        &pad_action("action", action_width),
        shown.iter().map(|&c| (c, c.heading().to_string())),
    );
    frame.render_widget(
        Paragraph::new(Span::styled(text::truncate(&header, width), bold())),
        parts.header,
    );
    let ranking = &app.ranking;
    if ranking.actions.is_empty() {
        let lines: Vec<Line<'_>> = empty_hint(app)
            .iter()
            .flat_map(|s| text::wrap(s, width.saturating_sub(2)))
            .map(|s| Line::from(format!("  {s}")))
            .collect();
        frame.render_widget(Paragraph::new(lines), parts.body);
        return;
    }
    let rows = usize::from(parts.body.height);
    let lines: Vec<Line<'_>> = ranking
        .actions
        .iter()
        .enumerate()
        .skip(app.offset)
        .take(rows)
        .map(|(i, a)| {
            let selected = i == app.selected;
            let gutter = if selected { "▸ " } else { "  " };
            let name = pad_action(&a.action, action_width);
            let text = row_text(
                gutter,
                &name,
                shown.iter().map(|&c| (c, c.value(i, a, ranking.view))),
            );
            let style = if selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default().fg(category_colour(a.category))
            };
            Line::from(Span::styled(text::truncate(&text, width), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), parts.body);
}

fn pad_action(name: &str, width: usize) -> String {
    text::pad(name, width)
}

/// One table row: the gutter, the rank (when shown), the action, then the other columns.
fn row_text(gutter: &str, action: &str, cells: impl Iterator<Item = (Column, String)>) -> String {
    let mut line = text::pad(gutter, GUTTER);
    let mut rest = String::new();
    for (column, value) in cells {
        let cell = if column.left_aligned() {
            text::pad(&value, column.width())
        } else {
            text::pad_left(&value, column.width())
        };
        if column == Column::Rank {
            line.push_str(&cell);
            line.push(' ');
        } else {
            rest.push(' ');
            rest.push_str(&cell);
        }
    }
    line.push_str(action);
    line.push_str(&rest);
    line
}

fn category_colour(category: Category) -> Color {
    match category {
        Category::Build => Color::Yellow,
        Category::Test => Color::Green,
        Category::Lint => Color::Cyan,
        Category::Deploy | Category::Container => Color::Magenta,
        Category::Deps => Color::Blue,
        _ => Color::Reset,
    }
}

/// What to say when no action matches the filters.
fn empty_hint(app: &App) -> Vec<String> {
    let f = &app.filters;
    let mut lines = vec!["No commands match these filters in this period.".to_string()];
    if !f.search.is_empty() {
        lines.push(format!(
            "Nothing is called “{}”: Esc clears the search.",
            f.search
        ));
    }
    if f.repo.is_some() || f.category.is_some() {
        lines.push("r and c step the repository and category back to all.".to_string());
    }
    if !matches!(f.period, PeriodChoice::All) {
        lines.push("p tries a longer period.".to_string());
    }
    if !f.include_interactive {
        lines.push("i also shows interactive sessions (editors, shells).".to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_in_order_and_the_action_keeps_its_room() {
        let (all, action) = columns(80);
        assert_eq!(all.len(), 7);
        assert!(action >= MIN_ACTION, "{action}");
        let (narrow, action) = columns(40);
        assert_eq!(narrow, vec![Column::PerWeek, Column::Worth]);
        assert!(action >= MIN_ACTION, "{action}");
        let (small, action) = columns(24);
        assert_eq!(small, vec![Column::Worth]);
        assert_eq!(action, 10);
        let (tiny, action) = columns(10);
        assert_eq!(tiny, vec![]);
        assert_eq!(action, 8);
    }

    #[test]
    fn layout_fits_any_height() {
        for height in 0..40 {
            let area = Rect::new(0, 0, 40, height);
            let parts = layout(area);
            let total = parts.title.height
                + parts.status.height
                + parts.caption.height
                + parts.header.height
                + parts.body.height
                + parts.rule.height
                + parts.headline.height
                + parts.footer.height;
            assert_eq!(total, height, "height {height}");
        }
        assert_eq!(layout(Rect::new(0, 0, 80, 24)).body.height, 15);
        assert_eq!(layout(Rect::new(0, 0, 40, 12)).body.height, 5);
    }
}
