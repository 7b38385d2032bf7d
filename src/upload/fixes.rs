//! Which actions the team's champions marked fixed, and when: the server's `GET
//! /api/v1/fixes`, cached in `$WORTHIT_HOME/fixes.json` by every upload run so that
//! `worthit compare`, the TUI and `worthit digest` can say "a fix landed for an action you
//! use" without asking the network.
//!
//! Refreshing is best effort and silent: an older server without the endpoint (404), a
//! network problem or a malformed answer leave the cache as it was.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::build::wire_action;
use super::send::{self, Fetched};
use super::settings::{Settings, write_private};
use crate::classify::{Category, Classifier};
use crate::config::Paths;

/// The server's endpoint.
pub const ENDPOINT: &str = "/api/v1/fixes";

/// Largest answer accepted.
const MAX_BYTES: usize = 1 << 20;

/// Most fixes kept.
const MAX_FIXES: usize = 1_000;

/// One fixed action, as the server reports it (org-wide figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The wire action key.
    pub action: String,
    /// `YYYY-MM-DD`.
    pub fixed_on: String,
    #[serde(default)]
    pub saved_hours_per_week: Option<f64>,
    /// `saved`, `no_change_yet`, `slower` or `not_enough_data`.
    #[serde(default)]
    pub verdict: Option<String>,
}

impl Fix {
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.fixed_on, "%Y-%m-%d").ok()
    }

    /// The fix date as a day number (days since 1970-01-01).
    pub fn day(&self) -> Option<i32> {
        self.date()
            .map(|date| date.signed_duration_since(NaiveDate::default()).num_days() as i32)
    }

    /// What the server says the fix saved org-wide, as a clause, when it says so.
    pub fn org_saving(&self) -> Option<String> {
        match (self.verdict.as_deref(), self.saved_hours_per_week) {
            (Some("saved"), Some(hours)) if hours.is_finite() && hours > 0.0 => Some(format!(
                "{} engineer-hours per week saved across the organisation",
                trim_number(hours)
            )),
            _ => None,
        }
    }
}

fn trim_number(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The cache file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cache {
    /// RFC 3339, UTC.
    pub fetched_at: String,
    pub server: String,
    pub fixes: Vec<Fix>,
}

pub fn path(paths: &Paths) -> PathBuf {
    paths.home.join("fixes.json")
}

/// The cached fixes; none when there is no cache or it cannot be read.
pub fn load(paths: &Paths) -> Vec<Fix> {
    std::fs::read(path(paths))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok())
        .map(|cache| cache.fixes)
        .unwrap_or_default()
}

/// The valid fixes of a `GET /api/v1/fixes` answer; entries with a bad action key or date
/// are dropped, so one odd entry does not hide the others.
pub fn parse(text: &str) -> Option<Vec<Fix>> {
    #[derive(Deserialize)]
    struct Answer {
        fixes: Vec<serde_json::Value>,
    }
    let answer: Answer = serde_json::from_str(text).ok()?;
    Some(
        answer
            .fixes
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Fix>(value).ok())
            .filter(|fix| super::payload::is_wire_action(&fix.action) && fix.date().is_some())
            .map(|mut fix| {
                fix.verdict = fix.verdict.filter(|v| {
                    v.len() <= 32 && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                });
                fix
            })
            .take(MAX_FIXES)
            .collect(),
    )
}

/// Fetches the fixes and replaces the cache (atomically). Never fails: what cannot be
/// fetched leaves the cache as it was.
pub fn refresh(paths: &Paths, settings: &Settings) {
    let Fetched::Ok(text) = send::get(settings, ENDPOINT, MAX_BYTES) else {
        return;
    };
    let Some(fixes) = parse(&text) else {
        return;
    };
    let cache = Cache {
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        server: settings.server.clone(),
        fixes,
    };
    if let Ok(json) = serde_json::to_vec_pretty(&cache) {
        let _ = write_private(&path(paths), &json);
    }
}

/// The latest fix, landed by `today`, for a local action: matched by the key the uploader
/// would send for it. `other:<category>` keys name no particular action, so they never
/// match.
pub fn fix_for<'a>(
    fixes: &'a [Fix],
    key: &str,
    category: Category,
    builtin: &Classifier,
    today: i32,
) -> Option<&'a Fix> {
    let wire = wire_action(key, category, builtin);
    if wire.starts_with("other:") {
        return None;
    }
    fixes
        .iter()
        .filter(|fix| fix.action == wire && fix.day().is_some_and(|day| day <= today))
        .max_by_key(|fix| fix.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_keep_their_good_entries() {
        let fixes = parse(
            r#"{"fixes": [
                {"action": "cargo test", "fixed_on": "2026-11-02", "saved_hours_per_week": 7.5, "verdict": "saved", "new_field": 1},
                {"action": "Rm -rf /", "fixed_on": "2026-11-02"},
                {"action": "make", "fixed_on": "yesterday"},
                {"action": "pytest", "fixed_on": "2026-10-01", "verdict": "<script>"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(fixes.len(), 2);
        assert_eq!(fixes[0].action, "cargo test");
        assert_eq!(
            fixes[0].org_saving().as_deref(),
            Some("7.5 engineer-hours per week saved across the organisation")
        );
        assert_eq!(fixes[1].verdict, None);
        assert_eq!(parse("<html>"), None);
    }

    #[test]
    fn local_actions_match_by_their_wire_key() {
        let builtin = Classifier::builtin();
        let fix = |action: &str, day: &str| Fix {
            action: action.into(),
            fixed_on: day.into(),
            saved_hours_per_week: None,
            verdict: None,
        };
        let fixes = vec![
            fix("cargo test", "2026-10-01"),
            fix("cargo test", "2026-11-02"),
            fix("cargo test", "2026-12-25"),
            fix("other:test", "2026-11-02"),
        ];
        let today = fixes[1].day().unwrap() + 3;
        let found = fix_for(&fixes, "cargo test", Category::Test, &builtin, today).unwrap();
        assert_eq!(
            found.fixed_on, "2026-11-02",
            "the latest that already landed"
        );
        assert_eq!(
            fix_for(&fixes, "ci.sh", Category::Test, &builtin, today),
            None,
            "other:test names no action"
        );
        assert_eq!(
            fix_for(&fixes, "cargo build", Category::Build, &builtin, today),
            None
        );
    }

    #[test]
    fn a_missing_or_broken_cache_is_no_fixes() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        assert!(load(&paths).is_empty());
        std::fs::write(path(&paths), "{not json").unwrap();
        assert!(load(&paths).is_empty());
    }
}
