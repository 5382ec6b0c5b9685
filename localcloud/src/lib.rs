//! localcloud: a local stand-in for Tencent Cloud's CloudBase Run API, like
//! LocalStack is for AWS. It speaks API 3.0 (TC3-signed `POST /`), keeps its
//! state in SQLite, enforces the product rules with Tencent's error codes, and
//! runs a gateway for the services' domains: their default domains over HTTP,
//! and custom domains over HTTP and over HTTPS with their uploaded
//! certificates (a second listener, TLS with SNI).
//!
//! The console starts it in-process when no cloud is configured; the
//! `localcloud` binary runs it standalone for any Tencent Cloud SDK.
//!
//! The modules, by feature; each imports only the ones below it, and this
//! root, which wires them together in [`start`], is imported by none:
//! - `api`: the API 3.0 surface: signature check, dispatch, envelope, and
//!   the actions by area (environments, services, versions, deploy tasks,
//!   code packages, certificates, custom domains), with the upload and
//!   download URLs of the packages.
//! - `deploy`: the deploy pipeline: the task runner, its steps, and what a
//!   package build reads and checks.
//! - `packages`: the code-package store: rows, files, quota, and when they go.
//! - `runtime`: what serves traffic: the versions' instances (each its own
//!   process), the scaler that sizes them, and the gateway with its TLS
//!   listener.
//! - `instance`: the instance mode of the program, in which one instance's
//!   process serves the built-in workload (public: both mains call
//!   `instance::run_if_asked` first).
//! - `domains`: the custom domains' bindings and their certificates, whose
//!   private keys are sealed at rest.
//! - `store`, `clock`, `private`: the database, the time, the files' modes.

mod api;
mod clock;
mod deploy;
mod domains;
pub mod instance;
mod observe;
mod packages;
pub mod private;
mod runtime;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use console_shared::tc3::Credential;
use tokio::net::TcpListener;

pub use api::protocol::app;
pub use api::state::{SharedState, State};

/// The default of [`Config::package_quota_bytes_per_env`]: 1 GiB.
pub const DEFAULT_PACKAGE_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;

/// The default of [`Config::scale_to_zero_after`] and [`Config::drain_after`],
/// in seconds: the product's 30 minutes.
pub const DEFAULT_WINDOW_SECS: u64 = 1800;

/// The default of [`Config::log_retention`], in seconds: 7 days.
pub const DEFAULT_LOG_RETENTION_SECS: u64 = 7 * 24 * 3600;

/// How to run a localcloud.
#[derive(Debug, Clone)]
pub struct Config {
    /// API listener; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Gateway listener for the services' domains; port 0 picks a free port.
    pub gateway_addr: SocketAddr,
    /// The gateway's TLS listener, for custom domains bound with a
    /// certificate (chosen by SNI); port 0 picks a free port.
    pub gateway_tls_addr: SocketAddr,
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
    /// How long a version with MinNum 0 may go without a request before it
    /// scales to zero (R-INS-4); the next request cold-starts an instance.
    pub scale_to_zero_after: std::time::Duration,
    /// How long a version that lost all its traffic keeps its instances
    /// before they stop (R-UPD-1).
    pub drain_after: std::time::Duration,
    /// The program every instance runs as its own process: an executable
    /// that serves the built-in workload when its first argument is
    /// `instance::ARG` (the `localcloud` and `console` binaries both do).
    pub instance_program: PathBuf,
    /// How long runtime log lines are kept ([`DEFAULT_LOG_RETENTION_SECS`]).
    pub log_retention: std::time::Duration,
}

