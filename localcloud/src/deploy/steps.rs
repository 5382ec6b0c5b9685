//! The steps of a deploy, by where its version comes from.

use console_shared::vocab::Step;

use super::source::Source;

/// The steps of an image deploy, in order.
pub const IMAGE_STEPS: [Step; 5] = [Step::Pull, Step::Create, Step::Start, Step::Health, Step::Release];

/// The steps of a code-package deploy (R-DEP-2): the build comes first.
pub const PACKAGE_STEPS: [Step; 7] =
    [Step::Validate, Step::Build, Step::Push, Step::Create, Step::Start, Step::Health, Step::Release];

/// The steps whose lines make up the build log (DescribeCloudBaseRunBuildLog).
pub const BUILD_STEPS: [Step; 4] = [Step::Pull, Step::Validate, Step::Build, Step::Push];

/// The steps of a deploy from `source`, in order.
pub fn steps_of(source: &Source) -> &'static [Step] {
    match source {
        Source::Image(_) => &IMAGE_STEPS,
        Source::Package(_) => &PACKAGE_STEPS,
    }
}
