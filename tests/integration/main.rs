//! All integration tests, in one binary (faster to build and link than one per file).

mod cli;
mod hooks;
mod import;
mod ingest;
mod pty_shell;
mod shell_hooks;
mod util;
