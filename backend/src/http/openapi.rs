//! `/api/openapi.json`: the BFF's own HTTP surface, generated from the
//! routes and their handlers' annotations, and locked by a snapshot test.
//! Here the document's frame and its serving; the routes that fill it are
//! gathered by `crate::api`, which also makes the snapshot's copy
//! (`crate::openapi_document`).

use axum::Json;
use axum::routing::get;
use console_shared::dto::{
    Access, AddMember, ApiError, AuditEntry, AuditPage, ChangePassword, CreateUser, HubStats, LoginRequest, Me, Member,
    RevealSecrets, RevealedSecrets, SessionInfo, SetRole, UpdateUser, UploadedPackage, UserInfo,
};
use console_shared::permissions::Role;
use utoipa::OpenApi;

use crate::state::AppState;

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

/// Serves `document`, made once from the routes.
pub fn router(document: utoipa::openapi::OpenApi) -> axum::Router<AppState> {
    let document = std::sync::Arc::new(document);
    axum::Router::new().route("/api/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
}
