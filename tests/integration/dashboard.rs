//! The web dashboard of `worthit serve`, as a person sees it: a real server on 127.0.0.1
//! with a real SQLite file and uploads over HTTP, the page loaded in headless Chromium
//! (`--dump-dom` after its script has called the API), and the rendered DOM checked: the
//! ranked table with the merged figures, the chart, the hidden-cell notice, the machine
//! comparison, the sign-in form without a token, escaping of hostile text, and the
//! security headers.
//!
//! Chromium takes seconds to start here, so the suite runs it three times only.
//! `docs/dashboard.png` is made by the ignored test [`dashboard_screenshot_for_docs`]:
//! `cargo test --test integration dashboard::dashboard_screenshot_for_docs -- --ignored`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use serde_json::Value;
use worthit::classify::Category;
use worthit::serve::sqlite::SqliteStore;
use worthit::serve::store::TeamStore;
use worthit::upload::payload::{ActionDay, Day, MachineClass, SCHEMA_VERSION, Upload};

use crate::util::{TestEnv, assert_success};

/// A running `worthit serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    env: TestEnv,
}

impl Server {
    fn start() -> Server {
        let env = TestEnv::new();
        let log = std::fs::File::create(env.root().join("serve.log")).unwrap();
        let mut child = env
            .worthit()
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(env.root().join("server"))
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
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            panic!("no listening line: {line:?}");
        };
        Server { child, port, env }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn database(&self) -> PathBuf {
        self.env
            .root()
            .join("server")
            .join(worthit::serve::SQLITE_FILE)
    }

    /// A new token from `worthit serve token create ARGS`.
    fn token(&self, args: &[&str]) -> String {
        let out = self
            .env
            .worthit()
            .args(["serve", "token", "create"])
            .args(args)
            .arg("--data-dir")
            .arg(self.env.root().join("server"))
            .output()
            .unwrap();
        assert_success(&out, "worthit serve token create");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.env.root().join("serve.log")).unwrap()
    }

    fn upload(&self, token: &str, upload: &Upload) {
        let response = client()
            .post(self.url("/api/v1/uploads"))
            .bearer_auth(token)
            .json(upload)
            .send()
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            200,
            "{}",
            response.text().unwrap()
        );
    }

    /// The JSON report for the period the dashboard shows by default (four weeks to today).
    fn report(&self, token: &str) -> Value {
        let (since, until) = four_weeks();
        let response = client()
            .get(self.url(&format!("/api/v1/report?since={since}&until={until}")))
            .bearer_auth(token)
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.json().unwrap()
    }

    /// Loads `path` in headless Chromium and returns the DOM once the page's script has
    /// run (virtual time lets the API calls finish first).
    fn browse(&self, path: &str) -> String {
        let out = chromium(&self.env)
            .arg("--dump-dom")
            .arg(self.url(path))
            .output()
            .expect("run chromium (apt-get install chromium)");
        assert_success(&out, "chromium --dump-dom");
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Headless Chromium with a profile of its own in the test's temp dir, so parallel tests
/// do not share a profile lock.
fn chromium(env: &TestEnv) -> std::process::Command {
    let mut command = env.command("chromium");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ]);
    command.arg(format!(
        "--user-data-dir={}",
        env.root().join("chromium").display()
    ));
    command
}

/// The dashboard's default period, as the page computes it: 28 UTC days to today.
fn four_weeks() -> (NaiveDate, NaiveDate) {
    let until = Utc::now().date_naive();
    (until - TimeDelta::days(27), until)
}

/// Tuesday of the ISO week two weeks before this one, and of the next week: both inside
/// the default period and over before today.
fn story_days() -> [NaiveDate; 2] {
    let today = Utc::now().date_naive();
    let monday = today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()) + 14);
    [monday + TimeDelta::days(1), monday + TimeDelta::days(8)]
}

/// A person's pseudonym in the ISO week of `day`, as the uploader makes them.
fn pseudonym(person: usize, day: NaiveDate) -> String {
    format!("{person:016x}{:016x}", day.iso_week().week())
}

/// `runs` runs of `seconds` each, `failures` of them failed.
fn runs(name: &str, category: Category, runs: u64, seconds: u64, failures: u64) -> ActionDay {
    ActionDay {
        action: name.into(),
        category,
        repo: None,
        runs,
        failures,
        exits_known: runs,
        durations: std::iter::repeat_n(seconds * 1_000_000, runs as usize).collect(),
    }
}

fn upload(team: &str, cores: u64, days: Vec<Day>) -> Upload {
    Upload {
        schema_version: SCHEMA_VERSION,
        client: "worthit-test".into(),
        team: team.into(),
        machine: MachineClass::of("linux", "x86_64", cores, 32 << 30),
        days,
    }
}

