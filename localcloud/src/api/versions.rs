//! Versions (R-VER): a version's frozen configuration, and deleting versions.

use console_shared::actions::{
    DeleteCloudRunVersionsRequest, DeleteCloudRunVersionsResponse, DescribeVersionDetailRequest,
    DescribeVersionDetailResponse, FailVersion, ServerBaseConfig, SimpleVersion, SuccessVersion,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::time::cst_datetime;
use console_shared::vocab::{EnvId, ServiceName, VersionRef};

use super::envelope::new_request_id;
use super::envs;
use super::error::CallError;
use super::services::{self, find, remove};
use super::state::State;
use crate::packages::files;

/// R-VER-3: a version's configuration as frozen at its creation.
pub async fn version_detail(
    state: &State,
    region: Option<Region>,
    req: DescribeVersionDetailRequest,
) -> Result<DescribeVersionDetailResponse, CallError> {
    find(state, &req.env_id, &req.server_name, region).await?;
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT config, status, created_at FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?",
    )
    .bind(&req.env_id)
    .bind(&req.server_name)
    .bind(&req.version_name)
    .fetch_optional(&state.db)
    .await?;
    let (config, status, created) = row.ok_or_else(|| {
        CloudError::new(codes::VERSION_NOT_FOUND, format!("The version `{}` does not exist.", req.version_name))
    })?;
    let c: ServerBaseConfig = serde_json::from_str(&config)?;
    Ok(DescribeVersionDetailResponse {
        name: req.version_name,
        port: c.port,
        cpu: c.cpu,
        mem: c.mem,
        min_num: c.min_num,
        max_num: c.max_num,
        policy_details: c.policy_details,
        dockerfile: c.dockerfile,
        build_dir: c.build_dir,
        env_params: c.env_params,
        status,
        created_time: cst_datetime(created),
        updated_time: cst_datetime(created),
        log_path: c.custom_logs,
        entry_point: None,
        cmd: None,
    })
}

/// `DeleteCloudRunVersions`: each version on its own, so one refusal does not
/// stop the others. A version with traffic or a running deploy stays (R-VER-2:
/// other versions exist only for rollback, so they may go); the last version
/// goes only with `IsDeleteServer`, and takes the service with it.
pub async fn delete_versions(
    state: &State,
    region: Option<Region>,
    req: DeleteCloudRunVersionsRequest,
) -> Result<DeleteCloudRunVersionsResponse, CallError> {
    services::check_remark("OperatorRemark", req.operator_remark.as_deref())?;
    envs::find(state, &req.env_id, region).await?;
    if req.simple_versions.is_empty() {
        return Err(CallError::new(codes::INVALID_PARAMETER, "`SimpleVersions` must name at least one version."));
    }
    let mut fail_versions = vec![];
    let mut success_versions = vec![];
    for v in req.simple_versions {
        let request_id = new_request_id();
        match delete_version(state, &req.env_id, &v, req.is_delete_server).await {
            Ok(()) => success_versions.push(SuccessVersion { version: v, request_id, result: "succ".into() }),
            Err(e) => {
                let e = e.into_cloud();
                fail_versions.push(FailVersion {
                    version: v,
                    // Tencent documents an integer here without its values; the
                    // string code leads the message.
                    error_code: 1,
                    error_msg: format!("{}: {}", e.code, e.message),
                    request_id,
                })
            }
        }
    }
    let result = match (fail_versions.is_empty(), success_versions.is_empty()) {
        (true, _) => "succ",
        (false, true) => "fail",
        (false, false) => "partial",
    };
    Ok(DeleteCloudRunVersionsResponse { result: result.into(), fail_versions, success_versions })
}

async fn delete_version(state: &State, env: &str, v: &SimpleVersion, with_server: bool) -> Result<(), CallError> {
    if v.env_id != env {
        return Err(CallError::new(codes::INVALID_PARAMETER, "Every SimpleVersion must name the request's EnvId."));
    }
    let service = find(state, env, &v.server_name, None).await?;
    let mut tx = crate::store::write_tx(&state.db).await?;
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?")
            .bind(env)
            .bind(&v.server_name)
            .bind(&v.version_name)
            .fetch_optional(&mut *tx)
            .await?;
    let status = status.ok_or_else(|| {
        CloudError::new(codes::VERSION_NOT_FOUND, format!("The version `{}` does not exist.", v.version_name))
    })?;
    if status == "deploying" {
        return Err(CallError::new(
            codes::RESOURCE_IN_USE,
            format!("`{}` is being deployed; cancel the deploy or wait for it to end.", v.version_name),
        ));
    }
    // The new version of an open gray release, or a rollback's target.
    let in_use: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM tasks WHERE env_id = ? AND server_name = ? AND version_name = ? AND status = 'running')",
    )
    .bind(env)
    .bind(&v.server_name)
    .bind(&v.version_name)
    .fetch_one(&mut *tx)
    .await?;
    if in_use {
        return Err(CallError::new(
            codes::RESOURCE_IN_USE,
            format!(
                "`{}` takes part in a gray release or a rollback that is still open; end it first.",
                v.version_name
            ),
        ));
    }
    let remaining: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM versions WHERE env_id = ? AND server_name = ?")
        .bind(env)
        .bind(&v.server_name)
        .fetch_one(&mut *tx)
        .await?;
    let last = remaining == 1;
    // Read under the write lock: a deploy ending meanwhile may have moved the traffic.
    let online_now: Option<String> =
        sqlx::query_scalar("SELECT online_version FROM services WHERE env_id = ? AND server_name = ?")
            .bind(env)
            .bind(&v.server_name)
            .fetch_one(&mut *tx)
            .await?;
    let online = online_now.as_deref() == Some(v.version_name.as_str());
    if online && !(last && with_server) {
        return Err(CallError::new(
            codes::RESOURCE_IN_USE,
            format!(
                "`{}` receives the traffic; deploy or roll back to another version first, or delete the service.",
                v.version_name
            ),
        ));
    }
    sqlx::query("DELETE FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?")
        .bind(env)
        .bind(&v.server_name)
        .bind(&v.version_name)
        .execute(&mut *tx)
        .await?;
    // Its package goes with it unless another version uses it (issue #8).
    let packages = if last && with_server {
        remove(&mut tx, &service).await?
    } else {
        files::release_unused(&mut tx, env).await?
    };
    tx.commit().await?;
    state.packages.remove_files(env, packages).await;
    if last && with_server {
        state.runtime.stop_service(&EnvId::from_cloud(env), &ServiceName::from_cloud(&v.server_name));
        tracing::info!(env.id = %env, service = %v.server_name, "last version deleted with its service");
    } else {
        state.runtime.stop(&VersionRef::from_cloud(env, &v.server_name, &v.version_name));
    }
    Ok(())
}
