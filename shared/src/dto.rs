//! The console's own JSON (BFF ↔ SPA), apart from the cloud actions.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in user, as `GET /api/auth/me` and a successful login answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
}

/// Every non-2xx answer of the BFF. `code` is Tencent's code for errors that
/// came from the cloud, or one of [`console_codes`] for the console's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// The header every state-changing `/api` call must carry (CSRF defence).
pub const CONSOLE_REQUEST_HEADER: &str = "x-console-request";
