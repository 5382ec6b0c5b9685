//! Enforcing the permission table of `console_shared::permissions` for the
//! BFF's own endpoints and the cloud proxy alike: one place decides, audits
//! a refused change, and words the refusal. A call made with a personal
//! access token gets the token's role, capped by its owner's, and only in
//! the token's environments.

use axum::http::StatusCode;
use console_shared::dto::console_codes;
use console_shared::permissions::{self, Endpoint, Need, Role, Rule};
use console_shared::tokens;
use console_shared::wording::AuditDetail;

use crate::audit::{self, Event, Outcome};
use crate::error::{AppError, AppResult};
use crate::identity::{AuthUser, TokenScope};
use crate::state::AppState;

/// The caller's role in `env_id`, if any.
pub async fn role_in(state: &AppState, user_id: i64, env_id: &str) -> AppResult<Option<Role>> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM members WHERE env_id = ? AND user_id = ?")
        .bind(env_id)
        .bind(user_id)
        .fetch_optional(&state.db)
        .await?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// The user's highest role in any environment, for what belongs to the
/// account (`Need::AnyEnvRole`).
async fn highest_role(state: &AppState, user_id: i64) -> AppResult<Option<Role>> {
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT role FROM members WHERE user_id = ?").bind(user_id).fetch_all(&state.db).await?;
    Ok(roles.iter().filter_map(|r| Role::parse(r)).max())
}

/// What a call made with a personal access token may do in `env`: the
/// token's role, capped by its owner's role there now; nothing outside the
/// token's environments.
async fn token_role(state: &AppState, user: &AuthUser, token: &TokenScope, env: &str) -> AppResult<Option<Role>> {
    if !token.envs.iter().any(|e| e == env) {
        return Ok(None);
    }
    let owner = if token.owner_is_admin { Some(Role::Owner) } else { role_in(state, user.id, env).await? };
    Ok(tokens::effective_role(token.role, owner))
}

/// The caller's role in `env` (a token's, capped as above).
pub async fn caller_role(state: &AppState, user: &AuthUser, env: &str) -> AppResult<Option<Role>> {
    match &user.token {
        Some(token) => token_role(state, user, token, env).await,
        None => role_in(state, user.id, env).await,
    }
}

/// The caller's highest role in any environment (a token's: in any of its own).
async fn caller_highest(state: &AppState, user: &AuthUser) -> AppResult<Option<Role>> {
    let Some(token) = &user.token else { return highest_role(state, user.id).await };
    let mut best = None;
    for env in &token.envs {
        best = best.max(token_role(state, user, token, env).await?);
    }
    Ok(best)
}

/// The environments a caller may see listed: `None` for all (a platform
/// administrator signed in), else their memberships, narrowed to a token's own.
pub async fn visible_envs(state: &AppState, user: &AuthUser) -> AppResult<Option<Vec<String>>> {
    if user.is_admin {
        return Ok(None);
    }
    let mut envs: Vec<String> = match &user.token {
        Some(token) if token.owner_is_admin => token.envs.clone(),
        _ => {
            sqlx::query_scalar("SELECT env_id FROM members WHERE user_id = ?")
                .bind(user.id)
                .fetch_all(&state.db)
                .await?
        }
    };
    if let Some(token) = &user.token {
        envs.retain(|e| token.envs.contains(e));
    }
    Ok(Some(envs))
}

/// Checks `rule` for `user` in `env`; returns the caller's role there. A
/// refused change is audited. The refusal reads the same whether or not the
/// environment exists, so a caller never learns of environments it cannot see.
pub async fn check(
    state: &AppState,
    user: &AuthUser,
    rule: Rule,
    action: &str,
    env: Option<&str>,
) -> AppResult<Option<Role>> {
    if user.token.is_some() && !tokens::token_may(rule) {
        tracing::info!(user.id = user.id, action, "refused: not with a personal access token");
        let event = Event::by(user, action, Outcome::Denied).env(env).detail(AuditDetail::Permission.to_string());
        audit::record(state, event).await;
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            console_codes::TOKEN_NOT_ALLOWED,
            "A personal access token cannot do this: sign in to the console.",
        ));
    }
    let role = match (rule.need, env) {
        (Need::AnyEnvRole(_), _) => caller_highest(state, user).await?,
        (_, Some(env)) => caller_role(state, user, env).await?,
        (_, None) => None,
    };
    if matches!(rule.need, Need::EnvRole(_)) && env.is_none() {
        return Err(AppError::bad_request("The request must name its environment (`EnvId`)."));
    }
    let allowed = permissions::allows(rule.need, user.is_admin, role);
    // Every call made with a token is audited: changes below or where they
    // are made, reads here (once a minute per kind, see `TokenReads`).
    if !rule.mutating && state.token_reads.first_this_minute(user, action, env, state.clock.now()) {
        let outcome = if allowed { Outcome::Allowed } else { Outcome::Denied };
        let event = Event::by(user, action, outcome).env(env);
        let detail = if allowed { String::new() } else { AuditDetail::Permission.to_string() };
        audit::record(state, event.detail(detail)).await;
    }
    if allowed {
        return Ok(role);
    }
    if rule.mutating {
        audit::record(
            state,
            Event::by(user, action, Outcome::Denied).env(env).detail(AuditDetail::Permission.to_string()),
        )
        .await;
    }
    tracing::info!(user.id = user.id, env.id = env.unwrap_or(""), action, "refused: permission");
    let message = match (rule.need, role) {
        (Need::EnvRole(min), Some(have)) => {
            format!("This needs the {} role in this environment; you are {}.", min.name(), have.name())
        }
        (Need::EnvRole(min), None) => {
            format!("This needs the {} role in this environment, or the environment does not exist.", min.name())
        }
        (Need::AnyEnvRole(min), _) => format!("This needs the {} role in at least one environment.", min.name()),
        _ => "Only platform administrators can do this.".to_string(),
    };
    Err(AppError::forbidden(message))
}

/// [`check`] for one of the BFF's own endpoints.
pub async fn authorize(
    state: &AppState,
    user: &AuthUser,
    endpoint: Endpoint,
    env: Option<&str>,
) -> AppResult<Option<Role>> {
    check(state, user, endpoint.rule(), endpoint.name(), env).await
}
