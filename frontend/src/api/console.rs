//! The BFF's own endpoints (ARCHITECTURE.md, `/api/openapi.json`), one typed
//! function each: the session, the caller's account, users, members, access,
//! the audit log, secrets, packages, the deploy events and the certificate
//! check. Each returns the answer's future, which borrows nothing.

use std::future::Future;

use console_shared::certs::CertCheck;
use console_shared::dto::{
    Access, AddMember, ApiError, AuditPage, CertCheckRequest, ChangePassword, CreateUser, LoginRequest, Me, Member,
    RevealSecrets, RevealedSecrets, SessionInfo, SetRole, TimelineEvent, UpdateUser, UploadedPackage, UserInfo,
};
use console_shared::permissions::Role;
use console_shared::tokens::{CreateToken, NewToken, Tokens};

use super::{Call, Method, enc, send_file};

/// `GET /api/auth/me`: who is signed in.
pub fn me() -> impl Future<Output = Result<Me, ApiError>> {
    Call::get("/api/auth/me").json()
}

/// `POST /api/auth/login`. A refusal is an answer here, not the end of a session.
pub fn login(username: String, password: String) -> impl Future<Output = Result<Me, ApiError>> {
    Call::new(Method::Post, "/api/auth/login").body(&LoginRequest { username, password }).answer_401().json()
}

/// `POST /api/auth/logout`.
pub fn logout() -> impl Future<Output = Result<(), ApiError>> {
    Call::new(Method::Post, "/api/auth/logout").answer_401().empty()
}

/// `POST /api/account/password`: the caller's own password; answers with the
/// session's user, who no longer has to change it.
pub fn change_password(body: &ChangePassword) -> impl Future<Output = Result<Me, ApiError>> + use<> {
    Call::new(Method::Post, "/api/account/password").body(body).json()
}

/// `GET /api/account/sessions`: the caller's sessions.
pub fn sessions() -> impl Future<Output = Result<Vec<SessionInfo>, ApiError>> {
    Call::get("/api/account/sessions").json()
}

/// `DELETE /api/account/sessions/{handle}`: signs one session out.
pub fn end_session(handle: &str) -> impl Future<Output = Result<(), ApiError>> + use<> {
    Call::new(Method::Delete, format!("/api/account/sessions/{}", enc(handle))).empty()
}

/// `GET /api/account/tokens`: the caller's personal access tokens, and the
/// environments (with the highest role) a new one may reach.
pub fn tokens() -> impl Future<Output = Result<Tokens, ApiError>> {
    Call::get("/api/account/tokens").json()
}

/// `POST /api/account/tokens`: a new token. The answer holds the secret, which
/// is never sent again: the caller shows it once and lets it go.
pub fn create_token(body: &CreateToken) -> impl Future<Output = Result<NewToken, ApiError>> + use<> {
    Call::new(Method::Post, "/api/account/tokens").body(body).json()
}

/// `DELETE /api/account/tokens/{id}`: revokes a token at once.
pub fn revoke_token(id: i64) -> impl Future<Output = Result<(), ApiError>> {
    Call::new(Method::Delete, format!("/api/account/tokens/{id}")).empty()
}

/// `GET /api/users` (admins).
pub fn users() -> impl Future<Output = Result<Vec<UserInfo>, ApiError>> {
    Call::get("/api/users").json()
}

/// `POST /api/users` (admins).
pub fn create_user(body: &CreateUser) -> impl Future<Output = Result<UserInfo, ApiError>> + use<> {
    Call::new(Method::Post, "/api/users").body(body).json()
}

/// `PATCH /api/users/{id}` (admins): disable or enable.
pub fn update_user(id: i64, body: &UpdateUser) -> impl Future<Output = Result<UserInfo, ApiError>> + use<> {
    Call::new(Method::Patch, format!("/api/users/{id}")).body(body).json()
}

/// `DELETE /api/users/{id}` (admins).
pub fn delete_user(id: i64) -> impl Future<Output = Result<(), ApiError>> {
    Call::new(Method::Delete, format!("/api/users/{id}")).empty()
}

fn members_url(env: &str) -> String {
    format!("/api/envs/{}/members", enc(env))
}

/// `GET /api/envs/{env}/members`.
pub fn members(env: &str) -> impl Future<Output = Result<Vec<Member>, ApiError>> + use<> {
    Call::get(members_url(env)).json()
}

/// `POST /api/envs/{env}/members` (owners).
pub fn add_member(env: &str, body: &AddMember) -> impl Future<Output = Result<Member, ApiError>> + use<> {
    Call::new(Method::Post, members_url(env)).body(body).json()
}

/// `PUT /api/envs/{env}/members/{user}` (owners): a member's role.
pub fn set_role(env: &str, user_id: i64, role: Role) -> impl Future<Output = Result<Member, ApiError>> + use<> {
    Call::new(Method::Put, format!("{}/{user_id}", members_url(env))).body(&SetRole { role }).json()
}

