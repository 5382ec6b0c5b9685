//! Metrics (R-OBS-2).

use std::time::Duration;

use console_shared::vocab::VersionRef;

/// What the gateway records per request.
#[derive(Default)]
pub struct Metrics {}

impl Metrics {
    pub fn record(&self, _version: &VersionRef, _status: u16, _latency: Duration) {}
}
