//! `worthit import <kind> [PATH]`. (Being implemented.)

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Run;
use crate::cli::ImportArgs;

impl Run for ImportArgs {
    fn run(&self) -> Result<ExitCode> {
        bail!("import of {} history is not available yet", self.kind.name())
    }
}
