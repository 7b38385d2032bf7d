//! Finds the git repository root of a directory without running `git`.

use std::collections::HashMap;
use std::path::Path;

/// Remembers the answer per directory: an ingest sees the same few cwds over and over.
#[derive(Debug, Default)]
pub struct RepoRoots {
    cache: HashMap<String, Option<String>>,
}

impl RepoRoots {
    /// The nearest ancestor of `cwd` (itself included) holding a `.git` entry (a directory,
    /// or a file for worktrees and submodules); `None` outside any repository.
    pub fn root_of(&mut self, cwd: &str) -> Option<String> {
        if let Some(known) = self.cache.get(cwd) {
            return known.clone();
        }
        let root = Path::new(cwd)
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map(|dir| dir.to_string_lossy().into_owned());
        self.cache.insert(cwd.to_owned(), root.clone());
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_git_root_and_caches() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("api");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("src/deep")).unwrap();
        let worktree = dir.path().join("wt");
        std::fs::create_dir_all(&worktree).unwrap();
        std::fs::write(worktree.join(".git"), "gitdir: ../api/.git/worktrees/wt\n").unwrap();

        let mut roots = RepoRoots::default();
        let deep = repo.join("src/deep").to_string_lossy().into_owned();
        assert_eq!(roots.root_of(&deep).as_deref(), repo.to_str());
        assert_eq!(
            roots.root_of(worktree.to_str().unwrap()).as_deref(),
            worktree.to_str()
        );
        assert_eq!(roots.root_of(dir.path().to_str().unwrap()), None);
        assert_eq!(roots.root_of("/no/such/dir/at/all"), None);
        // Cached: removing the repo does not change the answer within one ingest.
        std::fs::remove_dir_all(repo.join(".git")).unwrap();
        assert_eq!(roots.root_of(&deep).as_deref(), repo.to_str());
    }
}
