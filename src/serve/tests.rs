//! The router driven in-process (no socket) over a real SQLite file: every refusal's
//! status, code and JSON shape. The real binary over real HTTP is tested in
//! tests/integration/serve.rs.

use std::io::Write;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{TimeDelta, Utc};
use tower::ServiceExt;

use super::*;
use crate::classify::Category;
use crate::histogram::Histogram;
use crate::upload::payload::{ActionDay, Day, MachineClass, SCHEMA_VERSION, Upload};

struct World {
    _dir: tempfile::TempDir,
    router: Router,
    team: String,
    admin: String,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(None, &dir.path().join("server")).unwrap();
    let now = Utc::now();
    let team = auth::generate(Some("payments"), store::Role::Team, now).unwrap();
    let admin = auth::generate(None, store::Role::Admin, now).unwrap();
    store.create_token(&team.record).unwrap();
    store.create_token(&admin.record).unwrap();
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        min_contributors: 5,
        retention_days: 30,
    };
    World {
        router: app(AppState::new(store, &settings)),
        _dir: dir,
        team: team.token,
        admin: admin.token,
    }
}

fn upload(day: &str) -> Upload {
    Upload {
        schema_version: SCHEMA_VERSION,
        client: "worthit test".into(),
        team: "payments".into(),
        machine: MachineClass::of("linux", "x86_64", 8, 16 << 30),
        days: vec![Day {
            day: day.into(),
            contributor: "0123456789abcdef0123456789abcdef".into(),
            actions: vec![ActionDay {
                action: "cargo test".into(),
                category: Category::Test,
                repo: None,
                runs: 2,
                failures: 0,
                exits_known: 2,
                durations: [4_000_000, 5_000_000].into_iter().collect::<Histogram>(),
            }],
        }],
    }
}

fn today_minus(days: i64) -> String {
    (Utc::now().date_naive() - TimeDelta::days(days)).to_string()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: serde_json::Value,
}

async fn call(world: &World, request: Request<Body>) -> Reply {
    let response = world.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        json,
    }
}

fn post(
    token: Option<&str>,
    content_type: &str,
    encoding: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut request = Request::post("/api/v1/uploads").header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(encoding) = encoding {
        request = request.header(header::CONTENT_ENCODING, encoding);
    }
    request.body(Body::from(body)).unwrap()
}

