//! Table tests and property tests of the report: exact merged figures, the weekly
//! contributor rule, and suppression that never lets a hidden cell reach a shown number.

use std::collections::{BTreeMap, BTreeSet};

use chrono::TimeDelta;
use proptest::prelude::*;

use super::*;

const SINCE: &str = "2026-11-02"; // a Monday
const UNTIL: &str = "2026-11-29"; // the Sunday four weeks later

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn machine(index: usize) -> MachineClass {
    [
        MachineClass::of("linux", "x86_64", 16, 64 << 30),
        MachineClass::of("linux", "x86_64", 4, 16 << 30),
        MachineClass::of("macos", "aarch64", 10, 32 << 30),
    ][index]
        .clone()
}

/// A person's pseudonym in the ISO week of `day`: a new name every week, as uploaders do.
fn pseudonym(team: &str, person: usize, day: NaiveDate) -> String {
    let (year, week) = week_of(day);
    format!("{team}-{person}-{year}w{week}")
}

struct RowSpec<'a> {
    team: &'a str,
    action: &'a str,
    category: Category,
    day: &'a str,
    person: usize,
    machine: usize,
    runs: u64,
    failures: u64,
    durations_us: &'a [u64],
}

fn row(spec: RowSpec<'_>) -> AggRow {
    let day = date(spec.day);
    AggRow {
        team: spec.team.into(),
        day,
        contributor: pseudonym(spec.team, spec.person, day),
        machine: machine(spec.machine),
        action: spec.action.into(),
        category: spec.category,
        repo: None,
        runs: spec.runs,
        failures: spec.failures,
        exits_known: spec.runs,
        durations: spec.durations_us.iter().copied().collect(),
    }
}

/// `people` contributors of one team running `action` once each on `day`, each taking
/// `seconds`.
fn people(
    team: &str,
    action: &str,
    people: std::ops::Range<usize>,
    day: &str,
    seconds: u64,
) -> Vec<AggRow> {
    people
        .map(|person| {
            row(RowSpec {
                team,
                action,
                category: Category::Test,
                day,
                person,
                machine: 0,
                runs: 1,
                failures: 0,
                durations_us: &[seconds * 1_000_000],
            })
        })
        .collect()
}

fn request(scope: Scope, k: u32) -> ReportRequest {
    ReportRequest {
        since: date(SINCE),
        until: date(UNTIL),
        scope,
        min_contributors: k,
    }
}

fn team(name: &str) -> Scope {
    Scope::Team(name.into())
}

fn shown_actions(report: &Report) -> Vec<&str> {
    report.actions.iter().map(|r| r.action.as_str()).collect()
}

#[test]
fn an_action_with_four_contributors_is_hidden_and_one_with_five_is_shown() {
    let mut rows = people("payments", "cargo test", 0..5, "2026-11-03", 40);
    rows.extend(people("payments", "make", 0..4, "2026-11-03", 10));
    // A second small action whose contributors, with make's, make five people: the hidden
    // cells together are k-anonymous, so nothing else needs hiding.
    rows.extend(people("payments", "pytest", 4..6, "2026-11-03", 10));
    let report = build(&rows, &request(team("payments"), 5));
    assert_eq!(shown_actions(&report), ["cargo test"]);
    assert_eq!(report.actions[0].contributors, 5);
    assert_eq!(report.hidden.actions, 2);
    assert_eq!(
        report.hidden.notice.as_deref(),
        Some("2 actions hidden: fewer than 5 contributors")
    );
    assert_eq!(report.totals.runs, 5, "totals count shown rows only");
}

#[test]
fn a_hidden_action_hides_no_other_action() {
    let mut rows = people("payments", "cargo test", 0..7, "2026-11-03", 40);
    rows.extend(people("payments", "cargo build", 0..6, "2026-11-03", 20));
    rows.extend(people("payments", "pytest", 0..6, "2026-11-03", 20));
    rows.extend(people("payments", "make", 0..2, "2026-11-03", 10));
    let report = build(&rows, &request(team("payments"), 5));
    // make (2 people) is hidden. No shown number includes it (totals add shown rows
    // only), so nothing could be subtracted to recover it, and the others stay.
    assert_eq!(
        shown_actions(&report),
        ["cargo test", "cargo build", "pytest"]
    );
    assert_eq!(report.hidden.actions, 1);
    assert_eq!(report.totals.runs, 7 + 6 + 6);
}

