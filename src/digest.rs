//! The weekly digest: the user's top three time sinks of the last seven days with their
//! change from the seven days before (from the rollups), and the fixes the team server
//! reported for actions the user runs, with the user's own before and after (the
//! `worthit compare` logic on their own runs).
//!
//! `worthit digest` prints it. When the user turns it on (`digest.json` in the data
//! directory; off by default), [`precompute_if_due`] writes it to `digest.txt` at most
//! once per ISO week, from the commands that read data, so a shell can print it at
//! start-up without computing anything. The file's contract is in docs/digest.md: plain
//! text, at most [`MAX_LINES`] lines, replaced atomically by rename; the shell prints it
//! and then truncates it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::classify::Classifier;
use crate::compare::{self, Comparison, Side};
use crate::config::Paths;
use crate::dataset::{self, Dataset, Scope};
use crate::rank::{self, Period, RankOptions};
use crate::store::Store;
use crate::units;
use crate::upload::build::wire_action;
use crate::upload::fixes::{self, Fix};
use crate::upload::settings::write_private;

/// Most lines the digest ever has (the file's contract).
pub const MAX_LINES: usize = 20;

/// How many time sinks it lists.
pub const TOP: usize = 3;

/// Days in "this week" and in "the week before".
pub const WEEK_DAYS: u32 = 7;

/// A fix is news for this many days after it landed.
pub const FIX_NEWS_DAYS: i32 = 56;

/// Most fixes it mentions.
pub const MAX_FIXES: usize = 3;

/// Widest action name in the list; longer ones end in `…`.
const ACTION_WIDTH: usize = 28;

/// Whether the weekly digest is on, and the last ISO week it was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSettings {
    pub enabled: bool,
    /// `2026-W47`.
    #[serde(default)]
    pub last_week: Option<String>,
}

impl DigestSettings {
    pub fn path(paths: &Paths) -> PathBuf {
        paths.home.join("digest.json")
    }

    /// The saved settings; off when there are none.
    pub fn load(paths: &Paths) -> Result<DigestSettings> {
        let path = DigestSettings::path(paths);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{} is not valid digest settings; `worthit digest enable` writes it again",
                    path.display()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(DigestSettings::default()),
            Err(err) => Err(err).with_context(|| format!("could not read {}", path.display())),
        }
    }

    pub fn save(&self, paths: &Paths) -> Result<()> {
        paths.ensure()?;
        write_private(
            &DigestSettings::path(paths),
            serde_json::to_string_pretty(self)?.as_bytes(),
        )
    }
}

/// Where the precomputed digest goes for the shell.
pub fn text_path(paths: &Paths) -> PathBuf {
    paths.home.join("digest.txt")
}

/// `2026-W47`: the ISO week of a date.
pub fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// One of the top time sinks.
#[derive(Debug, Clone, PartialEq)]
pub struct Sink {
    pub action: String,
    /// Time it took in the last seven days (so: per week).
    pub week_s: f64,
    /// Time it took in the seven days before.
    pub previous_s: f64,
}

impl Sink {
    /// `+25%`, `-10%`, `0%`, or `new` when it did not run the week before.
    pub fn change(&self) -> String {
        if self.previous_s <= 0.0 {
            return "new".to_string();
        }
        let percent = ((self.week_s / self.previous_s - 1.0) * 100.0).round();
        if percent == 0.0 {
            "0%".to_string()
        } else {
            format!("{percent:+.0}%")
        }
    }
}

/// A fix that landed for an action the user runs, and what it did for them.
#[derive(Debug, Clone, PartialEq)]
pub struct FixNews {
    pub action: String,
    pub fixed_on: NaiveDate,
    pub comparison: Comparison,
}

/// Everything the digest says.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub week: Period,
    pub sinks: Vec<Sink>,
    pub fixes: Vec<FixNews>,
}

impl Digest {
    /// Nothing to tell: no timed runs this week and no fix news.
    pub fn is_empty(&self) -> bool {
        self.sinks.is_empty() && self.fixes.is_empty()
    }
}

