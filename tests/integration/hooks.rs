//! Integration tests: the shell hooks (`worthit init bash|zsh|fish`) in real interactive
//! shells on a pty. Each test types commands like a person would, then reads back what was
//! recorded with `worthit log --json`, which ingests the spool first, so every line the
//! hooks write also goes through the Rust parser.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::pty_shell::{Kind, Shell};
use crate::util::{TestEnv, assert_success};

/// What one recorded event must look like.
struct Want {
    command: String,
    exit: i64,
    cwd: PathBuf,
}

fn want(command: &str, exit: i64, cwd: &Path) -> Want {
    Want {
        command: command.to_string(),
        exit,
        cwd: cwd.to_path_buf(),
    }
}

/// Events of `shell`, oldest first.
fn recorded(env: &TestEnv, shell: Kind) -> Vec<Value> {
    let mut events: Vec<Value> = env
        .log_json()
        .into_iter()
        .filter(|e| e["shell"] == shell.name())
        .collect();
    events.reverse();
    events
}

fn text(event: &Value, key: &str) -> String {
    event[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {event}"))
        .to_string()
}

/// Asserts the events match `wants` one to one, in order, in a single session of this
/// shell's process.
fn assert_events(events: &[Value], wants: &[Want], shell: &Shell, pid: u32) {
    let commands: Vec<String> = events.iter().map(|e| short(&text(e, "command"))).collect();
    let wanted: Vec<String> = wants.iter().map(|w| short(&w.command)).collect();
    assert_eq!(
        commands,
        wanted,
        "{} recorded other commands",
        shell.kind.name()
    );
    let session = text(&events[0], "session");
    let prefix = format!("{}-{pid}-", shell.kind.name());
    assert!(
        session.starts_with(&prefix),
        "session {session} is not {prefix}<token>"
    );
    for (event, want) in events.iter().zip(wants) {
        assert_eq!(text(event, "session"), session, "one session: {event}");
        assert_eq!(
            event["exit"].as_i64(),
            Some(want.exit),
            "exit status of {event}"
        );
        assert_eq!(
            PathBuf::from(text(event, "cwd")),
            want.cwd,
            "cwd of {}",
            short(&want.command)
        );
        assert_eq!(event["source"], "hook");
        let ms = event["duration_ms"]
            .as_f64()
            .expect("hook events have a duration");
        assert!((0.0..20_000.0).contains(&ms), "duration {ms} ms of {event}");
    }
}

/// Long commands are compared by their first 60 characters in failure messages.
fn short(command: &str) -> String {
    command.chars().take(60).collect()
}

/// The real duration of `sleep 0.3` is at least 300 ms and at most what the test itself
/// saw from Enter to prompt; the recorded one must be within 30 ms of 300 ms unless the
/// machine was so loaded that the whole round trip took longer.
fn assert_sleep_duration(event: &Value, round_trip: Duration) {
    let ms = event["duration_ms"].as_f64().expect("duration");
    let resolution = event["duration_resolution_ms"].as_f64().unwrap_or(0.001);
    let upper = (round_trip.as_secs_f64() * 1000.0).max(330.0);
    assert!(
        ms >= 300.0 - resolution && ms <= upper,
        "sleep 0.3 recorded as {ms} ms (round trip {round_trip:?})"
    );
}

fn pid_of(shell_session: &str) -> u32 {
    shell_session
        .split('-')
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("session has a pid")
}

/// Loads the hook and checks that doing so printed nothing but the echo of the line.
fn load_hook_silently(shell: &mut Shell) {
    let line = shell.kind.load_hook();
    let out = shell.run(line);
    assert_silent(&out, line, shell.kind);
}

/// `out` is what a line printed: drop the echo of the line (fish redraws it on each key)
/// and terminal decoration; whatever is left was printed by the shell or the hook.
fn assert_silent(out: &str, line: &str, kind: Kind) {
    let after_echo = match out.rfind(line) {
        Some(at) => &out[at + line.len()..],
        None => out,
    };
    let rest: String = after_echo
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '⏎')
        .collect();
    assert!(
        rest.is_empty(),
        "{}: loading the hook printed {rest:?}",
        kind.name()
    );
}

