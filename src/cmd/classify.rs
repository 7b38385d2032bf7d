//! `worthit classify`: shows how command lines are classified, so users can check the
//! built-in rules and their own. Needs no database.
//!
//! Output is JSON Lines, one object per input line, fields in this order:
//! `{"command","action","category","counted"}` (documented in `docs/classify.md`).

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde::Serialize;

use super::Run;
use crate::classify::{Category, Classifier};
use crate::cli::ClassifyArgs;
use crate::config::Config;

/// One output line.
#[derive(Debug, Serialize)]
struct Line<'a> {
    command: &'a str,
    action: &'a str,
    category: Category,
    counted: bool,
}

impl Run for ClassifyArgs {
    fn run(&self) -> Result<ExitCode> {
        let config = Config::load();
        config.print_warnings();
        let classifier = config.classifier();
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if self.commands.is_empty() {
            let mut input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
            let mut buf = Vec::new();
            let mut number = 0usize;
            loop {
                buf.clear();
                number += 1;
                let read = input
                    .read_until(b'\n', &mut buf)
                    .with_context(|| format!("could not read line {number} of stdin"))?;
                if read == 0 {
                    break;
                }
                let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                // A history can hold any bytes; invalid UTF-8 is shown, not fatal.
                write_line(
                    &mut out,
                    &classifier,
                    self.source.as_deref(),
                    &String::from_utf8_lossy(line),
                )?;
            }
        } else {
            for command in &self.commands {
                write_line(&mut out, &classifier, self.source.as_deref(), command)?;
            }
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Classifies one command and writes its JSON line; a closed stdout surfaces as the io
/// error that `main` turns into a quiet exit.
fn write_line(
    out: &mut impl Write,
    classifier: &Classifier,
    source: Option<&str>,
    command: &str,
) -> Result<()> {
    let verdict = match source {
        Some(source) => classifier.classify_event(source, command),
        None => classifier.classify(command),
    };
    let line = Line {
        command,
        action: &verdict.action,
        category: verdict.category,
        counted: verdict.counted,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")?;
    Ok(())
}
