//! Sign-in, sessions and the `AuthUser` extractor.
//!
//! Sessions live in SQLite, keyed by the SHA-256 of a random token that only
//! the browser holds (in an `HttpOnly; SameSite=Strict` cookie). Every login
//! mints a new token; logout, idle and absolute expiry delete the row, so a
//! stolen old cookie is worthless.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use console_shared::dto::{ApiError, LoginRequest, Me, console_codes};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::audit::{self, Event, Outcome};
use crate::error::{AppError, AppResult};
use crate::json::AppJson;

pub const COOKIE: &str = "console_session";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/me", get(me))
}

/// argon2id with OWASP's baseline (m = 19 MiB, t = 2, p = 1).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the blocking pool: argon2 takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of no one's password: unknown usernames are verified against it so
/// they take as long as a wrong password and cannot be told apart by timing.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn dummy_hash() -> String {
    DUMMY_HASH
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            argon2().hash_password(b"no-such-user", &salt).map(|h| h.to_string()).unwrap_or_default()
        })
        .clone()
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn new_handle() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The cookie carrying `token`; `None` clears it.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let value = match token {
        Some(t) => {
            format!("{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/{secure}; Max-Age={}", state.session_absolute)
        }
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/{secure}; Max-Age=0"),
    };
    HeaderValue::from_str(&value).expect("cookie is ASCII")
}

/// Starts a session for `user_id`; returns the token for the cookie.
pub async fn new_session(state: &AppState, user_id: i64, headers: &HeaderMap, ip: &str) -> AppResult<String> {
    let token = new_token();
    let now = state.clock.now();
    let user_agent: String =
        headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(200).collect();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen, user_agent, ip, handle)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(user_agent)
    .bind(ip)
    .bind(new_handle())
    .execute(&state.db)
    .await?;
    Ok(token)
}

/// Replaces the session behind `old_token` with a new id, keeping its start
/// time (the absolute lifetime does not restart) and its handle.
async fn reissue(state: &AppState, old_token: &str) -> AppResult<Option<String>> {
    let token = new_token();
    let mut tx = crate::db::write_tx(&state.db).await?;
    let copied = sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen, user_agent, ip, handle, rotate)
         SELECT ?, user_id, created_at, last_seen, user_agent, ip, handle || '-', 0 FROM sessions WHERE id_hash = ?",
    )
    .bind(token_hash(&token))
    .bind(token_hash(old_token))
    .execute(&mut *tx)
    .await?;
    if copied.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(token_hash(old_token)).execute(&mut *tx).await?;
    // The handle had to differ while both rows existed; restore it.
    sqlx::query("UPDATE sessions SET handle = substr(handle, 1, length(handle) - 1) WHERE id_hash = ?")
        .bind(token_hash(&token))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// The session a request presented, as the middleware read it, handed on
/// to the [`AuthUser`] extractor so a request reads its session once.
#[derive(Clone)]
struct Presented {
    id_hash: String,
    row: Option<SessionRow>,
}

async fn load_session(state: &AppState, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, s.created_at, s.last_seen, s.rotate, u.username, u.display_name, u.is_admin, u.disabled,
                u.must_change_password
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?",
    )
    .bind(id_hash)
    .fetch_optional(&state.db)
    .await
}

/// Middleware for `/api`: reads the presented session once for the request,
/// and gives a session whose user's privileges changed a new id, so an id
/// seen before the change stops working.
pub async fn rotate_marked_sessions(
    State(state): State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let token = cookie_token(req.headers()).filter(|_| req.uri().path().starts_with("/api/"));
    let Some(old) = token else {
        return next.run(req).await;
    };
    let old_hash = token_hash(&old);
    // On a read error the extractor reads again and answers it.
    let Ok(row) = load_session(&state, &old_hash).await else {
        return next.run(req).await;
    };
    if !row.as_ref().is_some_and(|r| r.rotate) {
        req.extensions_mut().insert(Presented { id_hash: old_hash, row });
        return next.run(req).await;
    }
    let new = match reissue(&state, &old).await {
        Ok(Some(new)) => new,
        Ok(None) => return next.run(req).await,
        Err(e) => return e.into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}={new}")) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    req.extensions_mut().insert(Presented { id_hash: token_hash(&new), row });
    let mut response = next.run(req).await;
    // A handler that set its own cookie (logout, password change) wins.
    if !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, Some(&new)));
    }
    response
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    password_hash: String,
    is_admin: bool,
    disabled: bool,
    must_change_password: bool,
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    /// Hash of this request's session token (never the token itself).
    pub session: String,
}

impl AuthUser {
    pub fn me(&self) -> Me {
        Me {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            is_admin: self.is_admin,
            must_change_password: self.must_change_password,
        }
    }
}

#[derive(Clone, sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    created_at: i64,
    last_seen: i64,
    /// Marked for a new id (privileges changed).
    rotate: bool,
    username: String,
    display_name: String,
    is_admin: bool,
    disabled: bool,
    must_change_password: bool,
}

