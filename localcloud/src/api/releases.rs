//! Releases without new code: rolling back to an older version
//! (`SubmitServerRollback`, R-RB-1..4) and changing the settings
//! (`SubmitServerConfigChangeDiff`, R-UPD-5). Both answer the task's id
//! (TaskId > 0: poll DescribeServerManageTask) and run as tasks of
//! `deploy::tasks`; gray releases are `traffic`.

use console_shared::actions::{
    DiffConfigItem, ServerBaseConfig, SubmitServerConfigChangeDiffRequest, SubmitServerRollbackRequest, TaskIdResponse,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::vocab::{ConfigKey, VersionName, VersionRef};

use super::error::CallError;
use super::service_config::config_over;
use super::services::{
    NewVersion, begin_deploy, check_remark, deploy_type_of_version, find, next_version, online_version,
    refuse_while_busy,
};
use super::state::State;
use crate::deploy::kind::Kind;
use crate::deploy::tasks::{self, job::Job};

fn invalid(why: impl Into<String>) -> CallError {
    CallError::new(codes::INVALID_PARAMETER, why)
}

/// `SubmitServerRollback`: an older version cold-starts and takes all the
/// traffic once healthy; the abandoned one scales down (R-RB-1). The
/// settings stay as they are: the service runs the target's frozen
/// configuration until the next update (R-RB-3).
pub async fn rollback(
    state: &State,
    region: Option<Region>,
    req: SubmitServerRollbackRequest,
) -> Result<TaskIdResponse, CallError> {
    check_remark("OperatorRemark", req.operator_remark.as_deref())?;
    find(state, &req.env_id, &req.server_name, region).await?;
    let (env, service) = (req.env_id.as_str(), req.server_name.as_str());
    let (current, target) = (req.current_version_name.as_str(), req.rollback_version_name.as_str());
    let mut tx = crate::store::write_tx(&state.db).await?;
    let online = match online_version(&mut tx, env, service).await? {
        Some(online) if online == current => online,
        Some(online) => {
            return Err(invalid(format!("`{current}` is not the online version; `{online}` is.")));
        }
        None => return Err(invalid("Nothing is online on this service: there is nothing to roll back from.")),
    };
    let version = |name: &str| {
        sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT image, config, status, created_at FROM versions
             WHERE env_id = ? AND server_name = ? AND version_name = ?",
        )
        .bind(env)
        .bind(service)
        .bind(name.to_string())
    };
    let (image, config, status, made) = version(target)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| invalid(format!("The version `{target}` does not exist.")))?;
    let (_, _, _, online_made) = version(&online).fetch_one(&mut *tx).await?;
    if !console_shared::traffic::is_older(target, &online, || made < online_made) {
        return Err(invalid(format!(
            "Only versions older than the online one ({online}) can be rollback targets; going forward is an update, not a rollback."
        )));
    }
    if status != "normal" {
        return Err(invalid(format!(
            "`{target}` never went online or was abandoned (its status is {status}): only a version that ran and was not abandoned can be a rollback target."
        )));
    }
    // R-VER-3: the target runs as it was frozen. Read before the task
    // exists, so a stored configuration that does not parse leaves no task
    // behind to block every update.
    let config: ServerBaseConfig = serde_json::from_str(&config)?;
    refuse_while_busy(&mut tx, env, service, "An update is running on this service; roll back once it has ended.")
        .await?;
    let at = VersionRef::from_cloud(env, service, target);
    let kind = Kind::Rollback { from: VersionName::from_cloud(&online) };
    let deploy_type = deploy_type_of_version(&mut tx, env, service, target).await?;
    let remark = req.operator_remark.as_deref().unwrap_or_default();
    let task = tasks::create(&mut tx, &at, &online, remark, &kind, &deploy_type).await?;
    tx.commit().await?;
    tasks::spawn(state.deployer.clone(), Job::new(task, at, image, kind, config));
    tracing::info!(env.id = %env, service = %service, task.id = task, from = %online, to = %target, "rollback started");
    Ok(TaskIdResponse { task_id: task })
}

/// `SubmitServerConfigChangeDiff` (R-UPD-5): `Items` (and the deprecated
/// `Conf.StrParams` `EnvParam`) over the online version's configuration
/// make a new version from the same image, released in full. They become
/// the service's settings too.
pub async fn config_change(
    state: &State,
    region: Option<Region>,
    req: SubmitServerConfigChangeDiffRequest,
) -> Result<TaskIdResponse, CallError> {
    let service_row = find(state, &req.env_id, &req.server_name, region).await?;
    let (env, service) = (req.env_id.as_str(), req.server_name.as_str());
    let mut items = req.items.unwrap_or_default();
    for kv in req.conf.map(|c| c.str_params).unwrap_or_default() {
        if kv.key != ConfigKey::EnvParam.as_str() {
            return Err(CloudError::invalid_value(
                "Conf.StrParams",
                format!("`{}` is not a setting it changes: it takes EnvParam only; use Items", kv.key),
            )
            .into());
        }
        items.push(DiffConfigItem::string(ConfigKey::EnvParam, kv.value));
    }
    if items.is_empty() {
        return Err(invalid("Nothing changes: Items names no setting."));
    }
    let mut tx = crate::store::write_tx(&state.db).await?;
    let online = online_version(&mut tx, env, service).await?.ok_or_else(|| {
        CallError::new(
            codes::FAILED_OPERATION,
            "Nothing is online on this service: a settings change starts from the online version; deploy one first.",
        )
    })?;
    refuse_while_busy(
        &mut tx,
        env,
        service,
        "An update is running on this service; change the settings once it has ended.",
    )
    .await?;
    let (image, frozen): (String, String) =
        sqlx::query_as("SELECT image, config FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?")
            .bind(env)
            .bind(service)
            .bind(&online)
            .fetch_one(&mut *tx)
            .await?;
    let base: ServerBaseConfig = serde_json::from_str(&frozen)?;
    let config = config_over(base.clone(), None, &items)?;
    if config == base {
        return Err(invalid(format!("Nothing changes: {online} already runs with these settings.")));
    }
    let settings: ServerBaseConfig = serde_json::from_str(&service_row.config)?;
    let stored = ServerBaseConfig { create_time: settings.create_time, ..config.clone() };
    let version = next_version(&mut tx, env, service, &serde_json::to_string(&stored)?).await?;
    let next = NewVersion {
        at: VersionRef::from_cloud(env, service, &version),
        image,
        deploy_type: deploy_type_of_version(&mut tx, env, service, &online).await?,
        kind: Kind::Config { from: VersionName::from_cloud(&online) },
        config,
        pre: online,
    };
    let task = begin_deploy(state, tx, next, "").await?;
    tracing::info!(env.id = %env, service = %service, task.id = task, %version, "settings change started");
    Ok(TaskIdResponse { task_id: task })
}
