//! The TUI's state, and [`App::update`], the only place it changes.
//!
//! Keys and mouse events become an [`Action`] (see `input`), `update` applies it, and the
//! view draws the result without changing anything. The state holds the rollups loaded
//! once, the current [`Ranking`] (recomputed in memory whenever a filter changes, which is
//! cheap), the selection, the filters and a stack of screens over the ranked list. "Today"
//! is fixed when the app is made, and everything that needs the database goes through a
//! [`Source`], so tests drive the whole app with fixed data.
//!
//! Nominating (`n`) opens a [`Modal`] over the current screen; its steps live in
//! [`nominate`]. The send runs on a background thread and its answer is picked up by
//! [`Action::Tick`], which the terminal loop sends while [`App::is_waiting`].

mod nominate;

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;
use ratatui::layout::Rect;

use super::source::{Preview, SlowRun, Source};
use super::view;
use crate::classify::{Category, Classifier};
use crate::compare::{self, Comparison, Side};
use crate::dataset::Dataset;
use crate::explain;
use crate::rank::{self, ActionStats, Period, RankOptions, Ranking};
use crate::rollup::Tally;
use crate::upload::fixes::{self, Fix};

pub use nominate::Pending;

/// The period lengths `p` steps through, in days; "all" follows the last.
pub const PERIOD_STEPS: [u32; 4] = [7, 30, 90, 365];

/// How many slowest runs the detail screen lists.
pub const SLOWEST_RUNS: usize = 10;

/// How many of the top actions the XKCD grid places (markers 1–9).
pub const GRID_MARKERS: usize = 9;

/// Which days the ranking covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    /// The last N days, today included.
    Last(u32),
    /// Every day with data.
    All,
    /// Dates given on the command line (`--since`/`--until`).
    Custom(Period),
}

/// What the ranked list is narrowed to.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    pub period: PeriodChoice,
    /// A repository root as stored; `None`: every repository and none.
    pub repo: Option<String>,
    pub category: Option<Category>,
    /// Also rank interactive sessions (editors, shells, dev servers).
    pub include_interactive: bool,
    /// Only actions whose key contains this (case-insensitive); empty: all.
    pub search: String,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            period: PeriodChoice::Last(PERIOD_STEPS[1]),
            repo: None,
            category: None,
            include_interactive: false,
            search: String::new(),
        }
    }
}

/// A screen over the ranked list (which is always at the bottom of the stack).
#[derive(Debug, Clone)]
pub enum Screen {
    Detail(Box<Detail>),
    Grid,
    Help { scroll: usize },
}

/// Which keys mean what right now; derived from the state, see [`App::mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing recorded yet: the getting-started screen.
    Empty,
    List,
    /// Typing a `/` search on the list.
    Search,
    Detail,
    Grid,
    Help,
    /// Uploading is off: the nominate modal says how to turn it on.
    Notice,
    /// Typing a nomination's note.
    Note,
    /// Reading the nomination that would be sent.
    Preview,
}

/// A small window over the current screen that takes every key while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// Why nothing can be nominated now, and what to do (any key closes it).
    Notice { title: String, text: String },
    /// The note for nominating `action`, as typed so far.
    Note { action: String, note: String },
    /// Everything that `y` would send.
    Preview {
        preview: Box<Preview>,
        scroll: usize,
    },
}

/// Forwards or backwards through a filter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Next,
    Prev,
}

/// Everything that can happen to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Open the selected action's detail.
    Open,
    /// Open the detail of the action ranked N (1-based), as numbered on the grid.
    OpenRank(usize),
    /// Leave the current screen (on the list: clear the search).
    Back,
    Quit,
    /// Show or hide the help screen.
    Help,
    /// Show or hide the XKCD grid.
    Grid,
    Period(Step),
    Repo(Step),
    Category(Step),
    ToggleInteractive,
    SearchStart,
    SearchInput(char),
    SearchBackspace,
    /// Empty the query but keep typing (Ctrl-U).
    SearchClear,
    /// Keep the query and go back to the list's keys (Enter).
    SearchEnd,
    /// Drop the query (Esc).
    SearchCancel,
    /// Move the before/after split day by this many days.
    Split(i32),
    Resize {
        width: u16,
        height: u16,
    },
    /// A left click at a cell.
    Click {
        column: u16,
        row: u16,
    },
    /// Mouse wheel: negative is up.
    Scroll(i32),
    /// Nominate the selected action (or the detail's) for a fix: opens the note modal.
    Nominate,
    NoteInput(char),
    NoteBackspace,
    /// Build the nomination and show it in full (Enter).
    NoteSubmit,
    /// Send the previewed nomination (y).
    ConfirmSend,
    /// Close the modal without sending.
    ModalCancel,
    /// Time passed: pick up a background answer, if one arrived.
    Tick,
}