/// Team payments: ten people, five on 16-core machines and five on 4-core ones, on two
/// days a week apart. Each day every person runs `cargo build` (30 times at 90 s on 16
/// cores, 20 times at 225 s on 4; 3 fail) and `cargo test` 20 times at 45 s; in the first week each
/// also runs `cargo clippy` 10 times at 36 s. Four of them run `make` 20 times at 300 s:
/// the largest cost of all, and hidden, since four people are fewer than five.
fn payments_uploads() -> Vec<Upload> {
    (0..10)
        .map(|person| {
            let (cores, builds, build_seconds) = if person < 5 {
                (16, 30, 90)
            } else {
                (4, 20, 225)
            };
            let days = story_days()
                .into_iter()
                .enumerate()
                .map(|(week, date)| {
                    let mut actions = vec![
                        runs("cargo build", Category::Build, builds, build_seconds, 3),
                        runs("cargo test", Category::Test, 20, 45, 0),
                    ];
                    if week == 0 {
                        actions.push(runs("cargo clippy", Category::Lint, 10, 36, 0));
                        if person < 4 {
                            actions.push(runs("make", Category::Build, 20, 300, 0));
                        }
                    }
                    Day {
                        day: date.to_string(),
                        contributor: pseudonym(person, date),
                        actions,
                    }
                })
                .collect();
            upload("payments", cores, days)
        })
        .collect()
}

/// The text of an HTML fragment as a person reads it: tags dropped, entities decoded.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The markup from `start` (included) to the next `end` (excluded).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in the page:\n{html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The cells' texts of each row of the table body with this id.
fn table_rows(html: &str, tbody_id: &str) -> Vec<Vec<String>> {
    let body = between(html, &format!("<tbody id=\"{tbody_id}\">"), "</tbody>");
    body.split("</tr>")
        .filter(|row| row.contains("<tr"))
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(at) = [rest.find("<td"), rest.find("<th")]
                .into_iter()
                .flatten()
                .min()
            {
                let cell = &rest[at..];
                let close = if cell.starts_with("<td") {
                    "</td>"
                } else {
                    "</th>"
                };
                let end = cell.find(close).unwrap_or(cell.len());
                cells.push(text(&cell[..end]));
                rest = &cell[end..];
            }
            cells
        })
        .collect()
}

/// How the page writes hours and engineer-days: about three significant figures.
fn shown_amount(value: f64) -> String {
    let digits = match value.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        v if v >= 1.0 => 2,
        _ => 3,
    };
    let text = format!("{value:.digits$}");
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

/// How the page writes a duration of 1 s to 1 h (the figures in this test).
fn shown_duration(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.2} s")
    } else if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let total = seconds.round() as u64;
        format!("{} min {:02} s", total / 60, total % 60)
    }
}

fn chromium_present() {
    let found = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found,
        "chromium is required for the dashboard tests (apt-get install chromium)"
    );
}

