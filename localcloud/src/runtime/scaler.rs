//! Autoscaling between MinNum and MaxNum (R-INS-1..5), scaling to zero and
//! cold starts (R-INS-4), and the drain window of a version that lost its
//! traffic (R-UPD-1).
//!
//! **Load.** The policy (R-INS-3) names `cpu` and `mem` percentages. Every
//! instance is its own process and its CPU and memory are read for the
//! metrics (`Runtime::usage`), but the built-in workload's answers cost next
//! to nothing, so they would never cross a threshold however busy the
//! service. What localcloud can count honestly is requests: the
//! gateway holds a lease for each one from the moment it picks an instance
//! until the instance's answer is read. Load is the average number of
//! requests in flight per instance over the last tick, as a percentage of
//! [`CAPACITY`], the requests in flight one instance is taken to serve at
//! 100 %. That one figure stands in for both metrics, because a real
//! service's CPU and memory grow with the requests it holds; so the
//! threshold is the lowest of the policy's thresholds (scale out when any is
//! exceeded, and here they measure the same thing), [`DEFAULT_THRESHOLD`]
//! without a policy.
//!
//! **Decisions**, every [`TICK`], for each version with instances:
//! - out by one when the load is above the threshold, up to MaxNum;
//! - in by one when the instances left would carry less than half the
//!   threshold ("well below": the gap keeps a steady load from flapping),
//!   down to max(MinNum, 1);
//! - with MinNum 0, to zero once no request has been in flight for the
//!   observation window (`scale_to_zero_after`); the next request through
//!   the gateway waits for a cold start of one instance ([`lease`], at most
//!   [`COLD_START_LIMIT`]; everyone arriving meanwhile waits for the same
//!   one) instead of failing;
//! - a retired version (`Runtime::retire`) keeps its instances, whatever its
//!   load, until its drain window ends, then stops; it never scales out, and
//!   only a task giving it traffic again calls its drain off
//!   (`Runtime::serve_again`).
//!
//! A version whose task is still running its steps is left to the task,
//! drain included: a deploy starts its instances (R-DEP-4) and checks them,
//! and a rollback's target, draining since it lost its traffic, is not
//! stopped while the rollback brings it back. A cold start is only for a
//! version that has traffic (the stable version, or the canary of an open
//! gray release): a request that chose a version which has lost its traffic
//! since is told so ([`NoInstance::Gone`]) and the gateway chooses again, so
//! a late request never brings back a retired or abandoned version.
//!
//! Each change is one line of the version's process log, worded by [`ScaleEvent`], in the log of
//! the newest task that made or brought back the version; so is each crash
//! and restart of an instance's process (`wording::InstanceEvent`, sent by
//! `runtime::process`). The pod list reads the instances themselves. The product observes over minutes; localcloud
//! decides twice a second, so that a demonstration or a test sees it happen.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::VersionRef;
use console_shared::wording::{ScaleCause, ScaleEvent};

use super::instances::{Lease, Observed, Runtime};
use super::process::Event;

/// Requests in flight one instance serves at 100 % load.
pub const CAPACITY: f64 = 4.0;

/// The threshold, in percent, of a version without a scaling policy (R-INS-3).
pub const DEFAULT_THRESHOLD: f64 = 60.0;

/// "Well below" the threshold: the fraction of it the instances left after a
/// scale-in must stay under.
const CALM: f64 = 0.5;

/// How often the scaler looks, and the span the load is averaged over.
pub const TICK: Duration = Duration::from_millis(500);

/// The longest a request waits for a cold start (R-INS-4: up to ~30 s).
pub const COLD_START_LIMIT: Duration = Duration::from_secs(30);

/// How often a request waiting for a restarting instance looks again.
const RESTART_POLL: Duration = Duration::from_millis(20);

/// Runs the scaler for as long as the runtime lives, and writes the
/// instances' `events` into their versions' process logs.
pub fn spawn(db: sqlx::SqlitePool, runtime: Arc<Runtime>, mut events: tokio::sync::mpsc::UnboundedReceiver<Event>) {
    let log_db = db.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let Err(e) = append(&log_db, &event.version, &event.line).await {
                tracing::warn!(error = %e, line = %event.line, "could not write an instance's event to its process log");
            }
        }
    });
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TICK);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = tick(&db, &runtime).await {
                tracing::warn!(error = %e, "the scaler could not read or log; trying again next tick");
            }
        }
    });
}

/// What the scaler does to one version at a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// One instance more (load above the threshold).
    Out,
    /// One instance fewer (load well below it).
    In,
    /// No instance (no request for the observation window, MinNum 0).
    Zero,
}

