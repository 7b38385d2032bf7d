//! Editor and `worthit watch` events through the real spool, ingest, report and uploader:
//! they rank under their own keys and categories, an editor's `:make` merges with the
//! same command typed in a shell, and only allow-listed names go on the wire.

use serde_json::Value;
use worthit::event::Event;

use crate::util::{TestEnv, assert_success, hook_event, today_midnight_us};

/// `count` runs of `command` recorded by `source` today, a minute apart, each lasting
/// `seconds`.
fn runs(source: &str, command: &str, count: i64, seconds: f64, exit: i32) -> Vec<Event> {
    let morning = today_midnight_us() + 9 * 3_600_000_000;
    (0..count)
        .map(|i| {
            let mut event = hook_event(morning + i * 60_000_000, command, seconds, exit, "/tmp");
            event.shell = source.into();
            event.session = format!("{source}-42-abc");
            event
        })
        .collect()
}

/// Writes each source's events to its own spool file, as the editors do.
fn record(env: &TestEnv, events: &[Event]) {
    std::fs::create_dir_all(env.spool()).unwrap();
    let mut by_session: std::collections::BTreeMap<&str, Vec<u8>> = Default::default();
    for event in events {
        by_session
            .entry(&event.session)
            .or_default()
            .extend_from_slice(&worthit::spool::serialise(event));
    }
    for (session, text) in by_session {
        std::fs::write(env.spool().join(format!("{session}.20000.spool")), text).unwrap();
    }
}

fn editor_day() -> Vec<Event> {
    [
        runs("nvim", "nvim lsp definition (pylsp) ft=python", 30, 1.5, 0),
        runs("nvim", "nvim lsp definition (pylsp) ft=pyrex", 10, 1.5, 0),
        runs("nvim", "nvim diagnostics (pyflakes) ft=python", 12, 2.0, 0),
        runs("nvim", "cargo build", 4, 20.0, 0),
        runs("bash", "cargo build", 6, 20.0, 0),
        runs(
            "vscode",
            "vscode task Deploy alice's stuff group=build",
            5,
            8.0,
            1,
        ),
        runs("vscode", "vscode lsp references (rust) ft=rust", 7, 3.0, 0),
        runs("watch", "edit→test cargo test", 9, 45.0, 0),
    ]
    .concat()
}

fn report_rows(env: &TestEnv) -> Vec<Value> {
    let out = env
        .worthit()
        .env("TZ", "UTC")
        .args(["report", "--json"])
        .output()
        .unwrap();
    assert_success(&out, "worthit report --json");
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn editor_actions_rank_under_their_own_keys_and_categories() {
    let env = TestEnv::new();
    record(&env, &editor_day());
    let rows = report_rows(&env);
    let find = |action: &str| {
        rows.iter()
            .find(|r| r["action"] == action)
            .unwrap_or_else(|| panic!("no `{action}` in {rows:#?}"))
    };
    for (action, category, runs) in [
        // Two filetypes served by one server are one loop.
        ("nvim lsp definition (pylsp)", "lookup", 40),
        ("nvim save→diagnostics (pyflakes)", "lint", 12),
        // `:make` in the editor and the same command in a shell are the same loop.
        ("cargo build", "build", 10),
        ("vscode task Deploy alice's stuff", "build", 5),
        ("vscode lsp references (rust)", "lookup", 7),
        ("edit→test cargo test", "test", 9),
    ] {
        let row = find(action);
        assert_eq!(row["category"], category, "{action}: {row:#}");
        assert_eq!(row["runs"], runs, "{action}: {row:#}");
    }
    assert_eq!(find("vscode task Deploy alice's stuff")["fail_rate"], 1.0);
    // The editors' own names never become an `nvim` (editor session) row.
    assert!(!rows.iter().any(|r| r["action"] == "nvim"), "{rows:#?}");

    let log = env.log_json();
    assert!(
        log.iter().any(
            |e| e["shell"] == "nvim" && e["command"] == "nvim lsp definition (pylsp) ft=python"
        ),
        "the log keeps the filetype: {log:#?}"
    );
}

#[test]
fn classify_reads_editor_lines_only_for_editor_sources() {
    let env = TestEnv::new();
    let as_nvim = env.worthit_ok(&[
        "classify",
        "--source",
        "nvim",
        "nvim lsp hover (pylsp) ft=python",
    ]);
    let line: Value = serde_json::from_str(as_nvim.trim()).unwrap();
    assert_eq!(line["action"], "nvim lsp hover (pylsp)");
    assert_eq!(line["category"], "lookup");
    // Typed in a shell, the same words open an editor.
    let typed = env.worthit_ok(&["classify", "nvim lsp hover (pylsp) ft=python"]);
    let line: Value = serde_json::from_str(typed.trim()).unwrap();
    assert_eq!(line["category"], "interactive");
}

#[test]
fn only_allow_listed_editor_names_go_on_the_wire() {
    let env = TestEnv::new();
    let mut events = editor_day();
    events.extend(runs(
        "nvim",
        "nvim lsp hover (alice-private-ls) ft=acme",
        10,
        1.0,
        0,
    ));
    record(&env, &events);
    let enable = env
        .worthit()
        .args([
            "upload",
            "enable",
            "--server",
            "http://127.0.0.1:9",
            "--team",
            "t",
            "--token",
            "wit_x",
        ])
        .output()
        .unwrap();
    assert_success(&enable, "worthit upload enable");
    let dry = env
        .worthit()
        .env("TZ", "UTC")
        .args(["upload", "--dry-run"])
        .output()
        .unwrap();
    assert_success(&dry, "worthit upload --dry-run");
    let text = String::from_utf8(dry.stdout).unwrap();
    let payload: Value = serde_json::from_str(&text).unwrap();
    let mut actions: Vec<String> = payload["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|day| day["actions"].as_array().unwrap().iter())
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    actions.sort();
    actions.dedup();
    assert_eq!(
        actions,
        [
            "cargo build",
            "edit:test cargo test",
            "nvim diagnostics pyflakes",
            "nvim lsp definition pylsp",
            "nvim lsp hover other",
            "vscode lsp references rust",
            "vscode task",
        ],
        "{text}"
    );
    for private in ["alice", "Deploy", "acme", "pyrex"] {
        assert!(
            !text.contains(private),
            "{private} would leave the machine:\n{text}"
        );
    }
}
