//! The nominate flow of the TUI: `n` → the note modal (or, with uploading off, a notice
//! saying how to turn it on) → Enter → the full request → `y` sends it on a background
//! thread (any other key but scrolling cancels); [`Action::Tick`] picks up the answer for
//! the status line. All of it changes state only through [`App::update`].

use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use super::{Action, App, Modal, Screen, scroll_delta};
use crate::tui::source::NotReady;
use crate::upload::nominate::MAX_NOTE_CHARS;

/// A nomination on its way.
pub struct Pending {
    action: String,
    answer: Receiver<Result<String, String>>,
}

impl App {
    /// True while a background answer is awaited: the terminal loop then wakes up now
    /// and then to send [`Action::Tick`] instead of sleeping until the next key.
    pub fn is_waiting(&self) -> bool {
        self.pending.is_some()
    }

    /// Waits up to `timeout` for a nomination still on its way (when quitting, so an
    /// accepted "y" is not dropped) and returns its answer, if there was one pending.
    pub fn finish_pending(&mut self, timeout: Duration) -> Option<Result<String, String>> {
        let pending = self.pending.take()?;
        Some(match pending.answer.recv_timeout(timeout) {
            Ok(answer) => answer,
            Err(_) => Err(format!(
                "no answer about the nomination of `{}` yet; `worthit upload log` shows whether it was sent",
                pending.action
            )),
        })
    }

    /// The action `n` nominates: the detail's, or the selected one on the list.
    fn nomination_target(&self) -> Option<String> {
        match self.screens.last() {
            Some(Screen::Detail(detail)) => Some(detail.stats.action.clone()),
            Some(_) => None,
            None if self.searching => None,
            None => self.selected_stats().map(|a| a.action.clone()),
        }
    }

    pub(super) fn start_nomination(&mut self) {
        let Some(action) = self.nomination_target() else {
            return;
        };
        if let Some(pending) = &self.pending {
            self.message = Some(format!(
                "the nomination of `{}` is still being sent",
                pending.action
            ));
            return;
        }
        self.modal = Some(match self.source.nomination_ready() {
            Ok(()) => Modal::Note {
                action,
                note: String::new(),
            },
            Err(text) => Modal::Notice {
                title: format!("Nominate {action}"),
                text,
            },
        });
    }

    pub(super) fn update_modal(&mut self, action: Action) {
        let Some(modal) = self.modal.as_mut() else {
            return;
        };
        match modal {
            Modal::Notice { .. } => self.modal = None,
            Modal::Note { action: key, note } => match action {
                // Typing stops at the limit, so the note is always one that can be sent.
                Action::NoteInput(c)
                    if !c.is_control() && note.chars().count() < MAX_NOTE_CHARS =>
                {
                    note.push(c);
                }
                Action::NoteBackspace => {
                    note.pop();
                }
                Action::NoteSubmit => {
                    let (key, note) = (key.clone(), note.clone());
                    self.preview(&key, &note);
                }
                Action::ModalCancel => self.modal = None,
                _ => {}
            },
            Modal::Preview { preview, .. } => match action {
                Action::ConfirmSend => {
                    let preview = preview.clone();
                    self.modal = None;
                    let answer = self.source.send_nomination(&preview);
                    self.notice = Some(format!(
                        "Sending the nomination of `{}` to {}…",
                        preview.draft.local_action, preview.server
                    ));
                    self.pending = Some(Pending {
                        action: preview.draft.local_action.clone(),
                        answer,
                    });
                }
                Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::Scroll(_) => {
                    let rows = crate::tui::view::nominate::preview_rows(self.area());
                    self.scroll_by(scroll_delta(action, rows));
                }
                _ => {
                    self.modal = None;
                    self.notice = Some("Nothing was sent.".into());
                }
            },
        }
    }

    fn preview(&mut self, action: &str, note: &str) {
        match self.source.nomination(action, note) {
            Ok(preview) => {
                self.modal = Some(Modal::Preview {
                    preview: Box::new(preview),
                    scroll: 0,
                });
            }
            Err(NotReady::UploadOff(text)) => {
                self.modal = Some(Modal::Notice {
                    title: format!("Nominate {action}"),
                    text,
                });
            }
            Err(NotReady::Problem(problem)) => {
                self.modal = None;
                self.message = Some(problem);
            }
        }
    }

    pub(super) fn poll_pending(&mut self) {
        let Some(pending) = &self.pending else {
            return;
        };
        let answer = match pending.answer.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err(format!(
                "the nomination of `{}` stopped without an answer; `worthit upload log` shows whether it was sent",
                pending.action
            )),
        };
        self.pending = None;
        match answer {
            Ok(news) => self.notice = Some(news),
            Err(problem) => {
                self.notice = None;
                self.message = Some(problem);
            }
        }
    }
}
