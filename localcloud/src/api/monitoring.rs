//! Monitoring: tcb `DescribeCurveData` (CLOUD-API.md §10, R-OBS-2), one
//! metric of a service, or of one version, as a value per period bucket.
//!
//! `ResourceID` names the service and is required; `SubresourceID` names
//! one of its versions and restricts the curve to it. The service-level
//! names (`…Service`) add up every version; the version names
//! (`TkeCpuRatioVersion`, `TkeMemRatioVersion`, `TkePodUnavailableNumVersion`)
//! need `SubresourceID`. Times are `YYYY-MM-DD HH:MM:SS` read in UTC+8, the
//! period follows `rules::curve_period`, buckets start at multiples of the
//! period in UTC+8 (a day at 00:00), and every bucket of the range is
//! answered, zero where nothing happened. The units are in
//! `observe::metrics::curve`. Names localcloud does not record (public
//! egress, memory in CU) are refused rather than answered with zeros.

use console_shared::actions::{DescribeCurveDataRequest, DescribeCurveDataResponse};
use console_shared::api::codes;
use console_shared::region::Region;
use console_shared::rules::curve_period;
use console_shared::time::cst_datetime;
use console_shared::vocab::{MetricName, VersionRef};

use super::envs;
use super::error::CallError;
use super::state::State;
use crate::observe::metrics::curve::{self, Kind};
use crate::observe::metrics::store::align;

/// What `name` shows, and whether it is a version's metric.
fn kind(name: &MetricName) -> Result<(Kind, bool), CallError> {
    Ok(match name {
        MetricName::Invocations => (Kind::Invocations, false),
        MetricName::ResponseTime => (Kind::ResponseTimeMs, false),
        MetricName::Qps => (Kind::Qps, false),
        MetricName::HttpErrors => (Kind::HttpErrors, false),
        MetricName::CpuUsed => (Kind::CpuCores, false),
        MetricName::MemUsed => (Kind::MemMib, false),
        MetricName::Instances => (Kind::Instances, false),
        MetricName::UnhealthyService => (Kind::Unhealthy, false),
        MetricName::CpuRatio => (Kind::CpuPercent, true),
        MetricName::MemRatio => (Kind::MemPercent, true),
        MetricName::UnhealthyVersion => (Kind::Unhealthy, true),
        MetricName::EgressBytes | MetricName::MemCu => {
            return Err(CallError::new(
                codes::INVALID_PARAMETER,
                format!(
                    "localcloud does not record the metric `{name}`; it has no public egress or CU billing to measure."
                ),
            ));
        }
        MetricName::Other(other) => {
            return Err(CallError::new(
                codes::INVALID_PARAMETER,
                format!("`{other}` is not a Cloud Run MetricName (for example TkeInvokeNumService)."),
            ));
        }
    })
}

/// A value as `NewValues` gives it: to a millionth, which drops the noise
/// of float sums (`0.30000000000000004`) but keeps what is small and real:
/// one request in an hour is 0.000278 QPS, an idle instance a few
/// thousandths of a core, both 0 at two decimals.
fn figure(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

pub async fn curve_data(
    state: &State,
    region: Option<Region>,
    req: DescribeCurveDataRequest,
) -> Result<DescribeCurveDataResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let (kind, of_version) = kind(&req.metric_name)?;
    let service = given(&req.resource_id).ok_or_else(|| {
        CallError::new(codes::MISSING_PARAMETER, "The parameter `ResourceID` (the service name) is missing.")
    })?;
    let version = given(&req.subresource_id);
    if of_version && version.is_none() {
        return Err(CallError::new(
            codes::MISSING_PARAMETER,
            format!(
                "The parameter `SubresourceID` (the version name) is missing: {} is a version's metric.",
                req.metric_name
            ),
        ));
    }
    let (start, end) =
        (CallError::cst_time("StartTime", &req.start_time)?, CallError::cst_time("EndTime", &req.end_time)?);
    let period =
        curve_period(start, end, req.period).map_err(|e| CallError::new(codes::INVALID_PARAMETER, e.to_string()))?;

    let created: Option<i64> =
        sqlx::query_scalar("SELECT created_at FROM services WHERE env_id = ? AND server_name = ?")
            .bind(&req.env_id)
            .bind(service)
            .fetch_optional(&state.db)
            .await?;
    let created = created
        .ok_or_else(|| CallError::new(codes::RESOURCE_NOT_FOUND, format!("The service `{service}` does not exist.")))?;
    if let Some(version) = version {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?)",
        )
        .bind(&req.env_id)
        .bind(service)
        .bind(version)
        .fetch_one(&state.db)
        .await?;
        if !exists {
            return Err(CallError::new(
                codes::RESOURCE_NOT_FOUND,
                format!("The service `{service}` has no version `{version}`."),
            ));
        }
    }

    let (first, last) = (align(start, period), align(end, period));
    let count = ((last - first) / period + 1) as usize;
    let whole = version.is_none();
    let key = VersionRef::from_cloud(&req.env_id, service, version.unwrap_or(""));
    let rows = state.metrics.rows(&state.observe, &key, whole, (first, last + period), created).await?;
    let new_values: Vec<f64> = curve::values(kind, &rows, whole, (first, period, count), crate::clock::now())
        .into_iter()
        .map(figure)
        .collect();
    Ok(DescribeCurveDataResponse {
        start_time: cst_datetime(first),
        end_time: cst_datetime(last),
        metric_name: req.metric_name,
        period,
        values: new_values.iter().map(|v| v.round() as i64).collect(),
        time: (0..count as i64).map(|i| first + i * period).collect(),
        new_values,
        statistics: kind.statistics().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_obs_2_times_are_exactly_the_documented_shape() {
        assert_eq!(CallError::cst_time("StartTime", "2026-03-16 00:00:00").unwrap(), 1_773_590_400);
        match CallError::cst_time("StartTime", "2026-02-30 00:00:00") {
            Err(CallError::Refused(e)) => assert_eq!(e.code, codes::INVALID_PARAMETER),
            other => panic!("{other:?}"),
        }
        let empty = CallError::cst_time("EndTime", "");
        assert!(matches!(empty, Err(CallError::Refused(e)) if e.code == codes::MISSING_PARAMETER));
    }

    #[test]
    fn r_obs_2_small_values_are_not_rounded_away() {
        assert_eq!(figure(1.0 / 3600.0), 0.000278, "one request in an hour, as QPS");
        assert_eq!(figure(0.004), 0.004, "four thousandths of a core");
        assert_eq!(figure(0.1 + 0.2), 0.3);
        assert_eq!(figure(12.0), 12.0);
    }
}
