//! `worthit serve` as a real process on 127.0.0.1 with a real SQLite file: tokens made with
//! the CLI, uploads over real HTTP (plain and gzip) from several simulated contributors,
//! the report's merged figures, k-anonymity, CSV, abuse, concurrency and shutdown. The
//! story and the concurrency test run again on PostgreSQL (`WORTHIT_TEST_POSTGRES_URL`, a
//! fresh schema per test), there with two server instances on one database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use worthit::classify::Category;
use worthit::histogram::Histogram;
use worthit::upload::payload::{ActionDay, Day, MachineClass, SCHEMA_VERSION, Upload};

use crate::util::{TestEnv, assert_success};

/// A running `worthit serve`, stopped (SIGKILL) when dropped unless [`Server::stop`] ran.
struct Server {
    child: Option<Child>,
    port: u16,
    env: TestEnv,
    /// `--database-url URL` when the server runs on PostgreSQL, for the token CLI too.
    database: Vec<String>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let env = TestEnv::new();
        let log = std::fs::File::create(env.root().join("serve.log")).unwrap();
        let mut child = env
            .worthit()
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(Self::data_dir_of(&env))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start worthit serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("worthit serve: listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!(
                    "no listening line: {line:?}\nlog: {}",
                    std::fs::read_to_string(env.root().join("serve.log")).unwrap_or_default()
                )
            });
        let database = extra
            .windows(2)
            .find(|pair| pair[0] == "--database-url")
            .map(|pair| pair.iter().map(|a| a.to_string()).collect())
            .unwrap_or_default();
        Server {
            child: Some(child),
            port,
            env,
            database,
        }
    }

    fn data_dir_of(env: &TestEnv) -> PathBuf {
        env.root().join("server")
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `worthit serve token …` against this server's database; returns stdout.
    fn token_cli(&self, args: &[&str]) -> String {
        let out = self
            .env
            .worthit()
            .args(["serve", "token"])
            .args(args)
            .arg("--data-dir")
            .arg(Self::data_dir_of(&self.env))
            .args(&self.database)
            .output()
            .unwrap();
        assert_success(&out, &format!("worthit serve token {}", args.join(" ")));
        String::from_utf8(out.stdout).unwrap()
    }

    fn token(&self, team: &str) -> String {
        self.token_cli(&["create", "--team", team])
            .trim()
            .to_string()
    }

    fn admin_token(&self) -> String {
        self.token_cli(&["create", "--admin"]).trim().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.env.root().join("serve.log")).unwrap()
    }

    fn signal(&self, signal: i32) {
        let pid = self.child.as_ref().unwrap().id() as i32;
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits for the server to exit on its own.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                panic!("worthit serve did not stop within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Monday of the ISO week two weeks before this one: the test period is that week and
/// the next, both over before today.
fn first_monday() -> NaiveDate {
    let today = Utc::now().date_naive();
    today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()) + 14)
}

/// A person's pseudonym in the ISO week of `day`, as the uploader makes them: new each week.
fn pseudonym(team: &str, person: usize, day: NaiveDate) -> String {
    let team_number = team.bytes().fold(0u64, |n, b| n * 31 + u64::from(b)) & 0xffff_ffff;
    format!(
        "{team_number:08x}{person:08x}{:016x}",
        day.iso_week().week()
    )
}

fn machine(cores: u64) -> MachineClass {
    MachineClass::of("linux", "x86_64", cores, 32 << 30)
}

fn action(name: &str, category: Category, seconds: &[u64], failures: u64) -> ActionDay {
    ActionDay {
        action: name.into(),
        category,
        repo: Some("fedcba9876543210fedcba9876543210".into()),
        runs: seconds.len() as u64,
        failures,
        exits_known: seconds.len() as u64,
        durations: seconds.iter().map(|s| s * 1_000_000).collect(),
    }
}

fn day(team: &str, person: usize, date: NaiveDate, actions: Vec<ActionDay>) -> Day {
    Day {
        day: date.to_string(),
        contributor: pseudonym(team, person, date),
        actions,
    }
}

