//! `/api/openapi.json`: the BFF's own HTTP surface, generated from the
//! routes and their handlers' annotations, and locked by a snapshot test.

use axum::Json;
use axum::routing::get;
use console_shared::dto::{
    Access, AddMember, ApiError, AuditEntry, AuditPage, ChangePassword, CreateUser, HubStats, LoginRequest, Me, Member,
    RevealSecrets, RevealedSecrets, SessionInfo, SetRole, UpdateUser, UploadedPackage, UserInfo,
};
use console_shared::permissions::Role;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CloudBase Run console BFF",
        description = "The console's own API. Every non-GET call needs \
        `X-Console-Request: 1` and a same-origin request; the session is an HttpOnly cookie."
    ),
    components(schemas(
        HubStats,
        Access,
        AddMember,
        ApiError,
        AuditEntry,
        AuditPage,
        ChangePassword,
        CreateUser,
        LoginRequest,
        Me,
        Member,
        Role,
        RevealSecrets,
        RevealedSecrets,
        SessionInfo,
        SetRole,
        UpdateUser,
        UploadedPackage,
        UserInfo
    ))
)]
pub struct ApiDoc;

/// The document, for the snapshot test: the same the console serves.
pub fn document() -> String {
    crate::api(std::time::Duration::from_secs(30)).split_for_parts().1.to_pretty_json().unwrap_or_default()
}

/// Serves `document`, made once from the routes.
pub fn router(document: utoipa::openapi::OpenApi) -> axum::Router<AppState> {
    let document = std::sync::Arc::new(document);
    axum::Router::new().route("/api/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
}
