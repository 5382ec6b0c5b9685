//! Serving the built SPA: the fallback route that answers every path the
//! API does not (an asset, or the page), and the route where browsers
//! report what the page's CSP blocked. The files and their encodings are
//! `assets`; the policy and the reports' budget are `csp`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use console_shared::dto::console_codes;

use crate::error::AppError;
use crate::http::spa::csp::CSP_REPORT_MAX_BYTES;
use crate::state::AppState;

pub mod assets;
pub mod csp;

pub fn reports_router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(csp_report))
        .layer(axum::extract::DefaultBodyLimit::max(CSP_REPORT_MAX_BYTES))
}

/// Logs a CSP violation report (`application/csp-report` or the Reporting
/// API's JSON), a few fields only and each cut short.
#[utoipa::path(post, path = "/api/csp-report", tag = "spa",
    description = "Where browsers report Content-Security-Policy violations. Logged (rate-limited); always 204.",
    request_body(content = Object, content_type = "application/csp-report"), responses((status = 204)))]
pub(crate) async fn csp_report(State(state): State<AppState>, body: axum::body::Bytes) -> StatusCode {
    if !state.csp_reports.take(state.clock.now()) {
        return StatusCode::NO_CONTENT;
    }
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let report = value.get("csp-report").or_else(|| value.get(0).and_then(|r| r.get("body"))).unwrap_or(&value);
    let field = |names: &[&str]| -> String {
        names
            .iter()
            .find_map(|n| report.get(*n).and_then(serde_json::Value::as_str))
            .unwrap_or("")
            .chars()
            .take(200)
            .collect()
    };
    tracing::warn!(
        directive = %field(&["violated-directive", "effectiveDirective"]),
        blocked = %field(&["blocked-uri", "blockedURL"]),
        document = %field(&["document-uri", "documentURL"]),
        "CSP violation reported"
    );
    StatusCode::NO_CONTENT
}

/// Every path that is not an API route: an asset, or the SPA's page.
pub async fn serve(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "No such API endpoint.").into_response();
    }
    state.spa.respond(path, &headers)
}