/// The lowest threshold of the policy, in percent.
pub fn threshold(config: &ServerBaseConfig) -> f64 {
    config.policy_details.iter().map(|p| p.policy_threshold.max(1) as f64).reduce(f64::min).unwrap_or(DEFAULT_THRESHOLD)
}

/// Load in percent: `in_flight` requests on `instances` instances.
pub fn load(in_flight: f64, instances: usize) -> f64 {
    in_flight / (instances.max(1) as f64 * CAPACITY) * 100.0
}

/// What to do with a version serving from `now.instances` instances.
pub fn decide(now: &Observed, scale_to_zero_after: Duration) -> Option<Decision> {
    let n = now.instances;
    if n == 0 {
        // Only a request brings a version back from zero.
        return None;
    }
    let min = now.config.min_num.max(0) as usize;
    let max = (now.config.max_num.max(0) as usize).max(min).max(1);
    let threshold = threshold(&now.config);
    if min == 0 && now.idle_for >= scale_to_zero_after {
        return Some(Decision::Zero);
    }
    if load(now.in_flight, n) > threshold && n < max {
        return Some(Decision::Out);
    }
    if n > min.max(1) && load(now.in_flight, n - 1) < threshold * CALM {
        return Some(Decision::In);
    }
    None
}

/// One look at every version: drains that end, then each version's decision.
async fn tick(db: &sqlx::SqlitePool, runtime: &Runtime) -> Result<(), sqlx::Error> {
    let seen = runtime.observe();
    if seen.is_empty() {
        return Ok(());
    }
    let deploying = deploying(db).await?;
    let window = runtime.windows().scale_to_zero_after;
    for now in seen {
        let version = &now.version;
        if deploying.contains(version) {
            continue;
        }
        if now.drain_until.is_some() {
            if let Some(from) = runtime.end_drain(version).filter(|from| *from > 0) {
                record(db, version, from, 0, ScaleCause::Drained).await?;
            }
            continue;
        }
        match decide(&now, window) {
            Some(Decision::Out) => match runtime.scale_out(version).await {
                Ok(Some((from, to))) => record(db, version, from, to, ScaleCause::Load).await?,
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, version = %version.version, "could not scale out"),
            },
            Some(Decision::In) => {
                if let Some((from, to)) = runtime.scale_in(version) {
                    record(db, version, from, to, ScaleCause::Calm).await?;
                }
            }
            Some(Decision::Zero) => {
                if let Some(from) = runtime.scale_to_zero(version, window) {
                    record(db, version, from, 0, ScaleCause::Idle).await?;
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// The versions whose task (a deploy, a rollback) still has steps to run.
async fn deploying(db: &sqlx::SqlitePool) -> Result<HashSet<VersionRef>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT t.env_id, t.server_name, t.version_name FROM tasks t
         JOIN task_steps s ON s.task_id = t.id
         WHERE t.status = 'running' AND s.status IN ('todo', 'running')",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(env, service, version)| VersionRef::from_cloud(&env, &service, &version)).collect())
}

/// Appends a scaling event to the version's process log: the log of the
/// newest task with that version (the deploy that made it, or the rollback
/// that brought it back).
async fn record(
    db: &sqlx::SqlitePool,
    version: &VersionRef,
    from: usize,
    to: usize,
    cause: ScaleCause,
) -> Result<(), sqlx::Error> {
    let line = ScaleEvent { version: version.version.as_str(), from, to, cause }.to_string();
    tracing::info!(env.id = %version.env, version = %version.version, from, to, "{line}");
    append(db, version, &line).await
}

/// Appends `line` to the version's process log: the log of the newest task
/// with that version.
async fn append(db: &sqlx::SqlitePool, version: &VersionRef, line: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO task_logs (task_id, seq, at, line, step)
         SELECT t.id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_logs WHERE task_id = t.id), ?, ?, NULL
         FROM tasks t WHERE t.env_id = ? AND t.server_name = ? AND t.version_name = ?
         ORDER BY t.id DESC LIMIT 1",
    )
    .bind(crate::clock::now())
    .bind(line)
    .bind(version.env.as_str())
    .bind(version.service.as_str())
    .bind(version.version.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// Why the gateway has no instance for a request.
#[derive(Debug, thiserror::Error)]
pub enum NoInstance {
    /// The version was deleted, or lost its traffic since the request chose
    /// it: the gateway chooses again.
    #[error("the version no longer receives traffic")]
    Gone,
    #[error("no instance could start within {}s", COLD_START_LIMIT.as_secs())]
    TooSlow,
    #[error("no instance could start: {0}")]
    Failed(String),
}

/// An instance of `version` for one gateway request. With none running (a
/// version scaled to zero, R-INS-4) the request waits for a cold start: one
/// instance is started, whoever arrives meanwhile waits for the same one,
/// and nobody waits longer than [`COLD_START_LIMIT`]. A version whose
/// instances are all restarting after a crash is not cold-started: the
/// request waits for one of them to listen again. Only a version that
/// still has traffic is cold-started, read again under the gate: the
/// request may have chosen it just before a release, a rollback or an
/// abandoned gray release took its traffic away ([`NoInstance::Gone`]). A
/// cold start never calls a drain off.
pub async fn lease(db: &sqlx::SqlitePool, runtime: &Runtime, version: &VersionRef) -> Result<Lease, NoInstance> {
    if let Some(lease) = runtime.lease(version) {
        return Ok(lease);
    }
    let gate = runtime.cold_start_gate(version);
    tokio::time::timeout(COLD_START_LIMIT, async {
        while runtime.count(version) > 0 {
            if let Some(lease) = runtime.lease(version) {
                return Ok(lease);
            }
            tokio::time::sleep(RESTART_POLL).await;
        }
        let _starting = gate.lock().await;
        if let Some(lease) = runtime.lease(version) {
            return Ok(lease);
        }
        if !has_traffic(db, version).await? {
            return Err(NoInstance::Gone);
        }
        let (image, config) = match runtime.frozen(version) {
            Some(frozen) => frozen,
            None => frozen_in_db(db, version).await?,
        };
        // High availability never goes to zero by itself; brought back from
        // a stop, it comes back to MinNum at once (R-INS-5).
        let floor = config.min_num.max(1) as usize;
        for _ in 0..floor {
            runtime.start_instance(version, &image, &config).await.map_err(|e| NoInstance::Failed(e.to_string()))?;
        }
        if let Err(e) = record(db, version, 0, floor, ScaleCause::ColdStart).await {
            tracing::warn!(error = %e, "could not log a cold start");
        }
        // A release that took the traffic away while the instances started
        // retired the version before they were in its pool, or found them
        // there: either way the version drains like any that lost its traffic.
        if !has_traffic(db, version).await.unwrap_or(true) {
            runtime.retire(version);
        }
        runtime.lease(version).ok_or(NoInstance::Gone)
    })
    .await
    .unwrap_or(Err(NoInstance::TooSlow))
}

/// Whether `version` has traffic now: it is its service's stable version or
/// the canary of its open gray release.
async fn has_traffic(db: &sqlx::SqlitePool, version: &VersionRef) -> Result<bool, NoInstance> {
    let split = super::traffic::of_service(db, version.env.as_str(), version.service.as_str())
        .await
        .map_err(|e| NoInstance::Failed(e.to_string()))?;
    Ok(split.is_some_and(|s| s.serves(&version.version)))
}

/// The image and frozen configuration of a version, as its deploy wrote them.
async fn frozen_in_db(db: &sqlx::SqlitePool, version: &VersionRef) -> Result<(String, ServerBaseConfig), NoInstance> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT image, config FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?")
            .bind(version.env.as_str())
            .bind(version.service.as_str())
            .bind(version.version.as_str())
            .fetch_optional(db)
            .await
            .map_err(|e| NoInstance::Failed(e.to_string()))?;
    let (image, config) = row.ok_or(NoInstance::Gone)?;
    match serde_json::from_str(&config) {
        Ok(config) => Ok((image, config)),
        Err(e) => {
            // Never a default configuration in place of the frozen one (R-VER-3).
            tracing::warn!(error = %e, version = %version.version, "the version's stored configuration does not parse; not starting it");
            Err(NoInstance::Failed("its stored configuration could not be read".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use console_shared::actions::HpaPolicy;
    use console_shared::vocab::PolicyType;

    use super::*;

    fn seen(instances: usize, in_flight: f64, idle_secs: u64, min: i64, max: i64) -> Observed {
        let config = ServerBaseConfig { min_num: min, max_num: max, ..Default::default() };
        Observed {
            version: VersionRef::from_cloud("env", "svc", "svc-001"),
            instances,
            config,
            in_flight,
            idle_for: Duration::from_secs(idle_secs),
            drain_until: None,
        }
    }

    const WINDOW: Duration = Duration::from_secs(60);

    #[test]
    fn load_above_the_threshold_scales_out_up_to_max_num() {
        // 4 in flight on 1 instance: 100 % of capacity, over 60 %.
        assert_eq!(decide(&seen(1, 4.0, 0, 0, 5), WINDOW), Some(Decision::Out));
        assert_eq!(decide(&seen(5, 40.0, 0, 0, 5), WINDOW), None, "MaxNum is the ceiling");
        // 2 in flight on 1 instance: 50 %, under 60 %: no change.
        assert_eq!(decide(&seen(1, 2.0, 0, 0, 5), WINDOW), None);
    }

    #[test]
    fn load_well_below_scales_in_down_to_min_num_or_one() {
        // 1 in flight on 3: on 2 that is 12.5 %, under half of 60 %.
        assert_eq!(decide(&seen(3, 1.0, 0, 0, 5), WINDOW), Some(Decision::In));
        // 4 in flight on 3: on 2 that is 50 %, not well below.
        assert_eq!(decide(&seen(3, 4.0, 0, 0, 5), WINDOW), None);
        assert_eq!(decide(&seen(1, 0.0, 10, 0, 5), WINDOW), None, "one stays while traffic may come");
        assert_eq!(decide(&seen(2, 0.0, 10_000, 2, 5), WINDOW), None, "never below MinNum (R-INS-5)");
    }

    #[test]
    fn only_min_num_zero_scales_to_zero_after_the_window() {
        assert_eq!(decide(&seen(2, 0.0, 60, 0, 5), WINDOW), Some(Decision::Zero));
        assert_eq!(decide(&seen(1, 0.0, 59, 0, 5), WINDOW), None);
        assert_eq!(decide(&seen(1, 0.0, 600, 1, 5), WINDOW), None);
        assert_eq!(decide(&seen(0, 0.0, 600, 0, 5), WINDOW), None, "only a request brings it back");
    }

    /// A store with `svc`: `svc-001` retired, `svc-002` online, `svc-003`
    /// an abandoned canary; none has an instance.
    async fn store(dir: &std::path::Path) -> sqlx::SqlitePool {
        let db = crate::store::open(&dir.join("scaler.db")).await.unwrap();
        for sql in [
            "INSERT INTO envs (env_id, alias, region, package_type, source, channel, status, created_at, updated_at)
             VALUES ('env', 'a', 'ap-shanghai', 'Trial', 'x', 'x', 'NORMAL', 0, 0)",
            "INSERT INTO services (env_id, server_name, default_domain, status, created_at, updated_at, online_version)
             VALUES ('env', 'svc', 'http://svc-env', 'normal', 0, 0, 'svc-002')",
            "INSERT INTO versions (env_id, server_name, version_name, image, config, status, created_at)
             VALUES ('env', 'svc', 'svc-001', 'nginx:1', '{}', 'normal', 0), ('env', 'svc', 'svc-002', 'nginx:2', '{}', 'normal', 0),
             ('env', 'svc', 'svc-003', 'nginx:3', '{}', 'cancelled', 0)",
            "INSERT INTO release_orders (env_id, server_name, task_id, stable_version, canary_version, status, created_at)
             VALUES ('env', 'svc', 1, 'svc-002', 'svc-003', 'go_back', 0)",
        ] {
            sqlx::query(sql).execute(&db).await.unwrap();
        }
        db
    }

    #[tokio::test]
    async fn a_late_request_never_brings_back_a_version_without_traffic() {
        let dir = tempfile::tempdir().unwrap();
        let db = store(dir.path()).await;
        let runtime = crate::runtime::instances::testing::runtime(dir.path());
        let at = |v: &str| VersionRef::from_cloud("env", "svc", v);
        // Chosen just before a release took its traffic, or an abandoned canary.
        for old in ["svc-001", "svc-003"] {
            assert!(matches!(lease(&db, &runtime, &at(old)).await, Err(NoInstance::Gone)), "{old}");
            assert_eq!(runtime.count(&at(old)), 0, "{old} stays down");
        }
        // The version with the traffic cold-starts, and serves.
        let lease = lease(&db, &runtime, &at("svc-002")).await.unwrap();
        assert_eq!(runtime.count(&at("svc-002")), 1);
        assert!(!runtime.draining(&at("svc-002")));
        drop(lease);
    }

    #[test]
    fn the_lowest_policy_threshold_counts() {
        let mut config = ServerBaseConfig::default();
        assert_eq!(threshold(&config), DEFAULT_THRESHOLD);
        config.policy_details = vec![
            HpaPolicy { policy_type: PolicyType::Cpu, policy_threshold: 80 },
            HpaPolicy { policy_type: PolicyType::Mem, policy_threshold: 30 },
        ];
        assert_eq!(threshold(&config), 30.0);
    }
}
