//! One action's detail: its headline, figures and XKCD budgets, a before/after comparison
//! around a movable split day, the duration histogram, the daily trend, and the breakdowns
//! by repository and exit status, and its slowest runs.
//!
//! The body is plain lines fitted to the width and scrolled as one text, so it reads the
//! same at 120 columns and at 40, and [`content`] tells the state how long it is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cutter, bold, dim, draw_footer, draw_title, fitted_duration};
use crate::compare::Side;
use crate::explain::budget_text;
use crate::histogram::Bucket;
use crate::rank::{Ranking, SHAVES};
use crate::rollup::Tally;
use crate::tui::date_of;
use crate::tui::state::{App, Detail, Windows, repo_name};
use crate::tui::text;
use crate::units;

/// Most lines the duration histogram takes; buckets are merged to fit.
const HISTOGRAM_LINES: usize = 12;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, detail: &Detail) {
    let mut cut = Cutter::new(area);
    let title_area = cut.top(1);
    let footer = cut.bottom(1);
    let body = cut.rest();
    let (first, last) = (
        date_of(detail.period.first_day),
        date_of(detail.period.last_day),
    );
    let dates = if area.width >= 60 {
        format!("{first} to {last}")
    } else {
        format!("{}–{}", first.format("%m-%d"), last.format("%m-%d"))
    };
    let mut title = format!(
        " {} · {} · {dates}",
        detail.stats.action,
        detail.stats.category.as_str()
    );
    if let Some(repo) = &detail.repo {
        title.push_str(&format!(" · repo {}", repo_name(repo)));
    }
    draw_title(frame, title_area, &title);
    let lines: Vec<Line<'static>> = content(detail, &app.ranking, body.width)
        .into_iter()
        .skip(detail.scroll)
        .take(usize::from(body.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    draw_footer(
        frame,
        footer,
        app,
        &[
            ("j/k", "scroll"),
            ("[ ]", "split day"),
            ("{ }", "split week"),
            ("n", "nominate"),
            ("Esc", "back"),
            ("?", "help"),
        ],
    );
}

/// Every body line at `width` columns.
pub fn content(detail: &Detail, ranking: &Ranking, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut out = Lines {
        lines: Vec::new(),
        width,
    };
    for line in text::wrap(&detail.headline, width) {
        out.plain(line);
    }
    fix_landed(&mut out, detail);
    figures(&mut out, detail);
    budgets(&mut out, detail, ranking);
    before_after(&mut out, detail);
    histogram(&mut out, detail);
    trend(&mut out, detail);
    by_repo(&mut out, detail);
    by_exit(&mut out, detail);
    slowest(&mut out, detail);
    out.lines
}

/// Lines being built, all fitted to `width`.
struct Lines {
    lines: Vec<Line<'static>>,
    width: usize,
}

impl Lines {
    fn plain(&mut self, text: impl AsRef<str>) {
        self.lines
            .push(Line::from(text::truncate(text.as_ref(), self.width)));
    }

    fn styled(&mut self, text: impl AsRef<str>, style: Style) {
        self.lines.push(Line::from(Span::styled(
            text::truncate(text.as_ref(), self.width),
            style,
        )));
    }

    fn section(&mut self, title: impl AsRef<str>) {
        self.lines.push(Line::default());
        self.styled(title, bold());
    }

    fn wrapped(&mut self, text: &str, indent: usize) {
        self.wrapped_styled(text, indent, Style::default());
    }

    fn wrapped_styled(&mut self, text: &str, indent: usize, style: Style) {
        let pad = " ".repeat(indent);
        for line in text::wrap(text, self.width.saturating_sub(indent)) {
            self.styled(format!("{pad}{line}"), style);
        }
    }

    /// Label/value pairs, two to a line when the width allows.
    fn pairs(&mut self, pairs: &[(&str, String)]) {
        const LABEL: usize = 10;
        let cell = LABEL + 1 + 22;
        if self.width >= 2 + 2 * cell + 2 {
            for chunk in pairs.chunks(2) {
                let mut line = String::from("  ");
                for (i, (label, value)) in chunk.iter().enumerate() {
                    if i > 0 {
                        line.push_str("  ");
                    }
                    line.push_str(&text::pad(label, LABEL));
                    line.push(' ');
                    line.push_str(&text::pad(value, 22));
                }
                self.plain(line.trim_end());
            }
        } else {
            for (label, value) in pairs {
                self.plain(format!("  {} {value}", text::pad(label, LABEL)));
            }
        }
    }
}

fn or_dash(value: Option<f64>, format: fn(f64) -> String) -> String {
    value.map_or("–".to_string(), format)
}

/// "Fix landed DATE: you save X per week (p …)": the user's own runs around a fix the
/// team server reported, as `worthit compare` would judge them.
fn fix_landed(out: &mut Lines, detail: &Detail) {
    let Some(fix) = &detail.fix else {
        return;
    };
    let (sentence, style) = match &fix.comparison {
        Ok(comparison) => (
            format!(
                "Fix landed {}: {}.",
                date_of(fix.fixed_on),
                comparison.payoff_text()
            ),
            Style::default().fg(Color::Green),
        ),
        Err(err) => (
            format!(
                "Fix landed {}; could not compare your runs: {err}",
                date_of(fix.fixed_on)
            ),
            Style::default().fg(Color::Red),
        ),
    };
    out.wrapped_styled(&sentence, 0, style);
}

fn figures(out: &mut Lines, detail: &Detail) {
    let a = &detail.stats;
    out.section("Figures");
    let runs = if a.timed_runs == a.runs {
        a.runs.to_string()
    } else {
        format!("{} ({} timed)", a.runs, a.timed_runs)
    };
    let fails = match a.fail_rate {
        Some(rate) => format!("{} of {} known", units::percent(rate), a.exits_known),
        None => "– (no exit codes)".to_string(),
    };
    out.pairs(&[
        ("runs", runs),
        ("days used", a.days_used.to_string()),
        ("runs/day", units::rate(a.runs_per_day)),
        ("per week", units::duration(a.per_week_s)),
        ("median", or_dash(a.median_s, units::duration)),
        ("p90", or_dash(a.p90_s, units::duration)),
        ("spread", or_dash(a.spread_s, units::duration)),
        ("fails", fails),
        ("total", units::duration(a.total_s)),
        ("per day", units::duration(a.per_day_s)),
    ]);
}

fn budgets(out: &mut Lines, detail: &Detail, ranking: &Ranking) {
    let a = &detail.stats;
    out.section("Worth over five years (XKCD 1205)");
    out.wrapped_styled(&format!("in {}", ranking.view.describe()), 2, dim());
    let (Some(median), Some(worth)) = (a.median_s, a.worth_5y_s) else {
        out.plain("  – no timed runs, so nothing to shave");
        return;
    };
    let values = [worth.tenth, worth.half, worth.all];
    let wide = out.width >= 48;
    for ((label, share), value) in SHAVES.iter().zip(values) {
        let saved = units::duration(median * share);
        let budget = budget_text(value, ranking.view);
        out.plain(if wide {
            format!("  shave {label:<4} ({saved:>9} a run)  {budget}")
        } else {
            format!("  shave {label} ({saved}): {budget}")
        });
    }
    match a.team_worth_5y_s.filter(|_| ranking.team_size > 1) {
        Some(team) => out.plain(format!(
            "  team of {}, shave 50%{}{}",
            ranking.team_size,
            if wide { "      " } else { ": " },
            budget_text(team.half, ranking.view)
        )),
        None => out.wrapped_styled(
            "team: --team-size N (or team_size in the config) adds a team budget",
            2,
            dim(),
        ),
    }
}

fn before_after(out: &mut Lines, detail: &Detail) {
    let Some(split) = detail.split_day else {
        out.section("Before / after");
        out.plain("  The period is one day: nothing to split.");
        return;
    };
    out.section(format!("Before / after {}", date_of(split)));
    out.styled("  [ ] move the split a day, { } a week", dim());
    match &detail.comparison {
        None => {}
        Some(Err(err)) => out.styled(
            format!("  could not compare: {err}"),
            Style::default().fg(Color::Red),
        ),
        Some(Ok(windows)) => comparison(out, windows),
    }
}

fn comparison(out: &mut Lines, windows: &Windows) {
    let c = &windows.comparison;
    let wide = out.width >= 68;
    let header = if wide {
        "          days   runs  runs/day      median         p90    per week"
    } else {
        "           runs   median   per week"
    };
    out.styled(header, bold());
    for (label, side, period) in [
        ("before", &c.before, windows.before),
        ("after", &c.after, windows.after),
    ] {
        out.plain(side_row(label, side, period.days(), wide));
    }
    out.wrapped(&c.verdict_text(), 2);
}

fn side_row(label: &str, side: &Side, days: u32, wide: bool) -> String {
    let median = or_dash(side.median_s, units::duration);
    if wide {
        format!(
            "  {:<6} {:>5} {:>6} {:>9} {:>11} {:>11} {:>11}",
            label,
            days,
            side.runs,
            units::rate(side.runs_per_day),
            median,
            or_dash(side.p90_s, units::duration),
            units::duration(side.per_week_s)
        )
    } else {
        format!(
            "  {:<6} {:>6} {:>8} {:>10}",
            label,
            side.runs,
            median,
            units::duration(side.per_week_s)
        )
    }
}

fn histogram(out: &mut Lines, detail: &Detail) {
    let a = &detail.stats;
    out.section("Durations");
    let buckets: Vec<Bucket> = a.durations.buckets().collect();
    if buckets.is_empty() {
        out.plain("  – no timed runs");
        return;
    }
    // Merge neighbouring buckets (a power of two at a time, so groups stay geometric).
    let mut group = 1;
    while buckets.len().div_ceil(group) > HISTOGRAM_LINES {
        group *= 2;
    }
    let groups: Vec<(f64, f64, u64)> = buckets
        .chunks(group)
        .map(|chunk| {
            let lower = chunk.first().map_or(0.0, |b| b.lower_ms);
            let upper = chunk.last().map_or(0.0, |b| b.upper_ms);
            (lower, upper, chunk.iter().map(|b| b.count).sum())
        })
        .collect();
    let most = groups.iter().map(|g| g.2).max().unwrap_or(1).max(1);
    let count_width = most.to_string().len();
    const LABEL: usize = 12;
    let bar_room = out
        .width
        .saturating_sub(2 + LABEL + 1 + 1 + count_width + 10)
        .max(1);
    let marks = |lower: f64, upper: f64| {
        let inside = |s: Option<f64>| s.is_some_and(|s| s * 1000.0 > lower && s * 1000.0 <= upper);
        match (inside(a.median_s), inside(a.p90_s)) {
            (true, true) => " ◂ median, p90",
            (true, false) => " ◂ median",
            (false, true) => " ◂ p90",
            _ => "",
        }
    };
    for (lower, upper, count) in groups {
        let label = if lower == 0.0 {
            "< 1 ms".to_string()
        } else {
            format!("≤ {}", units::duration(upper / 1000.0))
        };
        let bar_len = ((count as f64 / most as f64) * bar_room as f64).ceil() as usize;
        let bar = "█".repeat(if count > 0 { bar_len.max(1) } else { 0 });
        out.plain(format!(
            "  {} {} {}{}",
            text::pad_left(&label, LABEL),
            text::pad(&bar, bar_room),
            text::pad_left(&count.to_string(), count_width),
            marks(lower, upper)
        ));
    }
}

/// Block characters for a sparkline, from a sliver to full height.
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn spark_line(values: &[f64]) -> String {
    let most = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || most <= 0.0 {
                ' '
            } else {
                let level = ((v / most) * (SPARKS.len() - 1) as f64).round() as usize;
                SPARKS[level.min(SPARKS.len() - 1)]
            }
        })
        .collect()
}

