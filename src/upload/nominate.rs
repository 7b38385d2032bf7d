//! Nominations: a developer's "please make this loop faster", sent to the team server's
//! `POST /api/v1/nominations` (docs/nominate.md).
//!
//! What goes out is exactly what an upload would send for that one action over the last
//! [`NOMINATION_DAYS`] days, built by the uploader's [`Builder`] with every privacy rule,
//! plus a nominator id (an HMAC of the local secret and the action: stable per developer
//! and action, unlinkable to the weekly upload pseudonyms) and the note the developer
//! typed. The note is the only free text that ever leaves the machine, so it is checked
//! here (length, no control characters) and callers show the whole request before sending.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::build::{Builder, hmac_hex, wire_action};
use super::payload::{Invalid, MachineClass, Upload};
use super::send::{self, Outcome};
use super::settings::Settings;
use super::{LogEntry, LogKind, append_log};
use crate::classify::{Category, Classifier};
use crate::config::Paths;
use crate::dataset::{self, Scope};
use crate::rank::{self, Period, RankOptions};
use crate::store::Store;

/// The nomination schema this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Days of aggregates a nomination carries, today included.
pub const NOMINATION_DAYS: u32 = 28;

/// Longest note accepted, in Unicode scalar values.
pub const MAX_NOTE_CHARS: usize = 280;

/// Where nominations go on the server.
pub const ENDPOINT: &str = "/api/v1/nominations";

/// The request body of `POST /api/v1/nominations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nomination {
    pub schema_version: u32,
    /// The wire action key (the upload allow-list's, or `other:<category>`).
    pub action: String,
    pub category: Category,
    /// HMAC-SHA256(local secret, "worthit nomination v1\0" + action), 16 bytes in hex.
    pub nominator: String,
    /// What the developer typed; may be empty.
    #[serde(default)]
    pub note: String,
    /// This action's rows only, as an upload.
    pub upload: Upload,
}

/// The settings to nominate with, or why nothing can be nominated right now (uploading
/// never enabled, turned off, or vetoed by the environment) and exactly how to change
/// that. `settings` as loaded, `veto` from [`super::settings::vetoed`].
pub fn ready(settings: Option<Settings>, veto: Option<String>) -> Result<Settings, String> {
    const WHY: &str =
        "A nomination sends this action's numbers to your team's server, so it needs uploading on";
    match (settings, veto) {
        (None, _) => Err(format!(
            "{WHY}, and uploading was never enabled. Turn it on with `worthit upload enable --server URL --team NAME --token TOKEN` (the token comes from whoever runs your team's server: `worthit serve token create --team NAME`); `worthit upload --dry-run` then shows what uploads send (docs/upload-format.md). Then nominate again."
        )),
        (Some(settings), _) if !settings.enabled => Err(format!(
            "{WHY}, and uploading is off. Turn it on again with `worthit upload enable --server {} --team {} --token TOKEN`, then nominate again.",
            settings.server, settings.team
        )),
        (Some(_), Some(why)) => Err(format!(
            "{WHY}, and uploading is off right now: {why}. Nominations follow the same rule; unset it to nominate."
        )),
        (Some(settings), None) => Ok(settings),
    }
}

/// Why a note cannot be sent, as one sentence for the user.
pub fn check_note(note: &str) -> Result<(), String> {
    let chars = note.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(format!(
            "the note is {chars} characters long; at most {MAX_NOTE_CHARS} are allowed"
        ));
    }
    // Cc is C0, DEL and C1: C1 ones pass through JSON unescaped and some terminals read
    // them as escape sequences, so none may reach a champion's screen.
    if let Some((at, c)) = note.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(format!(
            "the note contains a control character (U+{:04X} at character {}); write it as one line of plain text",
            u32::from(c),
            at + 1
        ));
    }
    Ok(())
}

/// The nominator id of this developer for `action` (a wire key).
pub fn nominator(secret_hex: &str, action: &str) -> String {
    let mut message = b"worthit nomination v1\0".to_vec();
    message.extend_from_slice(action.as_bytes());
    hmac_hex(secret_hex.as_bytes(), &message)
}

