//! Removes secrets from command lines before anything reaches SQLite.
//! (Placeholder API: being implemented.)

use std::borrow::Cow;

/// Compiled secret patterns (built-in plus the config's `[redact] patterns`).
pub struct Redactor {
    _extra: Vec<String>,
}

impl Redactor {
    pub fn new(extra_patterns: &[String]) -> Redactor {
        Redactor {
            _extra: extra_patterns.to_vec(),
        }
    }

    /// Returns the command with every secret replaced by a marker.
    pub fn redact<'a>(&self, command: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(command)
    }
}