fn trend(out: &mut Lines, detail: &Detail) {
    out.section("Daily trend");
    const LABEL: usize = 7;
    let room = out.width.saturating_sub(2 + LABEL + 1).max(1);
    let days = detail.daily.len().max(1);
    let per_column = days.div_ceil(room);
    let columns: Vec<(f64, f64)> = detail
        .daily
        .chunks(per_column)
        .map(|chunk: &[Tally]| {
            (
                chunk.iter().map(|t| t.runs as f64).sum(),
                chunk.iter().map(|t| t.durations.sum_us() as f64).sum(),
            )
        })
        .collect();
    let runs: Vec<f64> = columns.iter().map(|c| c.0).collect();
    let time: Vec<f64> = columns.iter().map(|c| c.1).collect();
    let unit = if per_column == 1 {
        "one column a day".to_string()
    } else {
        format!("one column per {per_column} days")
    };
    out.styled(format!("  {unit}, tallest = busiest"), dim());
    out.plain(format!(
        "  {} {}",
        text::pad("runs", LABEL),
        spark_line(&runs)
    ));
    out.plain(format!(
        "  {} {}",
        text::pad("time", LABEL),
        spark_line(&time)
    ));
    let first = date_of(detail.period.first_day).to_string();
    let last = date_of(detail.period.last_day).to_string();
    let span = columns.len();
    let gap = span.saturating_sub(first.len() + last.len());
    if gap >= 1 {
        out.styled(
            format!("  {} {first}{}{last}", " ".repeat(LABEL), " ".repeat(gap)),
            dim(),
        );
    } else {
        out.styled(format!("  {first} to {last}"), dim());
    }
    let busiest = detail.daily.iter().map(|t| t.runs).max().unwrap_or(0);
    let longest = detail
        .daily
        .iter()
        .map(|t| t.durations.sum_us())
        .max()
        .unwrap_or(0);
    out.wrapped_styled(
        &format!(
            "busiest day {busiest} runs; most time in a day {}",
            units::duration(longest as f64 / 1e6)
        ),
        2,
        dim(),
    );
}

