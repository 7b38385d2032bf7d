//! The handlers of HTTP API v1 (reference: docs/server.md).
//!
//! Work that blocks or burns CPU (the store, gzip, JSON, the report) runs in
//! `spawn_blocking`, so a slow upload never stalls the threads that accept connections.
//! An upload is checked in order of cost: token, headers, declared length, body length,
//! decompressed length, JSON, field validation, and only then stored.

use std::borrow::Cow;
use std::io::Read;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeDelta, Utc};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{self, Caller};
use super::error::ApiError;
use super::ratelimit::{self, Decision};
use super::report::{self, Report, ReportRequest, Scope};
use super::request::LoggedCaller;
use super::store::{Role, RowFilter, Stored, TeamStore};
use crate::upload::payload::{SCHEMA_VERSION, Upload};

/// Largest request body as sent (compressed or not).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Largest body after gzip decompression.
pub const MAX_DECOMPRESSED_BYTES: usize = 8 << 20;

/// Most runs one contributor may report for one action on one day: ten a second around
/// the clock. More is corrupt input, and refusing it keeps org-wide sums far from overflow.
pub const MAX_RUNS_PER_DAY: u64 = 864_000;

/// Longest report period.
pub const MAX_PERIOD_DAYS: i64 = 731;

/// The period a report covers when `since` is not given: four weeks up to `until`.
pub const DEFAULT_PERIOD_DAYS: i64 = 28;

/// How long an upload's body may take to arrive.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// The reply to a stored upload.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadReply {
    /// Contributor-days stored (days older than the retention period are dropped).
    pub days: usize,
    /// Aggregate rows written.
    pub rows: usize,
}

/// Runs `work` on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(&anyhow::anyhow!("a blocking task failed: {e}")))?
}

fn internal(error: anyhow::Error) -> ApiError {
    ApiError::internal(&error)
}

/// The caller of a request, from its bearer token, once the token's rate limit allows
/// it; otherwise the response to send (a 401, or a 429 with `Retry-After`).
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let hash = auth::hash(auth::bearer(headers).map_err(IntoResponse::into_response)?);
    let store = state.store.clone();
    let key = hash.clone();
    let found = blocking(move || store.find_token(&hash).map_err(internal))
        .await
        .map_err(IntoResponse::into_response)?;
    let caller = found
        .map(Caller::from)
        .ok_or_else(|| auth::invalid_token().into_response())?;
    // Only issued tokens get a bucket, so the buckets cannot outnumber the tokens.
    if let Some(limiter) = &state.limiter
        && let Decision::Limited { retry_after_secs } = limiter.check(&key)
    {
        return Err(logged(
            Ok(ratelimit::limited(retry_after_secs)),
            Some(&caller),
        ));
    }
    Ok(caller)
}

/// Attaches the caller to a response for the request log.
fn logged(response: Result<Response, ApiError>, caller: Option<&Caller>) -> Response {
    let mut response = response.unwrap_or_else(IntoResponse::into_response);
    if let Some(caller) = caller {
        response.extensions_mut().insert(LoggedCaller {
            team: caller.team.clone(),
            role: caller.role,
        });
    }
    response
}

/// `GET /api/v1/health`: no token; 200 when the database answers.
pub async fn health(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    let ping = blocking(move || {
        store.ping().map_err(|e| {
            tracing::error!(error = %format!("{e:#}"), "health check failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database does not answer",
            )
        })
    })
    .await;
    let reply = ping.map(|()| {
        Json(serde_json::json!({
            "status": "ok",
            "upload_schema_version": SCHEMA_VERSION,
            "report_schema_version": report::REPORT_SCHEMA_VERSION,
        }))
        .into_response()
    });
    logged(reply, None)
}

/// Any other path.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint (the API is under /api/v1; see docs/server.md)",
    )
}

/// `POST /api/v1/uploads`.
pub async fn upload(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let reply = receive(&state, &caller, &headers, body).await;
    if let Ok(stored) = &reply {
        state.metrics.rows_stored(stored.rows);
    }
    logged(reply.map(|r| Json(r).into_response()), Some(&caller))
}

