//! XKCD 1205 "Is It Worth the Time?" maths: how long you may spend making a routine task
//! faster before, over five years, you spend more time than you save.
//!
//! Pure numbers, no I/O. Budgets are kept as exact seconds; [`comic_label`] and
//! [`comic_grid`] only reproduce how the comic *prints* them (rounded down to one unit), so
//! worthit's own figures never inherit the comic's rounding. Two views exist and callers must
//! say which one they show: calendar time like the comic ([`budget_seconds`]) and working
//! time ([`working_budget_seconds`], [`WorkingTime`]).

use std::fmt;

/// The comic's horizon: the savings of five years of runs.
pub const YEARS: f64 = 5.0;

/// A calendar year in days, as the comic counts runs per year (leap years included).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The comic's "50/day" column in runs per year.
pub const RUNS_50_PER_DAY: f64 = 50.0 * DAYS_PER_YEAR;
/// The comic's "5/day" column in runs per year.
pub const RUNS_5_PER_DAY: f64 = 5.0 * DAYS_PER_YEAR;
/// The comic's "Daily" column in runs per year.
pub const RUNS_DAILY: f64 = DAYS_PER_YEAR;
/// The comic's "Weekly" column in runs per year (52, not 365.25 / 7, as the comic prints).
pub const RUNS_WEEKLY: f64 = 52.0;
/// The comic's "Monthly" column in runs per year.
pub const RUNS_MONTHLY: f64 = 12.0;
/// The comic's "Yearly" column in runs per year.
pub const RUNS_YEARLY: f64 = 1.0;

/// The comic's columns, left to right: heading and runs per year.
pub const COMIC_FREQUENCIES: [(&str, f64); 6] = [
    ("50/day", RUNS_50_PER_DAY),
    ("5/day", RUNS_5_PER_DAY),
    ("Daily", RUNS_DAILY),
    ("Weekly", RUNS_WEEKLY),
    ("Monthly", RUNS_MONTHLY),
    ("Yearly", RUNS_YEARLY),
];

/// The comic's rows, top to bottom: heading and seconds shaved off each run.
pub const COMIC_SHAVES: [(&str, f64); 9] = [
    ("1 second", 1.0),
    ("5 seconds", 5.0),
    ("30 seconds", 30.0),
    ("1 minute", 60.0),
    ("5 minutes", 300.0),
    ("30 minutes", 1_800.0),
    ("1 hour", 3_600.0),
    ("6 hours", 21_600.0),
    ("1 day", 86_400.0),
];

/// How many leading (most frequent) columns of each row the comic greys out. The greying is
/// editorial rather than arithmetic: some greyed cells are physically impossible (30 min ×
/// 50/day exceeds a day), others are merely unlikely (1 day weekly), while 1 h × 5/day stays
/// white although it takes a larger share of the day than 1 day weekly. So it is a table.
pub const COMIC_GREYED_LEADING_COLUMNS: [usize; 9] = [0, 0, 0, 0, 0, 1, 1, 3, 4];

/// A cell the comic evidently filled by scaling a neighbouring cell's *printed* (already
/// rounded-down) value, then rounding down again, instead of rounding its own exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainedCell {
    /// Row of the chained cell in [`COMIC_SHAVES`].
    pub row: usize,
    /// Column of the chained cell in [`COMIC_FREQUENCIES`].
    pub column: usize,
    /// Row of the cell its printed value was scaled from.
    pub from_row: usize,
    /// Column of the cell its printed value was scaled from.
    pub from_column: usize,
}

