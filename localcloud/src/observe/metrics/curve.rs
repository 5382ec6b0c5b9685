//! Rows into a curve: one value per period bucket for one metric, as tcb
//! `DescribeCurveData` answers (CLOUD-API.md §10, R-OBS-2).
//!
//! The units: calls and errors are counts (`sum`); the response time is the
//! average in ms (`avg`); QPS is requests per second averaged over the
//! bucket (`avg`); CPU used is cores, memory used MiB, both averaged over the
//! bucket's time (`avg`; time with no instance counts as nothing used);
//! utilisation is the percent of the healthy instances' CpuSpecs or MemSpecs
//! they used (`avg`); instances and unhealthy instances are the most at any
//! sample (`max`). The bucket that holds `now` averages over its elapsed part.

use super::{Point, Row};

/// What a curve shows, and how a bucket's rows become its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invocations,
    ResponseTimeMs,
    Qps,
    /// 4xx and 5xx answers.
    HttpErrors,
    CpuCores,
    MemMib,
    Instances,
    Unhealthy,
    CpuPercent,
    MemPercent,
}

impl Kind {
    /// `DescribeCurveData.Statistics`.
    pub fn statistics(self) -> &'static str {
        match self {
            Kind::Invocations | Kind::HttpErrors => "sum",
            Kind::Instances | Kind::Unhealthy => "max",
            _ => "avg",
        }
    }

    /// Counted by the gateway per version (else sampled, with a row of the
    /// whole service of its own).
    fn counted(self) -> bool {
        matches!(self, Kind::Invocations | Kind::ResponseTimeMs | Kind::Qps | Kind::HttpErrors)
    }
}

/// A bucket's share of rows: sums scaled by how much of each row falls in
/// it, maxima as they are.
#[derive(Default)]
struct Share {
    requests: f64,
    errors: f64,
    latency_ms: f64,
    cpu_core_secs: f64,
    cpu_limit_secs: f64,
    mem_byte_secs: f64,
    mem_limit_byte_secs: f64,
    instances_max: i64,
    unhealthy_max: i64,
}

impl Share {
    fn add(&mut self, p: &Point, part: f64) {
        self.requests += p.requests as f64 * part;
        self.errors += (p.errors_4xx + p.errors_5xx) as f64 * part;
        self.latency_ms += p.latency_ms * part;
        self.cpu_core_secs += p.cpu_core_secs * part;
        self.cpu_limit_secs += p.cpu_limit_secs * part;
        self.mem_byte_secs += p.mem_byte_secs * part;
        self.mem_limit_byte_secs += p.mem_limit_byte_secs * part;
        self.instances_max = self.instances_max.max(p.instances_max);
        self.unhealthy_max = self.unhealthy_max.max(p.unhealthy_max);
    }

    fn value(&self, kind: Kind, seconds: f64) -> f64 {
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        match kind {
            Kind::Invocations => self.requests,
            Kind::HttpErrors => self.errors,
            Kind::ResponseTimeMs => ratio(self.latency_ms, self.requests),
            Kind::Qps => ratio(self.requests, seconds),
            Kind::CpuCores => ratio(self.cpu_core_secs, seconds),
            Kind::MemMib => ratio(self.mem_byte_secs, seconds) / (1024.0 * 1024.0),
            Kind::Instances => self.instances_max as f64,
            Kind::Unhealthy => self.unhealthy_max as f64,
            Kind::CpuPercent => 100.0 * ratio(self.cpu_core_secs, self.cpu_limit_secs),
            Kind::MemPercent => 100.0 * ratio(self.mem_byte_secs, self.mem_limit_byte_secs),
        }
    }
}

/// The values of `kind` for the `count` buckets of `period` seconds from
/// `start`, from `rows` of one version (`whole` false) or of a whole
/// service. A row longer than the period (older data, rolled up) is spread
/// evenly over the buckets it covers.
pub fn values(kind: Kind, rows: &[Row], whole: bool, (start, period, count): (i64, i64, usize), now: i64) -> Vec<f64> {
    let mut shares: Vec<Share> = (0..count).map(|_| Share::default()).collect();
    let end = start + period * count as i64;
    for row in rows {
        // A service's requests are its versions'; its instances, its own row's.
        let of_service = row.version.is_empty();
        if whole && kind.counted() == of_service {
            continue;
        }
        let (from, to) = (row.at.max(start), (row.at + row.span).min(end));
        if from >= to || row.span <= 0 {
            continue;
        }
        let first = ((from - start) / period) as usize;
        let last = ((to - 1 - start) / period) as usize;
        for (i, share) in shares.iter_mut().enumerate().take(last + 1).skip(first) {
            let bucket = start + period * i as i64;
            let overlap = (row.at + row.span).min(bucket + period) - row.at.max(bucket);
            share.add(&row.point, overlap as f64 / row.span as f64);
        }
    }
    shares
        .iter()
        .enumerate()
        .map(|(i, share)| {
            let bucket = start + period * i as i64;
            let seconds = if (bucket..bucket + period).contains(&now) { (now - bucket).max(1) } else { period };
            share.value(kind, seconds as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: &str, at: i64, span: i64, point: Point) -> Row {
        Row { version: version.into(), at, span, point }
    }

    #[test]
    fn r_obs_2_buckets_sum_their_minutes_and_a_service_sums_its_versions() {
        let calls = |n| Point { requests: n, errors_5xx: 1, latency_ms: 10.0 * n as f64, ..Point::default() };
        let rows = [
            row("a", 0, 60, calls(3)),
            row("b", 60, 60, calls(2)),
            row("a", 300, 60, calls(5)),
            row("", 0, 60, Point { instances_max: 2, ..Point::default() }),
        ];
        let at = (0, 300, 3);
        assert_eq!(values(Kind::Invocations, &rows, true, at, 10_000), [5.0, 5.0, 0.0]);
        assert_eq!(values(Kind::HttpErrors, &rows, true, at, 10_000), [2.0, 1.0, 0.0]);
        assert_eq!(values(Kind::ResponseTimeMs, &rows, true, at, 10_000), [10.0, 10.0, 0.0]);
        assert_eq!(values(Kind::Qps, &rows, true, at, 10_000)[0], 5.0 / 300.0);
        assert_eq!(values(Kind::Instances, &rows, true, at, 10_000), [2.0, 0.0, 0.0]);
        // The bucket that holds now averages over its elapsed 100 s.
        assert_eq!(values(Kind::Qps, &rows, true, at, 400)[1], 5.0 / 100.0);
    }

    #[test]
    fn an_hour_row_spreads_over_its_five_minute_buckets() {
        let rows = [row("a", 0, 3600, Point { requests: 120, instances_max: 3, ..Point::default() })];
        let got = values(Kind::Invocations, &rows, false, (0, 300, 12), 1_000_000);
        assert!(got.iter().all(|v| (*v - 10.0).abs() < 1e-9), "{got:?}");
        assert_eq!(values(Kind::Instances, &rows, false, (0, 300, 12), 1_000_000)[11], 3.0);
    }
}