/// The shell-specific bits of the common scenario.
struct Dialect {
    /// Lines typed before the hook is loaded (not recorded).
    setup: &'static [&'static str],
    /// The multi-line command as typed, and as the shell's history records it.
    multiline: (&'static str, &'static str),
    /// How the 100 KB command is entered: typed, or through a key binding from `setup`.
    big_by_key: bool,
    /// `sleep 0.3` inside a group: a subshell in bash and zsh (bash then runs no simple
    /// command of its own, so no DEBUG trap fires before the prompt's).
    grouped: &'static str,
}

fn dialect(kind: Kind) -> Dialect {
    match kind {
        Kind::Bash => Dialect {
            setup: &["HISTCONTROL=ignoreboth"],
            multiline: (
                "for i in 1 2\ndo echo $i\ndone",
                "for i in 1 2; do echo $i; done",
            ),
            big_by_key: false,
            grouped: "(sleep 0.3)",
        },
        Kind::Zsh => Dialect {
            setup: &[
                "setopt histignorespace histignoredups",
                "wt-big() { BUFFER=\"true ${(l:100000::a:)}\"; zle accept-line }; zle -N wt-big; bindkey '^X^B' wt-big",
            ],
            multiline: (
                "for i in 1 2\ndo echo $i\ndone",
                "for i in 1 2\ndo echo $i\ndone",
            ),
            big_by_key: true,
            grouped: "(sleep 0.3)",
        },
        Kind::Fish => Dialect {
            setup: &[
                "bind \\cx\\cb 'commandline -r \"true \"(string repeat -n 100000 a); commandline -f execute'",
            ],
            multiline: ("for i in 1 2\necho $i\nend", "for i in 1 2\necho $i\nend"),
            big_by_key: false,
            grouped: "begin; sleep 0.3; end",
        },
    }
}

/// The issue's list, in one shell: timing, exit codes, a pipeline, a multi-line, a
/// unicode and a 100 KB command, Ctrl-C, a subdirectory, a leading space, repeats.
fn records_each_command(kind: Kind) {
    let env = TestEnv::new();
    let sub = env.root().join("sub");
    std::fs::create_dir(&sub).expect("mkdir sub");
    let root = env.root().to_path_buf();
    let dialect = dialect(kind);
    let mut shell = Shell::start(kind, &env, &[]);
    for line in dialect.setup {
        shell.run(line);
    }
    load_hook_silently(&mut shell);

    let (_, sleep_round_trip) = shell.run_timed("sleep 0.3");
    shell.run("false");
    shell.run("true | false");
    shell.run(dialect.multiline.0);
    shell.run("echo héllo wörld ✓ 日本");
    let big = format!("true {}", "a".repeat(100_000));
    match (kind, dialect.big_by_key) {
        (_, true) | (Kind::Fish, _) => {
            shell.send_keys(b"\x18\x02");
            shell.wait_prompt("the 100 KB command");
        }
        _ => {
            shell.type_slowly(big.as_bytes());
            shell.run("");
        }
    }
    shell.run_interrupted("sleep 10", "sleep");
    shell.run("cd sub");
    shell.run("true in-sub");
    shell.run(" true hidden by a leading space");
    shell.run("true again");
    shell.run("true again");
    let (_, grouped_round_trip) = shell.run_timed(dialect.grouped);

    let events = recorded(&env, kind);
    let wants = [
        want("sleep 0.3", 0, &root),
        want("false", 1, &root),
        want("true | false", 1, &root),
        want(dialect.multiline.1, 0, &root),
        want("echo héllo wörld ✓ 日本", 0, &root),
        want(&big, 0, &root),
        want("sleep 10", 130, &root),
        want("cd sub", 0, &root),
        want("true in-sub", 0, &sub),
        want("true again", 0, &sub),
        want("true again", 0, &sub),
        want(dialect.grouped, 0, &sub),
    ];
    let pid = pid_of(&text(events.first().expect("events recorded"), "session"));
    assert_events(&events, &wants, &shell, pid);
    assert_sleep_duration(&events[0], sleep_round_trip);
    assert_sleep_duration(&events[11], grouped_round_trip);

    let cut = &events[5];
    let cut_command = text(cut, "command");
    assert_eq!(cut["truncated"], true, "the 100 KB command is flagged");
    assert!(
        big.starts_with(&cut_command),
        "a prefix of the 100 KB command is kept"
    );
    assert!(cut_command.len() >= 500, "{} bytes kept", cut_command.len());
    for (i, event) in events.iter().enumerate() {
        assert_eq!(
            event["truncated"],
            i == 5,
            "only the 100 KB command is cut: {event}"
        );
    }
}

