//! `tcbr cloudrun …`: the release commands of Tencent's v3 `tcb cloudrun`
//! set (CLOUD-API.md §12, §13), under the same words. `traffic` drives a
//! gray release, `version` rolls back or deletes versions, `service` shows
//! and deletes a service, `records` lists deploys and their logs.

mod records;
mod service;
mod traffic;
mod version;

use crate::args::{CloudrunCommand, CloudrunLogsCommand, RecordCommand, TrafficCommand, VersionCommand};
use crate::client::Client;
use crate::error::CliResult;
use crate::output::Out;

pub async fn run(command: CloudrunCommand, client: &Client, out: Out) -> CliResult<()> {
    match command {
        CloudrunCommand::Traffic { command: None, split } => traffic::split(split, client, out).await,
        CloudrunCommand::Traffic { command: Some(TrafficCommand::Promote { service }), .. } => {
            traffic::end(&service, traffic::End::Promote, client, out).await
        }
        CloudrunCommand::Traffic { command: Some(TrafficCommand::Rollback { service }), .. } => {
            traffic::end(&service, traffic::End::Abandon, client, out).await
        }
        CloudrunCommand::Version { command: VersionCommand::Rollback { service, rollback_version_name } } => {
            version::rollback(&service, &rollback_version_name, client, out).await
        }
        CloudrunCommand::Version { command: VersionCommand::Delete { service, version_names } } => {
            version::delete(&service, &version_names, client, out).await
        }
        CloudrunCommand::Record { command: RecordCommand::List { service } } => {
            records::list(&service, client, out).await
        }
        CloudrunCommand::Logs { command: CloudrunLogsCommand::Process { service, run_id } } => {
            records::process_log(&service, &run_id, client, out).await
        }
        CloudrunCommand::Logs { command: CloudrunLogsCommand::Build { service, build_id } } => {
            records::build_log(&service, build_id, client, out).await
        }
        CloudrunCommand::Detail { service } => service::detail(&service, client, out).await,
        CloudrunCommand::Delete { service, no_confirm } => service::delete(&service, no_confirm, client, out).await,
    }
}
