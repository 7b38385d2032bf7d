//! The repositories `worthit watch` watches: which directories to put a watch on, which
//! file changes count as a save, and the recent saves of each repository.
//!
//! A save is any write, create, rename or removal of a file in the repository outside
//! version-control metadata, dependency trees and build outputs (a fixed list of names, plus
//! the repository's top-level `.gitignore`), and outside editors' swap and backup files:
//! those change while a build runs or while typing, so they say nothing about an edit.

use std::collections::VecDeque;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::Gitignore;

/// Directory names never watched: version-control metadata, dependency trees, caches and
/// build outputs. A build writing there must not read as an edit, and trees such as
/// `target/` or `node_modules/` would cost thousands of watches.
const IGNORED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    ".bzr",
    "target",
    "node_modules",
    "bower_components",
    ".venv",
    "venv",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".tox",
    ".nox",
    ".eggs",
    ".gradle",
    ".idea",
    ".cache",
    ".direnv",
    ".terraform",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".parcel-cache",
    ".dart_tool",
    ".stack-work",
    "dist-newstyle",
    "_build",
    "_opam",
    "zig-cache",
    ".zig-cache",
    "zig-out",
    "build",
    "dist",
    "out",
    "coverage",
    "DerivedData",
    "Pods",
];

/// How many distinct recent saves a repository keeps. A run long enough to see more saves
/// than this while it runs loses its own (older) save; memory stays a few KB per repository.
const SAVES_KEPT: usize = 256;

/// Saves closer together than this are one save (at the later instant): an editor's
/// write-rename-chmod, or a `git checkout` touching thousands of files, is one edit.
const SAVE_MERGE_US: i64 = 50_000;

/// The recent save instants of one repository, oldest first.
#[derive(Debug, Default)]
pub struct SaveLog {
    times: VecDeque<i64>,
}

impl SaveLog {
    /// Notes a save at `at_us` (µs since the epoch).
    pub fn record(&mut self, at_us: i64) {
        if let Some(last) = self.times.back_mut()
            && at_us - *last < SAVE_MERGE_US
        {
            // A clock stepped back never reorders the log.
            *last = (*last).max(at_us);
            return;
        }
        if self.times.len() == SAVES_KEPT {
            self.times.pop_front();
        }
        self.times.push_back(at_us);
    }

    /// The latest save at or before `start_us`, if any; it and every earlier save are
    /// consumed (one edit feeds one feedback), later ones wait for the next run.
    pub fn take_latest_before(&mut self, start_us: i64) -> Option<i64> {
        let n = self.times.partition_point(|&t| t <= start_us);
        let latest = *self.times.get(n.checked_sub(1)?)?;
        self.times.drain(..n);
        Some(latest)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.times.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
}

/// One watched repository: where it is and what in it is not an edit.
#[derive(Debug)]
pub struct Repo {
    /// The root as events name it (`dirs.repo`: the logical path, symlinks kept).
    pub root: String,
    /// The same directory with symlinks resolved: FSEvents reports real paths.
    canonical: Option<PathBuf>,
    gitignore: Gitignore,
}

impl Repo {
    /// A repository rooted at `root` (a directory holding `.git`); reads its top-level
    /// `.gitignore`, ignoring lines it cannot parse.
    pub fn new(root: &str) -> Repo {
        let path = Path::new(root);
        let (gitignore, _partial_error) = Gitignore::new(path.join(".gitignore"));
        let canonical = path.canonicalize().ok().filter(|c| c != path);
        Repo {
            root: root.to_owned(),
            canonical,
            gitignore,
        }
    }

    /// `path` relative to this repository's root, if it lies inside it.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.strip_prefix(&self.root).ok().or_else(|| {
            self.canonical
                .as_deref()
                .and_then(|c| path.strip_prefix(c).ok())
        })
    }

    /// True when a change at `relative` (inside this repository) is not an edit, or a
    /// directory there is not to be watched.
    pub fn ignores(&self, relative: &Path, is_dir: bool) -> bool {
        for component in relative.components() {
            match component {
                Component::Normal(name)
                    if name.to_str().is_some_and(|n| IGNORED_DIRS.contains(&n)) =>
                {
                    return true;
                }
                // `..` would leave the repository: nothing there is ours.
                Component::ParentDir => return true,
                _ => {}
            }
        }
        if !is_dir
            && let Some(name) = relative.file_name().and_then(|n| n.to_str())
            && is_editor_scratch(name)
        {
            return true;
        }
        relative.as_os_str().is_empty()
            || self
                .gitignore
                .matched_path_or_any_parents(relative, is_dir)
                .is_ignore()
    }
}

/// Files editors write that are not the user's edit: Vim swap files and its `4913` write
/// probe, backups (`file~`), Emacs lock and auto-save files, JetBrains safe-write temps.
fn is_editor_scratch(name: &str) -> bool {
    name == "4913"
        || name == ".DS_Store"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
}

/// The watched repositories and their recent saves.
#[derive(Debug, Default)]
pub struct RepoSet {
    entries: Vec<(Arc<Repo>, SaveLog)>,
}

impl RepoSet {
    pub fn contains(&self, root: &str) -> bool {
        self.entries.iter().any(|(r, _)| r.root == root)
    }

