//! The guide's `tcb run …` commands (R-CLI-1): `service:list`,
//! `service:create`, `service:deploy`, `deploy` (create or update) and
//! `service:config`. `options` reads and checks the settings options,
//! `deploy` and `config` do the work, both ending in `progress::watch`.
//!
//! `--json` output (one line on standard output, stable for scripts):
//! - `service:list`: `data` is the list of services as the cloud gives them
//!   (`ServerBaseInfo`, PascalCase), every page read;
//! - deploys and `service:config`: `data` is [`Deployed`].

mod config;
mod deploy;
mod options;

use console_shared::actions::{
    DescribeCloudRunServerDetailResponse, DescribeCloudRunServers, DescribeCloudRunServersRequest,
    DescribeVersionDetail, DescribeVersionDetailRequest, SERVERS_PAGE_SIZE_MAX, ServerBaseInfo,
};
use serde::Serialize;

use crate::args::RunCommand;
use crate::client::Client;
use crate::commands::{check_env, check_service};
use crate::error::CliResult;
use crate::output::{Out, table};
use crate::progress::{Online, Watched};
use options::Settings;

pub async fn run(command: RunCommand, client: &Client, out: Out) -> CliResult<()> {
    match command {
        RunCommand::ServiceList { env, service_name } => list(client, out, &env.env_id, service_name).await,
        RunCommand::ServiceCreate { service, deploy } => {
            deploy::deploy(client, out, &service, deploy, deploy::Mode::Create).await
        }
        RunCommand::ServiceDeploy { service, deploy } => {
            deploy::deploy(client, out, &service, deploy, deploy::Mode::Update).await
        }
        RunCommand::Deploy { service, deploy } => {
            deploy::deploy(client, out, &service, deploy, deploy::Mode::Either).await
        }
        RunCommand::ServiceConfig { service, config } => config::config(client, out, &service, config).await,
    }
}

/// What a deploy or a settings change prints under `--json` (`data`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deployed {
    pub env_id: String,
    pub service_name: String,
    /// The task that deployed (its real id, never the 0 a create answers).
    pub task_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    pub version_name: String,
    /// The task's status: `finished`, or `running` for an open gray release.
    pub status: String,
    /// `FULL`, or `GRAY` for a gray release (the version at 0 %).
    pub release_type: String,
    /// The version's share of the traffic, in percent.
    pub flow_ratio: i64,
    /// The service's default domain.
    pub domain: String,
    /// The cloud's id of the call that started it.
    pub request_id: String,
}

impl Deployed {
    fn new(env: &str, service: &str, watched: Watched, online: Online, request_id: String) -> Deployed {
        Deployed {
            env_id: env.into(),
            service_name: service.into(),
            task_id: watched.task_id,
            run_id: watched.run_id,
            version_name: watched.version_name,
            status: watched.status,
            release_type: if watched.gray { "GRAY" } else { "FULL" }.into(),
            flow_ratio: online.flow_ratio,
            domain: online.domain,
            request_id,
        }
    }

    /// The last lines for a person: where the version stands, and for a
    /// gray release what comes next.
    fn lines(&self, online: &Online) -> Vec<String> {
        let mut lines = vec![online.line()];
        if self.release_type == "GRAY" {
            let (e, s) = (&self.env_id, &self.service_name);
            lines.push(format!(
                "A gray release is open. Split the traffic with `tcbr cloudrun traffic -e {e} -s {s} --stable 90 --canary 10`, \
                 finish it with `tcbr cloudrun traffic promote -e {e} -s {s}`, or abandon it with \
                 `tcbr cloudrun traffic rollback -e {e} -s {s}`."
            ));
        }
        lines
    }
}

/// The version that serves (the most traffic), if any.
fn online_version(detail: &DescribeCloudRunServerDetailResponse) -> Option<String> {
    detail
        .online_version_infos
        .iter()
        .max_by_key(|v| v.flow_ratio.trim().parse::<i64>().unwrap_or(0))
        .map(|v| v.version_name.clone())
}

/// The online version's frozen settings, or the service's settings when
/// nothing is online (they are what the next version would get).
async fn online_settings(
    client: &Client,
    env: &str,
    service: &str,
    detail: &DescribeCloudRunServerDetailResponse,
) -> CliResult<(Option<String>, Settings)> {
    let log_type = detail.server_config.log_type.as_str();
    let Some(version) = online_version(detail) else {
        let c = &detail.server_config;
        let settings = Settings {
            port: c.port,
            cpu: c.cpu,
            mem: c.mem,
            min_num: c.min_num,
            max_num: c.max_num,
            policies: c.policy_details.clone(),
            log_type: log_type.to_string(),
            log_path: c.custom_logs.clone(),
            vars: options::vars_of(&c.env_params),
            initial_delay: c.initial_delay_seconds,
        };
        return Ok((None, settings));
    };
    let request = DescribeVersionDetailRequest {
        env_id: env.into(),
        server_name: service.into(),
        version_name: version.clone(),
        channel: None,
    };
    let frozen = client.call::<DescribeVersionDetail>(&request).await?;
    Ok((Some(version), Settings::of_version(&frozen, log_type, detail.server_config.initial_delay_seconds)))
}

/// `run service:list`: every page of `DescribeCloudRunServers`.
async fn list(client: &Client, out: Out, env: &str, service: Option<String>) -> CliResult<()> {
    match service.as_deref() {
        Some(service) => check_service(env, service)?,
        None => check_env(env)?,
    }
    let mut services: Vec<ServerBaseInfo> = Vec::new();
    for page in 1.. {
        let request = DescribeCloudRunServersRequest {
            env_id: env.into(),
            page_size: Some(SERVERS_PAGE_SIZE_MAX),
            page_num: Some(page),
            server_name: service.clone(),
            ..Default::default()
        };
        let answer = client.call::<DescribeCloudRunServers>(&request).await?;
        let got = answer.server_list.len();
        services.extend(answer.server_list);
        if got == 0 || services.len() as i64 >= answer.total {
            break;
        }
    }
    out.done(&services, || {
        if services.is_empty() {
            return vec![format!("No services in {env}.")];
        }
        let rows: Vec<Vec<String>> = services
            .iter()
            .map(|s| {
                vec![
                    s.server_name.clone(),
                    s.status.to_string(),
                    if s.access_types.iter().any(|a| a == "PUBLIC") { "on" } else { "off" }.into(),
                    s.create_time.clone().unwrap_or_default(),
                    s.update_time.clone(),
                ]
            })
            .collect();
        table(&["NAME", "STATUS", "PUBLIC ACCESS", "CREATED", "UPDATED"], &rows)
    });
    Ok(())
}
