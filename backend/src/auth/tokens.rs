//! Personal access tokens (R-CLI-3): `/api/account/tokens` to make, list and
//! revoke one's own, and [`authenticate`], which turns an
//! `Authorization: Bearer` header into the caller.
//!
//! A token is 256 random bits behind the `tcbr_pat_` prefix, shown once; the
//! database keeps its SHA-256 (a random secret that long needs no slow hash).
//! It reaches only the environments it was given, with a role capped by its
//! owner's role there at each call (`access`), and never what needs the
//! console itself (`tokens::token_may`). A bearer token is not an ambient
//! credential, so the cookie's CSRF checks do not apply to it
//! (`http::csrf`); everything else does.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::{Endpoint, Role};
use console_shared::tokens::{self, CreateToken, Grantable, NewToken, TokenInfo, Tokens};
use console_shared::wording::AuditDetail;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::session::{new_token, token_hash};
use crate::error::{AppError, AppResult};
use crate::http::client::client_ip;
use crate::http::json::AppJson;
use crate::identity::{AuthUser, TokenScope};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .routes(routes!(revoke))
}

#[derive(sqlx::FromRow)]
struct Found {
    id: i64,
    name: String,
    role: String,
    expires_at: i64,
    last_used_at: Option<i64>,
    user_id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    disabled: bool,
    must_change_password: bool,
}

/// The caller behind a bearer token, or why there is none.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
    connect: Option<&ConnectInfo<SocketAddr>>,
) -> AppResult<AuthUser> {
    let address = connect.map(|c| client_ip(&state.trusted_proxies, c, headers));
    let now = state.clock.now();
    let found: Option<Found> = if tokens::looks_like_token(token) {
        sqlx::query_as(
            "SELECT t.id, t.name, t.role, t.expires_at, t.last_used_at, u.id AS user_id, u.username, u.display_name,
                    u.is_admin, u.disabled, u.must_change_password
             FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        )
        .bind(token_hash(token))
        .fetch_optional(&state.db)
        .await?
    } else {
        None
    };
    // No limiter: a token is 256 random bits, so guessing is hopeless, and
    // a forgotten CI job with a revoked token must not use up its address's
    // sign-in allowance.
    let Some(found) = found.filter(|f| !f.disabled) else {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            console_codes::TOKEN_INVALID,
            "This personal access token is not valid: it was revoked, or mistyped. Make a new one on the Account page.",
        ));
    };
    if found.expires_at <= now {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            console_codes::TOKEN_EXPIRED,
            format!("The personal access token “{}” has expired. Make a new one on the Account page.", found.name),
        ));
    }
    if found.must_change_password {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            console_codes::PASSWORD_CHANGE_REQUIRED,
            "The token's owner must choose a new password in the console first.",
        ));
    }
    // "Last used" to the minute: one write a minute at most, not one per call.
    if found.last_used_at.is_none_or(|t| now - t >= 60) {
        sqlx::query("UPDATE access_tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?")
            .bind(now)
            .bind(address.map(|a| a.to_string()))
            .bind(found.id)
            .execute(&state.db)
            .await?;
    }
    let envs: Vec<String> =
        sqlx::query_scalar("SELECT env_id FROM access_token_envs WHERE token_id = ? ORDER BY env_id")
            .bind(found.id)
            .fetch_all(&state.db)
            .await?;
    Ok(AuthUser {
        id: found.user_id,
        username: found.username,
        display_name: found.display_name,
        is_admin: false,
        must_change_password: false,
        session: String::new(),
        token: Some(TokenScope {
            id: found.id,
            name: found.name,
            role: Role::parse(&found.role).unwrap_or(Role::Viewer),
            envs,
            owner_is_admin: found.is_admin,
        }),
    })
}

/// Each environment the caller may give a token, with their role there.
async fn grantable(state: &AppState, user: &AuthUser) -> AppResult<Vec<Grantable>> {
    let rows: Vec<(String, String)> = if user.is_admin {
        sqlx::query_as("SELECT env_id, 'owner' FROM environments ORDER BY env_id").fetch_all(&state.db).await?
    } else {
        sqlx::query_as("SELECT env_id, role FROM members WHERE user_id = ? ORDER BY env_id")
            .bind(user.id)
            .fetch_all(&state.db)
            .await?
    };
    Ok(rows.into_iter().filter_map(|(env_id, role)| Some(Grantable { env_id, role: Role::parse(&role)? })).collect())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    role: String,
    created_at: i64,
    expires_at: i64,
    last_used_at: Option<i64>,
    last_used_ip: Option<String>,
    envs: String,
}

const SELECT: &str = "SELECT t.id, t.name, t.role, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip,
        COALESCE((SELECT group_concat(env_id, ' ') FROM (SELECT env_id FROM access_token_envs e WHERE e.token_id = t.id ORDER BY env_id)), '') AS envs
     FROM access_tokens t";

impl From<Row> for TokenInfo {
    fn from(r: Row) -> Self {
        TokenInfo {
            id: r.id,
            name: r.name,
            envs: r.envs.split(' ').filter(|e| !e.is_empty()).map(str::to_string).collect(),
            role: Role::parse(&r.role).unwrap_or(Role::Viewer),
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
        }
    }
}

