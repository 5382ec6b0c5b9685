//! Which charts the tab draws (R-OBS-2, CLOUD-API.md §10): the service's
//! eight, and for one version also its CPU and memory utilisation, the
//! figures autoscaling compares with its thresholds.

use console_shared::actions::{DescribeCurveDataRequest, DescribeCurveDataResponse, HpaPolicy};
use console_shared::vocab::{MetricName, PolicyType};

use super::range::Window;
use crate::components::{Mark, Series};
use crate::i18n::Msg;

/// The threshold of a version without a scaling policy, in percent: the
/// one localcloud's scaler applies (`runtime/scaler.rs` `DEFAULT_THRESHOLD`, R-INS-3).
pub const DEFAULT_THRESHOLD: u64 = 60;

/// Which of a version's thresholds a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    Cpu,
    Mem,
}

/// One chart: its metric, how it is titled and drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub metric: MetricName,
    pub title: Msg,
    pub unit: Msg,
    pub mark: Mark,
    /// A count per period: whole-number gridlines.
    pub whole: bool,
    /// The scaling threshold drawn over it, for a version's utilisation.
    pub threshold: Option<Watched>,
}

fn spec(metric: MetricName, title: Msg, unit: Msg, mark: Mark) -> ChartSpec {
    ChartSpec { metric, title, unit, mark, whole: mark == Mark::Bars, threshold: None }
}

/// The charts, in the vendor consoles' order; a version adds its utilisation.
pub fn chart_specs(version: bool) -> Vec<ChartSpec> {
    let mut specs = vec![
        spec(MetricName::Invocations, Msg::MonCalls, Msg::MonUnitRequests, Mark::Bars),
        spec(MetricName::ResponseTime, Msg::MonResponseTime, Msg::MonUnitMs, Mark::Line),
        spec(MetricName::Qps, Msg::MonQps, Msg::MonUnitPerSecond, Mark::Line),
        spec(MetricName::HttpErrors, Msg::MonHttpErrors, Msg::MonUnitResponses, Mark::Bars),
        spec(MetricName::CpuUsed, Msg::MonCpuUsed, Msg::MonUnitCores, Mark::Line),
        spec(MetricName::MemUsed, Msg::MonMemUsed, Msg::MonUnitMib, Mark::Line),
        spec(MetricName::Instances, Msg::MonInstances, Msg::MonUnitInstances, Mark::Bars),
        spec(MetricName::UnhealthyService, Msg::MonUnhealthy, Msg::MonUnitInstances, Mark::Bars),
    ];
    if version {
        specs.extend([
            ChartSpec {
                threshold: Some(Watched::Cpu),
                ..spec(MetricName::CpuRatio, Msg::MonCpuRatio, Msg::MonUnitPercent, Mark::Line)
            },
            ChartSpec {
                threshold: Some(Watched::Mem),
                ..spec(MetricName::MemRatio, Msg::MonMemRatio, Msg::MonUnitPercent, Mark::Line)
            },
        ]);
    }
    specs
}

/// The request for one chart: `ResourceID` is the service, `SubresourceID`
/// the version when one is chosen. The period is the range's default.
pub fn curve_request(
    env: &str,
    service: &str,
    version: Option<&str>,
    window: Window,
    metric: &MetricName,
) -> DescribeCurveDataRequest {
    let (start_time, end_time) = window.api_times();
    DescribeCurveDataRequest {
        env_id: env.to_string(),
        metric_name: metric.clone(),
        start_time,
        end_time,
        resource_id: Some(service.to_string()),
        subresource_id: version.map(str::to_string),
        period: Some(window.period()),
    }
}

/// The answer as a series over `window`: one point per `Time`, valued by
/// `NewValues` (the precise figures) when there is one per time, else by `Values`.
pub fn series_of(answer: &DescribeCurveDataResponse, window: Window) -> Series {
    let values: Vec<f64> = if answer.new_values.len() == answer.time.len() {
        answer.new_values.clone()
    } else {
        answer.values.iter().map(|v| *v as f64).collect()
    };
    let period = if answer.period > 0 { answer.period } else { window.period() };
    Series { start: window.start, end: window.end, period, points: answer.time.iter().copied().zip(values).collect() }
}