async fn receive(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: Body,
) -> Result<UploadReply, ApiError> {
    let team = match (caller.role, &caller.team) {
        (Role::Team, Some(team)) => team.clone(),
        _ => {
            return Err(ApiError::forbidden(
                "admin_token",
                "admin tokens read reports and cannot upload; use a team token",
            ));
        }
    };
    check_content_type(headers)?;
    let gzip = is_gzip(headers)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(body_too_large());
    }
    let bytes = tokio::time::timeout(BODY_TIMEOUT, read_body(body))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!("the body took over {} s to arrive", BODY_TIMEOUT.as_secs()),
            )
        })??;
    // Taken only once the body is in, so slow senders cannot hold every permit; it bounds
    // the memory that decompressing and parsing can use at once.
    let _permit = state
        .uploads
        .acquire()
        .await
        .map_err(|e| internal(anyhow::anyhow!("upload limiter closed: {e}")))?;
    let store = state.store.clone();
    let today = Utc::now().date_naive();
    let first_kept = super::first_kept_day(today, state.retention_days);
    let stored = blocking(move || {
        let json = if gzip {
            Cow::Owned(gunzip(&bytes)?)
        } else {
            Cow::Borrowed(&bytes[..])
        };
        let upload = parse_upload(&json)?;
        check_upload(&upload, &team, today)?;
        store_upload(&*store, upload, first_kept)
    })
    .await?;
    Ok(UploadReply {
        days: stored.days,
        rows: stored.rows,
    })
}

fn body_too_large() -> ApiError {
    ApiError::too_large(
        "body_too_large",
        format!(
            "the body is over {} bytes (1 MiB); send fewer days per upload",
            MAX_BODY_BYTES
        ),
    )
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim());
    if media.is_some_and(|m| m.eq_ignore_ascii_case("application/json")) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the upload as Content-Type: application/json",
    ))
}

fn is_gzip(headers: &HeaderMap) -> Result<bool, ApiError> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") => Ok(false),
        Some("gzip") => Ok(true),
        Some(other) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            format!("Content-Encoding {other:?} is not supported; send gzip or nothing"),
        )),
    }
}

/// The body, refused past [`MAX_BODY_BYTES`] whatever Content-Length claimed.
async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(body_too_large()),
        Err(error) => Err(ApiError::bad_request(
            "unreadable_body",
            format!("could not read the request body: {error}"),
        )),
    }
}

/// Decompresses through a bounded reader: a gzip bomb stops at the limit instead of
/// filling memory.
fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(compressed)
        .take(MAX_DECOMPRESSED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            ApiError::bad_request("malformed_gzip", format!("the body is not valid gzip: {e}"))
        })?;
    if out.len() > MAX_DECOMPRESSED_BYTES {
        return Err(ApiError::too_large(
            "decompressed_too_large",
            format!("decompressed body too large: over {MAX_DECOMPRESSED_BYTES} bytes (8 MiB)"),
        ));
    }
    Ok(out)
}

fn invalid(field: impl Into<String>, problem: impl std::fmt::Display) -> ApiError {
    let field = field.into();
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid_upload",
        message: format!("{field}: {problem}"),
        field: Some(field),
    }
}

/// The upload in `json`. A payload of another schema version is answered as such even
/// when it does not parse as this version's shape, so an old server tells a new client
/// what is wrong.
fn parse_upload(json: &[u8]) -> Result<Upload, ApiError> {
    match serde_json::from_slice::<Upload>(json) {
        Ok(upload) => Ok(upload),
        Err(error) => {
            #[derive(Deserialize)]
            struct VersionOnly {
                schema_version: Option<u32>,
            }
            if let Ok(VersionOnly {
                schema_version: Some(version),
            }) = serde_json::from_slice(json)
                && version != SCHEMA_VERSION
            {
                return Err(invalid(
                    "schema_version",
                    format!(
                        "version {version} is not supported (this server reads {SCHEMA_VERSION})"
                    ),
                ));
            }
            Err(ApiError::bad_request(
                "malformed_json",
                format!("the body is not a valid upload: {error}"),
            ))
        }
    }
}

