//! worthit finds the slow micro feedback loops in a developer's day.
//!
//! The library holds everything; `main.rs` only parses arguments and dispatches to
//! [`cmd::run`]. Modules own one idea each:
//!
//! - [`spool`]: the line format hooks append to, and its tolerant parser.
//! - [`hooks`]: the shell hook scripts (`shell-hooks/`) and their rendering for `init`.
//! - [`store`]: SQLite (WAL, numbered migrations) behind a small interface.
//! - [`ingest`]: moves spool lines into the store exactly once.
//! - [`import`]: readers for existing shell histories.
//! - [`redact`]: removes secrets from command lines before anything is stored.
//! - [`repo`]: finds a directory's git repository root without running git.
//! - [`host`]: the host profile (CPU, cores, memory, OS) recorded once per host.
//! - [`config`]: `WORTHIT_HOME`, the TOML config and its warnings.
//! - [`worth`]: XKCD 1205 "is it worth the time" maths (pure; for the ranking).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod event;
pub mod hooks;
pub mod host;
pub mod import;
pub mod ingest;
pub mod redact;
pub mod repo;
pub mod spool;
pub mod store;
pub mod worth;
