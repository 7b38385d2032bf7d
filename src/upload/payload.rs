//! The upload payload: what a developer's machine sends to a team server, and nothing
//! more. Shared by the uploader (which builds it) and `worthit serve` (which validates it),
//! so both sides agree on every field. The format is documented in docs/upload-format.md;
//! bump [`SCHEMA_VERSION`] for any incompatible change.
//!
//! Privacy is in the types: there is no field that could carry a command line, an
//! argument, a path, a host name, a user name, a branch or a time finer than a day.
//! Action keys are checked against the classifier's built-in allow-list; repositories are
//! opaque HMACs; the contributor is a pseudonym that changes every ISO week.

use serde::{Deserialize, Serialize};

use crate::classify::Category;
use crate::histogram::Histogram;

/// The payload schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Most days one upload may carry (a little over a quarter), so a batch stays small.
pub const MAX_DAYS: usize = 100;
/// Most action rows one day may carry.
pub const MAX_ACTIONS_PER_DAY: usize = 1_000;
/// Longest action key accepted.
pub const MAX_ACTION_LEN: usize = 80;
/// Longest team name accepted.
pub const MAX_TEAM_LEN: usize = 64;

/// One upload: some days of one contributor's aggregates on one machine class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    pub schema_version: u32,
    /// The uploading program, e.g. `worthit 0.1.0` (for the server's logs).
    pub client: String,
    pub team: String,
    pub machine: MachineClass,
    pub days: Vec<Day>,
}

/// A coarse machine class: enough to say "builds on 4-core laptops are slower", too coarse
/// to single out a machine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineClass {
    /// `linux`, `macos`, `windows`, `freebsd` or `other`.
    pub os: String,
    /// `x86_64`, `aarch64` or `other`.
    pub arch: String,
    /// Core-count bucket: `1`, `2-3`, `4-7`, `8-15`, `16-31`, `32+`.
    pub cores: String,
    /// Memory bucket in GiB: `<8`, `8-15`, `16-31`, `32-63`, `64+`.
    pub memory_gib: String,
}

/// One local calendar day of one contributor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// `YYYY-MM-DD`, the contributor's local calendar day.
    pub day: String,
    /// The contributor's pseudonym for that day's ISO week: 32 hex digits.
    pub contributor: String,
    pub actions: Vec<ActionDay>,
}

/// One action's runs on one day (in one repository, or in none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDay {
    /// An allow-listed action key (`cargo test`), or `other:<category>`.
    pub action: String,
    pub category: Category,
    /// HMAC of the repository's normalised remote URL under the team's salt (32 hex
    /// digits), or null outside a repository or without a remote.
    pub repo: Option<String>,
    pub runs: u64,
    pub failures: u64,
    pub exits_known: u64,
    /// Durations of the timed runs: an OTLP exponential histogram data point, scale 3, ms.
    pub durations: Histogram,
}

/// The machine classes' buckets.
pub const CORE_BUCKETS: [&str; 6] = ["1", "2-3", "4-7", "8-15", "16-31", "32+"];
pub const MEMORY_BUCKETS: [&str; 5] = ["<8", "8-15", "16-31", "32-63", "64+"];

impl MachineClass {
    /// The class of a machine with these properties.
    pub fn of(os: &str, arch: &str, cores: u64, memory_bytes: u64) -> MachineClass {
        let os = match os.to_ascii_lowercase().as_str() {
            o if o.contains("linux") => "linux",
            o if o.contains("mac") || o.contains("darwin") => "macos",
            o if o.contains("windows") => "windows",
            o if o.contains("freebsd") => "freebsd",
            _ => "other",
        };
        let arch = match arch {
            "x86_64" | "amd64" => "x86_64",
            "aarch64" | "arm64" => "aarch64",
            _ => "other",
        };
        let cores = match cores {
            0 | 1 => 0,
            2..=3 => 1,
            4..=7 => 2,
            8..=15 => 3,
            16..=31 => 4,
            _ => 5,
        };
        let gib = memory_bytes >> 30;
        let memory = match gib {
            0..=7 => 0,
            8..=15 => 1,
            16..=31 => 2,
            32..=63 => 3,
            _ => 4,
        };
        MachineClass {
            os: os.into(),
            arch: arch.into(),
            cores: CORE_BUCKETS[cores].into(),
            memory_gib: MEMORY_BUCKETS[memory].into(),
        }
    }
}

