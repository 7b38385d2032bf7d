//! Per-command hook cost and shell start-up cost, measured in real interactive shells.
//!
//! For each of bash, zsh and fish, every round starts two shells on their own ptys, one
//! without and one with the worthit hook, and types `true` into them alternately (ABBA
//! order) N times, timing each line from the write to the next prompt. Alternating inside
//! one run means a noisy neighbour on this shared 2-core machine slows both variants alike;
//! the headline is the difference of the two medians with a bootstrap 95% interval.
//!
//! A second, lower-noise figure comes from inside the shell: a loop that does what the
//! shell does around each command (bash: history, PS0, DEBUG trap, PROMPT_COMMAND; zsh:
//! preexec and precmd functions; fish: the preexec/postexec/prompt events) K times.
//! Start-up is timed as spawn-to-first-prompt on a pty and as `<shell> -i -c exit`, with
//! and without the hook line in the rc file.
//!
//! The hooked shells must prove the hook ran: each measured command must add exactly one
//! spool line (parsed with `worthit::spool`, no SQLite involved). If `worthit init` prints
//! nothing yet, or the lines do not add up, that shell's figures are withheld, not faked.
//!
//! Run: `cargo bench --bench hook_cost` (cargo builds the `worthit` binary in the bench
//! profile first; its path comes from `CARGO_BIN_EXE_worthit`). Settings, all optional:
//! `WORTHIT_BENCH_N` (commands per variant per round, default 500), `WORTHIT_BENCH_ROUNDS`
//! (10), `WORTHIT_BENCH_WARMUP` (20), `WORTHIT_BENCH_K` (in-shell loop length per round,
//! 1000; 0 skips), `WORTHIT_BENCH_STARTUP_RUNS` (40 per variant and style; 0 skips),
//! `WORTHIT_BENCH_SHELLS` (`bash,zsh,fish`), `WORTHIT_BENCH_HOOK` (`real`; `standin`, the
//! scripts in `benches/hook_cost/standin/` that validate the method; or a directory whose
//! `worthit.<shell>` files are sourced as they are), `WORTHIT_BENCH_JSON`
//! (summary path, default `target/hook-cost.json`), `WORTHIT_BENCH_TRACE=1` (print each
//! session's raw pty output when it ends; use with a small N). Without `--bench` (e.g.
//! `cargo test --benches`) it runs a one-second smoke pass and writes no summary.

#[path = "../tests/support/pty.rs"]
mod pty;
#[path = "hook_cost/shells.rs"]
mod shells;
#[path = "hook_cost/stats.rs"]
mod stats;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use pty::Pty;
use shells::{COMMAND, Hook, PROMPT, PROMPT_TIMEOUT, Sandbox, Shell, Support};
use stats::Comparison;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("hook_cost: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug)]
struct Settings {
    n: usize,
    rounds: usize,
    warmup: usize,
    k: usize,
    startup_runs: usize,
    shells: Vec<Shell>,
    hook: Hook,
    json: Option<PathBuf>,
}

impl Settings {
    fn from_env() -> Result<Settings> {
        let smoke = !std::env::args().any(|a| a == "--bench");
        let worthit = PathBuf::from(env!("CARGO_BIN_EXE_worthit"));
        let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hook_cost");
        let hook = match std::env::var("WORTHIT_BENCH_HOOK").as_deref() {
            Ok("real") | Err(_) => Hook::Real { worthit },
            Ok("standin") => Hook::Scripts {
                dir: bench_dir.join("standin"),
            },
            Ok(dir) if Path::new(dir).is_dir() => Hook::Scripts {
                dir: PathBuf::from(dir),
            },
            Ok(other) => {
                bail!("WORTHIT_BENCH_HOOK must be `real`, `standin` or a directory, not {other:?}")
            }
        };
        let shells = match std::env::var("WORTHIT_BENCH_SHELLS") {
            Ok(list) => list
                .split(',')
                .map(|name| {
                    Shell::parse(name.trim())
                        .with_context(|| format!("WORTHIT_BENCH_SHELLS: unknown shell {name:?}"))
                })
                .collect::<Result<Vec<_>>>()?,
            Err(_) => Shell::ALL.to_vec(),
        };
        // The bench profile's binary lives in <target>/release/, the summary in <target>/.
        let target_dir = Path::new(env!("CARGO_BIN_EXE_worthit"))
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("target"));
        let json = match std::env::var_os("WORTHIT_BENCH_JSON") {
            Some(path) => Some(PathBuf::from(path)),
            None if smoke => None,
            None => Some(target_dir.join("hook-cost.json")),
        };
        let (n, rounds, warmup, k, startup_runs) = if smoke {
            (5, 1, 2, 10, 2)
        } else {
            (500, 10, 20, 1000, 40)
        };
        Ok(Settings {
            n: env_usize("WORTHIT_BENCH_N", n)?.max(1),
            rounds: env_usize("WORTHIT_BENCH_ROUNDS", rounds)?.max(1),
            warmup: env_usize("WORTHIT_BENCH_WARMUP", warmup)?,
            k: env_usize("WORTHIT_BENCH_K", k)?,
            startup_runs: env_usize("WORTHIT_BENCH_STARTUP_RUNS", startup_runs)?,
            shells,
            hook,
            json,
        })
    }
}

