//! The steps of a task, by what it does and where its version comes from.

use console_shared::vocab::Step;

use super::kind::Kind;
use super::source::Source;

/// The steps of an image deploy, in order.
pub const IMAGE_STEPS: [Step; 5] = [Step::Pull, Step::Create, Step::Start, Step::Health, Step::Release];

/// The steps of a code-package deploy (R-DEP-2): the build comes first.
pub const PACKAGE_STEPS: [Step; 7] =
    [Step::Validate, Step::Build, Step::Push, Step::Create, Step::Start, Step::Health, Step::Release];

/// The steps of a settings change (R-UPD-5): the online version's image is
/// already there, so nothing is pulled or built.
pub const CONFIG_STEPS: [Step; 4] = [Step::Create, Step::Start, Step::Health, Step::Release];

/// The steps of a rollback (R-RB-1): the target cold-starts, takes the
/// traffic once healthy, then the abandoned version scales down.
pub const ROLLBACK_STEPS: [Step; 4] = [Step::Start, Step::Health, Step::Release, Step::ScaleDown];

/// The steps whose lines make up the build log (DescribeCloudBaseRunBuildLog).
pub const BUILD_STEPS: [Step; 4] = [Step::Pull, Step::Validate, Step::Build, Step::Push];

/// The steps of a task of `kind`, in order.
pub fn steps_of(kind: &Kind) -> &'static [Step] {
    match kind {
        Kind::Code { source: Source::Image(_), .. } => &IMAGE_STEPS,
        Kind::Code { source: Source::Package(_), .. } => &PACKAGE_STEPS,
        Kind::Config { .. } => &CONFIG_STEPS,
        Kind::Rollback { .. } => &ROLLBACK_STEPS,
    }
}
