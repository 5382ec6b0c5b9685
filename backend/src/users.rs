//! Users (admins manage them) and each user's own account: password and
//! sessions. Disabling or deleting a user ends all their sessions at once.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::dto::{ApiError, ChangePassword, CreateUser, Me, SessionInfo, UpdateUser, UserInfo, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::rules;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::{self, AuthUser};
use crate::error::{AppError, AppResult};
use crate::json::AppJson;
use crate::passwords;
use crate::ratelimit::Client;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .layer(axum::extract::DefaultBodyLimit::max(auth::CREDENTIALS_BODY_MAX))
        .routes(routes!(list, create))
        .routes(routes!(update, remove))
        .routes(routes!(sessions))
        .routes(routes!(end_session))
}

fn invalid(field: &str, e: rules::RuleError) -> AppError {
    AppError::bad_request(format!("{field} {e}."))
}

fn not_found() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "There is no such user.")
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    disabled: bool,
    must_change_password: bool,
    created_at: i64,
}

impl From<Row> for UserInfo {
    fn from(r: Row) -> Self {
        UserInfo {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            is_admin: r.is_admin,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str = "id, username, display_name, is_admin, disabled, must_change_password, created_at";

#[utoipa::path(get, path = "/api/users", tag = "users", description = "All users. Needs: admin.",
    responses((status = 200, body = [UserInfo]), (status = 403, body = ApiError)))]
pub(crate) async fn list(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Vec<UserInfo>>> {
    authorize(&state, &user, Endpoint::ListUsers, None).await?;
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users ORDER BY username")).fetch_all(&state.db).await?;
    Ok(Json(rows.into_iter().map(UserInfo::from).collect()))
}

#[utoipa::path(post, path = "/api/users", tag = "users", request_body = CreateUser,
    description = "Creates a user who must change the initial password at first sign-in. Needs: admin.",
    responses((status = 201, body = UserInfo), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<CreateUser>,
) -> AppResult<Response> {
    authorize(&state, &user, Endpoint::CreateUser, None).await?;
    let username = req.username.trim().to_string();
    rules::username(&username).map_err(|e| invalid("The username", e))?;
    rules::display_name(&req.display_name).map_err(|e| invalid("The display name", e))?;
    rules::password(&req.password).map_err(|e| invalid("The password", e))?;
    passwords::refuse_common(&req.password)?;
    let hash = passwords::hash_password(req.password).await?;
    let inserted = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, is_admin, must_change_password, created_at)
         VALUES (?, ?, ?, 0, 1, ?) ON CONFLICT(username) DO NOTHING",
    )
    .bind(&username)
    .bind(req.display_name.trim())
    .bind(hash)
    .bind(state.clock.now())
    .execute(&state.db)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            console_codes::CONFLICT,
            format!("The username `{username}` is taken."),
        ));
    }
    audit::record(&state, Event::by(&user, "CreateUser", Outcome::Allowed).detail(format!("user {username}"))).await;
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE username = ?"))
        .bind(&username)
        .fetch_one(&state.db)
        .await?;
    Ok((StatusCode::CREATED, Json(UserInfo::from(row))).into_response())
}

async fn end_all_sessions(state: &AppState, user_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(user_id).execute(&state.db).await?;
    Ok(())
}

#[utoipa::path(patch, path = "/api/users/{id}", tag = "users", request_body = UpdateUser,
    description = "Renames, disables or enables a user; disabling ends all their sessions. Needs: admin.",
    params(("id" = i64, Path)), responses((status = 200, body = UserInfo), (status = 404, body = ApiError)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
    AppJson(req): AppJson<UpdateUser>,
) -> AppResult<Json<UserInfo>> {
    authorize(&state, &user, Endpoint::UpdateUser, None).await?;
    let target: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(not_found)?;
    if let Some(name) = &req.display_name {
        rules::display_name(name).map_err(|e| invalid("The display name", e))?;
    }
    if req.disabled == Some(true) && id == user.id {
        return Err(AppError::new(StatusCode::CONFLICT, console_codes::CONFLICT, "You cannot disable yourself."));
    }
    sqlx::query(
        "UPDATE users SET display_name = COALESCE(?, display_name), disabled = COALESCE(?, disabled) WHERE id = ?",
    )
    .bind(req.display_name.as_deref().map(str::trim))
    .bind(req.disabled)
    .bind(id)
    .execute(&state.db)
    .await?;
    if req.disabled == Some(true) {
        end_all_sessions(&state, id).await?;
    }
    let what = match req.disabled {
        Some(true) => "disabled",
        Some(false) => "enabled",
        None => "renamed",
    };
    audit::record(
        &state,
        Event::by(&user, "UpdateUser", Outcome::Allowed).detail(format!("user {} {what}", target.username)),
    )
    .await;
    let row: Row =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?")).bind(id).fetch_one(&state.db).await?;
    Ok(Json(row.into()))
}

#[utoipa::path(delete, path = "/api/users/{id}", tag = "users",
    description = "Deletes a user and ends their sessions; refused while they are an environment's only owner. Needs: admin.",
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    authorize(&state, &user, Endpoint::DeleteUser, None).await?;
    let target: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(not_found)?;
    if id == user.id {
        return Err(AppError::new(StatusCode::CONFLICT, console_codes::CONFLICT, "You cannot delete yourself."));
    }
    // Every environment keeps at least one owner.
    let sole: Vec<String> = sqlx::query_scalar(
        "SELECT m.env_id FROM members m WHERE m.user_id = ?1 AND m.role = 'owner'
         AND (SELECT COUNT(*) FROM members o WHERE o.env_id = m.env_id AND o.role = 'owner') = 1",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    if !sole.is_empty() {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            console_codes::CONFLICT,
            format!("{} is the only owner of {}; make someone else owner first.", target.username, sole.join(", ")),
        ));
    }
    // Sessions and memberships go with the user (ON DELETE CASCADE).
    sqlx::query("DELETE FROM users WHERE id = ?").bind(id).execute(&state.db).await?;
    audit::record(&state, Event::by(&user, "DeleteUser", Outcome::Allowed).detail(format!("user {}", target.username)))
        .await;
    Ok(StatusCode::NO_CONTENT)
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
    let address = auth::client_ip(&state, &connect, &headers);
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
                    .detail(format!("too many wrong current passwords from {ip}; signed out")),
            )
            .await;
            let ended = AppError::new(
                StatusCode::UNAUTHORIZED,
                console_codes::SESSION_EXPIRED,
                "Too many wrong passwords: you have been signed out.",
            );
            return Ok(([(header::SET_COOKIE, auth::session_cookie(&state, None))], ended).into_response());
        }
        audit::record(&state, Event::by(&user, "ChangePassword", Outcome::Denied).detail("wrong current password"))
            .await;
        return Err(AppError::bad_request("The current password is incorrect."));
    }
    clients.iter().for_each(|c| limiter.succeeded(&user.username, c));
    rules::password(&req.new_password).map_err(|e| invalid("The new password", e))?;
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
    let token = auth::new_session(&state, user.id, &headers, &ip).await?;
    audit::record(&state, Event::by(&user, "ChangePassword", Outcome::Allowed)).await;
    let mut me = user.me();
    me.must_change_password = false;
    Ok(([(header::SET_COOKIE, auth::session_cookie(&state, Some(&token)))], Json(me)).into_response())
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