#[test]
fn contributors_are_the_largest_weekly_count_of_pseudonyms() {
    // Three people in the first week and four in the second: seven pseudonyms in all,
    // but at least four people, and four is what counts.
    let mut rows = people("payments", "cargo test", 0..3, "2026-11-03", 40);
    rows.extend(people("payments", "cargo test", 0..4, "2026-11-10", 40));
    let distinct: BTreeSet<&str> = rows.iter().map(|r| r.contributor.as_str()).collect();
    assert_eq!(distinct.len(), 7);
    let shown = build(&rows, &request(team("payments"), 4));
    assert_eq!(shown.actions[0].contributors, 4);
    let hidden = build(&rows, &request(team("payments"), 5));
    assert!(hidden.actions.is_empty());
    assert_eq!(hidden.hidden.actions, 1);
}

#[test]
fn figures_come_from_merged_histograms() {
    // The reference notes' example: five people run fast builds (about 8 s), one runs slow
    // ones (90 s). The pooled median is a fast build; a mean of medians would be far off.
    let mut rows = Vec::new();
    for person in 0..5 {
        let durations: Vec<u64> = (0..100).map(|i| 7_800_000 + i * 4_000).collect();
        rows.push(row(RowSpec {
            team: "payments",
            action: "cargo build",
            category: Category::Build,
            day: "2026-11-04",
            person,
            machine: 0,
            runs: 110,
            failures: 11,
            durations_us: &durations,
        }));
    }
    let slow: Vec<u64> = (0..40).map(|i| 88_000_000 + i * 100_000).collect();
    rows.push(row(RowSpec {
        team: "payments",
        action: "cargo build",
        category: Category::Build,
        day: "2026-11-05",
        person: 5,
        machine: 1,
        runs: 40,
        failures: 0,
        durations_us: &slow,
    }));
    let report = build(&rows, &request(team("payments"), 5));
    let r = &report.actions[0];
    let merged: Histogram = rows.iter().fold(Histogram::new(), |mut h, row| {
        h.merge(&row.durations);
        h
    });
    assert_eq!(
        (r.runs, r.timed_runs, r.failures, r.exits_known),
        (590, 540, 55, 590)
    );
    assert_eq!(r.failure_rate, Some(55.0 / 590.0));
    assert_eq!(r.median_seconds, merged.quantile_us(0.5).map(|us| us / 1e6));
    assert_eq!(r.p90_seconds, merged.quantile_us(0.9).map(|us| us / 1e6));
    assert!(r.median_seconds.unwrap() < 9.0, "{:?}", r.median_seconds);
    assert_eq!(r.total_hours, merged.sum_us() as f64 / 3.6e9);
    assert_eq!(r.hours_per_week, r.total_hours / 4.0);
    assert_eq!(r.runs_per_year, 590.0 * 365.25 / 28.0);
    assert_eq!(r.budget.len(), 3);
    let median = r.median_seconds.unwrap();
    let all = &r.budget[2];
    assert_eq!(all.shave, 1.0);
    assert_eq!(all.calendar_seconds, 5.0 * r.runs_per_year * median);
    assert_eq!(all.engineer_hours, all.calendar_seconds / 3600.0);
    assert_eq!(all.engineer_days, all.calendar_seconds / (8.0 * 3600.0));
    assert_eq!(all.engineer_years, all.engineer_days / 230.0);
    assert_eq!(r.budget[0].seconds_saved_per_run, 0.1 * median);
    assert_eq!(report.totals.hours_per_week, r.hours_per_week);
    // One class has five people, the other one: the slow class is hidden, and with it the
    // only other class, so that the action's figures minus the shown class cannot
    // single out the slow contributor.
    assert!(r.machines.is_empty(), "{:?}", r.machines);
    assert_eq!(report.hidden.machine_classes, 2);
}

