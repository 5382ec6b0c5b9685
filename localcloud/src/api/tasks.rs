//! The actions on tasks (deploys, settings changes, rollbacks): the task
//! with its steps, the process and build logs, the deploy records (R-DEP-5),
//! and `OperateServerManage`: cancelling (R-DEP-3), or finishing and
//! abandoning a gray release (`traffic`). The runner that writes what they
//! read is `deploy::tasks`.

use console_shared::actions::{
    CloudBaseRunBuildLog, DeployRecord, DescribeCloudBaseRunBuildLogRequest, DescribeCloudBaseRunBuildLogResponse,
    DescribeCloudRunDeployRecordResponse, DescribeServerManageTaskResponse, Empty, ManageTaskRequest,
    OperateServerManageRequest, ProcessLogRequest, ProcessLogResponse, ServerManageTaskInfo, ServerRequest,
    TaskStepInfo,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::time::cst_datetime;
use console_shared::traffic::Split;
use console_shared::vocab::{OperateType, RecordStatus, Step, TaskStatus};
use console_shared::wording::FailReason;

use super::error::CallError;
use super::state::State;
use super::{envs, services, traffic};
use crate::deploy::steps::BUILD_STEPS;
use crate::runtime::traffic::{of_service, shares};

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    env_id: String,
    server_name: String,
    version_name: String,
    pre_version_name: String,
    status: String,
    release_type: String,
    deploy_type: String,
    change_type: String,
    fail_reason: String,
    remark: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    name: String,
    status: String,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    fail_reason: String,
}

pub async fn describe_task(
    state: &State,
    region: Option<Region>,
    req: ManageTaskRequest,
) -> Result<DescribeServerManageTaskResponse, CallError> {
    services::find(state, &req.env_id, &req.server_name, region).await?;
    // TaskId 0: the service's current task, as the CLI asks for it: the one
    // running now, or else the newest, so a client that asks just after a
    // quick deploy ended still finds it (Create/Update answer TaskId 0).
    let row: Option<TaskRow> = if req.task_id == 0 {
        sqlx::query_as(
            "SELECT * FROM tasks WHERE env_id = ? AND server_name = ?
             ORDER BY status = 'running' DESC, id DESC LIMIT 1",
        )
        .bind(&req.env_id)
        .bind(&req.server_name)
        .fetch_optional(&state.db)
        .await
    } else {
        sqlx::query_as("SELECT * FROM tasks WHERE id = ? AND env_id = ? AND server_name = ?")
            .bind(req.task_id)
            .bind(&req.env_id)
            .bind(&req.server_name)
            .fetch_optional(&state.db)
            .await
    }?;
    // Like the official example, a missing task is `IsExist: false`, not an error.
    let Some(t) = row else {
        return Ok(DescribeServerManageTaskResponse { is_exist: false, task: ServerManageTaskInfo::default() });
    };
    let steps: Vec<StepRow> = sqlx::query_as(
        "SELECT name, status, started_at, ended_at, fail_reason FROM task_steps WHERE task_id = ? ORDER BY idx",
    )
    .bind(t.id)
    .fetch_all(&state.db)
    .await?;
    let when = |ts: Option<i64>| ts.map(cst_datetime).unwrap_or_default();
    Ok(DescribeServerManageTaskResponse {
        is_exist: true,
        task: ServerManageTaskInfo {
            id: t.id,
            env_id: t.env_id,
            server_name: t.server_name,
            create_time: cst_datetime(t.created_at),
            change_type: t.change_type.into(),
            release_type: t.release_type.into(),
            deploy_type: t.deploy_type.into(),
            pre_version_name: t.pre_version_name,
            version_name: t.version_name,
            pipeline_id: 0,
            pipeline_task_id: t.id,
            release_id: t.id,
            status: t.status.into(),
            fail_reason: t.fail_reason,
            operator_remark: t.remark,
            steps: steps
                .into_iter()
                .map(|s| TaskStepInfo {
                    cost_time: match (s.started_at, s.ended_at) {
                        (Some(a), Some(b)) => b - a,
                        (Some(a), None) => crate::clock::now() - a,
                        _ => 0,
                    },
                    name: s.name.into(),
                    status: s.status.into(),
                    start_time: when(s.started_at),
                    end_time: when(s.ended_at),
                    fail_reason: s.fail_reason,
                })
                .collect(),
        },
    })
}

/// The deploy's log, by the `RunId` its deploy record gives.
pub async fn process_log(
    state: &State,
    region: Option<Region>,
    req: ProcessLogRequest,
) -> Result<ProcessLogResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let logs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT l.at, l.line FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE t.env_id = ? AND t.run_id = ? ORDER BY l.seq",
    )
    .bind(&req.env_id)
    .bind(&req.run_id)
    .fetch_all(&state.db)
    .await?;
    Ok(ProcessLogResponse { logs: logs.into_iter().map(|(at, line)| format!("{} {line}", cst_datetime(at))).collect() })
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    version_name: String,
    status: String,
    created_at: i64,
    image: Option<String>,
    /// The version's status, when it still exists.
    version_status: Option<String>,
    run_id: String,
    build_id: i64,
}

