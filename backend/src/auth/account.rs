//! `/api/account`: the caller's own password and sessions. Changing the
//! password ends every other session and gives this one a new id; guesses
//! at the current password count as failed sign-ins.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::dto::{ApiError, ChangePassword, Me, SessionInfo, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::rules;
use console_shared::wording::AuditDetail;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::cookies::session_cookie;
use crate::auth::passwords::{self, CREDENTIALS_BODY_MAX};
use crate::auth::ratelimit::Client;
use crate::auth::session::{end_all_sessions, new_session};
use crate::error::{AppError, AppResult};
use crate::http::client::client_ip;
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .layer(axum::extract::DefaultBodyLimit::max(CREDENTIALS_BODY_MAX))
        .routes(routes!(sessions))
        .routes(routes!(end_session))
}

/// Changes the caller's own password: the current one is required, every
/// other session ends, and this one continues under a new id. Guesses at the
/// current password count against the same limits as sign-in; reaching the
/// account limit ends the session, so a stolen session cannot be turned into
/// a stolen password.
#[utoipa::path(post, path = "/api/account/password", tag = "account", request_body = ChangePassword,
    description = "Changes the caller's password; other sessions end, this one gets a new id. Wrong current \
passwords count as failed sign-ins; too many end the session.",
    responses((status = 200, body = Me), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 429, body = ApiError)))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(req): AppJson<ChangePassword>,
) -> AppResult<Response> {
    authorize(&state, &user, Endpoint::ChangeOwnPassword, None).await?;
    let address = client_ip(&state.trusted_proxies, &connect, &headers);
    let ip = address.to_string();
    // The address's limits, as for sign-in, and the session's own: a stolen
    // session is signed out after a few guesses, from wherever they come.
    let clients = [Client::address(address), Client::Session(user.session.clone())];
    let limiter = &state.login_limiter;
    let now = state.clock.now();
    for (i, client) in clients.iter().enumerate() {
        if let Err(throttled) = limiter.reserve(&user.username, client, now) {
            clients[..i].iter().for_each(|c| limiter.undo(&user.username, c));
            return Err(AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                console_codes::RATE_LIMITED,
                format!("Too many wrong passwords. Try again in {} minute(s).", (throttled.wait + 59) / 60),
            ));
        }
    }
    let Some(matches) = passwords::password_matches(&state, user.id, req.current_password.clone()).await? else {
        clients.iter().for_each(|c| limiter.undo(&user.username, c));
        return Err(passwords::busy());
    };
    if !matches {
        if limiter.failures(&user.username, &clients[1]) >= limiter.max_per_account {
            sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(&user.session).execute(&state.db).await?;
            audit::record(
                &state,
                Event::by(&user, "ChangePassword", Outcome::Denied)
                    .detail(AuditDetail::TooManyWrongPasswords { ip: &ip }.to_string()),
            )
            .await;
            let ended = AppError::new(
                StatusCode::UNAUTHORIZED,
                console_codes::SESSION_EXPIRED,
                "Too many wrong passwords: you have been signed out.",
            );
            return Ok(([(header::SET_COOKIE, session_cookie(&state, None))], ended).into_response());
        }
        audit::record(
            &state,
            Event::by(&user, "ChangePassword", Outcome::Denied).detail(AuditDetail::WrongCurrentPassword.to_string()),
        )
        .await;
        return Err(AppError::bad_request("The current password is incorrect."));
    }
    clients.iter().for_each(|c| limiter.succeeded(&user.username, c));
    rules::password(&req.new_password).map_err(|e| AppError::invalid("The new password", e))?;
    if req.new_password == req.current_password {
        return Err(AppError::bad_request("Choose a password different from the current one."));
    }
    passwords::refuse_common(&req.new_password)?;
    let hash = passwords::hash_password(req.new_password).await?;
    sqlx::query("UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?")
        .bind(hash)
        .bind(user.id)
        .execute(&state.db)
        .await?;
    end_all_sessions(&state, user.id).await?;
    let token = new_session(&state, user.id, &headers, &ip).await?;
    audit::record(&state, Event::by(&user, "ChangePassword", Outcome::Allowed)).await;
    let mut me = user.me();
    me.must_change_password = false;
    Ok(([(header::SET_COOKIE, session_cookie(&state, Some(&token)))], Json(me)).into_response())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    handle: String,
    user_agent: String,
    ip: String,
    created_at: i64,
    last_seen: i64,
}

#[utoipa::path(get, path = "/api/account/sessions", tag = "account", description = "The caller's sessions.",
    responses((status = 200, body = [SessionInfo])))]
pub(crate) async fn sessions(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Vec<SessionInfo>>> {
    authorize(&state, &user, Endpoint::ListOwnSessions, None).await?;
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT id_hash, handle, user_agent, ip, created_at, last_seen FROM sessions
         WHERE user_id = ? ORDER BY last_seen DESC",
    )
    .bind(user.id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| SessionInfo {
                current: r.id_hash == user.session,
                handle: r.handle,
                user_agent: r.user_agent,
                ip: r.ip,
                created_at: r.created_at,
                last_seen: r.last_seen,
            })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/account/sessions/{handle}", tag = "account",
    description = "Ends one of the caller's sessions.", params(("handle" = String, Path)),
    responses((status = 204), (status = 404, body = ApiError)))]
pub(crate) async fn end_session(
    State(state): State<AppState>,
    user: AuthUser,
    Path(handle): Path<String>,
) -> AppResult<StatusCode> {
    authorize(&state, &user, Endpoint::EndOwnSession, None).await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE handle = ? AND user_id = ?")
        .bind(&handle)
        .bind(user.id)
        .execute(&state.db)
        .await?;
    if ended.rows_affected() == 0 {
        return Err(AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "There is no such session."));
    }
    audit::record(&state, Event::by(&user, "EndSession", Outcome::Allowed)).await;
    Ok(StatusCode::NO_CONTENT)
}
