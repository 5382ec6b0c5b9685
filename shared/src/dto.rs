//! The console's own JSON (BFF ↔ SPA), apart from the cloud actions.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in user, as `GET /api/auth/me` and a successful login answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Set for accounts an admin created: nothing else works until it is changed.
    pub must_change_password: bool,
}

/// Every non-2xx answer of the BFF. `code` is Tencent's code for errors that
/// came from the cloud, or one of [`console_codes`] for the console's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The console's own error codes (the BFF's, not the cloud's).
pub mod console_codes {
    pub const UNAUTHENTICATED: &str = "Console.Unauthenticated";
    /// A session cookie came, but its session is over (expired, logged out, revoked).
    pub const SESSION_EXPIRED: &str = "Console.SessionExpired";
    pub const BAD_CREDENTIALS: &str = "Console.BadCredentials";
    pub const FORBIDDEN: &str = "Console.Forbidden";
    pub const CSRF: &str = "Console.CrossSiteRequest";
    pub const NOT_ALLOWED_ACTION: &str = "Console.ActionNotAllowed";
    pub const BAD_REQUEST: &str = "Console.BadRequest";
    pub const UPSTREAM_UNREACHABLE: &str = "Console.UpstreamUnreachable";
    pub const UPSTREAM_TIMEOUT: &str = "Console.UpstreamTimeout";
    pub const UPSTREAM_INVALID: &str = "Console.UpstreamInvalidResponse";
    pub const INTERNAL: &str = "Console.Internal";
    pub const NOT_FOUND: &str = "Console.NotFound";
    pub const CONFLICT: &str = "Console.Conflict";
    pub const RATE_LIMITED: &str = "Console.TooManyAttempts";
    pub const PASSWORD_CHANGE_REQUIRED: &str = "Console.PasswordChangeRequired";
    pub const PACKAGE_TOO_LARGE: &str = "Console.PackageTooLarge";
    /// Any other request body over its limit.
    pub const PAYLOAD_TOO_LARGE: &str = "Console.PayloadTooLarge";
    pub const TIMEOUT: &str = "Console.RequestTimeout";
    /// The request named a host the console is not reached by (DNS rebinding).
    pub const MISDIRECTED: &str = "Console.MisdirectedRequest";
    /// The database file went missing or is damaged: nothing is accepted until a restart.
    pub const DATABASE_UNAVAILABLE: &str = "Console.DatabaseUnavailable";
    /// Too much work at once (e.g. password checks); try again shortly.
    pub const BUSY: &str = "Console.Busy";
    /// A new password is one of the most common ones.
    pub const COMMON_PASSWORD: &str = "Console.CommonPassword";
    /// A personal access token that is not (or no longer) one: unknown or revoked.
    pub const TOKEN_INVALID: &str = "Console.TokenInvalid";
    /// A personal access token past its expiry.
    pub const TOKEN_EXPIRED: &str = "Console.TokenExpired";
    /// What a personal access token may never do (passwords, sessions, tokens, new environments).
    pub const TOKEN_NOT_ALLOWED: &str = "Console.TokenNotAllowed";
    /// The caller already holds a token of that name.
    pub const TOKEN_NAME_TAKEN: &str = "Console.TokenNameTaken";
    /// The caller holds as many active tokens as one account may.
    pub const TOKEN_LIMIT: &str = "Console.TokenLimit";
}

/// The header every state-changing `/api` call must carry (CSRF defence).
pub const CONSOLE_REQUEST_HEADER: &str = "x-console-request";

/// `POST /api/users` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    /// The initial password; the user must change it at first sign-in.
    pub password: String,
}

/// `PATCH /api/users/{id}` (admin): only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// One of the caller's own sessions. `handle` names it; it is not the
/// session's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub handle: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: crate::permissions::Role,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMember {
    pub username: String,
    pub role: crate::permissions::Role,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetRole {
    pub role: crate::permissions::Role,
}