/// Why an upload was refused; the server returns it as a 400/422 message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    /// Where, e.g. `days[3].actions[0].action`.
    pub field: String,
    pub problem: String,
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

fn is_hex32(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// True for the shapes an action key may take on the wire: an allow-listed key is
/// lower-case words of `[a-z0-9._:+-]` separated by single spaces; `other:<category>` is
/// one of those too.
pub fn is_wire_action(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_ACTION_LEN
        && !key.starts_with(' ')
        && !key.ends_with(' ')
        && !key.contains("  ")
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b" ._:+-".contains(&b))
}

impl Upload {
    /// Checks every field; the first problem found is returned with its path.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(invalid(
                "schema_version",
                format!(
                    "version {} is not supported (this server reads {SCHEMA_VERSION})",
                    self.schema_version
                ),
            ));
        }
        if self.client.len() > 64 || self.client.chars().any(char::is_control) {
            return Err(invalid("client", "at most 64 printable characters"));
        }
        if self.team.is_empty()
            || self.team.len() > MAX_TEAM_LEN
            || !self
                .team
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(invalid(
                "team",
                "1 to 64 characters of letters, digits, '-', '_' and '.'",
            ));
        }
        let m = &self.machine;
        for (name, value, allowed) in [
            (
                "machine.os",
                &m.os,
                &["linux", "macos", "windows", "freebsd", "other"][..],
            ),
            ("machine.arch", &m.arch, &["x86_64", "aarch64", "other"][..]),
            ("machine.cores", &m.cores, &CORE_BUCKETS[..]),
            ("machine.memory_gib", &m.memory_gib, &MEMORY_BUCKETS[..]),
        ] {
            if !allowed.contains(&value.as_str()) {
                return Err(invalid(
                    name,
                    format!("expected one of {}", allowed.join(", ")),
                ));
            }
        }
        if self.days.is_empty() || self.days.len() > MAX_DAYS {
            return Err(invalid("days", format!("1 to {MAX_DAYS} days per upload")));
        }
        let mut seen_days = std::collections::HashSet::new();
        for (d, day) in self.days.iter().enumerate() {
            let at = |rest: &str| format!("days[{d}]{rest}");
            if chrono::NaiveDate::parse_from_str(&day.day, "%Y-%m-%d").is_err()
                || day.day.len() != 10
            {
                return Err(invalid(at(".day"), "expected a date YYYY-MM-DD"));
            }
            if !seen_days.insert(&day.day) {
                return Err(invalid(at(".day"), "the same day appears twice"));
            }
            if !is_hex32(&day.contributor) {
                return Err(invalid(
                    at(".contributor"),
                    "expected 32 lower-case hex digits",
                ));
            }
            if day.actions.len() > MAX_ACTIONS_PER_DAY {
                return Err(invalid(
                    at(".actions"),
                    format!("at most {MAX_ACTIONS_PER_DAY} per day"),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for (a, action) in day.actions.iter().enumerate() {
                let at = |rest: &str| format!("days[{d}].actions[{a}]{rest}");
                if !is_wire_action(&action.action) {
                    return Err(invalid(at(".action"), "not an allow-listed action key"));
                }
                if action.repo.as_deref().is_some_and(|r| !is_hex32(r)) {
                    return Err(invalid(
                        at(".repo"),
                        "expected 32 lower-case hex digits or null",
                    ));
                }
                if !seen.insert((&action.action, action.category, &action.repo)) {
                    return Err(invalid(
                        at(""),
                        "the same action, category and repo appear twice in one day",
                    ));
                }
                if action.failures > action.exits_known || action.exits_known > action.runs {
                    return Err(invalid(at(""), "needs failures ≤ exits_known ≤ runs"));
                }
                if action.durations.count() > action.runs {
                    return Err(invalid(at(".durations"), "more timed runs than runs"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> Upload {
        let mut durations = Histogram::new();
        for ms in [40_000u64, 41_000, 95_000] {
            durations.record(ms * 1000);
        }
        Upload {
            schema_version: SCHEMA_VERSION,
            client: "worthit 0.1.0".into(),
            team: "payments".into(),
            machine: MachineClass::of("Linux", "x86_64", 8, 16 << 30),
            days: vec![Day {
                day: "2026-11-20".into(),
                contributor: "0123456789abcdef0123456789abcdef".into(),
                actions: vec![ActionDay {
                    action: "cargo test".into(),
                    category: Category::Test,
                    repo: Some("fedcba9876543210fedcba9876543210".into()),
                    runs: 4,
                    failures: 1,
                    exits_known: 4,
                    durations,
                }],
            }],
        }
    }

    #[test]
    fn machine_classes_are_coarse() {
        let m = MachineClass::of("Linux", "x86_64", 8, 16 << 30);
        assert_eq!(
            (
                m.os.as_str(),
                m.arch.as_str(),
                m.cores.as_str(),
                m.memory_gib.as_str()
            ),
            ("linux", "x86_64", "8-15", "16-31")
        );
        let m = MachineClass::of("Darwin", "arm64", 10, 15 << 30);
        assert_eq!(
            (m.os.as_str(), m.cores.as_str(), m.memory_gib.as_str()),
            ("macos", "8-15", "8-15")
        );
        assert_eq!(MachineClass::of("Plan 9", "mips", 1, 0).arch, "other");
        assert_eq!(
            MachineClass::of("linux", "x86_64", 96, 1 << 40).cores,
            "32+"
        );
    }

    #[test]
    fn a_good_upload_round_trips_and_validates() {
        let upload = sample();
        upload.validate().unwrap();
        let json = serde_json::to_string(&upload).unwrap();
        let back: Upload = serde_json::from_str(&json).unwrap();
        assert_eq!(back, upload);
    }

    #[test]
    fn every_bad_field_is_named() {
        type Breakage = Box<dyn Fn(&mut Upload)>;
        let cases: Vec<(Breakage, &str)> = vec![
            (
                Box::new(|u| u.schema_version = 9),
                "schema_version: version 9 is not supported",
            ),
            (Box::new(|u| u.team = "pay ments".into()), "team:"),
            (
                Box::new(|u| u.machine.cores = "5".into()),
                "machine.cores: expected one of",
            ),
            (Box::new(|u| u.days.clear()), "days: 1 to 100"),
            (
                Box::new(|u| u.days[0].day = "2026-13-01".into()),
                "days[0].day: expected a date",
            ),
            (
                Box::new(|u| u.days[0].contributor = "alice".into()),
                "days[0].contributor",
            ),
            (
                Box::new(|u| u.days[0].actions[0].action = "cargo test /home/alice/x".into()),
                "days[0].actions[0].action",
            ),
            (
                Box::new(|u| u.days[0].actions[0].action = "Cargo Test".into()),
                "days[0].actions[0].action",
            ),
            (
                Box::new(|u| u.days[0].actions[0].repo = Some("git@github.com:acme/x".into())),
                "days[0].actions[0].repo",
            ),
            (
                Box::new(|u| u.days[0].actions[0].failures = 9),
                "failures ≤ exits_known ≤ runs",
            ),
            (
                Box::new(|u| u.days[0].actions[0].runs = 2),
                "exits_known ≤ runs",
            ),
            (
                Box::new(|u| {
                    let a = u.days[0].actions[0].clone();
                    u.days[0].actions.push(a);
                }),
                "appear twice",
            ),
            (
                Box::new(|u| {
                    let d = u.days[0].clone();
                    u.days.push(d);
                }),
                "the same day appears twice",
            ),
        ];
        for (break_it, expected) in cases {
            let mut upload = sample();
            break_it(&mut upload);
            let err = upload.validate().unwrap_err().to_string();
            assert!(err.contains(expected), "{expected} in {err}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut json: serde_json::Value = serde_json::to_value(sample()).unwrap();
        json["days"][0]["actions"][0]["command"] = "cargo test -p secret".into();
        let err = serde_json::from_value::<Upload>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `command`"), "{err}");
    }

    #[test]
    fn wire_action_shapes() {
        for good in [
            "cargo test",
            "npm run test:unit",
            "other:build",
            "gradle test",
            "go test",
            "kubectl get",
        ] {
            assert!(is_wire_action(good), "{good}");
        }
        for bad in [
            "",
            " cargo",
            "cargo  test",
            "./run.sh",
            "/usr/bin/make",
            "Make",
            "rm -rf ~",
            "a\tb",
        ] {
            assert!(!is_wire_action(bad), "{bad}");
        }
    }
}
