//! (being written)

use crate::args::RunCommand;
use crate::client::Client;
use crate::error::{CliError, CliResult};
use crate::output::Out;

pub async fn run(command: RunCommand, client: &Client, out: Out) -> CliResult<()> {
    let _ = (command, client, out);
    Err(CliError::usage("not yet"))
}