#[utoipa::path(get, path = "/api/account/tokens", tag = "account",
    description = "The caller's personal access tokens (never the tokens themselves), newest first, and the \
environments a new one may reach with the highest role it may carry there. Needs: signed in.",
    responses((status = 200, body = Tokens), (status = 401, body = ApiError)))]
pub(crate) async fn list(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Tokens>> {
    authorize(&state, &user, Endpoint::ListOwnTokens, None).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id DESC"))
        .bind(user.id)
        .fetch_all(&state.db)
        .await?;
    Ok(Json(Tokens {
        tokens: rows.into_iter().map(TokenInfo::from).collect(),
        grantable: grantable(&state, &user).await?,
    }))
}

#[utoipa::path(post, path = "/api/account/tokens", tag = "account", request_body = CreateToken,
    description = "Makes a personal access token for the tcbr CLI or a CI job: it reaches only the environments \
named, with a role no higher than the caller's own in each, until it expires (at most a year). The token is in this \
answer only; the console keeps its hash. Needs: signed in (not with a token).",
    responses((status = 201, body = NewToken), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 409, body = ApiError)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(mut req): AppJson<CreateToken>,
) -> AppResult<(StatusCode, Json<NewToken>)> {
    authorize(&state, &user, Endpoint::CreateOwnToken, None).await?;
    tokens::check(&req).map_err(|e| AppError::bad_request(e.to_string()))?;
    req.name = req.name.trim().to_string();
    req.envs = req.envs.iter().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
    req.envs.sort();
    req.envs.dedup();
    let mine = grantable(&state, &user).await?;
    for env in &req.envs {
        match mine.iter().find(|g| &g.env_id == env) {
            Some(g) if g.role >= req.role => {}
            Some(g) => {
                return Err(AppError::forbidden(format!(
                    "A token cannot be {} in {env}: you are {} there.",
                    req.role.name(),
                    g.role.name()
                )));
            }
            None => {
                return Err(AppError::forbidden(format!(
                    "You are not a member of {env}, or it does not exist: a token can reach only your environments."
                )));
            }
        }
    }
    let now = state.clock.now();
    let token = format!("{}{}", tokens::PREFIX, new_token());
    let expires_at = now + i64::from(req.expires_in_days) * 86_400;
    let mut tx = crate::db::write_tx(&state.db).await?;
    let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_tokens WHERE user_id = ? AND expires_at > ?")
        .bind(user.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    if active >= tokens::PER_USER_MAX as i64 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            console_codes::TOKEN_LIMIT,
            format!(
                "You have {} active tokens, the most one account may hold: revoke one first.",
                tokens::PER_USER_MAX
            ),
        ));
    }
    // An expired token keeps its name only until a new one wants it.
    sqlx::query("DELETE FROM access_tokens WHERE user_id = ? AND name = ? AND expires_at <= ?")
        .bind(user.id)
        .bind(&req.name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO access_tokens (user_id, name, token_hash, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, name) DO NOTHING",
    )
    .bind(user.id)
    .bind(&req.name)
    .bind(token_hash(&token))
    .bind(req.role.name())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            console_codes::TOKEN_NAME_TAKEN,
            format!("You already have a token named “{}”: choose another name, or revoke that one.", req.name),
        ));
    }
    let id = inserted.last_insert_rowid();
    for env in &req.envs {
        sqlx::query("INSERT INTO access_token_envs (token_id, env_id) VALUES (?, ?)")
            .bind(id)
            .bind(env)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let detail = AuditDetail::TokenCreated {
        name: &req.name,
        role: req.role.name(),
        envs: &req.envs.join(", "),
        days: req.expires_in_days,
    };
    audit::record(
        &state,
        Event::by(&user, Endpoint::CreateOwnToken.name(), Outcome::Allowed).detail(detail.to_string()),
    )
    .await;
    let row: Row = sqlx::query_as(&format!("{SELECT} WHERE t.id = ?")).bind(id).fetch_one(&state.db).await?;
    Ok((StatusCode::CREATED, Json(NewToken { token, info: row.into() })))
}

#[utoipa::path(delete, path = "/api/account/tokens/{id}", tag = "account",
    description = "Revokes one of the caller's tokens: the next call made with it is refused. Needs: signed in \
(not with a token).", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiError)))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    authorize(&state, &user, Endpoint::RevokeOwnToken, None).await?;
    let name: Option<String> =
        sqlx::query_scalar("DELETE FROM access_tokens WHERE id = ? AND user_id = ? RETURNING name")
            .bind(id)
            .bind(user.id)
            .fetch_optional(&state.db)
            .await?;
    let name =
        name.ok_or_else(|| AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "No such token of yours."))?;
    audit::record(
        &state,
        Event::by(&user, Endpoint::RevokeOwnToken.name(), Outcome::Allowed)
            .detail(AuditDetail::TokenRevoked { name: &name }.to_string()),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Resolves when a stream opened with `token` must end: the token was
/// revoked or has expired. Checked every 15 s, as the streams' keep-alives.
pub async fn gone(state: AppState, token: i64) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(15)).await;
        let now = state.clock.now();
        let live: Result<Option<i64>, _> =
            sqlx::query_scalar("SELECT id FROM access_tokens WHERE id = ? AND expires_at > ?")
                .bind(token)
                .bind(now)
                .fetch_optional(&state.db)
                .await;
        if matches!(live, Ok(None)) {
            return;
        }
    }
}