#[test]
fn bash_records_each_command() {
    records_each_command(Kind::Bash);
}

#[test]
fn zsh_records_each_command() {
    records_each_command(Kind::Zsh);
}

#[test]
fn fish_records_each_command() {
    records_each_command(Kind::Fish);
}

fn bash_preexec_fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bash-preexec/bash-preexec.sh")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn bash_records_through_bash_preexec() {
    let env = TestEnv::new();
    let root = env.root().to_path_buf();
    let mut shell = Shell::start(Kind::Bash, &env, &[("WT_BP", &bash_preexec_fixture())]);
    shell.run("HISTCONTROL=ignoreboth");
    shell.run(r#"source "$WT_BP""#);
    load_hook_silently(&mut shell);
    let (_, round_trip) = shell.run_timed("sleep 0.3");
    shell.run("false");
    shell.run("true | false");
    shell.run(" true hidden by a leading space");
    shell.run("true again");
    shell.run("true again");
    shell.run_interrupted("sleep 10", "sleep");
    // bash-preexec is still in charge: its trap is in place and worthit joined its arrays.
    let probe = r#"echo "[${preexec_functions[*]}|${precmd_functions[*]}|$(trap -p DEBUG | grep -c __bp_)]""#;
    let out = shell.run(probe);
    assert!(
        out.contains("__worthit_bp_preexec")
            && out.contains("__worthit_bp_precmd")
            && out.contains("|1]"),
        "bash-preexec still installed, worthit in its arrays: {out}"
    );

    let events = recorded(&env, Kind::Bash);
    let wants = [
        want("sleep 0.3", 0, &root),
        want("false", 1, &root),
        want("true | false", 1, &root),
        want("true again", 0, &root),
        want("true again", 0, &root),
        want("sleep 10", 130, &root),
        want(probe, 0, &root),
    ];
    let pid = pid_of(&text(&events[0], "session"));
    assert_events(&events, &wants, &shell, pid);
    assert_sleep_duration(&events[0], round_trip);
}