fn by_repo(out: &mut Lines, detail: &Detail) {
    out.section("By repository");
    if detail.by_repo.is_empty() {
        out.plain("  –");
        return;
    }
    let wide = out.width >= 60;
    let name_width = out.width.saturating_sub(2 + 10 + 11 + 12).clamp(8, 30);
    for (repo, tally) in &detail.by_repo {
        let name = repo.as_deref().map_or("(none)", repo_name);
        let time = units::duration(tally.durations.sum_us() as f64 / 1e6);
        let runs = format!("{} runs", tally.runs);
        out.plain(if wide {
            format!(
                "  {} {runs:>9} {time:>10} {:>11}",
                text::pad(name, name_width),
                fail_text(tally)
            )
        } else {
            format!("  {name}: {runs}, {time}, {}", fail_text(tally))
        });
    }
}

fn fail_text(tally: &Tally) -> String {
    if tally.exits_known == 0 {
        "fails –".to_string()
    } else {
        format!(
            "fails {}",
            units::percent(tally.failures as f64 / tally.exits_known as f64)
        )
    }
}

fn by_exit(out: &mut Lines, detail: &Detail) {
    let a = &detail.stats;
    out.section("By exit status");
    let ok = a.exits_known.saturating_sub(a.failures);
    let unknown = a.runs.saturating_sub(a.exits_known);
    let share = |n: u64| {
        if a.runs == 0 {
            "–".to_string()
        } else {
            units::percent(n as f64 / a.runs as f64)
        }
    };
    for (label, n) in [("ok", ok), ("failed", a.failures), ("unknown", unknown)] {
        out.plain(format!("  {:<8} {:>7} {:>5}", label, n, share(n)));
    }
}

