//! `worthit` / `worthit tui`: the interactive ranking.
//!
//! Split the way ratatui apps that test well are: [`state`] holds everything and changes
//! only in `App::update(Action)`; [`input`] turns keys and mouse events into actions;
//! [`view`] draws the state and changes nothing; [`source`] is where data comes from (the
//! database, or fixed data in tests). This file owns the terminal: raw mode, the alternate
//! screen and mouse capture on the way in, and their undoing on every way out (normal
//! exit, error, panic).

pub mod input;
pub mod source;
pub mod state;
pub mod text;
pub mod view;

use std::io::{IsTerminal, Write};
use std::sync::Once;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub use state::{Action, App};

/// Set to `1` to draw the first frame and exit 0: a benchmark times how long the first
/// paint takes (docs/tui.md).
pub const EXIT_AFTER_FIRST_PAINT_ENV: &str = "WORTHIT_TUI_EXIT_AFTER_FIRST_PAINT";

/// The calendar date of a day number (days since 1970-01-01).
pub fn date_of(day: i32) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(i64::from(day))
}

/// Runs the app on the terminal until the user quits (or, with `exit_after_first_paint`,
/// right after the first frame).
pub fn run(mut app: App, exit_after_first_paint: bool) -> Result<()> {
    ensure_terminal()?;
    let mut terminal = TerminalGuard::enter()?;
    let size = terminal
        .terminal
        .size()
        .context("could not read the terminal size")?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    loop {
        terminal
            .terminal
            .draw(|frame| view::draw(frame, &app))
            .context("could not draw on the terminal")?;
        if exit_after_first_paint || app.quit {
            break;
        }
        // Blocks until the user does something: no redraws while nothing changes, except
        // while a nomination is being sent, whose answer the status line shows.
        if app.is_waiting()
            && !event::poll(ANSWER_POLL).context("could not read from the terminal")?
        {
            app.update(Action::Tick);
            continue;
        }
        let event = event::read().context("could not read from the terminal")?;
        if let Some(action) = input::action(app.mode(), &event) {
            app.update(action);
        }
        if app.is_waiting() {
            app.update(Action::Tick);
        }
    }
    let left = terminal.leave();
    // Quitting right after `y` must not drop the nomination: wait for its answer.
    if let Some(answer) = app.finish_pending(NOMINATION_WAIT) {
        match answer {
            Ok(news) => eprintln!("worthit: {news}"),
            Err(problem) => eprintln!("worthit: {problem}"),
        }
    }
    left
}

/// How often the loop looks for a background answer while one is awaited.
const ANSWER_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// How long quitting waits for a nomination still being sent: its whole request time.
const NOMINATION_WAIT: std::time::Duration = crate::upload::send::REQUEST_TIMEOUT;

/// Fails with a pointer to `worthit report` unless stdout is a terminal. (Keys are read
/// from stdin, or from /dev/tty when stdin is redirected.)
pub fn ensure_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() {
        bail!(
            "the interactive view needs a terminal, and stdout is not one; for a table use `worthit report` (or `worthit report --json` for scripts)"
        );
    }
    Ok(())
}

/// The terminal in raw mode on the alternate screen; dropping it restores the terminal.
struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<std::io::Stdout>>,
    restored: bool,
}

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode().context("could not switch the terminal to raw mode")?;
        // From here on every failure must restore what was already changed.
        let setup = || -> Result<Terminal<CrosstermBackend<std::io::Stdout>>> {
            // Cleared here rather than with `Terminal::clear`, which asks the terminal for
            // the cursor position and fails on terminals that do not answer.
            execute!(
                std::io::stdout(),
                EnterAlternateScreen,
                EnableMouseCapture,
                Clear(ClearType::All)
            )
            .context("could not switch to the alternate screen")?;
            let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))
                .context("could not set up the terminal")?;
            terminal
                .hide_cursor()
                .context("could not hide the cursor")?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard {
                terminal,
                restored: false,
            }),
            Err(err) => {
                restore();
                Err(err)
            }
        }
    }

    /// Restores the terminal, reporting failures (drop restores silently).
    fn leave(mut self) -> Result<()> {
        self.restored = true;
        try_restore().context("could not restore the terminal")
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if !self.restored {
            restore();
        }
    }
}

fn try_restore() -> std::io::Result<()> {
    // Raw mode first: a terminal left raw is the worst outcome, so it goes even if the
    // escape sequences below cannot be written.
    let raw = disable_raw_mode();
    let mut stdout = std::io::stdout();
    let screen = execute!(
        stdout,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = stdout.flush();
    raw.and(screen)
}

fn restore() {
    let _ = try_restore();
}

/// Restores the terminal before the default hook prints the panic, so the message lands
/// on the normal screen and the shell is usable afterwards.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests;