/// A running localcloud: where it listens. Dropping it does not stop it; the
/// tasks end with the runtime, their build work on the blocking pool too.
#[derive(Debug, Clone, Copy)]
pub struct Running {
    pub api_addr: SocketAddr,
    pub gateway_addr: SocketAddr,
    pub gateway_tls_addr: SocketAddr,
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
    #[error(transparent)]
    Sealing(#[from] domains::sealing::SealError),
}

impl From<store::OpenError> for StartError {
    fn from(e: store::OpenError) -> Self {
        match e {
            store::OpenError::File(path, e) => StartError::File(path, e),
            store::OpenError::Db(e) => StartError::Db(e),
            store::OpenError::Migrate(e) => StartError::Migrate(e),
        }
    }
}

/// Opens the store, binds the API's and the gateway's listeners and serves
/// them on the current runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    private::dir(&config.data_dir).map_err(|e| StartError::DataDir(config.data_dir.clone(), e))?;
    let packages_dir = config.data_dir.join("packages");
    private::dir(&packages_dir).map_err(|e| StartError::DataDir(packages_dir.clone(), e))?;
    let db = store::open(&config.data_dir.join("localcloud.db")).await?;
    let observe_db = observe::open(&config.data_dir).await?;
    let (log_sink, log_lines) = observe::logs::LogSink::new();
    observe::logs::writer::spawn_writer(observe_db.clone(), log_lines);
    observe::logs::writer::spawn_retention(observe_db.clone(), config.log_retention);
    let metrics = Arc::new(observe::metrics::Metrics::default());
    metrics.spawn_writer(observe_db.clone());
    let sealer = Arc::new(domains::sealing::Sealer::load_or_create(&config.data_dir.join("cert-seal.key"))?);
    let api = TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
    let gw = TcpListener::bind(config.gateway_addr).await.map_err(|e| StartError::Bind(config.gateway_addr, e))?;
    let api_addr = api.local_addr().map_err(|e| StartError::Bind(config.addr, e))?;
    let gateway_addr = gw.local_addr().map_err(|e| StartError::Bind(config.gateway_addr, e))?;
    let tls_addr = config.gateway_tls_addr;
    let gw_tls = TcpListener::bind(tls_addr).await.map_err(|e| StartError::Bind(tls_addr, e))?;
    let gateway_tls_addr = gw_tls.local_addr().map_err(|e| StartError::Bind(tls_addr, e))?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| StartError::Http(e.to_string()))?;
    let url_key: String = sqlx::query_scalar("SELECT key FROM url_key WHERE id = 1").fetch_one(&db).await?;
    let (launcher, instance_events) =
        runtime::instances::Launcher::new(&config.instance_program, &config.data_dir, log_sink);
    let windows = runtime::instances::Windows {
        scale_to_zero_after: config.scale_to_zero_after,
        drain_after: config.drain_after,
    };
    let runtime = Arc::new(runtime::instances::Runtime::new(windows, launcher));
    let instances = runtime.clone();
    metrics.spawn_sampler(observe::metrics::SAMPLE_EVERY, move || instances.usage());
    let package_store = packages::Store::new(db.clone(), packages_dir);
    let deployer = Arc::new(deploy::Deployer {
        db: db.clone(),
        runtime: runtime.clone(),
        http: http.clone(),
        packages: package_store.clone(),
        step_delay: config.step_delay,
        package_max_bytes: config.package_max_bytes,
        cancels: deploy::cancels::Cancels::default(),
        builds: Arc::new(tokio::sync::Semaphore::new(deploy::tasks::build_steps::BUILDS_AT_ONCE)),
    });
    deploy::tasks::recover(&deployer).await?;
    package_store.sweep_at_start().await?;
    package_store.clone().sweep_periodically();
    runtime::scaler::spawn(db.clone(), runtime.clone(), instance_events);
    let state = Arc::new(State {
        db: db.clone(),
        observe: observe_db,
        metrics: metrics.clone(),
        credentials: config.credentials,
        gateway_port: gateway_addr.port(),
        runtime: runtime.clone(),
        packages: package_store,
        url_key: url_key.into_bytes(),
        api_url: format!("http://{api_addr}"),
        package_max_bytes: config.package_max_bytes,
        package_quota_bytes: config.package_quota_bytes_per_env,
        receiving: packages::receiving::Receiving::default(),
        deployer,
        sealer: sealer.clone(),
    });

    let api_app = app(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(api, api_app).await {
            tracing::error!(error = %e, "localcloud API server stopped");
        }
    });
    let ports = runtime::gateway::Ports { http: gateway_addr.port(), tls: gateway_tls_addr.port() };
    let gw_app = runtime::gateway::app(db.clone(), runtime, http, ports, metrics);
    let certificates = Arc::new(runtime::tls::Certificates::new(db, sealer));
    tokio::spawn(runtime::tls::serve(gw_tls, certificates, gw_app.clone(), runtime::tls::Limits::default()));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(gw, gw_app).await {
            tracing::error!(error = %e, "localcloud gateway stopped");
        }
    });
    tracing::info!(%api_addr, %gateway_addr, %gateway_tls_addr, "localcloud listening");
    Ok(Running { api_addr, gateway_addr, gateway_tls_addr })
}