/// One action's detail screen: figures fixed when it opened, plus the before/after split.
#[derive(Debug, Clone)]
pub struct Detail {
    pub stats: ActionStats,
    pub period: Period,
    pub repo: Option<String>,
    /// The product sentence about this action.
    pub headline: String,
    /// One tally per day of the period.
    pub daily: Vec<Tally>,
    pub by_repo: Vec<(Option<String>, Tally)>,
    pub slowest: Result<Vec<SlowRun>, String>,
    /// First day of the "after" window; `None` when the period is a single day.
    pub split_day: Option<i32>,
    pub comparison: Option<Result<Windows, String>>,
    /// A fix the team server reported for this action, and what it did for this user.
    pub fix: Option<FixPayoff>,
    /// First body line shown.
    pub scroll: usize,
}

/// "Fix landed DATE: …": the user's own runs around a fix the team server reported.
#[derive(Debug, Clone)]
pub struct FixPayoff {
    pub fixed_on: i32,
    pub comparison: Result<Comparison, String>,
}

/// A before/after comparison and the windows it covers.
#[derive(Debug, Clone)]
pub struct Windows {
    pub before: Period,
    pub after: Period,
    pub comparison: Comparison,
}

/// The TUI's whole state.
pub struct App {
    source: Box<dyn Source>,
    /// Fixed when the app starts: tests pass their own.
    pub today: i32,
    /// Team size and time view from the flags and config.
    base: RankOptions,
    data: Dataset,
    /// First day the loaded rollups cover; `None`: all of them.
    loaded_since: Option<i32>,
    /// `data` narrowed to the repository filter, when there is one.
    scoped: Option<Dataset>,
    pub filters: Filters,
    pub ranking: Ranking,
    pub selected: usize,
    /// First list row shown.
    pub offset: usize,
    pub screens: Vec<Screen>,
    /// Typing a search query.
    pub searching: bool,
    /// Terminal size in cells.
    pub size: (u16, u16),
    /// A problem to show in the footer until the next key (e.g. a failed query).
    pub message: Option<String>,
    /// News for the footer (not a problem): a nomination being sent, or its answer.
    pub notice: Option<String>,
    pub modal: Option<Modal>,
    /// A nomination on its way, whose answer has not arrived yet.
    pending: Option<Pending>,
    /// The team server's fixes, as cached when the app started.
    fixes: Vec<Fix>,
    pub quit: bool,
}

impl App {
    /// Loads the rollups the filters' period needs and ranks them.
    pub fn new(
        mut source: Box<dyn Source>,
        today: i32,
        base: RankOptions,
        filters: Filters,
    ) -> Result<App> {
        let since = needed_since(filters.period, today);
        let data = source.dataset(since)?;
        let fixes = source.fixes();
        let mut app = App {
            source,
            today,
            base,
            data,
            loaded_since: since,
            scoped: None,
            ranking: Ranking {
                period: Period::ending(today, 1),
                active_days: 0,
                span_days: 0,
                team_size: 1,
                view: Default::default(),
                actions: Vec::new(),
            },
            filters,
            selected: 0,
            offset: 0,
            screens: Vec::new(),
            searching: false,
            size: (80, 24),
            message: None,
            notice: None,
            modal: None,
            pending: None,
            fixes,
            quit: false,
        };
        app.rescope();
        app.rerank();
        Ok(app)
    }

    /// Nothing was ever recorded (or imported): show how to start.
    pub fn is_empty(&self) -> bool {
        self.data.actions.is_empty()
    }

    pub fn mode(&self) -> Mode {
        match &self.modal {
            Some(Modal::Notice { .. }) => return Mode::Notice,
            Some(Modal::Note { .. }) => return Mode::Note,
            Some(Modal::Preview { .. }) => return Mode::Preview,
            None => {}
        }
        match self.screens.last() {
            Some(Screen::Detail(_)) => Mode::Detail,
            Some(Screen::Grid) => Mode::Grid,
            Some(Screen::Help { .. }) => Mode::Help,
            None if self.is_empty() => Mode::Empty,
            None if self.searching => Mode::Search,
            None => Mode::List,
        }
    }

