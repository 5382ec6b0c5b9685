//! Metrics (R-OBS-2): what the gateway counts per routed request and what
//! the sampler reads of the instances, per version and per minute, served by
//! tcb `DescribeCurveData` (`api::monitoring`).
//!
//! - The gateway calls [`Metrics::record`] once per request it routed to a
//!   version: its status and its latency. The counts live in memory per
//!   version for the current minute; the hot path is one lock and one map
//!   lookup, allocating only for a version's first request of a minute.
//! - The sampler ([`Metrics::spawn_sampler`]) reads the instances every few
//!   seconds: CPU (from the growth of each process's CPU seconds), resident
//!   memory, how many instances there are and how many are down, each as a
//!   time integral over the sample's interval (so any bucket's average is its
//!   sum over its seconds), per version and for the whole service.
//! - Every minute the finished minutes are written to `observe.db`
//!   (`store`); a read merges what is still in memory, so a chart moves
//!   within seconds. A crash loses at most the minute or so not yet written:
//!   telemetry, not state, so that is the price of a cheap hot path.
//! - Rows roll up as they age (`store::rollup`, hourly and at start): minutes
//!   to 5 minutes after a day, to hours after 15 days, to days (UTC+8) after
//!   180 days, deleted after a year. Storage stays bounded per version.

pub mod curve;
pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use console_shared::vocab::{VersionName, VersionRef};

/// The upper bounds, in ms, of the latency histogram's counts; a last count
/// holds everything slower. Fine enough for a p95 from 1 ms to a minute.
pub const LATENCY_BOUNDS_MS: [u64; 14] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/// Counts per latency bound, and one past the last.
pub type Histogram = [i64; LATENCY_BOUNDS_MS.len() + 1];

/// The length of the finest bucket.
pub const MINUTE: i64 = 60;

/// Minutes kept in memory while `observe.db` cannot be written (a day of
/// a few dozen versions); past it the oldest are dropped, so a broken disk
/// does not grow localcloud's memory without end.
const UNWRITTEN_MAX: usize = 100_000;

/// How often the sampler reads the instances.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// What one version (or the whole service) did over one bucket: sums over
/// the bucket, and two maxima (see `migrations-observe/0002_metrics.sql`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Point {
    pub requests: i64,
    pub errors_4xx: i64,
    pub errors_5xx: i64,
    /// The sum of the requests' latencies.
    pub latency_ms: f64,
    pub latency_hist: Histogram,
    /// CPU seconds the instances used.
    pub cpu_core_secs: f64,
    /// Core-seconds the healthy instances were allowed (CpuSpecs × time).
    pub cpu_limit_secs: f64,
    /// Resident bytes × seconds.
    pub mem_byte_secs: f64,
    /// Allowed bytes (MemSpecs) × seconds of the healthy instances.
    pub mem_limit_byte_secs: f64,
    pub instance_secs: f64,
    pub instances_max: i64,
    pub unhealthy_secs: f64,
    pub unhealthy_max: i64,
}

impl Point {
    /// Adds `other` in: sums add, maxima take the larger.
    pub fn merge(&mut self, other: &Point) {
        self.requests += other.requests;
        self.errors_4xx += other.errors_4xx;
        self.errors_5xx += other.errors_5xx;
        self.latency_ms += other.latency_ms;
        for (mine, theirs) in self.latency_hist.iter_mut().zip(other.latency_hist) {
            *mine += theirs;
        }
        self.cpu_core_secs += other.cpu_core_secs;
        self.cpu_limit_secs += other.cpu_limit_secs;
        self.mem_byte_secs += other.mem_byte_secs;
        self.mem_limit_byte_secs += other.mem_limit_byte_secs;
        self.instance_secs += other.instance_secs;
        self.instances_max = self.instances_max.max(other.instances_max);
        self.unhealthy_secs += other.unhealthy_secs;
        self.unhealthy_max = self.unhealthy_max.max(other.unhealthy_max);
    }
}

/// What the sampler reads of one instance (`Runtime::usage`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub version: VersionRef,
    pub instance: String,
    /// Up: running and answering; false while its process is down or restarting.
    pub healthy: bool,
    /// CPU seconds (user+system) the process used since it started (/proc/<pid>/stat); 0 while down.
    pub cpu_seconds: f64,
    /// Resident memory in bytes (/proc/<pid>/status VmRSS); 0 while down.
    pub rss_bytes: u64,
    /// The version's frozen CpuSpecs (cores) and MemSpecs (GiB), for utilisation.
    pub cpu_limit: f64,
    pub mem_limit_gib: f64,
}