/// One build by each person in `people` on machine class `machine_index`.
fn builds(people: std::ops::Range<usize>, machine_index: usize, seconds: u64) -> Vec<AggRow> {
    people
        .map(|person| {
            row(RowSpec {
                team: "payments",
                action: "cargo build",
                category: Category::Build,
                day: "2026-11-04",
                person,
                machine: machine_index,
                runs: 1,
                failures: 0,
                durations_us: &[seconds * 1_000_000],
            })
        })
        .collect()
}

#[test]
fn machine_breakdown_compares_each_class_to_the_fastest() {
    let mut rows = builds(0..4, 0, 10);
    rows.extend(builds(4..7, 1, 23));
    rows.extend(builds(7..10, 2, 20));
    let report = build(&rows, &request(team("payments"), 3));
    let classes: Vec<(&str, Option<f64>)> = report.actions[0]
        .machines
        .iter()
        .map(|m| (m.cores.as_str(), m.ratio_to_fastest))
        .collect();
    assert_eq!(
        classes,
        [
            ("16-31", Some(1.0)),
            ("8-15", Some(2.0)),
            ("4-7", Some(2.3))
        ]
    );
    assert_eq!(report.hidden.machine_classes, 0);
}

#[test]
fn one_hidden_machine_class_takes_the_next_smallest_with_it() {
    let mut rows = builds(0..5, 0, 10);
    rows.extend(builds(5..7, 1, 23));
    rows.extend(builds(7..11, 2, 20));
    let report = build(&rows, &request(team("payments"), 3));
    let classes: Vec<&str> = report.actions[0]
        .machines
        .iter()
        .map(|m| m.cores.as_str())
        .collect();
    // The 4-core class (2 people) is below k, and the action's figures minus the other
    // classes would reveal it, so the smallest shown class (macOS, 4 people) goes too.
    assert_eq!(classes, ["16-31"]);
    assert_eq!(report.hidden.machine_classes, 2);
    assert_eq!(
        report.actions[0].runs, 11,
        "the action itself still counts everyone"
    );
}

#[test]
fn weekly_trend_uses_iso_weeks_across_a_year_end() {
    let mut rows = Vec::new();
    for day in ["2026-12-22", "2026-12-29", "2027-01-05"] {
        rows.extend(people("payments", "cargo test", 0..3, day, 30));
    }
    let report = build(
        &rows,
        &ReportRequest {
            since: date("2026-12-23"),
            until: date("2027-01-06"),
            scope: team("payments"),
            min_contributors: 3,
        },
    );
    // 2026-12-22 is outside the period; 2026 has 53 ISO weeks.
    let weeks: Vec<(&str, &str, &str, u64)> = report.actions[0]
        .weeks
        .iter()
        .map(|w| (w.week.as_str(), w.since.as_str(), w.until.as_str(), w.runs))
        .collect();
    assert_eq!(
        weeks,
        [
            ("2026-W53", "2026-12-28", "2027-01-03", 3),
            ("2027-W01", "2027-01-04", "2027-01-06", 3),
        ]
    );
    assert_eq!(report.actions[0].weeks[0].hours, 90.0 / 3600.0);
    assert_eq!(report.period.days, 15);
}

#[test]
fn org_view_merges_only_the_cells_each_team_shows() {
    let mut rows = people("payments", "cargo test", 0..5, "2026-11-03", 40);
    rows.extend(people("search", "cargo test", 0..6, "2026-11-03", 20));
    // Two people of a third team: hidden in that team's view, so absent from the org's.
    rows.extend(people("tiny", "cargo test", 0..2, "2026-11-03", 500));
    let org = build(&rows, &request(Scope::Org, 5));
    let r = &org.actions[0];
    assert_eq!((r.teams, r.runs, r.contributors), (2, 11, 11));
    assert_eq!(r.total_hours, (5.0 * 40.0 + 6.0 * 20.0) / 3600.0);
    assert_eq!(org.hidden.actions, 1);
    assert_eq!(org.scope, "org");
    assert_eq!(org.team, None);
    let tiny = build(&rows, &request(team("tiny"), 5));
    assert!(tiny.actions.is_empty());
}

