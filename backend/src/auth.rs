//! Sign-in, sessions and the `AuthUser` extractor.
//!
//! Sessions live in SQLite, keyed by the SHA-256 of a random token that only
//! the browser holds (in an `HttpOnly; SameSite=Strict` cookie, `__Host-`
//! prefixed over TLS so no sibling host can plant one). Every login mints a
//! new token; logout, idle and absolute expiry delete the row (and are
//! audited), so a stolen old cookie is worthless. A user holds at most
//! `CONSOLE_MAX_SESSIONS_PER_USER` sessions: a new sign-in ends the oldest.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use console_shared::dto::{ApiError, LoginRequest, Me, console_codes};
use sha2::{Digest, Sha256};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::audit::{self, Event, Outcome};
use crate::error::{AppError, AppResult};
use crate::json::AppJson;
use crate::passwords::{busy, dummy_hash, verify_password};
use crate::ratelimit::Client;

/// The session cookie's name: over TLS the `__Host-` prefix makes the
/// browser refuse it unless it is `Secure`, host-only and for `/`.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies { "__Host-console_session" } else { "console_session" }
}

/// The device cookie: a browser that signed in before (see ratelimit).
fn device_cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies { "__Host-console_device" } else { "console_device" }
}

/// How long a device token vouches for its browser.
const DEVICE_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// A sign-in or password body is a few short strings: anything larger is an
/// attack on the parser or the audit log.
pub const CREDENTIALS_BODY_MAX: usize = 4 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .layer(DefaultBodyLimit::max(CREDENTIALS_BODY_MAX))
        .routes(routes!(logout))
        .routes(routes!(me))
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

fn cookie_value(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
}

/// The session token the request carries.
pub fn cookie_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, cookie_name(state))
}

fn cookie(state: &AppState, name: &str, value: Option<&str>, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let (value, max_age) = value.map_or(("", 0), |v| (v, max_age));
    HeaderValue::from_str(&format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/{secure}; Max-Age={max_age}"))
        .expect("cookie is ASCII")
}

/// The cookie carrying `token`; `None` clears it.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    cookie(state, cookie_name(state), token, state.session_absolute)
}

/// The client's address: the peer, or — when the peer is a trusted proxy —
/// the nearest address in `X-Forwarded-For` that is not one of them, walking
/// from the right. Everything left of the first untrusted hop (or of a hop
/// that does not parse) was written by the client and is never used.
pub fn client_ip(state: &AppState, connect: &ConnectInfo<SocketAddr>, headers: &HeaderMap) -> IpAddr {
    // A dual-stack listener shows IPv4 peers as `::ffff:a.b.c.d`.
    let mut client = connect.0.ip().to_canonical();
    let trusted = |ip: &IpAddr| state.trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&client) {
        return client;
    }
    let hops: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        client = ip.to_canonical();
        if !trusted(&client) {
            break;
        }
    }
    client
}

/// The device token's hash, if the request carries one that `username`'s
/// earlier sign-in in this browser left.
async fn known_device(state: &AppState, headers: &HeaderMap, username: &str) -> AppResult<Option<String>> {
    let Some(token) = cookie_value(headers, device_cookie_name(state)) else { return Ok(None) };
    let hash = token_hash(&token);
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT u.username FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ? AND d.created_at > ?",
    )
    .bind(&hash)
    .bind(state.clock.now() - DEVICE_LIFETIME_SECS)
    .fetch_optional(&state.db)
    .await?;
    Ok(owner.filter(|o| o == username).map(|_| hash))
}