/// One record per task, newest first; a version's traffic shows on its
/// newest record (a rollback's, once it rolled back to it).
pub async fn records(
    state: &State,
    region: Option<Region>,
    req: ServerRequest,
) -> Result<DescribeCloudRunDeployRecordResponse, CallError> {
    services::find(state, &req.env_id, &req.server_name, region).await?;
    // A deleted version's records stay readable (R-DEP-5), without an image.
    let rows: Vec<RecordRow> = sqlx::query_as(
        "SELECT t.id, t.version_name, t.status, t.created_at, v.image, v.status AS version_status, t.run_id, t.build_id
         FROM tasks t
         LEFT JOIN versions v ON v.env_id = t.env_id AND v.server_name = t.server_name AND v.version_name = t.version_name
         WHERE t.env_id = ? AND t.server_name = ? ORDER BY t.id DESC",
    )
    .bind(&req.env_id)
    .bind(&req.server_name)
    .fetch_all(&state.db)
    .await?;
    let split = of_service(&state.db, &req.env_id, &req.server_name).await?;
    let order = split.as_ref().and_then(|s| s.order.as_ref());
    let share = split.as_ref().map(|s| shares(&s.stable, order)).unwrap_or_default();
    let url_rule = matches!(order, Some(o) if matches!(o.split, Split::Url { .. }));
    let gray_task: Option<i64> = sqlx::query_scalar(
        "SELECT task_id FROM release_orders WHERE env_id = ? AND server_name = ? AND status = 'open'",
    )
    .bind(&req.env_id)
    .bind(&req.server_name)
    .fetch_optional(&state.db)
    .await?;
    let mut shown = std::collections::HashSet::new();
    let deploy_records = rows
        .into_iter()
        .map(
            |RecordRow {
                 id,
                 version_name: version,
                 status,
                 created_at: at,
                 image,
                 version_status,
                 run_id,
                 build_id,
             }| {
                let newest = shown.insert(version.clone());
                let part = share.iter().find(|(v, _)| newest && v.as_str() == version);
                let flow_ratio = part.map_or(0, |(_, p)| i64::from(*p));
                // Under a URL rule both versions serve: the rule's own at 0 %.
                let has_traffic = part.is_some() && (flow_ratio > 0 || url_rule);
                let task = TaskStatus::from(status);
                let gray_open = gray_task == Some(id);
                DeployRecord {
                    // A record says `running` for a version that went live, an
                    // open gray release's canary included. An abandoned gray
                    // release's canary (go_back) went live and no longer runs:
                    // none of the documented `running`, `deploying` and
                    // `deploy_failed` is true of it, so it says `cancelled`, as
                    // a deploy that never went online does: its version (status
                    // `cancelled`) serves no more and is no rollback target.
                    status: match &task {
                        TaskStatus::Running if gray_open => RecordStatus::Running,
                        TaskStatus::Running => RecordStatus::Deploying,
                        TaskStatus::Failed => RecordStatus::DeployFailed,
                        TaskStatus::Cancelled => RecordStatus::Cancelled,
                        _ if version_status.as_deref() == Some(TaskStatus::Cancelled.as_str()) => {
                            RecordStatus::Cancelled
                        }
                        TaskStatus::Finished | TaskStatus::Other(_) => RecordStatus::Running,
                    },
                    run_id,
                    deploy_id: version,
                    deploy_time: cst_datetime(at),
                    build_id,
                    flow_ratio,
                    image_url: image,
                    scale_status: String::new(),
                    has_traffic,
                    traffic_type: order
                        .map_or("FLOW", |o| match o.split {
                            Split::Percent(_) => "FLOW",
                            Split::Url { .. } => "URL_PARAMS",
                        })
                        .into(),
                    is_releasing: task == TaskStatus::Running,
                }
            },
        )
        .collect();
    Ok(DescribeCloudRunDeployRecordResponse { deploy_records })
}

/// `cancel` stops a running task (R-DEP-3); `done` and `go_back` finish or
/// abandon a gray release, given its task (R-UPD-3).
pub async fn operate(
    state: &State,
    region: Option<Region>,
    req: OperateServerManageRequest,
) -> Result<Empty, CallError> {
    services::check_remark("OperatorRemark", req.operator_remark.as_deref())?;
    services::find(state, &req.env_id, &req.server_name, region).await?;
    match &req.operate_type {
        OperateType::Cancel => cancel(state, &req).await,
        OperateType::Done | OperateType::GoBack => {
            traffic::end_gray(state, &req.env_id, &req.server_name, req.task_id, &req.operate_type).await
        }
        OperateType::Other(other) => Err(CallError::new(
            codes::INVALID_PARAMETER,
            format!("OperateType `{other}` must be cancel, go_back or done."),
        )),
    }
}

