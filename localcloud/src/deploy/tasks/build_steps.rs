//! The build steps of a code-package deploy (R-DEP-2): validate upload,
//! build image, push image.
//!
//! Their work (reading the zip, parsing the Dockerfile, matching its sources
//! against the package) runs on the blocking pool, under a time limit, a few
//! builds at a time, and stops on a cancel: no package can hold the async
//! workers that serve the API, sign-in and the gateway, nor keep a core busy
//! after its deploy ended or localcloud stopped, and many deploys at once
//! cannot take every core (issue #8).

use std::time::Duration;

use super::job::{DbResult, Job, NO_CONTAINERS, StepOutcome, log, log_all};
use crate::deploy::Deployer;
use crate::deploy::build::budget::{Budget, over_time};
use crate::deploy::build::inspect::{self, Inspected};
use crate::deploy::build::{dockerfile, log as build_log};
use crate::deploy::source::Source;
use crate::packages::Package;

/// The longest one piece of build work may take: far more than any real
/// package needs, and the most a hostile one can cost.
const STEP_LIMIT: Duration = Duration::from_secs(10);

/// Pieces of build work on the blocking pool at once, across all deploys;
/// the others wait their turn. On a small machine a core stays free for the
/// API and the gateway however many deploys build.
pub const BUILDS_AT_ONCE: usize = 2;

/// Runs `work` on the blocking pool, once one of [`BUILDS_AT_ONCE`] places is
/// free, for at most [`STEP_LIMIT`] (the wait not counted); the budget it
/// gets says when to give up.
async fn off_runtime<T: Send + 'static>(
    state: &Deployer,
    job: &Job,
    work: impl FnOnce(&Budget) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let stop = job.stop.child_token();
    // However this function is left (done, out of time, or dropped when the
    // task is cancelled or the runtime shuts down), the work is told to stop:
    // nothing goes on unseen on the blocking pool, and a shutdown does not
    // wait for it.
    let _stop_on_exit = stop.clone().drop_guard();
    // A cancel ends the wait too, not only the work.
    let place = tokio::select! {
        biased;
        () = stop.cancelled() => return Err("the build was stopped".into()),
        place = state.builds.clone().acquire_owned() => place,
    };
    let place = place.map_err(|e| format!("the build step broke off ({e})"))?;
    let budget = Budget::new(STEP_LIMIT, stop);
    // The place goes with the work: it is free again when the work ends, not
    // when this function stops waiting for it.
    let work = move || {
        let _place = place;
        work(&budget)
    };
    match tokio::time::timeout(STEP_LIMIT, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => Err(format!("the build step broke off ({e})")),
        Err(_) => Err(over_time(STEP_LIMIT)),
    }
}

fn package_of(job: &Job) -> Option<&Package> {
    match job.kind.source() {
        Some(Source::Package(p)) => Some(p),
        _ => None,
    }
}

/// The package is a zip within the cap, with the Dockerfile where the
/// settings say (R-DEP-2).
pub async fn validate(state: &Deployer, job: &Job, read: &mut Inspected) -> DbResult<StepOutcome> {
    let Some(p) = package_of(job) else { return Ok(StepOutcome::Done) };
    log(state, job, format!("checking {} ({} bytes, sha256 {})", p.name, p.size, p.sha256)).await?;
    let (path, max) = (p.path.clone(), state.package_max_bytes);
    let (dir, name) = (job.config.build_dir.clone(), job.config.dockerfile.clone());
    match off_runtime(state, job, move |budget| inspect::inspect(&path, max, &dir, &name, budget)).await {
        Ok(found) => {
            log(
                state,
                job,
                format!(
                    "{} files, {} bytes unpacked; Dockerfile at {}",
                    found.files, found.unpacked, found.dockerfile_path
                ),
            )
            .await?;
            *read = found;
            Ok(StepOutcome::Done)
        }
        Err(why) => Ok(StepOutcome::Failed(why)),
    }
}

/// Reads the Dockerfile as a builder would and reports its steps; the image's
/// digest is the package's hash, so the same package builds the same image.
pub async fn build(state: &Deployer, job: &Job, read: &mut Inspected) -> DbResult<StepOutcome> {
    let Some(p) = package_of(job) else { return Ok(StepOutcome::Done) };
    let failed = |why: String| StepOutcome::Failed(format!("{}: {why}", job.config.dockerfile));
    let text = std::mem::take(&mut read.dockerfile);
    let parsed = off_runtime(state, job, move |budget| {
        let steps = dockerfile::parse_dockerfile(&text, budget)?;
        let lines = build_log::instruction_lines(&steps);
        Ok((steps, lines))
    })
    .await;
    let (steps, lines) = match parsed {
        Ok(parsed) => parsed,
        Err(why) => return Ok(failed(why)),
    };
    let context = &job.config.build_dir;
    let heading = format!("building {} with context `{context}`", job.image);
    log_all(state, job, std::iter::once(heading).chain(lines).collect()).await?;
    let paths = std::mem::take(&mut read.context);
    let checked = off_runtime(state, job, move |budget| {
        dockerfile::check_sources(&steps, &paths, budget).map(|()| dockerfile::exposed_ports(&steps))
    })
    .await;
    let exposed = match checked {
        Ok(exposed) => exposed,
        Err(why) => return Ok(failed(why)),
    };
    if !exposed.is_empty() && !exposed.contains(&job.config.port) {
        log(
            state,
            job,
            format!(
                "warning: the Dockerfile exposes {exposed:?} but the service sends traffic to port {}",
                job.config.port
            ),
        )
        .await?;
    }
    log_all(state, job, vec![NO_CONTAINERS.into(), format!("built {} (digest sha256:{})", job.image, p.sha256)])
        .await?;
    Ok(StepOutcome::Done)
}

pub async fn push(state: &Deployer, job: &Job) -> DbResult<StepOutcome> {
    let Some(p) = package_of(job) else { return Ok(StepOutcome::Done) };
    log(state, job, format!("pushing {}", job.image)).await?;
    log(state, job, format!("pushed {}@sha256:{}", job.image, p.sha256)).await?;
    Ok(StepOutcome::Done)
}
