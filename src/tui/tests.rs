//! The TUI driven by actions against ratatui's `TestBackend`, with fixed data and a fixed
//! today: whole screens are snapshotted (src/tui/snapshots/), and `update` is checked
//! for navigation, filters, search, the before/after split, and nominating (the note,
//! the preview, a send whose answer arrives later, uploading off).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::mpsc::{self, Receiver, Sender};

use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::source::{NotReady, Preview, SlowRun, Source};
use super::state::{Action, App, Filters, Modal, Mode, PeriodChoice, Screen, Step};
use super::view;
use crate::classify::{Category, Classifier};
use crate::dataset::Dataset;
use crate::rank::{ActionInfo, Period, RankOptions, RollupRow};
use crate::rollup::{RollupKey, Tally};
use crate::upload::fixes::Fix;
use crate::upload::nominate::{Draft, Nomination};

/// 2026-11-23, a Monday.
fn today() -> i32 {
    day(2026, 11, 23)
}

fn day(y: i32, m: u32, d: u32) -> i32 {
    let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    date.signed_duration_since(NaiveDate::default()).num_days() as i32
}

/// One recorded run in the fixture.
#[derive(Debug, Clone)]
struct Run {
    day: i32,
    minute: u32,
    action_id: i64,
    repo: Option<&'static str>,
    duration_us: Option<u64>,
    exit: Option<i32>,
    command: String,
}

/// Fixed data in memory, served like the database would.
struct FakeSource {
    actions: Vec<ActionInfo>,
    repos: HashMap<i64, String>,
    runs: Vec<Run>,
    /// How many times `dataset` was called (loading must be rare).
    loads: std::rc::Rc<std::cell::Cell<u32>>,
    uplink: FakeUplink,
}

/// Where a test answers the last nomination sent, when it wants to.
type AnswerSlot = Rc<RefCell<Option<Sender<Result<String, String>>>>>;

/// The team server as the TUI sees it: uploading on or off, the cached fixes, and the
/// nominations sent, whose answers the test gives when it wants to.
#[derive(Default)]
struct FakeUplink {
    upload_on: bool,
    fixes: Vec<Fix>,
    /// Every preview `y` sent, in order.
    sent: Rc<RefCell<Vec<Preview>>>,
    /// Where the test sends the answer of the last nomination.
    answer: AnswerSlot,
}

impl FakeSource {
    fn repo_id(&self, repo: Option<&str>) -> i64 {
        repo.and_then(|r| self.repos.iter().find(|(_, p)| *p == r).map(|(&id, _)| id))
            .unwrap_or(0)
    }
}

impl Source for FakeSource {
    fn dataset(&mut self, since: Option<i32>) -> Result<Dataset> {
        self.loads.set(self.loads.get() + 1);
        let mut tallies: BTreeMap<RollupKey, Tally> = BTreeMap::new();
        for run in &self.runs {
            if since.is_some_and(|s| run.day < s) {
                continue;
            }
            let key = RollupKey {
                day: run.day,
                action_id: run.action_id,
                repo_id: self.repo_id(run.repo),
            };
            tallies
                .entry(key)
                .or_default()
                .add(run.duration_us.map(|us| us as i64), run.exit);
        }
        Ok(Dataset {
            actions: self.actions.clone(),
            repos: self.repos.clone(),
            rows: tallies
                .into_iter()
                .map(|(key, tally)| RollupRow { key, tally })
                .collect(),
        })
    }