fn env_usize(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number, not {text:?}")),
        Err(_) => Ok(default),
    }
}

/// Everything measured for one shell.
#[derive(Default)]
struct ShellResult {
    /// Why this shell's figures are not reported, if they are not.
    withheld: Option<String>,
    /// Which version of the hook script was timed.
    hook_fingerprint: Option<String>,
    base_us: Vec<f64>,
    hooked_us: Vec<f64>,
    /// Per round: (hook-free, hooked) in-shell microseconds per iteration.
    inshell: Vec<(f64, f64)>,
    /// Problems with the in-shell figure that do not affect the pty figure.
    inshell_note: Option<String>,
    first_prompt_ms: (Vec<f64>, Vec<f64>),
    c_exit_ms: (Vec<f64>, Vec<f64>),
    startup_note: Option<String>,
}

fn run() -> Result<ExitCode> {
    let settings = Settings::from_env()?;
    let support = Support {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hook_cost"),
    };
    let started = Instant::now();
    println!(
        "hook cost: hook {}, N={} commands x {} rounds per variant, warm-up {}, in-shell K={}, start-up runs {}",
        settings.hook.describe(),
        settings.n,
        settings.rounds,
        settings.warmup,
        settings.k,
        settings.startup_runs
    );

    let mut results: BTreeMap<&'static str, ShellResult> = BTreeMap::new();
    let scratch = tempfile::tempdir().context("could not create a scratch dir")?;
    for &shell in &settings.shells {
        let mut result = ShellResult::default();
        if which(shell.name()).is_none() {
            result.withheld = Some(format!("{} is not installed", shell.name()));
        } else {
            match settings.hook.check(shell, scratch.path()) {
                Ok(fingerprint) => result.hook_fingerprint = Some(fingerprint),
                Err(err) => result.withheld = Some(format!("{err:#}")),
            }
        }
        results.insert(shell.name(), result);
    }

    for round in 0..settings.rounds {
        for &shell in &settings.shells {
            let result = results
                .get_mut(shell.name())
                .context("results has every shell")?;
            if result.withheld.is_some() {
                continue;
            }
            if let Err(err) = measure_round(&settings, &support, shell, round, result) {
                result.withheld = Some(format!("round {}: {err:#}", round + 1));
            }
        }
    }
    if settings.startup_runs > 0 {
        for &shell in &settings.shells {
            let result = results
                .get_mut(shell.name())
                .context("results has every shell")?;
            if result.withheld.is_none()
                && let Err(err) = measure_startup(&settings, &support, shell, result)
            {
                result.startup_note = Some(format!("{err:#}"));
            }
        }
    }

    let summary = report(&settings, &results, started.elapsed());
    if let Some(path) = &settings.json {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(&summary)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("could not write {}", path.display()))?;
        println!("summary written to {}", path.display());
    }
    let withheld = results.values().any(|r| r.withheld.is_some());
    Ok(if withheld {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// One round for one shell: a fresh hook-free and hooked shell, warm-up, N alternating
/// round trips each, the spool check, then the in-shell loop in both.
fn measure_round(
    settings: &Settings,
    support: &Support,
    shell: Shell,
    round: usize,
    result: &mut ShellResult,
) -> Result<()> {
    let base = Sandbox::new(shell, false, &settings.hook, support)?;
    let hooked = Sandbox::new(shell, true, &settings.hook, support)?;
    let mut base_pty = base.start_interactive()?;
    let mut hooked_pty = hooked.start_interactive()?;
    let marker = PROMPT.as_bytes();
    for _ in 0..settings.warmup {
        base_pty.round_trip(COMMAND, marker, PROMPT_TIMEOUT)?;
        hooked_pty.round_trip(COMMAND, marker, PROMPT_TIMEOUT)?;
    }

    let before = SpoolCount::of(&hooked.spool_dir())?;
    for i in 0..settings.n {
        // ABBA: neither variant always goes first, so "the shell that just ran is hot in
        // the cache" favours both equally.
        let hooked_first = (i + round) % 2 == 1;
        for is_hooked in [hooked_first, !hooked_first] {
            let pty = if is_hooked {
                &mut hooked_pty
            } else {
                &mut base_pty
            };
            let (elapsed, _) = pty.round_trip(COMMAND, marker, PROMPT_TIMEOUT)?;
            let us = elapsed.as_secs_f64() * 1e6;
            if is_hooked {
                result.hooked_us.push(us)
            } else {
                result.base_us.push(us)
            }
        }
    }
    let after = SpoolCount::of(&hooked.spool_dir())?;
    let base_lines = SpoolCount::of(&base.spool_dir())?;
    if base_lines.total != 0 {
        bail!(
            "the hook-free {} wrote {} spool lines: the baseline is not hook-free",
            shell.name(),
            base_lines.total
        );
    }
    if after.bad > 0 {
        bail!(
            "the {} hook wrote {} unparsable spool lines, e.g. {}",
            shell.name(),
            after.bad,
            after.bad_examples.join("; ")
        );
    }
    let (added, added_true) = (
        after.total - before.total,
        after.command(COMMAND) - before.command(COMMAND),
    );
    if added != settings.n || added_true != settings.n {
        bail!(
            "the {} hook recorded {added} spool lines ({added_true} for `{COMMAND}`) for {} measured commands; \
             the figures would not measure a working hook",
            shell.name(),
            settings.n
        );
    }

    if settings.k > 0 {
        let before = SpoolCount::of(&hooked.spool_dir())?;
        let (b, h) = if round.is_multiple_of(2) {
            let b = base.inshell_us(&mut base_pty, settings.k)?;
            (b, hooked.inshell_us(&mut hooked_pty, settings.k)?)
        } else {
            let h = hooked.inshell_us(&mut hooked_pty, settings.k)?;
            (base.inshell_us(&mut base_pty, settings.k)?, h)
        };
        let after = SpoolCount::of(&hooked.spool_dir())?;
        let typed = if shell == Shell::Fish { 2 } else { 1 };
        let lines = after.total - before.total;
        // The loop's K calls each write a line; the typed lines may add their own.
        if !(settings.k..=settings.k + typed).contains(&lines) {
            result.inshell_note = Some(format!(
                "the in-shell loop wrote {lines} spool lines for {} iterations, so it does not drive \
                 the hook the way the shell does; in-shell figure withheld",
                settings.k
            ));
        }
        let k = settings.k as f64;
        result.inshell.push((b / k, h / k));
    }

    base_pty.finish("exit")?;
    hooked_pty.finish("exit")?;
    Ok(())
}

/// Start-up with and without the hook line in the rc file, alternating, in two styles:
/// spawn to first prompt on a pty, and `<shell> -i -c exit` with no terminal.
fn measure_startup(
    settings: &Settings,
    support: &Support,
    shell: Shell,
    result: &mut ShellResult,
) -> Result<()> {
    let base = Sandbox::new(shell, false, &settings.hook, support)?;
    let hooked = Sandbox::new(shell, true, &settings.hook, support)?;
    let marker = PROMPT.as_bytes();
    // First, prove the rc-file hook records: one command must add one spool line.
    let mut pty = Pty::spawn(hooked.startup_command(false)?, &hooked.label())?;
    pty.wait_for(marker, PROMPT_TIMEOUT)?;
    pty.round_trip(COMMAND, marker, PROMPT_TIMEOUT)?;
    pty.finish("exit")?;
    let recorded = SpoolCount::of(&hooked.spool_dir())?.command(COMMAND);
    if recorded != 1 {
        bail!(
            "with the hook in the rc file, one `{COMMAND}` left {recorded} spool lines; start-up figures withheld"
        );
    }

    let warmup = 3;
    for i in 0..settings.startup_runs + warmup {
        let keep = i >= warmup;
        let hooked_first = i % 2 == 1;
        for is_hooked in [hooked_first, !hooked_first] {
            let sandbox = if is_hooked { &hooked } else { &base };
            let start = Instant::now();
            let mut pty = Pty::spawn(sandbox.startup_command(false)?, &sandbox.label())?;
            pty.wait_for(marker, PROMPT_TIMEOUT)?;
            let ms = start.elapsed().as_secs_f64() * 1e3;
            pty.finish("exit")?;

            let mut cmd = sandbox.startup_command(true)?;
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let start = Instant::now();
            let status = cmd
                .status()
                .with_context(|| format!("could not run {} -i -c exit", shell.name()))?;
            let exit_ms = start.elapsed().as_secs_f64() * 1e3;
            if !status.success() {
                bail!("{} -i -c exit failed: {status}", sandbox.label());
            }
            if keep {
                let (prompt, exit) = if is_hooked {
                    (&mut result.first_prompt_ms.1, &mut result.c_exit_ms.1)
                } else {
                    (&mut result.first_prompt_ms.0, &mut result.c_exit_ms.0)
                };
                prompt.push(ms);
                exit.push(exit_ms);
            }
        }
    }
    Ok(())
}

/// Spool lines under one `WORTHIT_HOME`, read with the same parser `ingest` uses.
struct SpoolCount {
    total: usize,
    by_command: BTreeMap<String, usize>,
    bad: usize,
    /// The first few bad lines with file, line number and reason (a broken hook writes
    /// thousands; three say enough).
    bad_examples: Vec<String>,
}

impl SpoolCount {
    fn of(dir: &Path) -> Result<SpoolCount> {
        let mut count = SpoolCount {
            total: 0,
            by_command: BTreeMap::new(),
            bad: 0,
            bad_examples: Vec::new(),
        };
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?
        {
            let path = entry?.path();
            // Hooks may keep scratch files next to their spool files; only spool files count.
            if !path
                .to_string_lossy()
                .ends_with(worthit::spool::SPOOL_SUFFIX)
            {
                continue;
            }
            let bytes = std::fs::read(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
                count.total += 1;
                match worthit::spool::parse_line(line) {
                    Ok(event) => *count.by_command.entry(event.command).or_default() += 1,
                    Err(err) => {
                        count.bad += 1;
                        if count.bad_examples.len() < 3 {
                            count
                                .bad_examples
                                .push(format!("{}:{}: {err}", path.display(), i + 1));
                        }
                    }
                }
            }
        }
        Ok(count)
    }

    fn command(&self, command: &str) -> usize {
        self.by_command.get(command).copied().unwrap_or(0)
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Prints the tables and returns the JSON summary.
fn report(
    settings: &Settings,
    results: &BTreeMap<&'static str, ShellResult>,
    elapsed: Duration,
) -> Value {
    let mut shells_json = serde_json::Map::new();
    println!();
    println!(
        "per-command cost: pty round trip, typed `{COMMAND}` -> next prompt (median µs, p25-p75; added = difference of medians, 95% bootstrap CI)"
    );
    println!(
        "{:<5} {:>22} {:>22} {:>30} {:>6} {:>8}  verdict",
        "shell", "no hook", "with hook", "added", "ratio", "goal"
    );
    for &shell in &settings.shells {
        let Some(r) = results.get(shell.name()) else {
            continue;
        };
        if let Some(reason) = &r.withheld {
            println!("{:<5} WITHHELD: {reason}", shell.name());
            shells_json.insert(
                shell.name().into(),
                json!({ "status": "withheld", "reason": reason, "version": shell.version() }),
            );
            continue;
        }
        let c = Comparison::of(&r.base_us, &r.hooked_us);
        let verdict = if c.ci95.1 <= shell.goal_us() {
            "meets goal"
        } else if c.added <= shell.goal_us() {
            "meets goal (CI crosses it)"
        } else {
            "OVER GOAL"
        };
        println!(
            "{:<5} {:>22} {:>22} {:>30} {:>6.3} {:>8}  {verdict}",
            shell.name(),
            spread(&c.base, 1),
            spread(&c.hooked, 1),
            format!("{:+.1} [{:+.1}, {:+.1}]", c.added, c.ci95.0, c.ci95.1),
            c.ratio,
            format!("≤{:.0}", shell.goal_us()),
        );
        let mut entry = json!({
            "status": "measured",
            "version": shell.version(),
            "hook_script": r.hook_fingerprint,
            "per_command_us": c.json(),
            "goal_added_us": shell.goal_us(),
            "meets_goal": c.added <= shell.goal_us(),
        });
        if !r.inshell.is_empty() {
            let base: Vec<f64> = r.inshell.iter().map(|p| p.0).collect();
            let hooked: Vec<f64> = r.inshell.iter().map(|p| p.1).collect();
            entry["in_shell_us_per_command"] = json!({
                "no_hook_median": stats::median(&base),
                "with_hook_median": stats::median(&hooked),
                "added_median": stats::median(&hooked) - stats::median(&base),
                "rounds": r.inshell.len(),
                "iterations_per_round": settings.k,
                "note": r.inshell_note,
            });
        }
        if !r.first_prompt_ms.0.is_empty() {
            entry["startup_ms"] = json!({
                "first_prompt": Comparison::of(&r.first_prompt_ms.0, &r.first_prompt_ms.1).json(),
                "c_exit": Comparison::of(&r.c_exit_ms.0, &r.c_exit_ms.1).json(),
                "goal_added_ms": 5.0,
            });
        } else if let Some(note) = &r.startup_note {
            entry["startup_ms"] = json!({ "withheld": note });
        }
        shells_json.insert(shell.name().into(), entry);
    }

    let measured: Vec<(Shell, &ShellResult)> = settings
        .shells
        .iter()
        .filter_map(|&s| {
            results
                .get(s.name())
                .filter(|r| r.withheld.is_none())
                .map(|r| (s, r))
        })
        .collect();
    if settings.k > 0 && !measured.is_empty() {
        println!();
        println!(
            "in-shell: the shell's own per-command hook calls in a loop of {} (median over rounds, µs per command)",
            settings.k
        );
        println!(
            "{:<5} {:>10} {:>10} {:>10}",
            "shell", "no hook", "with hook", "added"
        );
        for (shell, r) in &measured {
            let base: Vec<f64> = r.inshell.iter().map(|p| p.0).collect();
            let hooked: Vec<f64> = r.inshell.iter().map(|p| p.1).collect();
            match &r.inshell_note {
                Some(note) => println!("{:<5} WITHHELD: {note}", shell.name()),
                None => println!(
                    "{:<5} {:>10.1} {:>10.1} {:>+10.1}",
                    shell.name(),
                    stats::median(&base),
                    stats::median(&hooked),
                    stats::median(&hooked) - stats::median(&base)
                ),
            }
        }
    }
    if settings.startup_runs > 0 && !measured.is_empty() {
        println!();
        println!(
            "start-up with vs without the hook line in the rc file ({} runs each, median ms, p25-p75; goal ≤5 ms added)",
            settings.startup_runs
        );
        println!(
            "{:<5} {:<12} {:>20} {:>20} {:>28} {:>6}",
            "shell", "style", "no hook", "with hook", "added", "ratio"
        );
        for (shell, r) in &measured {
            if let Some(note) = &r.startup_note {
                println!("{:<5} WITHHELD: {note}", shell.name());
                continue;
            }
            for (style, (b, h)) in [
                ("first prompt", &r.first_prompt_ms),
                ("-i -c exit", &r.c_exit_ms),
            ] {
                let c = Comparison::of(b, h);
                println!(
                    "{:<5} {:<12} {:>20} {:>20} {:>28} {:>6.3}",
                    shell.name(),
                    style,
                    spread(&c.base, 2),
                    spread(&c.hooked, 2),
                    format!("{:+.2} [{:+.2}, {:+.2}]", c.added, c.ci95.0, c.ci95.1),
                    c.ratio
                );
            }
        }
    }
    println!();
    for (shell, r) in &measured {
        if let Some(fingerprint) = &r.hook_fingerprint {
            println!("timed {} hook script: {fingerprint}", shell.name());
        }
    }
    println!("took {:.1} s", elapsed.as_secs_f64());

    json!({
        "bench": "hook_cost",
        "hook": settings.hook.describe(),
        "command": COMMAND,
        "settings": {
            "n_per_round": settings.n,
            "rounds": settings.rounds,
            "warmup": settings.warmup,
            "in_shell_k": settings.k,
            "startup_runs": settings.startup_runs,
        },
        "machine": { "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0) },
        "elapsed_s": elapsed.as_secs_f64(),
        "shells": Value::Object(shells_json),
    })
}

fn spread(s: &stats::Summary, decimals: usize) -> String {
    format!(
        "{:.d$} ({:.d$}-{:.d$})",
        s.median,
        s.p25,
        s.p75,
        d = decimals
    )
}
