//! Integration tests: the real `worthit` TUI on a pty, its screen read back through a
//! vt100 parser, keys pressed as a person would. The database is filled by `worthit
//! import zsh` from tests/fixtures/tui/zsh_history (two working weeks, 2026-11-02 to
//! 2026-11-13, with realistic durations), and the period is pinned with --since/--until
//! so the test does not depend on today's date. TZ=UTC makes local days fixed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;

use crate::util::{TestEnv, WORTHIT};

/// Longest wait for a screen; a loaded 2-core CI machine is slow.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The fixture's two weeks.
const PERIOD: [&str; 4] = ["--since", "2026-11-02", "--until", "2026-11-15"];

/// `worthit` running on a pty, and what its terminal shows.
struct Tui {
    session: OsSession,
    parser: vt100::Parser,
}

impl Tui {
    fn start(env: &TestEnv, args: &[&str], cols: u16, rows: u16) -> Tui {
        let mut cmd = Command::new(WORTHIT);
        cmd.args(args)
            .env_clear()
            .envs(env.vars())
            .env("TERM", "xterm-256color")
            .env("TZ", "UTC")
            .current_dir(env.root());
        let mut session = Session::spawn(cmd).expect("start worthit on a pty");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("size the pty");
        Tui {
            session,
            parser: parser(rows, cols),
        }
    }

    /// Reads what the program printed so far into the parser; returns (still running,
    /// read anything).
    fn read_available(&mut self) -> (bool, bool) {
        let mut buf = [0u8; 8192];
        let mut got_any = false;
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return (false, got_any),
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    got_any = true;
                }
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
                // The pty reports EIO once the program is gone.
                Err(_) => return (false, got_any),
            }
        }
        (true, got_any)
    }

    /// Reads output until the terminal has been quiet for a moment, so a frame being
    /// drawn is never taken for the finished screen; false once the program has exited.
    fn pump(&mut self) -> bool {
        let mut quiet_since = Instant::now();
        loop {
            let (alive, got_any) = self.read_available();
            if !alive {
                return false;
            }
            if got_any {
                quiet_since = Instant::now();
            } else if quiet_since.elapsed() >= Duration::from_millis(60) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen shows `text`; returns the screen.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let alive = self.pump();
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                alive && Instant::now() < deadline,
                "the screen never showed {text:?}; it shows:\n{screen}"
            );
        }
    }

    fn press(&mut self, keys: &str) {
        use std::io::Write;
        self.session
            .write_all(keys.as_bytes())
            .expect("type into the pty");
        self.session.flush().expect("flush the pty");
    }

    /// Whether the pty is in raw mode: no line editing (ICANON) and no signal keys (ISIG).
    /// (Echo says nothing here: the pty is spawned with echo off.)
    fn raw_mode(&self) -> bool {
        use std::os::fd::AsRawFd;
        let handle = self
            .session
            .get_process()
            .get_raw_handle()
            .expect("the pty's descriptor");
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr fills a termios we own, from a descriptor open for the call.
        let rc = unsafe { libc::tcgetattr(handle.as_raw_fd(), &mut termios) };
        assert_eq!(rc, 0, "tcgetattr on the pty failed");
        termios.c_lflag & (libc::ICANON | libc::ISIG) == 0
    }

    /// Waits for the program to exit; returns its exit code after checking that it left
    /// the terminal as it found it.
    fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        while self.pump() && Instant::now() < deadline {}
        let status = self.session.get_process().wait().expect("wait for worthit");
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "left on the alternate screen");
        assert!(!screen.hide_cursor(), "the cursor is still hidden");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture still on"
        );
        assert!(!self.raw_mode(), "the terminal was left in raw mode");
        match status {
            WaitStatus::Exited(_, code) => code,
            other => panic!("worthit did not exit normally: {other:?}"),
        }
    }
}

/// A screen of `rows` × `cols` (at least 1 × 1), no scrollback.
fn parser(rows: u16, cols: u16) -> vt100::Parser {
    let size = |n: u16| std::num::NonZeroU16::new(n.max(1)).unwrap_or(std::num::NonZeroU16::MIN);
    vt100::Parser::new(size(rows), size(cols), 0)
}

/// A test world whose database holds the fixture history.
fn imported() -> TestEnv {
    let env = TestEnv::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui/zsh_history");
    let out = env
        .worthit()
        .env("TZ", "UTC")
        .args(["import", "zsh", "--quiet"])
        .arg(&fixture)
        .output()
        .expect("run worthit import");
    crate::util::assert_success(&out, "worthit import zsh");
    env
}

