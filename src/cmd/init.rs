//! `worthit init <shell>`: print the hook for the user's rc file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::Run;
use crate::cli::InitArgs;
use crate::config::Paths;

impl Run for InitArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        // The hook cannot create directories without forking, so do it now.
        paths.ensure()?;
        let script = crate::hooks::render(self.shell, &paths.spool_dir());
        std::io::stdout().lock().write_all(script.as_bytes())?;
        Ok(ExitCode::SUCCESS)
    }
}
