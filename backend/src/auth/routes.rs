//! `/api/auth`: signing in (limited per account and client, every attempt
//! audited; a new session id each time), signing out, and who is signed in.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::dto::{ApiError, LoginRequest, Me, console_codes};
use console_shared::wording::AuditDetail;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Event, Outcome};
use crate::auth::cookies::{cookie_token, session_cookie};
use crate::auth::devices::{known_device, new_device};
use crate::auth::passwords::{CREDENTIALS_BODY_MAX, busy, dummy_hash, verify_password};
use crate::auth::ratelimit::Client;
use crate::auth::session::{load_session, new_session, token_hash};
use crate::error::{AppError, AppResult};
use crate::http::client::client_ip;
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .layer(DefaultBodyLimit::max(CREDENTIALS_BODY_MAX))
        .routes(routes!(logout))
        .routes(routes!(me))
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
    let address = client_ip(&state.trusted_proxies, &connect, &headers);
    let ip = address.to_string();
    let username = req.username.trim().to_string();
    let now = state.clock.now();
    let device = known_device(&state, &headers, &username).await?;
    let client = device.clone().map_or_else(|| Client::address(address), Client::Device);
    let failed = |detail: String| Event {
        user_id: None,
        username: &username,
        env_id: None,
        service: None,
        action: "Login",
        outcome: Outcome::Denied,
        detail,
        request_id: None,
        via_token: None,
    };
    let refused_before = match state.login_limiter.reserve(&username, &client, now) {
        Ok(n) => n,
        Err(throttled) => {
            // One entry when the limit starts biting, not one per attempt:
            // the count goes into the next entry for this client.
            if throttled.first {
                audit::record(&state, failed(AuditDetail::TooManyAttempts { ip: &ip }.to_string())).await;
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
        audit::record(&state, failed(AuditDetail::BadCredentials { ip: &ip, refused_before }.to_string())).await;
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
            service: None,
            action: "Login",
            outcome: Outcome::Allowed,
            detail: AuditDetail::SignedIn { ip: &ip, refused_before }.to_string(),
            request_id: None,
            via_token: None,
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
                service: None,
                action: "Logout",
                outcome: Outcome::Allowed,
                detail: String::new(),
                request_id: None,
                via_token: None,
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