    fn slowest_runs(
        &mut self,
        action_id: i64,
        period: Period,
        repo: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SlowRun>> {
        let mut runs: Vec<&Run> = self
            .runs
            .iter()
            .filter(|r| r.action_id == action_id && period.contains(r.day))
            .filter(|r| repo.is_none() || r.repo == repo)
            .filter(|r| r.duration_us.is_some())
            .collect();
        runs.sort_by_key(|r| std::cmp::Reverse(r.duration_us));
        Ok(runs
            .into_iter()
            .take(limit)
            .map(|r| SlowRun {
                when: super::date_of(r.day)
                    .and_hms_opt(r.minute / 60, r.minute % 60, 0)
                    .map_or(NaiveDateTime::default(), |t| t),
                duration_s: r.duration_us.unwrap_or(0) as f64 / 1e6,
                exit: r.exit,
                command: r.command.clone(),
                repo: r.repo.map(str::to_string),
            })
            .collect())
    }

    fn durations(
        &mut self,
        action_id: i64,
        period: Period,
        repo: Option<&str>,
    ) -> Result<Vec<u64>> {
        Ok(self
            .runs
            .iter()
            .filter(|r| r.action_id == action_id && period.contains(r.day))
            .filter(|r| repo.is_none() || r.repo == repo)
            .filter_map(|r| r.duration_us)
            .collect())
    }

    fn fixes(&mut self) -> Vec<Fix> {
        self.uplink.fixes.clone()
    }

    fn nomination_ready(&mut self) -> Result<(), String> {
        if self.uplink.upload_on {
            Ok(())
        } else {
            Err(UPLOAD_OFF.into())
        }
    }

    fn nomination(&mut self, action: &str, note: &str) -> Result<Preview, NotReady> {
        self.nomination_ready().map_err(NotReady::UploadOff)?;
        let info = self
            .actions
            .iter()
            .find(|a| a.action == action)
            .ok_or_else(|| NotReady::Problem(format!("no action `{action}`")))?;
        Ok(fake_preview(info, note))
    }

    fn send_nomination(&mut self, preview: &Preview) -> Receiver<Result<String, String>> {
        let (tx, rx) = mpsc::channel();
        self.uplink.sent.borrow_mut().push(preview.clone());
        *self.uplink.answer.borrow_mut() = Some(tx);
        rx
    }
}

const UPLOAD_OFF: &str = "A nomination sends this action's numbers to your team's server, so it needs uploading on, and uploading was never enabled. Turn it on with `worthit upload enable --server URL --team NAME --token TOKEN`.";

/// A nomination built with the real types and wire rules from two fixed days.
fn fake_preview(info: &ActionInfo, note: &str) -> Preview {
    use crate::upload::payload::{ActionDay, Day, MachineClass, Upload};
    let wire =
        crate::upload::build::wire_action(&info.action, info.category, &Classifier::builtin());
    let days = ["2026-11-22", "2026-11-23"]
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let mut durations = crate::histogram::Histogram::new();
            for s in [38u64, 41, 44, 81] {
                durations.record((s + i as u64) * 1_000_000);
            }
            Day {
                day: day.to_string(),
                contributor: "0123456789abcdef0123456789abcdef".into(),
                actions: vec![ActionDay {
                    action: wire.clone(),
                    category: info.category,
                    repo: Some("fedcba9876543210fedcba9876543210".into()),
                    runs: 4,
                    failures: 1,
                    exits_known: 4,
                    durations,
                }],
            }
        })
        .collect();
    let nomination = Nomination {
        schema_version: 1,
        action: wire.clone(),
        category: info.category,
        nominator: crate::upload::nominate::nominator("ab", &wire),
        note: note.to_string(),
        upload: Upload {
            schema_version: 1,
            client: "worthit 0.1.0".into(),
            team: "payments".into(),
            machine: MachineClass::of("linux", "x86_64", 8, 16 << 30),
            days,
        },
    };
    nomination.validate().expect("the fake nomination is valid");
    let mut body = serde_json::to_vec_pretty(&nomination).expect("serialise");
    body.push(b'\n');
    Preview {
        draft: Draft {
            local_action: info.action.clone(),
            wire_action: wire,
            category: info.category,
            body,
            days: 2,
            runs: 8,
        },
        server: "https://worthit.example.com".into(),
        team: "payments".into(),
    }
}

/// A small deterministic generator (xorshift), so the fixture never changes.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal, mean 0, sd 1 (sum of uniforms).
    fn normal(&mut self) -> f64 {
        (0..6).map(|_| self.next()).sum::<f64>() - 3.0
    }
}

/// (action, category, counted, runs per weekday, median seconds, spread, fail share, repo, command)
type Spec = (
    &'static str,
    Category,
    bool,
    f64,
    f64,
    f64,
    f64,
    Option<&'static str>,
    &'static str,
);

const API: &str = "/home/dev/src/api";
const WEB: &str = "/home/dev/src/web";
const ML: &str = "/home/dev/src/ml";

const SPECS: [Spec; 18] = [
    (
        "cargo test",
        Category::Test,
        true,
        38.0,
        41.0,
        0.45,
        0.22,
        Some(API),
        "cargo test --workspace",
    ),
    (
        "cargo build",
        Category::Build,
        true,
        20.0,
        24.0,
        0.5,
        0.08,
        Some(API),
        "cargo build",
    ),
    (
        "npm run test",
        Category::Test,
        true,
        10.0,
        12.0,
        0.3,
        0.1,
        Some(WEB),
        "npm run test -- --watch=false",
    ),
    (
        "cargo clippy",
        Category::Lint,
        true,
        8.0,
        9.0,
        0.3,
        0.05,
        Some(API),
        "cargo clippy --all-targets",
    ),
    (
        "git push",
        Category::Vcs,
        true,
        3.0,
        4.0,
        0.5,
        0.02,
        Some(API),
        "git push origin HEAD",
    ),
    (
        "docker compose build",
        Category::Container,
        true,
        1.0,
        180.0,
        0.4,
        0.1,
        Some(WEB),
        "docker compose build web",
    ),
    (
        "pytest",
        Category::Test,
        true,
        5.0,
        6.0,
        0.6,
        0.3,
        Some(ML),
        "pytest -x tests/",
    ),
    (
        "make",
        Category::Build,
        true,
        2.0,
        50.0,
        0.3,
        0.0,
        Some(ML),
        "make -j8",
    ),
    (
        "gradle :app:connectedAndroidTest",
        Category::Test,
        true,
        0.5,
        360.0,
        0.2,
        0.2,
        None,
        "./gradlew :app:connectedAndroidTest",
    ),
    (
        "vim",
        Category::Interactive,
        false,
        15.0,
        600.0,
        1.0,
        0.0,
        None,
        "vim src/main.rs",
    ),
    (
        "ls",
        Category::Lookup,
        true,
        60.0,
        0.005,
        0.5,
        0.0,
        None,
        "ls -la",
    ),
    (
        "kubectl get",
        Category::Lookup,
        true,
        6.0,
        1.2,
        0.4,
        0.05,
        None,
        "kubectl get pods -n staging",
    ),
    (
        "terraform apply",
        Category::Deploy,
        true,
        0.2,
        120.0,
        0.3,
        0.1,
        None,
        "terraform apply",
    ),
    (
        "npm install",
        Category::Deps,
        true,
        1.0,
        40.0,
        0.5,
        0.05,
        Some(WEB),
        "npm install",
    ),
    (
        "go test",
        Category::Test,
        true,
        4.0,
        15.0,
        0.4,
        0.15,
        Some(API),
        "go test ./...",
    ),
    (
        "./scripts/bench.sh",
        Category::Run,
        true,
        0.5,
        300.0,
        0.2,
        0.0,
        Some(ML),
        "./scripts/bench.sh --quick",
    ),
    (
        "rg",
        Category::Lookup,
        true,
        30.0,
        0.08,
        0.6,
        0.0,
        None,
        "rg TODO src",
    ),
    (
        "git status",
        Category::Vcs,
        true,
        25.0,
        0.05,
        0.3,
        0.0,
        None,
        "git status",
    ),
];