#[test]
fn csv_has_the_json_rows() {
    let mut rows = people("payments", "cargo test", 0..5, "2026-11-03", 40);
    rows.extend(people(
        "payments",
        "npm run test:unit",
        0..6,
        "2026-11-10",
        7,
    ));
    let report = build(&rows, &request(team("payments"), 5));
    let csv = to_csv(&report);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], CSV_COLUMNS.join(","));
    assert_eq!(lines.len(), 1 + report.actions.len());
    let json = serde_json::to_value(&report).unwrap();
    for (line, row) in lines[1..].iter().zip(json["actions"].as_array().unwrap()) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), CSV_COLUMNS.len());
        for (column, field) in CSV_COLUMNS.iter().zip(&fields) {
            let expected = match *column {
                "budget_10pct_engineer_days" => row["budget"][0]["engineer_days"].clone(),
                "budget_50pct_engineer_days" => row["budget"][1]["engineer_days"].clone(),
                "budget_100pct_engineer_days" => row["budget"][2]["engineer_days"].clone(),
                name => row[name].clone(),
            };
            match expected {
                serde_json::Value::String(text) => assert_eq!(*field, text, "{column}"),
                serde_json::Value::Null => assert_eq!(*field, "", "{column}"),
                number => assert_eq!(
                    field.parse::<f64>().ok(),
                    number.as_f64(),
                    "{column}: {field} against {number}"
                ),
            }
        }
    }
    assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
}

#[test]
fn empty_periods_report_zeroes_not_negative_zeroes() {
    let report = build(&[], &request(Scope::Org, 5));
    let json = serde_json::to_string(&report.totals).unwrap();
    assert_eq!(
        json,
        r#"{"actions":0,"runs":0,"total_hours":0.0,"hours_per_week":0.0}"#
    );
    assert_eq!(report.hidden.notice, None);
}

#[test]
fn notices_list_what_was_hidden() {
    assert_eq!(notice(0, 0, 0, 5), None);
    let text = notice(1, 2, 3, 4).unwrap();
    assert!(
        text.starts_with(
            "1 action, 2 machine classes and 3 weeks hidden: fewer than 4 contributors"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("cannot be worked out by subtraction"),
        "{text}"
    );
    // Actions alone are hidden by the threshold only, and the notice says just that.
    assert_eq!(
        notice(2, 0, 0, 5).as_deref(),
        Some("2 actions hidden: fewer than 5 contributors")
    );
}

// ---------------------------------------------------------------------------------------
// Properties

const TEAMS: [&str; 2] = ["alpha", "beta"];
const ACTIONS: [(&str, Category); 3] = [
    ("cargo test", Category::Test),
    ("make", Category::Build),
    ("pytest", Category::Test),
];

/// Random rows over two teams, three actions, three machine classes, two weeks and seven
/// people per team, with some people on several machines.
fn rows_strategy() -> impl Strategy<Value = Vec<AggRow>> {
    let spec = (
        0..TEAMS.len(),
        0..ACTIONS.len(),
        0..3usize,
        0..14i64,
        0..7usize,
        0..3u64,
        proptest::collection::vec(0..90_000_000u64, 0..4),
    );
    proptest::collection::vec(spec, 0..70).prop_map(|specs| {
        specs
            .into_iter()
            .map(|(t, a, m, offset, person, extra, durations)| {
                let day = date(SINCE) + TimeDelta::days(offset);
                let runs = durations.len() as u64 + extra + 1;
                AggRow {
                    team: TEAMS[t].into(),
                    day,
                    contributor: pseudonym(TEAMS[t], person, day),
                    machine: machine(m),
                    action: ACTIONS[a].0.into(),
                    category: ACTIONS[a].1,
                    repo: None,
                    runs,
                    failures: extra.min(runs),
                    exits_known: runs,
                    durations: durations.into_iter().collect(),
                }
            })
            .collect()
    })
}

fn key_of(row: &AggRow) -> (String, Category) {
    (row.action.clone(), row.category)
}

/// The contributor count of the rows `keep` selects, computed from scratch.
fn raw_contributors(rows: &[AggRow], keep: impl Fn(&AggRow) -> bool) -> usize {
    let mut weeks: BTreeMap<Week, BTreeSet<&str>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.runs > 0 && keep(r)) {
        weeks
            .entry(week_of(row.day))
            .or_default()
            .insert(&row.contributor);
    }
    weeks.values().map(BTreeSet::len).max().unwrap_or(0)
}

