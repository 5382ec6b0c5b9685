//! `cloudrun record list` and the logs its records point at: `logs process
//! --run-id` (a deploy's steps) and `logs build --build-id` (its build)
//! (CLOUD-API.md §1.3, §11).

use console_shared::actions::{
    CloudBaseRunBuildLog, DeployRecord, DescribeCloudBaseRunBuildLog, DescribeCloudBaseRunBuildLogRequest,
    DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, ProcessLogRequest, ServerRequest,
};
use console_shared::secrets::mask_log_line;

use crate::args::Service;
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::{Out, table};

/// `record list`: the guide's columns, DeployId | start time | status |
/// RunId | BuildId | traffic; `--json` gives the records as the cloud did.
pub async fn list(service: &Service, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    let records = client
        .call::<DescribeCloudRunDeployRecord>(&ServerRequest { env_id: env.clone(), server_name: name.clone() })
        .await?
        .deploy_records;
    out.done(&records, || {
        if records.is_empty() { vec![format!("{name} has no deploy records.")] } else { record_table(&records) }
    });
    Ok(())
}

pub(crate) fn record_table(records: &[DeployRecord]) -> Vec<String> {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.deploy_id.clone(),
                r.deploy_time.clone(),
                r.status.to_string(),
                r.run_id.clone(),
                // An image deploy builds nothing: its BuildId is 0.
                if r.build_id == 0 { "-".into() } else { r.build_id.to_string() },
                format!("{}%", r.flow_ratio),
            ]
        })
        .collect();
    table(&["DEPLOY ID", "STARTED", "STATUS", "RUN ID", "BUILD ID", "TRAFFIC"], &rows)
}

/// `logs process --run-id`: the deploy's log lines, as the cloud keeps them.
pub async fn process_log(service: &Service, run_id: &str, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    let run_id = run_id.trim();
    if run_id.is_empty() {
        return Err(CliError::usage("--run-id is empty: `cloudrun record list` shows each deploy's RunId."));
    }
    // Masked as the deploy's live log is (the console masks too; the cloud does not).
    let logs: Vec<String> = client
        .call::<DescribeCloudRunProcessLog>(&ProcessLogRequest { env_id: env.clone(), run_id: run_id.into() })
        .await?
        .logs
        .iter()
        .map(|line| mask_log_line(line))
        .collect();
    out.done(&logs, || if logs.is_empty() { vec![format!("Run {run_id} has no log lines.")] } else { logs.clone() });
    Ok(())
}

/// Pages of a build log fetched at most: far beyond any build, but a cloud
/// that keeps saying `More` cannot keep the command running for ever.
const BUILD_LOG_PAGES_MAX: usize = 1000;

/// `logs build --build-id`: every page of the build log (`Start` moves on by
/// what each page `Delivered`, while `More` says so), as one log.
pub async fn build_log(service: &Service, build_id: i64, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    if build_id <= 0 {
        return Err(CliError::usage(format!(
            "--build-id {build_id}: an image deploy builds nothing (its BuildId is 0); `cloudrun record list` shows \
each deploy's BuildId, and `cloudrun logs process --run-id` its whole log."
        )));
    }
    let mut whole = CloudBaseRunBuildLog::default();
    for _ in 0..BUILD_LOG_PAGES_MAX {
        let page = client
            .call::<DescribeCloudBaseRunBuildLog>(&DescribeCloudBaseRunBuildLogRequest {
                env_id: Some(env.clone()),
                service_name: Some(name.clone()),
                service_version: None,
                build_id: Some(build_id),
                start: Some(whole.delivered),
            })
            .await?
            .log
            .unwrap_or_default();
        whole.total = page.total;
        whole.delivered += page.delivered;
        whole.text.extend(page.text.split_inclusive('\n').map(mask_log_line));
        whole.more = page.more;
        // A build still running says `More` with nothing new yet: what there
        // is now is the answer.
        if !page.more || page.delivered == 0 {
            break;
        }
    }
    out.done(&whole, || {
        let mut lines: Vec<String> = whole.text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(format!("Build {build_id} has no log lines yet."));
        }
        if whole.more {
            lines.push("(The build is still running: run the command again for the lines that follow.)".into());
        }
        lines
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_show_the_guide_columns() {
        let record = |id: &str, status: &str, build: i64, ratio: i64| DeployRecord {
            deploy_id: id.into(),
            deploy_time: "2026-03-16 10:00:00".into(),
            status: status.into(),
            run_id: format!("run-{id}"),
            build_id: build,
            flow_ratio: ratio,
            image_url: None,
            scale_status: String::new(),
            has_traffic: ratio > 0,
            traffic_type: "FLOW".into(),
            is_releasing: false,
        };
        let lines = record_table(&[record("shop-002", "running", 0, 100), record("shop-001", "deploy_failed", 17, 0)]);
        assert_eq!(
            lines,
            vec![
                "DEPLOY ID  STARTED              STATUS         RUN ID        BUILD ID  TRAFFIC",
                "shop-002   2026-03-16 10:00:00  running        run-shop-002  -         100%",
                "shop-001   2026-03-16 10:00:00  deploy_failed  run-shop-001  17        0%",
            ]
        );
    }
}
