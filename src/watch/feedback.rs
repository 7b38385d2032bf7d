//! Edit → feedback: which finished events close an edit loop, and the `edit→…` event
//! `worthit watch` records for them (docs/watch.md).
//!
//! Pure: the caller hands in what the database holds about an event and the repository's
//! last save before it, and gets back the event to append to the spool.

use crate::classify::Category;
use crate::event::{Event, Source};

/// The spool `shell` field (the source) of everything `worthit watch` records.
pub const SOURCE: &str = "watch";

/// What watch knows about a newly ingested event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub id: i64,
    pub start_us: i64,
    pub duration_us: Option<i64>,
    pub resolution_us: Option<i64>,
    pub exit: Option<i32>,
    pub shell: String,
    pub command: String,
    /// The repository root the event ran in, as stored.
    pub repo: Option<String>,
    /// The classifier's action key and category.
    pub action: String,
    pub category: Category,
}

impl Finished {
    /// Wall-clock end of the event, if its duration is known.
    pub fn end_us(&self) -> Option<i64> {
        self.duration_us.map(|d| self.start_us + d)
    }

    /// True for a build, test or lint of a repository: the feedback an edit waits for.
    /// Watch's own events never count (they would feed on themselves), nor do an
    /// editor's LSP requests and save → diagnostics timings, which already measure from
    /// the save and would be counted twice.
    pub fn is_feedback(&self) -> bool {
        matches!(
            self.category,
            Category::Build | Category::Test | Category::Lint
        ) && self.shell != SOURCE
            && self.repo.is_some()
            && self.duration_us.is_some()
            && !self.is_editor_measurement()
    }

    fn is_editor_measurement(&self) -> bool {
        let Some(rest) = self
            .command
            .strip_prefix(self.shell.as_str())
            .and_then(|r| r.strip_prefix(' '))
        else {
            return false;
        };
        rest.starts_with("lsp ") || rest.starts_with("diagnostics ")
    }
}

/// The command of an edit → feedback event: `edit→test cargo test`.
pub fn edit_command(category: Category, action: &str) -> String {
    format!("edit→{} {action}", category.as_str())
}

/// The event recording the loop from a save at `save_us` in `repo_root` to the end of
/// `feedback`; `None` unless `feedback` is feedback that started at or after the save.
pub fn edit_event(
    save_us: i64,
    feedback: &Finished,
    repo_root: &str,
    session: &str,
) -> Option<Event> {
    let end = feedback.end_us()?;
    if !feedback.is_feedback() || feedback.start_us < save_us {
        return None;
    }
    Some(Event {
        start_us: save_us,
        duration_us: Some(end - save_us),
        // The save instant is read to the microsecond; the end is as fine as the run's.
        duration_resolution_us: Some(feedback.resolution_us.unwrap_or(1).max(1)),
        exit: feedback.exit,
        cwd: Some(repo_root.to_owned()),
        command: edit_command(feedback.category, &feedback.action),
        shell: SOURCE.to_owned(),
        session: session.to_owned(),
        source: Source::Hook,
        truncated: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(shell: &str, command: &str, action: &str, category: Category) -> Finished {
        Finished {
            id: 1,
            start_us: 10_000_000,
            duration_us: Some(4_000_000),
            resolution_us: Some(1),
            exit: Some(101),
            shell: shell.into(),
            command: command.into(),
            repo: Some("/w/api".into()),
            action: action.into(),
            category,
        }
    }

    #[test]
    fn a_test_after_a_save_becomes_an_edit_event() {
        let run = finished("zsh", "cargo test -p api", "cargo test", Category::Test);
        let event = edit_event(7_500_000, &run, "/w/api", "watch-9-abc").unwrap();
        assert_eq!(event.command, "edit→test cargo test");
        assert_eq!(event.start_us, 7_500_000);
        assert_eq!(event.duration_us, Some(6_500_000));
        assert_eq!(event.exit, Some(101));
        assert_eq!(event.cwd.as_deref(), Some("/w/api"));
        assert_eq!(event.shell, "watch");
        assert_eq!(event.session, "watch-9-abc");
        // It survives the spool unchanged.
        assert_eq!(
            crate::spool::parse_line(&crate::spool::serialise(&event)).unwrap(),
            event
        );
    }

    #[test]
    fn only_builds_tests_and_lints_that_started_after_the_save_count() {
        let test = finished("bash", "pytest", "pytest", Category::Test);
        assert!(edit_event(10_000_001, &test, "/w/api", "s").is_none());
        assert!(edit_event(10_000_000, &test, "/w/api", "s").is_some());
        for (shell, command, category) in [
            ("bash", "git status", Category::Vcs),
            ("watch", "edit→test cargo test", Category::Test),
            ("nvim", "nvim diagnostics (pylsp) ft=python", Category::Lint),
            (
                "vscode",
                "vscode lsp definition (rust) ft=rust",
                Category::Lint,
            ),
        ] {
            let run = finished(shell, command, "x", category);
            assert!(!run.is_feedback(), "{command}");
        }
        assert!(finished("nvim", "make test", "make test", Category::Test).is_feedback());
        let mut untimed = test.clone();
        untimed.duration_us = None;
        assert!(edit_event(0, &untimed, "/w/api", "s").is_none());
        let mut outside = test;
        outside.repo = None;
        assert!(!outside.is_feedback());
    }
}
