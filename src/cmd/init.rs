//! `worthit init <shell|nvim>`: print the hook for the user's rc file, or install the Neovim
//! plugin and print the Lua that loads it.

mod nvim;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Run;
use crate::cli::InitArgs;
use crate::config::Paths;

impl Run for InitArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        // The hook cannot create directories without forking, so do it now.
        paths.ensure()?;
        let script = match self.target.shell() {
            Some(shell) => crate::hooks::render(shell, &paths.spool_dir()).into_bytes(),
            None => {
                let dir = nvim::plugin_dir(&paths);
                nvim::install(&dir).with_context(|| {
                    format!("could not install the Neovim plugin into {}", dir.display())
                })?;
                nvim::loader(&dir, &paths.spool_dir())
            }
        };
        std::io::stdout().lock().write_all(&script)?;
        Ok(ExitCode::SUCCESS)
    }
}