async fn cancel(state: &State, req: &OperateServerManageRequest) -> Result<Empty, CallError> {
    // R-DEP-3: the task is marked at once so a new update can start now; the
    // runner stops where it is and the version never goes online. Once the
    // traffic moved (the release step finished) it is too late to cancel.
    let mut tx = crate::store::write_tx(&state.db).await?;
    let cancelled = sqlx::query(
        "UPDATE tasks SET cancel_requested = 1, status = 'cancelled', fail_reason = ?
         WHERE id = ? AND env_id = ? AND server_name = ? AND status = 'running' AND NOT EXISTS
         (SELECT 1 FROM task_steps s WHERE s.task_id = tasks.id AND s.name = ? AND s.status = 'finished')",
    )
    .bind(FailReason::Cancelled.to_string())
    .bind(req.task_id)
    .bind(&req.env_id)
    .bind(&req.server_name)
    .bind(Step::Release.as_str())
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        let (running, gray): (bool, bool) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE id = ?1 AND env_id = ?2 AND server_name = ?3 AND status = 'running'),
                    EXISTS (SELECT 1 FROM release_orders WHERE task_id = ?1 AND status = 'open')",
        )
        .bind(req.task_id)
        .bind(&req.env_id)
        .bind(&req.server_name)
        .fetch_one(&mut *tx)
        .await?;
        let why = match (running, gray) {
            (_, true) => "The deploy finished and its gray release is open: finish it (done) or abandon it (go_back).",
            (true, false) => "The traffic has already moved: the task is finishing and can no longer be cancelled.",
            (false, false) => "That task is not running: there is nothing to cancel.",
        };
        return Err(CallError::new(codes::INVALID_PARAMETER, why));
    }
    tx.commit().await?;
    // The step in progress stops too, build work included (issue #8).
    state.deployer.cancels.cancel(req.task_id);
    Ok(Empty {})
}

/// Lines per `DescribeCloudBaseRunBuildLog` answer; `More` says when there are more.
const BUILD_LOG_PAGE: i64 = 500;

/// tcb `DescribeCloudBaseRunBuildLog`: the lines logged during the build
/// steps (pull, or validate/build/push for a package), from line `Start`.
/// The task is the record's `BuildId`, or else the newest deploy of
/// `ServiceName`/`ServiceVersion`.
pub async fn build_log(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudBaseRunBuildLogRequest,
) -> Result<DescribeCloudBaseRunBuildLogResponse, CallError> {
    let env = req
        .env_id
        .filter(|e| !e.is_empty())
        .ok_or_else(|| CloudError::new(codes::MISSING_PARAMETER, "The parameter `EnvId` is missing."))?;
    envs::find(state, &env, region).await?;
    let start = req.start.unwrap_or(0);
    if start < 0 {
        return Err(CallError::new(codes::INVALID_PARAMETER_VALUE, "The parameter `Start` must not be negative."));
    }
    let task: Option<(i64, String)> = match (req.build_id, req.service_name, req.service_version) {
        // An image deploy's BuildId is 0: it names no build, so the version does.
        (Some(id), _, _) if id != 0 => {
            sqlx::query_as("SELECT id, status FROM tasks WHERE build_id = ? AND env_id = ?")
                .bind(id)
                .bind(&env)
                .fetch_optional(&state.db)
                .await
        }
        (None, Some(service), Some(version)) => {
            sqlx::query_as(
                "SELECT id, status FROM tasks WHERE env_id = ? AND server_name = ? AND version_name = ?
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(&env)
            .bind(service)
            .bind(version)
            .fetch_optional(&state.db)
            .await
        }
        _ => {
            return Err(CallError::new(
                codes::MISSING_PARAMETER,
                "The parameter `BuildId` (or `ServiceName` with `ServiceVersion`) is missing.",
            ));
        }
    }?;
    let (task, status) = task.ok_or_else(|| CloudError::new(codes::RESOURCE_NOT_FOUND, "No deploy has that build."))?;
    let names = BUILD_STEPS.map(|n| format!("'{n}'")).join(", ");
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM task_logs l JOIN task_steps s ON s.task_id = l.task_id AND s.idx = l.step
         WHERE l.task_id = ? AND s.name IN ({names})"
    ))
    .bind(task)
    .fetch_one(&state.db)
    .await?;
    let lines: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT l.at, l.line FROM task_logs l JOIN task_steps s ON s.task_id = l.task_id AND s.idx = l.step
         WHERE l.task_id = ? AND s.name IN ({names}) ORDER BY l.seq LIMIT ? OFFSET ?"
    ))
    .bind(task)
    .bind(BUILD_LOG_PAGE)
    .bind(start)
    .fetch_all(&state.db)
    .await?;
    let delivered = lines.len() as i64;
    let text = lines.into_iter().map(|(at, line)| format!("{} {line}\n", cst_datetime(at))).collect();
    Ok(DescribeCloudBaseRunBuildLogResponse {
        log: Some(CloudBaseRunBuildLog {
            total,
            delivered,
            text,
            more: start + delivered < total || TaskStatus::from(status) == TaskStatus::Running,
        }),
    })
}
