//! Integration tests: the VS Code extension's spool lines, read by the real parser and the
//! real ingest. `shell-hooks/vscode/test/fixtures/spool-golden.spool` is what the
//! extension's TypeScript serialiser writes for a table of tricky events (its node tests
//! check that byte for byte); here the same table, kept in step with
//! `shell-hooks/vscode/test/golden.ts`, must come out of worthit's own serialiser as the
//! same bytes, parse back to the same events, and reach `worthit log --json` intact.

use serde_json::Value;
use worthit::event::{Event, Source};
use worthit::spool;

use crate::util::TestEnv;

const GOLDEN: &[u8] = include_bytes!("../../shell-hooks/vscode/test/fixtures/spool-golden.spool");
const SESSION: &str = "vscode-4242-golden";
/// 2026-09-21T14:13:20Z; event `n` starts `n` seconds later, all on UTC day 20717.
const START_US: i64 = 1_790_000_000_000_000;
const API: &str = "/home/dev/api";

/// 10 KB mixing two-byte characters, TABs and backslashes, which all cost escape or
/// UTF-8 bytes at the cut.
fn long_command() -> String {
    format!("cargo run -- {}fin", "données\t\\ ".repeat(850))
}

fn long_cwd() -> String {
    format!("/home/dev/{}", "d".repeat(5000))
}

/// The events behind the golden file, before any cut, in file order.
fn golden_events() -> Vec<Event> {
    let table: Vec<(i64, Option<i32>, Option<String>, String)> = vec![
        (
            12_345_678,
            Some(0),
            Some(API.into()),
            "cargo build --release".into(),
        ),
        (
            250_000,
            Some(1),
            Some(API.into()),
            "vscode task Run\ttests \"fast\" group=test".into(),
        ),
        (
            3_000_001,
            Some(2),
            Some(API.into()),
            r"/usr/bin/make -C 'sub dir' 'it'\''s'".into(),
        ),
        (
            1,
            Some(0),
            Some(API.into()),
            "for f in *.rs; do\n\techo \"$f\"\r\ndone".into(),
        ),
        (
            0,
            Some(127),
            Some(API.into()),
            r"printf 'a\tb\n' | grep -E '\d+' C:\Users\dev\ \x41 \\n".into(),
        ),
        (
            987_654,
            Some(0),
            Some("/home/dév/プロジェクト".into()),
            "echo héllo wörld 日本語 🚀 ∑".into(),
        ),
        (
            42,
            Some(0),
            Some(API.into()),
            "echo \u{1}bell\u{7} del\u{7f}".into(),
        ),
        (
            1_500_000,
            Some(0),
            Some("/home/dev/py".into()),
            "vscode diagnostics (pyflakes,pycodestyle) ft=python".into(),
        ),
        (
            2_000,
            Some(0),
            None,
            "vscode diagnostics (unknown) ft=plaintext".into(),
        ),
        (
            3_456,
            Some(0),
            Some(API.into()),
            "vscode lsp definition (rust) ft=rust".into(),
        ),
        (
            654_321,
            Some(1),
            Some("/home/dev/web".into()),
            "vscode lsp references (typescript) ft=typescript".into(),
        ),
        (5_000_000, None, Some(API.into()), "sleep 5".into()),
        (60_000_000, Some(0), Some(API.into()), long_command()),
        (
            7,
            Some(0),
            Some(long_cwd()),
            format!("{}end", "x ".repeat(3000)),
        ),
    ];
    table
        .into_iter()
        .enumerate()
        .map(|(n, (duration_us, exit, cwd, command))| Event {
            start_us: START_US + n as i64 * 1_000_000,
            duration_us: Some(duration_us),
            duration_resolution_us: Some(1),
            exit,
            cwd,
            command,
            shell: "vscode".into(),
            session: SESSION.into(),
            source: Source::Hook,
            truncated: false,
        })
        .collect()
}

fn golden_lines() -> Vec<&'static [u8]> {
    assert!(
        GOLDEN.ends_with(b"\n"),
        "the golden file ends with a whole line"
    );
    GOLDEN.split_inclusive(|&b| b == b'\n').collect()
}

