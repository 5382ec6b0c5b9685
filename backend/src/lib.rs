//! The console's backend-for-frontend: holds sessions, users and roles, and
//! proxies the SPA's calls to the cloud as TC3-signed requests.
//!
//! Split by feature: signing in (`auth`), users and members (`team`), the
//! audit log (`audit`), everything that calls the cloud (`cloud`), and the
//! HTTP edge no feature owns (`http`). What they share are leaves: `state`
//! (`AppState`), `identity` (the signed-in caller), `access` (the permission
//! check), `token_reads` (which token reads were audited lately), `error`,
//! `db`, `clock`, `config`. This file only wires them
//! together: the routes (`api`, `app`) and start-up (`start`, `run`).

mod access;
mod audit;
mod auth;
pub mod clock;
mod cloud;
pub mod config;
mod db;
mod demo;
mod error;
mod http;
mod identity;
mod keys;
mod state;
mod team;
mod token_reads;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use console_shared::tc3::Credential;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use crate::auth::passwords::FirstAdmin;
use crate::clock::Clock;
pub use crate::cloud::hub::Hub;
use crate::cloud::upstream::Upstream;
use crate::config::Config;
pub use crate::error::StartError;
use crate::state::{AppState, Inner};

/// The BFF's API: every route with its OpenAPI description, so the document
/// (`/api/openapi.json`) is made from the routes themselves and none is left
/// out. Every request gets a deadline but the live streams (their
/// keep-alives hold them open by design) and package uploads (which have
/// their own).
pub fn api(request_timeout: Duration) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(http::openapi::ApiDoc::openapi())
        .merge(auth::routes::router())
        .merge(auth::account::router())
        .merge(auth::tokens::router())
        .merge(cloud::proxy::router())
        .merge(team::users::router())
        .merge(team::members::router())
        .merge(audit::routes::router())
        .merge(cloud::secrets::router())
        .merge(cloud::timeline::router())
        .merge(cloud::certificates::router())
        .merge(http::spa::reports_router())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout))
        .merge(cloud::events::router())
        .merge(cloud::logs::router())
        .merge(cloud::packages::router())
}

/// The OpenAPI document, for the snapshot test: the same the console serves.
pub fn openapi_document() -> String {
    api(Duration::from_secs(30)).split_for_parts().1.to_pretty_json().unwrap_or_default()
}

/// The router, apart from the listener, so tests can drive it directly.
pub fn app(state: AppState) -> Router {
    let hsts = SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, {
        let on = state.hsts;
        move |_: &axum::response::Response| on.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"))
    });
    let api_no_store = SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |res: &axum::response::Response| {
        // API answers are per-user and must not be cached; SPA assets set their own.
        let is_json =
            res.headers().get(header::CONTENT_TYPE).is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
        (is_json || res.headers().get(header::CACHE_CONTROL).is_none()).then(|| HeaderValue::from_static("no-store"))
    });
    let (api, document) = api(state.request_timeout).split_for_parts();
    // Outside the API document: the document itself and the probes.
    let plumbing = Router::new()
        .merge(http::openapi::router(document))
        .merge(http::health::router())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.request_timeout));
    Router::new()
        .merge(api)
        .merge(plumbing)
        .fallback(http::spa::serve)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::rotate_marked_sessions))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::health::refuse_when_lost))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::csrf::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::edge::check_host))
        .with_state(state.clone())
        // A body that stops arriving ends the request.
        .layer(RequestBodyTimeoutLayer::new(state.request_timeout))
        .layer(axum::middleware::from_fn(http::edge::json_errors))
        // One span per request, named by a request id (made here, sent back
        // as `x-request-id`), and the one log line of a failed request.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    // The path without its query: queries may carry filters typed by users.
                    tracing::info_span!("request", request.id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(api_no_store)
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(hsts)
        .layer(CompressionLayer::new())
}