#[test]
fn dashboard_shows_the_ranked_sinks_chart_notice_and_machine_comparison() {
    chromium_present();
    let server = Server::start();
    let token = server.token(&["--team", "payments"]);
    for upload in payments_uploads() {
        server.upload(&token, &upload);
    }
    let api = server.report(&token);

    let dom = server.browse(&format!("/#token={token}"));

    assert!(
        between(&dom, "<section id=\"sign-in\"", ">").contains("hidden"),
        "the sign-in form is hidden once signed in"
    );
    assert_eq!(
        text(between(&dom, "<h2 id=\"scope\"", "</h2>")),
        "Team payments"
    );
    let (since, until) = four_weeks();
    // 20 h of cargo build + 5 h of cargo test + 1 h of cargo clippy over four weeks.
    assert_eq!(
        text(between(&dom, "<p id=\"summary\"", "</p>")),
        format!(
            "{since} to {until} (4 weeks) · 3 actions shown · 6.50 engineer-hours per week · \
             1,000 runs · at least 5 people per figure"
        )
    );
    let notice = between(&dom, "<p id=\"hidden-notice\"", "</p>");
    assert!(
        !notice.contains("hidden=\"\""),
        "the notice is shown: {notice}"
    );
    assert_eq!(text(notice), "1 action hidden: fewer than 5 contributors");

    let rows = table_rows(&dom, "sinks");
    let actions = api["actions"].as_array().unwrap();
    let expected: Vec<Vec<String>> = [
        // cargo build: 5 × 60 × 90 s + 5 × 40 × 225 s = 20 h, over 4 weeks.
        ("1", "cargo build", "build", "500", "5.00", "12.0 %"),
        // cargo test: 10 × 40 × 45 s = 5 h.
        ("2", "cargo test", "test", "400", "1.25", "0.0 %"),
        // cargo clippy: 10 × 10 × 36 s = 1 h.
        ("3", "cargo clippy", "lint", "100", "0.250", "0.0 %"),
    ]
    .iter()
    .zip(actions)
    .map(|(&(rank, action, category, runs, hours, failures), row)| {
        let median = row["median_seconds"].as_f64().unwrap();
        let p90 = row["p90_seconds"].as_f64().unwrap();
        let days = |i: usize| row["budget"][i]["engineer_days"].as_f64().unwrap();
        [
            rank,
            action,
            category,
            "1",
            "10",
            runs,
            hours,
            &shown_duration(median),
            &shown_duration(p90),
            failures,
            &format!("{} d", shown_amount(days(0))),
            &format!("{} d", shown_amount(days(1))),
        ]
        .map(str::to_string)
        .to_vec()
    })
    .collect();
    assert_eq!(rows, expected, "{dom}");
    // The medians come from merged histograms: cargo build's is a 90 s run (300 of its
    // 500 runs), not the mean of 144 s.
    let build_median = actions[0]["median_seconds"].as_f64().unwrap();
    assert!((86.0..94.0).contains(&build_median), "{build_median}");

    let chart = between(&dom, "<svg id=\"chart\"", "</svg>");
    let bars: Vec<&str> = chart
        .split("<rect ")
        .skip(1)
        .filter(|r| r.contains("class=\"bar"))
        .map(|r| between(r, "data-action=\"", "\">").trim_start_matches("data-action=\""))
        .collect();
    assert_eq!(
        bars,
        ["cargo build", "cargo test", "cargo clippy"],
        "{chart}"
    );

    // The first action is selected: its machine classes and weekly trend.
    assert_eq!(
        text(between(&dom, "<h3 id=\"detail-title\"", "</h3>")),
        "cargo build"
    );
    let machines = &actions[0]["machines"];
    let ratio = machines[1]["ratio_to_fastest"].as_f64().unwrap();
    assert!((2.2..2.8).contains(&ratio), "225 s against 90 s: {ratio}");
    assert_eq!(
        text(between(&dom, "<p id=\"machine-summary\"", "</p>")),
        format!(
            "cargo build: {ratio:.1}× slower on 4-7 cores than on 16-31 cores (median {} \
             against {}).",
            shown_duration(machines[1]["median_seconds"].as_f64().unwrap()),
            shown_duration(machines[0]["median_seconds"].as_f64().unwrap()),
        )
    );
    let machine_rows = table_rows(&dom, "machines");
    assert_eq!(machine_rows.len(), 2);
    assert_eq!(machine_rows[0][0], "linux x86_64, 16-31 cores, 32-63 GiB");
    assert_eq!(machine_rows[0][1..3], ["5", "300"]);
    assert_eq!(machine_rows[1][0], "linux x86_64, 4-7 cores, 32-63 GiB");
    let trend = between(&dom, "<svg id=\"trend\"", "</svg>");
    assert_eq!(trend.matches("class=\"week-bar\"").count(), 2, "{trend}");
    // Each week: 5 × 30 × 90 s + 5 × 20 × 225 s = 10 h.
    assert_eq!(trend.matches(">10.0</text>").count(), 2, "{trend}");

    // The token came in the fragment: it never reached the server, its log or the page.
    assert!(!dom.contains(&token));
    let log = server.log();
    assert!(log.contains("\"path\":\"/api/v1/report\""), "{log}");
    assert!(!log.contains(&token) && !log.contains(&token[4..]), "{log}");
}

#[test]
fn dashboard_without_a_token_shows_only_the_sign_in_form_with_strict_headers() {
    chromium_present();
    let server = Server::start();
    let page = client().get(server.url("/")).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let headers = page.headers().clone();
    let html = page.text().unwrap();
    let header = |name: &str| headers[name].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    assert!(header("content-security-policy").starts_with("default-src 'self';"));
    assert!(header("content-security-policy").contains("form-action 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("cache-control"), "no-cache");

    // Every asset the page names is served, cacheable for good, with the same headers.
    let assets: Vec<&str> = html
        .split("\"/assets/")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(assets.len(), 3, "{html}");
    for name in assets {
        let asset = client()
            .get(server.url(&format!("/assets/{name}")))
            .send()
            .unwrap();
        assert_eq!(asset.status().as_u16(), 200, "{name}");
        let cache = asset.headers()["cache-control"].to_str().unwrap();
        assert!(cache.contains("immutable"), "{name}: {cache}");
        assert_eq!(asset.headers()["x-content-type-options"], "nosniff");
        let kind = asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let expected = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            _ => "image/svg+xml",
        };
        assert_eq!(kind, expected, "{name}");
    }
    let unknown = client()
        .get(server.url("/assets/app.0000000000000000.js"))
        .send()
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);

    // Without a token the page asks for one and calls no API.
    let dom = server.browse("/");
    let sign_in = between(&dom, "<section id=\"sign-in\"", ">");
    assert!(
        !sign_in.contains("hidden"),
        "the sign-in form is shown: {dom}"
    );
    assert!(
        between(&dom, "<section id=\"dashboard\"", ">").contains("hidden"),
        "no report is shown: {dom}"
    );
    assert!(dom.contains("<input id=\"token-input\" type=\"password\""));
    assert!(table_rows(&dom, "sinks").is_empty());
    assert!(!server.log().contains("/api/v1/report"), "{}", server.log());
}

