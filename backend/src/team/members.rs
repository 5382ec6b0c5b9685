//! Members of an environment and their roles (R-ENV-2). Owners manage them;
//! an environment always keeps at least one owner. A role change takes effect
//! on the member's very next request (roles are read per request) and gives
//! their sessions new ids.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use console_shared::dto::{Access, AddMember, ApiError, Member, SetRole, console_codes};
use console_shared::permissions::{Endpoint, Role};
use console_shared::wording::AuditDetail;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::session::rotate_sessions_of;
use crate::cloud::envs::region_of;
use crate::error::{AppError, AppResult};
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(access)).routes(routes!(list, add)).routes(routes!(set_role, remove))
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::new(StatusCode::CONFLICT, console_codes::CONFLICT, message)
}

fn no_member() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "That user is not a member of this environment.")
}

#[utoipa::path(get, path = "/api/envs/{env}/access", tag = "members",
    description = "The caller's role in the environment. Needs: viewer.", params(("env" = String, Path)),
    responses((status = 200, body = Access), (status = 403, body = ApiError)))]
pub(crate) async fn access(
    State(state): State<AppState>,
    user: AuthUser,
    Path(env): Path<String>,
) -> AppResult<Json<Access>> {
    let role = authorize(&state, &user, Endpoint::MyAccess, Some(&env)).await?;
    Ok(Json(Access { env_id: env, role, is_admin: user.is_admin }))
}

#[derive(sqlx::FromRow)]
struct Row {
    user_id: i64,
    username: String,
    display_name: String,
    role: String,
}

#[utoipa::path(get, path = "/api/envs/{env}/members", tag = "members", description = "Members and roles. Needs: viewer.",
    params(("env" = String, Path)), responses((status = 200, body = [Member]), (status = 403, body = ApiError)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(env): Path<String>,
) -> AppResult<Json<Vec<Member>>> {
    authorize(&state, &user, Endpoint::ListMembers, Some(&env)).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.user_id, u.username, u.display_name, m.role FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.env_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'developer' THEN 1 ELSE 2 END, u.username",
    )
    .bind(&env)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|r| {
                Some(Member {
                    user_id: r.user_id,
                    username: r.username,
                    display_name: r.display_name,
                    role: Role::parse(&r.role)?,
                })
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/envs/{env}/members", tag = "members", request_body = AddMember,
    description = "Adds a user with a role. Needs: owner.", params(("env" = String, Path)),
    responses((status = 201, body = Member), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    user: AuthUser,
    Path(env): Path<String>,
    AppJson(req): AppJson<AddMember>,
) -> AppResult<(StatusCode, Json<Member>)> {
    authorize(&state, &user, Endpoint::AddMember, Some(&env)).await?;
    let target: Option<(i64, String, String, bool)> =
        sqlx::query_as("SELECT id, username, display_name, disabled FROM users WHERE username = ?")
            .bind(req.username.trim())
            .fetch_optional(&state.db)
            .await?;
    let Some((user_id, username, display_name, disabled)) = target else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            console_codes::NOT_FOUND,
            "There is no user with that username.",
        ));
    };
    if disabled {
        return Err(conflict(format!("{username} is disabled.")));
    }
    // The environment must exist; remembering its region also lets the
    // membership row point at it.
    if region_of(&state, &env).await?.is_none() {
        return Err(AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "There is no such environment."));
    }
    let added = sqlx::query("INSERT INTO members (env_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(&env)
        .bind(user_id)
        .bind(req.role.name())
        .execute(&state.db)
        .await?;
    if added.rows_affected() == 0 {
        return Err(conflict(format!("{username} is already a member; change their role instead.")));
    }
    rotate_sessions_of(&state, user_id).await?;
    audit::record(
        &state,
        Event::by(&user, "AddMember", Outcome::Allowed)
            .env(Some(&env))
            .detail(AuditDetail::MemberAdded { username: &username, role: req.role.name() }.to_string()),
    )
    .await;
    Ok((StatusCode::CREATED, Json(Member { user_id, username, display_name, role: req.role })))
}

/// Refuses to leave `env` without an owner when `user_id` stops being one.
async fn keep_an_owner(tx: &mut sqlx::SqliteConnection, env: &str, user_id: i64) -> AppResult<()> {
    let others: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE env_id = ? AND role = 'owner' AND user_id != ?")
            .bind(env)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if others == 0 {
        return Err(conflict("An environment must keep at least one owner; make someone else owner first."));
    }
    Ok(())
}

async fn current_role(tx: &mut sqlx::SqliteConnection, env: &str, user_id: i64) -> AppResult<(Role, String)> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT m.role, u.username FROM members m JOIN users u ON u.id = m.user_id WHERE m.env_id = ? AND m.user_id = ?",
    )
    .bind(env)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (role, username) = row.ok_or_else(no_member)?;
    Ok((Role::parse(&role).ok_or_else(no_member)?, username))
}

#[utoipa::path(put, path = "/api/envs/{env}/members/{user_id}", tag = "members", request_body = SetRole,
    description = "Changes a member's role; the environment keeps at least one owner. Needs: owner.",
    params(("env" = String, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = Member), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub(crate) async fn set_role(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, user_id)): Path<(String, i64)>,
    AppJson(req): AppJson<SetRole>,
) -> AppResult<Json<Member>> {
    authorize(&state, &user, Endpoint::ChangeMemberRole, Some(&env)).await?;
    // One transaction: two owners demoting each other at once cannot both win.
    let mut tx = crate::db::write_tx(&state.db).await?;
    let (old, username) = current_role(&mut tx, &env, user_id).await?;
    if old == Role::Owner && req.role != Role::Owner {
        keep_an_owner(&mut tx, &env, user_id).await?;
    }
    sqlx::query("UPDATE members SET role = ? WHERE env_id = ? AND user_id = ?")
        .bind(req.role.name())
        .bind(&env)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if old != req.role {
        rotate_sessions_of(&state, user_id).await?;
    }
    audit::record(
        &state,
        Event::by(&user, "ChangeMemberRole", Outcome::Allowed).env(Some(&env)).detail(
            AuditDetail::RoleChanged { username: &username, from: old.name(), to: req.role.name() }.to_string(),
        ),
    )
    .await;
    let display_name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = ?").bind(user_id).fetch_one(&state.db).await?;
    Ok(Json(Member { user_id, username, display_name, role: req.role }))
}

#[utoipa::path(delete, path = "/api/envs/{env}/members/{user_id}", tag = "members",
    description = "Removes a member; the environment keeps at least one owner. Needs: owner.",
    params(("env" = String, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, user_id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    authorize(&state, &user, Endpoint::RemoveMember, Some(&env)).await?;
    let mut tx = crate::db::write_tx(&state.db).await?;
    let (old, username) = current_role(&mut tx, &env, user_id).await?;
    if old == Role::Owner {
        keep_an_owner(&mut tx, &env, user_id).await?;
    }
    sqlx::query("DELETE FROM members WHERE env_id = ? AND user_id = ?")
        .bind(&env)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    rotate_sessions_of(&state, user_id).await?;
    audit::record(
        &state,
        Event::by(&user, "RemoveMember", Outcome::Allowed)
            .env(Some(&env))
            .detail(AuditDetail::MemberRemoved { username: &username, role: old.name() }.to_string()),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
