//! Integration tests: the Neovim plugin (`worthit init nvim`) in a real headless Neovim
//! (Debian's 0.7.2 in CI) with a real language server, pylsp with pyflakes, working offline
//! on a fixture project in a temp git repository.
//!
//! Each test loads exactly what `worthit init nvim` prints, as the file given to `nvim -u`,
//! then runs a Lua script that drives the editor (LSP requests through `vim.lsp.buf_request`,
//! a save with an error, `:make`, terminals) and waits for each answer with `vim.wait`. The
//! script runs under `xpcall` and leaves with `cquit 1` on any Lua error: an error in a
//! `-c` command would otherwise still exit 0. The recorded lines are then read twice: raw
//! from the spool with the Rust parser (exact microseconds), and through the real binary
//! (`worthit log --json`, which ingests).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use worthit::event::Event;

use crate::util::TestEnv;

/// Longest a Neovim run may take before the test kills it. The scripts' own waits are
/// shorter, so this only fires if Neovim itself hangs.
const NVIM_TIMEOUT: Duration = Duration::from_secs(40);

/// Runs before each test's own script: a watchdog that fails the run from inside Neovim
/// (so the output says which wait hung), and `finish`, which runs the test's `main` under
/// xpcall and quits with status 1 on any Lua error.
const PRELUDE: &str = r#"
vim.defer_fn(function()
  io.stderr:write('watchdog: the test script took too long\n')
  vim.cmd('cquit 2')
end, 30000)

function wait_for(what, ms, condition)
  if not vim.wait(ms, condition, 10) then
    error('timed out waiting for ' .. what, 2)
  end
end

function finish(main)
  local ok, err = xpcall(main, debug.traceback)
  if not ok then
    io.stderr:write('lua error: ' .. tostring(err) .. '\n')
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end
"#;

/// The fixture: a temp git repository (a bare `.git` directory is all the plugin looks
/// for) with a Python file in a sub-directory, so the recorded cwd must be walked up to.
struct Project {
    root: PathBuf,
    file: PathBuf,
}

fn project(env: &TestEnv) -> Project {
    let root = env.root().join("project");
    std::fs::create_dir_all(root.join(".git")).expect("create .git");
    std::fs::create_dir_all(root.join("pkg")).expect("create pkg/");
    let file = root.join("pkg").join("greeting_module.py");
    std::fs::write(
        &file,
        "def greet(name):\n    return \"hello \" + name\n\n\nprint(greet(\"x\"))\n",
    )
    .expect("write the fixture");
    Project {
        root: root.canonicalize().expect("canonical project root"),
        file,
    }
}

/// Writes what `worthit init nvim` prints to `<root>/init.lua` and returns its path.
fn init_lua(env: &TestEnv) -> PathBuf {
    let lua = env.worthit_ok(&["init", "nvim"]);
    let path = env.root().join("init.lua");
    std::fs::write(&path, lua).expect("write init.lua");
    path
}

/// Runs headless Neovim on `init` with the script `main` (a Lua function body), the given
/// extra environment, and returns its output.
fn run_nvim(env: &TestEnv, init: &Path, main: &str, vars: &[(&str, &Path)]) -> Output {
    let script = env.root().join("script.lua");
    std::fs::write(
        &script,
        format!("{PRELUDE}\nfinish(function()\n{main}\nend)\n"),
    )
    .expect("write the test script");
    let mut command = env.command("nvim");
    command
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(init)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    let child = command.spawn().expect("run nvim (apt-get install neovim)");
    wait_with_timeout(child, NVIM_TIMEOUT)
}

fn wait_with_timeout(mut child: Child, timeout: Duration) -> Output {
    fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).expect("read nvim output");
            bytes
        })
    }
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "nvim did not finish within {timeout:?}; stderr: {}",
                String::from_utf8_lossy(&stderr.join().unwrap_or_default())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Fails with Neovim's output unless it exited 0 and printed no error. Headless Neovim
/// writes messages to stderr, so an error the plugin let through would show there.
fn assert_clean_run(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "nvim failed ({}):\nstdout: {}\nstderr: {stderr}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
    );
    let error_line = stderr.lines().find(|line| {
        line.contains("Error")
            || line.contains("error")
            || line.contains("worthit")
            || line.split_whitespace().any(|word| {
                word.len() > 2
                    && word.starts_with('E')
                    && word.ends_with(':')
                    && word[1..word.len() - 1].bytes().all(|b| b.is_ascii_digit())
            })
    });
    assert!(
        error_line.is_none(),
        "nvim printed an error: {error_line:?}\nstderr: {stderr}"
    );
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_micros() as i64
}

