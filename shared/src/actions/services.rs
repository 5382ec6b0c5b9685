//! Services, versions and deploys (CLOUD-API.md §1.2–1.6).

use serde::{Deserialize, Serialize};

use crate::permissions::Need::EnvRole;
use crate::permissions::Role::{Developer, Viewer};
use crate::permissions::{read, write};

use super::{Action, Empty, Product};
use crate::vocab::{
    ChangeType, ConfigKey, DeployType, OperateType, PolicyType, RecordStatus, ReleaseType, ServiceStatus, Step,
    StepStatus, TaskStatus,
};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunServersRequest {
    pub env_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunServersResponse {
    pub server_list: Vec<ServerBaseInfo>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerBaseInfo {
    pub server_name: String,
    pub default_domain_name: String,
    pub custom_domain_name: String,
    pub status: ServiceStatus,
    pub update_time: String,
    pub access_types: Vec<String>,
    pub custom_domain_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
}

actions! {
    DescribeCloudRunServers: Product::Tcbr, DescribeCloudRunServersRequest, DescribeCloudRunServersResponse,
        Some(read(EnvRole(Viewer)));
    DescribeVersionDetail: Product::Tcbr, DescribeVersionDetailRequest, DescribeVersionDetailResponse,
        Some(read(EnvRole(Viewer)));
    DescribeCloudRunPodList: Product::Tcbr, DescribeCloudRunPodListRequest, DescribeCloudRunPodListResponse,
        Some(read(EnvRole(Viewer)));
    CreateCloudRunServer: Product::Tcbr, CreateCloudRunServerRequest, TaskIdResponse,
        Some(write(EnvRole(Developer))), remark = "DeployInfo.DeployRemark";
    UpdateCloudRunServer: Product::Tcbr, UpdateCloudRunServerRequest, UpdateCloudRunServerResponse,
        Some(write(EnvRole(Developer))), remark = "DeployInfo.DeployRemark";
    DescribeCloudRunServerDetail: Product::Tcbr, ServerRequest, DescribeCloudRunServerDetailResponse,
        Some(read(EnvRole(Viewer)));
    DescribeCloudRunDeployRecord: Product::Tcbr, ServerRequest, DescribeCloudRunDeployRecordResponse,
        Some(read(EnvRole(Viewer)));
    DescribeServerManageTask: Product::Tcbr, ManageTaskRequest, DescribeServerManageTaskResponse,
        Some(read(EnvRole(Viewer)));
    DescribeCloudRunProcessLog: Product::Tcbr, ProcessLogRequest, ProcessLogResponse,
        Some(read(EnvRole(Viewer)));
    OperateServerManage: Product::Tcbr, OperateServerManageRequest, Empty,
        Some(write(EnvRole(Developer))), remark = "OperatorRemark";
    DeleteCloudRunServer: Product::Tcbr, DeleteCloudRunServerRequest, ResultResponse,
        Some(write(EnvRole(Developer))), remark = "OperatorRemark";
}

/// Paging cap of DescribeCloudRunServers (CLOUD-API.md §1.2).
pub const SERVERS_PAGE_SIZE_DEFAULT: i64 = 9;
pub const SERVERS_PAGE_SIZE_MAX: i64 = 30;

/// `DeployParam`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeployParam {
    /// `image` here; `package` and others are Tencent's too.
    pub deploy_type: DeployType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_remark: Option<String>,
    /// `GRAY` | `FULL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_type: Option<ReleaseType>,
}

/// `HpaPolicy`: scale out when the metric passes the threshold (R-INS-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpaPolicy {
    pub policy_type: PolicyType,
    pub policy_threshold: u64,
}

/// `DiffConfigItem`: one key with one value slot filled (CLOUD-API.md §1.6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiffConfigItem {
    pub key: ConfigKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bool_value: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub float_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub array_value: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_details: Option<Vec<HpaPolicy>>,
}

