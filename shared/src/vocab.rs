//! The words the cloud and the console share, once: the ids that name things
//! (environment, service, version, task) and the closed-looking sets of
//! strings the API uses (statuses, step names, deploy and release types, log
//! types, scaling policies, configuration keys).
//!
//! Each set is an enum serialised as Tencent's exact string. The real cloud
//! adds values without notice (its docs say so for service statuses), so a
//! value an enum does not know decodes to `Other(text)` and is passed on
//! unchanged instead of failing the whole answer.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rules::{self, RuleError};

/// An open set of API strings: the known ones as variants, anything else
/// kept as `Other` (see the module doc).
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this console does not know yet: passed on as given.
            Other(String),
        }

        impl $name {
            /// Every known value, in the order the API documents them.
            pub const KNOWN: &[$name] = &[$($name::$variant),*];

            /// The API's own string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(text) => text,
                }
            }
        }

        /// The API's zero value: an empty string, as a missing task's fields are.
        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match $name::from(text.as_str()) {
                    $name::Other(_) => $name::Other(text),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                match value {
                    $name::Other(text) => text,
                    known => known.as_str().to_string(),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// `ServerManageTaskInfo.Status`: a deploy task's state.
    pub enum TaskStatus {
        Running = "running",
        Finished = "finished",
        Failed = "failed",
        /// localcloud's word for a task a user cancelled (R-DEP-3).
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// `TaskStepInfo.Status`: one step's state.
    pub enum StepStatus {
        Todo = "todo",
        Running = "running",
        Finished = "finished",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// `DeployRecord.Status`. `running` means the deploy succeeded and its
    /// version runs, not that the deploy is in progress (that is `deploying`).
    pub enum RecordStatus {
        Running = "running",
        Deploying = "deploying",
        DeployFailed = "deploy_failed",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// `ServerBaseInfo.Status`, a service's state. Documented as the list
    /// below, yet the official examples answer `running`: an open set.
    pub enum ServiceStatus {
        Creating = "creating",
        CreateFailed = "create_failed",
        Normal = "normal",
        Running = "running",
        Deploying = "deploying",
        DeployFailed = "deploy_failed",
        Freezing = "freezing",
        FreezeFail = "freeze_fail",
        Froze = "froze",
        Unfreezing = "unfreezing",
        UnfreezeFail = "unfreeze_fail",
        Deleting = "deleting",
        DeleteFailed = "delete_failed",
        Abnormal = "abnormal",
        /// An environment's `Status` answer (`EnvBaseInfo`/`EnvInfo`).
        Unavailable = "UNAVAILABLE",
    }
}

vocabulary! {
    /// A deploy task's steps (`TaskStepInfo.Name`) as localcloud runs them;
    /// the SPA translates them, and a name it does not know shows as given.
    pub enum Step {
        Pull = "pull image",
        Validate = "validate upload",
        Build = "build image",
        Push = "push image",
        Create = "create version",
        Start = "start instances",
        Health = "health check",
        Release = "release traffic",
        /// A rollback's last step: the version that lost its traffic scales
        /// down (R-RB-1).
        ScaleDown = "scale down",
    }
}

vocabulary! {
    /// `ServerManageTaskInfo.ChangeType`: what a task changes. `CODE` and
    /// `CONFIG` are Tencent's; `ROLLBACK` is localcloud's word for a
    /// `SubmitServerRollback` task.
    pub enum ChangeType {
        Code = "CODE",
        Config = "CONFIG",
        Rollback = "ROLLBACK",
    }
}

vocabulary! {
    /// `ReleaseGray.TrafficType` / `ReleaseOrderInfo.TrafficType`: a split
    /// by percentage, or by a URL query parameter (R-UPD-4).
    pub enum TrafficType {
        Flow = "FLOW",
        UrlParams = "URL_PARAMS",
    }
}

vocabulary! {
    /// `OperateServerManage.OperateType`.
    pub enum OperateType {
        /// Stop a deploy that is still running (R-DEP-3).
        Cancel = "cancel",
        /// Abandon a gray release: the canary goes offline (R-UPD-3).
        GoBack = "go_back",
        /// Finish a gray release: the canary takes 100 % (R-UPD-3).
        Done = "done",
    }
}

vocabulary! {
    /// `ReleaseOrderInfo.ReleaseStatus` (and `DescribeReleaseOrder.Status`):
    /// `open` while a gray release runs; localcloud's words for how it ended.
    pub enum ReleaseStatus {
        Open = "open",
        Done = "done",
        GoBack = "go_back",
    }
}

vocabulary! {
    /// `DeployParam.DeployType`.
    pub enum DeployType {
        Package = "package",
        Image = "image",
        Repository = "repository",
        Pipeline = "pipeline",
        Jar = "jar",
        War = "war",
    }
}

vocabulary! {
    /// `DeployParam.ReleaseType`: all traffic at once, or a gray release.
    pub enum ReleaseType {
        Full = "FULL",
        Gray = "GRAY",
    }
}

vocabulary! {
    /// `LogType`: where a service's logs go.
    pub enum LogType {
        None = "none",
        Default = "default",
        Custom = "custom",
    }
}

vocabulary! {
    /// `HpaPolicy.PolicyType`: what scaling watches.
    pub enum PolicyType {
        Cpu = "cpu",
        Mem = "mem",
        CpuMem = "cpu/mem",
    }
}

vocabulary! {
    /// `DiffConfigItem.Key`: the settings a create or update may carry.
    pub enum ConfigKey {
        Port = "Port",
        CpuSpecs = "CpuSpecs",
        MemSpecs = "MemSpecs",
        MinNum = "MinNum",
        MaxNum = "MaxNum",
        PolicyDetails = "PolicyDetails",
        EnvParam = "EnvParam",
        LogPath = "LogPath",
        LogType = "LogType",
        LogSetId = "LogSetId",
        LogTopicId = "LogTopicId",
        LogParseType = "LogParseType",
        Dockerfile = "Dockerfile",
        BuildDir = "BuildDir",
        HasDockerfile = "HasDockerfile",
        InitialDelaySeconds = "InitialDelaySeconds",
        AccessTypes = "AccessTypes",
        InternalAccess = "InternalAccess",
        OperationMode = "OperationMode",
        SessionAffinity = "SessionAffinity",
        Tag = "Tag",
        EntryPoint = "EntryPoint",
        Cmd = "Cmd",
        TimerScale = "TimerScale",
        VpcConf = "VpcConf",
        VolumesConf = "VolumesConf",
        PublicNetConf = "PublicNetConf",
    }
}

vocabulary! {
    /// `HTTPServiceDomainParam.Protocol`: how a custom domain is reached
    /// (R-DOM-2). The console offers HTTP, HTTPS and HTTP→HTTPS.
    pub enum DomainProtocol {
        Http = "HTTP",
        Https = "HTTPS",
        /// The API's default when no protocol is sent.
        HttpAndHttps = "HTTP_AND_HTTPS",
        /// Plain HTTP requests are redirected to HTTPS.
        HttpToHttps = "HTTP_TO_HTTPS",
        HttpsToHttp = "HTTPS_TO_HTTP",
    }
}

impl DomainProtocol {
    /// Whether the domain is served over TLS, so it needs a certificate
    /// covering it.
    pub fn needs_certificate(&self) -> bool {
        !matches!(self, DomainProtocol::Http | DomainProtocol::Other(_))
    }
}

vocabulary! {
    /// `HTTPServiceDomain.DNSStatus`: does the domain's CNAME point at the
    /// target the cloud gave it (R-DOM-3)?
    pub enum DnsStatus {
        Ok = "OK",
        /// No CNAME record (the domain does not exist, or has other records).
        Empty = "EMPTY",
        /// A CNAME to somewhere else.
        Invalid = "INVALID",
        /// localcloud's own answer when no DNS resolver answered (an offline
        /// machine): nothing is known either way.
        Unresolved = "UNRESOLVED",
    }
}

vocabulary! {
    /// `HTTPServiceDomain.Status`.
    pub enum RouteStatus {
        Processing = "PROCESSING",
        Fail = "FAIL",
        EoPendingVerification = "EO_PENDING_VERIFICATION",
        Success = "SUCCESS",
    }
}

vocabulary! {
    /// tcb `DescribeCurveData.MetricName` for Cloud Run (CLOUD-API.md §10,
    /// R-OBS-2): per service, or per version with `SubresourceID`.
    pub enum MetricName {
        /// Calls.
        Invocations = "TkeInvokeNumService",
        /// Response time, ms.
        ResponseTime = "TkeRspTimeService",
        Qps = "TkeQPSService",
        /// Error responses (4xx and 5xx).
        HttpErrors = "TkeHttpErrorService",
        /// CPU used (core·h).
        CpuUsed = "TkeCpuUsedService",
        /// Memory used (GiB·h).
        MemUsed = "TkeMemUsedService",
        /// Instances.
        Instances = "TkePodNumService",
        /// Public egress bytes.
        EgressBytes = "TkeHttpServiceNatPkg",
        /// Memory in CU.
        MemCu = "TkeCUUsedService",
        /// A version's CPU utilisation, % of its limit: the autoscaling reference.
        CpuRatio = "TkeCpuRatioVersion",
        /// A version's memory utilisation, %.
        MemRatio = "TkeMemRatioVersion",
        /// Unhealthy instances of a version.
        UnhealthyVersion = "TkePodUnavailableNumVersion",
        /// Unhealthy instances of a service.
        UnhealthyService = "TkePodUnavailableNumService",
    }
}

/// An id or name the console passes around: validated where it enters from a
/// user (`parse`), carried as the API's plain string on the wire.
macro_rules! name {
    ($(#[$meta:meta])* $name:ident, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks a value typed by a user or taken from a URL.
            pub fn parse(text: &str) -> Result<Self, RuleError> {
                let check: fn(&str) -> Result<(), RuleError> = $check;
                check(text)?;
                Ok($name(text.to_string()))
            }

            /// A value the cloud gave: it is the cloud's to name, so it is
            /// taken as it is (the real cloud may use forms this console
            /// would not accept from a user).
            pub fn from_cloud(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

name!(
    /// `EnvId`, e.g. `prod-3g1x0xxx`.
    EnvId,
    rules::env_id
);
name!(
    /// `ServerName`: a service's name, unique in its environment (R-SVC-3).
    ServiceName,
    rules::service_name
);
name!(
    /// `VersionName`, e.g. `shop-003`: never reused in a service (R-VER-1).
    VersionName,
    rules::version_name
);

/// One version of one service in one environment: what localcloud's
/// runtime and gateway serve, and a deploy makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionRef {
    pub env: EnvId,
    pub service: ServiceName,
    pub version: VersionName,
}

impl VersionRef {
    /// Names the cloud itself gave or checked.
    pub fn from_cloud(env: &str, service: &str, version: &str) -> Self {
        VersionRef {
            env: EnvId::from_cloud(env),
            service: ServiceName::from_cloud(service),
            version: VersionName::from_cloud(version),
        }
    }
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.env, self.service, self.version)
    }
}

/// `TaskId`: a deploy task. `0` asks for the service's current task, as the
/// `tcb` CLI does (CLOUD-API.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct TaskId(pub i64);

impl TaskId {
    /// The service's current task (the running one, else the newest).
    pub const CURRENT: TaskId = TaskId(0);

    /// A task id from a URL: a non-negative number.
    pub fn parse(text: &str) -> Option<TaskId> {
        text.parse::<i64>().ok().filter(|n| *n >= 0).map(TaskId)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_as_the_apis_strings() {
        for status in TaskStatus::KNOWN {
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(&serde_json::from_str::<TaskStatus>(&json).unwrap(), status);
        }
        assert_eq!(serde_json::to_string(&ReleaseType::Gray).unwrap(), "\"GRAY\"");
        assert_eq!(serde_json::from_str::<PolicyType>("\"cpu/mem\"").unwrap(), PolicyType::CpuMem);
        assert_eq!(Step::from("health check"), Step::Health);
    }

    #[test]
    fn an_unknown_value_is_kept_not_refused() {
        let s: ServiceStatus = serde_json::from_str("\"hibernating\"").unwrap();
        assert_eq!(s, ServiceStatus::Other("hibernating".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hibernating\"");
        assert_eq!(Step::from("warm pool"), Step::Other("warm pool".into()));
        // Case matters, as in the API: `full` is not `FULL`.
        assert_eq!(ReleaseType::from("full"), ReleaseType::Other("full".into()));
    }

    #[test]
    fn names_are_checked_where_users_type_them_and_plain_on_the_wire() {
        assert!(ServiceName::parse("shop").is_ok());
        assert!(ServiceName::parse("2shop").is_err());
        assert!(EnvId::parse("").is_err());
        let name = ServiceName::parse("shop").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"shop\"");
        let from_cloud: ServiceName = serde_json::from_str("\"Legacy_Name\"").unwrap();
        assert_eq!(from_cloud.as_str(), "Legacy_Name");
        assert_eq!(TaskId::parse("12"), Some(TaskId(12)));
        assert_eq!(TaskId::parse("-1"), None);
        assert_eq!(TaskId::parse("abc"), None);
    }
}
