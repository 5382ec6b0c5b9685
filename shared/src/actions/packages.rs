//! Code packages, build logs and version deletion (CLOUD-API.md §1.5, §2).

use serde::{Deserialize, Serialize};

use crate::permissions::Need::EnvRole;
use crate::permissions::Role::{Developer, Viewer};
use crate::permissions::{read, write};

use super::{Action, Product};

/// `DescribeCloudBaseBuildService`: where to PUT a code package before a
/// `DeployType: package` deploy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudBaseBuildServiceRequest {
    pub env_id: String,
    pub service_name: String,
    /// `cloudbaserun` | `framework-ci`.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "CIBusiness")]
    pub ci_business: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_version: Option<String>,
    /// The package's file suffix, e.g. `.zip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

/// `KVPair`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KvPair {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudBaseBuildServiceResponse {
    pub upload_url: String,
    pub upload_headers: Vec<KvPair>,
    pub package_name: String,
    pub package_version: String,
    #[serde(default)]
    pub download_url: String,
    #[serde(default)]
    pub download_headers: Vec<KvPair>,
    /// Whether the URLs have already expired.
    #[serde(default)]
    pub out_date: bool,
}

/// `DescribeCloudBaseRunBuildLog`: a deploy's build log from line `Start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudBaseRunBuildLogRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_version: Option<String>,
    /// The deploy record's `BuildId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_id: Option<i64>,
    /// The first line to return (an offset, 0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
}

/// `CloudBaseRunBuildLog`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudBaseRunBuildLog {
    /// Lines in the whole log so far.
    pub total: i64,
    /// Lines in this answer.
    pub delivered: i64,
    pub text: String,
    /// Whether more lines are coming (past a page, or the build still runs).
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCloudBaseRunBuildLogResponse {
    pub log: Option<CloudBaseRunBuildLog>,
}

/// `SimpleVersion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimpleVersion {
    pub env_id: String,
    pub server_name: String,
    pub version_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteCloudRunVersionsRequest {
    pub env_id: String,
    /// Takes effect only when the last version is deleted.
    pub is_delete_server: bool,
    /// Takes effect only when the service is deleted too.
    pub is_delete_image: bool,
    pub simple_versions: Vec<SimpleVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_remark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailVersion {
    pub version: SimpleVersion,
    pub error_code: i64,
    pub error_msg: String,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuccessVersion {
    pub version: SimpleVersion,
    pub request_id: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteCloudRunVersionsResponse {
    /// `succ` | `fail` | `partial`.
    pub result: String,
    pub fail_versions: Vec<FailVersion>,
    pub success_versions: Vec<SuccessVersion>,
}

actions! {
    DescribeCloudBaseBuildService: Product::Tcb, DescribeCloudBaseBuildServiceRequest, DescribeCloudBaseBuildServiceResponse,
        // Its upload URL is a credential: only the BFF's own upload endpoint asks.
    None;
    DescribeCloudBaseRunBuildLog: Product::Tcb, DescribeCloudBaseRunBuildLogRequest, DescribeCloudBaseRunBuildLogResponse,
        Some(read(EnvRole(Viewer)));
    DeleteCloudRunVersions: Product::Tcbr, DeleteCloudRunVersionsRequest, DeleteCloudRunVersionsResponse,
        Some(write(EnvRole(Developer))), remark = "OperatorRemark";
}
