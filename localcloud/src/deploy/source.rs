//! What a deploy builds or pulls (R-DEP-2).

use crate::packages::Package;

/// Where a version comes from (R-DEP-2).
pub enum Source {
    Image(String),
    Package(Package),
}
