//! What the API's handlers share: the store, the instances, the code
//! packages, the deploys, and the settings the actions read.

use std::sync::Arc;

use console_shared::tc3::Credential;

use crate::deploy::Deployer;
use crate::packages::{self, receiving::Receiving};
use crate::runtime::instances::Runtime;

/// Shared state of the API: its handlers and the upload and download URLs.
pub struct State {
    pub(crate) db: sqlx::SqlitePool,
    /// The telemetry (`observe.db`): runtime logs and metrics.
    pub(crate) observe: sqlx::SqlitePool,
    /// What the gateway and the sampler counted, not yet all in `observe`.
    pub(crate) metrics: Arc<crate::observe::metrics::Metrics>,
    pub(crate) credentials: Vec<Credential>,
    /// The gateway's port, part of every default domain.
    pub(crate) gateway_port: u16,
    /// Running instances of every version.
    pub(crate) runtime: Arc<Runtime>,
    /// The uploaded code packages.
    pub(crate) packages: packages::Store,
    /// Signs upload and download URLs (kept in the database).
    pub(crate) url_key: Vec<u8>,
    /// `http://<api addr>`, the base of those URLs.
    pub(crate) api_url: String,
    pub(crate) package_max_bytes: u64,
    pub(crate) package_quota_bytes: u64,
    /// The uploads in progress, counted against the quota.
    pub(crate) receiving: Receiving,
    /// Starts deploys, and cancels them.
    pub(crate) deployer: Arc<Deployer>,
    /// Seals uploaded certificates' private keys (and opens them to serve).
    pub(crate) sealer: Arc<crate::domains::sealing::Sealer>,
}

pub type SharedState = Arc<State>;
