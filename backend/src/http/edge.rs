//! What every request meets before a handler, and every error after it:
//! the `Host` check against DNS rebinding, and one error shape for the API.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use console_shared::dto::console_codes;

use crate::error::AppError;
use crate::http::origins::authority;
use crate::state::AppState;

/// Refuses a request addressed to a host the console is not reached by.
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authority = authority(req.headers(), req.uri());
    if !state.origins.host_allowed(&authority) {
        tracing::info!(host = %authority.chars().take(100).collect::<String>(), "refused: unknown Host");
        return AppError::new(
            StatusCode::MISDIRECTED_REQUEST,
            console_codes::MISDIRECTED,
            "This console is not served under that host name. Use its address, or set CONSOLE_PUBLIC_URL.",
        )
        .into_response();
    }
    next.run(req).await
}

/// Error answers of the API that axum or tower-http made (a path or query
/// that does not parse, a body over its limit, a timeout, an unknown
/// method) come as plain text or empty; rewrite them into the one JSON shape
/// the SPA and the CLI read.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (code, fallback) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (console_codes::PAYLOAD_TOO_LARGE, "The request body is too large."),
        StatusCode::REQUEST_TIMEOUT => (console_codes::TIMEOUT, "The request took too long and was stopped."),
        StatusCode::NOT_FOUND => (console_codes::NOT_FOUND, "There is no such API endpoint."),
        StatusCode::METHOD_NOT_ALLOWED => (console_codes::BAD_REQUEST, "That method is not allowed here."),
        s if s.is_client_error() => (console_codes::BAD_REQUEST, "The request is not valid."),
        _ => (console_codes::INTERNAL, "Something went wrong on the server; nothing was changed."),
    };
    let message = if text.is_empty() || status.is_server_error() { fallback.to_string() } else { text };
    let mut out = AppError::new(status, code, message).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}
