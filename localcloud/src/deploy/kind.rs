//! What a task does (`ServerManageTaskInfo.ChangeType`): deploy code, change
//! settings, or roll back; and how a code deploy releases its version.

use console_shared::vocab::{ChangeType, ReleaseType, VersionName};

use super::source::Source;

/// What a task does.
pub enum Kind {
    /// A new version pulled or built from `source` (R-DEP-2). A gray one
    /// opens a release order instead of moving the traffic (R-UPD-2).
    Code { source: Source, gray: bool },
    /// A new version from the image of `from`, the online version, with
    /// changed settings, released in full (R-UPD-5).
    Config { from: VersionName },
    /// An existing older version takes the traffic back from `from` (R-RB-1).
    Rollback { from: VersionName },
}

impl Kind {
    pub fn change_type(&self) -> ChangeType {
        match self {
            Kind::Code { .. } => ChangeType::Code,
            Kind::Config { .. } => ChangeType::Config,
            Kind::Rollback { .. } => ChangeType::Rollback,
        }
    }

    pub fn release_type(&self) -> ReleaseType {
        match self {
            Kind::Code { gray: true, .. } => ReleaseType::Gray,
            _ => ReleaseType::Full,
        }
    }

    /// Where the version comes from, for a code deploy.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Kind::Code { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether the task makes a new version (a rollback reuses one).
    pub fn makes_version(&self) -> bool {
        !matches!(self, Kind::Rollback { .. })
    }
}