#[test]
fn bash_chains_an_existing_prompt_command_and_debug_trap() {
    let env = TestEnv::new();
    let root = env.root().to_path_buf();
    let mut shell = Shell::start(Kind::Bash, &env, &[]);
    shell.run("WT_PC=0 WT_DBG=0");
    shell.run("PROMPT_COMMAND='WT_PC=$((WT_PC+1))'; trap 'WT_DBG=$((WT_DBG+1))' DEBUG");
    load_hook_silently(&mut shell);
    shell.run("WT_PC=0 WT_DBG=0");
    let (_, round_trip) = shell.run_timed("sleep 0.3");
    shell.run("false");
    shell.run(" true hidden");
    let out = shell.run(r#"echo "[pc=$WT_PC dbg=$WT_DBG]""#);
    // Four prompts since the reset, each running the user's PROMPT_COMMAND once; the
    // user's DEBUG trap ran before every simple command, theirs and the prompt's.
    assert!(
        out.contains("[pc=4 dbg="),
        "PROMPT_COMMAND ran once per prompt: {out}"
    );
    let dbg: u32 = out
        .split("dbg=")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .and_then(|n| n.parse().ok())
        .expect("dbg count");
    assert!(dbg >= 5, "the DEBUG trap still runs: {out}");

    let events = recorded(&env, Kind::Bash);
    let wants = [
        want("WT_PC=0 WT_DBG=0", 0, &root),
        want("sleep 0.3", 0, &root),
        want("false", 1, &root),
        want(r#"echo "[pc=$WT_PC dbg=$WT_DBG]""#, 0, &root),
    ];
    let pid = pid_of(&text(&events[0], "session"));
    assert_events(&events, &wants, &shell, pid);
    assert_sleep_duration(&events[1], round_trip);
}

#[test]
fn bash_keeps_an_array_prompt_command() {
    let env = TestEnv::new();
    let mut shell = Shell::start(Kind::Bash, &env, &[]);
    shell.run("WT_A=0 WT_B=0; PROMPT_COMMAND=('WT_A=$((WT_A+1))' 'WT_B=$((WT_B+1))')");
    load_hook_silently(&mut shell);
    shell.run("WT_A=0 WT_B=0");
    shell.run("false");
    let out = shell.run(r#"echo "[$WT_A $WT_B ${#PROMPT_COMMAND[@]}]""#);
    assert!(out.contains("[2 2 4]"), "both entries still run: {out}");
    let events = recorded(&env, Kind::Bash);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[1]["exit"], 1);
}

#[test]
fn zsh_keeps_other_add_zsh_hook_functions() {
    let env = TestEnv::new();
    let root = env.root().to_path_buf();
    let mut shell = Shell::start(Kind::Zsh, &env, &[]);
    shell.run(
        "autoload -Uz add-zsh-hook; wt_hits=0; wt_count() { wt_hits=$((wt_hits+1)); return 7 }",
    );
    shell.run("add-zsh-hook precmd wt_count; add-zsh-hook preexec wt_count");
    load_hook_silently(&mut shell);
    shell.run("wt_hits=0");
    shell.run("false");
    let out = shell.run(r#"echo "[$wt_hits ${#precmd_functions} ${#preexec_functions}]""#);
    // Two commands since the reset: one preexec and one precmd call each, plus the
    // preexec of the echo itself.
    assert!(out.contains("[4 2 2]"), "the user's hooks still run: {out}");
    let events = recorded(&env, Kind::Zsh);
    let wants = [
        want("wt_hits=0", 0, &root),
        want("false", 1, &root),
        want(
            r#"echo "[$wt_hits ${#precmd_functions} ${#preexec_functions}]""#,
            0,
            &root,
        ),
    ];
    let pid = pid_of(&text(&events[0], "session"));
    assert_events(&events, &wants, &shell, pid);
}

/// What to type to read the state a hook must not touch, and what it must show after
/// `true | false` and `echo first last` ($? 1, pipeline statuses 0 1, last argument).
fn state_probe(kind: Kind) -> (&'static str, &'static str, &'static str) {
    match kind {
        Kind::Bash => (
            r#"echo "[${PIPESTATUS[*]}|$?]""#,
            "[0 1|1]",
            r#"echo "[$_]""#,
        ),
        Kind::Zsh => (r#"echo "[$pipestatus|$?]""#, "[0 1|1]", r#"echo "[$_]""#),
        Kind::Fish => (r#"echo "[$pipestatus|$status]""#, "[0 1|1]", ""),
    }
}

/// Sourcing (twice) under `set -eu` prints nothing and keeps the options, and the hook
/// never trips them; `$?`, `$_` and the pipeline statuses survive the hook; sourcing twice
/// records once (the second sourcing line is itself a recorded command).
fn leaves_the_shell_alone(kind: Kind) {
    let env = TestEnv::new();
    let mut shell = Shell::start(kind, &env, &[]);
    let mut expected: Vec<String> = Vec::new();
    if kind != Kind::Fish {
        // Only commands that succeed: under set -e a failing one ends the shell anyway.
        shell.run("set -eu");
        load_hook_silently(&mut shell);
        load_hook_silently(&mut shell);
        shell.run("true under-set-eu");
        shell.run(" true hidden under-set-eu");
        let out = shell.run(r#"echo "[$-]""#);
        let flags = out.rsplit('[').next().unwrap_or_default();
        assert!(
            flags.contains('e') && flags.contains('u'),
            "set -eu kept: {out}"
        );
        shell.run("set +eu");
        expected.extend(
            [
                kind.load_hook(),
                "true under-set-eu",
                r#"echo "[$-]""#,
                "set +eu",
            ]
            .map(String::from),
        );
    } else {
        load_hook_silently(&mut shell);
        load_hook_silently(&mut shell);
        expected.push(kind.load_hook().to_string());
    }
    let (probe, shows, last_arg) = state_probe(kind);
    shell.run("true | false");
    let out = shell.run(probe);
    assert!(
        out.contains(shows),
        "{}: after `true | false` {probe} printed {out}",
        kind.name()
    );
    expected.extend(["true | false", probe].map(String::from));
    if !last_arg.is_empty() {
        shell.run("echo first last");
        let out = shell.run(last_arg);
        assert!(
            out.contains("[last]"),
            "{}: $_ after the hook: {out}",
            kind.name()
        );
        expected.extend(["echo first last", last_arg].map(String::from));
    }
    shell.run(" true hidden");
    let commands: Vec<String> = recorded(&env, kind)
        .iter()
        .map(|e| text(e, "command"))
        .collect();
    assert_eq!(commands, expected, "{}: recorded once each", kind.name());
}

#[test]
fn bash_leaves_the_shell_alone() {
    leaves_the_shell_alone(Kind::Bash);
}

#[test]
fn zsh_leaves_the_shell_alone() {
    leaves_the_shell_alone(Kind::Zsh);
}

#[test]
fn fish_leaves_the_shell_alone() {
    leaves_the_shell_alone(Kind::Fish);
}

/// WORTHIT_DISABLE=1 records nothing; once it is gone, recording resumes.
fn disable_records_nothing(kind: Kind) {
    let env = TestEnv::new();
    let mut shell = Shell::start(kind, &env, &[("WORTHIT_DISABLE", "1")]);
    load_hook_silently(&mut shell);
    shell.run("true disabled-1");
    shell.run("false disabled-2");
    shell.run(match kind {
        Kind::Fish => "set -e WORTHIT_DISABLE",
        _ => "unset WORTHIT_DISABLE",
    });
    shell.run("true enabled");
    let commands: Vec<String> = recorded(&env, kind)
        .iter()
        .map(|e| text(e, "command"))
        .collect();
    assert!(
        !commands.iter().any(|c| c.contains("disabled")),
        "{}: recorded while disabled: {commands:?}",
        kind.name()
    );
    assert_eq!(commands.last().map(String::as_str), Some("true enabled"));
}

#[test]
fn bash_disable_records_nothing() {
    disable_records_nothing(Kind::Bash);
}

#[test]
fn zsh_disable_records_nothing() {
    disable_records_nothing(Kind::Zsh);
}

#[test]
fn fish_disable_records_nothing() {
    disable_records_nothing(Kind::Fish);
}

#[test]
fn non_interactive_shells_write_nothing() {
    let env = TestEnv::new();
    let scripts = [
        (
            "bash",
            r#"eval "$("$WT_WORTHIT" init bash)"; true; false; echo done"#,
        ),
        (
            "zsh",
            r#"eval "$("$WT_WORTHIT" init zsh)"; true; false; echo done"#,
        ),
        (
            "fish",
            "$WT_WORTHIT init fish | source; true; false; echo done",
        ),
    ];
    for (shell, script) in scripts {
        let out = env
            .command(shell)
            .args(["-c", script])
            .env("WT_WORTHIT", crate::util::WORTHIT)
            .output()
            .unwrap_or_else(|e| panic!("run {shell}: {e}"));
        assert_success(&out, shell);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "done\n",
            "{shell} stdout"
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{shell} stderr");
    }
    assert!(env.spool_files().is_empty(), "{:?}", env.spool_files());
}

/// The printed hooks pass the shells' own syntax checks and shellcheck. CI installs the
/// tools; a missing one fails here rather than skipping.
#[test]
fn printed_hooks_pass_syntax_checks_and_shellcheck() {
    let env = TestEnv::new();
    let checks: [(&str, &[&str]); 4] = [
        ("bash", &["bash", "-n"]),
        ("bash", &["shellcheck", "-s", "bash"]),
        ("zsh", &["zsh", "-n"]),
        ("fish", &["fish", "--no-execute"]),
    ];
    for (shell, tool) in checks {
        let script = env.worthit_ok(&["init", shell]);
        assert!(
            script.contains("__worthit_spool_dir"),
            "{shell} hook printed"
        );
        let file = env.root().join(format!("hook.{shell}"));
        std::fs::write(&file, &script).expect("write hook");
        let out = env
            .command(tool[0])
            .args(&tool[1..])
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("{} is required to test the hooks: {e}", tool[0]));
        assert_success(&out, &format!("{} on the {shell} hook", tool.join(" ")));
    }
}

/// bash 4.4 has PS0 but no EPOCHREALTIME: the hook falls back to whole seconds (bash 5
/// without the variable takes the same path) and says so in the resolution.
#[test]
fn bash_without_epochrealtime_records_whole_seconds() {
    let env = TestEnv::new();
    let mut shell = Shell::start(Kind::Bash, &env, &[]);
    shell.run("unset EPOCHREALTIME");
    load_hook_silently(&mut shell);
    shell.run("sleep 1.1");
    shell.run("false");
    let events = recorded(&env, Kind::Bash);
    let commands: Vec<String> = events.iter().map(|e| text(e, "command")).collect();
    assert_eq!(commands, ["sleep 1.1", "false"]);
    for event in &events {
        assert_eq!(event["duration_resolution_ms"], 1000.0, "{event}");
        let ms = event["duration_ms"].as_f64().expect("duration");
        assert_eq!(ms % 1000.0, 0.0, "whole seconds: {event}");
    }
    let slept = events[0]["duration_ms"].as_f64().expect("duration");
    assert!(
        (1000.0..=3000.0).contains(&slept),
        "sleep 1.1 took {slept} ms"
    );
    assert_eq!(events[1]["exit"], 1);
}

/// A nested bash inherits WORTHIT_SESSION but records under a session of its own.
#[test]
fn nested_bash_starts_its_own_session() {
    let env = TestEnv::new();
    let mut shell = Shell::start(Kind::Bash, &env, &[]);
    load_hook_silently(&mut shell);
    shell.run("true outer");
    shell.run_to_other_shell("export PS1; WT_N=100 bash --norc --noprofile -i");
    let out = shell.run(r#"echo "[$WORTHIT_SESSION]""#);
    assert!(
        out.contains("[bash-"),
        "the outer session is inherited: {out}"
    );
    load_hook_silently(&mut shell);
    shell.run("true inner");
    shell.run_to_other_shell("exit");
    shell.run("true outer again");

    let events = recorded(&env, Kind::Bash);
    let by_command = |command: &str| {
        let event = events
            .iter()
            .find(|e| e["command"] == command)
            .unwrap_or_else(|| panic!("{command} recorded: {events:?}"));
        text(event, "session")
    };
    let outer = by_command("true outer");
    assert_eq!(by_command("true outer again"), outer);
    assert_ne!(
        by_command("true inner"),
        outer,
        "the nested shell has its own session"
    );
}

/// Regression: with `set -e` (bash) or ERR_EXIT (zsh) on, a spool directory removed
/// under a live shell made the failed append end the user's shell, and zsh printed the
/// redirection error despite `2>/dev/null`. The shell must carry on silently, in every
/// shell.
#[test]
fn a_removed_spool_dir_neither_ends_nor_disturbs_the_shell() {
    let cases: [(&str, &[&str], String); 3] = [
        (
            "bash",
            &["--norc", "--noprofile", "-i"],
            format!("eval \"$({} init bash)\"\nset -e", crate::util::WORTHIT),
        ),
        (
            "zsh",
            &["-f", "-i"],
            format!(
                "eval \"$({} init zsh)\"\nsetopt err_exit",
                crate::util::WORTHIT
            ),
        ),
        (
            "fish",
            &["--no-config", "-i"],
            format!("{} init fish | source", crate::util::WORTHIT),
        ),
    ];
    for (shell, args, load) in cases {
        let env = TestEnv::new();
        let script = format!(
            "{load}\ntrue\nrm -rf '{}'\ntrue\necho STILL-ALIVE\n",
            env.data().display()
        );
        let mut child = std::process::Command::new(shell)
            .args(args)
            .env_clear()
            .envs(env.vars())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start shell");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write script");
        let out = child.wait_with_output().expect("shell output");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("STILL-ALIVE"), "{shell} ended early: {all}");
        assert!(
            !all.contains("no such file") && !all.contains("No such file"),
            "{shell} printed an error: {all}"
        );
    }
}
