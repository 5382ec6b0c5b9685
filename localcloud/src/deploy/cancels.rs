//! How a cancel (R-DEP-3) reaches a running deploy task: the API marks the
//! task cancelled in the store and fires its token here; the runner stops
//! the step in progress, build work included (issue #8).

use std::collections::HashMap;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

/// The cancel tokens of the tasks running now, so a cancel (R-DEP-3) stops
/// the step in progress at once rather than at the next step (issue #8).
#[derive(Default)]
pub struct Cancels(Mutex<HashMap<i64, CancellationToken>>);

impl Cancels {
    /// Keeps the token of a task that starts running.
    pub fn add(&self, task: i64, stop: CancellationToken) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(task, stop);
    }

    /// Forgets a task that ended.
    pub fn forget(&self, task: i64) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&task);
    }

    /// Stops the task's runner, if it runs.
    pub fn cancel(&self, task: i64) {
        if let Some(stop) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&task) {
            stop.cancel();
        }
    }
}