    /// Adds a repository; `None` if it was already there.
    pub fn add(&mut self, root: &str) -> Option<Arc<Repo>> {
        if self.contains(root) {
            return None;
        }
        let repo = Arc::new(Repo::new(root));
        self.entries.push((Arc::clone(&repo), SaveLog::default()));
        Some(repo)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn repos(&self) -> impl Iterator<Item = &Arc<Repo>> {
        self.entries.iter().map(|(r, _)| r)
    }

    /// The saves of the repository rooted at `root`.
    pub fn saves_mut(&mut self, root: &str) -> Option<&mut SaveLog> {
        self.entries
            .iter_mut()
            .find(|(r, _)| r.root == root)
            .map(|(_, saves)| saves)
    }

    /// The innermost watched repository holding `path`, with `path` relative to its root.
    pub fn locate<'p>(&mut self, path: &'p Path) -> Option<(&Arc<Repo>, &mut SaveLog, &'p Path)> {
        let mut best: Option<(usize, &'p Path)> = None;
        for (i, (repo, _)) in self.entries.iter().enumerate() {
            if let Some(relative) = repo.relative(path) {
                let deeper = best
                    .is_none_or(|(_, b)| relative.components().count() < b.components().count());
                if deeper {
                    best = Some((i, relative));
                }
            }
        }
        let (i, relative) = best?;
        let (repo, saves) = &mut self.entries[i];
        Some((repo, saves, relative))
    }
}

/// The directories of the tree at `dir` (itself included) to watch for `repo`: every
/// directory the ignore rules keep, without following symlinks. `dir` must lie in `repo`.
pub fn directories_to_watch(repo: &Repo, dir: &Path, limit: usize) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Some(relative) = repo.relative(dir) else {
        return found;
    };
    if !relative.as_os_str().is_empty() && repo.ignores(relative, true) {
        return found;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        if found.len() == limit {
            break;
        }
        // A directory removed while walking is simply not watched.
        if let Ok(entries) = std::fs::read_dir(&next) {
            for entry in entries.flatten() {
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if !is_dir {
                    continue;
                }
                let path = entry.path();
                if repo
                    .relative(&path)
                    .is_some_and(|rel| !repo.ignores(rel, true))
                {
                    stack.push(path);
                }
            }
        }
        found.push(next);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_merge_when_close_and_are_consumed_up_to_the_run() {
        let mut log = SaveLog::default();
        log.record(1_000_000);
        log.record(1_010_000); // merged: 10 ms later
        log.record(3_000_000);
        log.record(9_000_000);
        assert_eq!(log.len(), 3);
        // A run starting at 5 s follows the save at 3 s, not the one at 9 s.
        assert_eq!(log.take_latest_before(5_000_000), Some(3_000_000));
        assert_eq!(log.len(), 1);
        assert_eq!(log.take_latest_before(5_000_000), None);
        assert_eq!(log.take_latest_before(9_000_000), Some(9_000_000));
        assert!(log.is_empty());
    }

    #[test]
    fn the_save_log_is_bounded() {
        let mut log = SaveLog::default();
        for i in 0..10_000 {
            log.record(i * 1_000_000);
        }
        assert_eq!(log.len(), SAVES_KEPT);
        assert_eq!(log.take_latest_before(i64::MAX), Some(9_999_000_000));
    }

    #[test]
    fn builds_caches_scratch_files_and_gitignored_paths_are_not_edits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("api");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.log\n/generated/\n!keep.log\n").unwrap();
        let repo = Repo::new(root.to_str().unwrap());
        let edit = |p: &str| !repo.ignores(Path::new(p), false);
        assert!(edit("src/main.rs"));
        assert!(edit("keep.log"));
        assert!(!edit("target/debug/app"));
        assert!(!edit("web/node_modules/x/index.js"));
        assert!(!edit(".git/index"));
        assert!(!edit("src/.main.rs.swp"));
        assert!(!edit("src/4913"));
        assert!(!edit("src/main.rs~"));
        assert!(!edit("debug.log"));
        assert!(!edit("generated/api.rs"));
        assert!(repo.ignores(Path::new("generated"), true));
        assert!(!repo.ignores(Path::new("src"), true));
    }

    #[test]
    fn walks_the_tree_without_ignored_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("api");
        for sub in [
            ".git/objects",
            "src/deep",
            "target/debug",
            "docs",
            "skip/me",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        std::fs::write(root.join(".gitignore"), "skip/\n").unwrap();
        let repo = Repo::new(root.to_str().unwrap());
        let mut dirs = directories_to_watch(&repo, &root, usize::MAX);
        dirs.sort();
        let expected: Vec<PathBuf> = ["", "docs", "src", "src/deep"]
            .iter()
            .map(|s| {
                if s.is_empty() {
                    root.clone()
                } else {
                    root.join(s)
                }
            })
            .collect();
        assert_eq!(dirs, expected);
        assert_eq!(directories_to_watch(&repo, &root, 2).len(), 2);
        assert!(directories_to_watch(&repo, &root.join("target"), 10).is_empty());
    }

    #[test]
    fn a_path_belongs_to_the_innermost_repository() {
        let mut set = RepoSet::default();
        assert!(set.add("/w/mono").is_some());
        assert!(set.add("/w/mono/vendor/lib").is_some());
        assert!(set.add("/w/mono").is_none());
        assert_eq!(set.len(), 2);
        let (repo, saves, rel) = set
            .locate(Path::new("/w/mono/vendor/lib/src/a.rs"))
            .unwrap();
        assert_eq!(repo.root, "/w/mono/vendor/lib");
        assert_eq!(rel, Path::new("src/a.rs"));
        saves.record(5);
        assert_eq!(set.saves_mut("/w/mono/vendor/lib").unwrap().len(), 1);
        assert!(set.saves_mut("/w/mono").unwrap().is_empty());
        let (repo, _, _) = set.locate(Path::new("/w/mono/src/b.rs")).unwrap();
        assert_eq!(repo.root, "/w/mono");
        assert!(set.locate(Path::new("/w/other/c.rs")).is_none());
        assert!(set.locate(Path::new("/w/monolith/c.rs")).is_none());
    }
}
