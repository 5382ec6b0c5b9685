//! Deploys: a task's pipeline of named steps (`steps`) by what it does
//! (`kind`: deploy code, change settings, roll back), the runner that
//! walks them and records every step, line and outcome (`tasks`), what a
//! package build reads and checks (`build`), and how a cancel reaches a
//! running task (`cancels`). The API starts and cancels deploys; nothing
//! here knows the API.

pub mod build;
pub mod cancels;
pub mod kind;
pub mod source;
pub mod steps;
pub mod tasks;

use std::sync::Arc;

use crate::packages;
use crate::runtime::instances::Runtime;

/// What every deploy shares: the store, the instances it starts, the code
/// packages it builds from, and the limits on its work.
pub struct Deployer {
    pub db: sqlx::SqlitePool,
    /// Where a version's instances run.
    pub runtime: Arc<Runtime>,
    /// For the health checks.
    pub http: reqwest::Client,
    /// The code packages, and the files a failed deploy releases.
    pub packages: packages::Store,
    /// How long each step takes: realistic for demonstrations, near zero for tests.
    pub step_delay: std::time::Duration,
    /// Largest code package a build reads (R-DEP-2).
    pub package_max_bytes: u64,
    /// How a cancel reaches a running deploy task.
    pub cancels: cancels::Cancels,
    /// Build work running on the blocking pool at once (`tasks::build_steps`).
    pub builds: Arc<tokio::sync::Semaphore>,
}
