//! Keys and mouse events → [`Action`]s, by mode. Pure: the same event in the same mode
//! always means the same action, and nothing here touches the state.
//!
//! Keys follow common TUI habits (less, htop, lazygit): arrows and j/k move, Enter opens,
//! Esc or q goes back, q on the main list quits, `?` help, `/` search, Ctrl-C quits from
//! anywhere. docs/tui.md lists them all, as does the help screen.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::state::{Action, Mode, Step};

/// Lines one notch of the mouse wheel scrolls a text screen.
const WHEEL_LINES: i32 = 3;

/// What `event` means in `mode`, if anything.
pub fn action(mode: Mode, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(mode, key),
        Event::Mouse(mouse) => mouse_action(mode, mouse),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

fn key_action(mode: Mode, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Notice => Some(Action::ModalCancel),
        Mode::Note => note_key(key, ctrl),
        Mode::Preview => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::ConfirmSend),
            _ => scroll_key(key, ctrl).or(Some(Action::ModalCancel)),
        },
        Mode::Search => search_key(key, ctrl),
        Mode::Empty => match key.code {
            KeyCode::Char('q') | KeyCode::Esc => Some(Action::Quit),
            KeyCode::Char('?') | KeyCode::F(1) => Some(Action::Help),
            _ => None,
        },
        Mode::List => list_key(key, ctrl),
        Mode::Grid => match key.code {
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::Backspace => Some(Action::Back),
            KeyCode::Char('x') | KeyCode::Tab => Some(Action::Grid),
            KeyCode::Char(c @ '1'..='9') => c.to_digit(10).map(|n| Action::OpenRank(n as usize)),
            _ => filter_key(key).or_else(|| common_key(key)),
        },
        Mode::Detail => match key.code {
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::Backspace | KeyCode::Left => {
                Some(Action::Back)
            }
            KeyCode::Char('h') => Some(Action::Back),
            KeyCode::Char('[') => Some(Action::Split(-1)),
            KeyCode::Char(']') => Some(Action::Split(1)),
            KeyCode::Char('{') => Some(Action::Split(-7)),
            KeyCode::Char('}') => Some(Action::Split(7)),
            KeyCode::Char('n') => Some(Action::Nominate),
            _ => scroll_key(key, ctrl).or_else(|| common_key(key)),
        },
        Mode::Help => match key.code {
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::Backspace => Some(Action::Back),
            _ => scroll_key(key, ctrl).or_else(|| common_key(key)),
        },
    }
}

fn list_key(key: &KeyEvent, ctrl: bool) -> Option<Action> {
    match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Some(Action::Open),
        KeyCode::Char('x') | KeyCode::Tab => Some(Action::Grid),
        KeyCode::Char('/') => Some(Action::SearchStart),
        KeyCode::Char('n') => Some(Action::Nominate),
        _ => filter_key(key)
            .or_else(|| scroll_key(key, ctrl))
            .or_else(|| common_key(key)),
    }
}

fn search_key(key: &KeyEvent, ctrl: bool) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::SearchCancel),
        KeyCode::Enter => Some(Action::SearchEnd),
        KeyCode::Backspace => Some(Action::SearchBackspace),
        KeyCode::Char('u') if ctrl => Some(Action::SearchClear),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Char(c)
            if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
        {
            Some(Action::SearchInput(c))
        }
        _ => None,
    }
}

/// Typing a nomination's note: printable characters are text; nothing else is a command
/// but Enter, Backspace and Esc.
fn note_key(key: &KeyEvent, ctrl: bool) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::ModalCancel),
        KeyCode::Enter => Some(Action::NoteSubmit),
        KeyCode::Backspace => Some(Action::NoteBackspace),
        KeyCode::Char(c)
            if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
        {
            Some(Action::NoteInput(c))
        }
        _ => None,
    }
}

/// Filters, on the list and the grid.
fn filter_key(key: &KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('p') => Some(Action::Period(Step::Next)),
        KeyCode::Char('P') => Some(Action::Period(Step::Prev)),
        KeyCode::Char('r') => Some(Action::Repo(Step::Next)),
        KeyCode::Char('R') => Some(Action::Repo(Step::Prev)),
        KeyCode::Char('c') => Some(Action::Category(Step::Next)),
        KeyCode::Char('C') => Some(Action::Category(Step::Prev)),
        KeyCode::Char('i') => Some(Action::ToggleInteractive),
        _ => None,
    }
}

/// Moving through a list or a text.
fn scroll_key(key: &KeyEvent, ctrl: bool) -> Option<Action> {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Char('b') if ctrl => Some(Action::PageUp),
        KeyCode::Char('f') if ctrl => Some(Action::PageDown),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
        KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
        _ => None,
    }
}

/// Keys that mean the same on every screen.
fn common_key(key: &KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('?') | KeyCode::F(1) => Some(Action::Help),
        _ => None,
    }
}

