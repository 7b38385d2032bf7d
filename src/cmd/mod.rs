//! One module per subcommand; [`run`] is the only dispatch.

mod classify;
mod compare;
mod digest;
mod doctor;
mod import;
mod ingest;
mod init;
mod log;
mod nominate;
mod report;
mod scope;
mod serve;
mod tui;
mod upload;
mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// What every subcommand implements.
pub trait Run {
    fn run(&self) -> Result<ExitCode>;
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let Some(command) = &cli.command else {
        return crate::cli::TuiArgs::default().run();
    };
    match command {
        Command::Init(args) => args.run(),
        Command::Ingest(args) => args.run(),
        Command::Log(args) => args.run(),
        Command::Import(args) => args.run(),
        Command::Doctor => doctor::Doctor.run(),
        Command::Classify(args) => args.run(),
        Command::Report(args) => args.run(),
        Command::Compare(args) => args.run(),
        Command::Tui(args) => args.run(),
        Command::Upload(args) => args.run(),
        Command::Serve(args) => args.run(),
        Command::Watch(args) => args.run(),
        Command::Nominate(args) => args.run(),
        Command::Digest(args) => args.run(),
    }
}

/// True when the error is a closed stdout (`worthit log | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|json| json.io_error_kind() == Some(BrokenPipe))
    })
}