/// The four cells that sit below a plain floor of their exact value. Each is exactly the
/// printed value of a neighbour scaled by the exact ratio between the two cells, floored:
///
/// - 30 s daily (exact 15.2 h) = 6 × "2 hours" (5 s daily) = "12 hours";
/// - 1 min × 50/day (exact 9.06 weeks) = 2 × "4 weeks" (30 s × 50/day) = "8 weeks";
/// - 5 min × 50/day (exact 10.4 months) = 5 × "8 weeks" (1 min × 50/day) = 40 weeks = "9 months";
/// - 1 h × 5/day (exact 12.5 months) = 5 × "2 months" (1 h daily) = "10 months".
///
/// Chaining floors twice, so these cells still never overstate.
pub const COMIC_CHAINED_CELLS: [ChainedCell; 4] = [
    ChainedCell {
        row: 2,
        column: 2,
        from_row: 1,
        from_column: 2,
    },
    ChainedCell {
        row: 3,
        column: 0,
        from_row: 2,
        from_column: 0,
    },
    ChainedCell {
        row: 4,
        column: 0,
        from_row: 3,
        from_column: 0,
    },
    ChainedCell {
        row: 6,
        column: 1,
        from_row: 6,
        from_column: 2,
    },
];

/// The XKCD 1205 budget in calendar seconds: five years of runs, each shorter by
/// `seconds_saved_per_run`. Exact; no rounding.
pub fn budget_seconds(seconds_saved_per_run: f64, runs_per_year: f64) -> f64 {
    YEARS * runs_per_year * seconds_saved_per_run
}

/// What a working year looks like, for the working-time view of the budget.
///
/// The comic counts every calendar day and quotes its budgets as calendar time. A developer's
/// loops mostly run on working days, and the time to fix them comes out of working hours, so
/// this view counts runs on `days_per_year` days only and measures the budget in working days
/// of `hours_per_day`. The defaults (230 days of 8 hours) are a full-time year after weekends,
/// public holidays and leave; both are fields so a config can change them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkingTime {
    /// Working days per year on which the task runs.
    pub days_per_year: f64,
    /// Working hours in one working day.
    pub hours_per_day: f64,
}

impl Default for WorkingTime {
    fn default() -> Self {
        Self {
            days_per_year: 230.0,
            hours_per_day: 8.0,
        }
    }
}

impl WorkingTime {
    /// Runs per year when the task runs `runs_per_working_day` times on each working day.
    pub fn runs_per_year(&self, runs_per_working_day: f64) -> f64 {
        runs_per_working_day * self.days_per_year
    }

    /// Length of one working day in seconds.
    pub fn day_seconds(&self) -> f64 {
        self.hours_per_day * 3_600.0
    }

    /// `seconds` expressed in working days (8 h by default), not 24 h calendar days.
    pub fn working_days(&self, seconds: f64) -> f64 {
        seconds / self.day_seconds()
    }

    /// A caption that says which view a figure comes from, for reports and the TUI.
    pub fn describe(&self) -> String {
        format!(
            "working time ({} days/year, {} h/day)",
            self.days_per_year, self.hours_per_day
        )
    }
}

/// A caption for budgets from [`budget_seconds`], matching [`WorkingTime::describe`].
pub const CALENDAR_VIEW: &str = "calendar time (365.25 days/year, 24 h/day)";

/// The working-time budget in seconds: five years of working days, `runs_per_working_day`
/// runs on each, each shorter by `seconds_saved_per_run`. A different view from
/// [`budget_seconds`]: fewer runs per year, and best read through
/// [`WorkingTime::working_days`] rather than calendar units.
pub fn working_budget_seconds(
    seconds_saved_per_run: f64,
    runs_per_working_day: f64,
    working: &WorkingTime,
) -> f64 {
    budget_seconds(
        seconds_saved_per_run,
        working.runs_per_year(runs_per_working_day),
    )
}