/// Vouches for this browser in `user_id`'s later sign-ins: a new token (the
/// old one, if any, ends), at most a few per user.
async fn new_device(state: &AppState, user_id: i64, old: Option<&str>) -> AppResult<HeaderValue> {
    let token = new_token();
    let mut tx = crate::db::write_tx(&state.db).await?;
    if let Some(old) = old {
        sqlx::query("DELETE FROM devices WHERE token_hash = ?").bind(old).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO devices (token_hash, user_id, created_at) VALUES (?, ?, ?)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(state.clock.now())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM devices WHERE user_id = ?1 AND token_hash NOT IN
         (SELECT token_hash FROM devices WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 20)",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(cookie(state, device_cookie_name(state), Some(&token), DEVICE_LIFETIME_SECS))
}

/// Starts a session for `user_id`; returns the token for the cookie. Beyond
/// the per-user limit, the oldest sessions end.
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
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = ?1 AND id_hash NOT IN
         (SELECT id_hash FROM sessions WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
    )
    .bind(user_id)
    .bind(state.max_sessions_per_user)
    .execute(&state.db)
    .await?;
    Ok(token)
}

/// How long a rotated-away session id keeps working, for requests that were
/// already on their way with it.
const ROTATION_GRACE_SECS: i64 = 10;