/// What an account that must change its password may still reach.
const BEFORE_PASSWORD_CHANGE: [&str; 3] = ["/api/auth/me", "/api/auth/logout", "/api/account/password"];

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = cookie_token(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        let id_hash = token_hash(&token);
        let row = match parts.extensions.get::<Presented>() {
            Some(p) if p.id_hash == id_hash => p.row.clone(),
            _ => load_session(state, &id_hash).await?,
        };
        let row = row.ok_or_else(AppError::session_expired)?;
        let now = state.clock.now();
        let idle_over = now - row.last_seen >= state.session_idle;
        let absolute_over = now - row.created_at >= state.session_absolute;
        if row.disabled || idle_over || absolute_over {
            sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(&id_hash).execute(&state.db).await?;
            return Err(AppError::session_expired());
        }
        // Seconds are the idle timeout's resolution: one write per second at
        // most, not one fsync per request.
        if row.last_seen < now {
            sqlx::query("UPDATE sessions SET last_seen = ? WHERE id_hash = ?")
                .bind(now)
                .bind(&id_hash)
                .execute(&state.db)
                .await?;
        }
        if row.must_change_password && !BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path()) {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                console_codes::PASSWORD_CHANGE_REQUIRED,
                "Choose a new password before doing anything else.",
            ));
        }
        Ok(AuthUser {
            id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            is_admin: row.is_admin,
            must_change_password: row.must_change_password,
            session: id_hash,
        })
    }
}

/// The client's address as the listener saw it. Behind a reverse proxy this
/// is the proxy; the console does not trust `X-Forwarded-For`, which any
/// client could forge to dodge the sign-in limits.
pub fn peer_ip(connect: &ConnectInfo<SocketAddr>) -> String {
    connect.0.ip().to_string()
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    description = "Signs in and starts a new session (a new id every time). Limited per account and address.",
    responses((status = 200, body = Me), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(req): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let ip = peer_ip(&connect);
    let username = req.username.trim().to_string();
    let now = state.clock.now();
    let failed = |detail: &'static str| Event {
        user_id: None,
        username: &username,
        env_id: None,
        action: "Login",
        outcome: Outcome::Denied,
        detail: format!("{detail} from {ip}"),
        request_id: None,
    };
    if let Err(wait) = state.login_limiter.check(&username, &ip, now) {
        audit::record(&state, failed("too many attempts")).await;
        let mut response = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            console_codes::RATE_LIMITED,
            format!("Too many failed sign-in attempts. Try again in {} minute(s).", (wait + 59) / 60),
        )
        .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(response);
    }
    let user: Option<UserRow> = sqlx::query_as(
        "SELECT id, username, display_name, password_hash, is_admin, disabled, must_change_password
         FROM users WHERE username = ?",
    )
    .bind(&username)
    .fetch_optional(&state.db)
    .await?;
    // The same work and the same answer for an unknown user, a disabled one
    // and a wrong password.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(dummy_hash);
    let password_ok = verify_password(req.password, hash).await;
    let Some(user) = user.filter(|u| password_ok && !u.disabled) else {
        state.login_limiter.record_failure(&username, &ip, now);
        audit::record(&state, failed("bad credentials")).await;
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            console_codes::BAD_CREDENTIALS,
            "The username or password is incorrect.",
        ));
    };
    state.login_limiter.record_success(&username, &ip);

    // Rotation: whatever session the browser came with ends here.
    if let Some(old) = cookie_token(&headers) {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(token_hash(&old)).execute(&state.db).await?;
    }
    let token = new_session(&state, user.id, &headers, &ip).await?;
    audit::record(
        &state,
        Event {
            user_id: Some(user.id),
            username: &user.username,
            env_id: None,
            action: "Login",
            outcome: Outcome::Allowed,
            detail: format!("from {ip}"),
            request_id: None,
        },
    )
    .await;
    tracing::info!(user.id = user.id, outcome = "allowed", "login");
    let me = Me {
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        must_change_password: user.must_change_password,
    };
    Ok(([(header::SET_COOKIE, session_cookie(&state, Some(&token)))], Json(me)).into_response())
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    description = "Ends the session on the server and clears the cookie.", responses((status = 204)))]
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = cookie_token(&headers) {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(token_hash(&token)).execute(&state.db).await?;
    }
    Ok(([(header::SET_COOKIE, session_cookie(&state, None))], StatusCode::NO_CONTENT).into_response())
}

#[utoipa::path(get, path = "/api/auth/me", tag = "auth", description = "The signed-in user.",
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub(crate) async fn me(user: AuthUser) -> Json<Me> {
    Json(user.me())
}

/// Verifies `password` against the stored hash of `user_id`.
pub async fn password_matches(state: &AppState, user_id: i64, password: String) -> AppResult<bool> {
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?").bind(user_id).fetch_one(&state.db).await?;
    Ok(verify_password(password, hash).await)
}

/// How the first admin's password came about, for the operator's one message.
pub enum FirstAdmin {
    /// Generated here; shown to the operator once.
    Generated(String),
    /// Taken from CONSOLE_ADMIN_PASSWORD.
    FromEnv,
}

/// Creates the first admin when there is no user at all.
pub async fn ensure_first_admin(
    db: &sqlx::SqlitePool,
    configured: Option<String>,
    now: i64,
) -> AppResult<Option<FirstAdmin>> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db).await?;
    if users > 0 {
        return Ok(None);
    }
    let (password, outcome) = match configured {
        Some(p) => (p, FirstAdmin::FromEnv),
        None => {
            let bytes: [u8; 15] = rand::random();
            let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            (p.clone(), FirstAdmin::Generated(p))
        }
    };
    let hash = hash_password(password).await?;
    sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, is_admin, created_at)
         VALUES ('admin', 'Administrator', ?, 1, ?)",
    )
    .bind(hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(Some(outcome))
}
