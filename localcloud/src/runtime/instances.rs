//! The instances of the versions: each is its own OS process running the
//! built-in workload (`crate::instance`), started, watched and stopped by
//! `runtime::process`; the images that behave in a set way on purpose are
//! listed there.
//!
//! The gateway takes an instance with [`Runtime::lease`]: the lease counts the
//! request as in flight on that instance, and in its version's meter, until
//! it is dropped; that count is the load the scaler (`runtime::scaler`) reads.
//! Only an instance whose process runs and listens is picked: one that
//! crashed is out of the pick until its restart listens (it still counts
//! among the version's instances, as the pod list shows it `Pending`).
//! An instance that stops (scale-in, scale to zero, the end of a drain, a
//! failed deploy) leaves the pick at once, and its process is ended only once
//! the requests leased on it are answered: stopping never fails a request the
//! gateway already routed, and the process finishes the ones that came to it
//! directly before it exits (SIGTERM).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::observe::metrics::Reading;
use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::{EnvId, ServiceName, VersionName, VersionRef};
use tokio::sync::oneshot;

pub use super::process::Launcher;
use super::process::Live;

/// No gateway request outlasts this (the gateway's HTTP client gives up
/// then), so a stopping instance never waits longer for its leases.
const ANSWER_LIMIT: Duration = Duration::from_secs(60);

/// How long a version may go without traffic before it scales to zero
/// (R-INS-4), and how long it keeps running after losing its traffic (R-UPD-1).
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub scale_to_zero_after: Duration,
    pub drain_after: Duration,
}

struct Instance {
    id: String,
    started: i64,
    /// Where its process listens, while it runs.
    live: Arc<Live>,
    /// The gateway's requests on this instance now.
    in_flight: Arc<AtomicUsize>,
    /// Dropping it stops the process (`process::Launcher::launch`).
    stop: oneshot::Sender<()>,
}

impl Instance {
    /// Ends the process once the gateway's requests on it are answered.
    /// The instance is already out of the pick, so the count only falls.
    fn stop_when_answered(self) {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        handle.spawn(async move {
            let deadline = Instant::now() + ANSWER_LIMIT;
            while self.in_flight.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            drop(self.stop);
        });
    }
}

/// A version's requests in flight over time: what the scaler reads as load.
struct Meter {
    in_flight: usize,
    /// Request-seconds since `since`: the area under the in-flight count.
    area: f64,
    since: Instant,
    changed: Instant,
    /// When a request last arrived or ended, or an instance last started.
    active: Instant,
}

impl Meter {
    fn new(now: Instant) -> Self {
        Meter { in_flight: 0, area: 0.0, since: now, changed: now, active: now }
    }

    fn settle(&mut self, now: Instant) {
        self.area += self.in_flight as f64 * now.saturating_duration_since(self.changed).as_secs_f64();
        self.changed = now;
    }

    fn enter(&mut self, now: Instant) {
        self.settle(now);
        self.in_flight += 1;
        self.active = now;
    }

    fn leave(&mut self, now: Instant) {
        self.settle(now);
        self.in_flight = self.in_flight.saturating_sub(1);
        self.active = now;
    }

    /// The average number of requests in flight since the last reading,
    /// which starts the next one.
    fn read(&mut self, now: Instant) -> f64 {
        self.settle(now);
        let span = now.saturating_duration_since(self.since).as_secs_f64();
        let average = if span > 0.001 { self.area / span } else { self.in_flight as f64 };
        self.area = 0.0;
        self.since = now;
        average
    }

    /// How long the version has had no request in flight.
    fn idle_for(&self, now: Instant) -> Duration {
        if self.in_flight > 0 { Duration::ZERO } else { now.saturating_duration_since(self.active) }
    }
}

/// The instances of one version, what they run, and their load.
struct Pool {
    instances: Vec<Instance>,
    /// What the version runs, frozen at its creation (R-VER-3): a scale-out
    /// or a cold start starts more of the same.
    image: String,
    config: ServerBaseConfig,
    meter: Arc<Mutex<Meter>>,
    /// When a retired version's instances stop (R-UPD-1); `None` while it serves.
    drain_until: Option<Instant>,
}

/// One gateway request on one instance, counted in flight until dropped.
pub struct Lease {
    addr: SocketAddr,
    on_instance: Arc<AtomicUsize>,
    meter: Arc<Mutex<Meter>>,
}

impl Lease {
    /// Where the instance listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.on_instance.fetch_sub(1, Ordering::AcqRel);
        lock(&self.meter).leave(Instant::now());
    }
}

