//! All integration tests, in one binary (faster to build and link than one per file).

mod capture;
mod classify;
mod cli;
mod dashboard;
mod digest;
mod editor_events;
mod hooks;
mod import;
mod ingest;
mod nominate;
mod nvim;
mod pty_shell;
mod report;
mod serve;
mod shell_hooks;
mod tui;
mod upload;
mod util;
mod vscode;
mod watch;