fn week_label(day: NaiveDate) -> String {
    let (year, week) = week_of(day);
    format!("{year}-W{week:02}")
}

fn machine_of(row: &MachineRow) -> MachineClass {
    MachineClass {
        os: row.os.clone(),
        arch: row.arch.clone(),
        cores: row.cores.clone(),
        memory_gib: row.memory_gib.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn reports_do_not_depend_on_row_order(rows in rows_strategy(), k in 2u32..5, turn in 0usize..70) {
        let mut shuffled = rows.clone();
        shuffled.reverse();
        if !shuffled.is_empty() {
            let len = shuffled.len();
            shuffled.rotate_left(turn % len);
        }
        for scope in [Scope::Org, team("alpha"), team("beta")] {
            prop_assert_eq!(build(&rows, &request(scope.clone(), k)), build(&shuffled, &request(scope, k)));
        }
    }

    #[test]
    fn every_shown_cell_has_k_contributors(rows in rows_strategy(), k in 2u32..5) {
        let k_us = k as usize;
        for name in TEAMS {
            let report = build(&rows, &request(team(name), k));
            for r in &report.actions {
                let in_cell = |row: &AggRow| row.team == name && row.action == r.action && row.category == r.category;
                prop_assert_eq!(r.contributors, raw_contributors(&rows, in_cell));
                prop_assert!(r.contributors >= k_us);
                for m in &r.machines {
                    let class = machine_of(m);
                    let count = raw_contributors(&rows, |row| in_cell(row) && row.machine == class);
                    prop_assert_eq!(m.contributors, count);
                    prop_assert!(count >= k_us);
                }
                for w in &r.weeks {
                    let count = raw_contributors(&rows, |row| in_cell(row) && week_label(row.day) == w.week);
                    prop_assert_eq!(w.contributors, count);
                    prop_assert!(count >= k_us);
                }
            }
        }
        let org = build(&rows, &request(Scope::Org, k));
        for r in &org.actions {
            prop_assert!(r.contributors >= k_us);
            prop_assert!(r.machines.iter().all(|m| m.contributors >= k_us));
            prop_assert!(r.weeks.iter().all(|w| w.contributors >= k_us));
        }
    }

    /// Changing every figure of a hidden team × action cell (runs, failures, durations;
    /// not who contributed) changes nothing in any view: no shown number depends on it.
    #[test]
    fn hidden_cells_never_reach_a_shown_number(rows in rows_strategy(), k in 2u32..5) {
        let org = build(&rows, &request(Scope::Org, k));
        for name in TEAMS {
            let report = build(&rows, &request(team(name), k));
            let shown: BTreeSet<(String, Category)> =
                report.actions.iter().map(|r| (r.action.clone(), r.category)).collect();
            let hidden: BTreeSet<(String, Category)> = rows
                .iter()
                .filter(|r| r.team == name)
                .map(key_of)
                .filter(|key| !shown.contains(key))
                .collect();
            for key in hidden {
                let perturbed: Vec<AggRow> = rows
                    .iter()
                    .map(|row| {
                        let mut row = row.clone();
                        if row.team == name && key_of(&row) == key {
                            row.runs += 17;
                            row.exits_known = row.runs;
                            row.failures = row.runs / 2;
                            row.durations = std::iter::repeat_n(3_456_789_000, 3).collect();
                        }
                        row
                    })
                    .collect();
                prop_assert_eq!(&build(&perturbed, &request(team(name), k)), &report);
                prop_assert_eq!(&build(&perturbed, &request(Scope::Org, k)), &org);
            }
        }
    }

    /// Wherever a shown total includes hidden members (an action's machine classes and
    /// weeks), those members together have at least k contributors, so subtracting the
    /// shown ones singles out no one. (A team's actions sit under no such total.)
    #[test]
    fn hidden_members_of_a_group_are_never_fewer_than_k(rows in rows_strategy(), k in 2u32..5) {
        let k_us = k as usize;
        for name in TEAMS {
            let report = build(&rows, &request(team(name), k));
            for r in &report.actions {
                let in_cell = |row: &AggRow| row.team == name && row.action == r.action && row.category == r.category;
                let classes: BTreeSet<MachineClass> = r.machines.iter().map(machine_of).collect();
                let hidden_class = |row: &AggRow| in_cell(row) && !classes.contains(&row.machine);
                if rows.iter().any(hidden_class) {
                    prop_assert!(raw_contributors(&rows, hidden_class) >= k_us);
                }
                let weeks: BTreeSet<&str> = r.weeks.iter().map(|w| w.week.as_str()).collect();
                let hidden_week = |row: &AggRow| in_cell(row) && !weeks.contains(week_label(row.day).as_str());
                if rows.iter().any(hidden_week) {
                    prop_assert!(raw_contributors(&rows, hidden_week) >= k_us);
                }
                // The shown parts never add up to more than the whole.
                prop_assert!(r.machines.iter().map(|m| m.runs).sum::<u64>() <= r.runs);
                prop_assert!(r.weeks.iter().map(|w| w.runs).sum::<u64>() <= r.runs);
            }
        }
    }

    #[test]
    fn totals_and_org_rows_are_built_from_shown_rows(rows in rows_strategy(), k in 2u32..5) {
        let teams: Vec<Report> = TEAMS.iter().map(|name| build(&rows, &request(team(name), k))).collect();
        let org = build(&rows, &request(Scope::Org, k));
        for report in teams.iter().chain([&org]) {
            prop_assert_eq!(report.totals.actions, report.actions.len());
            prop_assert_eq!(report.totals.runs, report.actions.iter().map(|r| r.runs).sum::<u64>());
            let hours = report.actions.iter().fold(0.0, |s, r| s + r.total_hours);
            prop_assert_eq!(report.totals.total_hours, hours);
            for pair in report.actions.windows(2) {
                prop_assert!(pair[0].hours_per_week >= pair[1].hours_per_week);
            }
            for (i, r) in report.actions.iter().enumerate() {
                prop_assert_eq!(r.rank, i + 1);
            }
        }
        for r in &org.actions {
            let parts: Vec<(&str, &ActionRow)> = TEAMS
                .iter()
                .zip(&teams)
                .filter_map(|(name, report)| {
                    report.actions.iter().find(|t| t.action == r.action && t.category == r.category).map(|t| (*name, t))
                })
                .collect();
            prop_assert_eq!(r.teams, parts.len());
            prop_assert_eq!(r.runs, parts.iter().map(|(_, t)| t.runs).sum::<u64>());
            prop_assert_eq!(r.failures, parts.iter().map(|(_, t)| t.failures).sum::<u64>());
            let in_parts = |row: &AggRow| {
                parts.iter().any(|(name, t)| row.team == *name && row.action == t.action && row.category == t.category)
            };
            let merged = rows.iter().filter(|row| in_parts(row)).fold(Histogram::new(), |mut h, row| {
                h.merge(&row.durations);
                h
            });
            prop_assert_eq!(r.median_seconds, merged.quantile_us(0.5).map(|us| us / 1e6));
            prop_assert_eq!(r.p90_seconds, merged.quantile_us(0.9).map(|us| us / 1e6));
            prop_assert_eq!(r.contributors, raw_contributors(&rows, in_parts));
        }
    }
}
