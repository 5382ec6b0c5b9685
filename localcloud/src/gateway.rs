//! The HTTP gateway: every service's default domain
//! (`http://<service>-<env>.run.localhost:<port>`) arrives here and is routed
//! by its `Host`. A host that belongs to no live service gets a clear 404 page,
//! which is also what a deleted service's domain answers forever (R-SVC-5).

use axum::Router;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::SharedState;

pub fn app(state: SharedState) -> Router {
    Router::new().fallback(route).with_state(state)
}

async fn route(AxState(_state): AxState<SharedState>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    not_found(&host)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn not_found(host: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No service here</title></head>\
         <body><h1>No service answers at {}</h1><p>localcloud's gateway knows no running service with this domain. \
         It may never have existed, or it was deleted: a deleted service's default domain is never reused.</p></body></html>",
        escape(host)
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        Html(page),
    )
        .into_response()
}
