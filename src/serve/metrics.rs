//! The server's own health in the Prometheus text format, served at `GET /metrics` on a
//! separate listener (`--metrics-listen`) so it is never exposed with the API by accident
//! (reference: docs/server.md, "Metrics").
//!
//! Labels are only route templates, status classes and the API's fixed error codes:
//! never a team, a token or a raw path, so the number of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;

/// Upper bounds (seconds) of the request duration histogram's buckets.
pub const DURATION_BUCKETS: [f64; 8] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 5.0];

/// The route label of a request that matched no route (so raw paths never become labels).
const UNMATCHED: &str = "unmatched";

/// The route whose outcomes count as uploads accepted or refused.
const UPLOADS_ROUTE: &str = "/api/v1/uploads";

#[derive(Debug, Default, Clone)]
struct Durations {
    /// Counts per bucket of [`DURATION_BUCKETS`] (not cumulative), then the overflow.
    buckets: [u64; DURATION_BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
struct Requests {
    /// Requests answered per (route template, status class).
    counts: BTreeMap<(String, &'static str), u64>,
    durations: BTreeMap<String, Durations>,
    /// Uploads refused per error code.
    refused: BTreeMap<&'static str, u64>,
}

/// Counters shared by every request of one instance.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
    in_flight: AtomicI64,
    uploads_accepted: AtomicU64,
    rows_stored: AtomicU64,
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Escapes a label value as the exposition format requires.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    fn requests(&self) -> MutexGuard<'_, Requests> {
        // Counters stay meaningful even if a request panicked while holding the lock.
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one answered request.
    fn record(&self, route: &str, status: StatusCode, seconds: f64, refused: Option<&'static str>) {
        let mut requests = self.requests();
        *requests
            .counts
            .entry((route.to_string(), status_class(status)))
            .or_default() += 1;
        let durations = requests.durations.entry(route.to_string()).or_default();
        let bucket = DURATION_BUCKETS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(DURATION_BUCKETS.len());
        durations.buckets[bucket] += 1;
        durations.sum += seconds;
        durations.count += 1;
        if let Some(code) = refused {
            *requests.refused.entry(code).or_default() += 1;
        }
    }

    /// Counts aggregate rows written by an accepted upload.
    pub fn rows_stored(&self, rows: usize) {
        self.rows_stored
            .fetch_add(u64::try_from(rows).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let requests = self.requests();
        let mut out = String::new();
        family(
            &mut out,
            "worthit_build_info",
            "gauge",
            "The running worthit version (always 1).",
        );
        let _ = writeln!(
            out,
            "worthit_build_info{{version=\"{}\"}} 1",
            label(env!("CARGO_PKG_VERSION"))
        );
        family(
            &mut out,
            "worthit_http_requests_total",
            "counter",
            "Requests answered, by route template and status class.",
        );
        for ((route, class), count) in &requests.counts {
            let _ = writeln!(
                out,
                "worthit_http_requests_total{{route=\"{}\",status_class=\"{class}\"}} {count}",
                label(route)
            );
        }
        family(
            &mut out,
            "worthit_http_request_duration_seconds",
            "histogram",
            "Time from request to response headers, by route template.",
        );
        for (route, durations) in &requests.durations {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, count) in DURATION_BUCKETS.iter().zip(durations.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "worthit_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "worthit_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 worthit_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 worthit_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                durations.count, durations.sum, durations.count
            );
        }
        family(
            &mut out,
            "worthit_http_requests_in_flight",
            "gauge",
            "Requests being handled now.",
        );
        let _ = writeln!(
            out,
            "worthit_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        family(
            &mut out,
            "worthit_uploads_accepted_total",
            "counter",
            "Uploads stored.",
        );
        let _ = writeln!(
            out,
            "worthit_uploads_accepted_total {}",
            self.uploads_accepted.load(Ordering::Relaxed)
        );
        family(
            &mut out,
            "worthit_uploads_refused_total",
            "counter",
            "Uploads refused, by the error code of the answer.",
        );
        for (code, count) in &requests.refused {
            let _ = writeln!(
                out,
                "worthit_uploads_refused_total{{code=\"{}\"}} {count}",
                label(code)
            );
        }
        family(
            &mut out,
            "worthit_rows_stored_total",
            "counter",
            "Aggregate rows written by accepted uploads.",
        );
        let _ = writeln!(
            out,
            "worthit_rows_stored_total {}",
            self.rows_stored.load(Ordering::Relaxed)
        );
        out
    }
}

/// Starts a metric family: its help and type lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Lowers the in-flight gauge even when the request's future is dropped mid-way.
struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The middleware that counts every API request; it runs inside the request log, so a
/// refused upload's [`ApiError`] is still on the response.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let is_upload = route == UPLOADS_ROUTE && request.method() == Method::POST;
    metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = {
        let _in_flight = InFlight(&metrics.in_flight);
        next.run(request).await
    };
    let status = response.status();
    let refused = if !is_upload {
        None
    } else if status.is_success() {
        metrics.uploads_accepted.fetch_add(1, Ordering::Relaxed);
        None
    } else {
        Some(
            response
                .extensions()
                .get::<ApiError>()
                .map_or_else(|| ApiError::from_status(status).code, |e| e.code),
        )
    };
    metrics.record(&route, status, started.elapsed().as_secs_f64(), refused);
    response
}

async fn exposition(State(metrics): State<Arc<Metrics>>) -> Response {
    let mut response = metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub fn app(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(exposition))
        .with_state(metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_every_family_with_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.record(UPLOADS_ROUTE, StatusCode::OK, 0.003, None);
        metrics.record(UPLOADS_ROUTE, StatusCode::OK, 0.2, None);
        metrics.record(
            UPLOADS_ROUTE,
            StatusCode::TOO_MANY_REQUESTS,
            9.0,
            Some("rate_limited"),
        );
        metrics.rows_stored(12);
        let text = metrics.render();
        let has = |line: &str| text.lines().any(|l| l == line);
        assert!(has(&format!(
            "worthit_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(has(
            "worthit_http_requests_total{route=\"/api/v1/uploads\",status_class=\"2xx\"} 2"
        ));
        assert!(has(
            "worthit_http_requests_total{route=\"/api/v1/uploads\",status_class=\"4xx\"} 1"
        ));
        assert!(has(
            "worthit_http_request_duration_seconds_bucket{route=\"/api/v1/uploads\",le=\"0.005\"} 1"
        ));
        assert!(has(
            "worthit_http_request_duration_seconds_bucket{route=\"/api/v1/uploads\",le=\"0.5\"} 2"
        ));
        assert!(has(
            "worthit_http_request_duration_seconds_bucket{route=\"/api/v1/uploads\",le=\"5\"} 2"
        ));
        assert!(has(
            "worthit_http_request_duration_seconds_bucket{route=\"/api/v1/uploads\",le=\"+Inf\"} 3"
        ));
        assert!(has(
            "worthit_http_request_duration_seconds_count{route=\"/api/v1/uploads\"} 3"
        ));
        assert!(has(
            "worthit_uploads_refused_total{code=\"rate_limited\"} 1"
        ));
        assert!(has("worthit_rows_stored_total 12"));
        assert!(has("worthit_http_requests_in_flight 0"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::BAD_GATEWAY), "5xx");
    }
}