/// Every line in the spool, parsed by the Rust parser (which must accept all of them).
fn spooled(env: &TestEnv) -> Vec<Event> {
    let mut events = Vec::new();
    for name in env.spool_files() {
        assert!(
            name.starts_with("nvim-") && name.ends_with(".spool"),
            "spool file {name} is not <session>.<day>.spool"
        );
        let bytes = std::fs::read(env.spool().join(&name)).expect("read spool file");
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            assert!(line.ends_with(b"\n"), "{name} ends in half a line");
            events.push(
                worthit::spool::parse_line(line).unwrap_or_else(|err| {
                    panic!("{name}: {err}: {}", String::from_utf8_lossy(line))
                }),
            );
        }
    }
    events
}

/// The plugin's events in `worthit log --json`, oldest first.
fn logged(env: &TestEnv) -> Vec<Value> {
    let mut events: Vec<Value> = env
        .log_json()
        .into_iter()
        .filter(|e| e["shell"] == "nvim")
        .collect();
    events.reverse();
    events
}

fn find<'a>(events: &'a [Event], command: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.command == command)
        .unwrap_or_else(|| {
            let all: Vec<&str> = events.iter().map(|e| e.command.as_str()).collect();
            panic!("no event {command:?} among {all:?}")
        })
}

/// Start within the run, a duration above zero and below the run's wall time, µs clocks.
fn assert_plausible(event: &Event, run_start_us: i64, run_us: i64) {
    let duration = event.duration_us.expect("a duration");
    assert!(
        duration > 0 && duration < run_us,
        "{}: duration {duration} µs outside (0, {run_us})",
        event.command
    );
    assert!(
        event.start_us >= run_start_us && event.start_us + duration <= run_start_us + run_us,
        "{}: started at {} outside the run ({run_start_us} + {run_us})",
        event.command,
        event.start_us
    );
    assert_eq!(event.duration_resolution_us, Some(1), "{}", event.command);
    assert_eq!(event.shell, "nvim");
    let session_pid = event.session.split('-').nth(1).unwrap_or_default();
    assert!(
        event.session.starts_with("nvim-") && session_pid.parse::<u32>().is_ok(),
        "session {} is not nvim-<pid>-<token>",
        event.session
    );
}

