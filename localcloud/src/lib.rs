//! localcloud: a local stand-in for Tencent Cloud's CloudBase Run API, like
//! LocalStack is for AWS. It speaks API 3.0 (TC3-signed `POST /`), keeps its
//! state in SQLite, enforces the product rules with Tencent's error codes, and
//! runs an HTTP gateway for the services' domains.
//!
//! The console starts it in-process when no cloud is configured; the
//! `localcloud` binary runs it standalone for any Tencent Cloud SDK.

mod build;
mod build_log;
mod deploy;
mod dockerfile;
mod envs;
mod gateway;
mod package_files;
mod packages;
pub mod private;
mod protocol;
mod receiving;
mod service_config;
mod services;
mod store;
mod task_actions;
mod tasks;
mod versions;
mod wildcard;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use console_shared::tc3::Credential;
use tokio::net::TcpListener;

pub use protocol::app;

/// The default of [`Config::package_quota_bytes_per_env`]: 1 GiB.
pub const DEFAULT_PACKAGE_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;

/// How to run a localcloud.
#[derive(Debug, Clone)]
pub struct Config {
    /// API listener; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Gateway listener for the services' domains; port 0 picks a free port.
    pub gateway_addr: SocketAddr,
    /// Where `localcloud.db` lives.
    pub data_dir: PathBuf,
    /// The key pairs it accepts.
    pub credentials: Vec<Credential>,
    /// How long each deploy step takes: realistic for demonstrations, near
    /// zero for tests.
    pub step_delay: std::time::Duration,
    /// Largest code package accepted (R-DEP-2); `rules::PACKAGE_MAX_BYTES` outside tests.
    pub package_max_bytes: u64,
    /// Bytes of stored code packages one environment may hold; an upload
    /// past it is refused with `LimitExceeded`. [`DEFAULT_PACKAGE_QUOTA_BYTES`]
    /// unless set.
    pub package_quota_bytes_per_env: u64,
}

/// Shared state of the API and the gateway.
pub struct State {
    pub(crate) db: sqlx::SqlitePool,
    pub(crate) credentials: Vec<Credential>,
    /// The gateway's port, part of every default domain.
    pub(crate) gateway_port: u16,
    pub(crate) step_delay: std::time::Duration,
    /// Running instances of every version.
    pub(crate) runtime: deploy::Runtime,
    /// For health checks and the gateway's hop to an instance.
    pub(crate) http: reqwest::Client,
    /// Where uploaded code packages are kept.
    pub(crate) packages_dir: PathBuf,
    /// Signs upload and download URLs (kept in the database).
    pub(crate) url_key: Vec<u8>,
    /// `http://<api addr>`, the base of those URLs.
    pub(crate) api_url: String,
    pub(crate) package_max_bytes: u64,
    pub(crate) package_quota_bytes: u64,
    /// The uploads in progress, counted against the quota.
    pub(crate) receiving: receiving::Receiving,
    /// How a cancel reaches a running deploy task.
    pub(crate) cancels: tasks::Cancels,
    /// Build work running on the blocking pool at once (`tasks::build_steps`).
    pub(crate) builds: Arc<tokio::sync::Semaphore>,
}

pub type SharedState = Arc<State>;

/// A running localcloud: where it listens. Dropping it does not stop it; the
/// tasks end with the runtime, their build work on the blocking pool too.
#[derive(Debug, Clone, Copy)]
pub struct Running {
    pub api_addr: SocketAddr,
    pub gateway_addr: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot make {0} private to this user: {1}")]
    File(PathBuf, std::io::Error),
    #[error("cannot open the database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

/// Opens the store, binds both listeners and serves them on the current runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    private::dir(&config.data_dir).map_err(|e| StartError::DataDir(config.data_dir.clone(), e))?;
    let packages_dir = config.data_dir.join("packages");
    private::dir(&packages_dir).map_err(|e| StartError::DataDir(packages_dir.clone(), e))?;
    let db = store::open(&config.data_dir.join("localcloud.db")).await?;
    let api = TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
    let gw = TcpListener::bind(config.gateway_addr).await.map_err(|e| StartError::Bind(config.gateway_addr, e))?;
    let api_addr = api.local_addr().map_err(|e| StartError::Bind(config.addr, e))?;
    let gateway_addr = gw.local_addr().map_err(|e| StartError::Bind(config.gateway_addr, e))?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| StartError::Http(e.to_string()))?;
    let url_key: String = sqlx::query_scalar("SELECT key FROM url_key WHERE id = 1").fetch_one(&db).await?;
    let state = Arc::new(State {
        db,
        credentials: config.credentials,
        gateway_port: gateway_addr.port(),
        step_delay: config.step_delay,
        runtime: deploy::Runtime::default(),
        http,
        packages_dir,
        url_key: url_key.into_bytes(),
        api_url: format!("http://{api_addr}"),
        package_max_bytes: config.package_max_bytes,
        package_quota_bytes: config.package_quota_bytes_per_env,
        receiving: receiving::Receiving::default(),
        cancels: tasks::Cancels::default(),
        builds: Arc::new(tokio::sync::Semaphore::new(tasks::BUILDS_AT_ONCE)),
    });
    tasks::recover(&state).await?;
    package_files::sweep_at_start(&state).await?;
    package_files::sweep_periodically(state.clone());

    let api_app = app(state.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(api, api_app).await {
            tracing::error!(error = %e, "localcloud API server stopped");
        }
    });
    let gw_app = gateway::app(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(gw, gw_app).await {
            tracing::error!(error = %e, "localcloud gateway stopped");
        }
    });
    tracing::info!(%api_addr, %gateway_addr, "localcloud listening");
    Ok(Running { api_addr, gateway_addr })
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
