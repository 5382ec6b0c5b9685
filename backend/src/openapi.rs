//! `/api/openapi.json`: the BFF's own HTTP surface, generated from the
//! handlers' annotations and locked by a snapshot test.

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
    paths(
        crate::auth::login,
        crate::auth::logout,
        crate::auth::me,
        crate::cloud::proxy,
        crate::users::list,
        crate::users::create,
        crate::users::update,
        crate::users::remove,
        crate::users::change_password,
        crate::users::sessions,
        crate::users::end_session,
        crate::members::access,
        crate::members::list,
        crate::members::add,
        crate::members::set_role,
        crate::members::remove,
        crate::audit::list,
        crate::audit::export_csv,
        crate::events::events,
        crate::events::stats,
        crate::packages::upload,
        crate::spa::csp_report,
        crate::secrets::reveal,
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

/// The document, for the snapshot test.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
