//! The release step, by what the task does: a full release moves all the
//! traffic (R-DEP-1, R-UPD-1, R-UPD-5), a gray one opens a release order with
//! the new version at 0 % (R-UPD-2), a rollback moves the traffic back to
//! its target (R-RB-1); and a rollback's last step, the scale down.

use console_shared::vocab::{ServiceStatus, StepStatus, TaskStatus, VersionName, VersionRef};

use super::job::{DbResult, Job, StepOutcome, log, set_version_status};
use crate::deploy::Deployer;
use crate::deploy::kind::Kind;

/// The release. Traffic moves in the same write that marks the step
/// finished, after a last look at a cancel under the write lock: a cancel
/// either lands first and nothing moves, or comes after and is refused.
pub async fn release(state: &Deployer, job: &Job) -> DbResult<StepOutcome> {
    let (env, service, version) = (job.at.env.as_str(), job.at.service.as_str(), job.at.version.as_str());
    let mut tx = crate::store::write_tx(&state.db).await?;
    let (status, cancel_requested): (String, bool) =
        sqlx::query_as("SELECT status, cancel_requested FROM tasks WHERE id = ?")
            .bind(job.task)
            .fetch_one(&mut *tx)
            .await?;
    if status != TaskStatus::Running.as_str() || cancel_requested {
        return Ok(StepOutcome::Cancelled);
    }
    let online: Option<String> =
        sqlx::query_scalar("SELECT online_version FROM services WHERE env_id = ? AND server_name = ?")
            .bind(env)
            .bind(service)
            .fetch_one(&mut *tx)
            .await?;
    let now = crate::clock::now();
    // What to log once committed, and the version that lost its traffic.
    let (line, retired) = match (&job.kind, online) {
        (Kind::Code { gray: true, .. }, Some(stable)) => {
            sqlx::query(
                "INSERT INTO release_orders (env_id, server_name, task_id, stable_version, canary_version, status, created_at)
                 VALUES (?, ?, ?, ?, ?, 'open', ?)",
            )
            .bind(env)
            .bind(service)
            .bind(job.task)
            .bind(&stable)
            .bind(version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // The version runs and is part of the release from now on.
            set_version_status(&mut *tx, &job.at, ServiceStatus::Normal.as_str()).await?;
            let line = format!(
                "{version} is online with 0% of the traffic; {stable} keeps 100% until the gray release is finished (done) or abandoned (go_back)"
            );
            (line, None)
        }
        (Kind::Code { gray: true, .. }, None) => {
            return Ok(StepOutcome::Failed("a gray release needs a version online to compare with".into()));
        }
        (Kind::Rollback { from }, online) if online.as_deref() != Some(from.as_str()) => {
            return Ok(StepOutcome::Failed(format!("{from} is no longer the online version; nothing was rolled back")));
        }
        (kind, previous) => {
            // R-DEP-1 / R-UPD-1 / R-RB-1: all the traffic at once.
            sqlx::query(
                "UPDATE services SET online_version = ?, status = ?, updated_at = ? WHERE env_id = ? AND server_name = ?",
            )
            .bind(version)
            .bind(ServiceStatus::Normal.as_str())
            .bind(now)
            .bind(env)
            .bind(service)
            .execute(&mut *tx)
            .await?;
            let line = match kind {
                Kind::Rollback { from } => format!("{version} has 100% of the traffic again; {from} has none"),
                _ => format!("{version} has 100% of the traffic"),
            };
            // A rollback's abandoned version scales down in the next step.
            let old = previous.filter(|p| p != version && !matches!(kind, Kind::Rollback { .. }));
            (line, old)
        }
    };
    let step = job.step.load(std::sync::atomic::Ordering::Relaxed);
    sqlx::query("UPDATE task_steps SET status = ?, ended_at = ? WHERE task_id = ? AND idx = ?")
        .bind(StepStatus::Finished.as_str())
        .bind(now)
        .bind(job.task)
        .bind(step)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Nothing below may fail the task: the traffic moved. The runtime
    // follows before any log line, so a log that cannot be written never
    // leaves the old version running.
    job.released.store(true, std::sync::atomic::Ordering::Release);
    if !matches!(job.kind, Kind::Code { gray: true, .. }) {
        // It has all the traffic now: no drain left from before may stop it.
        state.runtime.serve_again(&job.at);
    }
    if let Some(old) = &retired {
        // Nothing routes to it any more; it drains, then goes offline.
        state.runtime.retire(&VersionRef { version: VersionName::from_cloud(old), ..job.at.clone() });
    }
    log(state, job, line).await?;
    if let Some(old) = retired {
        log(state, job, format!("{old} no longer receives traffic")).await?;
    }
    Ok(StepOutcome::Done)
}

/// A rollback's last step (R-RB-1): the version that lost the traffic scales down.
pub async fn scale_down(state: &Deployer, job: &Job) -> DbResult<StepOutcome> {
    let Kind::Rollback { from } = &job.kind else {
        return Ok(StepOutcome::Failed("only a rollback scales a version down".into()));
    };
    state.runtime.retire(&VersionRef { version: from.clone(), ..job.at.clone() });
    log(state, job, format!("{from} no longer receives traffic; its instances scale down")).await?;
    Ok(StepOutcome::Done)
}
