//! Live deploy progress over Server-Sent Events:
//! `GET /api/envs/{env}/services/{service}/tasks/{task}/events`, and the
//! hub's counters for admins. The feeds themselves are the `hub`'s.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use console_shared::actions::{DescribeServerManageTask, ManageTaskRequest};
use console_shared::dto::{ApiError, HubStats, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::vocab::{EnvId, ServiceName, TaskId};
use futures::StreamExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::cloud::envs::region_of;
use crate::cloud::hub::{Cursor, Key, stream};
use crate::error::{AppError, AppResult};
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events)).routes(routes!(stats))
}

#[utoipa::path(get, path = "/api/admin/hub", tag = "deploys",
    description = "Counters of the deploy-progress hub: watched tasks, subscribers, pollers, polls. Needs: admin.",
    responses((status = 200, body = HubStats), (status = 403, body = ApiError)))]
pub(crate) async fn stats(State(state): State<AppState>, user: AuthUser) -> AppResult<axum::Json<HubStats>> {
    authorize(&state, &user, Endpoint::HubStats, None).await?;
    Ok(axum::Json(state.hub.stats()))
}

#[utoipa::path(get, path = "/api/envs/{env}/services/{service}/tasks/{task}/events", tag = "deploys",
    description = "Server-Sent Events of a deploy task: `step`, `log` and a final `done` (JSON `DeployEvent`), each with \
an `id:`; reconnect with `Last-Event-ID` to resume. Keep-alive comments every 15 s. Needs: viewer.",
    params(("env" = String, Path), ("service" = String, Path), ("task" = i64, Path)),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 403, body = ApiError),
        (status = 404, body = ApiError)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service, task)): Path<(String, String, i64)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    // Checked where they enter: the names go to the cloud and key the hub.
    let key = Key {
        env: EnvId::parse(&env).map_err(|e| AppError::invalid("The environment ID", e))?,
        service: ServiceName::parse(&service).map_err(|e| AppError::invalid("The service name", e))?,
        task: TaskId::parse(&task.to_string())
            .ok_or_else(|| AppError::bad_request("The task ID must not be negative."))?,
    };
    // Membership is checked like any other call.
    authorize(&state, &user, Endpoint::DeployEvents, Some(&env)).await?;
    let region = region_of(&state, &env).await?;
    let req =
        ManageTaskRequest { env_id: env.clone(), server_name: service.clone(), task_id: task, operator_remark: None };
    let exists = state.upstream.call::<DescribeServerManageTask>(region, &req).await?.is_exist;
    if !exists {
        return Err(AppError::new(
            axum::http::StatusCode::NOT_FOUND,
            console_codes::NOT_FOUND,
            "There is no such deploy task.",
        ));
    }
    let admitted = state.hub.admit(user.id)?;
    let had = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| Cursor::parse(v.trim()));
    let feed = state.hub.feed(key, state.upstream.clone(), region);
    Ok(live_for(&state, &user, stream(admitted, feed, had)))
}

/// [`live`] for `user`: a stream opened with a personal access token ends
/// when the token is revoked or expires, not when the client lets go.
pub(crate) fn live_for<S, E>(state: &AppState, user: &AuthUser, events: S) -> Response
where
    S: futures::Stream<Item = Result<axum::response::sse::Event, E>> + Send + 'static,
    E: Into<axum::BoxError>,
{
    match &user.token {
        Some(token) => live(events.take_until(Box::pin(crate::auth::tokens::gone(state.clone(), token.id)))),
        None => live(events),
    }
}

/// An event stream as every live view gets it: keep-alive comments every
/// 15 s, never cached, never buffered by a proxy.
pub(crate) fn live<S, E>(events: S) -> Response
where
    S: futures::Stream<Item = Result<axum::response::sse::Event, E>> + Send + 'static,
    E: Into<axum::BoxError>,
{
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keep-alive"))
        .into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies such as nginx must pass events through as they come.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}