    /// The days the ranking covers.
    pub fn period(&self) -> Period {
        match self.filters.period {
            PeriodChoice::Last(days) => Period::ending(self.today, days),
            PeriodChoice::All => Period {
                first_day: self
                    .data
                    .day_range()
                    .map_or(self.today, |(first, _)| first.min(self.today)),
                last_day: self.today,
            },
            PeriodChoice::Custom(period) => period,
        }
    }

    /// The rollups in scope (narrowed to the repository filter).
    pub fn scoped(&self) -> &Dataset {
        self.scoped.as_ref().unwrap_or(&self.data)
    }

    /// Repository roots with any loaded rollup, by directory name.
    pub fn repos(&self) -> Vec<String> {
        let ids: BTreeSet<i64> = self.data.rows.iter().map(|r| r.key.repo_id).collect();
        let mut roots: Vec<String> = ids
            .iter()
            .filter_map(|id| self.data.repos.get(id).cloned())
            .collect();
        roots.sort_by(|a, b| repo_name(a).cmp(repo_name(b)).then(a.cmp(b)));
        roots
    }

    /// Categories of the loaded actions, alphabetically.
    pub fn categories(&self) -> Vec<Category> {
        let used: BTreeSet<i64> = self.data.rows.iter().map(|r| r.key.action_id).collect();
        let mut categories: Vec<Category> = Vec::new();
        for action in &self.data.actions {
            if used.contains(&action.id) && !categories.contains(&action.category) {
                categories.push(action.category);
            }
        }
        categories.sort_by_key(|c| c.as_str());
        categories
    }

    /// The selected action's figures, if the list has any.
    pub fn selected_stats(&self) -> Option<&ActionStats> {
        self.ranking.actions.get(self.selected)
    }

    /// The product sentence about the selected action.
    pub fn selected_headline(&self) -> Option<String> {
        self.selected_stats()
            .map(|a| explain::headline(a, &self.ranking))
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        if !matches!(action, Action::Resize { .. } | Action::Tick) {
            self.message = None;
            if self.pending.is_none() {
                self.notice = None;
            }
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Resize { width, height } => {
                self.size = (width, height);
                self.keep_selection_visible();
                self.clamp_scroll();
            }
            Action::Tick => self.poll_pending(),
            _ if self.modal.is_some() => self.update_modal(action),
            Action::Nominate => self.start_nomination(),
            Action::Help => match self.screens.last() {
                Some(Screen::Help { .. }) => {
                    self.screens.pop();
                }
                _ => {
                    self.searching = false;
                    self.screens.push(Screen::Help { scroll: 0 });
                }
            },
            Action::Back => self.back(),
            _ => match self.mode() {
                Mode::Empty => {}
                Mode::List | Mode::Search => self.update_list(action),
                Mode::Grid => self.update_grid(action),
                Mode::Detail => self.update_detail(action),
                Mode::Help => self.scroll_by(scroll_delta(action, self.body_rows())),
                // Modals took their actions above.
                Mode::Notice | Mode::Note | Mode::Preview => {}
            },
        }
    }

    fn back(&mut self) {
        if self.screens.pop().is_some() {
            return;
        }
        if self.is_empty() {
            self.quit = true;
        } else if self.searching || !self.filters.search.is_empty() {
            self.searching = false;
            self.set_search(String::new());
        }
    }

    fn update_list(&mut self, action: Action) {
        let page = self.list_rows().max(1);
        let last = self.ranking.actions.len().saturating_sub(1);
        match action {
            Action::Up => self.select(self.selected.saturating_sub(1)),
            Action::Down => self.select((self.selected + 1).min(last)),
            Action::PageUp => self.select(self.selected.saturating_sub(page)),
            Action::PageDown => self.select((self.selected + page).min(last)),
            Action::Top => self.select(0),
            Action::Bottom => self.select(last),
            Action::Scroll(lines) => {
                let target = self.selected as i64 + i64::from(lines);
                self.select(target.clamp(0, last as i64) as usize);
            }
            Action::Open => self.open_detail(self.selected),
            Action::OpenRank(rank) => self.open_detail(rank.saturating_sub(1)),
            Action::Click { column, row } => self.click_list(column, row),
            Action::Grid => {
                self.searching = false;
                self.screens.push(Screen::Grid);
            }
            Action::SearchStart => self.searching = true,
            Action::SearchInput(c) => {
                let mut query = self.filters.search.clone();
                query.push(c);
                self.set_search(query);
            }
            Action::SearchBackspace => {
                let mut query = self.filters.search.clone();
                query.pop();
                self.set_search(query);
            }
            Action::SearchClear => self.set_search(String::new()),
            Action::SearchEnd => self.searching = false,
            Action::SearchCancel => {
                self.searching = false;
                self.set_search(String::new());
            }
            _ => self.update_filters(action),
        }
    }