#[test]
fn the_extension_writes_the_bytes_worthit_itself_would_write() {
    let lines = golden_lines();
    let events = golden_events();
    assert_eq!(lines.len(), events.len());
    for (n, (line, event)) in lines.iter().zip(&events).enumerate() {
        assert!(
            line.len() <= spool::MAX_LINE_BYTES,
            "line {n}: {} bytes",
            line.len()
        );
        assert_eq!(
            String::from_utf8_lossy(&spool::serialise(event)),
            String::from_utf8_lossy(line),
            "line {n} differs from worthit's serialiser"
        );
    }
}

#[test]
fn golden_lines_parse_to_the_exact_events() {
    for (n, (line, expected)) in golden_lines().iter().zip(golden_events()).enumerate() {
        let parsed = spool::parse_line(line)
            .unwrap_or_else(|e| panic!("line {n} of the golden file does not parse: {e}"));
        let cut =
            expected.command.len() > 3000 || expected.cwd.as_ref().is_some_and(|c| c.len() > 3000);
        if !cut {
            assert_eq!(parsed, expected, "line {n}");
            continue;
        }
        // An oversized line keeps a prefix of the command (and cwd), flagged truncated.
        assert!(parsed.truncated, "line {n} is flagged t");
        assert!(
            expected.command.starts_with(&parsed.command),
            "line {n}: command is a prefix"
        );
        let cwd = parsed.cwd.clone().unwrap_or_default();
        assert!(
            expected
                .cwd
                .as_deref()
                .unwrap_or_default()
                .starts_with(&cwd),
            "line {n}: cwd is a prefix"
        );
        assert!(
            parsed.command.len() + cwd.len() > 3000,
            "line {n} uses its budget"
        );
        assert_eq!(
            Event {
                command: expected.command.clone(),
                cwd: expected.cwd.clone(),
                truncated: false,
                ..parsed
            },
            expected,
            "line {n}: every other field is exact"
        );
    }
}

#[test]
fn ingest_stores_the_extension_events_as_recorded() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.spool()).expect("create the spool");
    let day = START_US / 86_400_000_000;
    std::fs::write(env.spool().join(format!("{SESSION}.{day}.spool")), GOLDEN)
        .expect("write the spool");

    let mut logged = env.log_json();
    logged.reverse();
    let events = golden_events();
    assert_eq!(logged.len(), events.len(), "{logged:#?}");
    for (n, (seen, expected)) in logged.iter().zip(&events).enumerate() {
        assert_eq!(
            seen["start"],
            format!("2026-09-21T14:13:{:02}.000Z", 20 + n),
            "event {n}"
        );
        assert_eq!(seen["shell"], "vscode", "event {n}");
        assert_eq!(seen["session"], SESSION, "event {n}");
        assert_eq!(seen["source"], "hook", "event {n}");
        assert_eq!(
            seen["duration_ms"].as_f64(),
            expected.duration_us.map(|us| us as f64 / 1000.0),
            "event {n}"
        );
        assert_eq!(
            seen["duration_resolution_ms"].as_f64(),
            Some(0.001),
            "event {n}"
        );
        assert_eq!(
            seen["exit"].as_i64(),
            expected.exit.map(i64::from),
            "event {n}"
        );
        let command = seen["command"].as_str().expect("command is a string");
        let cwd = seen["cwd"].as_str();
        if seen["truncated"] == Value::Bool(true) {
            assert!(expected.command.starts_with(command), "event {n}");
            assert!(
                expected
                    .cwd
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with(cwd.unwrap_or_default())
            );
        } else {
            assert_eq!(command, expected.command, "event {n}");
            assert_eq!(cwd, expected.cwd.as_deref(), "event {n}");
        }
    }
    let truncated: Vec<usize> = logged
        .iter()
        .enumerate()
        .filter(|(_, seen)| seen["truncated"] == Value::Bool(true))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        truncated,
        vec![12, 13],
        "only the oversized lines are truncated"
    );
}