/// Definition, hover and a save with an undefined name, against pylsp: each recorded with
/// the server, the filetype, a plausible duration and the repository root, never the file.
#[test]
fn lsp_requests_and_save_to_diagnostics_are_timed_without_file_paths() {
    let env = TestEnv::new();
    let project = project(&env);
    let init = init_lua(&env);
    let main = r#"
      local file = vim.env.WT_FILE
      -- On 0.7 the plugin waits for the LSP module instead of loading it at start-up.
      if vim.fn.has('nvim-0.8') == 0 then
        assert(package.loaded['vim.lsp'] == nil, 'setup() loaded vim.lsp')
      end
      local ready = false
      local client_id = vim.lsp.start_client({
        name = 'pylsp',
        cmd = { 'pylsp' },
        root_dir = vim.env.WT_REPO,
        on_init = function() ready = true end,
      })
      assert(client_id, 'pylsp did not start')
      vim.cmd('silent edit ' .. vim.fn.fnameescape(file))
      local buf = vim.api.nvim_get_current_buf()
      assert(vim.bo.filetype == 'python', 'filetype is ' .. vim.bo.filetype)
      vim.lsp.buf_attach_client(buf, client_id)
      wait_for('pylsp to initialize', 15000, function() return ready end)

      -- `greet` in `print(greet("x"))` on line 5.
      local function ask(method)
        local params = {
          textDocument = vim.lsp.util.make_text_document_params(),
          position = { line = 4, character = 7 },
        }
        local answered, result = false, nil
        vim.lsp.buf_request(buf, method, params, function(err, res)
          assert(not err, method .. ' failed: ' .. vim.inspect(err))
          answered, result = true, res
        end)
        wait_for(method, 10000, function() return answered end)
        return result
      end
      local definition = ask('textDocument/definition')
      assert(definition and #definition == 1 and definition[1].range.start.line == 0,
        'definition: ' .. vim.inspect(definition))
      local hover = ask('textDocument/hover')
      assert(hover and vim.inspect(hover.contents):find('greet'), 'hover: ' .. vim.inspect(hover))

      -- What is recorded so far goes out through the asynchronous path; the rest is left
      -- for the synchronous write at exit.
      require('worthit').flush()
      wait_for('the spool write', 5000, require('worthit').idle)

      vim.api.nvim_buf_set_lines(buf, -1, -1, false, { 'print(undefined_name)' })
      vim.cmd('silent write')
      wait_for('the undefined-name diagnostic', 10000, function()
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          if d.message:find('undefined name') then return true end
        end
        return false
      end)
      assert(#require('worthit.errors').entries == 0,
        vim.inspect(require('worthit.errors').entries))
    "#;
    let run_start = now_us();
    let started = Instant::now();
    let out = run_nvim(
        &env,
        &init,
        main,
        &[("WT_FILE", &project.file), ("WT_REPO", &project.root)],
    );
    let run_us = started.elapsed().as_micros() as i64;
    assert_clean_run(&out);

    let events = spooled(&env);
    for command in [
        "nvim lsp definition (pylsp) ft=python",
        "nvim lsp hover (pylsp) ft=python",
    ] {
        let event = find(&events, command);
        assert_plausible(event, run_start, run_us);
        assert_eq!(event.exit, Some(0), "{command}");
    }
    let diagnostics = events
        .iter()
        .find(|e| e.command.starts_with("nvim diagnostics ("))
        .unwrap_or_else(|| panic!("no diagnostics event in {events:?}"));
    assert!(
        ["(pylsp)", "(pyflakes)"]
            .iter()
            .any(|source| diagnostics.command == format!("nvim diagnostics {source} ft=python")),
        "diagnostics source: {}",
        diagnostics.command
    );
    assert_plausible(diagnostics, run_start, run_us);
    assert!(
        diagnostics.start_us > find(&events, "nvim lsp hover (pylsp) ft=python").start_us,
        "the save came after the hover"
    );

    let sessions: Vec<&str> = events.iter().map(|e| e.session.as_str()).collect();
    assert!(
        sessions.windows(2).all(|w| w[0] == w[1]),
        "one session: {sessions:?}"
    );
    let file_name = project
        .file
        .file_name()
        .expect("file name")
        .to_string_lossy();
    for event in &events {
        let cwd = event.cwd.as_deref().expect("a cwd");
        assert_eq!(Path::new(cwd), project.root, "cwd of {}", event.command);
        let file_path = project.file.to_string_lossy();
        for text in [cwd, event.command.as_str()] {
            assert!(
                !text.contains(&*file_name) && !text.contains(&*file_path),
                "{text:?} names the file"
            );
        }
    }

    // The same events through the real binary: ingest, database, log.
    let logged = logged(&env);
    let commands: Vec<&str> = logged
        .iter()
        .filter_map(|e| e["command"].as_str())
        .collect();
    assert_eq!(
        commands,
        events
            .iter()
            .map(|e| e.command.as_str())
            .collect::<Vec<_>>(),
        "worthit log shows what was spooled"
    );
    for event in &logged {
        assert_eq!(event["repo"].as_str(), project.root.to_str(), "{event}");
        assert!(
            event["duration_ms"].as_f64().is_some_and(|ms| ms > 0.0),
            "{event}"
        );
        assert!(!event.to_string().contains(&*file_name), "{event}");
    }
}

