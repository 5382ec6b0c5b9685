//! Who a request comes from: the signed-in caller, as handlers, the
//! permission check and the audit log see it. A leaf that the session code
//! (`auth::session`, which makes one from the request's cookie) and every
//! reader share, so that the audit log and the permission check need not
//! import the sign-in code, nor it them.

use axum::http::{HeaderMap, header};
use console_shared::dto::Me;
use console_shared::permissions::Role;

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    /// Hash of this request's session token (never the token itself);
    /// empty for a call made with a personal access token.
    pub session: String,
    /// The personal access token the call came with, instead of a session.
    pub token: Option<TokenScope>,
}

/// What a personal access token reaches (R-CLI-3): its environments, with
/// its role there capped by its owner's (see `access`). A token never acts
/// as a platform administrator: [`AuthUser::is_admin`] is false for it, and
/// an administrator's token reaches its environments as an owner at most.
#[derive(Debug, Clone)]
pub struct TokenScope {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub envs: Vec<String>,
    /// The owner is a platform administrator (an owner wherever they look).
    pub owner_is_admin: bool,
}

impl AuthUser {
    pub fn me(&self) -> Me {
        Me {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            is_admin: self.is_admin,
            must_change_password: self.must_change_password,
        }
    }
}

/// The bearer token of a request, if it came with one (possibly empty or
/// malformed: refused, never ignored in favour of a cookie). Other schemes
/// (`Basic`, `Negotiate`) belong to a proxy in front of the console and a
/// browser sends them by itself: they are no token, and no CSRF exemption.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