fn is_hex32(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Nomination {
    /// Checks every field; the first problem is returned with its path.
    pub fn validate(&self) -> Result<(), Invalid> {
        let invalid = |field: &str, problem: String| Invalid {
            field: field.to_string(),
            problem,
        };
        if self.schema_version != SCHEMA_VERSION {
            return Err(invalid(
                "schema_version",
                format!(
                    "version {} is not supported (this build reads {SCHEMA_VERSION})",
                    self.schema_version
                ),
            ));
        }
        if !super::payload::is_wire_action(&self.action) {
            return Err(invalid(
                "action",
                "not an allow-listed action key".to_string(),
            ));
        }
        if !is_hex32(&self.nominator) {
            return Err(invalid(
                "nominator",
                "expected 32 lower-case hex digits".to_string(),
            ));
        }
        check_note(&self.note).map_err(|problem| invalid("note", problem))?;
        self.upload.validate().map_err(|err| Invalid {
            field: format!("upload.{}", err.field),
            problem: err.problem,
        })?;
        for (d, day) in self.upload.days.iter().enumerate() {
            for (a, row) in day.actions.iter().enumerate() {
                if row.action != self.action {
                    return Err(invalid(
                        &format!("upload.days[{d}].actions[{a}].action"),
                        format!("expected only `{}` in a nomination", self.action),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A local action to nominate: its key as `worthit report` shows it, and every stored
/// action with that key (one key can exist in several categories after rule changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub key: String,
    /// The category of the id with the most time.
    pub category: Category,
    pub ids: Vec<i64>,
}

/// The days a nomination made on `today` covers.
pub fn period(today: i32) -> Period {
    Period::ending(today, NOMINATION_DAYS)
}

/// Finds the action `needle` names among those recorded in `period`, matched like
/// `worthit report --action` (a case-insensitive part of the key); an exact key wins, and
/// several different keys are an error listing them.
pub fn resolve(store: &Store, needle: &str, period: Period) -> Result<Target> {
    let (actions, totals) = dataset::load_totals(
        store,
        &Scope {
            period: Some(period),
            repo: None,
        },
    )?;
    let options = RankOptions {
        include_interactive: true,
        action_filter: Some(needle.to_string()),
        ..RankOptions::default()
    };
    let ranking = rank::rank_totals(&actions, totals, period, &options);
    let mut keys: Vec<&str> = Vec::new();
    for a in &ranking.actions {
        if !keys.contains(&a.action.as_str()) {
            keys.push(&a.action);
        }
    }
    let chosen = keys
        .iter()
        .find(|k| **k == needle)
        .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(needle)))
        .copied();
    let key = match (chosen, keys.as_slice()) {
        (Some(key), _) => key.to_string(),
        (None, [only]) => only.to_string(),
        (None, []) => bail!(
            "no action matching `{needle}` ran in the last {} days; `worthit report --since {}d` lists the action keys",
            period.days(),
            period.days()
        ),
        (None, many) => {
            let shown: Vec<String> = many.iter().take(10).map(|k| format!("`{k}`")).collect();
            let more = if many.len() > 10 {
                format!(" and {} more", many.len() - 10)
            } else {
                String::new()
            };
            bail!(
                "`{needle}` matches {} actions: {}{more}; name one, e.g. `worthit nominate \"{}\"`",
                many.len(),
                shown.join(", "),
                many[0]
            )
        }
    };
    let matching: Vec<&rank::ActionStats> =
        ranking.actions.iter().filter(|a| a.action == key).collect();
    if matching.iter().all(|a| !a.counted) {
        bail!(
            "`{key}` is an interactive session (an editor, shell, REPL or server); those are never sent, so it cannot be nominated"
        );
    }
    let ids = matching
        .iter()
        .filter(|a| a.counted)
        .map(|a| a.action_id)
        .collect();
    // The ranking is most time first, so the first counted one is the main category.
    let category = matching
        .iter()
        .find(|a| a.counted)
        .map_or(Category::Other, |a| a.category);
    Ok(Target { key, category, ids })
}

/// A nomination ready to show and send: the exact bytes, and what they mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The key the developer knows (never sent unless it is its own wire key).
    pub local_action: String,
    /// The key the server sees.
    pub wire_action: String,
    pub category: Category,
    /// The pretty-printed JSON request, newline-terminated: shown, sent and logged as is.
    pub body: Vec<u8>,
    pub days: usize,
    pub runs: u64,
}

impl Draft {
    /// True when the server will see only the category (`other:<category>`).
    pub fn only_category(&self) -> bool {
        self.wire_action.starts_with("other:")
    }

    /// The sentence saying so, when it applies.
    pub fn category_notice(&self) -> Option<String> {
        self.only_category().then(|| {
            format!(
                "`{}` is not a tool worthit knows by name, so it is sent as `{}`: the server will see only its category ({}), never its name.",
                self.local_action,
                self.wire_action,
                self.category.as_str()
            )
        })
    }
}

/// Builds the nomination of `target` with `note`, from the last [`NOMINATION_DAYS`] days
/// of rollups.
pub fn prepare(
    store: &Store,
    settings: &Settings,
    machine: MachineClass,
    target: &Target,
    note: &str,
    today: i32,
) -> Result<Draft> {
    check_note(note).map_err(|problem| anyhow::anyhow!("{problem}"))?;
    let wire = wire_action(&target.key, target.category, &Classifier::builtin());
    let days = period(today);
    let built = Builder::new(settings, machine)
        .only_actions(target.ids.iter().copied())
        .build(store, days.first_day, days.last_day)
        .context("could not build the nomination from the rollups")?;
    let mut upload = match built {
        Some(upload) => upload,
        None => bail!(
            "`{}` did not run in the last {NOMINATION_DAYS} days: there is nothing to nominate",
            target.key
        ),
    };
    // A key seen in several categories may map to several `other:` keys; a nomination
    // speaks for one.
    for day in &mut upload.days {
        day.actions.retain(|row| row.action == wire);
    }
    upload.days.retain(|day| !day.actions.is_empty());
    if upload.days.is_empty() {
        bail!(
            "`{}` did not run in the last {NOMINATION_DAYS} days: there is nothing to nominate",
            target.key
        );
    }
    let runs = upload
        .days
        .iter()
        .flat_map(|d| d.actions.iter().map(|a| a.runs))
        .sum();
    let nomination = Nomination {
        schema_version: SCHEMA_VERSION,
        action: wire.clone(),
        category: target.category,
        nominator: nominator(&settings.secret, &wire),
        note: note.to_string(),
        upload,
    };
    nomination
        .validate()
        .map_err(|err| anyhow::anyhow!("the nomination would be refused: {err}"))?;
    let mut body = serde_json::to_vec_pretty(&nomination)?;
    body.push(b'\n');
    Ok(Draft {
        local_action: target.key.clone(),
        wire_action: wire,
        category: target.category,
        days: nomination.upload.days.len(),
        runs,
        body,
    })
}

/// The server's answer to an accepted nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// 201 for a first nomination, 200 when it replaced this developer's earlier note.
    pub status: u16,
    pub entry_id: Option<i64>,
    /// The backlog entry's status (`open`, `planned`, …).
    pub state: Option<String>,
}

impl Accepted {
    /// One line for the user.
    pub fn sentence(&self, draft: &Draft) -> String {
        let entry = match (self.entry_id, &self.state) {
            (Some(id), Some(state)) => format!(" (backlog entry {id}, {state})"),
            (Some(id), None) => format!(" (backlog entry {id})"),
            _ => String::new(),
        };
        if self.status == 200 {
            format!(
                "Nomination of `{}` updated: your earlier note was replaced{entry}.",
                draft.local_action
            )
        } else {
            format!("Nominated `{}`{entry}.", draft.local_action)
        }
    }
}

/// Sends `draft`, records the attempt in the audit log, and says what happened: the
/// server's answer, or why it was not accepted (one line, for the user).
pub fn send(paths: &Paths, settings: &Settings, draft: &Draft) -> Result<Accepted, String> {
    let outcome = send::post(settings, ENDPOINT, &draft.body);
    let url = format!("{}{ENDPOINT}", settings.server);
    let (logged, result) = match outcome {
        Outcome::Sent { status, body } => {
            let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let accepted = Accepted {
                status,
                entry_id: answer["entry_id"].as_i64(),
                state: answer["status"].as_str().map(|s| {
                    s.chars()
                        .filter(|c| !c.is_control())
                        .take(32)
                        .collect::<String>()
                }),
            };
            (format!("sent ({status})"), Ok(accepted))
        }
        Outcome::Retry { reason, .. } => (
            format!("not sent: {reason}"),
            Err(format!(
                "the nomination was not sent: {reason}; nothing changed, try again later"
            )),
        ),
        Outcome::Rejected { status, message } => {
            let why = match status {
                401 | 403 => format!(
                    "the server refused the token ({status}): {message}; check the token with `worthit upload status`, or enable uploading again with a new one"
                ),
                404 => format!(
                    "{url} does not exist (404): the team server runs a worthit too old for nominations"
                ),
                _ => format!("the server refused the nomination ({status}): {message}"),
            };
            (format!("refused ({status}): {message}"), Err(why))
        }
    };
    let entry = LogEntry {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        server: settings.server.clone(),
        result: format!("nomination of {}: {logged}", draft.wire_action),
        body: String::from_utf8_lossy(&draft.body).into_owned(),
        kind: LogKind::Nomination,
    };
    if let Err(err) = append_log(paths, &entry) {
        // Sent but not recorded: say so rather than pretend the audit log is complete.
        let recorded = format!("; it is missing from the audit log: {err:#}");
        return match result {
            Ok(_) => Err(format!("the nomination was sent{recorded}")),
            Err(why) => Err(format!("{why}{recorded}")),
        };
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Histogram;
    use crate::upload::payload::{ActionDay, Day};

    fn sample(note: &str) -> Nomination {
        let mut durations = Histogram::new();
        durations.record(40_000_000);
        Nomination {
            schema_version: SCHEMA_VERSION,
            action: "cargo test".into(),
            category: Category::Test,
            nominator: nominator("ab", "cargo test"),
            note: note.into(),
            upload: Upload {
                schema_version: crate::upload::payload::SCHEMA_VERSION,
                client: "worthit 0.1.0".into(),
                team: "payments".into(),
                machine: MachineClass::of("linux", "x86_64", 8, 16 << 30),
                days: vec![Day {
                    day: "2026-11-20".into(),
                    contributor: "0123456789abcdef0123456789abcdef".into(),
                    actions: vec![ActionDay {
                        action: "cargo test".into(),
                        category: Category::Test,
                        repo: None,
                        runs: 1,
                        failures: 0,
                        exits_known: 1,
                        durations,
                    }],
                }],
            },
        }
    }

    #[test]
    fn notes_are_short_plain_lines() {
        assert_eq!(check_note(""), Ok(()));
        assert_eq!(check_note(&"é".repeat(280)), Ok(()));
        assert_eq!(
            check_note(&"é".repeat(281)),
            Err("the note is 281 characters long; at most 280 are allowed".into())
        );
        for (note, code) in [
            ("a\nb", "U+000A at character 2"),
            ("\ttab", "U+0009 at character 1"),
            ("bell\u{7}", "U+0007 at character 5"),
            ("del\u{7f}", "U+007F at character 4"),
            ("csi\u{9b}31m", "U+009B at character 4"),
        ] {
            let err = check_note(note).unwrap_err();
            assert!(err.contains(code), "{note:?}: {err}");
        }
    }

    #[test]
    fn nominators_are_stable_per_action_and_secret() {
        let a = nominator("aa", "cargo test");
        assert_eq!(a, nominator("aa", "cargo test"));
        assert_ne!(a, nominator("aa", "cargo build"));
        assert_ne!(a, nominator("bb", "cargo test"));
        assert!(is_hex32(&a), "{a}");
        // Unlinkable to the weekly upload pseudonym of the same secret.
        let week = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_ne!(a, super::super::build::pseudonym("aa", week));
    }

    #[test]
    fn validation_names_the_field() {
        sample("takes 40 s every time").validate().unwrap();
        let mut other = sample("");
        other.upload.days[0].actions[0].action = "cargo build".into();
        assert_eq!(
            other.validate().unwrap_err().to_string(),
            "upload.days[0].actions[0].action: expected only `cargo test` in a nomination"
        );
        let mut bad = sample("");
        bad.note = "x".repeat(300);
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .starts_with("note: ")
        );
        let mut bad = sample("");
        bad.nominator = "alice".into();
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .starts_with("nominator: ")
        );
        let mut bad = sample("");
        bad.upload.team = "pay ments".into();
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .starts_with("upload.team: ")
        );
    }

    #[test]
    fn unknown_fields_are_refused_and_the_note_may_be_absent() {
        let mut json = serde_json::to_value(sample("hi")).unwrap();
        json.as_object_mut().unwrap().remove("note");
        let back: Nomination = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.note, "");
        json["user"] = "alice".into();
        let err = serde_json::from_value::<Nomination>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `user`"), "{err}");
    }
}
