//! `worthit doctor`. (Being implemented.)

use std::process::ExitCode;

use anyhow::Result;

use super::Run;

pub struct Doctor;

impl Run for Doctor {
    fn run(&self) -> Result<ExitCode> {
        Ok(ExitCode::SUCCESS)
    }
}
