//! `tcbr`: CloudBase Run from the command line (R-CLI-1..3). The guide's
//! `tcb run …` commands and the `tcb cloudrun …` release commands, through
//! the console with a personal access token or straight to the cloud with a
//! key pair.
//!
//! Inside: `args` (the command line), `client` (the two routes to the
//! cloud), `output` (terminal, CI log or `--json`), `error` (exit codes),
//! and `commands/` (one file per command family).

mod args;
mod client;
mod commands;
mod error;
mod output;
mod package;
mod progress;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refused(e),
    };
    let out = output::Out::new(cli.global.json);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: could not start: {e}");
            return ExitCode::from(error::exit::FAILED);
        }
    };
    let result = runtime.block_on(async {
        let client = client::Client::new(&cli.global)?;
        commands::run(cli.command, &client, out).await
    });
    match result {
        Ok(()) => ExitCode::from(error::exit::OK),
        Err(e) => {
            out.failed(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// A command line clap refused (or `--help`, `--version`): clap says it on
/// standard error as usual; with `--json` the envelope still comes on
/// standard output, so a script parsing it is never handed nothing.
fn refused(e: clap::Error) -> ExitCode {
    let shown = matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !shown && std::env::args().any(|a| a == "--json") {
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or("").trim_start_matches("error: ");
        output::Out::new(true).failed(&error::CliError::usage(first));
    } else {
        let _ = e.print();
    }
    if shown { ExitCode::SUCCESS } else { ExitCode::from(error::exit::USAGE) }
}
