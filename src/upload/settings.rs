//! Whether uploading is on, where to, and how far it got: `$WORTHIT_HOME/upload.json`
//! (mode 0600: it holds the team token and the secret behind the weekly pseudonym).
//!
//! The "queue" is not a separate store: days after `acked_through` are rebuilt from the
//! rollups and sent again until the server accepts them, so nothing waits in a file that
//! could be lost, and a re-send simply replaces the day on the server.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::config::Paths;

/// The uploader's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub enabled: bool,
    /// The server's base URL, e.g. `https://worthit.example.com`.
    pub server: String,
    pub team: String,
    /// The team token (sent as a bearer token; also keys the repository HMAC).
    pub token: String,
    /// 32 random bytes, hex: keys the weekly contributor pseudonym. Never sent.
    pub secret: String,
    /// Last local day (days since 1970-01-01) the server accepted, complete days only.
    #[serde(default)]
    pub acked_through: Option<i32>,
    /// Unix seconds before which no new attempt is made (backoff, Retry-After).
    #[serde(default)]
    pub next_attempt_at: i64,
    /// Consecutive failed attempts, for the backoff.
    #[serde(default)]
    pub failures: u32,
    /// What the last attempt did, for `worthit upload status`.
    #[serde(default)]
    pub last_result: Option<String>,
    /// Unix seconds of the last successful upload.
    #[serde(default)]
    pub last_success_at: Option<i64>,
}

impl Settings {
    /// New settings for a server, with a fresh pseudonym secret.
    pub fn new(server: &str, team: &str, token: &str) -> Result<Settings> {
        let server = server.trim_end_matches('/');
        let url = reqwest::Url::parse(server)
            .with_context(|| format!("--server {server} is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!("--server {server}: use an http:// or https:// URL");
        }
        if url.scheme() == "http"
            && !matches!(
                url.host_str(),
                Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
            )
        {
            bail!(
                "--server {server}: plain http would send your team token unencrypted; use https:// (http is only allowed for localhost)"
            );
        }
        if team.is_empty()
            || team.len() > super::payload::MAX_TEAM_LEN
            || !team
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            bail!("--team {team}: 1 to 64 letters, digits, '-', '_' or '.'");
        }
        if token.trim().is_empty() || token.chars().any(char::is_whitespace) {
            bail!("--token: expected the token `worthit serve token create` printed");
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|err| anyhow::anyhow!("no randomness for the pseudonym secret: {err}"))?;
        Ok(Settings {
            enabled: true,
            server: server.to_string(),
            team: team.to_string(),
            token: token.to_string(),
            secret: hex(&secret),
            acked_through: None,
            next_attempt_at: 0,
            failures: 0,
            last_result: None,
            last_success_at: None,
        })
    }

    pub fn path(paths: &Paths) -> PathBuf {
        paths.home.join("upload.json")
    }

    /// The saved settings; `None` when uploading was never enabled.
    pub fn load(paths: &Paths) -> Result<Option<Settings>> {
        let path = Settings::path(paths);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(err).with_context(|| format!("could not read {}", path.display()));
            }
        };
        let settings = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not valid upload settings; `worthit upload enable …` writes it again",
                path.display()
            )
        })?;
        Ok(Some(settings))
    }

    /// Writes the settings atomically (temp file + rename), readable by the user only.
    pub fn save(&self, paths: &Paths) -> Result<()> {
        paths.ensure()?;
        let path = Settings::path(paths);
        write_private(&path, serde_json::to_string_pretty(self)?.as_bytes())
    }

    /// The token as `status` shows it: enough to recognise, not to use.
    pub fn masked_token(&self) -> String {
        let shown: String = self.token.chars().take(8).collect();
        format!("{shown}… ({} characters)", self.token.chars().count())
    }
}

/// Writes `bytes` to `path` via a temp file and rename, mode 0600: a reader sees the old
/// file or the new one, never half of either.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    // One temp name per file and process: `digest.txt` and `digest.json` must not share
    // one, nor two processes writing the same file.
    let name = path
        .file_name()
        .map_or_else(|| "worthit".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("could not write {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// Why uploading is off right now even if enabled, if it is.
pub fn vetoed(env: &dyn Fn(&str) -> Option<String>, allow_ci: bool) -> Option<String> {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    if set("DO_NOT_TRACK") {
        return Some("DO_NOT_TRACK is set".into());
    }
    if env("WORTHIT_UPLOAD").is_some_and(|v| v == "0" || v.eq_ignore_ascii_case("false")) {
        return Some("WORTHIT_UPLOAD=0 is set".into());
    }
    if set("CI") && !allow_ci {
        return Some("CI is set (allow with `[upload] allow_ci = true` in the config)".into());
    }
    None
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_checks_its_arguments() {
        let ok = Settings::new("https://w.example.com/", "payments", "wit_abc").unwrap();
        assert_eq!(ok.server, "https://w.example.com");
        assert_eq!(ok.secret.len(), 64);
        assert_ne!(
            ok.secret,
            Settings::new("https://w.example.com", "p", "t")
                .unwrap()
                .secret
        );
        assert!(Settings::new("http://127.0.0.1:8787", "p", "t").is_ok());
        for (server, team, token, expected) in [
            ("ftp://x", "p", "t", "use an http"),
            ("not a url", "p", "t", "is not a URL"),
            ("http://w.example.com", "p", "t", "unencrypted"),
            ("https://w.example.com", "pay ments", "t", "--team"),
            ("https://w.example.com", "p", "", "--token"),
        ] {
            let err = format!("{:#}", Settings::new(server, team, token).unwrap_err());
            assert!(err.contains(expected), "{expected} in {err}");
        }
    }

    #[test]
    fn saved_settings_are_private_and_load_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        assert_eq!(Settings::load(&paths).unwrap(), None);
        let settings = Settings::new("https://w.example.com", "payments", "wit_secret").unwrap();
        settings.save(&paths).unwrap();
        let mode = std::fs::metadata(Settings::path(&paths))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(Settings::load(&paths).unwrap(), Some(settings.clone()));
        assert_eq!(settings.masked_token(), "wit_secr… (10 characters)");
        std::fs::write(Settings::path(&paths), "{").unwrap();
        let err = format!("{:#}", Settings::load(&paths).unwrap_err());
        assert!(
            err.contains("upload.json is not valid upload settings"),
            "{err}"
        );
    }

    #[test]
    fn do_not_track_and_ci_win() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(vetoed(&env(&[]), false), None);
        assert!(
            vetoed(&env(&[("DO_NOT_TRACK", "1")]), true)
                .unwrap()
                .contains("DO_NOT_TRACK")
        );
        assert_eq!(vetoed(&env(&[("DO_NOT_TRACK", "0")]), false), None);
        assert!(
            vetoed(&env(&[("WORTHIT_UPLOAD", "0")]), true)
                .unwrap()
                .contains("WORTHIT_UPLOAD")
        );
        assert!(
            vetoed(&env(&[("CI", "true")]), false)
                .unwrap()
                .contains("allow_ci")
        );
        assert_eq!(vetoed(&env(&[("CI", "true")]), true), None);
    }
}
