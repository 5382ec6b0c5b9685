//! Environments: tcbr CreateCloudRunEnv, DescribeCloudRunEnvs,
//! DescribeEnvBaseInfo, and tcb DestroyEnv (CLOUD-API.md §1.1, §2).

use serde::{Deserialize, Serialize};

use crate::permissions::Need::{Admin, EnvRole, SignedIn};
use crate::permissions::Role::{Owner, Viewer};
use crate::permissions::{read, write};

use super::{Action, Empty, Product};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateCloudRunEnvRequest {
    pub package_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_quota: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_net_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateCloudRunEnvResponse {
    pub env_id: String,
    pub tran_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunEnvsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_visible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudRunEnvsResponse {
    pub env_list: Vec<EnvInfo>,
}

/// An environment as DescribeCloudRunEnvs lists it. Every field is always
/// present; the lists that model other CloudBase products stay empty here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvInfo {
    pub env_id: String,
    pub source: String,
    pub alias: String,
    pub create_time: String,
    pub update_time: String,
    /// `NORMAL` | `UNAVAILABLE`.
    pub status: String,
    pub is_auto_degrade: bool,
    pub env_channel: String,
    pub pay_mode: String,
    pub is_default: bool,
    pub region: String,
    pub env_type: String,
    pub databases: Vec<serde_json::Value>,
    pub storages: Vec<serde_json::Value>,
    pub functions: Vec<serde_json::Value>,
    pub log_services: Vec<serde_json::Value>,
    pub static_storages: Vec<serde_json::Value>,
    pub tags: Vec<Tag>,
    pub custom_log_services: Vec<serde_json::Value>,
    pub package_id: String,
    pub package_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvIdRequest {
    pub env_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEnvBaseInfoResponse {
    pub env_base_info: EnvBaseInfo,
    pub is_exist: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvBaseInfo {
    pub env_id: String,
    pub package_type: String,
    pub vpc_id: String,
    pub create_time: String,
    pub alias: String,
    pub status: String,
    pub region: String,
    pub env_type: String,
    pub subnet_ids: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recycle: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestroyEnvRequest {
    pub env_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_force: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_check: Option<bool>,
}

actions! {
    CreateCloudRunEnv: Product::Tcbr, CreateCloudRunEnvRequest, CreateCloudRunEnvResponse,
        Some(write(Admin));
    DescribeCloudRunEnvs: Product::Tcbr, DescribeCloudRunEnvsRequest, DescribeCloudRunEnvsResponse,
        // Filtered to the caller's environments.
    Some(read(SignedIn));
    DescribeEnvBaseInfo: Product::Tcbr, EnvIdRequest, DescribeEnvBaseInfoResponse,
        Some(read(EnvRole(Viewer)));
    DestroyEnv: Product::Tcb, DestroyEnvRequest, Empty,
        Some(write(EnvRole(Owner)));
}
