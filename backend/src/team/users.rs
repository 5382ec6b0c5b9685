//! Users, whom admins manage: list, create, rename, disable, delete.
//! Disabling or deleting a user ends all their sessions at once. Each user's
//! own password and sessions are `auth::account`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use console_shared::dto::{ApiError, CreateUser, UpdateUser, UserInfo, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::rules;
use console_shared::wording::{AuditDetail, UserChange};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::passwords;
use crate::auth::session::end_all_sessions;
use crate::error::{AppError, AppResult};
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update, remove))
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
    rules::username(&username).map_err(|e| AppError::invalid("The username", e))?;
    rules::display_name(&req.display_name).map_err(|e| AppError::invalid("The display name", e))?;
    rules::password(&req.password).map_err(|e| AppError::invalid("The password", e))?;
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
    audit::record(
        &state,
        Event::by(&user, "CreateUser", Outcome::Allowed).detail(AuditDetail::User(&username).to_string()),
    )
    .await;
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE username = ?"))
        .bind(&username)
        .fetch_one(&state.db)
        .await?;
    Ok((StatusCode::CREATED, Json(UserInfo::from(row))).into_response())
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
        rules::display_name(name).map_err(|e| AppError::invalid("The display name", e))?;
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
        Some(true) => UserChange::Disabled,
        Some(false) => UserChange::Enabled,
        None => UserChange::Renamed,
    };
    audit::record(
        &state,
        Event::by(&user, "UpdateUser", Outcome::Allowed)
            .detail(AuditDetail::UserChanged(&target.username, what).to_string()),
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
    audit::record(
        &state,
        Event::by(&user, "DeleteUser", Outcome::Allowed).detail(AuditDetail::User(&target.username).to_string()),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
