//! Tasks: the runner that walks a task's steps, and the steps of an image
//! (pull, create, start, health check); the build steps of a package are
//! `build_steps`, the release and a rollback's scale down `release`.
//! Everything is persisted as it happens (R-DEP-5), so a record outlives its
//! task and a restart finds a consistent state; `api::tasks` reads it back.

pub mod build_steps;
pub mod job;
pub mod release;
mod restart;

pub use restart::recover;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::{DeployType, ServiceStatus, Step, StepStatus, TaskStatus, VersionRef};
use console_shared::wording::FailReason;

use self::job::{DbResult, Job, NO_CONTAINERS, StepOutcome, log, set_version_status};
use crate::deploy::Deployer;
use crate::deploy::build::inspect::Inspected;
use crate::deploy::kind::Kind;
use crate::deploy::source::Source;
use crate::deploy::steps::steps_of;
use crate::instance::{IMAGE_MISSING, IMAGE_SLOW_START};
use crate::packages::files;

async fn set_step(state: &Deployer, task: i64, idx: usize, status: StepStatus, fail_reason: &str) -> DbResult<()> {
    let now = crate::clock::now();
    let (start, end) = match status {
        StepStatus::Running => (Some(now), None),
        _ => (None, Some(now)),
    };
    sqlx::query(
        "UPDATE task_steps SET status = ?, started_at = COALESCE(?, started_at), ended_at = COALESCE(?, ended_at),
         fail_reason = ? WHERE task_id = ? AND idx = ?",
    )
    .bind(status.as_str())
    .bind(start)
    .bind(end)
    .bind(fail_reason)
    .bind(task)
    .bind(idx as i64)
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Creates a task of `kind` for the version `at` with its steps, all `todo`.
/// `deploy_type` says how the version's image was made.
pub async fn create(
    tx: &mut sqlx::SqliteConnection,
    at: &VersionRef,
    pre_version: &str,
    remark: &str,
    kind: &Kind,
    deploy_type: &DeployType,
) -> DbResult<i64> {
    // RunId and BuildId are opaque, as the real cloud's are: random, unrelated
    // to the version name or the task id, so no client can lean on a pattern.
    // Only a package deploy builds; any other task's BuildId is 0 (CLOUD-API.md §11).
    let build_id = match kind.source() {
        Some(Source::Package(_)) => 1_000_000 + i64::from(rand::random::<u32>() >> 2),
        _ => 0,
    };
    let run_id = format!("{:016x}", rand::random::<u64>());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tasks (env_id, server_name, version_name, pre_version_name, status, release_type, deploy_type,
         remark, created_at, run_id, build_id, change_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(at.env.as_str())
    .bind(at.service.as_str())
    .bind(at.version.as_str())
    .bind(pre_version)
    .bind(TaskStatus::Running.as_str())
    .bind(kind.release_type().as_str())
    .bind(deploy_type.as_str())
    .bind(remark)
    .bind(crate::clock::now())
    .bind(run_id)
    .bind(build_id)
    .bind(kind.change_type().as_str())
    .fetch_one(&mut *tx)
    .await?;
    for (idx, name) in steps_of(kind).iter().enumerate() {
        sqlx::query("INSERT INTO task_steps (task_id, idx, name, status) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(idx as i64)
            .bind(name.as_str())
            .bind(StepStatus::Todo.as_str())
            .execute(&mut *tx)
            .await?;
    }
    Ok(id)
}

/// Whether someone cancelled the task (R-DEP-3).
async fn cancelled(state: &Deployer, task: i64) -> DbResult<bool> {
    sqlx::query_scalar("SELECT cancel_requested FROM tasks WHERE id = ?").bind(task).fetch_one(&state.db).await
}

/// Runs a task to its end in the background.
pub fn spawn(state: Arc<Deployer>, job: Job) {
    state.cancels.add(job.task, job.stop.clone());
    tokio::spawn(async move {
        if let Err(e) = run(&state, &job).await {
            tracing::error!(error = %e, task.id = job.task, "deploy task broke off");
            // As after a restart (`recover`): a task whose traffic moved
            // never fails; it ends finished, or an open gray release keeps it.
            let ended = if job.released.load(Ordering::Acquire) {
                complete(&state, &job).await
            } else {
                // As a failed step: the online version keeps serving, untouched.
                state.runtime.stop(&job.at);
                finish(&state, &job, TaskStatus::Failed, "localcloud failed internally during the deploy").await
            };
            if let Err(e) = ended {
                tracing::error!(error = %e, task.id = job.task, "could not record the end of a deploy task");
            }
        }
        state.cancels.forget(job.task);
    });
}

/// Ends a task that broke off after its release step: what was left (a
/// rollback's scale down) is done, and the task ends finished. The task of
/// an open gray release keeps running until the release ends (R-UPD-6).
async fn complete(state: &Deployer, job: &Job) -> DbResult<()> {
    match &job.kind {
        Kind::Code { gray: true, .. } => return Ok(()),
        Kind::Rollback { from } => state.runtime.retire(&VersionRef { version: from.clone(), ..job.at.clone() }),
        _ => {}
    }
    sqlx::query(
        "UPDATE task_steps SET status = 'finished', started_at = COALESCE(started_at, ?1), ended_at = ?1
         WHERE task_id = ?2 AND status IN ('todo', 'running')",
    )
    .bind(crate::clock::now())
    .bind(job.task)
    .execute(&state.db)
    .await?;
    finish(state, job, TaskStatus::Finished, "").await
}

/// The task's first log line: what it does.
fn opening_line(job: &Job) -> String {
    let (version, service) = (&job.at.version, &job.at.service);
    match &job.kind {
        Kind::Code { source, gray } => {
            let from = match source {
                Source::Image(image) => format!("image {image}"),
                Source::Package(p) => format!("code package {} version {}", p.name, p.version),
            };
            let how = if *gray { " as a gray release" } else { "" };
            format!("deploying {version} of {service} from {from}{how}")
        }
        Kind::Config { from } => {
            format!("deploying {version} of {service} with changed settings, from the image of {from}: {}", job.image)
        }
        Kind::Rollback { from } => format!("rolling {service} back from {from} to {version}"),
    }
}

async fn run(state: &Deployer, job: &Job) -> DbResult<()> {
    let delay = state.step_delay;
    log(state, job, opening_line(job)).await?;
    let steps = steps_of(&job.kind);
    // What the validate step read, for the build step.
    let mut read = Inspected::default();
    // Once the traffic moved (`job.released`) the task runs to its end: a
    // cancel is refused from then on (`api::tasks`), so none is looked for.
    for (idx, name) in steps.iter().enumerate() {
        let released = job.released.load(Ordering::Acquire);
        if !released && (job.stop.is_cancelled() || cancelled(state, job.task).await?) {
            return cancel_rest(state, job, idx).await;
        }
        job.step.store(idx as i64, Ordering::Relaxed);
        set_step(state, job.task, idx, StepStatus::Running, "").await?;
        let work = step(state, job, name, &mut read);
        let outcome = if *name == Step::Release {
            // Traffic moves in one write or not at all, so the release is
            // never cut off halfway; this is the last look before it: a
            // cancelled version never goes online.
            let waited = tokio::select! {
                biased;
                () = job.stop.cancelled() => false,
                () = tokio::time::sleep(delay) => true,
            };
            if !waited || cancelled(state, job.task).await? {
                return cancel_rest(state, job, idx).await;
            }
            work.await?
        } else if released {
            tokio::time::sleep(delay).await;
            work.await?
        } else {
            // Any other step stops mid-way on a cancel (issue #8).
            tokio::select! {
                biased;
                () = job.stop.cancelled() => return cancel_rest(state, job, idx).await,
                outcome = async {
                    tokio::time::sleep(delay).await;
                    work.await
                } => outcome?,
            }
        };
        match outcome {
            StepOutcome::Done => set_step(state, job.task, idx, StepStatus::Finished, "").await?,
            StepOutcome::Cancelled => return cancel_rest(state, job, idx).await,
            StepOutcome::Failed(reason) => {
                set_step(state, job.task, idx, StepStatus::Failed, &reason).await?;
                log(state, job, format!("{name} failed: {reason}")).await?;
                if !job.released.load(Ordering::Acquire) {
                    // The online version keeps serving, untouched.
                    state.runtime.stop(&job.at);
                }
                return finish(state, job, TaskStatus::Failed, &reason).await;
            }
        }
    }
    match &job.kind {
        // R-UPD-6: the task runs until the release is finished or abandoned
        // (`api::traffic`); its last line is written then.
        Kind::Code { gray: true, .. } => Ok(()),
        _ => {
            log(state, job, format!("{} is online with 100% of the traffic", job.at.version)).await?;
            finish(state, job, TaskStatus::Finished, "").await
        }
    }
}

/// One step's work; `read` carries what the validate step read to the build step.
async fn step(state: &Deployer, job: &Job, name: &Step, read: &mut Inspected) -> DbResult<StepOutcome> {
    Ok(match name {
        Step::Pull => pull(state, job).await?,
        Step::Validate => build_steps::validate(state, job, read).await?,
        Step::Build => build_steps::build(state, job, read).await?,
        Step::Push => build_steps::push(state, job).await?,
        Step::Create => {
            log(state, job, format!("version {} created; its configuration is frozen", job.at.version)).await?;
            StepOutcome::Done
        }
        Step::Start => start_instances(state, job, state.step_delay).await?,
        Step::Health => health_check(state, job).await?,
        Step::Release => release::release(state, job).await?,
        Step::ScaleDown => release::scale_down(state, job).await?,
        // Never reached with the step lists above; a step nobody wrote
        // fails the deploy instead of doing some other step's work.
        Step::Other(name) => StepOutcome::Failed(format!("localcloud has no step named `{name}`")),
    })
}

async fn pull(state: &Deployer, job: &Job) -> DbResult<StepOutcome> {
    log(state, job, format!("pulling {}", job.image)).await?;
    if job.image == IMAGE_MISSING {
        return Ok(StepOutcome::Failed(FailReason::ImageMissing(&job.image).to_string()));
    }
    log(state, job, format!("digest {}", digest(&job.image))).await?;
    log(state, job, NO_CONTAINERS).await?;
    Ok(StepOutcome::Done)
}

/// A stable, image-derived digest for the log (the image is never pulled).
fn digest(image: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    image.hash(&mut h);
    format!("sha256:{:016x}{:016x}", h.finish(), h.finish().rotate_left(17))
}

/// R-DEP-4: one instance during a low-cost deploy, minNum in high availability.
pub(crate) fn instances_for(config: &ServerBaseConfig) -> i64 {
    config.min_num.max(1)
}

async fn start_instances(state: &Deployer, job: &Job, delay: Duration) -> DbResult<StepOutcome> {
    let n = instances_for(&job.config);
    log(state, job, format!("starting {n} instance(s) of {} core / {} GiB", job.config.cpu, job.config.mem)).await?;
    if job.image == IMAGE_SLOW_START {
        log(state, job, "the image starts slowly; waiting").await?;
        tokio::time::sleep(delay * 3).await;
    }
    if matches!(job.kind, Kind::Rollback { .. }) {
        // The target may still be draining from when it lost its traffic:
        // it is coming back, so its drain ends here, before it starts more
        // instances, and no drain timer stops them. A rollback that does not
        // get to move the traffic stops the target (`run`, `cancel_rest`).
        state.runtime.serve_again(&job.at);
    }
    for _ in 0..n {
        match state.runtime.start_instance(&job.at, &job.image, &job.config).await {
            Ok(id) => log(state, job, format!("instance {id} started")).await?,
            Err(e) => {
                return Ok(StepOutcome::Failed(FailReason::InstanceNotStarted(&e.to_string()).to_string()));
            }
        }
    }
    Ok(StepOutcome::Done)
}

async fn health_check(state: &Deployer, job: &Job) -> DbResult<StepOutcome> {
    let count = state.runtime.count(&job.at);
    if count == 0 {
        // Nothing to check is not healthy: the instances stopped after they started.
        let why = format!("no instance of {} is running at the health check", job.at.version);
        return Ok(StepOutcome::Failed(FailReason::InstanceNotStarted(&why).to_string()));
    }
    for _ in 0..count {
        let Some(addr) = state.runtime.pick(&job.at) else {
            // Every instance's process is down (it crashed and is restarting):
            // none answers, which is not healthy either.
            let why = format!("no instance of {} is listening at the health check", job.at.version);
            return Ok(StepOutcome::Failed(FailReason::InstanceNotStarted(&why).to_string()));
        };
        let answer = state.http.get(format!("http://{addr}/")).send().await;
        match answer {
            Ok(r) if r.status().is_success() => log(state, job, format!("{addr}: healthy ({})", r.status())).await?,
            Ok(r) => {
                return Ok(StepOutcome::Failed(FailReason::Unhealthy(&r.status().to_string()).to_string()));
            }
            Err(e) => {
                return Ok(StepOutcome::Failed(FailReason::Unreachable(&e.to_string()).to_string()));
            }
        }
    }
    Ok(StepOutcome::Done)
}

async fn cancel_rest(state: &Deployer, job: &Job, from: usize) -> DbResult<()> {
    for idx in from..steps_of(&job.kind).len() {
        set_step(state, job.task, idx, StepStatus::Cancelled, "").await?;
    }
    state.runtime.stop(&job.at);
    match &job.kind {
        Kind::Rollback { from } => log(state, job, format!("cancelled: {from} keeps the traffic")).await?,
        _ => log(state, job, "cancelled: this version never went online").await?,
    }
    finish(state, job, TaskStatus::Cancelled, &FailReason::Cancelled.to_string()).await
}

async fn finish(state: &Deployer, job: &Job, status: TaskStatus, reason: &str) -> DbResult<()> {
    // A version's status, as DescribeCloudRunServerDetail and the records say it.
    let version_status = match status {
        TaskStatus::Finished => ServiceStatus::Normal.as_str(),
        TaskStatus::Cancelled => TaskStatus::Cancelled.as_str(),
        _ => ServiceStatus::DeployFailed.as_str(),
    };
    let mut tx = crate::store::write_tx(&state.db).await?;
    sqlx::query("UPDATE tasks SET status = ?, fail_reason = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(reason)
        .bind(job.task)
        .execute(&mut *tx)
        .await?;
    // A rollback's target existed before it and stays as it was, whatever
    // became of the rollback.
    let makes_version = job.kind.makes_version();
    if makes_version {
        set_version_status(&mut *tx, &job.at, version_status).await?;
    }
    // A service whose first deploy did not succeed has nothing online.
    sqlx::query(
        "UPDATE services SET status = CASE WHEN online_version IS NULL THEN 'create_failed' ELSE 'normal' END
         WHERE env_id = ? AND server_name = ?",
    )
    .bind(job.at.env.as_str())
    .bind(job.at.service.as_str())
    .execute(&mut *tx)
    .await?;
    // A version that never serves does not hold its package (issue #8).
    let released = if status == TaskStatus::Finished || !makes_version {
        vec![]
    } else {
        files::release_version(&mut tx, job.at.env.as_str(), job.at.service.as_str(), job.at.version.as_str()).await?
    };
    tx.commit().await?;
    state.packages.remove_files(job.at.env.as_str(), released).await;
    tracing::info!(task.id = job.task, env.id = %job.at.env, %status, "deploy task ended");
    Ok(())
}