impl DiffConfigItem {
    pub fn string(key: ConfigKey, v: impl Into<String>) -> Self {
        DiffConfigItem { key, value: Some(v.into()), ..Default::default() }
    }
    pub fn int(key: ConfigKey, v: i64) -> Self {
        DiffConfigItem { key, int_value: Some(v), ..Default::default() }
    }
    pub fn float(key: ConfigKey, v: f64) -> Self {
        DiffConfigItem { key, float_value: Some(v), ..Default::default() }
    }
    pub fn policies(v: Vec<HpaPolicy>) -> Self {
        DiffConfigItem { key: ConfigKey::PolicyDetails, policy_details: Some(v), ..Default::default() }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateCloudRunServerRequest {
    pub env_id: String,
    pub server_name: String,
    pub deploy_info: DeployParam,
    /// Deprecated, but the `tcb` CLI still sends it; `Items` apply over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_config: Option<ServerBaseConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<DiffConfigItem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskIdResponse {
    pub task_id: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerRequest {
    pub env_id: String,
    pub server_name: String,
}

/// `ServerBaseConfig` (the fields this console reads and writes). Missing
/// fields read as their defaults: Tencent marks most of them optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServerBaseConfig {
    pub env_id: String,
    pub server_name: String,
    pub open_access_types: Vec<String>,
    pub cpu: f64,
    pub mem: f64,
    pub min_num: i64,
    pub max_num: i64,
    pub policy_details: Vec<HpaPolicy>,
    pub custom_logs: String,
    /// A JSON object as a string, e.g. `{"MYSQL_USERNAME":"root"}`.
    pub env_params: String,
    pub initial_delay_seconds: i64,
    pub create_time: String,
    pub port: i64,
    pub has_dockerfile: bool,
    pub dockerfile: String,
    pub build_dir: String,
    #[serde(default)]
    pub log_type: String,
    // Kept as given (localcloud does not act on them; the real cloud does).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub log_set_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub log_topic_id: String,
    /// `json` | `line`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub log_parse_type: String,
    /// `noScale` | `condScale` | `alwaysScale` | `custom` | `manualScale`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub operation_mode: String,
    /// `open` | `close`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub session_affinity: String,
    /// `open` | `close`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub internal_access: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tag: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_point: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cmd: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnlineVersionInfo {
    pub version_name: String,
    pub image_url: String,
    /// A string in the API, e.g. `"100"`.
    pub flow_ratio: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunServerDetailResponse {
    pub base_info: ServerBaseInfo,
    pub server_config: ServerBaseConfig,
    pub online_version_infos: Vec<OnlineVersionInfo>,
}

/// `DeployRecord`. `RunId` and `BuildId` are opaque (BuildId 0 for an image
/// deploy); in localcloud `DeployId` is the version's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeployRecord {
    pub deploy_id: String,
    pub deploy_time: String,
    pub status: RecordStatus,
    pub run_id: String,
    pub build_id: i64,
    pub flow_ratio: i64,
    pub image_url: Option<String>,
    #[serde(default)]
    pub scale_status: String,
    #[serde(default)]
    pub has_traffic: bool,
    #[serde(default)]
    pub traffic_type: String,
    #[serde(default)]
    pub is_releasing: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunDeployRecordResponse {
    pub deploy_records: Vec<DeployRecord>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManageTaskRequest {
    pub env_id: String,
    pub server_name: String,
    /// `0`: the task running now (as the CLI uses it).
    pub task_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskStepInfo {
    pub name: Step,
    pub status: StepStatus,
    pub start_time: String,
    pub end_time: String,
    pub cost_time: i64,
    pub fail_reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerManageTaskInfo {
    pub id: i64,
    pub env_id: String,
    pub server_name: String,
    pub create_time: String,
    pub change_type: ChangeType,
    pub release_type: ReleaseType,
    pub deploy_type: DeployType,
    pub pre_version_name: String,
    pub version_name: String,
    pub pipeline_id: i64,
    pub pipeline_task_id: i64,
    pub release_id: i64,
    pub status: TaskStatus,
    pub fail_reason: String,
    pub operator_remark: String,
    pub steps: Vec<TaskStepInfo>,
}

impl ServerManageTaskInfo {
    /// A gray update whose deploy is over: its steps all finished, and the
    /// task says `running` until its release is finished or abandoned
    /// (CLOUD-API.md §12). Nothing deploys then.
    pub fn gray_deployed(&self) -> bool {
        self.release_type == ReleaseType::Gray
            && self.status == TaskStatus::Running
            && !self.steps.is_empty()
            && self.steps.iter().all(|s| s.status == StepStatus::Finished)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeServerManageTaskResponse {
    pub is_exist: bool,
    pub task: ServerManageTaskInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessLogRequest {
    pub env_id: String,
    pub run_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessLogResponse {
    pub logs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperateServerManageRequest {
    pub env_id: String,
    pub server_name: String,
    pub task_id: i64,
    pub operate_type: OperateType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteCloudRunServerRequest {
    pub env_id: String,
    pub server_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultResponse {
    pub result: String,
}

/// `UpdateCloudRunServer`: a redeploy, which makes a new version (R-VER-1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateCloudRunServerRequest {
    pub env_id: String,
    pub server_name: String,
    pub deploy_info: DeployParam,
    /// Deprecated, but the `tcb` CLI still sends it; `Items` apply over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_config: Option<ServerBaseConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<DiffConfigItem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateCloudRunServerResponse {
    pub env_id: String,
    pub task_id: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunPodListRequest {
    pub env_id: String,
    pub server_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
}

/// `VersionPodInstance`: one running instance (R-INS-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionPodInstance {
    pub webshell: String,
    pub pod_id: String,
    pub status: String,
    pub create_time: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunPodListResponse {
    pub pod_list: Vec<VersionPodInstance>,
    pub total_count: i64,
}

/// Paging of DescribeCloudRunPodList (CLOUD-API.md §1.3).
pub const PODS_PAGE_SIZE_DEFAULT: i64 = 10;
pub const PODS_PAGE_SIZE_MAX: i64 = 50;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVersionDetailRequest {
    pub env_id: String,
    pub server_name: String,
    pub version_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// A version's frozen configuration (R-VER-3). `EnvParams` is a JSON string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVersionDetailResponse {
    pub name: String,
    pub port: i64,
    pub cpu: f64,
    pub mem: f64,
    pub min_num: i64,
    pub max_num: i64,
    pub policy_details: Vec<HpaPolicy>,
    pub dockerfile: String,
    pub build_dir: String,
    pub env_params: String,
    pub status: String,
    pub created_time: String,
    pub updated_time: String,
    pub log_path: String,
    pub entry_point: Option<String>,
    pub cmd: Option<String>,
}
