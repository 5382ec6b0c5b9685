//! `AppState`: what every handler shares, made once at start (`crate::start`).
//!
//! It names the types it holds (the cloud client, the deploy hub, the
//! sign-in limiter, the SPA, the origins, the database's health) and
//! nothing else; none of the modules defining them imports this one, so it
//! sits below every handler in the import graph and above only those.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::ratelimit::LoginLimiter;
use crate::clock::Clock;
use crate::cloud::hub::Hub;
use crate::cloud::upstream::Upstream;
use crate::db::Health;
use crate::http::origins::Origins;
use crate::http::spa::assets::Spa;
use crate::http::spa::csp::ReportBudget;
use crate::token_reads::TokenReads;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What `AppState` holds.
pub struct Inner {
    pub db: sqlx::SqlitePool,
    pub clock: Arc<dyn Clock>,
    pub upstream: Arc<Upstream>,
    pub hub: Arc<Hub>,
    pub spa: Spa,
    /// Add `Secure` to the session cookie (off only for plain-http loopback).
    pub secure_cookies: bool,
    /// Send Strict-Transport-Security (only when served over TLS).
    pub hsts: bool,
    pub session_idle: i64,
    pub session_absolute: i64,
    pub login_limiter: LoginLimiter,
    /// Which reads made with a token were audited this minute.
    pub token_reads: TokenReads,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub max_sessions_per_user: i64,
    /// Largest code package the BFF passes on.
    pub upload_max_bytes: u64,
    pub origins: Origins,
    pub csp_reports: ReportBudget,
    /// Whether the database file is still the one opened.
    pub db_health: Arc<Health>,
    pub request_timeout: Duration,
}

impl AppState {
    pub fn new(inner: Inner) -> AppState {
        AppState(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