/// One version as the scaler sees it at a tick.
pub struct Observed {
    pub version: VersionRef,
    pub instances: usize,
    pub config: ServerBaseConfig,
    /// Average requests in flight over the version since the last tick.
    pub in_flight: f64,
    pub idle_for: Duration,
    pub drain_until: Option<Instant>,
}

/// One instance of a version, as the pod list shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pod {
    pub id: String,
    /// Unix seconds.
    pub started: i64,
    /// `Running` while its process runs and listens, `Pending` while it is
    /// down after a crash and restarting.
    pub phase: &'static str,
}

/// The instances of every version, with their load, drains and cold starts.
pub struct Runtime {
    pools: Mutex<HashMap<VersionRef, Pool>>,
    /// Where the pick starts, so equally loaded instances take turns.
    next: AtomicUsize,
    windows: Windows,
    /// One cold start at a time per version: whoever waits behind it finds
    /// its instance.
    cold: Mutex<HashMap<VersionRef, Arc<tokio::sync::Mutex<()>>>>,
    launcher: Arc<Launcher>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Runtime {
    pub fn new(windows: Windows, launcher: Launcher) -> Self {
        Runtime {
            pools: Mutex::default(),
            next: AtomicUsize::new(0),
            windows,
            cold: Mutex::default(),
            launcher: Arc::new(launcher),
        }
    }

    pub fn windows(&self) -> Windows {
        self.windows
    }

    /// One instance's address for the version, taking turns, without
    /// counting it as load: for the deploy's health check.
    pub fn pick(&self, version: &VersionRef) -> Option<SocketAddr> {
        let pools = lock(&self.pools);
        let up: Vec<SocketAddr> =
            pools.get(version)?.instances.iter().filter_map(|inst| inst.live.get()).map(|up| up.addr).collect();
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        up.get(i % up.len().max(1)).copied()
    }

    /// The version's least busy instance, for one gateway request: the
    /// request counts as load until the lease is dropped. `None` when the
    /// version has no instance running (`scaler::lease` then cold-starts one).
    pub fn lease(&self, version: &VersionRef) -> Option<Lease> {
        let pools = lock(&self.pools);
        let pool = pools.get(version)?;
        let n = pool.instances.len();
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let (inst, up) = (0..n)
            .map(|k| &pool.instances[(first + k) % n.max(1)])
            .filter_map(|inst| Some((inst, inst.live.get()?)))
            .min_by_key(|(inst, _)| inst.in_flight.load(Ordering::Acquire))?;
        inst.in_flight.fetch_add(1, Ordering::AcqRel);
        lock(&pool.meter).enter(Instant::now());
        Some(Lease { addr: up.addr, on_instance: inst.in_flight.clone(), meter: pool.meter.clone() })
    }

    pub fn count(&self, version: &VersionRef) -> usize {
        lock(&self.pools).get(version).map_or(0, |p| p.instances.len())
    }

    /// Every instance of the service, or of one version, by id.
    pub fn pods(&self, env: &EnvId, service: &ServiceName, version: Option<&VersionName>) -> Vec<Pod> {
        let pools = lock(&self.pools);
        let mut pods: Vec<Pod> = pools
            .iter()
            .filter(|(v, _)| &v.env == env && &v.service == service && version.is_none_or(|want| want == &v.version))
            .flat_map(|(_, pool)| {
                pool.instances.iter().map(|i| Pod {
                    id: i.id.clone(),
                    started: i.started,
                    phase: if i.live.get().is_some() { "Running" } else { "Pending" },
                })
            })
            .collect();
        pods.sort();
        pods
    }

    /// Every instance's CPU time and memory now, read from `/proc` (R-OBS-2).
    pub fn usage(&self) -> Vec<Reading> {
        let seen: Vec<(Reading, Option<u32>)> = lock(&self.pools)
            .iter()
            .flat_map(|(version, pool)| {
                pool.instances.iter().map(|inst| {
                    let pid = inst.live.get().map(|up| up.pid);
                    let usage = Reading {
                        version: version.clone(),
                        instance: inst.id.clone(),
                        healthy: pid.is_some(),
                        cpu_seconds: 0.0,
                        rss_bytes: 0,
                        cpu_limit: pool.config.cpu,
                        mem_limit_gib: pool.config.mem,
                    };
                    (usage, pid)
                })
            })
            .collect();
        // Read outside the lock: the gateway's picks do not wait for files.
        seen.into_iter()
            .map(|(mut usage, pid)| {
                if let Some(pid) = pid {
                    (usage.cpu_seconds, usage.rss_bytes) = super::process::usage_of(pid);
                }
                usage
            })
            .collect()
    }

    /// Stops a version's instances at once (a failed or cancelled deploy, a
    /// deleted version): they leave the pick and end once answered.
    pub fn stop(&self, version: &VersionRef) {
        let pool = lock(&self.pools).remove(version);
        lock(&self.cold).remove(version);
        for inst in pool.into_iter().flat_map(|p| p.instances) {
            inst.stop_when_answered();
        }
    }

    /// A version lost all its traffic (R-UPD-1, R-UPD-3, R-RB-1): its
    /// instances keep serving whatever still reaches them until the drain
    /// window ends; then the scaler stops them. Retiring a version already
    /// draining keeps its first deadline.
    pub fn retire(&self, version: &VersionRef) {
        let drain_after = self.windows.drain_after;
        if let Some(pool) = lock(&self.pools).get_mut(version) {
            pool.drain_until.get_or_insert_with(|| Instant::now() + drain_after);
        }
    }

    /// The version has traffic again: the release step that gives it the
    /// traffic calls this, and a rollback's start step for its target (which
    /// it stops if the rollback does not get to move the traffic). A drain in
    /// progress is called off, so an old timer can never stop a version that
    /// serves. Only this calls a drain off: starting an instance does not (a
    /// scale-out or a cold start says nothing about the version's traffic).
    pub fn serve_again(&self, version: &VersionRef) {
        if let Some(pool) = lock(&self.pools).get_mut(version) {
            pool.drain_until = None;
        }
    }

    /// Whether the version lost its traffic and is draining.
    pub fn draining(&self, version: &VersionRef) -> bool {
        lock(&self.pools).get(version).is_some_and(|pool| pool.drain_until.is_some())
    }

    /// Stops every version of a service.
    pub fn stop_service(&self, env: &EnvId, service: &ServiceName) {
        let of_service = |v: &VersionRef| &v.env == env && &v.service == service;
        let mut stopped = vec![];
        lock(&self.pools).retain(|v, pool| {
            if of_service(v) {
                stopped.append(&mut pool.instances);
            }
            !of_service(v)
        });
        lock(&self.cold).retain(|v, _| !of_service(v));
        for inst in stopped {
            inst.stop_when_answered();
        }
    }

    /// Starts one instance of a version: its process, listening on a free
    /// loopback port. A drain in progress stays: whether the version serves
    /// is the release's to say ([`Runtime::serve_again`]).
    pub async fn start_instance(
        &self,
        version: &VersionRef,
        image: &str,
        config: &ServerBaseConfig,
    ) -> std::io::Result<String> {
        let instance = self.launch(version, image, config).await?;
        let id = instance.id.clone();
        let now = Instant::now();
        let mut pools = lock(&self.pools);
        let pool = pools.entry(version.clone()).or_insert_with(|| Pool {
            instances: vec![],
            image: image.into(),
            config: config.clone(),
            meter: Arc::new(Mutex::new(Meter::new(now))),
            drain_until: None,
        });
        pool.instances.push(instance);
        lock(&pool.meter).active = now;
        Ok(id)
    }

    /// The image and frozen configuration the version's instances run, when
    /// the runtime has run it.
    pub fn frozen(&self, version: &VersionRef) -> Option<(String, ServerBaseConfig)> {
        lock(&self.pools).get(version).map(|p| (p.image.clone(), p.config.clone()))
    }

    /// The gate a cold start of `version` holds while it starts its instance.
    pub fn cold_start_gate(&self, version: &VersionRef) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.cold).entry(version.clone()).or_default().clone()
    }

    /// Every version the runtime knows, with its load since the last call.
    pub fn observe(&self) -> Vec<Observed> {
        let now = Instant::now();
        lock(&self.pools)
            .iter()
            .map(|(version, pool)| {
                let mut meter = lock(&pool.meter);
                Observed {
                    version: version.clone(),
                    instances: pool.instances.len(),
                    config: pool.config.clone(),
                    in_flight: meter.read(now),
                    idle_for: meter.idle_for(now),
                    drain_until: pool.drain_until,
                }
            })
            .collect()
    }

    /// One more instance, as the version already runs; `(from, to)`. None
    /// for a version that is draining or gone, checked again under the lock
    /// once the instance listens: a version that lost its traffic while the
    /// scaler looked at its load never grows, and its drain stays.
    pub async fn scale_out(&self, version: &VersionRef) -> std::io::Result<Option<(usize, usize)>> {
        let Some((image, config)) = self.frozen(version) else {
            return Ok(None);
        };
        if self.draining(version) {
            return Ok(None);
        }
        let instance = self.launch(version, &image, &config).await?;
        let mut pools = lock(&self.pools);
        match pools.get_mut(version) {
            Some(pool) if pool.drain_until.is_none() => {
                let from = pool.instances.len();
                pool.instances.push(instance);
                lock(&pool.meter).active = Instant::now();
                Ok(Some((from, from + 1)))
            }
            // Dropping it stops its process; nothing was routed to it.
            _ => Ok(None),
        }
    }

    /// One instance fewer, the least busy; `(from, to)`. Never the last one:
    /// only the idle window takes a version to zero.
    pub fn scale_in(&self, version: &VersionRef) -> Option<(usize, usize)> {
        let mut pools = lock(&self.pools);
        let pool = pools.get_mut(version)?;
        let from = pool.instances.len();
        if from < 2 {
            return None;
        }
        let (idx, _) =
            pool.instances.iter().enumerate().min_by_key(|(_, inst)| inst.in_flight.load(Ordering::Acquire))?;
        let inst = pool.instances.remove(idx);
        drop(pools);
        inst.stop_when_answered();
        Some((from, from - 1))
    }

    /// Every instance of a version that had no request for `window`; the
    /// count it had. Checked again here, so a request that just arrived wins.
    pub fn scale_to_zero(&self, version: &VersionRef, window: Duration) -> Option<usize> {
        let mut pools = lock(&self.pools);
        let pool = pools.get_mut(version)?;
        let from = pool.instances.len();
        if from == 0 || lock(&pool.meter).idle_for(Instant::now()) < window {
            return None;
        }
        let stopped = std::mem::take(&mut pool.instances);
        drop(pools);
        for inst in stopped {
            inst.stop_when_answered();
        }
        Some(from)
    }

    /// Stops a retired version whose drain window has ended; the count it had.
    pub fn end_drain(&self, version: &VersionRef) -> Option<usize> {
        let mut pools = lock(&self.pools);
        if pools.get(version)?.drain_until.is_none_or(|until| until > Instant::now()) {
            return None;
        }
        let pool = pools.remove(version)?;
        drop(pools);
        lock(&self.cold).remove(version);
        let from = pool.instances.len();
        for inst in pool.instances {
            inst.stop_when_answered();
        }
        Some(from)
    }
}

