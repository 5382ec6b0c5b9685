//! One file per command family: `run` (the guide's service commands and
//! deploys), `cloudrun` (releases, records, details, deletion), `logs`.

mod cloudrun;
mod logs;
mod run;

use crate::args::Command;
use crate::client::Client;
use crate::error::CliResult;
use crate::output::Out;

pub async fn run(command: Command, client: &Client, out: Out) -> CliResult<()> {
    match command {
        Command::Run { command } => run::run(command, client, out).await,
        Command::Cloudrun { command } => cloudrun::run(command, client, out).await,
        Command::Logs { command } => logs::run(command, client, out).await,
    }
}