/// 120 days of history ending today: lighter weekends; `cargo test` got faster on
/// 2026-11-09 (60 s → 35 s median), which the before/after comparison must see.
fn fixture_source() -> FakeSource {
    let mut noise = Noise(0x5eed_1234_abcd_9876);
    let actions: Vec<ActionInfo> = SPECS
        .iter()
        .enumerate()
        .map(|(i, s)| ActionInfo {
            id: i as i64 + 1,
            action: s.0.to_string(),
            category: s.1,
            counted: s.2,
        })
        .collect();
    let repos: HashMap<i64, String> = [(1, API), (2, WEB), (3, ML)]
        .into_iter()
        .map(|(id, p)| (id, p.to_string()))
        .collect();
    let fix_day = day(2026, 11, 9);
    let mut runs = Vec::new();
    for d in (today() - 119)..=today() {
        // 1970-01-01 was a Thursday: day % 7 == 2 is Saturday, 3 Sunday.
        let weekend = matches!(d.rem_euclid(7), 2 | 3);
        for (i, spec) in SPECS.iter().enumerate() {
            let rate = if weekend { spec.3 * 0.1 } else { spec.3 };
            // Rounded at random so rare actions (0.2 a day) still run now and then.
            let count = (rate * (0.8 + 0.4 * noise.next()) + noise.next()).floor() as u32;
            for k in 0..count {
                let mut median = spec.4;
                if spec.0 == "cargo test" && d < fix_day {
                    median = 60.0;
                } else if spec.0 == "cargo test" {
                    median = 35.0;
                }
                let seconds = median * (spec.5 * noise.normal()).exp();
                // Imported history has some runs without a duration or an exit code.
                let timed = noise.next() > 0.05;
                let exit = if noise.next() < 0.1 {
                    None
                } else if noise.next() < spec.6 {
                    Some(if spec.1 == Category::Test { 101 } else { 1 })
                } else {
                    Some(0)
                };
                runs.push(Run {
                    day: d,
                    minute: 8 * 60 + (k * 600 / count.max(1)),
                    action_id: i as i64 + 1,
                    repo: spec.7,
                    duration_us: timed.then_some((seconds * 1e6) as u64),
                    exit,
                    command: spec.8.to_string(),
                });
            }
        }
    }
    FakeSource {
        actions,
        repos,
        runs,
        loads: Default::default(),
        uplink: FakeUplink {
            upload_on: true,
            ..FakeUplink::default()
        },
    }
}

fn app_with(source: FakeSource, filters: Filters, options: RankOptions) -> App {
    App::new(Box::new(source), today(), options, filters).expect("fixture loads")
}

fn app() -> App {
    app_with(fixture_source(), Filters::default(), RankOptions::default())
}

fn empty_app() -> App {
    let source = FakeSource {
        actions: Vec::new(),
        repos: HashMap::new(),
        runs: Vec::new(),
        loads: Default::default(),
        uplink: FakeUplink::default(),
    };
    app_with(source, Filters::default(), RankOptions::default())
}

/// Draws `app` at `width`×`height` and returns the screen as quoted lines.
fn screen(app: &mut App, width: u16, height: u16) -> String {
    app.update(Action::Resize { width, height });
    if width == 0 || height == 0 {
        // TestBackend cannot print an empty buffer; drawing it must still not panic.
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal.draw(|frame| view::draw(frame, app)).expect("draw");
        return String::new();
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| view::draw(frame, app)).expect("draw");
    terminal.backend().to_string()
}

fn run(app: &mut App, actions: &[Action]) {
    for &action in actions {
        app.update(action);
    }
}

fn selected_action(app: &App) -> String {
    app.selected_stats()
        .map(|a| a.action.clone())
        .unwrap_or_default()
}

// ---- snapshots ----------------------------------------------------------------------

