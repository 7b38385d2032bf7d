//! Turns the shared `--since/--until/--repo/--team-size` flags into a period, a dataset
//! scope and ranking options, for `report`, `tui` and `compare`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Local, NaiveDate};

use crate::cli::ScopeArgs;
use crate::config::Config;
use crate::dataset;
use crate::rank::{Period, RankOptions, TimeView};
use crate::repo::RepoRoots;
use crate::store::Store;
use crate::worth::WorkingTime;

/// Days in the default period.
pub const DEFAULT_DAYS: u32 = 30;

/// Today as a local day number (days since 1970-01-01).
pub fn today() -> i32 {
    day_number(Local::now().date_naive())
}

pub fn day_number(date: NaiveDate) -> i32 {
    date.signed_duration_since(NaiveDate::default()).num_days() as i32
}

pub fn date_of(day: i32) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(i64::from(day))
}

/// Parses `2026-11-01`, `today`, `yesterday`, or an age (`30d`, `4w`, `6m`, `1y`) counted
/// back from `today`, into a day number.
pub fn parse_when(text: &str, today: i32) -> Result<i32> {
    let text = text.trim();
    match text {
        "today" => return Ok(today),
        "yesterday" => return Ok(today - 1),
        _ => {}
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day_number(date));
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let days_per_unit = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => 0,
    };
    match number.parse::<i32>() {
        Ok(n) if days_per_unit > 0 && (0..=100 * 365).contains(&n) => {
            // "30d" means the last 30 days including today.
            Ok(today - (n * days_per_unit - 1).max(0))
        }
        _ => bail!(
            "`{text}` is not a date: use YYYY-MM-DD, today, yesterday, or an age such as 30d, 4w, 6m, 1y"
        ),
    }
}

/// The period the flags ask for.
pub fn period(args: &ScopeArgs, today: i32) -> Result<Period> {
    let last_day = match &args.until {
        Some(until) => parse_when(until, today).context("bad --until")?,
        None => today,
    };
    let first_day = match &args.since {
        Some(since) => parse_when(since, today).context("bad --since")?,
        None => last_day - DEFAULT_DAYS as i32 + 1,
    };
    if first_day > last_day {
        bail!(
            "--since ({}) is after --until ({})",
            date_of(first_day),
            date_of(last_day)
        );
    }
    Ok(Period {
        first_day,
        last_day,
    })
}

/// Ranking options from the flags and the config.
pub fn rank_options(args: &ScopeArgs, config: &Config) -> RankOptions {
    RankOptions {
        team_size: args.team_size.or(config.team_size).unwrap_or(1),
        view: if args.working_time {
            TimeView::Working(WorkingTime::default())
        } else {
            TimeView::Calendar
        },
        include_interactive: args.include_interactive,
        ..RankOptions::default()
    }
}

/// Resolves `--repo` to a stored repository root: a path (`.`, `../api`) is looked up
/// like the hooks do; a bare name matches the last component of a stored root.
pub fn resolve_repo(store: &Store, repo: &str) -> Result<String> {
    let known = dataset::repo_roots(store)?;
    let looks_like_path = repo == "." || repo == ".." || repo.contains('/');
    if looks_like_path {
        let path = Path::new(repo)
            .canonicalize()
            .with_context(|| format!("--repo {repo}: no such directory"))?;
        let root = RepoRoots::default()
            .root_of(&path.to_string_lossy())
            .with_context(|| {
                format!(
                    "--repo {repo}: {} is not inside a git repository",
                    path.display()
                )
            })?;
        return Ok(root);
    }
    let mut matches: Vec<&String> = known
        .iter()
        .filter(|root| {
            Path::new(root.as_str())
                .file_name()
                .is_some_and(|n| n == repo)
        })
        .collect();
    matches.sort();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let mut names: Vec<String> = known
                .iter()
                .filter_map(|r| {
                    Path::new(r)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                })
                .collect();
            names.sort();
            names.dedup();
            if names.is_empty() {
                bail!("--repo {repo}: no commands were recorded inside a repository yet")
            }
            bail!(
                "--repo {repo}: no such repository; known: {}",
                names.join(", ")
            )
        }
        many => bail!(
            "--repo {repo} is ambiguous: {}; give the path instead",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ages() {
        let today = day_number(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(parse_when("today", today).unwrap(), today);
        assert_eq!(parse_when("yesterday", today).unwrap(), today - 1);
        assert_eq!(parse_when("30d", today).unwrap(), today - 29);
        assert_eq!(parse_when("1d", today).unwrap(), today);
        assert_eq!(parse_when("2w", today).unwrap(), today - 13);
        assert_eq!(parse_when("2026-11-01", today).unwrap(), today - 22);
        assert_eq!(date_of(today).to_string(), "2026-11-23");
        for bad in ["", "soon", "3x", "-3d", "2026-13-01"] {
            let err = parse_when(bad, today).unwrap_err().to_string();
            assert!(err.contains("is not a date"), "{bad}: {err}");
        }
    }

    #[test]
    fn default_period_is_the_last_thirty_days() {
        let args = ScopeArgs {
            since: None,
            until: None,
            repo: None,
            team_size: None,
            working_time: false,
            include_interactive: false,
        };
        let p = period(&args, 1000).unwrap();
        assert_eq!((p.first_day, p.last_day), (971, 1000));
        let reversed = ScopeArgs {
            since: Some("today".into()),
            until: Some("yesterday".into()),
            ..args
        };
        assert!(
            period(&reversed, 1000)
                .unwrap_err()
                .to_string()
                .contains("is after")
        );
    }
}
