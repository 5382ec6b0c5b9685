//! `cloudrun detail` (what a service runs now: versions, traffic, domain,
//! status) and `cloudrun delete` (the service with all its versions).

use console_shared::actions::{
    DeleteCloudRunServer, DeleteCloudRunServerRequest, DescribeCloudRunServerDetail,
    DescribeCloudRunServerDetailResponse, DescribeReleaseOrder, DescribeReleaseOrderRequest, ReleaseOrderInfo,
    ServerRequest,
};
use console_shared::vocab::ReleaseStatus;
use serde_json::json;

use crate::args::Service;
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::Out;

/// `detail`: the cloud's `DescribeCloudRunServerDetail`; a person also
/// sees which version is new when a gray release is open.
pub async fn detail(service: &Service, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    let server = ServerRequest { env_id: env.clone(), server_name: name.clone() };
    let detail = client.call::<DescribeCloudRunServerDetail>(&server).await?;
    let gray = if detail.online_version_infos.len() > 1 {
        let order = client
            .call::<DescribeReleaseOrder>(&DescribeReleaseOrderRequest {
                env_id: env.clone(),
                server_name: name.clone(),
                status: Some(ReleaseStatus::Open),
            })
            .await?;
        order.is_exist.then_some(order.release_order_info)
    } else {
        None
    };
    // Straight to the cloud nothing masks the variables' secret values (the
    // console's answers come masked): a CI log must not get them.
    let mut shown = serde_json::to_value(&detail).unwrap_or_default();
    console_shared::secrets::mask_secrets(&mut shown);
    out.done(&shown, || detail_lines(&detail, gray.as_ref()));
    Ok(())
}

pub(crate) fn detail_lines(
    detail: &DescribeCloudRunServerDetailResponse,
    gray: Option<&ReleaseOrderInfo>,
) -> Vec<String> {
    let base = &detail.base_info;
    let config = &detail.server_config;
    let role = |version: &str| match gray {
        Some(o) if o.release_version.version_name == version => " (canary)",
        Some(o) if o.current_version.version_name == version => " (stable)",
        _ => "",
    };
    let versions = if detail.online_version_infos.is_empty() {
        "none online".to_string()
    } else {
        detail
            .online_version_infos
            .iter()
            .map(|v| format!("{}{} {}%", v.version_name, role(&v.version_name), v.flow_ratio))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut domains = vec![base.default_domain_name.clone()];
    domains.extend(base.custom_domain_names.iter().filter(|d| !d.is_empty()).cloned());
    let mut lines = vec![
        format!("Service:   {} ({})", base.server_name, base.status),
        format!("Traffic:   {versions}"),
        format!("Domain:    {}", domains.join(", ")),
        format!(
            "Settings:  {} CPU, {} GiB, {}–{} instances, port {}",
            config.cpu, config.mem, config.min_num, config.max_num, config.port
        ),
        format!("Updated:   {}", base.update_time),
    ];
    if gray.is_some() {
        lines.push(
            "A gray release is open: `cloudrun traffic --stable N --canary M` splits it, `traffic promote` \
finishes it, `traffic rollback` abandons it."
                .into(),
        );
    }
    lines
}

/// `delete`: asks first unless `--noConfirm`; with no terminal to ask on
/// it refuses rather than wait.
pub async fn delete(service: &Service, no_confirm: bool, client: &Client, out: Out) -> CliResult<()> {
    let Service { env_id: env, service_name: name } = service;
    check_service(env, name)?;
    if !no_confirm {
        match out
            .confirm(&format!("Delete {name} from {env}, with all its versions and its domain? This cannot be undone."))
        {
            Some(true) => {}
            Some(false) => return Err(CliError::usage(format!("Not deleted: {name} stays."))),
            None => {
                return Err(CliError::usage(
                    "There is no terminal to confirm the deletion on: add --noConfirm to delete without asking.",
                ));
            }
        }
    }
    let answer = client
        .call::<DeleteCloudRunServer>(&DeleteCloudRunServerRequest {
            env_id: env.clone(),
            server_name: name.clone(),
            operator_remark: None,
        })
        .await?;
    // The examples answer `success`, `succ` or nothing; only `failed` is a failure.
    if answer.result.starts_with("fail") {
        return Err(CliError::Cloud {
            code: "FailedOperation".into(),
            message: format!("The cloud did not delete {name} (Result: {}).", answer.result),
            request_id: None,
        });
    }
    let data = json!({"EnvId": env, "ServiceName": name, "Result": answer.result});
    out.done(&data, || vec![format!("Deleted {name} from {env}.")]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use console_shared::actions::{OnlineVersionInfo, ReleaseVersionInfo, ServerBaseConfig, ServerBaseInfo};

    use super::*;

    #[test]
    fn details_name_the_canary_during_a_gray_release() {
        let detail = DescribeCloudRunServerDetailResponse {
            base_info: ServerBaseInfo {
                server_name: "shop".into(),
                default_domain_name: "shop-abc.sh.run.tcloudbase.com".into(),
                custom_domain_name: String::new(),
                status: "normal".into(),
                update_time: "2026-03-16 10:00:00".into(),
                access_types: vec!["PUBLIC".into()],
                custom_domain_names: vec![],
                server_type: None,
                traffic_type: None,
                create_time: None,
            },
            server_config: ServerBaseConfig {
                cpu: 0.5,
                mem: 1.0,
                min_num: 0,
                max_num: 50,
                port: 8080,
                ..Default::default()
            },
            online_version_infos: vec![
                OnlineVersionInfo {
                    version_name: "shop-001".into(),
                    image_url: String::new(),
                    flow_ratio: "70".into(),
                },
                OnlineVersionInfo {
                    version_name: "shop-002".into(),
                    image_url: String::new(),
                    flow_ratio: "30".into(),
                },
            ],
        };
        let order = ReleaseOrderInfo {
            current_version: ReleaseVersionInfo { version_name: "shop-001".into(), ..Default::default() },
            release_version: ReleaseVersionInfo { version_name: "shop-002".into(), ..Default::default() },
            ..Default::default()
        };
        let lines = detail_lines(&detail, Some(&order));
        assert_eq!(lines[0], "Service:   shop (normal)");
        assert_eq!(lines[1], "Traffic:   shop-001 (stable) 70%, shop-002 (canary) 30%");
        assert_eq!(lines[2], "Domain:    shop-abc.sh.run.tcloudbase.com");
        assert_eq!(lines[3], "Settings:  0.5 CPU, 1 GiB, 0–50 instances, port 8080");
        assert_eq!(lines.len(), 6);
        let calm = detail_lines(&detail, None);
        assert_eq!(calm[1], "Traffic:   shop-001 70%, shop-002 30%");
        assert_eq!(calm.len(), 5);
    }
}