#[test]
fn list_80x24() {
    insta::assert_snapshot!(screen(&mut app(), 80, 24));
}

#[test]
fn list_40x12() {
    insta::assert_snapshot!(screen(&mut app(), 40, 12));
}

#[test]
fn list_120x30() {
    insta::assert_snapshot!(screen(&mut app(), 120, 30));
}

#[test]
fn list_scrolled_to_the_end() {
    let mut app = app();
    screen(&mut app, 80, 24);
    run(&mut app, &[Action::Bottom]);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn list_with_filters() {
    let mut app = app();
    screen(&mut app, 80, 24);
    run(
        &mut app,
        &[
            Action::Period(Step::Next),
            Action::Period(Step::Next),
            Action::Repo(Step::Next),
            Action::Category(Step::Next),
        ],
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn list_search_while_typing() {
    let mut app = app();
    screen(&mut app, 80, 24);
    run(&mut app, &[Action::SearchStart]);
    for c in "cargo".chars() {
        app.update(Action::SearchInput(c));
    }
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn list_search_without_matches() {
    let mut app = app();
    run(&mut app, &[Action::SearchStart]);
    for c in "xyzzy".chars() {
        app.update(Action::SearchInput(c));
    }
    app.update(Action::SearchEnd);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn list_working_time_and_team() {
    let options = RankOptions {
        team_size: 12,
        view: crate::rank::TimeView::Working(Default::default()),
        ..RankOptions::default()
    };
    let mut app = app_with(fixture_source(), Filters::default(), options);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn detail_80x24() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::Open);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn detail_80x24_every_page() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::Open);
    let mut pages = Vec::new();
    for _ in 0..4 {
        app.update(Action::PageDown);
        pages.push(screen(&mut app, 80, 24));
    }
    insta::assert_snapshot!(pages.join("\n"));
}

#[test]
fn detail_40x12_every_page() {
    let mut app = app();
    screen(&mut app, 40, 12);
    app.update(Action::Open);
    let mut pages = vec![screen(&mut app, 40, 12)];
    for _ in 0..12 {
        app.update(Action::PageDown);
        pages.push(screen(&mut app, 40, 12));
    }
    pages.dedup();
    insta::assert_snapshot!(pages.join("\n"));
}

#[test]
fn detail_of_an_untimed_action_in_one_day() {
    let mut source = fixture_source();
    for run in &mut source.runs {
        if run.action_id == 5 {
            run.duration_us = None;
            run.exit = None;
        }
    }
    let filters = Filters {
        period: PeriodChoice::Last(1),
        ..Filters::default()
    };
    let mut app = app_with(source, filters, RankOptions::default());
    run(&mut app, &[Action::SearchInput('g')]);
    let index = app
        .ranking
        .actions
        .iter()
        .position(|a| a.action == "git push")
        .expect("git push ran today");
    app.update(Action::OpenRank(index + 1));
    insta::assert_snapshot!(screen(&mut app, 80, 40));
}

#[test]
fn grid_80x24() {
    let mut app = app();
    app.update(Action::Grid);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn grid_40x12() {
    let mut app = app();
    app.update(Action::Grid);
    insta::assert_snapshot!(screen(&mut app, 40, 12));
}

#[test]
fn help_80x24() {
    let mut app = app();
    app.update(Action::Help);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn help_40x12_all_of_it() {
    let mut app = app();
    app.update(Action::Help);
    screen(&mut app, 40, 12);
    let mut pages = vec![screen(&mut app, 40, 12)];
    for _ in 0..30 {
        app.update(Action::PageDown);
        pages.push(screen(&mut app, 40, 12));
    }
    pages.dedup();
    insta::assert_snapshot!(pages.join("\n"));
}

#[test]
fn empty_database_80x24() {
    insta::assert_snapshot!(screen(&mut empty_app(), 80, 24));
}

#[test]
fn empty_database_40x12() {
    insta::assert_snapshot!(screen(&mut empty_app(), 40, 12));
}

#[test]
fn no_screen_panics_at_any_size() {
    let sizes = [
        (0, 0),
        (1, 1),
        (10, 5),
        (5, 10),
        (20, 3),
        (33, 7),
        (40, 12),
        (59, 17),
        (61, 18),
        (80, 24),
        (200, 60),
    ];
    let long_note: Vec<Action> = std::iter::once(Action::Nominate)
        .chain(std::iter::repeat_n(Action::NoteInput('日'), 300))
        .collect();
    let setups: [&[Action]; 10] = [
        &[],
        &[Action::Open],
        &[Action::Open, Action::Bottom, Action::Split(-100)],
        &[Action::Grid],
        &[Action::Help, Action::Bottom],
        &[Action::SearchStart, Action::SearchInput('日')],
        &long_note,
        &[Action::Nominate, Action::NoteInput('x'), Action::NoteSubmit],
        &[
            Action::Nominate,
            Action::NoteSubmit,
            Action::Bottom,
            Action::ConfirmSend,
        ],
        &[Action::Open, Action::Nominate],
    ];
    for setup in setups {
        let mut app = app();
        run(&mut app, setup);
        for (w, h) in sizes {
            let text = screen(&mut app, w, h);
            let rows = if w == 0 { 0 } else { usize::from(h) };
            assert_eq!(text.lines().count(), rows, "{setup:?} at {w}×{h}");
        }
    }
    let mut empty = empty_app();
    for (w, h) in sizes {
        screen(&mut empty, w, h);
    }
}

#[test]
fn tiny_list_still_shows_actions() {
    let text = screen(&mut app(), 10, 5);
    insta::assert_snapshot!(text);
}

// ---- update -------------------------------------------------------------------------

#[test]
fn navigation_stays_in_bounds() {
    let mut app = app();
    screen(&mut app, 80, 24);
    let len = app.ranking.actions.len();
    assert!(len > 15, "the fixture must need scrolling ({len} actions)");
    app.update(Action::Up);
    assert_eq!(app.selected, 0);
    app.update(Action::Down);
    assert_eq!(app.selected, 1);
    app.update(Action::PageDown);
    assert_eq!(app.selected, 16.min(len - 1));
    app.update(Action::Bottom);
    assert_eq!(app.selected, len - 1);
    assert_eq!(app.offset, len - 15, "the last row sits at the bottom");
    app.update(Action::Down);
    assert_eq!(app.selected, len - 1);
    app.update(Action::PageUp);
    assert_eq!(app.selected, len - 1 - 15);
    app.update(Action::Top);
    assert_eq!((app.selected, app.offset), (0, 0));
    app.update(Action::Scroll(3));
    assert_eq!(app.selected, 3);
    app.update(Action::Scroll(-10));
    assert_eq!(app.selected, 0);
}

#[test]
fn q_on_the_list_quits_and_esc_backs_out_of_every_screen() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut app = app();
    for (open, mode) in [
        (Action::Open, Mode::Detail),
        (Action::Grid, Mode::Grid),
        (Action::Help, Mode::Help),
    ] {
        app.update(open);
        assert_eq!(app.mode(), mode);
        let back = super::input::action(app.mode(), &key(KeyCode::Esc)).expect("Esc means back");
        app.update(back);
        assert_eq!(app.mode(), Mode::List);
        assert!(!app.quit);
        app.update(open);
        let back = super::input::action(app.mode(), &key(KeyCode::Char('q'))).expect("q");
        app.update(back);
        assert_eq!(app.mode(), Mode::List, "q leaves {mode:?} for the list");
        assert!(!app.quit);
    }
    // Help over the detail goes back to the detail, then the list.
    run(&mut app, &[Action::Open, Action::Help, Action::Back]);
    assert_eq!(app.mode(), Mode::Detail);
    app.update(Action::Back);
    assert_eq!(app.mode(), Mode::List);
    let quit = super::input::action(app.mode(), &key(KeyCode::Char('q'))).expect("q");
    app.update(quit);
    assert!(app.quit);
}

#[test]
fn search_filters_live_and_esc_clears() {
    let mut app = app();
    let all = app.ranking.actions.len();
    run(&mut app, &[Action::SearchStart]);
    assert_eq!(app.mode(), Mode::Search);
    for c in "CARGO".chars() {
        app.update(Action::SearchInput(c));
    }
    let names: Vec<&str> = app
        .ranking
        .actions
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(names, vec!["cargo test", "cargo build", "cargo clippy"]);
    app.update(Action::SearchBackspace);
    assert_eq!(app.filters.search, "CARG");
    app.update(Action::SearchEnd);
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.ranking.actions.len(), 3, "Enter keeps the filter");
    app.update(Action::Back);
    assert_eq!(app.filters.search, "");
    assert_eq!(app.ranking.actions.len(), all);
    run(&mut app, &[Action::SearchStart, Action::SearchInput('g')]);
    app.update(Action::SearchCancel);
    assert_eq!(app.ranking.actions.len(), all);
    assert_eq!(app.mode(), Mode::List);
}

#[test]
fn period_cycling_reranks_and_loads_older_days_once() {
    let source = fixture_source();
    let loads = source.loads.clone();
    let mut app = app_with(source, Filters::default(), RankOptions::default());
    assert_eq!(loads.get(), 1);
    let runs_30 = app.ranking.actions[0].runs;
    let days_30 = app.ranking.period.days();
    assert_eq!(days_30, 30);
    app.update(Action::Period(Step::Next));
    assert_eq!(app.filters.period, PeriodChoice::Last(90));
    assert_eq!(app.ranking.period.days(), 90);
    assert!(app.ranking.actions[0].runs > runs_30);
    assert_eq!(loads.get(), 2, "90 days needed older rollups");
    app.update(Action::Period(Step::Prev));
    app.update(Action::Period(Step::Prev));
    assert_eq!(app.filters.period, PeriodChoice::Last(7));
    assert_eq!(app.ranking.period.days(), 7);
    assert_eq!(loads.get(), 2, "shorter periods re-rank what is loaded");
    run(&mut app, &[Action::Period(Step::Prev)]);
    assert_eq!(app.filters.period, PeriodChoice::All);
    assert_eq!(app.ranking.period.days(), 120);
    assert_eq!(loads.get(), 3);
    run(&mut app, &[Action::Period(Step::Next)]);
    assert_eq!(app.filters.period, PeriodChoice::Last(7));
}

#[test]
fn selection_follows_the_action_across_re_ranks() {
    let mut app = app();
    run(&mut app, &[Action::Down, Action::Down]);
    let chosen = selected_action(&app);
    app.update(Action::Period(Step::Next));
    assert_eq!(selected_action(&app), chosen);
}

#[test]
fn repo_category_and_interactive_filters() {
    let mut app = app();
    assert_eq!(
        app.repos(),
        vec![API.to_string(), ML.to_string(), WEB.to_string()]
    );
    app.update(Action::Repo(Step::Next));
    assert_eq!(app.filters.repo.as_deref(), Some(API));
    let mut names: Vec<&str> = app
        .ranking
        .actions
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            "cargo build",
            "cargo clippy",
            "cargo test",
            "git push",
            "go test"
        ]
    );
    app.update(Action::Repo(Step::Prev));
    assert_eq!(app.filters.repo, None);
    app.update(Action::Repo(Step::Prev));
    assert_eq!(app.filters.repo.as_deref(), Some(WEB));
    app.update(Action::Repo(Step::Next));
    assert_eq!(app.filters.repo, None);

    app.update(Action::Category(Step::Next));
    assert_eq!(app.filters.category, Some(Category::Build));
    assert!(
        app.ranking
            .actions
            .iter()
            .all(|a| a.category == Category::Build)
    );
    while app.filters.category != Some(Category::Interactive) {
        app.update(Action::Category(Step::Next));
    }
    assert_eq!(selected_action(&app), "vim", "picking interactive shows it");
    app.update(Action::Category(Step::Prev));
    app.update(Action::Category(Step::Prev));
    while app.filters.category.is_some() {
        app.update(Action::Category(Step::Next));
    }

    assert!(!app.ranking.actions.iter().any(|a| a.action == "vim"));
    app.update(Action::ToggleInteractive);
    assert_eq!(
        app.ranking.actions.first().map(|a| a.action.as_str()),
        Some("vim")
    );
    app.update(Action::ToggleInteractive);
    assert!(!app.ranking.actions.iter().any(|a| a.action == "vim"));
}

#[test]
fn detail_split_moves_within_the_period_and_recompares() {
    let mut app = app();
    app.update(Action::Open);
    let detail = |app: &App| match app.screens.last() {
        Some(Screen::Detail(d)) => d.as_ref().clone(),
        other => panic!("not on a detail: {other:?}"),
    };
    let d = detail(&app);
    assert_eq!(d.stats.action, "cargo test");
    let period = d.period;
    assert_eq!(d.split_day, Some(period.first_day + 15));
    let windows = d.comparison.clone().expect("compared").expect("no error");
    assert!(
        windows.comparison.verdict_text().starts_with("Faster"),
        "{}",
        windows.comparison.verdict_text()
    );
    app.update(Action::Split(-7));
    assert_eq!(detail(&app).split_day, Some(period.first_day + 8));
    app.update(Action::Split(-100));
    assert_eq!(detail(&app).split_day, Some(period.first_day + 1));
    app.update(Action::Split(1000));
    let d = detail(&app);
    assert_eq!(d.split_day, Some(period.last_day));
    let windows = d.comparison.expect("compared").expect("no error");
    assert_eq!(windows.after.days(), 1);
    assert_eq!(windows.before.last_day, period.last_day - 1);
}

#[test]
fn detail_scroll_is_clamped_to_the_content() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::Open);
    app.update(Action::Bottom);
    let Some(Screen::Detail(d)) = app.screens.last() else {
        panic!("not on a detail");
    };
    let lines = view::detail::content(d, &app.ranking, 80).len();
    assert_eq!(d.scroll, lines - 22);
    app.update(Action::Up);
    let Some(Screen::Detail(d)) = app.screens.last() else {
        panic!("not on a detail");
    };
    assert_eq!(d.scroll, lines - 23, "one key up scrolls one line up");
}