/// A bucket a row of the store or of memory covers, and what happened in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `""` for the whole service's sampled row.
    pub version: String,
    /// The bucket's start, Unix seconds.
    pub at: i64,
    /// The bucket's length in seconds.
    pub span: i64,
    pub point: Point,
}

/// The minute being counted for one version.
struct Open {
    minute: i64,
    point: Point,
}

#[derive(Default)]
struct Memory {
    open: HashMap<VersionRef, Open>,
    /// Minutes that ended and wait for the next write (or were not written:
    /// the store failed, and they are tried again).
    closed: Vec<(VersionRef, i64, Point)>,
}

impl Memory {
    /// The point of `version`'s minute `minute`; the minute it counted
    /// before, if older, is closed.
    fn point(&mut self, version: &VersionRef, minute: i64) -> &mut Point {
        if !self.open.contains_key(version) {
            self.open.insert(version.clone(), Open { minute, point: Point::default() });
        }
        let open = self.open.get_mut(version).expect("inserted above");
        if open.minute != minute {
            let ended = std::mem::take(&mut open.point);
            self.closed.push((version.clone(), open.minute, ended));
            open.minute = minute;
        }
        &mut open.point
    }
}

/// The metrics kept in memory until they are written; see the module doc.
#[derive(Default)]
pub struct Metrics {
    memory: Mutex<Memory>,
    /// Held while minutes move from memory to the store, and while a read
    /// takes both: a read never sees a minute twice, or not at all.
    moving: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The start of the minute `at` (Unix seconds) is in.
fn minute_of(at: i64) -> i64 {
    at.div_euclid(MINUTE) * MINUTE
}

/// The version key of a service's own (sampled) row.
fn whole_service(version: &VersionRef) -> VersionRef {
    VersionRef { env: version.env.clone(), service: version.service.clone(), version: VersionName::from_cloud("") }
}

/// The latency histogram's count a latency of `ms` falls in.
fn latency_slot(ms: u64) -> usize {
    LATENCY_BOUNDS_MS.iter().position(|bound| ms <= *bound).unwrap_or(LATENCY_BOUNDS_MS.len())
}

impl Metrics {
    /// One request the gateway routed to `version` and answered with
    /// `status` after `latency` (from the pick to the answer's head).
    pub fn record(&self, version: &VersionRef, status: u16, latency: Duration) {
        let minute = minute_of(crate::clock::now());
        let ms = latency.as_secs_f64() * 1000.0;
        let mut memory = lock(&self.memory);
        let point = memory.point(version, minute);
        point.requests += 1;
        match status {
            400..=499 => point.errors_4xx += 1,
            500..=599 => point.errors_5xx += 1,
            _ => {}
        }
        point.latency_ms += ms;
        point.latency_hist[latency_slot(latency.as_millis() as u64)] += 1;
    }

    /// One reading of every instance, `seconds` after the last one; `cpu`
    /// holds each instance's CPU seconds at the last reading, to take the
    /// growth since (an instance seen for the first time started since: all
    /// its CPU seconds are new; one that restarted counts from zero).
    fn sample(&self, readings: &[Reading], seconds: f64, cpu: &mut HashMap<String, f64>) {
        let minute = minute_of(crate::clock::now());
        let mut seen: HashMap<String, f64> = HashMap::with_capacity(readings.len());
        // Per version, and per service: (point, instances, unhealthy).
        let mut tick: HashMap<VersionRef, (Point, i64, i64)> = HashMap::new();
        for r in readings {
            let before = cpu.get(&r.instance).copied().unwrap_or(0.0);
            let used = if r.cpu_seconds >= before { r.cpu_seconds - before } else { r.cpu_seconds };
            seen.insert(r.instance.clone(), r.cpu_seconds);
            let mut point = Point {
                cpu_core_secs: used,
                mem_byte_secs: r.rss_bytes as f64 * seconds,
                instance_secs: seconds,
                ..Point::default()
            };
            if r.healthy {
                point.cpu_limit_secs = r.cpu_limit * seconds;
                point.mem_limit_byte_secs = r.mem_limit_gib * 1024.0 * 1024.0 * 1024.0 * seconds;
            } else {
                point.unhealthy_secs = seconds;
            }
            let down = i64::from(!r.healthy);
            for key in [r.version.clone(), whole_service(&r.version)] {
                let entry = tick.entry(key).or_default();
                entry.0.merge(&point);
                entry.1 += 1;
                entry.2 += down;
            }
        }
        *cpu = seen;
        let mut memory = lock(&self.memory);
        for (version, (mut point, instances, unhealthy)) in tick {
            point.instances_max = instances;
            point.unhealthy_max = unhealthy;
            memory.point(&version, minute).merge(&point);
        }
    }