fn upload(team: &str, machine: MachineClass, days: Vec<Day>) -> Upload {
    Upload {
        schema_version: SCHEMA_VERSION,
        client: "worthit-test".into(),
        team: team.into(),
        machine,
        days,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn send(server: &Server, token: &str, upload: &Upload, gzipped: bool) -> Response {
    let json = serde_json::to_vec(upload).unwrap();
    let mut request = client()
        .post(server.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("content-type", "application/json");
    request = if gzipped {
        request.header("content-encoding", "gzip").body(gzip(&json))
    } else {
        request.body(json)
    };
    request.send().unwrap()
}

fn send_ok(server: &Server, token: &str, upload: &Upload, gzipped: bool) -> Value {
    let response = send(server, token, upload, gzipped);
    let status = response.status().as_u16();
    let body: Value = response.json().unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

fn get(server: &Server, token: &str, path: &str) -> Response {
    client()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .unwrap()
}

fn report(server: &Server, token: &str, query: &str) -> Value {
    let response = get(server, token, &format!("/api/v1/report?{query}"));
    assert_eq!(response.status().as_u16(), 200);
    response.json().unwrap()
}

fn period() -> String {
    let monday = first_monday();
    format!("since={monday}&until={}", monday + TimeDelta::days(13))
}

/// Asserts the JSON error shape and returns the code.
fn error_code(response: Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().unwrap();
    assert_eq!(body["error"]["status"], status, "{body}");
    assert_eq!(body["error"]["request_id"], id.as_str(), "{body}");
    body["error"]["code"].as_str().unwrap().to_string()
}

/// How [`flood`] sends its 100 MB.
#[derive(Clone, Copy)]
enum Framing {
    /// `Content-Length: 104857600`.
    Declared,
    /// `Transfer-Encoding: chunked`, no length given.
    Chunked,
}

/// Streams 100 MB of upload from another thread and returns the status the server answers
/// with while it is still being sent.
fn flood(server: &Server, token: &str, framing: Framing) -> u16 {
    const TOTAL: usize = 100 << 20;
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let length = match framing {
        Framing::Declared => format!("Content-Length: {TOTAL}"),
        Framing::Chunked => "Transfer-Encoding: chunked".to_string(),
    };
    write!(
        stream,
        "POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\n{length}\r\n\r\n"
    )
    .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let flood = std::thread::spawn(move || {
        let chunk = vec![b' '; 64 << 10];
        for _ in 0..TOTAL / chunk.len() {
            let sent = match framing {
                Framing::Declared => writer.write_all(&chunk),
                Framing::Chunked => write!(writer, "{:x}\r\n", chunk.len())
                    .and_then(|()| writer.write_all(&chunk))
                    .and_then(|()| writer.write_all(b"\r\n")),
            };
            // The server stops reading and closes: the write fails, which is the point.
            if sent.is_err() {
                return;
            }
        }
    });
    let mut status_line = String::new();
    BufReader::new(&stream).read_line(&mut status_line).unwrap();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    flood.join().unwrap();
    status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {status_line:?}"))
}

fn health_ok(server: &Server) {
    let response = client().get(server.url("/api/v1/health")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

/// The uploads of the story: team payments has ten people. In the first week all ten run
/// `cargo test` twice (five on 16-core machines at 10 s a run, five on 4-core machines at
/// 23 s); in the second week the five on 16 cores run it twice again. Four of them also
/// run `make` (too few to show) and a fifth person runs `pytest` (also hidden; with make's
/// four they are five people, so no shown action must be hidden as well).
fn payments_uploads() -> Vec<Upload> {
    let week1 = first_monday() + TimeDelta::days(1);
    let week2 = week1 + TimeDelta::days(7);
    let mut uploads = Vec::new();
    for person in 0..10 {
        let (cores, seconds) = if person < 5 { (16, 10) } else { (4, 23) };
        let mut first = vec![action(
            "cargo test",
            Category::Test,
            &[seconds, seconds],
            u64::from(person % 2 == 0),
        )];
        if person < 4 {
            first.push(action("make", Category::Build, &[120], 0));
        }
        if person == 9 {
            first.push(action("pytest", Category::Test, &[30, 31, 32], 1));
        }
        let mut days = vec![day("payments", person, week1, first)];
        if person < 5 {
            days.push(day(
                "payments",
                person,
                week2,
                vec![action("cargo test", Category::Test, &[seconds, seconds], 0)],
            ));
        }
        uploads.push(upload("payments", machine(cores), days));
    }
    uploads
}

fn merged(seconds: impl IntoIterator<Item = u64>) -> Histogram {
    seconds.into_iter().map(|s| s * 1_000_000).collect()
}

#[test]
fn serve_merges_uploads_and_hides_cells_under_k() {
    merges_uploads_and_hides_cells_under_k(&Server::start(&[]));
}

/// The story on one server: uploads of two teams, then the merged report, k-anonymity,
/// CSV and the request log.
fn merges_uploads_and_hides_cells_under_k(server: &Server) {
    let payments = server.token("payments");
    let search = server.token("search");
    let admin = server.admin_token();
    for (i, upload) in payments_uploads().iter().enumerate() {
        let reply = send_ok(server, &payments, upload, i % 2 == 0);
        let rows: usize = upload.days.iter().map(|d| d.actions.len()).sum();
        assert_eq!(
            reply,
            serde_json::json!({"days": upload.days.len(), "rows": rows})
        );
    }
    // Five people of another team, at 30 s.
    let week1 = first_monday() + TimeDelta::days(2);
    for person in 0..5 {
        let days = vec![day(
            "search",
            person,
            week1,
            vec![action("cargo test", Category::Test, &[30], 0)],
        )];
        send_ok(server, &search, &upload("search", machine(8), days), true);
    }

    let team = report(server, &payments, &period());
    assert_eq!(team["scope"], "team");
    assert_eq!(team["team"], "payments");
    assert_eq!(team["period"]["days"], 14);
    let rows = team["actions"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{team:#}");
    let row = &rows[0];
    // 20 runs at 10 s and 10 at 23 s; failures by the five even-numbered people in week 1.
    let expected = merged(std::iter::repeat_n(10, 20).chain(std::iter::repeat_n(23, 10)));
    assert_eq!(row["action"], "cargo test");
    assert_eq!(row["category"], "test");
    assert_eq!(row["rank"], 1);
    assert_eq!(row["teams"], 1);
    assert_eq!(row["contributors"], 10, "the largest weekly count");
    assert_eq!(
        (row["runs"].as_u64(), row["timed_runs"].as_u64()),
        (Some(30), Some(30))
    );
    assert_eq!(
        (row["failures"].as_u64(), row["exits_known"].as_u64()),
        (Some(5), Some(30))
    );
    assert_eq!(row["failure_rate"].as_f64(), Some(5.0 / 30.0));
    // Hours are the exact sum of microseconds over 3.6e9.
    assert_eq!(row["total_hours"].as_f64(), Some(430e6 / 3.6e9));
    assert_eq!(row["hours_per_week"].as_f64(), Some(430e6 / 3.6e9 / 2.0));
    let median = expected.quantile_us(0.5).unwrap() / 1e6;
    assert_eq!(row["median_seconds"].as_f64(), Some(median));
    assert_eq!(
        row["p90_seconds"].as_f64(),
        Some(expected.quantile_us(0.9).unwrap() / 1e6)
    );
    assert!(
        (9.5..10.5).contains(&median),
        "a 10 s run, not a mean: {median}"
    );
    let runs_per_year = 30.0 * 365.25 / 14.0;
    assert_eq!(row["runs_per_year"].as_f64(), Some(runs_per_year));
    let budget = &row["budget"];
    assert_eq!(budget[0]["shave"].as_f64(), Some(0.1));
    assert_eq!(
        budget[2]["calendar_seconds"].as_f64(),
        Some(5.0 * runs_per_year * median)
    );
    assert_eq!(
        budget[2]["engineer_days"].as_f64(),
        Some(5.0 * runs_per_year * median / 28_800.0)
    );
    // Both machine classes have five people: shown, the 4-core class 2.3 times slower.
    let machines: Vec<(&str, Option<f64>, Option<f64>)> = row["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["cores"].as_str().unwrap(),
                m["median_seconds"].as_f64(),
                m["ratio_to_fastest"].as_f64(),
            )
        })
        .collect();
    assert_eq!(
        machines,
        [
            ("16-31", Some(10.0), Some(1.0)),
            ("4-7", Some(23.0), Some(2.3))
        ]
    );
    let weeks: Vec<(u64, u64)> = row["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["contributors"].as_u64().unwrap(),
                w["runs"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(weeks, [(10, 20), (5, 10)]);
    // make (4 people) and pytest (1) are hidden, only counted.
    assert_eq!(team["hidden"]["actions"], 2);
    assert!(
        team["hidden"]["notice"]
            .as_str()
            .unwrap()
            .starts_with("2 actions hidden: fewer than 5 contributors")
    );
    assert_eq!(team["totals"]["runs"], 30);

    // The org view merges both teams' shown cells.
    let org = report(server, &admin, &period());
    assert_eq!(org["scope"], "org");
    let row = &org["actions"][0];
    assert_eq!(
        (row["teams"].as_u64(), row["runs"].as_u64()),
        (Some(2), Some(35))
    );
    assert_eq!(row["contributors"], 15);
    assert_eq!(row["total_hours"].as_f64(), Some(580e6 / 3.6e9));
    let mut all = expected.clone();
    all.merge(&merged([30; 5]));
    assert_eq!(
        row["median_seconds"].as_f64(),
        all.quantile_us(0.5).map(|us| us / 1e6)
    );
    // An admin may read one team; a team token may not read another.
    assert_eq!(
        report(server, &admin, &format!("{}&team=payments", period())),
        team
    );
    let response = get(
        server,
        &search,
        &format!("/api/v1/report?team=payments&{}", period()),
    );
    assert_eq!(error_code(response, 403), "wrong_team");

    // The CSV has the same rows and figures.
    let response = get(
        server,
        &payments,
        &format!("/api/v1/report.csv?{}", period()),
    );
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    let header: Vec<&str> = lines[0].split(',').collect();
    let values: Vec<&str> = lines[1].split(',').collect();
    let row = &team["actions"][0];
    for (column, value) in header.iter().zip(&values) {
        let json = match *column {
            "budget_10pct_engineer_days" => row["budget"][0]["engineer_days"].clone(),
            "budget_50pct_engineer_days" => row["budget"][1]["engineer_days"].clone(),
            "budget_100pct_engineer_days" => row["budget"][2]["engineer_days"].clone(),
            name => row[name].clone(),
        };
        match json {
            Value::String(text) => assert_eq!(*value, text, "{column}"),
            number => assert_eq!(value.parse::<f64>().ok(), number.as_f64(), "{column}"),
        }
    }

    // Replaying every upload changes nothing.
    for upload in payments_uploads() {
        send_ok(server, &payments, &upload, false);
    }
    assert_eq!(report(server, &payments, &period()), team);

    // The log has one line per request and never a token or anything from a body.
    let log = server.log();
    for secret in [&payments, &search, &admin] {
        assert!(!log.contains(secret.as_str()), "a token is in the log");
    }
    assert!(!log.contains(&pseudonym("payments", 0, week1)));
    assert!(!log.contains("fedcba9876543210"));
    let requests: Vec<Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "request")
        .collect();
    let uploads = requests
        .iter()
        .filter(|r| r["path"] == "/api/v1/uploads" && r["team"] == "payments")
        .count();
    assert_eq!(uploads, 20);
    assert!(
        requests
            .iter()
            .all(|r| r["request_id"].as_str().is_some_and(|id| !id.is_empty()))
    );
    assert!(requests.iter().all(|r| r["latency_ms"].is_number()));
}

#[test]
fn serve_refuses_abuse_and_keeps_serving() {
    let server = Server::start(&[]);
    let payments = server.token("payments");
    let good = payments_uploads().remove(0);
    let json = serde_json::to_vec(&good).unwrap();
    let post = || {
        client()
            .post(server.url("/api/v1/uploads"))
            .header("content-type", "application/json")
    };

    // No token, a made-up token, a token of the right shape that was never issued.
    let code = error_code(post().body(json.clone()).send().unwrap(), 401);
    assert_eq!(code, "missing_token");
    let code = error_code(
        post()
            .bearer_auth("hunter2")
            .body(json.clone())
            .send()
            .unwrap(),
        401,
    );
    assert_eq!(code, "invalid_token");
    let forged = format!("wit_{}", "ab".repeat(32));
    let code = error_code(
        post()
            .bearer_auth(&forged)
            .body(json.clone())
            .send()
            .unwrap(),
        401,
    );
    assert_eq!(code, "invalid_token");

    // Another team's upload with this team's token.
    let mut other = good.clone();
    other.team = "search".into();
    assert_eq!(
        error_code(send(&server, &payments, &other, false), 403),
        "wrong_team"
    );

    // Malformed JSON, and a payload of another schema version.
    let response = post()
        .bearer_auth(&payments)
        .body("{\"days\": [")
        .send()
        .unwrap();
    assert_eq!(error_code(response, 400), "malformed_json");
    let mut newer = good.clone();
    newer.schema_version = SCHEMA_VERSION + 1;
    assert_eq!(
        error_code(send(&server, &payments, &newer, true), 422),
        "invalid_upload"
    );

    // 100 MB, declared up front: refused before it is read; then 100 MB without a declared
    // length (chunked): refused after the first MiB. Both are sent by hand: the server
    // answers while the body is still coming, and an HTTP client library busy writing the
    // body may report the closed connection instead of reading that early answer.
    assert_eq!(flood(&server, &payments, Framing::Declared), 413);
    assert_eq!(flood(&server, &payments, Framing::Chunked), 413);

    // A gzip bomb: 100 KB on the wire, 100 MB inflated.
    let bomb = gzip(&vec![b' '; 100 << 20]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let response = post()
        .bearer_auth(&payments)
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .unwrap();
    assert_eq!(error_code(response, 413), "decompressed_too_large");

    // Still serving, and still storing.
    health_ok(&server);
    send_ok(&server, &payments, &good, true);
}

#[test]
fn serve_concurrent_uploads_of_one_day_leave_one_copy() {
    concurrent_uploads_of_one_day_leave_one_copy(&[&Server::start(&[])]);
}

/// Eight copies of one person's day sent at once, spread over `servers` (instances on one
/// database): exactly one copy is stored.
fn concurrent_uploads_of_one_day_leave_one_copy(servers: &[&Server]) {
    let server = servers[0];
    let payments = server.token("payments");
    let date = first_monday() + TimeDelta::days(3);
    // Four people upload once; the fifth sends the same day from eight threads at once,
    // with 1, 2, 4, … 128 runs: no sum of two or more copies is a power of two.
    for person in 0..4 {
        let days = vec![day(
            "payments",
            person,
            date,
            vec![action("cargo test", Category::Test, &[10], 0)],
        )];
        send_ok(
            server,
            &payments,
            &upload("payments", machine(8), days),
            false,
        );
    }
    let attempts: Vec<usize> = (0..8).map(|bit| 1 << bit).collect();
    let start = std::sync::Barrier::new(attempts.len());
    std::thread::scope(|scope| {
        for (i, &runs) in attempts.iter().enumerate() {
            let server = servers[i % servers.len()];
            let payments = &payments;
            let start = &start;
            scope.spawn(move || {
                let seconds = vec![10; runs];
                let days = vec![day(
                    "payments",
                    4,
                    date,
                    vec![action("cargo test", Category::Test, &seconds, 0)],
                )];
                start.wait();
                send_ok(
                    server,
                    payments,
                    &upload("payments", machine(8), days),
                    runs > 8,
                );
            });
        }
    });
    let seen = report(server, &payments, &period());
    for other in &servers[1..] {
        assert_eq!(report(other, &payments, &period()), seen);
    }
    let row = &seen["actions"][0];
    assert_eq!(row["contributors"], 5);
    let runs = row["runs"].as_u64().unwrap();
    assert!(
        (runs - 4).is_power_of_two() && runs - 4 <= 128,
        "four runs plus exactly one of the eight copies, got {runs}"
    );
    assert_eq!(row["timed_runs"].as_u64(), Some(runs));
}

#[test]
fn serve_finishes_requests_in_flight_on_sigterm() {
    let mut server = Server::start(&[]);
    let payments = server.token("payments");
    let body = serde_json::to_vec(&payments_uploads().remove(0)).unwrap();
    // Send the headers and half the body, then SIGTERM, then the rest: the request in
    // flight is answered, and only then does the server exit, with status 0.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {payments}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let half = body.len() / 2;
    stream.write_all(&body[..half]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(200));
    stream.write_all(&body[half..]).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.ends_with("{\"days\":2,\"rows\":3}"), "{reply}");
    let status = server.wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(server.log().contains("\"message\":\"stopped\""));
}

#[test]
fn serve_tokens_are_listed_without_secrets_and_revoked_by_prefix() {
    let server = Server::start(&[]);
    let token = server.token("payments");
    assert!(token.starts_with("wit_") && token.len() == 68, "{token}");
    let list = server.token_cli(&["list"]);
    assert!(!list.contains(&token), "{list}");
    assert!(list.contains(&token[..12]), "{list}");
    assert!(list.lines().nth(1).unwrap().contains("payments"), "{list}");
    health_ok(&server);
    assert_eq!(report(&server, &token, "")["team"], "payments");
    let revoked = server.token_cli(&["revoke", &token[..10]]);
    assert!(
        revoked.starts_with(&format!("revoked {}", &token[..12])),
        "{revoked}"
    );
    let response = get(&server, &token, "/api/v1/report");
    assert_eq!(error_code(response, 401), "invalid_token");
    let out = server
        .env
        .worthit()
        .args(["serve", "token", "revoke", &token[..10], "--data-dir"])
        .arg(Server::data_dir_of(&server.env))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no live token"));
}

#[test]
fn serve_refuses_small_k_and_names_an_unreachable_postgres_without_its_password() {
    let env = TestEnv::new();
    let out = env
        .worthit()
        .args(["serve", "--min-contributors", "2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too easy to single out"));
    // Port 1 on loopback refuses at once.
    let out = env
        .worthit()
        .args([
            "serve",
            "--database-url",
            "postgres://worthit:secret@127.0.0.1:1/worthit",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("could not connect to PostgreSQL at 127.0.0.1:1/worthit"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
}

/// A fresh schema in the database `WORTHIT_TEST_POSTGRES_URL` names, dropped afterwards,
/// so PostgreSQL tests run in parallel. `None` (after a loud notice) only outside CI: in
/// CI a missing PostgreSQL fails, so CI proves these tests ran.
struct PostgresSchema {
    base: String,
    name: String,
    url: String,
}

impl PostgresSchema {
    fn create(test: &str) -> Option<PostgresSchema> {
        const VARIABLE: &str = "WORTHIT_TEST_POSTGRES_URL";
        let Ok(base) = std::env::var(VARIABLE) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "{VARIABLE} is unset: set it to a PostgreSQL database the tests may create \
                 schemas in, e.g. postgres://worthit:PASSWORD@127.0.0.1:5432/worthit_test \
                 (.ci/run sets one up)"
            );
            // Past the test harness's capture, so the skip shows.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: no PostgreSQL for {test} (set {VARIABLE} to run it)"
            );
            return None;
        };
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("test_{name}");
        let mut client = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{VARIABLE} does not connect: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{name}");
        Some(PostgresSchema { base, name, url })
    }
}

impl Drop for PostgresSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

/// The story on PostgreSQL, then a second instance on the same database answers alike
/// (the server is stateless), and re-sending every upload through it changes nothing.
#[test]
fn serve_on_postgres_tells_the_same_story_from_two_instances() {
    let Some(schema) = PostgresSchema::create("serve on PostgreSQL") else {
        return;
    };
    let first = Server::start(&["--database-url", &schema.url]);
    merges_uploads_and_hides_cells_under_k(&first);
    let second = Server::start(&["--database-url", &schema.url]);
    let admin = second.admin_token();
    let payments = second.token("payments");
    let org = report(&first, &admin, &period());
    assert!(
        org["actions"].as_array().is_some_and(|a| !a.is_empty()),
        "{org}"
    );
    assert_eq!(report(&second, &admin, &period()), org);
    let csv = |server: &Server| {
        let response = get(server, &admin, &format!("/api/v1/report.csv?{}", period()));
        assert_eq!(response.status().as_u16(), 200);
        response.text().unwrap()
    };
    assert_eq!(csv(&second), csv(&first));
    for (i, upload) in payments_uploads().iter().enumerate() {
        send_ok(&second, &payments, upload, i % 2 == 1);
    }
    assert_eq!(report(&first, &admin, &period()), org, "a re-send replaces");
    assert_eq!(report(&second, &admin, &period()), org);
    let tokens = first.token_cli(&["list"]);
    assert!(
        tokens.contains("admin") && tokens.contains("payments"),
        "{tokens}"
    );
    assert!(!tokens.contains(&admin), "{tokens}");
}

#[test]
fn serve_on_postgres_concurrent_uploads_across_instances_leave_one_copy() {
    let Some(schema) = PostgresSchema::create("concurrent uploads on PostgreSQL") else {
        return;
    };
    let first = Server::start(&["--database-url", &schema.url]);
    let second = Server::start(&["--database-url", &schema.url]);
    concurrent_uploads_of_one_day_leave_one_copy(&[&first, &second]);
}

/// The whole story with real parts: several developers, each with their own data
/// directory and recorded commands, turn uploading on with the real `worthit upload` and
/// send to a real `worthit serve`; the org report merges their runs exactly, and the loop
/// only four of them run stays hidden.
#[test]
fn real_uploaders_merge_on_the_server_and_small_groups_stay_hidden() {
    let server = Server::start(&[]);
    let team_token = server.token("payments");
    let admin = server.admin_token();
    let midnight = crate::util::today_midnight_us();
    let hour = 3_600_000_000i64;
    for person in 0..6usize {
        let env = TestEnv::new();
        let mut events = Vec::new();
        for days_ago in 0..3i64 {
            let morning = midnight - days_ago * 86_400_000_000 + 9 * hour;
            for run in 0..10i64 {
                let seconds = 20.0 + person as f64;
                let exit = i32::from(run == 0);
                events.push(crate::util::hook_event(
                    morning + run * 60_000_000,
                    "cargo test -p api",
                    seconds,
                    exit,
                    "/tmp",
                ));
            }
            if person < 4 {
                events.push(crate::util::hook_event(
                    morning + hour,
                    "make",
                    5.0,
                    0,
                    "/tmp",
                ));
            }
        }
        crate::util::write_spool(&env, &events);
        let run = |args: &[&str]| {
            let out = env.worthit().env("TZ", "UTC").args(args).output().unwrap();
            assert_success(&out, &format!("worthit {}", args.join(" ")));
        };
        run(&[
            "upload",
            "enable",
            "--server",
            &server.url(""),
            "--team",
            "payments",
            "--token",
            &team_token,
        ]);
        run(&["upload"]);
    }
    let since = (Utc::now().date_naive() - TimeDelta::days(6)).to_string();
    let until = Utc::now().date_naive().to_string();
    let org = report(&server, &admin, &format!("since={since}&until={until}"));
    let actions = org["actions"].as_array().unwrap();
    let names: Vec<&str> = actions
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cargo test"], "{org:#}");
    let test = &actions[0];
    assert_eq!(test["runs"], 6 * 3 * 10);
    assert_eq!(test["failures"], 6 * 3);
    assert_eq!(test["contributors"], 6);
    let hours = test["total_hours"].as_f64().unwrap();
    let expected: f64 = (0..6).map(|p| 30.0 * (20.0 + p as f64)).sum::<f64>() / 3600.0;
    assert!((hours - expected).abs() < 1e-6, "{hours} vs {expected}");
    assert_eq!(
        org["hidden"]["actions"], 1,
        "make, run by 4 people, is hidden: {org:#}"
    );
    // The team's own view agrees.
    let team = report(
        &server,
        &team_token,
        &format!("since={since}&until={until}"),
    );
    assert_eq!(team["actions"][0]["runs"], 180);
}

/// A server started with `--metrics-listen 127.0.0.1:0` and the port of its metrics
/// listener, read from the second line it prints.
fn start_with_metrics(extra: &[&str]) -> (Server, u16) {
    let env = TestEnv::new();
    let log = std::fs::File::create(env.root().join("serve.log")).unwrap();
    let mut child = env
        .worthit()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(Server::data_dir_of(&env))
        .args(["--metrics-listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start worthit serve");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut port_after = |prefix: &str| {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix(prefix)
            .and_then(|p| p.trim_end_matches("/metrics").parse::<u16>().ok())
            .unwrap_or_else(|| panic!("expected {prefix}PORT, got {line:?}"))
    };
    let port = port_after("worthit serve: listening on http://127.0.0.1:");
    let metrics_port = port_after("worthit serve: metrics on http://127.0.0.1:");
    let server = Server {
        child: Some(child),
        port,
        env,
        database: Vec::new(),
    };
    (server, metrics_port)
}

/// The samples of a Prometheus text exposition: series (name and labels) to value.
fn samples(text: &str) -> std::collections::HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            (series.to_string(), value.parse().unwrap())
        })
        .collect()
}

#[test]
fn serve_metrics_count_uploads_on_their_own_listener_without_teams_or_tokens() {
    let (server, metrics_port) = start_with_metrics(&[]);
    let payments = server.token("payments");
    let uploads = payments_uploads();
    let rows: u64 = uploads[..2]
        .iter()
        .map(|u| {
            send_ok(&server, &payments, u, true)["rows"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert!(rows > 0);
    let mut other = uploads[0].clone();
    other.team = "search".into();
    assert_eq!(
        error_code(send(&server, &payments, &other, false), 403),
        "wrong_team"
    );
    let post = client()
        .post(server.url("/api/v1/uploads"))
        .header("content-type", "application/json");
    let response = post
        .try_clone()
        .unwrap()
        .bearer_auth(&payments)
        .body("{\"days\": [")
        .send()
        .unwrap();
    assert_eq!(error_code(response, 400), "malformed_json");
    assert_eq!(
        error_code(post.body("{}").send().unwrap(), 401),
        "missing_token"
    );
    report(&server, &payments, &period());
    // Not on the API's port: there it is an unknown path like any other.
    assert_eq!(
        error_code(client().get(server.url("/metrics")).send().unwrap(), 404),
        "not_found"
    );

    let response = client()
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().unwrap();
    let found = samples(&text);
    let value = |series: &str| {
        *found
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
    };
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        value(&format!("worthit_build_info{{version=\"{version}\"}}")),
        1.0
    );
    assert_eq!(value("worthit_uploads_accepted_total"), 2.0);
    for code in ["wrong_team", "malformed_json", "missing_token"] {
        assert_eq!(
            value(&format!("worthit_uploads_refused_total{{code=\"{code}\"}}")),
            1.0,
            "{code}"
        );
    }
    assert_eq!(value("worthit_rows_stored_total"), rows as f64);
    let uploads_route = "route=\"/api/v1/uploads\"";
    assert_eq!(
        value(&format!(
            "worthit_http_requests_total{{{uploads_route},status_class=\"2xx\"}}"
        )),
        2.0
    );
    assert_eq!(
        value(&format!(
            "worthit_http_requests_total{{{uploads_route},status_class=\"4xx\"}}"
        )),
        3.0
    );
    assert_eq!(
        value("worthit_http_requests_total{route=\"/api/v1/report\",status_class=\"2xx\"}"),
        1.0
    );
    // The probe of /metrics on the API port is counted without its path.
    assert_eq!(
        value("worthit_http_requests_total{route=\"unmatched\",status_class=\"4xx\"}"),
        1.0
    );
    assert_eq!(
        value(&format!(
            "worthit_http_request_duration_seconds_count{{{uploads_route}}}"
        )),
        5.0
    );
    assert_eq!(
        value(&format!(
            "worthit_http_request_duration_seconds_bucket{{{uploads_route},le=\"+Inf\"}}"
        )),
        5.0
    );
    assert_eq!(value("worthit_http_requests_in_flight"), 0.0);
    for secret in ["payments", "search", &payments, &payments[..12], "/metrics"] {
        assert!(!text.contains(secret), "{secret:?} in the metrics:\n{text}");
    }
    // Only /metrics is served there.
    let response = client()
        .get(format!("http://127.0.0.1:{metrics_port}/api/v1/health"))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[test]
fn serve_rate_limit_answers_429_per_token_with_retry_after() {
    let server = Server::start(&["--rate-limit", "5"]);
    let first = server.token("payments");
    let second = server.token("payments");
    let upload = payments_uploads().remove(0);
    for _ in 0..5 {
        send_ok(&server, &first, &upload, true);
    }
    let response = send(&server, &first, &upload, true);
    // 5 a minute: a request comes back every 12 s.
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&retry_after), "{retry_after}");
    assert_eq!(error_code(response, 429), "rate_limited");
    // Reports draw on the same bucket.
    let response = get(&server, &first, &format!("/api/v1/report?{}", period()));
    assert_eq!(error_code(response, 429), "rate_limited");
    // Another token has its own bucket.
    send_ok(&server, &second, &upload, true);
    report(&server, &second, &period());
    health_ok(&server);
}

#[test]
fn serve_cuts_off_a_client_trickling_its_headers_and_keeps_serving() {
    let server = Server::start(&["--header-timeout", "1"]);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /api/v1/hea").unwrap();
    // Others are served while the slow client stalls.
    health_ok(&server);
    let mut answer = Vec::new();
    // The server closes the connection: read_to_end returns (a timeout would be an error).
    let closed = slow.read_to_end(&mut answer);
    let elapsed = started.elapsed();
    assert!(
        closed.is_ok()
            || matches!(closed, Err(ref e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "{closed:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert!(
        !String::from_utf8_lossy(&answer).contains(" 200 "),
        "{answer:?}"
    );
    health_ok(&server);
}
