//! Roles, what a call needs, and the BFF's own endpoints with their rules.
//! Each cloud action declares its rule with itself (`actions`); the BFF
//! enforces both, and the SPA reads the same rules to disable a control and
//! say why.

use serde::{Deserialize, Serialize};

/// A member's role inside one environment, weakest first (R-ENV-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A signed-in user in the console itself, not through a personal
    /// access token: their own password, sessions and tokens.
    Session,
    /// At least this role in the environment named by the body's `EnvId`.
    EnvRole(Role),
    /// At least this role in some environment: for what belongs to the
    /// account rather than to one environment (certificates).
    AnyEnvRole(Role),
    /// Platform administrators only.
    Admin,
}

/// Whether a caller with `is_admin` and `role` meets `need`: `role` is the
/// caller's role in the target environment, or for [`Need::AnyEnvRole`] their
/// highest role in any. Admins see and do everything.
pub fn allows(need: Need, is_admin: bool, role: Option<Role>) -> bool {
    is_admin
        || match need {
            Need::SignedIn | Need::Session => true,
            Need::EnvRole(min) | Need::AnyEnvRole(min) => role.is_some_and(|r| r >= min),
            Need::Admin => false,
        }
}

/// One row of the permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub need: Need,
    /// Changes something: audited whether allowed or denied.
    pub mutating: bool,
}

/// A call that only reads.
pub const fn read(need: Need) -> Rule {
    Rule { need, mutating: false }
}

/// A call that changes something: audited.
pub const fn write(need: Need) -> Rule {
    Rule { need, mutating: true }
}

/// The BFF's own endpoints, each with its rule (R-ENV-2: members and roles
/// are per environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Endpoint {
    ListUsers,
    CreateUser,
    UpdateUser,
    DeleteUser,
    ChangeOwnPassword,
    ListOwnSessions,
    EndOwnSession,
    MyAccess,
    ListMembers,
    AddMember,
    ChangeMemberRole,
    RemoveMember,
    ReadEnvAudit,
    ReadAllAudit,
    DeployEvents,
    LogTail,
    HubStats,
    UploadPackage,
    RevealSecrets,
    ServiceTimeline,
    CheckCertificate,
    ListOwnTokens,
    CreateOwnToken,
    RevokeOwnToken,
}

impl Endpoint {
    pub const ALL: [Endpoint; 24] = [
        Endpoint::ListUsers,
        Endpoint::CreateUser,
        Endpoint::UpdateUser,
        Endpoint::DeleteUser,
        Endpoint::ChangeOwnPassword,
        Endpoint::ListOwnSessions,
        Endpoint::EndOwnSession,
        Endpoint::MyAccess,
        Endpoint::ListMembers,
        Endpoint::AddMember,
        Endpoint::ChangeMemberRole,
        Endpoint::RemoveMember,
        Endpoint::ReadEnvAudit,
        Endpoint::ReadAllAudit,
        Endpoint::DeployEvents,
        Endpoint::LogTail,
        Endpoint::HubStats,
        Endpoint::UploadPackage,
        Endpoint::RevealSecrets,
        Endpoint::ServiceTimeline,
        Endpoint::CheckCertificate,
        Endpoint::ListOwnTokens,
        Endpoint::CreateOwnToken,
        Endpoint::RevokeOwnToken,
    ];

    pub fn rule(self) -> Rule {
        use Endpoint::*;
        use Need::*;
        match self {
            ListUsers => read(Admin),
            CreateUser | UpdateUser | DeleteUser => write(Admin),
            ChangeOwnPassword | EndOwnSession => write(Session),
            ListOwnSessions => read(Session),
            MyAccess | ListMembers => read(EnvRole(Role::Viewer)),
            // R-ENV-7: production is stricter because only its owners manage who is in it.
            AddMember | ChangeMemberRole | RemoveMember => write(EnvRole(Role::Owner)),
            ReadEnvAudit => read(EnvRole(Role::Owner)),
            ReadAllAudit => read(Admin),
            DeployEvents => read(EnvRole(Role::Viewer)),
            // R-OBS-3: whoever may search a service's logs may follow them.
            LogTail => read(EnvRole(Role::Viewer)),
            HubStats => read(Admin),
            // The package is only used by a deploy, which needs the same role.
            UploadPackage => write(EnvRole(Role::Developer)),
            // Those who may change a variable may read it, on purpose and on the record.
            RevealSecrets => write(EnvRole(Role::Developer)),
            // What happened to a service, and who did it: what its deploy records say too.
            ServiceTimeline => read(EnvRole(Role::Viewer)),
            // Who may upload a certificate (certificates are the account's).
            CheckCertificate => read(AnyEnvRole(Role::Developer)),
            // One's own tokens; what each may reach is checked on creation.
            ListOwnTokens => read(Session),
            CreateOwnToken | RevokeOwnToken => write(Session),
        }
    }

    /// The name the audit log records.
    pub fn name(self) -> &'static str {
        use Endpoint::*;
        match self {
            ListUsers => "ListUsers",
            CreateUser => "CreateUser",
            UpdateUser => "UpdateUser",
            DeleteUser => "DeleteUser",
            ChangeOwnPassword => "ChangePassword",
            ListOwnSessions => "ListSessions",
            EndOwnSession => "EndSession",
            MyAccess => "MyAccess",
            ListMembers => "ListMembers",
            AddMember => "AddMember",
            ChangeMemberRole => "ChangeMemberRole",
            RemoveMember => "RemoveMember",
            ReadEnvAudit => "ReadAudit",
            ReadAllAudit => "ReadAllAudit",
            DeployEvents => "WatchDeploy",
            LogTail => "TailLogs",
            HubStats => "HubStats",
            UploadPackage => "UploadPackage",
            RevealSecrets => "RevealSecrets",
            ServiceTimeline => "ServiceTimeline",
            CheckCertificate => "CheckCertificate",
            ListOwnTokens => "ListTokens",
            CreateOwnToken => "CreateToken",
            RevokeOwnToken => "RevokeToken",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered() {
        assert!(allows(Need::EnvRole(Role::Developer), false, Some(Role::Owner)));
        assert!(!allows(Need::EnvRole(Role::Owner), false, Some(Role::Developer)));
        assert!(!allows(Need::EnvRole(Role::Viewer), false, None));
        assert!(allows(Need::Admin, true, None));
        assert!(!allows(Need::Admin, false, Some(Role::Owner)));
    }
}