/// The digest for the seven days ending `today`, with the cached `fixes`.
pub fn compute(store: &Store, fixes: &[Fix], today: i32) -> Result<Digest> {
    let week = Period::ending(today, WEEK_DAYS);
    let previous = Period::ending(week.first_day - 1, WEEK_DAYS);
    let data = Dataset::load(
        store,
        &Scope {
            period: Some(Period {
                first_day: previous.first_day,
                last_day: today,
            }),
            repo: None,
        },
    )
    .context("could not load the rollups of the last two weeks")?;
    let options = RankOptions::default();
    let this_week = rank::rank(&data.actions, &data.rows, week, &options);
    let before: HashMap<i64, f64> = rank::rank(&data.actions, &data.rows, previous, &options)
        .actions
        .into_iter()
        .map(|a| (a.action_id, a.total_s))
        .collect();
    let sinks = this_week
        .actions
        .iter()
        .filter(|a| a.total_s > 0.0)
        .take(TOP)
        .map(|a| Sink {
            action: a.action.clone(),
            week_s: a.total_s,
            previous_s: before.get(&a.action_id).copied().unwrap_or(0.0),
        })
        .collect();
    Ok(Digest {
        week,
        sinks,
        fixes: fix_news(store, &data, fixes, today)?,
    })
}

/// The recent fixes for actions the user ran around them, newest first.
fn fix_news(store: &Store, data: &Dataset, fixes: &[Fix], today: i32) -> Result<Vec<FixNews>> {
    let builtin = Classifier::builtin();
    let mut recent: Vec<&Fix> = fixes
        .iter()
        .filter(|f| {
            f.day()
                .is_some_and(|day| day <= today && day > today - FIX_NEWS_DAYS)
        })
        .collect();
    recent.sort_by_key(|f| std::cmp::Reverse(f.day()));
    let mut news = Vec::new();
    let mut seen = BTreeSet::new();
    for fix in recent {
        let (Some(day), Some(fixed_on)) = (fix.day(), fix.date()) else {
            continue;
        };
        // `other:<category>` names no particular action.
        if fix.action.starts_with("other:") || !seen.insert(fix.action.as_str()) {
            continue;
        }
        let local: Vec<&rank::ActionInfo> = data
            .actions
            .iter()
            .filter(|a| a.counted && wire_action(&a.action, a.category, &builtin) == fix.action)
            .collect();
        let Some(first) = local.first() else {
            continue;
        };
        let (before, after) = compare::fix_windows(day, day, compare::DEFAULT_WINDOW_DAYS, today);
        let mut before_us = Vec::new();
        let mut after_us = Vec::new();
        for a in &local {
            before_us.extend(dataset::durations(store, a.id, before, None)?);
            after_us.extend(dataset::durations(store, a.id, after, None)?);
        }
        if before_us.is_empty() && after_us.is_empty() {
            // Not an action this user runs.
            continue;
        }
        let active = active_days(
            store,
            Period {
                first_day: before.first_day,
                last_day: after.last_day,
            },
        )?;
        let count = |p: Period| active.iter().filter(|&&d| p.contains(d)).count() as u32;
        news.push(FixNews {
            action: first.action.clone(),
            fixed_on,
            comparison: compare::compare(
                Side::new(&before_us, count(before), before.days()),
                Side::new(&after_us, count(after), after.days()),
                &before_us,
                &after_us,
            ),
        });
        if news.len() == MAX_FIXES {
            break;
        }
    }
    Ok(news)
}

/// Days in `period` with any recorded command.
fn active_days(store: &Store, period: Period) -> Result<BTreeSet<i32>> {
    let data = Dataset::load(
        store,
        &Scope {
            period: Some(period),
            repo: None,
        },
    )?;
    Ok(data.rows.iter().map(|r| r.key.day).collect())
}

