//! Builds upload payloads from the local rollups, applying every privacy rule on the way:
//! only counted actions; action keys only if the built-in classifier knows them as they
//! are (anything else becomes `other:<category>`); repositories as an HMAC of their
//! normalised remote URL keyed by the team's salt; the contributor as an HMAC of a local
//! secret and the ISO week. Nothing else leaves the rollups.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::Result;
use chrono::Datelike;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::params;
use sha2::Sha256;

use super::payload::{ActionDay, Day, MachineClass, SCHEMA_VERSION, Upload, is_wire_action};
use super::settings::{Settings, hex};
use crate::classify::{Category, Classifier};
use crate::histogram::Histogram;
use crate::rollup::Tally;
use crate::store::Store;

/// Days a first upload reaches back.
pub const FIRST_UPLOAD_DAYS: i32 = 30;

/// The key of an action on the wire: itself when the built-in classifier names a command
/// line consisting of just that key with that very key, so it is a known tool's
/// subcommand rather than a user-rule name, a script name or anything typed; else
/// `other:<category>`.
///
/// Editor and edit→feedback keys have their own allow-list
/// ([`crate::classify::editor::wire_key`]).
pub fn wire_action(key: &str, category: Category, builtin: &Classifier) -> String {
    if let Some(wire) = crate::classify::editor::wire_key(key, |inner, category| {
        wire_action(inner, category, builtin)
    }) && is_wire_action(&wire)
    {
        return wire;
    }
    let verdict = builtin.classify(key);
    if verdict.known && verdict.action == key && is_wire_action(key) {
        key.to_string()
    } else {
        format!("other:{}", category.as_str())
    }
}

/// HMAC-SHA256 of `message` under `key`, first 16 bytes as 32 hex digits.
pub(super) fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    hex(&mac.finalize().into_bytes()[..16])
}

/// The contributor's pseudonym for the ISO week of `date`.
pub fn pseudonym(secret_hex: &str, date: chrono::NaiveDate) -> String {
    let week = date.iso_week();
    let label = format!("{}-W{:02}", week.year(), week.week());
    hmac_hex(secret_hex.as_bytes(), label.as_bytes())
}

/// The team's repository salt: derived from the team token every member shares, so repo
/// ids agree across the team while the server, which stores only a hash of the token,
/// cannot reverse them.
fn repo_salt(token: &str) -> String {
    hmac_hex(token.as_bytes(), b"worthit repository salt v1")
}

/// `git@GitHub.com:acme/api.git`, `https://user:pw@github.com/acme/api/` and
/// `ssh://git@github.com:22/acme/api` all become `github.com/acme/api`.
pub fn normalise_remote(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        // scp-like `user@host:path`.
        None => url.replacen(':', "/", 1),
    };
    let rest = rest.rsplit_once('@').map_or(rest.as_str(), |(_, r)| r);
    let (host, path) = rest.split_once('/')?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let path = path
        .trim_matches('/')
        .trim_end_matches(".git")
        .trim_matches('/');
    if host.is_empty() || path.is_empty() {
        return None;
    }
    Some(format!("{host}/{path}"))
}

/// The remote URL of a repository root (origin first), read from its git config without
/// running git.
pub fn remote_url(repo_root: &Path) -> Option<String> {
    let dot_git = repo_root.join(".git");
    let git_dir = if dot_git.is_file() {
        // A worktree or submodule: `gitdir: <path>`; the config lives in the common dir.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let dir = repo_root.join(text.trim().strip_prefix("gitdir:")?.trim());
        match std::fs::read_to_string(dir.join("commondir")) {
            Ok(common) => dir.join(common.trim()),
            Err(_) => dir,
        }
    } else {
        dot_git
    };
    let config = std::fs::read_to_string(git_dir.join("config")).ok()?;
    let mut remotes: Vec<(String, String)> = Vec::new();
    let mut current: Option<String> = None;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            current = line
                .strip_prefix("[remote \"")
                .and_then(|l| l.strip_suffix("\"]"))
                .map(str::to_string);
        } else if let (Some(name), Some((key, value))) = (&current, line.split_once('='))
            && key.trim() == "url"
        {
            remotes.push((name.clone(), value.trim().to_string()));
        }
    }
    remotes
        .iter()
        .find(|(name, _)| name == "origin")
        .or(remotes.first())
        .map(|(_, url)| url.clone())
}

/// Builds payloads from rollups.
pub struct Builder<'a> {
    settings: &'a Settings,
    machine: MachineClass,
    builtin: Classifier,
    salt: String,
    repo_ids: HashMap<String, Option<String>>,
    /// Only these local actions (by id), for a nomination; `None`: every counted action.
    only: Option<BTreeSet<i64>>,
}

impl<'a> Builder<'a> {
    pub fn new(settings: &'a Settings, machine: MachineClass) -> Builder<'a> {
        Builder {
            settings,
            machine,
            builtin: Classifier::builtin(),
            salt: repo_salt(&settings.token),
            repo_ids: HashMap::new(),
            only: None,
        }
    }

    /// Restricts the payloads to these local actions: a nomination carries one action's
    /// rows, built by exactly the rules an upload follows.
    pub fn only_actions(mut self, ids: impl IntoIterator<Item = i64>) -> Builder<'a> {
        self.only = Some(ids.into_iter().collect());
        self
    }

    fn repo_id(&mut self, root: &str) -> Option<String> {
        if let Some(id) = self.repo_ids.get(root) {
            return id.clone();
        }
        let id = remote_url(Path::new(root))
            .and_then(|url| normalise_remote(&url))
            .map(|remote| hmac_hex(self.salt.as_bytes(), remote.as_bytes()));
        self.repo_ids.insert(root.to_string(), id.clone());
        id
    }

