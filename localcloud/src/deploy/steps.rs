//! The steps of a deploy, by where its version comes from.

use console_shared::actions::steps;

use super::source::Source;

/// The steps of an image deploy, in order.
pub const IMAGE_STEPS: [&str; 5] = [steps::PULL, steps::CREATE, steps::START, steps::HEALTH, steps::RELEASE];

/// The steps of a code-package deploy (R-DEP-2): the build comes first.
pub const PACKAGE_STEPS: [&str; 7] =
    [steps::VALIDATE, steps::BUILD, steps::PUSH, steps::CREATE, steps::START, steps::HEALTH, steps::RELEASE];

/// The steps whose lines make up the build log (DescribeCloudBaseRunBuildLog).
pub const BUILD_STEPS: [&str; 4] = [steps::PULL, steps::VALIDATE, steps::BUILD, steps::PUSH];

/// The steps of a deploy from `source`, in order.
pub fn steps_of(source: &Source) -> &'static [&'static str] {
    match source {
        Source::Image(_) => &IMAGE_STEPS,
        Source::Package(_) => &PACKAGE_STEPS,
    }
}
