//! Sentences and labels that explain the figures, shared by the report and the TUI so
//! both say the same thing the same way.

use crate::rank::{ActionStats, Ranking, TimeView};
use crate::units;

/// The product's sentence: what the biggest sink costs and what fixing it is worth.
pub fn headline(a: &ActionStats, ranking: &Ranking) -> String {
    let mut text = format!("`{}`: {} runs/day", a.action, units::rate(a.runs_per_day));
    if let (Some(median), Some(p90)) = (a.median_s, a.p90_s) {
        text.push_str(&format!(
            ", median {}, p90 {}",
            units::duration(median),
            units::duration(p90)
        ));
    }
    if let Some(fail) = a.fail_rate.filter(|&f| f > 0.0) {
        text.push_str(&format!(", fails {} of the time", units::percent(fail)));
    }
    text.push_str(&format!(
        ", costs you {} a week.",
        units::duration(a.per_week_s)
    ));
    if let (Some(median), Some(worth)) = (a.median_s, a.worth_5y_s) {
        text.push_str(&format!(
            " Shaving {} off it is worth up to {} of work over five years for you alone",
            units::duration(median / 2.0),
            budget_text(worth.half, ranking.view)
        ));
        match a.team_worth_5y_s.filter(|_| ranking.team_size > 1) {
            Some(team) => text.push_str(&format!(
                ", or {} across your {}-person team.",
                budget_text(team.half, ranking.view),
                ranking.team_size
            )),
            None => text.push('.'),
        }
    }
    text
}

/// A budget in the view's unit: calendar spans, or working days.
pub fn budget_text(seconds: f64, view: TimeView) -> String {
    match view {
        TimeView::Calendar => units::span(seconds),
        TimeView::Working(working) => units::working_days(working.working_days(seconds)),
    }
}
