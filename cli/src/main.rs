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

fn main() -> ExitCode {
    let cli = args::Cli::parse();
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