/// The units the comic prints, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ComicUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl ComicUnit {
    /// Largest first, the order in which [`ComicLabel::floor`] tries them.
    const LARGEST_FIRST: [ComicUnit; 7] = [
        ComicUnit::Year,
        ComicUnit::Month,
        ComicUnit::Week,
        ComicUnit::Day,
        ComicUnit::Hour,
        ComicUnit::Minute,
        ComicUnit::Second,
    ];

    /// Length in calendar seconds; a month is a twelfth of a 365.25-day year. All are whole
    /// numbers, so multiples are exact in `f64`.
    pub fn seconds(self) -> f64 {
        match self {
            ComicUnit::Second => 1.0,
            ComicUnit::Minute => 60.0,
            ComicUnit::Hour => 3_600.0,
            ComicUnit::Day => 86_400.0,
            ComicUnit::Week => 604_800.0,
            ComicUnit::Month => 2_629_800.0,
            ComicUnit::Year => 31_557_600.0,
        }
    }

    /// How many of this unit a value must reach before the comic uses it. The comic writes
    /// "1 minute", "1 hour" and "1 day", but "10 days" rather than "1 week" and "4 weeks" or
    /// "8 weeks" rather than "1 month": the coarse calendar units only appear from two of them.
    /// No printed cell reaches a year; years follow weeks and months.
    fn least_count(self) -> f64 {
        match self {
            ComicUnit::Second => 0.0,
            ComicUnit::Minute | ComicUnit::Hour | ComicUnit::Day => 1.0,
            ComicUnit::Week | ComicUnit::Month | ComicUnit::Year => 2.0,
        }
    }

    /// The word as printed after `count`.
    pub fn word(self, count: u64) -> &'static str {
        let (one, many) = match self {
            ComicUnit::Second => ("second", "seconds"),
            ComicUnit::Minute => ("minute", "minutes"),
            ComicUnit::Hour => ("hour", "hours"),
            ComicUnit::Day => ("day", "days"),
            ComicUnit::Week => ("week", "weeks"),
            ComicUnit::Month => ("month", "months"),
            ComicUnit::Year => ("year", "years"),
        };
        if count == 1 { one } else { many }
    }
}

/// A duration as the comic prints it: a whole number of one unit, rounded down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComicLabel {
    pub count: u64,
    pub unit: ComicUnit,
}

impl ComicLabel {
    /// The comic's rendering of `seconds`: the largest unit the value reaches (one minute,
    /// hour or day; two weeks, months or years), counted rounded down. Negative and NaN
    /// inputs read as "0 seconds", since a budget cannot be below nothing.
    pub fn floor(seconds: f64) -> Self {
        let seconds = if seconds >= 0.0 { seconds } else { 0.0 };
        let unit = ComicUnit::LARGEST_FIRST
            .into_iter()
            .find(|unit| seconds >= unit.least_count() * unit.seconds())
            .unwrap_or(ComicUnit::Second);
        let mut count = (seconds / unit.seconds()).floor();
        // The division can round up to the next whole number just below it; step back so
        // the label never claims more than the exact value.
        if count * unit.seconds() > seconds {
            count -= 1.0;
        }
        // `as` saturates, which only matters for budgets beyond 10^11 years.
        Self {
            count: count as u64,
            unit,
        }
    }

    /// The labelled duration in seconds (never more than the value it was made from).
    pub fn seconds(&self) -> f64 {
        self.count as f64 * self.unit.seconds()
    }
}

impl fmt::Display for ComicLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.count, self.unit.word(self.count))
    }
}

/// `seconds` as the comic would print it, e.g. "1 day" for 25.4 hours. See [`ComicLabel::floor`].
pub fn comic_label(seconds: f64) -> String {
    ComicLabel::floor(seconds).to_string()
}

/// The comic's printed grid: rows [`COMIC_SHAVES`], columns [`COMIC_FREQUENCIES`], `None` for
/// greyed cells. Each cell is [`comic_label`] of its exact budget, except the
/// [`COMIC_CHAINED_CELLS`], which are rebuilt the way the comic derived them.
pub fn comic_grid() -> [[Option<String>; 6]; 9] {
    std::array::from_fn(|row| {
        std::array::from_fn(|column| {
            (column >= COMIC_GREYED_LEADING_COLUMNS[row])
                .then(|| printed_cell(row, column).to_string())
        })
    })
}

