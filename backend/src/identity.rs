//! Who a request comes from: the signed-in caller, as handlers, the
//! permission check and the audit log see it. A leaf that the session code
//! (`auth::session`, which makes one from the request's cookie) and every
//! reader share, so that the audit log and the permission check need not
//! import the sign-in code, nor it them.

use console_shared::dto::Me;

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    /// Hash of this request's session token (never the token itself).
    pub session: String,
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
