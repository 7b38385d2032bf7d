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
//! - [`classify`]: command line → action key and category (pure; built-in and user rules).
//! - [`dataset`]: what reports and the TUI load: a period's rollups and detail queries.
//! - [`digest`]: the weekly digest (top sinks, change, fixes that landed), and its file.
//! - [`rank`]: per-action figures (runs/day, median, p90, time/week, XKCD budgets), ranked.
//! - [`rollup`]: per-day rollups (runs, failures, duration histogram) kept in step with events.
//! - [`histogram`]: the mergeable base-2 exponential duration histogram (scale 3) of rollups
//!   and uploads, its blob encoding and its OTLP/JSON form.
//! - [`serve`]: the team server (`worthit serve`): uploads in, k-anonymous reports out.
//! - [`stats`]: did a fix pay off? Mann–Whitney U on durations or on histograms.
//! - [`compare`]: before/after windows of an action and whether the change is real.
//! - [`explain`]: the sentences that explain figures (shared by report and TUI).
//! - [`tui`]: the interactive ranking (state → update → view, ratatui).
//! - [`units`]: durations, spans and rates formatted for people.
//! - [`upload`]: the opt-in uploader and its wire format (shared with the team server).
//! - [`watch`]: `worthit watch`: live ingest, edit → feedback timing, machine-load samples.
//! - [`worth`]: XKCD 1205 "is it worth the time" maths (pure; for the ranking).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod classify;
pub mod cli;
pub mod cmd;
pub mod compare;
pub mod config;
pub mod dataset;
pub mod digest;
pub mod event;
pub mod explain;
pub mod histogram;
pub mod hooks;
pub mod host;
pub mod import;
pub mod ingest;
pub mod rank;
pub mod redact;
pub mod repo;
pub mod rollup;
pub mod serve;
pub mod spool;
pub mod stats;
pub mod store;
pub mod tui;
pub mod units;
pub mod upload;
pub mod watch;
pub mod worth;
