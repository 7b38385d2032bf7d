//! `worthit report`: the ranked time sinks as a table, JSON or CSV.
//!
//! The JSON array and the CSV columns are a stable contract documented in docs/report.md.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use super::Run;
use super::scope;
use crate::classify::Category;
use crate::cli::ReportArgs;
use crate::config::{Config, Paths};
use crate::dataset::{self, Scope};
use crate::explain::{budget_text, headline};
use crate::rank::{self, ActionStats, Budgets, Ranking, TimeView};
use crate::store::Store;
use crate::units;
use crate::watch::load::{self, LoadSplit};

/// Rows a terminal table shows unless `--top` says otherwise.
const TABLE_TOP: usize = 15;

impl Run for ReportArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        crate::ingest::before_read(&paths, &config);
        let store = Store::open(&paths.database())?;
        let (ranking, repo) = self.ranking(&store, &config)?;
        let loads = load::saturation_by_action(&store, ranking.period, repo.as_deref())?;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        if self.json {
            let rows: Vec<JsonRow<'_>> = ranking
                .actions
                .iter()
                .map(|a| JsonRow::new(a, &ranking, loads.get(&a.action_id)))
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        } else if self.csv {
            write_csv(&mut out, &ranking)?;
        } else {
            let style = Style::for_stdout();
            let width = terminal_width();
            write_table(&mut out, &ranking, &loads, style, width)?;
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

impl ReportArgs {
    /// The ranking, and the repository it is limited to.
    fn ranking(&self, store: &Store, config: &Config) -> Result<(Ranking, Option<String>)> {
        let today = scope::today();
        let period = scope::period(&self.scope, today)?;
        let repo = match &self.scope.repo {
            Some(repo) => Some(scope::resolve_repo(store, repo)?),
            None => None,
        };
        let mut options = scope::rank_options(&self.scope, config);
        for name in &self.category {
            let category: Category = name.parse()?;
            if category == Category::Interactive {
                options.include_interactive = true;
            }
            options.categories.push(category);
        }
        options.action_filter = self.action.clone();
        let (actions, totals) = dataset::load_totals(
            store,
            &Scope {
                period: Some(period),
                repo: repo.clone(),
            },
        )?;
        let mut ranking = rank::rank_totals(&actions, totals, period, &options);
        let top = match self.top {
            Some(0) => usize::MAX,
            Some(n) => n,
            None if self.json || self.csv => usize::MAX,
            None => TABLE_TOP,
        };
        ranking.actions.truncate(top);
        Ok((ranking, repo))
    }
}

/// One object of `worthit report --json`.
#[derive(Debug, Serialize)]
pub struct JsonRow<'a> {
    pub action: &'a str,
    pub category: Category,
    pub counted: bool,
    pub runs: u64,
    pub timed_runs: u64,
    pub runs_per_day: f64,
    pub total_s: f64,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub spread_s: Option<f64>,
    pub fail_rate: Option<f64>,
    pub per_day_s: f64,
    pub per_week_s: f64,
    pub runs_per_year: f64,
    pub worth_5y_s: Option<Budgets>,
    pub team_size: u32,
    pub team_worth_5y_s: Option<Budgets>,
    /// "calendar" or "working".
    pub view: &'static str,
    /// How load split the runs `worthit watch` sampled; absent when it sampled none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<&'a LoadSplit>,
}

impl<'a> JsonRow<'a> {
    pub fn new(a: &'a ActionStats, ranking: &Ranking, load: Option<&'a LoadSplit>) -> JsonRow<'a> {
        JsonRow {
            action: &a.action,
            category: a.category,
            counted: a.counted,
            runs: a.runs,
            timed_runs: a.timed_runs,
            runs_per_day: a.runs_per_day,
            total_s: a.total_s,
            median_s: a.median_s,
            p90_s: a.p90_s,
            spread_s: a.spread_s,
            fail_rate: a.fail_rate,
            per_day_s: a.per_day_s,
            per_week_s: a.per_week_s,
            runs_per_year: a.runs_per_year,
            worth_5y_s: a.worth_5y_s,
            team_size: ranking.team_size,
            team_worth_5y_s: a.team_worth_5y_s,
            view: match ranking.view {
                TimeView::Calendar => "calendar",
                TimeView::Working(_) => "working",
            },
            load,
        }
    }
}

const CSV_HEADER: &str = "action,category,counted,runs,timed_runs,runs_per_day,total_s,median_s,p90_s,spread_s,fail_rate,per_day_s,per_week_s,runs_per_year,worth_5y_10pct_s,worth_5y_50pct_s,worth_5y_100pct_s,team_size,team_worth_5y_10pct_s,team_worth_5y_50pct_s,team_worth_5y_100pct_s,view";

