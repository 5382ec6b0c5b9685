//! Releases: gray releases and their traffic split, finishing or abandoning
//! them, rollback, and settings changes (CLOUD-API.md §1.2, §1.4, §12).

use serde::{Deserialize, Serialize};

use crate::permissions::Need::EnvRole;
use crate::permissions::Role::{Developer, Viewer};
use crate::permissions::{read, write};

use super::services::{DiffConfigItem, TaskIdResponse};
use super::{Action, Empty, Product};
use crate::vocab::{ReleaseStatus, TrafficType};

actions! {
    ReleaseGray: Product::Tcbr, ReleaseGrayRequest, Empty,
        Some(write(EnvRole(Developer))), remark = "OperatorRemark";
    DescribeReleaseOrder: Product::Tcbr, DescribeReleaseOrderRequest, DescribeReleaseOrderResponse,
        Some(read(EnvRole(Viewer)));
    SubmitServerRollback: Product::Tcbr, SubmitServerRollbackRequest, TaskIdResponse,
        Some(write(EnvRole(Developer))), remark = "OperatorRemark";
    SubmitServerConfigChangeDiff: Product::Tcbr, SubmitServerConfigChangeDiffRequest, TaskIdResponse,
        Some(write(EnvRole(Developer)));
}

/// `ObjectKV`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectKv {
    pub key: String,
    pub value: String,
}

/// `VersionFlowInfo`: one version's share of the traffic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionFlowInfo {
    pub version_name: String,
    /// The version that serves every request no URL rule claims.
    pub is_default_priority: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_ratio: Option<i64>,
    /// With `URL_PARAMS`: the query parameter (and value, `*` a wildcard)
    /// whose requests this version serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_param: Option<ObjectKv>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
}

/// `ReleaseGray`: sets the split of an open gray release (R-UPD-2, R-UPD-4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReleaseGrayRequest {
    pub env_id: String,
    pub server_name: String,
    /// No documented set: the docs say `gray`, examples.json `FLOW`.
    pub gray_type: String,
    pub traffic_type: TrafficType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_flow_items: Option<Vec<VersionFlowInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
    /// The canary's percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gray_flow_ratio: Option<i64>,
    /// Undocumented: the v3 `tcb` CLI's `traffic promote` sends it with the
    /// canary at 100 % to finish the release (CLOUD-API.md §12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_gray_release: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeReleaseOrderRequest {
    pub env_id: String,
    pub server_name: String,
    /// `open`: only an open order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ReleaseStatus>,
}

/// `VersionInfo` inside a release order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReleaseVersionInfo {
    pub version_name: String,
    pub status: String,
    pub upload_type: String,
    pub remark: String,
    pub architecture: String,
    pub flow_ratio: i64,
    pub percent: i64,
    pub url_param: ObjectKv,
    pub priority: i64,
    pub is_default_priority: bool,
    pub flow_params: Vec<ObjectKvPriority>,
    pub min_replicas: i64,
    pub max_replicas: i64,
    pub current_replicas: i64,
    pub build_id: i64,
    pub run_id: String,
    pub created_time: String,
    pub updated_time: String,
}

/// `ObjectKVPriority`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectKvPriority {
    pub key: String,
    pub value: String,
    pub priority: i64,
}

/// `ReleaseOrderInfo`: a gray release over the stable (`CurrentVersion`)
/// and the canary (`ReleaseVersion`) (R-UPD-6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReleaseOrderInfo {
    pub id: i64,
    pub server_name: String,
    pub current_version: ReleaseVersionInfo,
    pub release_version: ReleaseVersionInfo,
    pub gray_status: String,
    pub release_status: ReleaseStatus,
    pub traffic_type_values: Vec<ObjectKv>,
    pub traffic_type: TrafficType,
    /// The canary's percentage.
    pub flow_ratio: i64,
    pub create_time: String,
    /// The canary's deploy is still running.
    pub is_releasing: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeReleaseOrderResponse {
    pub is_exist: bool,
    /// A zero-valued order when none exists.
    #[serde(default)]
    pub release_order_info: ReleaseOrderInfo,
    #[serde(default)]
    pub last_released_success_time: String,
}

/// `SubmitServerRollback` (R-RB-1..4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmitServerRollbackRequest {
    pub env_id: String,
    pub server_name: String,
    /// The version online now.
    pub current_version_name: String,
    /// An existing version older than it (R-RB-2).
    pub rollback_version_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
}

/// `ServerBaseConfigDiff` (deprecated): `StrParams` with the key `EnvParam`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerBaseConfigDiff {
    #[serde(default)]
    pub str_params: Vec<ObjectKv>,
}

/// `SubmitServerConfigChangeDiff`: changed settings over the online
/// version's make a new version from the same image (R-UPD-5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmitServerConfigChangeDiffRequest {
    pub env_id: String,
    pub server_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conf: Option<ServerBaseConfigDiff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<DiffConfigItem>>,
}
