//! What happens around every request: a request id, JSON errors, and one structured log
//! line (method, path, status, latency, request id, team and role; never a token or a
//! body).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use super::store::Role;

/// The header carrying the request id, both ways.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest path kept in a log line; longer ones are cut.
const MAX_LOGGED_PATH: usize = 200;

/// Who a request acted for; handlers put it on the response for the log line.
#[derive(Debug, Clone)]
pub struct LoggedCaller {
    pub team: Option<String>,
    pub role: Role,
}

/// A request id a load balancer or client already chose is kept when it is short and
/// plain, so one id follows a request through every hop; anything else is replaced.
fn is_plain_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // Ids only need to be unique within the logs; a counter will do.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        bytes = NEXT.fetch_add(1, Ordering::Relaxed).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The middleware: see the module documentation.
pub async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_plain_id(id))
        .map_or_else(new_id, str::to_string);
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(MAX_LOGGED_PATH).collect();
    let mut response = next.run(request).await;
    let status = response.status();
    let mut code = None;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        code = Some(error.code);
        response = error.render(&id, response);
    } else if (status.is_client_error() || status.is_server_error()) && !is_json(&response) {
        let error = ApiError::from_status(status);
        code = Some(error.code);
        response = error.render(&id, response);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(X_REQUEST_ID.clone(), value);
    }
    let caller = response.extensions().get::<LoggedCaller>();
    let team = caller.and_then(|c| c.team.as_deref()).unwrap_or("-");
    let role = caller.map_or("-", |c| c.role.as_str());
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        request_id = %id,
        team = %team,
        role = %role,
        error = code.unwrap_or("-"),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_incoming_ids_are_kept() {
        assert!(is_plain_id("req-42.a_b"));
        assert!(!is_plain_id(""));
        assert!(!is_plain_id("a b"));
        assert!(!is_plain_id("x\u{1b}[31m"));
        assert!(!is_plain_id(&"a".repeat(65)));
        let id = new_id();
        assert_eq!(id.len(), 16);
        assert_ne!(id, new_id());
    }
}
