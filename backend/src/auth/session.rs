//! Sessions: how they are kept, found, rotated and ended, and the
//! [`AuthUser`] extractor that turns a request's session into its caller.
//!
//! Sessions live in SQLite, keyed by the SHA-256 of a random token that only
//! the browser holds (in the session cookie, see `cookies`). Every login
//! mints a new token; logout, idle and absolute expiry delete the row (and
//! are audited), so a stolen old cookie is worthless. A user holds at most
//! `CONSOLE_MAX_SESSIONS_PER_USER` sessions: a new sign-in ends the oldest.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use console_shared::dto::console_codes;
use console_shared::wording::{AuditDetail, SessionEnd};
use sha2::{Digest, Sha256};

use crate::audit::{self, Event, Outcome};
use crate::auth::cookies::{cookie_name, cookie_token, session_cookie};
use crate::auth::tokens;
use crate::error::{AppError, AppResult};
use crate::identity::AuthUser;
use crate::state::AppState;

/// What the database keeps of a token: its SHA-256, never the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token, for a session or a device.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn new_handle() -> String {
    hex::encode(rand::random::<[u8; 8]>())
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
pub async fn load_session(state: &AppState, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
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
    // A call made with a bearer token uses no session, so none is rotated.
    let token = cookie_token(&state, req.headers())
        .filter(|_| req.uri().path().starts_with("/api/") && crate::identity::bearer(req.headers()).is_none());
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

/// A session and its user, as a request finds them.
#[derive(Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// The row's own id (differs from the presented one within a rotation's grace).
    pub id_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
    /// Marked for a new id (privileges changed).
    pub rotate: bool,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub must_change_password: bool,
}

/// What an account that must change its password may still reach.
const BEFORE_PASSWORD_CHANGE: [&str; 3] = ["/api/auth/me", "/api/auth/logout", "/api/account/password"];

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A bearer token stands alone: a cookie sent with it is not looked at.
        if let Some(bearer) = crate::identity::bearer(&parts.headers) {
            let connect = parts.extensions.get::<ConnectInfo<SocketAddr>>();
            return tokens::authenticate(state, bearer, &parts.headers, connect).await;
        }
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
                    SessionEnd::AccountDisabled
                } else if absolute_over {
                    SessionEnd::AbsoluteLifetime
                } else {
                    SessionEnd::IdleTooLong
                };
                let event = Event {
                    user_id: Some(row.user_id),
                    username: &row.username,
                    env_id: None,
                    service: None,
                    action: "SessionExpired",
                    outcome: Outcome::Allowed,
                    detail: AuditDetail::SessionEnded(why).to_string(),
                    request_id: None,
                    via_token: None,
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
            token: None,
        })
    }
}

/// Ends every session of `user_id` (disabled, or the password changed).
pub async fn end_all_sessions(state: &AppState, user_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(user_id).execute(&state.db).await?;
    Ok(())
}

/// Marks every session of `user_id` for a new id at its next request: their
/// privileges just changed (role granted, changed or revoked).
pub async fn rotate_sessions_of(state: &AppState, user_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE sessions SET rotate = 1 WHERE user_id = ?").bind(user_id).execute(&state.db).await?;
    Ok(())
}