#[test]
fn list_detail_help_and_quit() {
    let env = imported();
    let mut args = vec!["tui"];
    args.extend(PERIOD);
    let mut tui = Tui::start(&env, &args, 80, 24);
    let screen = tui.wait_for("cargo test");
    assert!(screen.contains("2026-11-02 to 2026-11-15"), "{screen}");
    assert!(screen.contains("10 active days"), "{screen}");
    // The biggest sink first, with the product sentence below the table.
    let first_row = screen
        .lines()
        .find(|l| l.starts_with("▸"))
        .unwrap_or_default()
        .to_string();
    assert!(first_row.contains("cargo test"), "{screen}");
    assert!(screen.contains("`cargo test`: 12 runs/day"), "{screen}");
    // Interactive sessions are left out by default.
    assert!(!screen.contains("vim"), "{screen}");

    tui.press("j");
    let screen = tui.wait_for("`cargo build`");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("▸") && l.contains("cargo build")),
        "{screen}"
    );

    tui.press("\r");
    let screen = tui.wait_for("Worth over five years");
    assert!(
        screen.contains("cargo build · build · 2026-11-02 to 2026-11-15"),
        "{screen}"
    );
    assert!(screen.contains("shave 50%"), "{screen}");
    assert!(screen.contains("Before / after 2026-11-09"), "{screen}");

    tui.press("?");
    tui.wait_for("Ranked list");
    tui.press("G");
    tui.wait_for("the comic's printed grid");
    tui.press("\x1b");
    tui.wait_for("Worth over five years");
    tui.press("q");
    let screen = tui.wait_for("worth ½");
    assert!(screen.contains("period 2026-11-02–2026-11-15"), "{screen}");

    tui.press("x");
    // Text only the grid shows: "XKCD 1205" alone is also in the detail screen, whose
    // remains may still be on the terminal while the grid is being drawn.
    let screen = tui.wait_for("shave\\often");
    assert!(
        screen.contains("XKCD 1205 · Is it worth the time?"),
        "{screen}"
    );
    assert!(screen.contains("[1]"), "cargo test is placed: {screen}");
    tui.press("\x1b");
    tui.wait_for("worth ½");

    tui.press("/push");
    let screen = tui.wait_for("/push█");
    assert!(screen.contains("git push"), "{screen}");
    assert!(!screen.contains("cargo test"), "{screen}");
    tui.press("\x1b");
    tui.wait_for("cargo test");

    tui.press("q");
    assert_eq!(tui.exit_code(), 0);
}

#[test]
fn narrow_terminal_and_ctrl_c() {
    let env = imported();
    let mut args = vec!["tui", "--include-interactive"];
    args.extend(PERIOD);
    let mut tui = Tui::start(&env, &args, 40, 12);
    let screen = tui.wait_for("worth ½");
    assert!(screen.contains("+interactive"), "{screen}");
    assert!(
        screen.contains("vim"),
        "interactive sessions are shown: {screen}"
    );
    for line in screen.lines() {
        assert!(
            line.chars().count() <= 40,
            "{line:?} is wider than the terminal"
        );
    }
    tui.press("\r");
    tui.wait_for("Figures");
    tui.press("\x03");
    assert_eq!(tui.exit_code(), 0);
}

#[test]
fn empty_database_shows_how_to_start() {
    let env = TestEnv::new();
    // No subcommand: the TUI is the default.
    let mut tui = Tui::start(&env, &[], 80, 24);
    let screen = tui.wait_for("worthit import auto");
    for command in [
        r#"eval "$(worthit init bash)""#,
        r#"eval "$(worthit init zsh)""#,
        "worthit init fish | source",
    ] {
        assert!(screen.contains(command), "{command} missing:\n{screen}");
    }
    tui.press("q");
    assert_eq!(tui.exit_code(), 0);
}

#[test]
fn first_paint_and_exit_for_benchmarks() {
    let env = imported();
    let mut args = vec!["tui"];
    args.extend(PERIOD);
    let mut cmd = Command::new(WORTHIT);
    cmd.args(&args)
        .env_clear()
        .envs(env.vars())
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .env("WORTHIT_TUI_EXIT_AFTER_FIRST_PAINT", "1")
        .current_dir(env.root());
    let mut tui = Tui {
        session: Session::spawn(cmd).expect("start worthit on a pty"),
        parser: parser(24, 80),
    };
    let code = {
        let deadline = Instant::now() + TIMEOUT;
        while tui.pump() && Instant::now() < deadline {}
        tui.exit_code()
    };
    assert_eq!(code, 0);
}

#[test]
fn not_a_terminal_points_to_report() {
    let env = imported();
    let out = env.worthit().arg("tui").output().expect("run worthit tui");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("worthit report"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing drawn into a pipe");
}
