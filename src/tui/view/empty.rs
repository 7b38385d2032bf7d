//! The getting-started screen of an empty database: the exact commands that load the shell
//! hook and import existing history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cutter, bold, dim, draw_title, hints_line};
use crate::tui::text;

/// The hook commands, with the rc file each belongs in.
pub const INIT_COMMANDS: [(&str, &str); 3] = [
    ("eval \"$(worthit init bash)\"", "~/.bashrc"),
    ("eval \"$(worthit init zsh)\"", "~/.zshrc"),
    ("worthit init fish | source", "~/.config/fish/config.fish"),
];

/// The command that brings in existing history.
pub const IMPORT_COMMAND: &str = "worthit import auto";

pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    let mut cut = Cutter::new(area);
    let title = cut.top(1);
    let footer = cut.bottom(1);
    let body = cut.rest();
    draw_title(frame, title, " worthit · nothing recorded yet");
    let width = usize::from(body.width);
    let command = Style::default().fg(Color::Green);
    let mut lines: Vec<Line<'_>> = Vec::new();
    let say = |text: &str, lines: &mut Vec<Line<'_>>| {
        for line in text::wrap(text, width) {
            lines.push(Line::from(line));
        }
    };
    say("Load the hook in your shell's rc file:", &mut lines);
    let longest = INIT_COMMANDS
        .iter()
        .map(|(cmd, _)| text::width(cmd))
        .max()
        .unwrap_or(0);
    for (cmd, rc) in INIT_COMMANDS {
        let comment = format!("  # {rc}");
        let line = if 2 + longest + text::width(&comment) <= width {
            vec![
                Span::styled(format!("  {}", text::pad(cmd, longest)), command),
                Span::styled(comment, dim()),
            ]
        } else {
            vec![Span::styled(
                text::truncate(&format!("  {cmd}"), width),
                command,
            )]
        };
        lines.push(Line::from(line));
    }
    lines.push(Line::default());
    say("Bring in the history you already have:", &mut lines);
    lines.push(Line::from(Span::styled(
        text::truncate(&format!("  {IMPORT_COMMAND}"), width),
        command,
    )));
    lines.push(Line::default());
    say("Then run `worthit` again.", &mut lines);
    say("`worthit doctor` checks that recording works.", &mut lines);
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(
        Paragraph::new(hints_line(&[("q", "quit"), ("?", "help")], footer.width)).style(bold()),
        footer,
    );
}
