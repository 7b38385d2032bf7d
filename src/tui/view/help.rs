//! The help screen: every key, and what every number means (the definitions of
//! `crate::rank`, in the same words as docs/report.md and docs/tui.md).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cutter, bold, draw_footer, draw_title};
use crate::tui::state::App;
use crate::tui::text;

/// Keys, screen by screen.
const KEYS: &[(&str, &[(&str, &str)])] = &[
    (
        "Everywhere",
        &[
            ("?", "this help (again: close it)"),
            ("Esc q", "back; q on the list quits"),
            ("Ctrl-C", "quit"),
        ],
    ),
    (
        "Ranked list",
        &[
            ("↑↓ j k", "move; mouse wheel too"),
            ("PgUp PgDn", "a page (also Ctrl-B Ctrl-F, Space)"),
            ("Home End g G", "first, last"),
            ("Enter → l", "the selected action's detail (or click it)"),
            ("x Tab", "the XKCD grid"),
            ("/", "search action names; Enter keeps it, Esc clears it"),
            ("p P", "period: 7, 30, 90, 365 days, all"),
            ("r R", "repository: each one, then all"),
            ("c C", "category: each one, then all"),
            ("i", "include interactive sessions (editors, shells)"),
            (
                "n",
                "nominate the selected action for a fix by your team's champions (needs uploading on)",
            ),
        ],
    ),
    (
        "Detail",
        &[
            ("↑↓ j k PgUp PgDn", "scroll"),
            ("[ ]", "move the before/after split a day"),
            ("{ }", "move it a week"),
            ("n", "nominate this action"),
        ],
    ),
    (
        "Nominate (n)",
        &[
            ("type", "the note, one line of up to 280 characters"),
            ("Backspace", "delete the last character"),
            ("Enter", "show everything that would be sent"),
            ("y", "send it (the result shows in the status line)"),
            ("↑↓ PgDn", "scroll what would be sent"),
            ("any other", "cancel (Esc too): nothing is sent"),
        ],
    ),
    (
        "XKCD grid",
        &[
            ("1-9", "open the numbered action"),
            ("p r c i", "as on the list"),
        ],
    ),
];

/// What each number means.
const NUMBERS: &[(&str, &str)] = &[
    (
        "active days",
        "days in the period with at least one recorded command of any kind. Per-day rates divide by these, so weekends and holidays do not dilute them.",
    ),
    (
        "runs/d",
        "runs per active day. Runs without a recorded duration (some imported history) count as runs, not as time.",
    ),
    (
        "median, p90",
        "of the runs whose duration is known, read from the merged duration histogram (within 4.4 %). Half the runs finish within the median, nine in ten within the p90.",
    ),
    (
        "spread",
        "p90 − median: the price of unpredictability. Developers plan around the wait they expect, so a loop that is sometimes slow costs more than its median says.",
    ),
    ("total", "the exact sum of the known durations."),
    (
        "per week",
        "total time per calendar week, counted from the first active day in the period to its last day (the span).",
    ),
    ("fails", "failed runs among those with a known exit status."),
    (
        "worth ½",
        "the XKCD 1205 budget for halving the median: 5 years × runs per year × seconds saved per run. It is how long you may spend making the action faster before, over five years, you spend more time than you save. The detail shows 10 %, 50 % and 100 % of the median.",
    ),
    (
        "calendar / working time",
        "calendar time counts runs per calendar year from the span, like the comic, and reads the budget in 24-hour days. Working time (--working-time) counts runs per active day × 230 working days a year and reads the budget in 8-hour working days. The list says which one it shows.",
    ),
    (
        "team",
        "the same budget × N engineers (--team-size N, or team_size in the config): what if your team runs this loop too.",
    ),
    (
        "before / after",
        "the detail splits the period at a day you move with [ and ]: runs before it against runs from it on, with medians, p90s, runs per active day and time per week, and a Mann–Whitney U test (significant below p = 0.01). Too few runs on a side is reported as not enough data.",
    ),
    (
        "fix landed",
        "when your team's server reports a fix for an action (cached by uploads), its detail compares your own runs in the 28 days before the fix with those since, as worthit compare does: \"you save X per week\" only when the change is significant (p < 0.01).",
    ),
    (
        "nominate",
        "n sends the selected action's numbers of the last 28 days, exactly as an upload would, and your note to your team's server, asking its champions to make it faster. You see every byte first; an action worthit does not know by name is sent only as its category.",
    ),
    (
        "XKCD grid",
        "the comic's printed grid, rounded down as printed (greyed cells: --). Your top actions are placed in the nearest cell: row by the time halving the median would save, column by how often they run.",
    ),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, scroll: usize) {
    let mut cut = Cutter::new(area);
    let title = cut.top(1);
    let footer = cut.bottom(1);
    let body = cut.rest();
    draw_title(frame, title, " worthit help: keys and numbers");
    let lines: Vec<Line<'static>> = content(body.width)
        .into_iter()
        .skip(scroll)
        .take(usize::from(body.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    draw_footer(
        frame,
        footer,
        app,
        &[("j/k", "scroll"), ("PgDn", "page"), ("Esc", "back")],
    );
}

/// Every help line at `width` columns.
pub fn content(width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut lines = Vec::new();
    let key_width = if width >= 60 { 18 } else { 10 };
    lines.push(Line::from(Span::styled("Keys", bold())));
    for (screen, keys) in KEYS {
        lines.push(Line::from(Span::styled(
            text::truncate(&format!(" {screen}"), width),
            bold(),
        )));
        for (key, what) in *keys {
            let indent = 2 + key_width + 1;
            let wrapped = text::wrap(what, width.saturating_sub(indent).max(8));
            for (i, line) in wrapped.iter().enumerate() {
                let key = if i == 0 { *key } else { "" };
                let row = format!("  {} {line}", text::pad(key, key_width));
                lines.push(Line::from(text::truncate(&row, width)));
            }
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("What the numbers mean", bold())));
    for (name, meaning) in NUMBERS {
        let paragraph = format!("{name}: {meaning}");
        for (i, line) in text::wrap(&paragraph, width.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { " " } else { "  " };
            lines.push(Line::from(text::truncate(
                &format!("{indent}{line}"),
                width,
            )));
        }
    }
    lines
}