/// The payload's own validation, then what only the server can check.
fn check_upload(upload: &Upload, team: &str, today: NaiveDate) -> Result<(), ApiError> {
    upload.validate().map_err(|e| invalid(e.field, e.problem))?;
    if upload.team != team {
        return Err(ApiError::forbidden(
            "wrong_team",
            format!(
                "the token belongs to team {team:?} but the upload names team {:?}",
                upload.team
            ),
        ));
    }
    // A contributor's local day may run up to 14 hours ahead of UTC.
    let latest = today + TimeDelta::days(1);
    for (d, day) in upload.days.iter().enumerate() {
        let date = NaiveDate::parse_from_str(&day.day, "%Y-%m-%d")
            .map_err(|e| invalid(format!("days[{d}].day"), e))?;
        if date > latest {
            return Err(invalid(
                format!("days[{d}].day"),
                "the day is in the future",
            ));
        }
        for (a, action) in day.actions.iter().enumerate() {
            if action.runs > MAX_RUNS_PER_DAY {
                return Err(invalid(
                    format!("days[{d}].actions[{a}].runs"),
                    format!("at most {MAX_RUNS_PER_DAY} runs per day"),
                ));
            }
        }
    }
    Ok(())
}

/// Stores the days still inside the retention period; older ones would be deleted by the
/// next prune anyway, so they are never written.
fn store_upload(
    store: &dyn TeamStore,
    mut upload: Upload,
    first_kept: NaiveDate,
) -> Result<Stored, ApiError> {
    upload.days.retain(|day| {
        NaiveDate::parse_from_str(&day.day, "%Y-%m-%d").is_ok_and(|date| date >= first_kept)
    });
    if upload.days.is_empty() {
        return Ok(Stored { days: 0, rows: 0 });
    }
    store.put_upload(&upload).map_err(internal)
}

/// The query of both report endpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    since: Option<String>,
    until: Option<String>,
    team: Option<String>,
}

fn parse_day(text: Option<&str>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    text.map(|text| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_query",
                    format!("{name}={text:?} is not a date YYYY-MM-DD"),
                )
            })
    })
    .transpose()
}

/// What a report request asks for and may see.
fn report_request(state: &AppState, caller: &Caller, uri: &Uri) -> Result<ReportRequest, ApiError> {
    let Query(query) = Query::<ReportQuery>::try_from_uri(uri)
        .map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    let until =
        parse_day(query.until.as_deref(), "until")?.unwrap_or_else(|| Utc::now().date_naive());
    let since = parse_day(query.since.as_deref(), "since")?
        .unwrap_or(until - TimeDelta::days(DEFAULT_PERIOD_DAYS - 1));
    if since > until {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("since {since} is after until {until}"),
        ));
    }
    if (until - since).num_days() + 1 > MAX_PERIOD_DAYS {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("a report covers at most {MAX_PERIOD_DAYS} days"),
        ));
    }
    let scope = match (caller.role, query.team) {
        (Role::Team, None) => Scope::Team(caller.team.clone().unwrap_or_default()),
        (Role::Team, Some(team)) if caller.team.as_ref() == Some(&team) => Scope::Team(team),
        (Role::Team, Some(_)) => {
            return Err(ApiError::forbidden(
                "wrong_team",
                "a team token reads only its own team's report",
            ));
        }
        (Role::Admin, None) => Scope::Org,
        (Role::Admin, Some(team)) if auth::is_team_name(&team) => Scope::Team(team),
        (Role::Admin, Some(team)) => {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("team={team:?} is not a team name"),
            ));
        }
    };
    Ok(ReportRequest {
        since,
        until,
        scope,
        min_contributors: state.min_contributors,
    })
}

async fn load_report(state: &AppState, caller: &Caller, uri: &Uri) -> Result<Report, ApiError> {
    let request = report_request(state, caller, uri)?;
    let filter = RowFilter {
        team: match &request.scope {
            Scope::Team(team) => Some(team.clone()),
            Scope::Org => None,
        },
        first_day: request.since,
        last_day: request.until,
    };
    let store = state.store.clone();
    blocking(move || {
        let rows = store.rows(&filter).map_err(internal)?;
        Ok(report::build(&rows, &request))
    })
    .await
}

/// Reports hold team data: no cache on the way may keep them.
fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/v1/report`.
pub async fn report_json(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let reply = load_report(&state, &caller, &uri)
        .await
        .map(|report| private(Json(report).into_response()));
    logged(reply, Some(&caller))
}

/// `GET /api/v1/report.csv`.
pub async fn report_csv(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let reply = load_report(&state, &caller, &uri).await.map(|report| {
        let name = format!(
            "attachment; filename=\"worthit-report-{}-{}.csv\"",
            report.period.since, report.period.until
        );
        let mut response = report::to_csv(&report).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&name) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        private(response)
    });
    logged(reply, Some(&caller))
}