    fn update_grid(&mut self, action: Action) {
        match action {
            Action::Grid => {
                self.screens.pop();
            }
            Action::OpenRank(rank) if (1..=GRID_MARKERS).contains(&rank) => {
                self.open_detail(rank - 1)
            }
            _ => self.update_filters(action),
        }
    }

    fn update_filters(&mut self, action: Action) {
        match action {
            Action::Period(step) => self.step_period(step),
            Action::Repo(step) => {
                let repos = self.repos();
                self.filters.repo = cycle(&repos, self.filters.repo.as_ref(), step).cloned();
                self.rescope();
                self.rerank();
            }
            Action::Category(step) => {
                let categories = self.categories();
                self.filters.category =
                    cycle(&categories, self.filters.category.as_ref(), step).copied();
                self.rerank();
            }
            Action::ToggleInteractive => {
                self.filters.include_interactive = !self.filters.include_interactive;
                self.rerank();
            }
            _ => {}
        }
    }

    fn update_detail(&mut self, action: Action) {
        match action {
            Action::Split(days) => self.move_split(days),
            other => self.scroll_by(scroll_delta(other, self.body_rows())),
        }
    }

    fn step_period(&mut self, step: Step) {
        let choices: Vec<PeriodChoice> = PERIOD_STEPS
            .iter()
            .map(|&d| PeriodChoice::Last(d))
            .chain([PeriodChoice::All])
            .collect();
        let next = match self.filters.period {
            // A period from the flags steps to the nearest preset.
            PeriodChoice::Custom(p) => {
                let nearest = choices
                    .iter()
                    .position(|c| matches!(c, PeriodChoice::Last(d) if *d >= p.days()))
                    .unwrap_or(choices.len() - 1);
                choices[nearest]
            }
            current => {
                let at = choices.iter().position(|c| *c == current).unwrap_or(0);
                let n = choices.len();
                match step {
                    Step::Next => choices[(at + 1) % n],
                    Step::Prev => choices[(at + n - 1) % n],
                }
            }
        };
        let before = self.filters.period;
        self.filters.period = next;
        let since = needed_since(next, self.today);
        let covered = match (self.loaded_since, since) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(loaded), Some(wanted)) => loaded <= wanted,
        };
        if !covered {
            match self.source.dataset(since) {
                Ok(data) => {
                    self.data = data;
                    self.loaded_since = since;
                    self.rescope();
                }
                Err(err) => {
                    self.filters.period = before;
                    self.message = Some(format!("{err:#}"));
                    return;
                }
            }
        }
        self.rerank();
    }

    fn set_search(&mut self, query: String) {
        self.filters.search = query;
        self.rerank();
        self.select(0);
    }

    /// Narrows the loaded rollups to the repository filter.
    fn rescope(&mut self) {
        self.scoped = self.filters.repo.as_ref().map(|root| {
            let id = self
                .data
                .repos
                .iter()
                .find(|(_, path)| *path == root)
                .map(|(&id, _)| id);
            Dataset {
                actions: self.data.actions.clone(),
                repos: self.data.repos.clone(),
                rows: self
                    .data
                    .rows
                    .iter()
                    .filter(|row| Some(row.key.repo_id) == id)
                    .cloned()
                    .collect(),
            }
        });
    }

    /// Ranks again with the current filters, keeping the selected action selected.
    fn rerank(&mut self) {
        let kept = self.selected_stats().map(|a| a.action_id);
        let mut options = self.base.clone();
        options.include_interactive = self.filters.include_interactive
            || self.filters.category == Some(Category::Interactive);
        options.categories = self.filters.category.into_iter().collect();
        options.action_filter =
            (!self.filters.search.is_empty()).then(|| self.filters.search.clone());
        let period = self.period();
        let data = self.scoped();
        self.ranking = rank::rank(&data.actions, &data.rows, period, &options);
        let index = kept
            .and_then(|id| self.ranking.actions.iter().position(|a| a.action_id == id))
            .unwrap_or(self.selected);
        self.select(index);
    }

    fn select(&mut self, index: usize) {
        self.selected = index.min(self.ranking.actions.len().saturating_sub(1));
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let rows = self.list_rows().max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        let len = self.ranking.actions.len();
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// Rows of the ranked list visible at the current size.
    fn list_rows(&self) -> usize {
        usize::from(view::list::layout(self.area()).body.height)
    }

    /// Rows of the scrolling body of the detail and help screens.
    fn body_rows(&self) -> usize {
        usize::from(view::body_area(self.area()).height)
    }

    fn click_list(&mut self, column: u16, row: u16) {
        let body = view::list::layout(self.area()).body;
        if !body.contains((column, row).into()) {
            return;
        }
        let index = self.offset + usize::from(row - body.y);
        if index >= self.ranking.actions.len() {
            return;
        }
        if index == self.selected {
            self.open_detail(index);
        } else {
            self.select(index);
        }
    }

    fn open_detail(&mut self, index: usize) {
        let Some(stats) = self.ranking.actions.get(index).cloned() else {
            return;
        };
        self.select(index);
        self.searching = false;
        let period = self.period();
        let repo = self.filters.repo.clone();
        let data = self.scoped();
        let daily = data.daily(stats.action_id, period);
        let by_repo = data.by_repo(stats.action_id, period);
        let headline = explain::headline(&stats, &self.ranking);
        let slowest = self
            .source
            .slowest_runs(stats.action_id, period, repo.as_deref(), SLOWEST_RUNS)
            .map_err(|err| format!("{err:#}"));
        let split_day = (period.days() >= 2).then(|| period.first_day + (period.days() / 2) as i32);
        let mut detail = Detail {
            stats,
            period,
            repo,
            headline,
            daily,
            by_repo,
            slowest,
            split_day,
            comparison: None,
            fix: None,
            scroll: 0,
        };
        detail.comparison = self.compare(&detail);
        detail.fix = self.fix_payoff(&detail.stats);
        self.screens.push(Screen::Detail(Box::new(detail)));
    }

    fn move_split(&mut self, days: i32) {
        let Some(Screen::Detail(detail)) = self.screens.last() else {
            return;
        };
        let Some(split) = detail.split_day else {
            return;
        };
        let period = detail.period;
        let moved = (split + days).clamp(period.first_day + 1, period.last_day);
        if moved == split {
            return;
        }
        let mut updated = detail.clone();
        updated.split_day = Some(moved);
        updated.comparison = self.compare(&updated);
        if let Some(Screen::Detail(detail)) = self.screens.last_mut() {
            **detail = *updated;
        }
    }

    /// The before/after comparison around the detail's split day.
    fn compare(&mut self, detail: &Detail) -> Option<Result<Windows, String>> {
        let split = detail.split_day?;
        let before = Period {
            first_day: detail.period.first_day,
            last_day: split - 1,
        };
        let after = Period {
            first_day: split,
            last_day: detail.period.last_day,
        };
        let active = active_days(self.scoped(), [before, after]);
        let id = detail.stats.action_id;
        let repo = detail.repo.as_deref();
        let runs = self
            .source
            .durations(id, before, repo)
            .and_then(|b| Ok((b, self.source.durations(id, after, repo)?)));
        Some(match runs {
            Ok((before_us, after_us)) => Ok(Windows {
                before,
                after,
                comparison: compare::compare(
                    Side::new(&before_us, active[0], before.days()),
                    Side::new(&after_us, active[1], after.days()),
                    &before_us,
                    &after_us,
                ),
            }),
            Err(err) => Err(format!("{err:#}")),
        })
    }

    /// The user's own runs before and after the latest fix the team server reported for
    /// this action, with `worthit compare`'s windows; `None` when there is no such fix.
    fn fix_payoff(&mut self, stats: &ActionStats) -> Option<FixPayoff> {
        let fix = fixes::fix_for(
            &self.fixes,
            &stats.action,
            stats.category,
            &Classifier::builtin(),
            self.today,
        )?;
        let fixed_on = fix.day()?;
        let (before, after) =
            compare::fix_windows(fixed_on, fixed_on, compare::DEFAULT_WINDOW_DAYS, self.today);
        let id = stats.action_id;
        let runs = self
            .source
            .durations(id, before, None)
            .and_then(|b| Ok((b, self.source.durations(id, after, None)?)));
        // The loaded rollups may not reach back to the before window; active days only
        // set runs per day, which the sentence does not use.
        let active = active_days(self.scoped(), [before, after]);
        Some(FixPayoff {
            fixed_on,
            comparison: runs
                .map(|(before_us, after_us)| {
                    compare::compare(
                        Side::new(&before_us, active[0], before.days()),
                        Side::new(&after_us, active[1], after.days()),
                        &before_us,
                        &after_us,
                    )
                })
                .map_err(|err| format!("{err:#}")),
        })
    }

    fn scroll_by(&mut self, delta: i64) {
        if delta == 0 {
            return;
        }
        if let Some(scroll) = self.top_scroll_mut() {
            *scroll = (*scroll as i64 + delta).max(0) as usize;
        }
        self.clamp_scroll();
    }

    fn top_scroll_mut(&mut self) -> Option<&mut usize> {
        if let Some(Modal::Preview { scroll, .. }) = &mut self.modal {
            return Some(scroll);
        }
        match self.screens.last_mut()? {
            Screen::Detail(detail) => Some(&mut detail.scroll),
            Screen::Help { scroll } => Some(scroll),
            Screen::Grid => None,
        }
    }

    /// Keeps the detail or help body, or the preview, from scrolling past its last line.
    fn clamp_scroll(&mut self) {
        if let Some(Modal::Preview { preview, .. }) = &self.modal {
            let rows = view::nominate::preview_rows(self.area());
            let lines = view::nominate::preview_lines(preview, self.area()).len();
            let max = lines.saturating_sub(rows);
            if let Some(scroll) = self.top_scroll_mut() {
                *scroll = (*scroll).min(max);
            }
            return;
        }
        let area = view::body_area(self.area());
        let lines = match self.screens.last() {
            Some(Screen::Detail(detail)) => {
                view::detail::content(detail, &self.ranking, area.width).len()
            }
            Some(Screen::Help { .. }) => view::help::content(area.width).len(),
            _ => return,
        };
        let max = lines.saturating_sub(usize::from(area.height));
        if let Some(scroll) = self.top_scroll_mut() {
            *scroll = (*scroll).min(max);
        }
    }
}