impl Runtime {
    /// A new instance of `version`, its process listening; in no pool yet,
    /// so nothing routes to it.
    async fn launch(&self, version: &VersionRef, image: &str, config: &ServerBaseConfig) -> std::io::Result<Instance> {
        let id = format!("{}-{}", version.version, hex_id());
        let (stop, stopped) = oneshot::channel::<()>();
        let live = self.launcher.launch(version, &id, image, config, stopped).await?;
        Ok(Instance { id, started: crate::clock::now(), live, in_flight: Arc::default(), stop })
    }
}

fn hex_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// Runtimes for the unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use super::*;
    use crate::observe::logs::LogSink;

    /// A runtime with the product's windows whose instances live under
    /// `data_dir`, run by the built `localcloud` binary: unit tests run from
    /// `target/<profile>/deps/`, and the binary is `target/<profile>/localcloud`
    /// (`cargo test -p localcloud` builds it, for the integration tests).
    pub(crate) fn runtime(data_dir: &Path) -> Runtime {
        let test = std::env::current_exe().expect("the test's own path");
        let program = test.parent().and_then(Path::parent).expect("target/<profile>/deps").join("localcloud");
        let (launcher, _events) = Launcher::new(&program, data_dir, LogSink::new().0);
        let long = Duration::from_secs(1800);
        Runtime::new(Windows { scale_to_zero_after: long, drain_after: long }, launcher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_serve_again_calls_a_drain_off() {
        let dir = tempfile::tempdir().unwrap();
        let rt = testing::runtime(dir.path());
        let old = VersionRef::from_cloud("env", "svc", "svc-001");
        let config = ServerBaseConfig::default();
        rt.start_instance(&old, "nginx", &config).await.unwrap();
        // The scaler saw it under load; then the release retired it.
        rt.retire(&old);
        assert_eq!(rt.scale_out(&old).await.unwrap(), None, "a draining version never grows");
        assert_eq!(rt.count(&old), 1);
        // A cold start or a restart adds an instance, and the drain stays.
        rt.start_instance(&old, "nginx", &config).await.unwrap();
        assert!(rt.draining(&old), "starting an instance does not call the drain off");
        rt.serve_again(&old);
        assert!(!rt.draining(&old));
        assert_eq!(rt.scale_out(&old).await.unwrap(), Some((2, 3)), "serving again, it scales");
        let gone = VersionRef::from_cloud("env", "svc", "svc-009");
        assert_eq!(rt.scale_out(&gone).await.unwrap(), None, "nothing to copy");
    }
}
