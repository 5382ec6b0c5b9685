//! `cloudrun traffic`: the split of an open gray release, and its end
//! (CLOUD-API.md §12). A split is set only while a gray release is open and
//! its new version's deploy has finished, as Tencent's tool refuses
//! otherwise ("不存在灰度中的版本或灰度版本部署未完成").

use console_shared::actions::{
    DescribeReleaseOrder, DescribeReleaseOrderRequest, DescribeServerManageTask, ManageTaskRequest,
    OperateServerManage, OperateServerManageRequest, ReleaseGray, ReleaseGrayRequest, ReleaseOrderInfo,
    ServerManageTaskInfo, VersionFlowInfo,
};
use console_shared::vocab::{OperateType, ReleaseStatus, TrafficType};
use serde_json::json;

use crate::args::{Service, TrafficSplit};
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::Out;

/// The stable and canary shares, as given: each 0–100, adding up to 100.
pub(crate) fn check_split(stable: Option<i64>, canary: Option<i64>) -> Result<(i64, i64), String> {
    let (Some(stable), Some(canary)) = (stable, canary) else {
        return Err("Say the split with both --stable N and --canary M (percentages that add up to 100), \
or end the gray release with `traffic promote` or `traffic rollback`."
            .into());
    };
    for (option, share) in [("--stable", stable), ("--canary", canary)] {
        if !(0..=100).contains(&share) {
            return Err(format!("{option} {share}: a share is a percentage from 0 to 100."));
        }
    }
    if stable + canary != 100 {
        return Err(format!(
            "--stable {stable} and --canary {canary} add up to {}; they must add up to 100.",
            stable + canary
        ));
    }
    Ok((stable, canary))
}

/// The open gray release: its task (whose deploy has finished) and its
/// order, or the guide's refusal.
async fn open_gray(client: &Client, env: &str, service: &str) -> CliResult<(ServerManageTaskInfo, ReleaseOrderInfo)> {
    let refused = || {
        CliError::usage(format!(
            "No version of {service} is in a gray release, or the gray version's deploy has not finished."
        ))
    };
    let task = client
        .call::<DescribeServerManageTask>(&ManageTaskRequest {
            env_id: env.into(),
            server_name: service.into(),
            task_id: 0,
            operator_remark: None,
        })
        .await?;
    if !task.is_exist || !task.task.gray_deployed() {
        return Err(refused());
    }
    let order = client
        .call::<DescribeReleaseOrder>(&DescribeReleaseOrderRequest {
            env_id: env.into(),
            server_name: service.into(),
            status: Some(ReleaseStatus::Open),
        })
        .await?;
    let info = order.release_order_info;
    if !order.is_exist || info.release_status != ReleaseStatus::Open || info.is_releasing {
        return Err(refused());
    }
    Ok((task.task, info))
}

/// `traffic --stable N --canary M`.
pub async fn split(args: TrafficSplit, client: &Client, out: Out) -> CliResult<()> {
    let TrafficSplit { env_id, service_name, stable, canary } = args;
    // Without a subcommand clap cannot require them (they would clash with
    // `promote -e …`), so they are checked here, before anything is sent.
    let (Some(env), Some(service)) = (env_id, service_name) else {
        return Err(CliError::usage("cloudrun traffic needs -e/--envId and -s/--serviceName."));
    };
    check_service(&env, &service)?;
    let (stable, canary) = check_split(stable, canary).map_err(CliError::Usage)?;
    let (_, order) = open_gray(client, &env, &service).await?;
    let (current, release) = (order.current_version.version_name, order.release_version.version_name);
    let items = vec![
        VersionFlowInfo {
            version_name: current.clone(),
            is_default_priority: true,
            flow_ratio: Some(stable),
            url_param: None,
            priority: Some(1),
        },
        VersionFlowInfo {
            version_name: release.clone(),
            is_default_priority: false,
            flow_ratio: Some(canary),
            url_param: None,
            priority: Some(2),
        },
    ];
    client
        .call::<ReleaseGray>(&ReleaseGrayRequest {
            env_id: env.clone(),
            server_name: service.clone(),
            gray_type: "gray".into(),
            traffic_type: TrafficType::Flow,
            version_flow_items: Some(items.clone()),
            operator_remark: None,
            gray_flow_ratio: Some(canary),
            close_gray_release: None,
        })
        .await?;
    let data = json!({
        "EnvId": env,
        "ServiceName": service,
        "TrafficType": TrafficType::Flow,
        "GrayFlowRatio": canary,
        "VersionFlowItems": items,
    });
    out.done(&data, || {
        vec![format!("Traffic of {service}: {current} (stable) {stable}%, {release} (canary) {canary}%.")]
    });
    Ok(())
}

/// How a gray release ends.
#[derive(Debug, Clone, Copy)]
pub enum End {
    /// `traffic promote`: the new version takes all the traffic.
    Promote,
    /// `traffic rollback`: the new version goes offline, the stable one keeps it all.
    Abandon,
}

/// `traffic promote` / `traffic rollback`: `OperateServerManage` done /
/// go_back with the gray release's task.
pub async fn end(service: &Service, how: End, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    let (task, order) = open_gray(client, env, name).await?;
    let operate_type = match how {
        End::Promote => OperateType::Done,
        End::Abandon => OperateType::GoBack,
    };
    client
        .call::<OperateServerManage>(&OperateServerManageRequest {
            env_id: env.clone(),
            server_name: name.clone(),
            task_id: task.id,
            operate_type: operate_type.clone(),
            operator_remark: None,
        })
        .await?;
    let (current, release) = (order.current_version.version_name, order.release_version.version_name);
    let (online, line) = match how {
        End::Promote => (
            release.clone(),
            format!("Gray release of {name} finished: {release} has 100% of the traffic; {current} has none."),
        ),
        End::Abandon => (
            current.clone(),
            format!("Gray release of {name} abandoned: {release} goes offline; {current} keeps 100% of the traffic."),
        ),
    };
    let data = json!({
        "EnvId": env,
        "ServiceName": name,
        "TaskId": task.id,
        "OperateType": operate_type,
        "VersionName": online,
    });
    out.done(&data, || vec![line]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_split;

    #[test]
    fn a_split_is_two_percentages_that_add_up_to_100() {
        assert_eq!(check_split(Some(70), Some(30)), Ok((70, 30)));
        assert_eq!(check_split(Some(0), Some(100)), Ok((0, 100)));
        assert_eq!(check_split(Some(100), Some(0)), Ok((100, 0)));
        let refused = |s, c| check_split(s, c).unwrap_err();
        assert!(refused(Some(70), None).contains("both --stable N and --canary M"));
        assert!(refused(None, None).contains("both"));
        assert_eq!(refused(Some(70), Some(20)), "--stable 70 and --canary 20 add up to 90; they must add up to 100.");
        assert_eq!(refused(Some(-10), Some(110)), "--stable -10: a share is a percentage from 0 to 100.");
        assert_eq!(refused(Some(50), Some(101)), "--canary 101: a share is a percentage from 0 to 100.");
    }
}