    /// Reads the instances every `every` for as long as the runtime runs.
    pub fn spawn_sampler(self: &Arc<Self>, every: Duration, read: impl Fn() -> Vec<Reading> + Send + 'static) {
        let metrics = self.clone();
        tokio::spawn(async move {
            let mut cpu = HashMap::new();
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last: Option<Instant> = None;
            loop {
                ticks.tick().await;
                let now = Instant::now();
                // A stalled runtime does not turn into a burst of instance-seconds.
                let seconds = last.map_or(every, |l| now.duration_since(l).min(every * 2)).as_secs_f64();
                last = Some(now);
                metrics.sample(&read(), seconds, &mut cpu);
            }
        });
    }

    /// Writes the finished minutes every minute, just after it turns, and
    /// rolls old rows up every hour, and now.
    pub fn spawn_writer(self: &Arc<Self>, db: sqlx::SqlitePool) {
        let metrics = self.clone();
        let store = db.clone();
        tokio::spawn(async move {
            loop {
                let into_minute = crate::clock::now().rem_euclid(MINUTE) as u64;
                tokio::time::sleep(Duration::from_secs(MINUTE as u64 + 1 - into_minute)).await;
                metrics.write(&store).await;
            }
        });
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                if let Err(e) = store::rollup(&db, crate::clock::now()).await {
                    tracing::warn!(error = %e, "metrics: the rollup failed; it runs again in an hour");
                }
            }
        });
    }

    /// Moves the minutes that ended from memory to the store; on failure
    /// they stay in memory for the next write.
    async fn write(&self, db: &sqlx::SqlitePool) {
        let _moving = self.moving.lock().await;
        let now_minute = minute_of(crate::clock::now());
        let ended = {
            let mut memory = lock(&self.memory);
            let mut ended = std::mem::take(&mut memory.closed);
            memory.open.retain(|version, open| {
                if open.minute < now_minute {
                    ended.push((version.clone(), open.minute, std::mem::take(&mut open.point)));
                    false
                } else {
                    true
                }
            });
            ended
        };
        if ended.is_empty() {
            return;
        }
        if let Err(e) = store::add(db, &ended).await {
            let minutes = ended.len();
            tracing::warn!(error = %e, minutes, "metrics: writing to observe.db failed; kept for the next try");
            let mut memory = lock(&self.memory);
            memory.closed.extend(ended);
            let over = memory.closed.len().saturating_sub(UNWRITTEN_MAX);
            memory.closed.drain(..over);
        }
    }

    /// The rows of `version`'s service that overlap `[from, to)`: of that
    /// version, or (`whole`) of every version and the service's own, from
    /// the store and from memory. Rows before `since` (the service's creation:
    /// an older service of the same name is another one) are left out.
    pub async fn rows(
        &self,
        db: &sqlx::SqlitePool,
        version: &VersionRef,
        whole: bool,
        (from, to): (i64, i64),
        since: i64,
    ) -> sqlx::Result<Vec<Row>> {
        let from = from.max(minute_of(since));
        let _moving = self.moving.lock().await;
        let mut rows = store::rows(db, version, whole, (from, to)).await?;
        let wanted = |v: &VersionRef| {
            v.env == version.env && v.service == version.service && (whole || v.version == version.version)
        };
        let overlaps = |minute: i64| minute < to && minute + MINUTE > from;
        let memory = lock(&self.memory);
        let open = memory.open.iter().map(|(v, o)| (v, o.minute, &o.point));
        let closed = memory.closed.iter().map(|(v, m, p)| (v, *m, p));
        for (v, minute, point) in open.chain(closed) {
            if wanted(v) && overlaps(minute) {
                rows.push(Row {
                    version: v.version.as_str().to_string(),
                    at: minute,
                    span: MINUTE,
                    point: point.clone(),
                });
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The latency under which 95 % of the requests were answered, in ms:
    /// the bound of the histogram's count that holds the 95th percentile
    /// (the last count reports its lower bound). `None` without requests.
    fn p95_ms(point: &Point) -> Option<u64> {
        let total: i64 = point.latency_hist.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (total * 95 + 99) / 100;
        let mut seen = 0;
        for (i, count) in point.latency_hist.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(
                    LATENCY_BOUNDS_MS.get(i).copied().unwrap_or(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.len() - 1]),
                );
            }
        }
        None
    }

    fn version(name: &str) -> VersionRef {
        VersionRef::from_cloud("env", "shop", name)
    }

    #[test]
    fn r_obs_2_requests_count_by_status_and_latency() {
        let metrics = Metrics::default();
        let v = version("shop-001");
        metrics.record(&v, 200, Duration::from_millis(3));
        metrics.record(&v, 404, Duration::from_millis(40));
        metrics.record(&v, 502, Duration::from_millis(2000));
        let memory = lock(&metrics.memory);
        let point = &memory.open[&v].point;
        assert_eq!((point.requests, point.errors_4xx, point.errors_5xx), (3, 1, 1));
        assert!((point.latency_ms - 2043.0).abs() < 1.0, "{}", point.latency_ms);
        assert_eq!(point.latency_hist.iter().sum::<i64>(), 3);
        // The histogram is enough for a p95.
        assert_eq!(p95_ms(point), Some(2500));
    }

    #[test]
    fn a_minute_that_ends_is_closed_and_the_next_starts_at_zero() {
        let mut memory = Memory::default();
        let v = version("shop-001");
        memory.point(&v, 60).requests += 5;
        memory.point(&v, 120).requests += 1;
        assert_eq!(memory.closed.len(), 1);
        assert_eq!((memory.closed[0].1, memory.closed[0].2.requests), (60, 5));
        assert_eq!(memory.open[&v].point.requests, 1);
    }

    #[tokio::test]
    async fn a_written_minute_is_read_once_and_the_current_one_from_memory() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::observe::open(dir.path()).await.unwrap();
        let metrics = Metrics::default();
        let v = version("shop-001");
        let earlier = minute_of(crate::clock::now()) - 5 * MINUTE;
        lock(&metrics.memory).point(&v, earlier).requests += 4;
        metrics.record(&v, 500, Duration::from_millis(7));
        let range = (earlier - 3600, earlier + 3600);
        let before = metrics.rows(&db, &v, true, range, 0).await.unwrap();
        metrics.write(&db).await;
        let after = metrics.rows(&db, &v, true, range, 0).await.unwrap();
        let requests = |rows: &[Row]| rows.iter().map(|r| r.point.requests).sum::<i64>();
        assert_eq!((requests(&before), requests(&after)), (5, 5));
        // The ended minute is in the store now, the current one still in memory.
        let stored = store::rows(&db, &v, true, range).await.unwrap();
        assert_eq!(stored.iter().map(|r| (r.at, r.point.requests)).collect::<Vec<_>>(), [(earlier, 4)]);
        // Rows from before the service's creation are another service's.
        assert_eq!(requests(&metrics.rows(&db, &v, true, range, earlier + MINUTE).await.unwrap()), 1);
    }

    #[test]
    fn r_obs_2_samples_take_the_growth_of_cpu_seconds_per_instance() {
        let metrics = Metrics::default();
        let reading = |instance: &str, cpu_seconds: f64, healthy: bool| Reading {
            version: version("shop-001"),
            instance: instance.into(),
            healthy,
            cpu_seconds,
            rss_bytes: 1 << 20,
            cpu_limit: 0.5,
            mem_limit_gib: 1.0,
        };
        let mut cpu = HashMap::new();
        metrics.sample(&[reading("a", 2.0, true), reading("b", 0.0, false)], 5.0, &mut cpu);
        metrics.sample(&[reading("a", 3.0, true), reading("b", 0.5, true)], 5.0, &mut cpu);
        let memory = lock(&metrics.memory);
        let mut total = Point::default();
        for (v, open) in &memory.open {
            if v.version.as_str() == "shop-001" {
                total.merge(&open.point);
            }
        }
        for (v, _, point) in &memory.closed {
            if v.version.as_str() == "shop-001" {
                total.merge(point);
            }
        }
        // 2 s on first sight, then 1 s and 0.5 s of growth.
        assert!((total.cpu_core_secs - 3.5).abs() < 1e-9, "{total:?}");
        assert_eq!((total.instances_max, total.unhealthy_max), (2, 1));
        assert!((total.instance_secs - 20.0).abs() < 1e-9);
        assert!((total.unhealthy_secs - 5.0).abs() < 1e-9);
        // Limits count only healthy instances: 3 samples × 0.5 core × 5 s.
        assert!((total.cpu_limit_secs - 7.5).abs() < 1e-9);
        let service = memory.open.keys().find(|v| v.version.as_str().is_empty());
        assert!(service.is_some(), "the whole service has its own row");
    }
}
