//! Did a fix pay off? An action's runs before and after a date, side by side, with a
//! Mann–Whitney U test saying whether the durations really changed.
//!
//! Pure: callers pass the durations of each window (from raw events, so medians and p90s
//! here are exact) and how many active and calendar days each window had. The same
//! windows and sentences serve `worthit compare`, the TUI's "fix landed" line and the
//! weekly digest, so a fix reads the same everywhere.

use serde::Serialize;

use crate::rank::Period;
use crate::stats::{self, Direction, MannWhitney};
use crate::units;

/// Below this p-value a change is called real. 1 % rather than the usual 5 %: people
/// look at many actions, and a false "your fix worked" costs trust.
pub const SIGNIFICANCE: f64 = 0.01;

/// Days in each window unless the user says otherwise (`worthit compare --window`).
pub const DEFAULT_WINDOW_DAYS: u32 = 28;

/// The windows around a fix that landed on `fix_day`: the `window` days before it, and
/// `window` days from `after_start` on, stopping at `today`. The after window is empty
/// (last day before first) when `after_start` is after `today`.
pub fn fix_windows(fix_day: i32, after_start: i32, window: u32, today: i32) -> (Period, Period) {
    let window = window.max(1) as i32;
    (
        Period {
            first_day: fix_day - window,
            last_day: fix_day - 1,
        },
        Period {
            first_day: after_start,
            last_day: (after_start + window - 1).min(today),
        },
    )
}

/// One window's runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub runs: usize,
    pub active_days: u32,
    pub calendar_days: u32,
    pub runs_per_day: f64,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub total_s: f64,
    pub per_week_s: f64,
}

impl Side {
    /// `durations_us` in any order.
    pub fn new(durations_us: &[u64], active_days: u32, calendar_days: u32) -> Side {
        let mut sorted = durations_us.to_vec();
        sorted.sort_unstable();
        let total_s = sorted.iter().map(|&us| us as f64).sum::<f64>() / 1e6;
        let per = |value: f64, days: u32| {
            if days == 0 {
                0.0
            } else {
                value / f64::from(days)
            }
        };
        Side {
            runs: sorted.len(),
            active_days,
            calendar_days,
            runs_per_day: per(sorted.len() as f64, active_days),
            median_s: quantile(&sorted, 0.5),
            p90_s: quantile(&sorted, 0.9),
            total_s,
            per_week_s: per(total_s, calendar_days) * 7.0,
        }
    }
}

/// Nearest-rank quantile of sorted values, in seconds.
fn quantile(sorted_us: &[u64], q: f64) -> Option<f64> {
    if sorted_us.is_empty() {
        return None;
    }
    let rank = (q * sorted_us.len() as f64).ceil().max(1.0) as usize;
    Some(sorted_us[rank.min(sorted_us.len()) - 1] as f64 / 1e6)
}

/// What the data says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Too few runs on a side for the test to mean anything.
    NotEnoughData { reason: String },
    /// Runs got faster, and the difference is significant.
    Faster { p_value: f64 },
    /// Runs got slower, and the difference is significant.
    Slower { p_value: f64 },
    /// The durations may differ by chance.
    NoClearChange { p_value: f64 },
}

/// Before and after, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub before: Side,
    pub after: Side,
    /// after.per_week_s − before.per_week_s (negative: time saved).
    pub per_week_change_s: f64,
    /// after.median_s − before.median_s.
    pub median_change_s: Option<f64>,
    pub verdict: Verdict,
    #[serde(skip)]
    pub test: Option<MannWhitney>,
}

/// Compares two windows of durations (µs).
pub fn compare(before: Side, after: Side, before_us: &[u64], after_us: &[u64]) -> Comparison {
    let test = stats::mann_whitney(before_us, after_us);
    let verdict = match &test {
        None => Verdict::NotEnoughData {
            reason: format!(
                "{} runs before and {} after; the test needs at least {} on each side with some variation",
                before.runs,
                after.runs,
                stats::MIN_RUNS_PER_SIDE
            ),
        },
        Some(test) if test.p_value < SIGNIFICANCE => match test.direction {
            Direction::Faster => Verdict::Faster {
                p_value: test.p_value,
            },
            Direction::Slower => Verdict::Slower {
                p_value: test.p_value,
            },
            Direction::Unchanged => Verdict::NoClearChange {
                p_value: test.p_value,
            },
        },
        Some(test) => Verdict::NoClearChange {
            p_value: test.p_value,
        },
    };
    Comparison {
        per_week_change_s: after.per_week_s - before.per_week_s,
        median_change_s: after.median_s.zip(before.median_s).map(|(a, b)| a - b),
        before,
        after,
        verdict,
        test,
    }
}

impl Comparison {
    /// One sentence for people: "Faster: median 41 s → 22 s, saving 1 h 10 min a week
    /// (p < 0.001)." or an honest "not enough data".
    pub fn verdict_text(&self) -> String {
        let medians = match (self.before.median_s, self.after.median_s) {
            (Some(b), Some(a)) => format!("median {} → {}", units::duration(b), units::duration(a)),
            _ => "no timed runs on one side".to_string(),
        };
        let weekly = if self.per_week_change_s <= 0.0 {
            format!("saving {} a week", units::duration(-self.per_week_change_s))
        } else {
            format!(
                "costing {} more a week",
                units::duration(self.per_week_change_s)
            )
        };
        match &self.verdict {
            Verdict::NotEnoughData { reason } => format!("Not enough data yet: {reason}."),
            Verdict::Faster { p_value } => {
                format!("Faster: {medians}, {weekly} ({}).", p_text(*p_value))
            }
            Verdict::Slower { p_value } => {
                format!("Slower: {medians}, {weekly} ({}).", p_text(*p_value))
            }
            Verdict::NoClearChange { p_value } => format!(
                "No clear change: {medians}; a difference this size happens by chance ({}).",
                p_text(*p_value)
            ),
        }
    }
}