/// Replaces the session behind `old_token` with a new id, keeping its start
/// time (the absolute lifetime does not restart) and its handle; the old id
/// stays an alias of the new one for [`ROTATION_GRACE_SECS`].
async fn reissue(state: &AppState, old_token: &str) -> AppResult<Option<String>> {
    let token = new_token();
    let now = state.clock.now();
    let mut tx = crate::db::write_tx(&state.db).await?;
    sqlx::query("DELETE FROM session_aliases WHERE until < ?").bind(now).execute(&mut *tx).await?;
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
    sqlx::query("INSERT OR REPLACE INTO session_aliases (old_hash, new_hash, until) VALUES (?, ?, ?)")
        .bind(token_hash(old_token))
        .bind(token_hash(&token))
        .bind(now + ROTATION_GRACE_SECS)
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

/// The session `id_hash` names, or the one it was rotated into moments ago.
async fn load_session(state: &AppState, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id_hash, s.user_id, s.created_at, s.last_seen, s.rotate, u.username, u.display_name, u.is_admin,
                u.disabled, u.must_change_password
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = COALESCE((SELECT new_hash FROM session_aliases WHERE old_hash = ?1 AND until >= ?2), ?1)",
    )
    .bind(id_hash)
    .bind(state.clock.now())
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
    let token = cookie_token(&state, req.headers()).filter(|_| req.uri().path().starts_with("/api/"));
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
    // The handlers read the new id; the request's other cookies stay.
    let name = cookie_name(&state);
    let others = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && pair.split_once('=').is_none_or(|(n, _)| n != name))
        .map(str::to_string)
        .collect::<Vec<_>>();
    let cookies = std::iter::once(format!("{name}={new}")).chain(others).collect::<Vec<_>>().join("; ");
    if let Ok(v) = HeaderValue::from_str(&cookies) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    let row = row.map(|mut r| {
        r.id_hash = token_hash(&new);
        r.rotate = false;
        r
    });
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
    /// The row's own id (differs from the presented one within a rotation's grace).
    id_hash: String,
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
        let token = cookie_token(state, &parts.headers).ok_or_else(AppError::unauthenticated)?;
        let presented = token_hash(&token);
        let row = match parts.extensions.get::<Presented>() {
            Some(p) if p.id_hash == presented => p.row.clone(),
            _ => load_session(state, &presented).await?,
        };
        let row = row.ok_or_else(AppError::session_expired)?;
        let id_hash = row.id_hash.clone();
        let now = state.clock.now();
        let idle_over = now - row.last_seen >= state.session_idle;
        let absolute_over = now - row.created_at >= state.session_absolute;
        if row.disabled || idle_over || absolute_over {
            let ended = sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(&id_hash).execute(&state.db).await?;
            // Concurrent requests race to end it; one entry is enough.
            if ended.rows_affected() > 0 {
                let why = if row.disabled {
                    "account disabled"
                } else if absolute_over {
                    "absolute lifetime reached"
                } else {
                    "idle too long"
                };
                let event = Event {
                    user_id: Some(row.user_id),
                    username: &row.username,
                    env_id: None,
                    action: "SessionExpired",
                    outcome: Outcome::Allowed,
                    detail: why.into(),
                    request_id: None,
                };
                audit::record(state, event).await;
            }
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

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    description = "Signs in and starts a new session (a new id every time). Limited per account and client; a browser \
that signed in before is limited on its own.",
    responses((status = 200, body = Me), (status = 401, body = ApiError), (status = 413, body = ApiError),
        (status = 429, body = ApiError)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(req): AppJson<LoginRequest>,
) -> AppResult<Response> {
    let address = client_ip(&state, &connect, &headers);
    let ip = address.to_string();
    let username = req.username.trim().to_string();
    let now = state.clock.now();
    let device = known_device(&state, &headers, &username).await?;
    let client = device.clone().map_or_else(|| Client::address(address), Client::Device);
    let failed = |detail: String| Event {
        user_id: None,
        username: &username,
        env_id: None,
        action: "Login",
        outcome: Outcome::Denied,
        detail,
        request_id: None,
    };
    let refused_before = match state.login_limiter.reserve(&username, &client, now) {
        Ok(n) => n,
        Err(throttled) => {
            // One entry when the limit starts biting, not one per attempt:
            // the count goes into the next entry for this client.
            if throttled.first {
                audit::record(&state, failed(format!("too many attempts from {ip}; further ones are counted"))).await;
            }
            let mut response = AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                console_codes::RATE_LIMITED,
                format!("Too many failed sign-in attempts. Try again in {} minute(s).", (throttled.wait + 59) / 60),
            )
            .into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(throttled.wait));
            return Ok(response);
        }
    };
    let refused_note =
        if refused_before > 0 { format!("; {refused_before} attempt(s) refused before") } else { "".into() };
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
    let Some(password_ok) = verify_password(req.password, hash).await else {
        state.login_limiter.undo(&username, &client);
        return Err(busy());
    };
    let Some(user) = user.filter(|u| password_ok && !u.disabled) else {
        audit::record(&state, failed(format!("bad credentials from {ip}{refused_note}"))).await;
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            console_codes::BAD_CREDENTIALS,
            "The username or password is incorrect.",
        ));
    };
    state.login_limiter.succeeded(&username, &client);

    // Rotation: whatever session the browser came with ends here.
    if let Some(old) = cookie_token(&state, &headers) {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(token_hash(&old)).execute(&state.db).await?;
    }
    let token = new_session(&state, user.id, &headers, &ip).await?;
    let device_cookie = new_device(&state, user.id, device.as_deref()).await?;
    audit::record(
        &state,
        Event {
            user_id: Some(user.id),
            username: &user.username,
            env_id: None,
            action: "Login",
            outcome: Outcome::Allowed,
            detail: format!("from {ip}{refused_note}"),
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
    let mut response = ([(header::SET_COOKIE, session_cookie(&state, Some(&token)))], Json(me)).into_response();
    response.headers_mut().append(header::SET_COOKIE, device_cookie);
    Ok(response)
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    description = "Ends the session on the server and clears the cookie.", responses((status = 204)))]
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = cookie_token(&state, &headers)
        && let Some(row) = load_session(&state, &token_hash(&token)).await?
    {
        let ended = sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(&row.id_hash).execute(&state.db).await?;
        if ended.rows_affected() > 0 {
            let event = Event {
                user_id: Some(row.user_id),
                username: &row.username,
                env_id: None,
                action: "Logout",
                outcome: Outcome::Allowed,
                detail: String::new(),
                request_id: None,
            };
            audit::record(&state, event).await;
        }
    }
    Ok(([(header::SET_COOKIE, session_cookie(&state, None))], StatusCode::NO_CONTENT).into_response())
}

#[utoipa::path(get, path = "/api/auth/me", tag = "auth", description = "The signed-in user.",
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub(crate) async fn me(user: AuthUser) -> Json<Me> {
    Json(user.me())
}