/// Errors are logged here, once, with the cause their `AppError` carried.
fn log_response(res: &axum::response::Response, latency: Duration, _: &tracing::Span) {
    let status = res.status().as_u16();
    let duration_ms = latency.as_millis() as u64;
    match res.extensions().get::<error::Cause>() {
        Some(cause) if res.status().is_server_error() => {
            tracing::error!(status, duration_ms, cause = %cause.0, "request failed")
        }
        Some(cause) => tracing::info!(status, duration_ms, cause = %cause.0, "request refused"),
        None => tracing::debug!(status, duration_ms, "request done"),
    }
}

/// A console that is listening.
pub struct Running {
    pub addr: SocketAddr,
    /// The embedded localcloud, when no cloud was configured.
    pub localcloud: Option<localcloud::Running>,
    /// The deploy-progress hub, whose counters tests and the benchmark read.
    pub hub: Arc<Hub>,
    /// Set when this start created the first admin.
    pub first_admin: Option<FirstAdmin>,
    server: tokio::task::JoinHandle<()>,
    /// Tells the server to stop taking connections.
    stopping: tokio::sync::watch::Sender<bool>,
}

/// How long a stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(10);

impl Running {
    /// Serves until `signal`, then stops gracefully: live deploy streams end
    /// (browsers reconnect with `Last-Event-ID`), requests in flight get up
    /// to ten seconds to finish, and no new connection is taken.
    pub async fn serve_until(self, signal: impl std::future::Future<Output = ()>) {
        let mut server = self.server;
        tokio::select! {
            _ = &mut server => return,
            () = signal => {}
        }
        tracing::info!("stopping: finishing the requests in flight");
        self.hub.close();
        let _ = self.stopping.send(true);
        if tokio::time::timeout(DRAIN, server).await.is_err() {
            tracing::warn!("requests were still running after {DRAIN:?}; stopped anyway");
        }
    }
}

