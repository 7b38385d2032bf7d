//! Talks to the team server: POSTs one payload (gzip, bearer token, short timeouts) and
//! returns a verdict the caller turns into state: sent, retry later (408, 429, 5xx,
//! network and TLS failures, honouring `Retry-After`), or rejected (any other 4xx: sending
//! the same bytes again won't help). Uploads and nominations share it; [`get`] reads the
//! small JSON documents the server offers back (the fixes list).

use std::io::Write;
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::settings::Settings;

/// How long connecting may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted the payload; `body` is the start of its answer.
    Sent { status: u16, body: String },
    /// Worth trying again later; `after` is the server's `Retry-After`, if any.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// The server refused the payload itself.
    Rejected { status: u16, message: String },
}

/// POSTs `body` (the exact JSON bytes) to the server's upload endpoint.
pub fn send(settings: &Settings, body: &[u8]) -> Outcome {
    post(settings, "/api/v1/uploads", body)
}

/// The HTTP client every request uses: short timeouts, and a user agent naming the
/// version so a server can tell clients apart in its logs.
fn client() -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("worthit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| format!("could not set up HTTPS: {err}"))
}

/// POSTs `body` (the exact JSON bytes), gzipped, to `path` on the server.
pub fn post(settings: &Settings, path: &str, body: &[u8]) -> Outcome {
    let mut gzip = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::default());
    if let Err(err) = gzip.write_all(body) {
        return Outcome::Retry {
            reason: format!("could not compress the payload: {err}"),
            after: None,
        };
    }
    let compressed = match gzip.finish() {
        Ok(bytes) => bytes,
        Err(err) => {
            return Outcome::Retry {
                reason: format!("could not compress the payload: {err}"),
                after: None,
            };
        }
    };
    let client = match client() {
        Ok(client) => client,
        Err(reason) => {
            return Outcome::Retry {
                reason,
                after: None,
            };
        }
    };
    let url = format!("{}{path}", settings.server);
    let response = client
        .post(&url)
        .bearer_auth(&settings.token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::CONTENT_ENCODING, "gzip")
        .body(compressed)
        .send();
    let response = match response {
        Ok(response) => response,
        Err(err) => {
            return Outcome::Retry {
                reason: format!("could not reach {url}: {}", error_chain(&err)),
                after: None,
            };
        }
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    // Read at most a little of the body: a misbehaving server may send anything.
    let text = response
        .text()
        .map(|t| t.chars().take(500).collect::<String>())
        .unwrap_or_default();
    let code = status.as_u16();
    if status.is_success() {
        Outcome::Sent {
            status: code,
            body: text,
        }
    } else if matches!(code, 408 | 429) || status.is_server_error() {
        Outcome::Retry {
            reason: format!("{url} answered {status}: {}", message_of(&text)),
            after: retry_after,
        }
    } else {
        Outcome::Rejected {
            status: code,
            message: message_of(&text),
        }
    }
}

/// What a GET returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 2xx, with the body (at most `limit` bytes were accepted).
    Ok(String),
    /// 404: the server does not have this (an older server, for a newer endpoint).
    NotFound,
    /// Anything else, one line.
    Failed(String),
}

/// GETs `path` from the server with the bearer token; bodies over `limit` bytes fail.
pub fn get(settings: &Settings, path: &str, limit: usize) -> Fetched {
    let client = match client() {
        Ok(client) => client,
        Err(reason) => return Fetched::Failed(reason),
    };
    let url = format!("{}{path}", settings.server);
    let response = match client
        .get(&url)
        .bearer_auth(&settings.token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
    {
        Ok(response) => response,
        Err(err) => {
            return Fetched::Failed(format!("could not reach {url}: {}", error_chain(&err)));
        }
    };
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Fetched::NotFound;
    }
    if !status.is_success() {
        let text = response.text().unwrap_or_default();
        return Fetched::Failed(format!("{url} answered {status}: {}", message_of(&text)));
    }
    let mut body = Vec::new();
    let read = std::io::Read::read_to_end(
        &mut std::io::Read::take(response, limit as u64 + 1),
        &mut body,
    );
    match read {
        Err(err) => Fetched::Failed(format!("could not read the answer of {url}: {err}")),
        Ok(_) if body.len() > limit => {
            Fetched::Failed(format!("{url} answered with more than {limit} bytes"))
        }
        Ok(_) => match String::from_utf8(body) {
            Ok(text) => Fetched::Ok(text),
            Err(_) => Fetched::Failed(format!("{url} answered with something other than UTF-8")),
        },
    }
}

/// The `error.message` of a worthit server's JSON error, or the text itself, one line.
pub fn message_of(text: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string));
    let message = from_json.unwrap_or_else(|| text.to_string());
    let line: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if line.trim().is_empty() {
        "(no message)".to_string()
    } else {
        line.trim().to_string()
    }
}

/// `Retry-After` as seconds or an HTTP date, capped at a day.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let seconds = match value.parse::<u64>() {
        Ok(seconds) => seconds,
        Err(_) => {
            let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            (when.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64
        }
    };
    Some(Duration::from_secs(seconds.min(86_400)))
}

/// An error and its causes on one line (reqwest hides the interesting part in sources).
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// The wait before attempt `failures + 1`: one minute doubling to six hours, with the
/// upper half jittered so a team's machines do not retry in step.
pub fn backoff(failures: u32, random: u64) -> Duration {
    let base = 60u64.saturating_mul(1 << failures.min(10)).min(6 * 3600);
    let half = base / 2;
    Duration::from_secs(half + random % (half + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("999999"),
            Some(Duration::from_secs(86_400))
        );
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        let parsed = parse_retry_after(&soon).unwrap().as_secs();
        assert!((85..=90).contains(&parsed), "{parsed}");
        assert_eq!(parse_retry_after("tomorrow-ish"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_ceiling() {
        for failures in 0..20 {
            let low = backoff(failures, 0).as_secs();
            let high = backoff(failures, u64::MAX).as_secs();
            let base = (60u64 << failures.min(10)).min(6 * 3600);
            assert_eq!(low, base / 2);
            assert!(high <= base && high >= low);
        }
        assert_eq!(backoff(0, 0).as_secs(), 30);
        assert_eq!(backoff(30, 0).as_secs(), 3 * 3600);
    }

    #[test]
    fn error_messages_are_one_short_line() {
        assert_eq!(
            message_of(r#"{"error":{"status":422,"message":"days[0].day: expected a date"}}"#),
            "days[0].day: expected a date"
        );
        assert_eq!(
            message_of("<html>\nBad\tGateway</html>"),
            "<html> Bad Gateway</html>"
        );
        assert_eq!(message_of(""), "(no message)");
        assert_eq!(message_of(&"x".repeat(1000)).len(), 200);
    }
}