impl Comparison {
    /// What a fix did on this machine, to follow "fix landed DATE: ": "you save 20 min per
    /// week (p < 0.001)", or an honest "no clear change on your machine yet (p = 0.41)".
    pub fn payoff_text(&self) -> String {
        let medians = match (self.before.median_s, self.after.median_s) {
            (Some(b), Some(a)) => format!("median {} → {}", units::duration(b), units::duration(a)),
            _ => "no timed runs on one side".to_string(),
        };
        match &self.verdict {
            Verdict::NotEnoughData { .. } => format!(
                "not enough of your runs to tell yet ({} before, {} since)",
                self.before.runs, self.after.runs
            ),
            Verdict::Faster { p_value } if self.per_week_change_s <= 0.0 => format!(
                "you save {} per week ({})",
                units::duration(-self.per_week_change_s),
                p_text(*p_value)
            ),
            Verdict::Faster { p_value } => format!(
                "runs got faster ({medians}, {}), but you run it more: {} more per week",
                p_text(*p_value),
                units::duration(self.per_week_change_s)
            ),
            Verdict::Slower { p_value } => format!(
                "runs got slower on your machine ({medians}, {})",
                p_text(*p_value)
            ),
            Verdict::NoClearChange { p_value } => {
                format!("no clear change on your machine yet ({})", p_text(*p_value))
            }
        }
    }
}

/// "p < 0.001" or "p = 0.03".
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(centre_ms: u64, n: usize) -> Vec<u64> {
        (0..n as u64)
            .map(|i| (centre_ms + (i * 7919) % (centre_ms / 2)) * 1000)
            .collect()
    }

    #[test]
    fn exact_medians_and_weekly_time() {
        let side = Side::new(&[3_000_000, 1_000_000, 2_000_000, 10_000_000], 2, 7);
        assert_eq!(side.runs, 4);
        assert_eq!(side.median_s, Some(2.0));
        assert_eq!(side.p90_s, Some(10.0));
        assert_eq!(side.runs_per_day, 2.0);
        assert_eq!(side.total_s, 16.0);
        assert_eq!(side.per_week_s, 16.0);
        assert_eq!(Side::new(&[], 0, 0).median_s, None);
    }

    #[test]
    fn a_clear_speed_up_is_called_faster() {
        let before = spread(40_000, 60);
        let after = spread(20_000, 60);
        let c = compare(
            Side::new(&before, 10, 14),
            Side::new(&after, 10, 14),
            &before,
            &after,
        );
        assert!(
            matches!(c.verdict, Verdict::Faster { p_value } if p_value < 0.001),
            "{c:?}"
        );
        assert!(c.per_week_change_s < 0.0);
        let text = c.verdict_text();
        assert!(text.starts_with("Faster: median"), "{text}");
        assert!(text.contains("a week (p < 0.001)"), "{text}");
    }

    #[test]
    fn the_same_distribution_is_no_clear_change() {
        let before = spread(30_000, 50);
        let after: Vec<u64> = before.iter().rev().copied().collect();
        let c = compare(
            Side::new(&before, 5, 7),
            Side::new(&after, 5, 7),
            &before,
            &after,
        );
        assert!(
            matches!(c.verdict, Verdict::NoClearChange { p_value } if p_value > 0.5),
            "{c:?}"
        );
    }

    #[test]
    fn fix_windows_stop_at_today() {
        let (before, after) = fix_windows(100, 100, 28, 110);
        assert_eq!((before.first_day, before.last_day), (72, 99));
        assert_eq!((after.first_day, after.last_day), (100, 110));
        let (_, after) = fix_windows(100, 105, 7, 200);
        assert_eq!((after.first_day, after.last_day), (105, 111));
    }

    #[test]
    fn payoff_sentences() {
        let before = spread(40_000, 60);
        let after = spread(20_000, 60);
        let faster = compare(
            Side::new(&before, 10, 14),
            Side::new(&after, 10, 14),
            &before,
            &after,
        );
        let text = faster.payoff_text();
        assert!(text.starts_with("you save "), "{text}");
        assert!(text.ends_with(" per week (p < 0.001)"), "{text}");
        // Faster runs, but so many more of them that the week costs more.
        let many: Vec<u64> = after.iter().cycle().take(240).copied().collect();
        let busier = compare(
            Side::new(&before, 10, 14),
            Side::new(&many, 10, 14),
            &before,
            &many,
        );
        assert!(
            busier.payoff_text().contains("but you run it more"),
            "{}",
            busier.payoff_text()
        );
        let same: Vec<u64> = before.iter().rev().copied().collect();
        let unchanged = compare(
            Side::new(&before, 5, 7),
            Side::new(&same, 5, 7),
            &before,
            &same,
        );
        assert!(
            unchanged
                .payoff_text()
                .starts_with("no clear change on your machine yet (p = "),
            "{}",
            unchanged.payoff_text()
        );
        let few = compare(Side::new(&[1], 1, 7), Side::new(&[], 0, 7), &[1], &[]);
        assert_eq!(
            few.payoff_text(),
            "not enough of your runs to tell yet (1 before, 0 since)"
        );
    }

    #[test]
    fn few_runs_is_not_enough_data() {
        let before = [1_000_000, 2_000_000];
        let after = spread(1_000, 40);
        let c = compare(
            Side::new(&before, 1, 7),
            Side::new(&after, 5, 7),
            &before,
            &after,
        );
        assert!(matches!(c.verdict, Verdict::NotEnoughData { .. }));
        assert!(
            c.verdict_text()
                .starts_with("Not enough data yet: 2 runs before and 40 after")
        );
    }
}