/// Lines a key scrolls a text body by (`page` lines for a page).
fn scroll_delta(action: Action, page: usize) -> i64 {
    let page = page.max(1) as i64;
    match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => i64::MIN / 2,
        Action::Bottom => i64::MAX / 2,
        Action::Scroll(lines) => i64::from(lines),
        _ => 0,
    }
}

/// The first day a period choice needs loaded (`None`: all days).
fn needed_since(choice: PeriodChoice, today: i32) -> Option<i32> {
    match choice {
        PeriodChoice::Last(days) => Some(Period::ending(today, days).first_day),
        PeriodChoice::All => None,
        PeriodChoice::Custom(period) => Some(period.first_day),
    }
}

/// Days with any recorded command in each period (what "runs per active day" divides by).
fn active_days<const N: usize>(data: &Dataset, periods: [Period; N]) -> [u32; N] {
    let mut days: HashMap<usize, BTreeSet<i32>> = HashMap::new();
    for row in &data.rows {
        for (i, period) in periods.iter().enumerate() {
            if period.contains(row.key.day) {
                days.entry(i).or_default().insert(row.key.day);
            }
        }
    }
    std::array::from_fn(|i| days.get(&i).map_or(0, |d| d.len() as u32))
}

/// The value after (or before) `current` in `values`, passing through `None` (no filter)
/// between the last and the first.
fn cycle<'a, T: PartialEq>(values: &'a [T], current: Option<&T>, step: Step) -> Option<&'a T> {
    let position = current.and_then(|c| values.iter().position(|v| v == c));
    match (step, position) {
        (Step::Next, None) => values.first(),
        (Step::Next, Some(i)) => values.get(i + 1),
        (Step::Prev, None) => values.last(),
        (Step::Prev, Some(0)) => None,
        (Step::Prev, Some(i)) => values.get(i - 1),
    }
}

/// A repository's directory name, as lists show it.
pub fn repo_name(root: &str) -> &str {
    root.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
        .unwrap_or(root)
}

impl PeriodChoice {
    /// A short label: `30d`, `all`, or the dates from the flags.
    pub fn label(&self) -> String {
        match self {
            PeriodChoice::Last(days) => format!("{days}d"),
            PeriodChoice::All => "all".to_string(),
            PeriodChoice::Custom(period) => format!(
                "{}–{}",
                super::date_of(period.first_day),
                super::date_of(period.last_day)
            ),
        }
    }
}