fn mouse_action(mode: Mode, mouse: &MouseEvent) -> Option<Action> {
    let lines = match mode {
        Mode::List | Mode::Search => 1,
        Mode::Detail | Mode::Help | Mode::Preview => WHEEL_LINES,
        Mode::Grid | Mode::Empty | Mode::Notice | Mode::Note => return None,
    };
    match mouse.kind {
        MouseEventKind::ScrollUp => Some(Action::Scroll(-lines)),
        MouseEventKind::ScrollDown => Some(Action::Scroll(lines)),
        MouseEventKind::Down(MouseButton::Left) if matches!(mode, Mode::List | Mode::Search) => {
            Some(Action::Click {
                column: mouse.column,
                row: mouse.row,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn q_quits_the_list_but_goes_back_elsewhere() {
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        assert_eq!(
            action(Mode::Empty, &key(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        for mode in [Mode::Detail, Mode::Grid, Mode::Help] {
            assert_eq!(
                action(mode, &key(KeyCode::Char('q'))),
                Some(Action::Back),
                "{mode:?}"
            );
            assert_eq!(
                action(mode, &key(KeyCode::Esc)),
                Some(Action::Back),
                "{mode:?}"
            );
        }
        // In a search, q is a letter of the query.
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Char('q'))),
            Some(Action::SearchInput('q'))
        );
    }

    #[test]
    fn ctrl_c_quits_from_anywhere() {
        for mode in [
            Mode::Empty,
            Mode::List,
            Mode::Search,
            Mode::Detail,
            Mode::Grid,
            Mode::Help,
            Mode::Notice,
            Mode::Note,
            Mode::Preview,
        ] {
            assert_eq!(action(mode, &ctrl('c')), Some(Action::Quit), "{mode:?}");
        }
    }

    #[test]
    fn movement_keys() {
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
        assert_eq!(action(Mode::List, &key(KeyCode::Up)), Some(Action::Up));
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('G'))),
            Some(Action::Bottom)
        );
        assert_eq!(action(Mode::List, &key(KeyCode::Home)), Some(Action::Top));
        assert_eq!(
            action(Mode::List, &key(KeyCode::PageDown)),
            Some(Action::PageDown)
        );
        assert_eq!(action(Mode::List, &ctrl('b')), Some(Action::PageUp));
        assert_eq!(action(Mode::List, &key(KeyCode::Enter)), Some(Action::Open));
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Down)),
            Some(Action::Down)
        );
        assert_eq!(
            action(Mode::Detail, &key(KeyCode::Char(']'))),
            Some(Action::Split(1))
        );
        assert_eq!(
            action(Mode::Detail, &key(KeyCode::Char('{'))),
            Some(Action::Split(-7))
        );
        assert_eq!(
            action(Mode::Grid, &key(KeyCode::Char('3'))),
            Some(Action::OpenRank(3))
        );
        assert_eq!(action(Mode::Grid, &key(KeyCode::Char('0'))), None);
    }

    #[test]
    fn search_keys() {
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('/'))),
            Some(Action::SearchStart)
        );
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Esc)),
            Some(Action::SearchCancel)
        );
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Enter)),
            Some(Action::SearchEnd)
        );
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Backspace)),
            Some(Action::SearchBackspace)
        );
        assert_eq!(action(Mode::Search, &ctrl('u')), Some(Action::SearchClear));
    }

    #[test]
    fn nominate_keys() {
        for mode in [Mode::List, Mode::Detail] {
            assert_eq!(
                action(mode, &key(KeyCode::Char('n'))),
                Some(Action::Nominate),
                "{mode:?}"
            );
        }
        // In a search, n is a letter of the query.
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Char('n'))),
            Some(Action::SearchInput('n'))
        );
        // The note takes every printable key as text, even those that are commands
        // elsewhere, and nothing that is not one.
        for c in ['q', 'y', 'n', '?', '/', ' ', 'é', '日'] {
            assert_eq!(
                action(Mode::Note, &key(KeyCode::Char(c))),
                Some(Action::NoteInput(c)),
                "{c}"
            );
        }
        assert_eq!(
            action(Mode::Note, &key(KeyCode::Enter)),
            Some(Action::NoteSubmit)
        );
        assert_eq!(
            action(Mode::Note, &key(KeyCode::Backspace)),
            Some(Action::NoteBackspace)
        );
        assert_eq!(
            action(Mode::Note, &key(KeyCode::Esc)),
            Some(Action::ModalCancel)
        );
        assert_eq!(action(Mode::Note, &key(KeyCode::Tab)), None);
        assert_eq!(action(Mode::Note, &ctrl('u')), None);
        // The preview: y sends, scrolling scrolls, anything else cancels.
        assert_eq!(
            action(Mode::Preview, &key(KeyCode::Char('y'))),
            Some(Action::ConfirmSend)
        );
        assert_eq!(
            action(Mode::Preview, &key(KeyCode::PageDown)),
            Some(Action::PageDown)
        );
        assert_eq!(
            action(Mode::Preview, &key(KeyCode::Down)),
            Some(Action::Down)
        );
        for other in [
            KeyCode::Char('n'),
            KeyCode::Char('q'),
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Char('?'),
        ] {
            assert_eq!(
                action(Mode::Preview, &key(other)),
                Some(Action::ModalCancel),
                "{other:?}"
            );
        }
        // The notice closes on any key.
        assert_eq!(
            action(Mode::Notice, &key(KeyCode::Char('y'))),
            Some(Action::ModalCancel)
        );
    }

    #[test]
    fn releases_are_ignored_and_resizes_pass_through() {
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(action(Mode::List, &Event::Key(release)), None);
        assert_eq!(
            action(Mode::Detail, &Event::Resize(40, 12)),
            Some(Action::Resize {
                width: 40,
                height: 12
            })
        );
    }

    #[test]
    fn mouse_scrolls_and_clicks() {
        let mouse = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 5,
                row: 7,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            action(Mode::List, &mouse(MouseEventKind::ScrollDown)),
            Some(Action::Scroll(1))
        );
        assert_eq!(
            action(Mode::Help, &mouse(MouseEventKind::ScrollUp)),
            Some(Action::Scroll(-3))
        );
        assert_eq!(
            action(Mode::List, &mouse(MouseEventKind::Down(MouseButton::Left))),
            Some(Action::Click { column: 5, row: 7 })
        );
        assert_eq!(
            action(
                Mode::Detail,
                &mouse(MouseEventKind::Down(MouseButton::Left))
            ),
            None
        );
    }
}