/// A version's thresholds in percent, CPU then memory, and whether they
/// are the default (no policy). A `cpu/mem` policy watches both; a policy
/// that watches only one leaves the other without a line.
pub fn thresholds(policies: &[HpaPolicy]) -> (Option<u64>, Option<u64>, bool) {
    if policies.is_empty() {
        return (Some(DEFAULT_THRESHOLD), Some(DEFAULT_THRESHOLD), true);
    }
    let lowest = |watched: Watched| {
        policies
            .iter()
            .filter(|p| match watched {
                Watched::Cpu => matches!(p.policy_type, PolicyType::Cpu | PolicyType::CpuMem),
                Watched::Mem => matches!(p.policy_type, PolicyType::Mem | PolicyType::CpuMem),
            })
            .map(|p| p.policy_threshold)
            .min()
    };
    (lowest(Watched::Cpu), lowest(Watched::Mem), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_773_590_400;

    fn policy(policy_type: PolicyType, policy_threshold: u64) -> HpaPolicy {
        HpaPolicy { policy_type, policy_threshold }
    }

    #[test]
    fn r_obs_2_eight_service_charts_and_two_more_for_a_version() {
        let specs = chart_specs(false);
        let names: Vec<&str> = specs.iter().map(|s| s.metric.as_str()).collect();
        assert_eq!(
            names,
            [
                "TkeInvokeNumService",
                "TkeRspTimeService",
                "TkeQPSService",
                "TkeHttpErrorService",
                "TkeCpuUsedService",
                "TkeMemUsedService",
                "TkePodNumService",
                "TkePodUnavailableNumService"
            ]
        );
        let version = chart_specs(true);
        assert_eq!(version.len(), 10);
        assert_eq!(version[8].metric, MetricName::CpuRatio);
        assert_eq!(version[9].threshold, Some(Watched::Mem));
        assert!(chart_specs(false).iter().all(|s| s.threshold.is_none()));
    }

    #[test]
    fn r_obs_2_a_request_names_the_service_and_the_version() {
        let w = Window { start: T, end: T + 3600 };
        let req = curve_request("env-1", "shop", Some("shop-002"), w, &MetricName::Qps);
        assert_eq!(req.resource_id.as_deref(), Some("shop"));
        assert_eq!(req.subresource_id.as_deref(), Some("shop-002"));
        assert_eq!((req.start_time.as_str(), req.end_time.as_str()), ("2026-03-16 00:00:00", "2026-03-16 01:00:00"));
        assert_eq!(req.period, Some(300));
        assert_eq!(curve_request("env-1", "shop", None, w, &MetricName::Qps).subresource_id, None);
    }

    #[test]
    fn r_obs_2_an_answer_becomes_points() {
        let w = Window { start: T, end: T + 600 };
        let answer = DescribeCurveDataResponse {
            period: 300,
            values: vec![1, 2],
            new_values: vec![1.5, 2.25],
            time: vec![T, T + 300],
            ..Default::default()
        };
        assert_eq!(series_of(&answer, w).points, vec![(T, 1.5), (T + 300, 2.25)]);
        // Without precise values, the whole ones.
        let rough = DescribeCurveDataResponse { new_values: vec![], ..answer };
        assert_eq!(series_of(&rough, w).points, vec![(T, 1.0), (T + 300, 2.0)]);
    }

    #[test]
    fn r_obs_2_thresholds_come_from_the_policy_or_the_default() {
        assert_eq!(thresholds(&[]), (Some(60), Some(60), true));
        assert_eq!(thresholds(&[policy(PolicyType::Cpu, 70)]), (Some(70), None, false));
        assert_eq!(
            thresholds(&[policy(PolicyType::Mem, 80), policy(PolicyType::Cpu, 50)]),
            (Some(50), Some(80), false)
        );
        assert_eq!(thresholds(&[policy(PolicyType::CpuMem, 65)]), (Some(65), Some(65), false));
    }
}