/// Anything a terminal could take for an escape sequence becomes `?`: the digest is
/// printed by a shell at start-up, and action keys come from what was typed.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// The digest as plain text, at most [`MAX_LINES`] lines, each ending in a newline.
pub fn render(digest: &Digest) -> String {
    let date = |day: i32| crate::rollup::date_of(day).to_string();
    let mut lines = vec![format!(
        "worthit weekly digest, {} to {}",
        date(digest.week.first_day),
        date(digest.week.last_day)
    )];
    if digest.sinks.is_empty() {
        lines.push(format!("No timed commands in the last {WEEK_DAYS} days."));
    } else {
        lines.push("Your top time sinks this week (change from the week before):".to_string());
        let names: Vec<String> = digest
            .sinks
            .iter()
            .map(|s| fit(&printable(&s.action), ACTION_WIDTH))
            .collect();
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        for (i, (sink, name)) in digest.sinks.iter().zip(&names).enumerate() {
            let pad = width - name.chars().count();
            lines.push(format!(
                "  {}. {name}{}  {:>11}  {}",
                i + 1,
                " ".repeat(pad),
                units::duration(sink.week_s),
                sink.change()
            ));
        }
    }
    for news in &digest.fixes {
        lines.push(format!(
            "Fix landed {} for `{}`: {}.",
            news.fixed_on,
            printable(&news.action),
            news.comparison.payoff_text()
        ));
    }
    lines.push("More: `worthit`. Weekly digest on or off: `worthit digest enable|disable`.".into());
    lines.truncate(MAX_LINES);
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Today's local day number (days since 1970-01-01).
fn local_today() -> (NaiveDate, i32) {
    let date = chrono::Local::now().date_naive();
    (
        date,
        date.signed_duration_since(NaiveDate::default()).num_days() as i32,
    )
}

/// Writes `digest.txt` when the digest is on and has not been written this ISO week.
/// Silent and infallible: it runs inside other commands.
pub fn precompute_if_due(paths: &Paths) {
    let (date, today) = local_today();
    let _ = precompute(paths, date, today);
}

/// [`precompute_if_due`] for a given day; true when it wrote (or cleared) the file.
pub fn precompute(paths: &Paths, date: NaiveDate, today: i32) -> Result<bool> {
    let week = iso_week(date);
    let due = |settings: &DigestSettings| {
        settings.enabled && settings.last_week.as_deref() != Some(week.as_str())
    };
    if !due(&DigestSettings::load(paths)?) {
        return Ok(false);
    }
    let Some(_lock) = crate::upload::try_lock_file(&paths.home.join("digest.lock"))? else {
        return Ok(false);
    };
    // Another process may have written it while this one waited for nothing.
    let mut settings = DigestSettings::load(paths)?;
    if !due(&settings) {
        return Ok(false);
    }
    let store = Store::open(&paths.database())?;
    let digest = compute(&store, &fixes::load(paths), today)?;
    let path = text_path(paths);
    if digest.is_empty() {
        // Last week's unread digest would be stale news now.
        match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(err).with_context(|| format!("could not remove {}", path.display()));
            }
            _ => {}
        }
    } else {
        write_private(&path, render(&digest).as_bytes())?;
    }
    settings.last_week = Some(week);
    settings.save(paths)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(action: &str, week_s: f64, previous_s: f64) -> Sink {
        Sink {
            action: action.into(),
            week_s,
            previous_s,
        }
    }

    #[test]
    fn changes_read_as_signed_percentages() {
        assert_eq!(sink("a", 125.0, 100.0).change(), "+25%");
        assert_eq!(sink("a", 90.0, 100.0).change(), "-10%");
        assert_eq!(sink("a", 100.2, 100.0).change(), "0%");
        assert_eq!(sink("a", 100.0, 0.0).change(), "new");
    }

    #[test]
    fn renders_short_plain_lines() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let today = day(23)
            .signed_duration_since(NaiveDate::default())
            .num_days() as i32;
        let digest = Digest {
            week: Period::ending(today, 7),
            sinks: vec![
                sink("cargo test", 4_800.0, 3_840.0),
                sink("./deploy.sh \u{1b}[31mred", 2_700.0, 3_000.0),
                sink(&"x".repeat(40), 720.0, 0.0),
            ],
            fixes: Vec::new(),
        };
        assert_eq!(
            render(&digest),
            "worthit weekly digest, 2026-11-17 to 2026-11-23\n\
             Your top time sinks this week (change from the week before):\n\
             \x20 1. cargo test                     1 h 20 min  +25%\n\
             \x20 2. ./deploy.sh ?[31mred               45 min  -10%\n\
             \x20 3. xxxxxxxxxxxxxxxxxxxxxxxxxxx…       12 min  new\n\
             More: `worthit`. Weekly digest on or off: `worthit digest enable|disable`.\n"
        );
        let empty = Digest {
            sinks: Vec::new(),
            ..digest
        };
        assert!(empty.is_empty());
        assert!(render(&empty).contains("No timed commands in the last 7 days."));
    }

    #[test]
    fn iso_weeks_are_labelled_like_uploads() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(iso_week(day(2026, 11, 16)), "2026-W47");
        assert_eq!(iso_week(day(2026, 11, 22)), "2026-W47");
        assert_eq!(iso_week(day(2027, 1, 1)), "2026-W53");
    }
}