#[test]
fn clicks_select_then_open() {
    let mut app = app();
    screen(&mut app, 80, 24);
    let body = view::list::layout(ratatui::layout::Rect::new(0, 0, 80, 24)).body;
    app.update(Action::Click {
        column: 10,
        row: body.y + 2,
    });
    assert_eq!(app.selected, 2);
    assert_eq!(app.mode(), Mode::List);
    app.update(Action::Click {
        column: 10,
        row: body.y + 2,
    });
    assert_eq!(app.mode(), Mode::Detail);
    app.update(Action::Back);
    app.update(Action::Click { column: 10, row: 0 });
    assert_eq!(app.selected, 2, "a click outside the rows changes nothing");
}

#[test]
fn grid_numbers_open_the_ranked_action() {
    let mut app = app();
    run(&mut app, &[Action::Grid, Action::OpenRank(3)]);
    assert_eq!(app.mode(), Mode::Detail);
    assert_eq!(selected_action(&app), app.ranking.actions[2].action);
    app.update(Action::Back);
    assert_eq!(app.mode(), Mode::Grid);
    app.update(Action::Grid);
    assert_eq!(app.mode(), Mode::List);
}

#[test]
fn empty_database_keys() {
    let mut app = empty_app();
    assert_eq!(app.mode(), Mode::Empty);
    run(&mut app, &[Action::Down, Action::Open, Action::Grid]);
    assert_eq!(app.mode(), Mode::Empty);
    app.update(Action::Help);
    assert_eq!(app.mode(), Mode::Help);
    app.update(Action::Back);
    assert_eq!(app.mode(), Mode::Empty);
    app.update(Action::Back);
    assert!(app.quit);
}