fn json_body(upload: &Upload) -> Vec<u8> {
    serde_json::to_vec(upload).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// Asserts the error shape and returns the message.
fn error(reply: &Reply, status: StatusCode, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.json);
    let error = &reply.json["error"];
    assert_eq!(error["status"], status.as_u16(), "{}", reply.json);
    assert_eq!(error["code"], code, "{}", reply.json);
    let id = reply.headers["x-request-id"].to_str().unwrap();
    assert_eq!(error["request_id"], id);
    error["message"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn health_answers_and_keeps_a_plain_incoming_request_id() {
    let world = world();
    let request = Request::get("/api/v1/health")
        .header("x-request-id", "lb-42")
        .body(Body::empty())
        .unwrap();
    let reply = call(&world, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["status"], "ok");
    assert_eq!(reply.headers["x-request-id"], "lb-42");
}

#[tokio::test]
async fn uploads_are_refused_with_the_right_status_and_code() {
    let world = world();
    let good = json_body(&upload(&today_minus(1)));
    let json = "application/json";
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            post(None, json, None, good.clone()),
            StatusCode::UNAUTHORIZED,
            "missing_token",
        ),
        (
            post(
                Some(&format!("wit_{}", "0".repeat(64))),
                json,
                None,
                good.clone(),
            ),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        (
            post(Some(&world.admin), json, None, good.clone()),
            StatusCode::FORBIDDEN,
            "admin_token",
        ),
        (
            post(Some(&world.team), "text/plain", None, good.clone()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post(Some(&world.team), json, Some("br"), good.clone()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
        ),
        (
            post(
                Some(&world.team),
                json,
                Some("gzip"),
                b"not gzip at all".to_vec(),
            ),
            StatusCode::BAD_REQUEST,
            "malformed_gzip",
        ),
        (
            post(
                Some(&world.team),
                json,
                None,
                vec![b' '; api::MAX_BODY_BYTES + 1],
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            post(
                Some(&world.team),
                json,
                Some("gzip"),
                gzip(&vec![b' '; api::MAX_DECOMPRESSED_BYTES + 1]),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "decompressed_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let reply = call(&world, request).await;
        error(&reply, status, code);
        if status == StatusCode::UNAUTHORIZED {
            assert!(reply.headers.contains_key(header::WWW_AUTHENTICATE));
        }
    }
}

#[tokio::test]
async fn upload_contents_are_checked_field_by_field() {
    let world = world();
    let send = |upload: Upload| {
        post(
            Some(&world.team),
            "application/json",
            None,
            json_body(&upload),
        )
    };

    let mut future = upload(&today_minus(-3));
    future.days[0].day = today_minus(-3);
    let reply = call(&world, send(future)).await;
    let message = error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_upload");
    assert_eq!(message, "days[0].day: the day is in the future");
    assert_eq!(reply.json["error"]["field"], "days[0].day");

    let mut busy = upload(&today_minus(1));
    busy.days[0].actions[0].runs = api::MAX_RUNS_PER_DAY + 1;
    busy.days[0].actions[0].exits_known = 0;
    let reply = call(&world, send(busy)).await;
    error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_upload");
    assert_eq!(reply.json["error"]["field"], "days[0].actions[0].runs");

    let mut other_team = upload(&today_minus(1));
    other_team.team = "search".into();
    let reply = call(&world, send(other_team)).await;
    let message = error(&reply, StatusCode::FORBIDDEN, "wrong_team");
    assert!(message.contains("\"search\""), "{message}");

    // A newer client's payload: another version and a field this server does not know.
    let mut newer = serde_json::to_value(upload(&today_minus(1))).unwrap();
    newer["schema_version"] = 2.into();
    newer["days"][0]["new_field"] = true.into();
    let reply = call(
        &world,
        post(
            Some(&world.team),
            "application/json",
            None,
            serde_json::to_vec(&newer).unwrap(),
        ),
    )
    .await;
    let message = error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_upload");
    assert!(
        message.starts_with("schema_version: version 2 is not supported"),
        "{message}"
    );

    let reply = call(
        &world,
        post(
            Some(&world.team),
            "application/json; charset=utf-8",
            None,
            b"{\"schema_version\": 1,\n  oops}".to_vec(),
        ),
    )
    .await;
    let message = error(&reply, StatusCode::BAD_REQUEST, "malformed_json");
    assert!(message.contains("line 2 column 3"), "{message}");
}

#[tokio::test]
async fn days_past_retention_are_accepted_but_not_stored() {
    let world = world();
    let mut old = upload(&today_minus(40));
    old.days.push(Day {
        day: today_minus(2),
        ..old.days[0].clone()
    });
    let reply = call(
        &world,
        post(
            Some(&world.team),
            "application/json",
            Some("gzip"),
            gzip(&json_body(&old)),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(reply.json, serde_json::json!({"days": 1, "rows": 1}));
}

#[tokio::test]
async fn report_queries_are_checked_and_scoped_to_the_token() {
    let world = world();
    let cases = [
        (
            "/api/v1/report?since=2026-1-1",
            &world.team,
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/report?since=2026-02-01&until=2026-01-01",
            &world.team,
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/report?since=2020-01-01&until=2026-01-01",
            &world.team,
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/report?colour=red",
            &world.team,
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/report?team=search",
            &world.team,
            StatusCode::FORBIDDEN,
            "wrong_team",
        ),
        (
            "/api/v1/report.csv?team=search",
            &world.team,
            StatusCode::FORBIDDEN,
            "wrong_team",
        ),
        (
            "/api/v1/report?team=a%20b",
            &world.admin,
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/reports",
            &world.admin,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (path, token, status, code) in cases {
        let reply = call(&world, get(path, token)).await;
        error(&reply, status, code);
    }
    let reply = call(&world, get("/api/v1/report?team=payments", &world.team)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["scope"], "team");
    assert_eq!(reply.json["period"]["days"], api::DEFAULT_PERIOD_DAYS);
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    let reply = call(&world, get("/api/v1/report", &world.admin)).await;
    assert_eq!(reply.json["scope"], "org");
    let reply = call(&world, get("/api/v1/report?team=search", &world.admin)).await;
    assert_eq!(
        (reply.json["scope"].as_str(), reply.json["team"].as_str()),
        (Some("team"), Some("search"))
    );
}

#[test]
fn database_urls_choose_sqlite_or_say_what_is_missing() {
    let dir = std::path::Path::new("/srv/worthit");
    let path = |url: Option<&str>| sqlite_path(url, dir).map_err(|e| e.to_string());
    assert_eq!(path(None), Ok(dir.join(SQLITE_FILE)));
    assert_eq!(
        path(Some("sqlite:///var/lib/w.db")),
        Ok("/var/lib/w.db".into())
    );
    assert_eq!(path(Some("sqlite:w.db")), Ok("w.db".into()));
    assert_eq!(path(Some("/var/lib/w.db")), Ok("/var/lib/w.db".into()));
    let postgres = path(Some("postgres://u:p@db/worthit")).unwrap_err();
    assert!(
        postgres.contains("names a PostgreSQL URL, not a SQLite file"),
        "{postgres}"
    );
    assert!(
        path(Some("mysql://db"))
            .unwrap_err()
            .contains("unsupported")
    );
    assert_eq!(
        first_kept_day("2026-11-20".parse().unwrap(), 10),
        "2026-11-10".parse().unwrap()
    );
}