/// The caller's standing in one environment, for the SPA to explain controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Access {
    pub env_id: String,
    pub role: Option<crate::permissions::Role>,
    pub is_admin: bool,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds (UTC).
    pub at: i64,
    pub username: String,
    pub env_id: Option<String>,
    pub action: String,
    /// `allowed`, `denied` or `failed`.
    pub outcome: String,
    pub detail: String,
    pub request_id: Option<String>,
    /// The personal access token the call was made with (its name), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_token: Option<String>,
}

/// `POST /api/envs/{env}/services/{service}/secrets`: which configuration to reveal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealSecrets {
    /// A version's frozen configuration; absent: the online one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The variables, unmasked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedSecrets {
    pub env_params: std::collections::BTreeMap<String, String>,
}

/// Audit entries per page (`GET /api/audit?limit=`): the default and the cap.
pub const AUDIT_PAGE_DEFAULT: i64 = 100;
pub const AUDIT_PAGE_MAX: i64 = 500;

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

/// One event of a deploy task's live stream (`/api/envs/{env}/services/{service}/tasks/{task}/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeployEvent {
    /// A step changed state (`todo`, `running`, `finished`, `failed`, `cancelled`).
    Step { index: usize, name: String, status: String, start_time: String, end_time: String, fail_reason: String },
    /// A line of the build and deploy log.
    Log { line: String },
    /// The task ended: `finished`, `failed` or `cancelled`; or `running` for a
    /// gray update whose deploy is over while its release stays open. The
    /// stream closes.
    Done { status: String, fail_reason: String, version: String },
}

/// The deploy-progress hub's counters (`GET /api/admin/hub`, admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HubStats {
    /// Tasks being watched now.
    pub feeds: u64,
    /// Subscribers connected now.
    pub subscribers: u64,
    /// Pollers ever started: one per watched task.
    pub pollers_started: u64,
    /// Upstream polls ever made.
    pub polls: u64,
}

/// A code package stored for a deploy (`PUT /api/envs/{env}/services/{service}/package`):
/// pass both names as `DeployInfo.PackageName`/`PackageVersion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedPackage {
    pub package_name: String,
    pub package_version: String,
    /// Bytes received.
    pub size: u64,
}

/// What happened to a service, for its timeline (newest first): the deploys
/// and changes asked through the console (with who asked), how the deploys
/// ended, and its scaling events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimelineKind {
    /// A create or update was asked (full release).
    DeployAsked,
    /// An update was asked as a gray release.
    GrayAsked,
    /// A settings change was asked (R-UPD-5).
    SettingsChanged,
    /// The gray split was set (R-UPD-2, R-UPD-4).
    TrafficSplit,
    /// The gray release was finished: the canary has 100 %.
    GrayFinished,
    /// The gray release was abandoned: the stable version has 100 %.
    GrayAbandoned,
    /// A running deploy was cancelled.
    DeployCancelled,
    /// A rollback was asked (R-RB-1).
    RollbackAsked,
    /// A deploy, settings change or rollback ended well: its version runs.
    VersionReady,
    /// It ended badly.
    VersionFailed,
    /// A version's instances changed (`detail` is the event's English, see
    /// `wording::ScaleEvent`).
    Scaled,
    /// An instance's process exited unasked, was restarted, or could not be
    /// (`detail` is the event's English, see `wording::InstanceEvent`).
    InstanceEvent,
}

/// One line of a service's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    /// Unix seconds (UTC).
    pub at: i64,
    pub kind: TimelineKind,
    /// The version it is about, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who did it (from the audit log); none for what the cloud did itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    /// The personal access token they did it with (its name), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_token: Option<String>,
    /// The request was refused or failed (an audit entry's outcome).
    pub failed: bool,
    /// More, in the cloud's or the BFF's English: the split, the rollback's
    /// versions, a failure's code, a scaling event.
    pub detail: String,
}

/// `POST /api/certificates/check`: a certificate chain, optionally its key
/// and the domain it is for, checked before an upload (R-DOM-2). The answer
/// is a [`crate::certs::CertCheck`]; the key is neither stored nor echoed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertCheckRequest {
    pub certificate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub private_key: Option<crate::certs::PrivateKeyPem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}