/// `:make` records the expanded 'makeprg' with the arguments typed, and the program's exit
/// status only when Neovim can know it; terminals record their command and status, and a
/// plain `:terminal` (the user's shell) is not an action.
#[test]
fn make_and_terminal_commands_record_their_exit_status() {
    let env = TestEnv::new();
    let project = project(&env);
    let init = init_lua(&env);
    let main = r#"
      vim.cmd('cd ' .. vim.fn.fnameescape(vim.env.WT_REPO .. '/pkg'))
      vim.o.makeprg = "sh -c 'exit 3'"
      -- Without a pipe in 'shellpipe', v:shell_error is the program's own status.
      vim.o.shellpipe = '>%s 2>&1'
      vim.cmd('silent make')
      -- Typed on the command line, so the plugin can learn the arguments.
      vim.o.makeprg = "sh -c 'exit $0'"
      vim.api.nvim_feedkeys(':silent make 5\r', 'xt', false)
      -- Neovim's default 'shellpipe' pipes through tee: the status is tee's, so unknown.
      vim.o.shellpipe = '2>&1| tee'
      vim.o.makeprg = "sh -c 'exit 6'"
      vim.cmd('silent make')

      vim.cmd('terminal sh -c "exit 4"')
      local job = vim.b.terminal_job_id
      wait_for('the terminal to exit', 5000, function() return vim.fn.jobwait({ job }, 0)[1] ~= -1 end)
      vim.o.shell = 'sh'
      vim.cmd('terminal')
      local shell_job = vim.b.terminal_job_id
      vim.fn.chansend(shell_job, 'exit 0\n')
      wait_for('the shell to exit', 5000, function() return vim.fn.jobwait({ shell_job }, 0)[1] ~= -1 end)
      -- TermClose runs from the event loop after the job ends.
      vim.wait(200)
      assert(#require('worthit.errors').entries == 0,
        vim.inspect(require('worthit.errors').entries))
    "#;
    let run_start = now_us();
    let started = Instant::now();
    let out = run_nvim(&env, &init, main, &[("WT_REPO", &project.root)]);
    let run_us = started.elapsed().as_micros() as i64;
    assert_clean_run(&out);

    let events = spooled(&env);
    let commands: Vec<&str> = events.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "sh -c 'exit 3'",
            "sh -c 'exit $0' 5",
            "sh -c 'exit 6'",
            "sh -c \"exit 4\""
        ],
        "the plain :terminal is not recorded"
    );
    let exits: Vec<Option<i32>> = events.iter().map(|e| e.exit).collect();
    assert_eq!(exits, [Some(3), Some(5), None, Some(4)]);
    for event in &events {
        assert_plausible(event, run_start, run_us);
        assert_eq!(
            event.cwd.as_deref().map(Path::new),
            Some(project.root.as_path()),
            "the repository root, not the sub-directory Neovim ran in"
        );
    }
    let logged = logged(&env);
    let exits: Vec<Option<i64>> = logged.iter().map(|e| e["exit"].as_i64()).collect();
    assert_eq!(exits, [Some(3), Some(5), None, Some(4)], "{logged:?}");
}

/// A spool path that cannot be written (a file where the directory should be: unlike a
/// read-only mode, this also stops root) costs no editor error, neither while editing nor
/// at exit, and `:checkhealth worthit` names the problem.
#[test]
fn a_broken_spool_shows_in_checkhealth_and_nowhere_else() {
    let env = TestEnv::new();
    let init = init_lua(&env);
    std::fs::remove_dir(env.spool()).expect("remove the spool directory");
    std::fs::write(env.spool(), "not a directory\n").expect("put a file in its place");
    let report = env.root().join("health.txt");
    let main = r#"
      vim.o.makeprg = 'true'
      vim.cmd('silent make')
      require('worthit').flush()
      wait_for('the failed write', 5000, function() return not require('worthit.spool').busy() end)
      assert(require('worthit.spool').pending() == 1, 'the line is kept for a retry')
      vim.cmd('silent checkhealth worthit')
      local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
      vim.fn.writefile(lines, vim.env.WT_REPORT)
      assert(vim.v.errmsg == '', 'an editor error: ' .. vim.v.errmsg)
    "#;
    let out = run_nvim(&env, &init, main, &[("WT_REPORT", &report)]);
    assert_clean_run(&out);

    let health = std::fs::read_to_string(&report).expect("read the health report");
    assert!(health.contains("worthit"), "{health}");
    assert!(
        health.contains("ERROR") && health.contains("is a file, not a directory"),
        "{health}"
    );
    assert!(
        health.contains("spool write: ENOTDIR"),
        "the failed write is reported: {health}"
    );
    assert!(
        health.contains("waiting: 1"),
        "the line is held, not lost: {health}"
    );
    assert_eq!(
        std::fs::read_to_string(env.spool()).expect("read the file"),
        "not a directory\n",
        "nothing was written over the file"
    );
}