/// The comic cell nearest to a task that runs `runs_per_year` times and could be made
/// `seconds_saved_per_run` faster: row and column, each the closest on a log scale (the
/// comic's axes are roughly geometric). `None` for a task that never runs or saves nothing.
pub fn comic_cell(runs_per_year: f64, seconds_saved_per_run: f64) -> Option<(usize, usize)> {
    if !(runs_per_year > 0.0 && seconds_saved_per_run > 0.0) {
        return None;
    }
    let nearest = |value: f64, axis: &mut dyn Iterator<Item = f64>| {
        axis.enumerate()
            .map(|(i, at)| (i, (value.ln() - at.ln()).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    let row = nearest(seconds_saved_per_run, &mut COMIC_SHAVES.iter().map(|s| s.1))?;
    let column = nearest(runs_per_year, &mut COMIC_FREQUENCIES.iter().map(|f| f.1))?;
    Some((row, column))
}

fn exact_cell(row: usize, column: usize) -> f64 {
    budget_seconds(COMIC_SHAVES[row].1, COMIC_FREQUENCIES[column].1)
}

fn printed_cell(row: usize, column: usize) -> ComicLabel {
    let chain = COMIC_CHAINED_CELLS
        .iter()
        .find(|cell| cell.row == row && cell.column == column);
    match chain {
        Some(cell) => {
            let source = printed_cell(cell.from_row, cell.from_column).seconds();
            let ratio = exact_cell(row, column) / exact_cell(cell.from_row, cell.from_column);
            ComicLabel::floor(source * ratio)
        }
        None => ComicLabel::floor(exact_cell(row, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tasks_land_in_the_nearest_comic_cell() {
        // 38 runs a day of a 41 s test: 30 seconds × 50/day.
        assert_eq!(comic_cell(38.0 * DAYS_PER_YEAR, 41.0), Some((2, 0)));
        // Twice a day, 4 s: 5 seconds × daily (2/day is nearer 1/day than 5/day on a log scale).
        assert_eq!(comic_cell(2.0 * DAYS_PER_YEAR, 4.0), Some((1, 2)));
        assert_eq!(comic_cell(RUNS_WEEKLY, 86_400.0 * 3.0), Some((8, 3)));
        assert_eq!(comic_cell(0.0, 5.0), None);
        assert_eq!(comic_cell(10.0, 0.0), None);
        assert_eq!(comic_cell(f64::NAN, 1.0), None);
    }

    /// The table from the reference notes on xkcd.com/1205, copied verbatim.
    const PRINTED_GRID: &str = "\
| shave \\ how often | 50/day   | 5/day     | Daily      | Weekly     | Monthly    | Yearly     |
|-------------------|----------|-----------|------------|------------|------------|------------|
| 1 second          | 1 day    | 2 hours   | 30 minutes | 4 minutes  | 1 minute   | 5 seconds  |
| 5 seconds         | 5 days   | 12 hours  | 2 hours    | 21 minutes | 5 minutes  | 25 seconds |
| 30 seconds        | 4 weeks  | 3 days    | 12 hours   | 2 hours    | 30 minutes | 2 minutes  |
| 1 minute          | 8 weeks  | 6 days    | 1 day      | 4 hours    | 1 hour     | 5 minutes  |
| 5 minutes         | 9 months | 4 weeks   | 6 days     | 21 hours   | 5 hours    | 25 minutes |
| 30 minutes        | --       | 6 months  | 5 weeks    | 5 days     | 1 day      | 2 hours    |
| 1 hour            | --       | 10 months | 2 months   | 10 days    | 2 days     | 5 hours    |
| 6 hours           | --       | --        | --         | 2 months   | 2 weeks    | 1 day      |
| 1 day             | --       | --        | --         | --         | 8 weeks    | 5 days     |
";

    fn table_cells(line: &str) -> Vec<&str> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect()
    }

    #[test]
    fn comic_grid_reproduces_the_printed_grid_cell_by_cell() {
        let mut lines = PRINTED_GRID.lines();
        let header = table_cells(lines.next().expect("header line"));
        let headings: Vec<&str> = COMIC_FREQUENCIES.iter().map(|(name, _)| *name).collect();
        assert_eq!(header[1..], headings[..]);
        lines.next().expect("separator line");
        let grid = comic_grid();
        let mut rows = 0;
        for (row, line) in lines.enumerate() {
            let cells = table_cells(line);
            assert_eq!(cells[0], COMIC_SHAVES[row].0, "row heading {row}");
            for (column, printed) in cells[1..].iter().enumerate() {
                let expected = (*printed != "--").then(|| printed.to_string());
                assert_eq!(
                    grid[row][column], expected,
                    "cell {} × {}",
                    COMIC_SHAVES[row].0, COMIC_FREQUENCIES[column].0
                );
            }
            rows += 1;
        }
        assert_eq!(rows, 9);
    }

    #[test]
    fn only_the_chained_cells_differ_from_a_plain_floor() {
        for (row, (_, shave)) in COMIC_SHAVES.iter().enumerate() {
            for (column, (_, runs)) in COMIC_FREQUENCIES.iter().enumerate() {
                let plain = comic_label(budget_seconds(*shave, *runs));
                let printed = printed_cell(row, column).to_string();
                let chained = COMIC_CHAINED_CELLS
                    .iter()
                    .any(|cell| cell.row == row && cell.column == column);
                assert_eq!(plain != printed, chained, "cell {row},{column}");
                assert!(printed_cell(row, column).seconds() <= exact_cell(row, column));
            }
        }
    }

    #[test]
    fn the_four_odd_cells_have_the_exact_values_the_reference_quotes() {
        let hours = exact_cell(2, 2) / 3_600.0;
        assert!((hours - 15.22).abs() < 0.01, "{hours}");
        let weeks = exact_cell(3, 0) / 604_800.0;
        assert!((weeks - 9.06).abs() < 0.01, "{weeks}");
        let months = exact_cell(4, 0) / 2_629_800.0;
        assert!((months - 10.42).abs() < 0.01, "{months}");
        let months = exact_cell(6, 1) / 2_629_800.0;
        assert_eq!(months, 12.5);
    }

    #[test]
    fn one_second_fifty_times_a_day_is_25_36_hours() {
        let budget = budget_seconds(1.0, RUNS_50_PER_DAY);
        assert_eq!(budget, 91_312.5);
        assert!((budget / 3_600.0 - 25.36).abs() < 0.01);
        assert_eq!(comic_label(budget), "1 day");
    }

    #[test]
    fn frequencies_match_the_reference_runs_per_year() {
        assert_eq!(RUNS_50_PER_DAY, 18_262.5);
        assert_eq!(RUNS_5_PER_DAY, 1_826.25);
        assert_eq!(RUNS_DAILY, 365.25);
        assert_eq!(RUNS_WEEKLY, 52.0);
        assert_eq!(RUNS_MONTHLY, 12.0);
        assert_eq!(RUNS_YEARLY, 1.0);
    }

    #[test]
    fn labels_use_singular_for_one_and_switch_units_at_the_comic_boundaries() {
        assert_eq!(comic_label(0.0), "0 seconds");
        assert_eq!(comic_label(0.9), "0 seconds");
        assert_eq!(comic_label(1.0), "1 second");
        assert_eq!(comic_label(59.99), "59 seconds");
        assert_eq!(comic_label(60.0), "1 minute");
        assert_eq!(comic_label(3_599.0), "59 minutes");
        assert_eq!(comic_label(3_600.0), "1 hour");
        assert_eq!(comic_label(86_399.0), "23 hours");
        assert_eq!(comic_label(86_400.0), "1 day");
        assert_eq!(comic_label(13.9 * 86_400.0), "13 days");
        assert_eq!(comic_label(14.0 * 86_400.0), "2 weeks");
        assert_eq!(comic_label(2.0 * 2_629_800.0 - 1.0), "8 weeks");
        assert_eq!(comic_label(2.0 * 2_629_800.0), "2 months");
        assert_eq!(comic_label(2.0 * 31_557_600.0 - 1.0), "23 months");
        assert_eq!(comic_label(2.0 * 31_557_600.0), "2 years");
        assert_eq!(comic_label(-5.0), "0 seconds");
        assert_eq!(comic_label(f64::NAN), "0 seconds");
    }

    #[test]
    fn working_time_counts_working_days_and_eight_hour_days() {
        let working = WorkingTime::default();
        assert_eq!(working.days_per_year, 230.0);
        assert_eq!(working.hours_per_day, 8.0);
        // 1 s × 50 per working day × 230 days × 5 years = 57,500 s, i.e. about two 8 h days
        // where the calendar view says 25.4 h, "1 day".
        let budget = working_budget_seconds(1.0, 50.0, &working);
        assert_eq!(budget, 57_500.0);
        assert!((working.working_days(budget) - 1.9965).abs() < 0.0001);
        assert_eq!(working.describe(), "working time (230 days/year, 8 h/day)");
        assert_ne!(working.describe(), CALENDAR_VIEW);
    }

    const UNIT_WORDS: [&str; 14] = [
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
        "month", "months", "year", "years",
    ];

    proptest! {
        #[test]
        fn budget_is_linear_in_each_argument(
            saved in 0.0f64..1e5,
            runs in 0.0f64..1e5,
            k in 0.0f64..1e3,
        ) {
            let base = budget_seconds(saved, runs);
            let tolerance = 1e-9 * (base * k).max(1.0);
            prop_assert!((budget_seconds(k * saved, runs) - k * base).abs() <= tolerance);
            prop_assert!((budget_seconds(saved, k * runs) - k * base).abs() <= tolerance);
        }

        #[test]
        fn budget_is_additive_in_seconds_saved(
            a in 0.0f64..1e5,
            b in 0.0f64..1e5,
            runs in 0.0f64..1e5,
        ) {
            let sum = budget_seconds(a, runs) + budget_seconds(b, runs);
            let tolerance = 1e-9 * sum.max(1.0);
            prop_assert!((budget_seconds(a + b, runs) - sum).abs() <= tolerance);
        }

        #[test]
        fn budget_is_monotonic_in_each_argument(
            saved in 0.0f64..1e5,
            runs in 0.0f64..1e5,
            more in 0.0f64..1e5,
        ) {
            let base = budget_seconds(saved, runs);
            prop_assert!(budget_seconds(saved + more, runs) >= base);
            prop_assert!(budget_seconds(saved, runs + more) >= base);
        }

        #[test]
        fn comic_label_never_overstates(seconds in 0.0f64..1e12) {
            let label = ComicLabel::floor(seconds);
            prop_assert!(label.seconds() <= seconds, "{label} for {seconds}");
        }

        #[test]
        fn comic_label_never_overstates_at_whole_units(
            count in 0u64..10_000,
            unit in 0usize..7,
            nudge in -1e-6f64..1e-6,
        ) {
            let seconds = count as f64 * ComicUnit::LARGEST_FIRST[unit].seconds() + nudge;
            prop_assert!(ComicLabel::floor(seconds).seconds() <= seconds.max(0.0));
        }

        #[test]
        fn comic_label_is_a_count_and_a_known_unit_word(seconds in 0.0f64..1e12) {
            let text = comic_label(seconds);
            let (count, word) = text.split_once(' ').expect("a space between count and unit");
            let count: u64 = count.parse().expect("a whole count");
            prop_assert!(UNIT_WORDS.contains(&word), "{text}");
            prop_assert_eq!(count == 1, !word.ends_with('s'), "{}", text);
        }

        #[test]
        fn comic_label_is_monotonic(a in 0.0f64..1e12, b in 0.0f64..1e12) {
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(ComicLabel::floor(low).seconds() <= ComicLabel::floor(high).seconds());
        }
    }
}
