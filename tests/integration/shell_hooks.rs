//! Integration tests: the shell hooks (`worthit init bash|zsh|fish`) in real interactive
//! bash, zsh and fish on a pty, each in its own temp `HOME`, `WORTHIT_HOME` and
//! `WORTHIT_CONFIG`, with `TERM=dumb`, a fixed numbered prompt and no user rc files. The
//! hook is loaded as users load it (`eval "$(worthit init bash)"`, `worthit init fish |
//! source`), and what it recorded is read back with `worthit log --json`, which ingests
//! the spool first, so every line the hooks write also goes through the Rust parser.
//!
//! Linux only: the driver uses `openpty`, and /proc to see when a command has started.

#[path = "../support/pty.rs"]
mod pty;

mod expect;
mod invisible;
mod lifecycle;
mod quiet;
mod recording;
mod session;
mod syntax;