#[test]
fn a_failed_query_is_shown_not_fatal() {
    struct Failing(FakeSource);
    impl Source for Failing {
        fn dataset(&mut self, since: Option<i32>) -> Result<Dataset> {
            match since {
                Some(_) => self.0.dataset(since),
                None => anyhow::bail!("database is locked"),
            }
        }
        fn slowest_runs(
            &mut self,
            _: i64,
            _: Period,
            _: Option<&str>,
            _: usize,
        ) -> Result<Vec<SlowRun>> {
            anyhow::bail!("disk I/O error")
        }
        fn durations(&mut self, a: i64, p: Period, r: Option<&str>) -> Result<Vec<u64>> {
            self.0.durations(a, p, r)
        }
    }
    let mut app = App::new(
        Box::new(Failing(fixture_source())),
        today(),
        RankOptions::default(),
        Filters::default(),
    )
    .expect("first load works");
    app.update(Action::Period(Step::Prev));
    app.update(Action::Period(Step::Prev));
    assert_eq!(
        app.filters.period,
        PeriodChoice::Last(7),
        "the period stays"
    );
    assert_eq!(app.message.as_deref(), Some("database is locked"));
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("database is locked"), "{text}");
    app.update(Action::Open);
    let text = screen(&mut app, 80, 200);
    assert!(
        text.contains("could not read them: disk I/O error"),
        "{text}"
    );
}