/// Opens everything and starts serving on the current runtime.
pub async fn start(config: Config, clock: Arc<dyn Clock>) -> Result<Running, StartError> {
    // Password hashes, the audit log and keys: the owner's alone.
    localcloud::private::dir(&config.data_dir).map_err(StartError::DataDir)?;
    let (db, db_health) = db::open(&config.data_dir.join("console.db")).await?;
    let origins =
        http::origins::Origins::new(config.public_url.as_deref(), config.behind_tls).map_err(StartError::Config)?;
    let tls = config.behind_tls || origins.https();

    let timeout = Duration::from_secs(config.cloud_timeout_secs.max(1));
    let (upstream, embedded) = match (&config.cloud_secret_id, &config.cloud_secret_key) {
        (Some(id), Some(key)) => {
            let credential = Credential { secret_id: id.clone(), secret_key: key.clone() };
            let scheme = config.cloud_scheme.to_ascii_lowercase();
            if scheme != "http" && scheme != "https" {
                return Err(StartError::Config("CLOUD_SCHEME must be http or https".into()));
            }
            (Upstream::new(credential, config.cloud_endpoint.clone(), scheme, timeout), None)
        }
        (None, None) => {
            let credential =
                keys::load_or_create(&config.data_dir.join("localcloud-credentials.json")).map_err(StartError::Keys)?;
            let running = localcloud::start(localcloud::Config {
                addr: config.localcloud_addr,
                gateway_addr: config.localcloud_gateway_addr,
                gateway_tls_addr: config.localcloud_gateway_tls_addr,
                data_dir: config.data_dir.join("localcloud"),
                credentials: vec![credential.clone()],
                step_delay: Duration::from_millis(config.localcloud_step_ms),
                package_max_bytes: console_shared::rules::PACKAGE_MAX_BYTES,
                package_quota_bytes_per_env: config.localcloud_package_quota_bytes,
                scale_to_zero_after: Duration::from_secs(config.scale_to_zero_after_secs),
                drain_after: Duration::from_secs(config.drain_after_secs),
                instance_program: match &config.localcloud_instance_program {
                    Some(program) => program.clone(),
                    None => std::env::current_exe()
                        .map_err(|e| StartError::Config(format!("cannot find the console's own program: {e}")))?,
                },
                log_retention: Duration::from_secs(config.log_retention_days.saturating_mul(86_400)),
            })
            .await?;
            let upstream = Upstream::new(credential, Some(running.api_addr.to_string()), "http".into(), timeout);
            (upstream, Some(running))
        }
        _ => {
            return Err(StartError::Config("set both CLOUD_SECRET_ID and CLOUD_SECRET_KEY, or neither".into()));
        }
    };

    let first_admin = auth::passwords::ensure_first_admin(&db, config.admin_password.clone(), clock.now())
        .await
        .map_err(|e| StartError::FirstAdmin(e.body.message))?;

    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind(config.addr, e))?;
    let hub = Arc::new(Hub::new(config.max_streams_per_user));
    let state = AppState::new(Inner {
        db,
        clock,
        upstream: Arc::new(upstream),
        hub: hub.clone(),
        spa: http::spa::assets::Spa::load(&config.dist_dir),
        // An https public URL means a TLS proxy in front, as CONSOLE_BEHIND_TLS does.
        secure_cookies: tls || !addr.ip().is_loopback(),
        hsts: tls,
        session_idle: config.session_idle_minutes.max(1) * 60,
        session_absolute: config.session_absolute_hours.max(1) * 3600,
        upload_max_bytes: config.upload_max_bytes,
        token_reads: token_reads::TokenReads::default(),
        login_limiter: auth::ratelimit::LoginLimiter::new(
            config.login_max_failures,
            config.login_max_failures_per_ip,
            config.login_window_minutes.max(1) * 60,
        ),
        trusted_proxies: config.trusted_proxies.clone(),
        max_sessions_per_user: config.max_sessions_per_user.max(1),
        origins,
        csp_reports: http::spa::csp::ReportBudget::default(),
        db_health: db_health.clone(),
        request_timeout: Duration::from_secs(config.request_timeout_secs.max(1)),
    });
    tokio::spawn(db::watch(db_health));
    if config.demo
        && let Some(cloud) = &embedded
    {
        tokio::spawn(demo::seed(state.clone(), cloud.gateway_addr));
    }
    let limits = http::serve::Limits {
        max_connections: config.max_connections,
        max_per_address: config.max_connections_per_address,
        trusted_proxies: config.trusted_proxies.clone(),
        head_timeout: Duration::from_secs(config.request_timeout_secs.clamp(1, 30)),
    };
    let router = app(state);
    let (stopping, stop) = tokio::sync::watch::channel(false);
    // Only a stop stops it: dropping the `Running` handle (as tests do)
    // leaves it serving.
    let server = tokio::spawn(http::serve::serve(listener, router, limits, stop));
    Ok(Running { addr, localcloud: embedded, first_admin, hub, server, stopping })
}

/// `console backup FILE`: an online copy of the database.
pub async fn backup(data_dir: &std::path::Path, file: &std::path::Path) -> Result<(), String> {
    db::backup(data_dir, file).await
}

/// `console`'s main loop: start, tell the operator where to go, serve.
pub async fn run(config: Config) -> Result<(), StartError> {
    let running = start(config, Arc::new(clock::SystemClock)).await?;
    println!("console listening on http://{}", running.addr);
    if let Some(cloud) = &running.localcloud {
        println!(
            "embedded localcloud API on http://{}, gateway on http://{}, TLS gateway on https://{}",
            cloud.api_addr, cloud.gateway_addr, cloud.gateway_tls_addr
        );
    }
    match &running.first_admin {
        // Printed once, to the operator's terminal only, never to the log.
        Some(FirstAdmin::Generated(password)) => {
            println!("first admin created: username `admin`, password `{password}` (shown only this once)")
        }
        Some(FirstAdmin::FromEnv) => {
            println!(
                "first admin created: username `admin`, password from CONSOLE_ADMIN_PASSWORD (to be changed at the \
                 first sign-in)"
            )
        }
        None => {}
    }
    running.serve_until(stop_signal()).await;
    Ok(())
}

/// Ctrl-C, or SIGTERM (what service managers send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