fn write_csv(out: &mut impl Write, ranking: &Ranking) -> Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let budgets = |b: Option<Budgets>| {
        [
            opt(b.map(|b| b.tenth)),
            opt(b.map(|b| b.half)),
            opt(b.map(|b| b.all)),
        ]
        .join(",")
    };
    for a in &ranking.actions {
        // The CSV columns are fixed; load data is in the JSON only.
        let row = JsonRow::new(a, ranking, None);
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(row.action),
            row.category,
            row.counted,
            row.runs,
            row.timed_runs,
            row.runs_per_day,
            row.total_s,
            opt(row.median_s),
            opt(row.p90_s),
            opt(row.spread_s),
            opt(row.fail_rate),
            row.per_day_s,
            row.per_week_s,
            row.runs_per_year,
            budgets(row.worth_5y_s),
            row.team_size,
            budgets(row.team_worth_5y_s),
            row.view,
        )?;
    }
    Ok(())
}

/// RFC 4180 quoting: only when needed, doubling inner quotes.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// ANSI styling, off for pipes and when `NO_COLOR` is set (https://no-color.org).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            colour: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn category(self, category: Category, text: &str) -> String {
        let code = match category {
            Category::Build => "33",
            Category::Test => "32",
            Category::Lint => "36",
            Category::Deploy | Category::Container => "35",
            Category::Deps => "34",
            _ => "39",
        };
        self.paint(code, text)
    }
}

/// The terminal's width when stdout is one, else 80.
fn terminal_width() -> usize {
    if std::io::stdout().is_terminal()
        && let Ok((columns, _)) = ratatui::crossterm::terminal::size()
    {
        return usize::from(columns).clamp(60, 200);
    }
    80
}

/// The table: a headline sentence about the biggest sink, then one row per action, then
/// a footnote per shown action that often ran on a saturated machine (from `loads`, by
/// action id).
pub fn write_table(
    out: &mut impl Write,
    ranking: &Ranking,
    loads: &HashMap<i64, LoadSplit>,
    style: Style,
    width: usize,
) -> Result<()> {
    let period = format!(
        "{} to {}",
        scope::date_of(ranking.period.first_day),
        scope::date_of(ranking.period.last_day)
    );
    if ranking.actions.is_empty() {
        writeln!(
            out,
            "No timed commands from {period}. Record with `eval \"$(worthit init bash)\"` (or zsh; `worthit init fish | source`), or bring in history with `worthit import auto`."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Your time sinks, {period} ({} active days)",
            ranking.active_days
        ))
    )?;
    if let Some(top) = ranking.actions.first() {
        for line in wrap(&headline(top, ranking), width) {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out)?;
    // Fixed columns take 61 characters; the action gets the rest.
    let action_width = width.saturating_sub(61).max(14);
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<aw$} {:<9} {:>6} {:>7} {:>7} {:>5} {:>10} {:>10}",
            "action",
            "category",
            "runs/d",
            "median",
            "p90",
            "fail",
            "per week",
            "worth ½",
            aw = action_width
        ))
    )?;
    for a in &ranking.actions {
        let name = truncate(&a.action, action_width);
        let category = format!("{:<9}", a.category.as_str());
        let worth = a
            .worth_5y_s
            .map(|b| budget_text(b.half, ranking.view))
            .unwrap_or_else(|| "–".into());
        writeln!(
            out,
            "{:<aw$} {} {:>6} {:>7} {:>7} {:>5} {:>10} {:>10}",
            name,
            style.category(a.category, &category),
            units::rate(a.runs_per_day),
            a.median_s.map_or("–".into(), units::compact),
            a.p90_s.map_or("–".into(), units::compact),
            a.fail_rate.map_or("–".into(), units::percent),
            units::duration(a.per_week_s),
            short_budget(&worth),
            aw = action_width
        )?;
    }
    writeln!(out)?;
    let footnotes: Vec<String> = ranking
        .actions
        .iter()
        .filter_map(|a| loads.get(&a.action_id)?.sentence(&a.action))
        .collect();
    for footnote in &footnotes {
        for line in wrap(footnote, width) {
            writeln!(out, "{line}")?;
        }
    }
    if !footnotes.is_empty() {
        writeln!(out)?;
    }
    let mut legend = format!(
        "runs/d: runs per active day. worth ½: what halving the median is worth over 5 years, in {}.",
        ranking.view.describe()
    );
    if ranking.actions.iter().any(|a| a.timed_runs < a.runs) {
        legend.push_str(
            " Runs without a recorded duration (some imported history) count as runs, not as time.",
        );
    }
    legend.push_str(" More: worthit report --help; `worthit` for the interactive view.");
    for line in wrap(&legend, width) {
        writeln!(out, "{}", style.dim(&line))?;
    }
    Ok(())
}

/// Fits a budget into the table's column ("12.5 working days" → "12.5 wd").
fn short_budget(text: &str) -> String {
    text.replace(" working days", " wd")
        .replace(" seconds", " s")
        .replace(" second", " s")
        .replace(" minutes", " min")
        .replace(" minute", " min")
        .replace(" hours", " h")
        .replace(" hour", " h")
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