/// The plugin's line writer produces byte for byte what the Rust serialiser makes of the
/// same event, escapes and cuts of oversized lines included, and the Rust parser reads
/// every line back.
#[test]
fn spool_lines_match_the_rust_serialiser() {
    let env = TestEnv::new();
    let init = init_lua(&env);
    let commands_and_cwds = [
        (
            "cargo test -- --nocapture".to_string(),
            "/home/dev/api".to_string(),
        ),
        (
            "printf 'a\tb\nc\r' \\ done \u{1b}[0m \u{7f}".to_string(),
            "/tmp/with\ttab".to_string(),
        ),
        ("é".repeat(3000), "/x".to_string()),
        ("\\".repeat(2500), "/y".to_string()),
        ("make".to_string(), "d/".repeat(2500)),
        ("日本".repeat(1000), "ü".repeat(1000)),
    ];
    let events: Vec<Event> = commands_and_cwds
        .iter()
        .enumerate()
        .map(|(i, (command, cwd))| Event {
            start_us: 1_763_900_000_123_456 + i as i64,
            duration_us: Some(41_234_567),
            duration_resolution_us: Some(1),
            exit: Some(i as i32),
            cwd: Some(cwd.clone()),
            command: command.clone(),
            shell: "nvim".into(),
            session: "nvim-4242-k3v9q0xw2a".into(),
            source: worthit::event::Source::Hook,
            truncated: false,
        })
        .collect();
    let input: Vec<Value> = events
        .iter()
        .map(|e| {
            serde_json::json!({
                "start_us": e.start_us, "duration_us": e.duration_us, "exit": e.exit,
                "resolution_us": 1, "cwd": e.cwd, "command": e.command,
            })
        })
        .collect();
    let input_path = env.root().join("events.json");
    std::fs::write(&input_path, serde_json::to_string(&input).expect("json"))
        .expect("write events.json");
    let output = env.root().join("lines.spool");
    let main = r#"
      local file = assert(io.open(vim.env.WT_INPUT, 'rb'))
      local events = vim.fn.json_decode(file:read('*a'))
      file:close()
      local spool = require('worthit.spool')
      local out = assert(io.open(vim.env.WT_OUTPUT, 'wb'))
      for _, event in ipairs(events) do
        out:write(spool.serialise(event, 'nvim-4242-k3v9q0xw2a'))
      end
      out:close()
    "#;
    let out = run_nvim(
        &env,
        &init,
        main,
        &[("WT_INPUT", &input_path), ("WT_OUTPUT", &output)],
    );
    assert_clean_run(&out);

    let written = std::fs::read(&output).expect("read the lines");
    let lines: Vec<&[u8]> = written.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), events.len());
    for (line, event) in lines.iter().zip(&events) {
        let rust = worthit::spool::serialise(event);
        assert!(
            *line == rust.as_slice(),
            "Lua and Rust differ for {:.60?}:\nlua:  {:.200}\nrust: {:.200}",
            event.command,
            String::from_utf8_lossy(line),
            String::from_utf8_lossy(&rust)
        );
        assert!(line.len() <= 4000, "{} bytes", line.len());
        let parsed = worthit::spool::parse_line(line).expect("the Rust parser reads it");
        if parsed.truncated {
            let cwd = parsed.cwd.as_deref().expect("a cwd");
            assert!(
                event
                    .cwd
                    .as_deref()
                    .is_some_and(|full| full.starts_with(cwd))
            );
            assert!(event.command.starts_with(&parsed.command));
            if parsed.command.len() < event.command.len() {
                assert!(
                    line.len() > 3990,
                    "cut no more than needed: {} bytes",
                    line.len()
                );
            }
        } else {
            assert_eq!(parsed, *event);
        }
    }
    let cut = lines
        .iter()
        .filter(|l| l.split(|&b| b == b'\t').nth(5) == Some(b"t"))
        .count();
    assert_eq!(cut, 4, "the four oversized events are flagged t");
}

/// WORTHIT_DISABLE=1 at start-up: nothing is recorded, and :checkhealth says why.
#[test]
fn worthit_disable_turns_the_plugin_off() {
    let env = TestEnv::new();
    let init = init_lua(&env);
    let report = env.root().join("health.txt");
    let main = r#"
      vim.o.makeprg = 'true'
      vim.cmd('silent make')
      vim.cmd('silent checkhealth worthit')
      vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), vim.env.WT_REPORT)
    "#;
    let out = run_nvim(
        &env,
        &init,
        main,
        &[("WT_REPORT", &report), ("WORTHIT_DISABLE", Path::new("1"))],
    );
    assert_clean_run(&out);
    assert!(env.spool_files().is_empty(), "{:?}", env.spool_files());
    let health = std::fs::read_to_string(&report).expect("read the health report");
    assert!(
        health.contains("not recording: WORTHIT_DISABLE is set"),
        "{health}"
    );
}