/// `DELETE /api/envs/{env}/members/{user}` (owners).
pub fn remove_member(env: &str, user_id: i64) -> impl Future<Output = Result<(), ApiError>> + use<> {
    Call::new(Method::Delete, format!("{}/{user_id}", members_url(env))).empty()
}

/// `GET /api/envs/{env}/access`: the caller's standing there.
pub fn access(env: &str) -> impl Future<Output = Result<Access, ApiError>> + use<> {
    Call::get(format!("/api/envs/{}/access", enc(env))).json()
}

/// What the audit log is filtered by; an empty field filters nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// One environment's log; `None`: everything (admins).
    pub env: Option<String>,
    pub user: String,
    pub action: String,
    pub outcome: String,
    /// Unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl AuditQuery {
    /// The query string, without the `?`.
    fn encoded(&self) -> String {
        let mut q: Vec<String> = Vec::new();
        if let Some(env) = &self.env {
            q.push(format!("env={}", enc(env)));
        }
        for (k, v) in [("user", &self.user), ("action", &self.action), ("outcome", &self.outcome)] {
            if !v.trim().is_empty() {
                q.push(format!("{k}={}", enc(v.trim())));
            }
        }
        for (k, v) in [("from", self.from), ("to", self.to)] {
            if let Some(ts) = v {
                q.push(format!("{k}={ts}"));
            }
        }
        q.join("&")
    }
}

/// `GET /api/audit`: one page of what `query` selects, newest first; `before`
/// is the cursor of an older page (the last page's `next_before`).
pub fn audit_page(
    query: &AuditQuery,
    before: Option<i64>,
) -> impl Future<Output = Result<AuditPage, ApiError>> + use<> {
    let before = before.map(|b| format!("&before={b}")).unwrap_or_default();
    Call::get(format!("/api/audit?{}{before}", query.encoded())).json()
}

/// `GET /api/audit/export.csv`: everything `query` selects, as CSV. A URL for
/// a plain link: the browser downloads it.
pub fn audit_export_url(query: &AuditQuery) -> String {
    format!("/api/audit/export.csv?{}", query.encoded())
}

/// `POST /api/envs/{env}/services/{service}/secrets` (developers, audited):
/// the online configuration's variables, unmasked.
pub fn reveal_secrets(env: &str, service: &str) -> impl Future<Output = Result<RevealedSecrets, ApiError>> + use<> {
    let url = format!("/api/envs/{}/services/{}/secrets", enc(env), enc(service));
    Call::new(Method::Post, url).body(&RevealSecrets::default()).json()
}

/// The same for one version's frozen configuration (R-VER-3).
pub fn reveal_version_secrets(
    env: &str,
    service: &str,
    version: &str,
) -> impl Future<Output = Result<RevealedSecrets, ApiError>> + use<> {
    let url = format!("/api/envs/{}/services/{}/secrets", enc(env), enc(service));
    Call::new(Method::Post, url).body(&RevealSecrets { version: Some(version.to_string()) }).json()
}

/// `GET /api/envs/{env}/services/{service}/timeline`: what happened to the
/// service (deploys, changes, traffic, rollbacks, scaling), newest first.
pub fn timeline(env: &str, service: &str) -> impl Future<Output = Result<Vec<TimelineEvent>, ApiError>> + use<> {
    Call::get(format!("/api/envs/{}/services/{}/timeline", enc(env), enc(service))).json()
}

/// `POST /api/certificates/check` (developers): the certificate chain, with
/// its key and domain when given, parsed and checked as an upload and a
/// binding would be (R-DOM-2). Nothing is stored; the key is not echoed.
/// The full check runs in the BFF, not here: in the wasm it would weigh
/// about 70 KB more, compressed.
pub fn check_certificate(body: &CertCheckRequest) -> impl Future<Output = Result<CertCheck, ApiError>> + use<> {
    Call::new(Method::Post, "/api/certificates/check").body(body).json()
}

/// `PUT /api/envs/{env}/services/{service}/package`: a code package for the
/// service (R-DEP-2), which the BFF streams to the cloud; `progress(sent,
/// total)` follows the upload.
pub async fn upload_package(
    env: &str,
    service: &str,
    file: &web_sys::File,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<UploadedPackage, ApiError> {
    let url = format!("/api/envs/{}/services/{}/package", enc(env), enc(service));
    send_file(Method::Put, &url, file, "application/zip", progress).await
}

/// `GET /api/envs/{env}/services/{service}/tasks/{task}/events`: the deploy's
/// live events (Server-Sent Events), for an `EventSource`.
pub fn deploy_events_url(env: &str, service: &str, task: i64) -> String {
    format!("/api/envs/{}/services/{}/tasks/{task}/events", enc(env), enc(service))
}

/// `GET /api/envs/{env}/services/{service}/logs/stream?q=`: the runtime log
/// lines `query` matches as they are written (Server-Sent Events), for an
/// `EventSource` (R-OBS-3).
pub fn log_tail_url(env: &str, service: &str, query: &str) -> String {
    format!("/api/envs/{}/services/{}/logs/stream?q={}", enc(env), enc(service), enc(query))
}