#[test]
fn dashboard_shows_hostile_text_from_the_api_as_text() {
    chromium_present();
    let server = Server::start();
    let admin = server.token(&["--admin"]);
    // The upload validation refuses such a key, so it goes straight into the store, as a
    // compromised or future server might return it.
    let hostile =
        "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    let store = SqliteStore::open(&server.database()).unwrap();
    for person in 0..5 {
        let days = story_days()
            .into_iter()
            .map(|date| Day {
                day: date.to_string(),
                contributor: pseudonym(person, date),
                actions: vec![runs(hostile, Category::Build, 4, 60, 1)],
            })
            .collect();
        let mut upload = upload("search", 8, days);
        upload.machine.os = "<b>linux</b>".into();
        store.put_upload(&upload).unwrap();
    }
    drop(store);

    let dom = server.browse(&format!("/#token={admin}"));

    assert_eq!(
        text(between(&dom, "<h2 id=\"scope\"", "</h2>")),
        "Whole organisation"
    );
    assert!(
        !between(&dom, "<input id=\"team\"", ">").contains("readonly"),
        "an admin may pick a team"
    );
    let rows = table_rows(&dom, "sinks");
    assert_eq!(rows.len(), 1, "{dom}");
    assert_eq!(rows[0][1], hostile, "the key is shown as it is, as text");
    assert_eq!(
        table_rows(&dom, "machines")[0][0],
        "<b>linux</b> x86_64, 8-15 cores, 32-63 GiB"
    );
    // None of it became markup, and none of it ran.
    let body = between(&dom, "<body>", "</body>");
    assert!(!body.contains("<img") && !body.contains("<b>"), "{body}");
    assert_eq!(body.matches("<script").count(), 0, "{body}");
    assert!(dom.contains("<title>worthit: team time sinks</title>"));
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
}

/// Regenerates docs/dashboard.png: a team of twelve with seven actions (one hidden),
/// signed in as the team, at 1280×900.
#[test]
#[ignore = "writes docs/dashboard.png; run it by name to refresh the screenshot"]
fn dashboard_screenshot_for_docs() {
    chromium_present();
    let server = Server::start();
    let token = server.token(&["--team", "payments"]);
    let table: [(&str, Category, u64, u64, u64); 6] = [
        ("cargo build", Category::Build, 24, 95, 2),
        ("cargo test", Category::Test, 16, 140, 2),
        ("docker build", Category::Container, 3, 410, 1),
        ("npm install", Category::Deps, 4, 75, 0),
        ("cargo clippy", Category::Lint, 10, 38, 0),
        ("pytest", Category::Test, 6, 52, 1),
    ];
    for person in 0..12 {
        let slow = person >= 7;
        let days = story_days()
            .into_iter()
            .flat_map(|date| (0..5).map(move |d| date + TimeDelta::days(d - 1)))
            .map(|date| {
                let mut actions: Vec<ActionDay> = table
                    .iter()
                    .map(|&(name, category, count, seconds, failures)| {
                        let seconds = if slow { seconds * 23 / 10 } else { seconds };
                        runs(name, category, count + person as u64 % 3, seconds, failures)
                    })
                    .collect();
                if person < 3 {
                    actions.push(runs("make", Category::Build, 12, 300, 0));
                }
                Day {
                    day: date.to_string(),
                    contributor: pseudonym(person, date),
                    actions,
                }
            })
            .collect();
        server.upload(&token, &upload("payments", if slow { 4 } else { 16 }, days));
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dashboard.png");
    let shot = server.env.root().join("dashboard.png");
    let out = chromium(&server.env)
        .arg("--window-size=1280,900")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(server.url(&format!("/#token={token}")))
        .output()
        .unwrap();
    assert_success(&out, "chromium --screenshot");
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(&target, png).unwrap();
}
