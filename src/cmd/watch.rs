//! `worthit watch`: run the watcher in the foreground or detached, stop it, or ask
//! whether it runs. The watcher itself lives in [`crate::watch`].

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use super::Run;
use crate::cli::WatchArgs;
use crate::config::{Config, Paths};
use crate::watch;

/// `--status` exit status when no watch runs (as LSB init scripts say "not running").
const NOT_RUNNING: u8 = 3;

impl Run for WatchArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        if self.status {
            return Ok(match watch::running_pid(&paths)? {
                Some(pid) => {
                    println!(
                        "worthit watch is running (pid {pid}); log: {}",
                        watch::log_file(&paths).display()
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    println!("worthit watch is not running");
                    ExitCode::from(NOT_RUNNING)
                }
            });
        }
        if self.stop {
            match watch::stop_daemon(&paths)? {
                Some(pid) => println!("stopped worthit watch (pid {pid})"),
                None => println!("worthit watch is not running"),
            }
            return Ok(ExitCode::SUCCESS);
        }
        let config = Config::load();
        config.print_warnings();
        let repos = self
            .repo
            .iter()
            .map(|path| watch::repo_root_of(path))
            .collect::<Result<Vec<_>>>()?;
        if self.daemon {
            // The detached watch starts in `/`: it gets the roots, already absolute.
            let mut args: Vec<OsString> = vec![
                "--days".into(),
                self.days.to_string().into(),
                "--sample-interval-ms".into(),
                self.sample_interval_ms.to_string().into(),
            ];
            for root in &repos {
                args.push("--repo".into());
                args.push(root.into());
            }
            let pid = watch::start_daemon(&paths, &args)?;
            println!(
                "worthit watch runs in the background (pid {pid}); log: {}; stop it with `worthit watch --stop`",
                watch::log_file(&paths).display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        watch::run(
            &paths,
            &config,
            &watch::Options {
                repos,
                days: self.days,
                sample_interval: Duration::from_millis(self.sample_interval_ms),
            },
        )?;
        Ok(ExitCode::SUCCESS)
    }
}
