//! `cloudrun version rollback` (an older version back online, R-RB-1..4)
//! and `cloudrun version delete` (versions that serve no traffic, R-VER-2).

use console_shared::actions::{
    DeleteCloudRunVersions, DeleteCloudRunVersionsRequest, DeleteCloudRunVersionsResponse,
    DescribeCloudRunServerDetail, FailVersion, OnlineVersionInfo, ServerRequest, SimpleVersion, SubmitServerRollback,
    SubmitServerRollbackRequest,
};
use console_shared::rules;
use serde_json::json;

use crate::args::Service;
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::progress;

fn check_version(option: &str, name: &str) -> CliResult<()> {
    rules::version_name(name).map_err(|e| CliError::usage(format!("{option} `{name}`: a version name {e}.")))
}

/// The version a rollback starts from: the only one online. With two
/// online a gray release is open, and it ends first.
pub(crate) fn rollback_from(service: &str, online: &[OnlineVersionInfo]) -> Result<String, String> {
    match online {
        [one] => Ok(one.version_name.clone()),
        [] => Err(format!("Nothing is online on {service}: there is nothing to roll back from.")),
        _ => Err(format!(
            "A gray release is open on {service}: end it with `cloudrun traffic promote` or `cloudrun traffic rollback` \
before rolling back."
        )),
    }
}

/// `version rollback --rollback-version-name V`: `SubmitServerRollback`,
/// then the task watched to its end.
pub async fn rollback(service: &Service, target: &str, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    check_version("--rollback-version-name", target)?;
    let server = ServerRequest { env_id: env.clone(), server_name: name.clone() };
    let detail = client.call::<DescribeCloudRunServerDetail>(&server).await?;
    let current = rollback_from(name, &detail.online_version_infos).map_err(CliError::Usage)?;
    if current == target {
        return Err(CliError::usage(format!("{target} is already the online version of {name}.")));
    }
    let task_id = client
        .call::<SubmitServerRollback>(&SubmitServerRollbackRequest {
            env_id: env.clone(),
            server_name: name.clone(),
            current_version_name: current.clone(),
            rollback_version_name: target.into(),
            operator_remark: None,
        })
        .await?
        .task_id;
    out.say(format!("Rolling back {name} from {current} to {target} (task {task_id})."));
    let watched = progress::watch(client, &out, env, name, task_id).await?;
    let online = progress::online(client, env, name, &watched.version_name).await?;
    let data = json!({
        "EnvId": env,
        "ServiceName": name,
        "TaskId": task_id,
        "PreVersionName": current,
        "VersionName": watched.version_name,
        "Status": watched.status,
        "FlowRatio": online.flow_ratio,
        "Domain": online.domain,
    });
    out.done(&data, || vec![online.line()]);
    Ok(())
}

/// `version delete --version-names a,b`: as Tencent's tool, without asking;
/// a version that serves traffic is refused by the cloud, with its words.
pub async fn delete(service: &Service, names: &[String], client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    let mut versions: Vec<&str> = vec![];
    for version in names.iter().map(|v| v.trim()) {
        check_version("--version-names", version)?;
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    let answer = client
        .call::<DeleteCloudRunVersions>(&DeleteCloudRunVersionsRequest {
            env_id: env.clone(),
            is_delete_server: false,
            is_delete_image: false,
            simple_versions: versions
                .iter()
                .map(|v| SimpleVersion { env_id: env.clone(), server_name: name.clone(), version_name: v.to_string() })
                .collect(),
            operator_remark: None,
        })
        .await?;
    if answer.fail_versions.is_empty() {
        out.done(&answer, || deleted_lines(&answer));
        return Ok(());
    }
    // Some were refused: the deleted ones are said, then the refusals are the error.
    for line in deleted_lines(&answer) {
        out.say(line);
    }
    Err(refusal(&answer.fail_versions))
}

fn deleted_lines(answer: &DeleteCloudRunVersionsResponse) -> Vec<String> {
    answer.success_versions.iter().map(|v| format!("Deleted {}.", v.version.version_name)).collect()
}

/// The cloud's refusals as one error. Its `ErrorMsg` may lead with the
/// string code (`ResourceInUse: …`); that is the error's code when it does.
pub(crate) fn refusal(fails: &[FailVersion]) -> CliError {
    let split = |f: &FailVersion| match f.error_msg.split_once(": ") {
        Some((code, why)) if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') => {
            (code.to_string(), why.to_string())
        }
        _ => (f.error_code.to_string(), f.error_msg.clone()),
    };
    let (code, _) = split(&fails[0]);
    let message = fails
        .iter()
        .map(|f| format!("{} was not deleted: {}", f.version.version_name, split(f).1.trim_end_matches('.')))
        .collect::<Vec<_>>()
        .join("; ")
        + ".";
    CliError::Cloud { code, message, request_id: Some(fails[0].request_id.clone()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn online(name: &str, share: &str) -> OnlineVersionInfo {
        OnlineVersionInfo { version_name: name.into(), image_url: String::new(), flow_ratio: share.into() }
    }

    #[test]
    fn a_rollback_starts_from_the_one_online_version() {
        assert_eq!(rollback_from("shop", &[online("shop-002", "100")]), Ok("shop-002".into()));
        assert!(rollback_from("shop", &[]).unwrap_err().starts_with("Nothing is online on shop"));
        let gray = [online("shop-002", "70"), online("shop-003", "30")];
        assert!(rollback_from("shop", &gray).unwrap_err().starts_with("A gray release is open on shop"));
    }

    #[test]
    fn refusals_keep_the_cloud_code_and_name_each_version() {
        let fail = |v: &str, msg: &str| FailVersion {
            version: SimpleVersion { env_id: "e".into(), server_name: "shop".into(), version_name: v.into() },
            error_code: 1,
            error_msg: msg.into(),
            request_id: "r1".into(),
        };
        let e = refusal(&[
            fail("shop-002", "ResourceInUse: `shop-002` receives the traffic."),
            fail("shop-009", "ResourceNotFound.Version: The version `shop-009` does not exist."),
        ]);
        assert_eq!(e.code(), Some("ResourceInUse"));
        assert_eq!(
            e.to_string(),
            "shop-002 was not deleted: `shop-002` receives the traffic; shop-009 was not deleted: The version \
`shop-009` does not exist. (ResourceInUse)"
        );
        let plain = refusal(&[fail("shop-001", "in use, see docs")]);
        assert_eq!(plain.code(), Some("1"));
    }
}