fn slowest(out: &mut Lines, detail: &Detail) {
    out.section("Slowest runs");
    let runs = match &detail.slowest {
        Err(err) => {
            out.styled(
                format!("  could not read them: {err}"),
                Style::default().fg(Color::Red),
            );
            return;
        }
        Ok(runs) if runs.is_empty() => {
            out.plain("  – no timed runs");
            return;
        }
        Ok(runs) => runs,
    };
    let wide = out.width >= 70;
    for run in runs {
        let exit = match run.exit {
            Some(0) => "ok".to_string(),
            Some(code) => format!("exit {code}"),
            None => "?".to_string(),
        };
        let when = if wide {
            run.when.format("%Y-%m-%d %H:%M").to_string()
        } else {
            run.when.format("%m-%d %H:%M").to_string()
        };
        let repo = run.repo.as_deref().map_or("", repo_name);
        let command = run.command.replace('\n', "⏎");
        let line = if wide {
            format!(
                "  {when} {:>10} {:>8}  {} {command}",
                units::duration(run.duration_s),
                exit,
                text::pad(repo, 12)
            )
        } else {
            format!(
                "  {when} {:>6} {:>8} {command}",
                fitted_duration(run.duration_s, 6),
                exit
            )
        };
        out.plain(line);
    }
}
