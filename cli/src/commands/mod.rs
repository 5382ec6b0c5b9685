//! One file per command family: `run` (the guide's service commands and
//! deploys), `cloudrun` (releases, records, details, deletion), `logs`.

mod cloudrun;
mod logs;
mod run;

use crate::args::Command;
use crate::client::Client;
use console_shared::rules;

use crate::error::{CliError, CliResult};
use crate::output::Out;

pub async fn run(command: Command, client: &Client, out: Out) -> CliResult<()> {
    match command {
        Command::Run { command } => run::run(command, client, out).await,
        Command::Cloudrun { command } => cloudrun::run(command, client, out).await,
        Command::Logs { command } => logs::run(command, client, out).await,
    }
}

/// `-e`, checked by the shared rule before anything is sent.
pub fn check_env(env_id: &str) -> CliResult<()> {
    rules::env_id(env_id).map_err(|e| CliError::usage(format!("-e/--envId `{env_id}`: the environment ID {e}.")))
}

/// `-e` and `-s`, checked by the shared rules before anything is sent.
pub fn check_service(env_id: &str, service_name: &str) -> CliResult<()> {
    check_env(env_id)?;
    rules::service_name(service_name)
        .map_err(|e| CliError::usage(format!("-s/--serviceName `{service_name}`: a service name {e}.")))
}
