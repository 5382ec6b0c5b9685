//! Observing a running service (R-OBS-2, R-OBS-3): tcb `DescribeCurveData`
//! (CLOUD-API.md §10) and tcbr `SearchClsLog` (§1.3, §11), with their
//! published field names. Whoever may see a service may read its metrics
//! and its logs; the BFF keeps a search inside the caller's environment
//! (`EnvId` is the request's scope, as for every env-scoped action).

use serde::{Deserialize, Serialize};

use crate::permissions::Need::EnvRole;
use crate::permissions::Role::Viewer;
use crate::permissions::read;
use crate::vocab::MetricName;

use super::{Action, Product};

actions! {
    DescribeCurveData: Product::Tcb, DescribeCurveDataRequest, DescribeCurveDataResponse,
        Some(read(EnvRole(Viewer)));
    SearchClsLog: Product::Tcbr, SearchClsLogRequest, SearchClsLogResponse,
        Some(read(EnvRole(Viewer)));
}

/// `DescribeCurveData`: one metric of a service (or of one version) over a
/// time range. Times are `YYYY-MM-DD HH:MM:SS` in UTC+8; the period rules
/// are `rules::curve_period`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCurveDataRequest {
    pub env_id: String,
    pub metric_name: MetricName,
    pub start_time: String,
    pub end_time: String,
    /// The service name; required for Cloud Run metrics.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "ResourceID")]
    pub resource_id: Option<String>,
    /// The version name, for one version's data.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "SubresourceID")]
    pub subresource_id: Option<String>,
    /// 300, 3600 or 86400 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
}

/// `DescribeCurveData`'s answer: one value per period, all fields always present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCurveDataResponse {
    /// Aligned to the period, UTC+8.
    pub start_time: String,
    pub end_time: String,
    pub metric_name: MetricName,
    pub period: i64,
    pub values: Vec<i64>,
    pub new_values: Vec<f64>,
    /// Unix seconds, one per value.
    pub time: Vec<i64>,
    /// `sum`, `avg`, `max` or `last`.
    #[serde(default)]
    pub statistics: String,
}

/// `SearchClsLog`: runtime logs of the environment, by a CLS query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchClsLogRequest {
    pub env_id: String,
    pub start_time: String,
    pub end_time: String,
    pub query_string: String,
    /// At most 100.
    pub limit: i64,
    /// The cursor a previous answer gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `asc` or `desc` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_lucene: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_type: Option<i64>,
}

/// `LogObject`: one record; `Content` is the record serialised as a JSON string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogObject {
    #[serde(default)]
    pub topic_id: String,
    #[serde(default)]
    pub topic_name: String,
    /// `2026-01-28 23:52:00.200`, UTC+8.
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub file_name: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub pkg_log_id: String,
}

/// `LogResObject`: every field may be null.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogResObject {
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub list_over: Option<bool>,
    #[serde(default)]
    pub results: Option<Vec<LogObject>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchClsLogResponse {
    pub log_results: LogResObject,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_as_published() {
        let req = DescribeCurveDataRequest {
            env_id: "e".into(),
            metric_name: MetricName::Invocations,
            start_time: "2026-03-16 00:00:00".into(),
            end_time: "2026-03-16 23:55:00".into(),
            resource_id: Some("shop".into()),
            subresource_id: Some("shop-001".into()),
            period: Some(300),
        };
        assert_eq!(
            serde_json::to_value(req).unwrap(),
            serde_json::json!({"EnvId": "e", "MetricName": "TkeInvokeNumService", "StartTime": "2026-03-16 00:00:00",
                "EndTime": "2026-03-16 23:55:00", "ResourceID": "shop", "SubresourceID": "shop-001", "Period": 300})
        );
        // The official example answer.
        let answer: DescribeCurveDataResponse = serde_json::from_str(
            r#"{"EndTime":"2026-03-16 23:55:00","MetricName":"TkeInvokeNumService","NewValues":[0],"Period":300,
                "StartTime":"2026-03-16 00:00:00","Statistics":"sum","Time":[1773590400],"Values":[0]}"#,
        )
        .unwrap();
        assert_eq!((answer.period, answer.time[0]), (300, 1_773_590_400));
        // SearchClsLog once answers "Results": null.
        let logs: SearchClsLogResponse =
            serde_json::from_str(r#"{"LogResults":{"Context":null,"ListOver":true,"Results":null}}"#).unwrap();
        assert_eq!(logs.log_results.results, None);
    }
}