    /// The payload for local days `first..=last` (days since 1970-01-01); `None` when
    /// they hold nothing to send.
    pub fn build(&mut self, store: &Store, first: i32, last: i32) -> Result<Option<Upload>> {
        type Key = (i32, String, Category, Option<String>);
        let mut merged: BTreeMap<Key, Tally> = BTreeMap::new();
        let mut stmt = store.connection().prepare(
            "SELECT r.day, a.action, a.category, p.path, r.runs, r.failures, r.exits_known, r.histogram, a.id
             FROM rollups r JOIN actions a ON a.id = r.action_id
             LEFT JOIN repos p ON p.id = r.repo_id
             WHERE r.day BETWEEN ?1 AND ?2 AND a.counted = 1",
        )?;
        let mut rows = stmt.query(params![first, last])?;
        while let Some(row) = rows.next()? {
            if let Some(only) = &self.only
                && !only.contains(&row.get::<_, i64>(8)?)
            {
                continue;
            }
            let day: i32 = row.get(0)?;
            let action: String = row.get(1)?;
            let category: Category = row.get::<_, String>(2)?.parse().unwrap_or(Category::Other);
            let repo = match row.get::<_, Option<String>>(3)? {
                Some(root) => self.repo_id(&root),
                None => None,
            };
            let tally = Tally {
                runs: row.get::<_, i64>(4)? as u64,
                failures: row.get::<_, i64>(5)? as u64,
                exits_known: row.get::<_, i64>(6)? as u64,
                durations: Histogram::from_bytes(row.get_ref(7)?.as_blob()?)?,
            };
            let key = (
                day,
                wire_action(&action, category, &self.builtin),
                category,
                repo,
            );
            merged.entry(key).or_default().merge(&tally);
        }
        let mut days: BTreeMap<i32, Vec<ActionDay>> = BTreeMap::new();
        for ((day, action, category, repo), tally) in merged {
            days.entry(day).or_default().push(ActionDay {
                action,
                category,
                repo,
                runs: tally.runs,
                failures: tally.failures,
                exits_known: tally.exits_known,
                durations: tally.durations,
            });
        }
        if days.is_empty() {
            return Ok(None);
        }
        let days = days
            .into_iter()
            .map(|(day, actions)| {
                let date = crate::rollup::date_of(day);
                Day {
                    day: date.format("%Y-%m-%d").to_string(),
                    contributor: pseudonym(&self.settings.secret, date),
                    actions,
                }
            })
            .collect();
        Ok(Some(Upload {
            schema_version: SCHEMA_VERSION,
            client: format!("worthit {}", env!("CARGO_PKG_VERSION")),
            team: self.settings.team.clone(),
            machine: self.machine.clone(),
            days,
        }))
    }
}

/// The machine class of this host, from the recorded host profile.
pub fn this_machine() -> MachineClass {
    let profile = crate::host::profile();
    MachineClass::of(
        &profile.os,
        &profile.arch,
        u64::try_from(profile.cpu_cores).unwrap_or(0),
        u64::try_from(profile.memory_bytes).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_keys_go_out_as_themselves() {
        let builtin = Classifier::builtin();
        for key in [
            "cargo test",
            "npm run test",
            "pytest",
            "make",
            "git push",
            "kubectl get",
        ] {
            assert_eq!(wire_action(key, Category::Test, &builtin), key);
        }
        for (key, category) in [
            ("ci.sh", Category::Test),
            ("deploy-acme-secret", Category::Deploy),
            ("npm run sync-acme-portal", Category::Run),
            ("/home/alice/bin/tool", Category::Other),
            ("Cargo Test", Category::Test),
        ] {
            assert_eq!(
                wire_action(key, category, &builtin),
                format!("other:{}", category.as_str()),
                "{key}"
            );
        }
    }

    #[test]
    fn remotes_normalise_to_host_and_path() {
        for url in [
            "git@GitHub.com:acme/api.git",
            "https://user:pw@github.com/acme/api/",
            "ssh://git@github.com:22/acme/api",
            "https://github.com/acme/api.git",
        ] {
            assert_eq!(
                normalise_remote(url).as_deref(),
                Some("github.com/acme/api"),
                "{url}"
            );
        }
        assert_eq!(normalise_remote("nonsense"), None);
        assert_eq!(normalise_remote("https://github.com/"), None);
    }

    #[test]
    fn remote_urls_come_from_git_config_even_in_worktrees() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("api");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::write(
            repo.join(".git/config"),
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = git@x.org:u/api.git\n[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n",
        )
        .unwrap();
        assert_eq!(
            remote_url(&repo).as_deref(),
            Some("git@github.com:acme/api.git")
        );
        let worktree = dir.path().join("wt");
        std::fs::create_dir_all(repo.join(".git/worktrees/wt")).unwrap();
        std::fs::write(repo.join(".git/worktrees/wt/commondir"), "../..\n").unwrap();
        std::fs::create_dir_all(&worktree).unwrap();
        std::fs::write(
            worktree.join(".git"),
            format!("gitdir: {}\n", repo.join(".git/worktrees/wt").display()),
        )
        .unwrap();
        assert_eq!(
            remote_url(&worktree).as_deref(),
            Some("git@github.com:acme/api.git")
        );
        assert_eq!(remote_url(dir.path()), None);
    }

    #[test]
    fn pseudonyms_rotate_weekly_and_depend_on_the_secret() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // 2026-11-16 (Monday) to 2026-11-22 (Sunday) is ISO week 47.
        let a = pseudonym("aa", day(16));
        assert_eq!(a, pseudonym("aa", day(22)));
        assert_ne!(a, pseudonym("aa", day(23)));
        assert_ne!(a, pseudonym("bb", day(16)));
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
}
