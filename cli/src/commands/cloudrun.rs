//! (being written)

use crate::args::CloudrunCommand;
use crate::client::Client;
use crate::error::{CliError, CliResult};
use crate::output::Out;

pub async fn run(command: CloudrunCommand, client: &Client, out: Out) -> CliResult<()> {
    let _ = (command, client, out);
    Err(CliError::usage("not yet"))
}
