//! The database's health over HTTP: `/healthz` (the process answers) and
//! `/readyz` (and its database does), and every API call refused while the
//! database file is lost (see `db::Health`).

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

/// While the database is lost, the API answers 503: nothing it accepted
/// could be kept.
pub async fn refuse_when_lost(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.db_health.is_lost() && req.uri().path().starts_with("/api/") {
        return AppError::database_unavailable().into_response();
    }
    next.run(req).await
}

/// `/healthz`: the process answers. `/readyz`: and its database does.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(|| async { "ok" })).route("/readyz", get(ready))
}

async fn ready(State(state): State<AppState>) -> Response {
    let answers = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.db).await.is_ok();
    if answers && !state.db_health.is_lost() {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "the database is not available").into_response()
    }
}
