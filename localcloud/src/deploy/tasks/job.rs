//! A deploy task as its steps see it: the job, the log it appends to, and how
//! a step ends. The runner (`deploy::tasks`) and its build steps share these.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::VersionRef;
use tokio_util::sync::CancellationToken;

use crate::deploy::Deployer;
use crate::deploy::build::budget::shorten;
use crate::deploy::kind::Kind;

/// What a deploy's work fails with: only the store can break it; a step that
/// fails says so with [`StepOutcome::Failed`].
pub type DbResult<T> = Result<T, sqlx::Error>;

/// The longest log line kept, in characters: lines quote the package and the
/// Dockerfile, which may hold anything (issue #8).
const LOG_LINE_MAX: usize = 500;

/// Appends a line to the task's log, tagged with the step running now.
pub async fn log(state: &Deployer, job: &Job, line: impl Into<String>) -> DbResult<()> {
    let step = job.step.load(Ordering::Relaxed);
    append(&state.db, job.task, (step >= 0).then_some(step), &line.into()).await
}

/// Appends a line to a task's log, tagged with `step` (none: after the
/// steps, e.g. when a gray release ends).
pub async fn append(db: impl sqlx::SqliteExecutor<'_>, task: i64, step: Option<i64>, line: &str) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO task_logs (task_id, seq, at, line, step)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_logs WHERE task_id = ?1), ?2, ?3, ?4)",
    )
    .bind(task)
    .bind(crate::clock::now())
    .bind(shorten(line, LOG_LINE_MAX))
    .bind(step)
    .execute(db)
    .await?;
    Ok(())
}

/// Sets a version's status (`versions.status`), as DescribeVersionDetail,
/// DescribeReleaseOrder and the deploy records read it; a rollback is
/// possible only to a `normal` one.
pub async fn set_version_status(db: impl sqlx::SqliteExecutor<'_>, at: &VersionRef, status: &str) -> DbResult<()> {
    sqlx::query("UPDATE versions SET status = ? WHERE env_id = ? AND server_name = ? AND version_name = ?")
        .bind(status)
        .bind(at.env.as_str())
        .bind(at.service.as_str())
        .bind(at.version.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Appends lines to the task's log in one transaction, as [`log`] does each.
pub async fn log_all(state: &Deployer, job: &Job, lines: Vec<String>) -> DbResult<()> {
    let step = job.step.load(Ordering::Relaxed);
    let at = crate::clock::now();
    let mut tx = crate::store::write_tx(&state.db).await?;
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM task_logs WHERE task_id = ?")
        .bind(job.task)
        .fetch_one(&mut *tx)
        .await?;
    for (seq, line) in (last + 1..).zip(lines) {
        sqlx::query("INSERT INTO task_logs (task_id, seq, at, line, step) VALUES (?, ?, ?, ?, ?)")
            .bind(job.task)
            .bind(seq)
            .bind(at)
            .bind(shorten(&line, LOG_LINE_MAX))
            .bind((step >= 0).then_some(step))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// What the runner needs to know about the task.
pub struct Job {
    pub task: i64,
    /// The version the task makes, or rolls back to.
    pub at: VersionRef,
    /// The image the version runs: pulled, or built and pushed from the
    /// package, or the one an existing version runs.
    pub image: String,
    pub kind: Kind,
    /// The version's frozen configuration (R-VER-3).
    pub config: ServerBaseConfig,
    /// The index of the step running now (-1 before the first), for the log.
    pub step: AtomicI64,
    /// Cancelled when the task is: the step in progress stops, build work
    /// on the blocking pool included.
    pub stop: CancellationToken,
    /// Set once the release step committed: the traffic moved (or the gray
    /// release opened), so the task can no longer fail or be cancelled.
    pub released: AtomicBool,
}

impl Job {
    pub fn new(task: i64, at: VersionRef, image: String, kind: Kind, config: ServerBaseConfig) -> Self {
        Job {
            task,
            at,
            image,
            kind,
            config,
            step: AtomicI64::new(-1),
            stop: CancellationToken::new(),
            released: AtomicBool::new(false),
        }
    }
}

/// How a step ended: a failure is the deploy's, with its reason.
pub enum StepOutcome {
    Done,
    Failed(String),
    /// The release found the task cancelled: the traffic did not move.
    Cancelled,
}

/// Logged where a real cloud would pull or build an image.
pub const NO_CONTAINERS: &str = "note: localcloud cannot run containers; this version runs as its built-in workload, which answers every request with who it is";
