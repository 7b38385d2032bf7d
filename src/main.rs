//! The `worthit` binary: parse the command line, run the subcommand, map errors to exit codes.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = worthit::cli::Cli::parse();
    match worthit::cmd::run(cli) {
        Ok(code) => code,
        Err(err) if worthit::cmd::is_broken_pipe(&err) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("worthit: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