// ---- nominating ---------------------------------------------------------------------

/// A key press as the terminal reports it.
fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Presses keys through the input layer, as the terminal loop does.
fn press(app: &mut App, keys: &[KeyCode]) {
    for &code in keys {
        if let Some(action) = super::input::action(app.mode(), &key(code)) {
            app.update(action);
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    let keys: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
    press(app, &keys);
}

/// The app, and handles on what it sends and on the answer the server gives.
fn nominating_app(
    upload_on: bool,
    fixes: Vec<Fix>,
) -> (App, Rc<RefCell<Vec<Preview>>>, AnswerSlot) {
    let mut source = fixture_source();
    source.uplink.upload_on = upload_on;
    source.uplink.fixes = fixes;
    let sent = source.uplink.sent.clone();
    let answer = source.uplink.answer.clone();
    (
        app_with(source, Filters::default(), RankOptions::default()),
        sent,
        answer,
    )
}

#[test]
fn nominate_note_80x24() {
    let (mut app, _, _) = nominating_app(true, Vec::new());
    screen(&mut app, 80, 24);
    press(&mut app, &[KeyCode::Char('n')]);
    assert_eq!(app.mode(), Mode::Note);
    type_text(&mut app, "takes 40 s every time I touch the api crate");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn nominate_note_40x12_long() {
    let (mut app, _, _) = nominating_app(true, Vec::new());
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(
        &mut app,
        "the api crate's integration tests start a database each time; one shared one would do",
    );
    insta::assert_snapshot!(screen(&mut app, 40, 12));
}

#[test]
fn nominate_preview_80x24() {
    let (mut app, _, _) = nominating_app(true, Vec::new());
    screen(&mut app, 80, 24);
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, "takes 40 s every time");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.mode(), Mode::Preview);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn nominate_preview_scrolled_to_the_note() {
    let (mut app, _, _) = nominating_app(true, Vec::new());
    screen(&mut app, 80, 24);
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, "takes 40 s every time");
    press(&mut app, &[KeyCode::Enter, KeyCode::End]);
    let text = screen(&mut app, 80, 24);
    // Scrolling keeps the preview open, and the end of the request is reachable.
    assert_eq!(app.mode(), Mode::Preview);
    assert!(text.contains("}"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn nominate_preview_of_an_unknown_tool_40x12() {
    let (mut app, _, _) = nominating_app(true, Vec::new());
    let index = app
        .ranking
        .actions
        .iter()
        .position(|a| a.action == "./scripts/bench.sh")
        .expect("the fixture has a private script");
    app.selected = index;
    press(&mut app, &[KeyCode::Char('n'), KeyCode::Enter]);
    let Some(Modal::Preview { preview, .. }) = &app.modal else {
        panic!("no preview: {:?}", app.modal);
    };
    assert_eq!(preview.draft.wire_action, "other:run");
    let body = String::from_utf8_lossy(&preview.draft.body).into_owned();
    assert!(!body.contains("bench"), "{body}");
    insta::assert_snapshot!(screen(&mut app, 40, 12));
}

#[test]
fn nominate_with_upload_off_80x24() {
    let (mut app, sent, _) = nominating_app(false, Vec::new());
    screen(&mut app, 80, 24);
    press(&mut app, &[KeyCode::Char('n')]);
    assert_eq!(app.mode(), Mode::Notice);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
    // Any key closes it; nothing is typed into anything and nothing is sent.
    press(&mut app, &[KeyCode::Char('y')]);
    assert_eq!(app.mode(), Mode::List);
    assert!(sent.borrow().is_empty());
}

#[test]
fn nominate_sends_in_the_background_and_the_status_line_shows_the_answer() {
    let (mut app, sent, answer) = nominating_app(true, Vec::new());
    screen(&mut app, 80, 24);
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, "please");
    press(&mut app, &[KeyCode::Enter, KeyCode::Char('y')]);
    // Sent without waiting for the server: the app is back on the list at once.
    assert_eq!(app.mode(), Mode::List);
    assert!(app.is_waiting());
    assert_eq!(sent.borrow().len(), 1);
    let body = String::from_utf8_lossy(&sent.borrow()[0].draft.body).into_owned();
    assert!(body.contains("\"note\": \"please\""), "{body}");
    // Keys still work while it is on its way, and the "sending" line stays.
    press(&mut app, &[KeyCode::Down]);
    app.update(Action::Tick);
    assert_eq!(app.selected, 1);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Sending the nomination of `cargo test` to https://worthit.example.com…"),
        "{text}"
    );
    answer
        .borrow()
        .as_ref()
        .expect("an answer channel")
        .send(Ok("Nominated `cargo test` (backlog entry 7, open).".into()))
        .expect("the app listens");
    app.update(Action::Tick);
    assert!(!app.is_waiting());
    insta::assert_snapshot!(screen(&mut app, 80, 24));
    // The next key clears it.
    press(&mut app, &[KeyCode::Up]);
    assert_eq!(app.notice, None);
}

#[test]
fn a_failed_send_is_shown_in_red() {
    let (mut app, _, answer) = nominating_app(true, Vec::new());
    press(
        &mut app,
        &[KeyCode::Char('n'), KeyCode::Enter, KeyCode::Char('y')],
    );
    answer
        .borrow()
        .as_ref()
        .expect("an answer channel")
        .send(Err(
            "the server refused the nomination (422): note: at most 280 characters".into(),
        ))
        .expect("the app listens");
    app.update(Action::Tick);
    assert_eq!(
        app.message.as_deref(),
        Some("the server refused the nomination (422): note: at most 280 characters")
    );
    assert_eq!(app.notice, None);
    // A dropped sender (a thread that died) is an answer too.
    press(
        &mut app,
        &[KeyCode::Char('n'), KeyCode::Enter, KeyCode::Char('y')],
    );
    answer.borrow_mut().take();
    app.update(Action::Tick);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("stopped without an answer")),
        "{:?}",
        app.message
    );
}

