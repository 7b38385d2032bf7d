//! Integration tests for `worthit classify`: the real binary reading stdin or arguments,
//! its JSON Lines contract, the user's config rules and their warnings, and a closed pipe.

use std::io::Write;
use std::process::{Output, Stdio};

use crate::util::{TestEnv, assert_success};

/// Runs `worthit classify` with `input` on stdin.
fn classify_stdin(env: &TestEnv, input: &[u8]) -> Output {
    let mut child = env
        .worthit()
        .arg("classify")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn worthit classify");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for worthit classify")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect()
}

/// (action, category, counted) of each output line.
fn verdicts(values: &[serde_json::Value]) -> Vec<(String, String, bool)> {
    values
        .iter()
        .map(|v| {
            (
                v["action"].as_str().expect("action").to_string(),
                v["category"].as_str().expect("category").to_string(),
                v["counted"].as_bool().expect("counted"),
            )
        })
        .collect()
}

fn owned(expected: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    expected
        .iter()
        .map(|(a, c, n)| (a.to_string(), c.to_string(), *n))
        .collect()
}

#[test]
fn stdin_lines_become_json_lines_in_order() {
    let env = TestEnv::new();
    let input = b"cargo test\r\nnpm run dev\n./scripts/x.sh --name \xff\xfe\ngit log | head\n\ncd api && make test";
    let out = classify_stdin(&env, input);
    assert_success(&out, "worthit classify");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    // The field order is part of the contract.
    for line in text.lines() {
        let keys: Vec<&str> = [
            "\"command\":",
            "\"action\":",
            "\"category\":",
            "\"counted\":",
        ]
        .iter()
        .map(|k| {
            assert!(line.contains(k), "{line}");
            *k
        })
        .collect();
        let positions: Vec<usize> = keys.iter().map(|k| line.find(k).unwrap_or(0)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
        assert!(line.starts_with("{\"command\":"), "{line}");
    }
    let values = json_lines(&out);
    assert_eq!(values.len(), 6, "one output line per input line");
    assert_eq!(
        values[0]["command"], "cargo test",
        "CR LF endings are stripped"
    );
    assert_eq!(
        values[2]["command"], "./scripts/x.sh --name \u{fffd}\u{fffd}",
        "invalid UTF-8 is replaced, not fatal"
    );
    assert_eq!(
        verdicts(&values),
        owned(&[
            ("cargo test", "test", true),
            ("npm run dev", "interactive", false),
            ("x.sh", "other", true),
            ("git log", "vcs", true),
            ("(unknown)", "other", true),
            ("make test", "test", true),
        ])
    );
}

#[test]
fn arguments_are_classified_instead_of_stdin() {
    let env = TestEnv::new();
    let out = env
        .worthit()
        .args([
            "classify",
            "docker compose up",
            "docker compose up -d",
            "vim notes.md",
        ])
        .output()
        .expect("run worthit classify");
    assert_success(&out, "worthit classify ARGS");
    let values = json_lines(&out);
    assert_eq!(values[1]["command"], "docker compose up -d");
    assert_eq!(
        verdicts(&values),
        owned(&[
            ("docker compose up", "interactive", false),
            ("docker compose up", "container", true),
            ("vim", "interactive", false),
        ])
    );
}

#[test]
fn config_rules_override_the_builtins() {
    let env = TestEnv::new();
    std::fs::write(
        env.config(),
        r#"
[classify]
tools = { deployctl = "deploy" }
aliases = { k = "kubectl" }

[[classify.rule]]
match = '^\./scripts/ci\.sh\b'
action = "ci.sh"
category = "test"

[[classify.rule]]
match = '^make e2e\b'
counted = false
"#,
    )
    .expect("write config");
    let out = classify_stdin(
        &env,
        b"./scripts/ci.sh --fast\nsudo -E ./scripts/ci.sh\ndeployctl push prod\nk -n prod get pods\nmake e2e\n",
    );
    assert_success(&out, "worthit classify with rules");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        verdicts(&json_lines(&out)),
        owned(&[
            ("ci.sh", "test", true),
            ("ci.sh", "test", true),
            ("deployctl", "deploy", true),
            ("kubectl get", "lookup", true),
            ("make e2e", "test", false),
        ])
    );
}

#[test]
fn a_bad_rule_is_a_warning_with_file_and_line_and_the_rest_still_applies() {
    let env = TestEnv::new();
    std::fs::write(
        env.config(),
        "[classify]\ntools = { mytool = \"build\" }\n\n[[classify.rule]]\nmatch = '(unclosed'\ncategory = 'test'\n\n[[classify.rule]]\nmatch = '^x'\ncategory = 'tests'\n",
    )
    .expect("write config");
    let out = env
        .worthit()
        .args(["classify", "mytool --all"])
        .output()
        .expect("run worthit classify");
    assert_success(&out, "worthit classify with a bad rule");
    let stderr = String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr");
    let config = env.config().display().to_string();
    for expected in [
        format!(
            "worthit: warning: config {config}:5: key `classify.rule[1].match`: not a valid regex"
        ),
        format!(
            "worthit: warning: config {config}:10: key `classify.rule[2].category`: unknown category `tests`"
        ),
    ] {
        assert!(stderr.contains(&expected), "{expected}\nin\n{stderr}");
    }
    assert_eq!(
        verdicts(&json_lines(&out)),
        owned(&[("mytool", "build", true)])
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    // Far more output than a pipe buffer holds, so worthit is still writing when `head`
    // exits.
    let line = "cd ~/src/api && RUST_LOG=debug cargo test -p api -- --nocapture 2>&1 | tee log\n";
    std::fs::write(env.root().join("big.txt"), line.repeat(200_000)).expect("write input");
    let out = env
        .command("bash")
        .args([
            "-c",
            "set -o pipefail; \"$0\" classify < big.txt | head -1",
            crate::util::WORTHIT,
        ])
        .output()
        .expect("run the pipeline");
    assert_success(&out, "worthit classify < big.txt | head -1");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: serde_json::Value =
        serde_json::from_slice(out.stdout.trim_ascii_end()).expect("one JSON line");
    assert_eq!(first["action"], "cargo test");
}
