//! The one permission table: every allow-listed cloud action and what the
//! caller needs for it. The BFF enforces it; the SPA reads the same table to
//! disable a control and say why.

use serde::{Deserialize, Serialize};

use crate::actions::Product;

/// A member's role inside one environment, weakest first (R-ENV-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Developer,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Developer, Role::Owner];

    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Developer => "developer",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// What a call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Any signed-in user; the answer is filtered to what they may see.
    SignedIn,
    /// At least this role in the environment named by the body's `EnvId`.
    EnvRole(Role),
    /// Platform administrators only.
    Admin,
}

/// Whether a caller with `is_admin` and `role` (in the target environment) meets `need`.
/// Admins see and do everything.
pub fn allows(need: Need, is_admin: bool, role: Option<Role>) -> bool {
    is_admin
        || match need {
            Need::SignedIn => true,
            Need::EnvRole(min) => role.is_some_and(|r| r >= min),
            Need::Admin => false,
        }
}

/// The allow-list of the cloud proxy. `None`: the console never forwards it.
pub fn cloud_action(product: Product, action: &str) -> Option<Need> {
    use Need::*;
    use Role::*;
    Some(match (product, action) {
        (Product::Tcbr, "CreateCloudRunEnv") => Admin,
        (Product::Tcbr, "DescribeCloudRunEnvs") => SignedIn,
        (Product::Tcbr, "DescribeEnvBaseInfo" | "DescribeCloudRunServers") => EnvRole(Viewer),
        (Product::Tcb, "DestroyEnv") => EnvRole(Owner),
        _ => return None,
    })
}

/// Every allow-listed action, for tests and the OpenAPI document.
pub const CLOUD_ACTIONS: &[(Product, &str)] = &[
    (Product::Tcbr, "CreateCloudRunEnv"),
    (Product::Tcbr, "DescribeCloudRunEnvs"),
    (Product::Tcbr, "DescribeEnvBaseInfo"),
    (Product::Tcbr, "DescribeCloudRunServers"),
    (Product::Tcb, "DestroyEnv"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_action_has_a_need_and_nothing_else_does() {
        for (p, a) in CLOUD_ACTIONS {
            assert!(cloud_action(*p, a).is_some(), "{a}");
        }
        assert_eq!(cloud_action(Product::Tcbr, "DeleteEverything"), None);
        assert_eq!(cloud_action(Product::Tcb, "CreateCloudRunEnv"), None);
    }

    #[test]
    fn roles_are_ordered() {
        assert!(allows(
            Need::EnvRole(Role::Developer),
            false,
            Some(Role::Owner)
        ));
        assert!(!allows(
            Need::EnvRole(Role::Owner),
            false,
            Some(Role::Developer)
        ));
        assert!(!allows(Need::EnvRole(Role::Viewer), false, None));
        assert!(allows(Need::Admin, true, None));
        assert!(!allows(Need::Admin, false, Some(Role::Owner)));
    }
}