#[test]
fn the_note_is_limited_and_cancelling_sends_nothing() {
    let (mut app, sent, _) = nominating_app(true, Vec::new());
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, &"x".repeat(300));
    let Some(Modal::Note { note, .. }) = &app.modal else {
        panic!("no note modal");
    };
    assert_eq!(note.chars().count(), 280, "typing stops at the limit");
    press(&mut app, &[KeyCode::Backspace, KeyCode::Backspace]);
    let Some(Modal::Note { note, .. }) = &app.modal else {
        panic!("no note modal");
    };
    assert_eq!(note.chars().count(), 278);
    // Esc in the note, or any key but y in the preview: nothing is sent.
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.mode(), Mode::List);
    press(
        &mut app,
        &[KeyCode::Char('n'), KeyCode::Enter, KeyCode::Char('n')],
    );
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.notice.as_deref(), Some("Nothing was sent."));
    assert!(sent.borrow().is_empty());
    assert!(!app.is_waiting());
}

#[test]
fn nominate_from_the_detail_names_its_action() {
    let (mut app, sent, _) = nominating_app(true, Vec::new());
    press(&mut app, &[KeyCode::Down, KeyCode::Enter]);
    assert_eq!(app.mode(), Mode::Detail);
    press(
        &mut app,
        &[KeyCode::Char('n'), KeyCode::Enter, KeyCode::Char('y')],
    );
    assert_eq!(sent.borrow()[0].draft.local_action, "cargo build");
    // Back on the detail it came from.
    assert_eq!(app.mode(), Mode::Detail);
}

#[test]
fn detail_with_a_fix_80x24() {
    let fix = Fix {
        action: "cargo test".into(),
        fixed_on: "2026-11-09".into(),
        saved_hours_per_week: Some(7.5),
        verdict: Some("saved".into()),
    };
    let (mut app, _, _) = nominating_app(true, vec![fix]);
    screen(&mut app, 80, 24);
    app.update(Action::Open);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Fix landed 2026-11-09: you save"), "{text}");
    assert!(text.contains("per week (p < 0.001)."), "{text}");
    insta::assert_snapshot!(text);
    // Other actions have no fix line.
    app.update(Action::Back);
    app.update(Action::Down);
    app.update(Action::Open);
    assert!(!screen(&mut app, 80, 24).contains("Fix landed"));
}
