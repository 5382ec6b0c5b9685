//! The permission matrix's table, written by hand: the request each endpoint
//! and cloud action gets, and who may make it (from SPEC, not from the rules
//! the BFF enforces, so a wrong rule there fails the matrix).

use console_shared::actions::Product;
use console_shared::permissions::Endpoint;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who calls. The team test signs in as each; the token test makes a token
/// for each role (never anonymous, never an administrator's powers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Who {
    Anonymous,
    Viewer,
    Developer,
    Owner,
    Admin,
}

/// The request each endpoint gets in the matrix, and the status an allowed
/// caller sees. Bodies are chosen so an allowed call changes nothing shared.
pub fn endpoint_row(e: Endpoint, env: &str) -> (Method, String, Option<Value>, StatusCode) {
    use Endpoint::*;
    match e {
        ListUsers => (Method::GET, "/api/users".into(), None, StatusCode::OK),
        CreateUser => (
            Method::POST,
            "/api/users".into(),
            Some(json!({"username": "X", "display_name": "x", "password": "whatever-123"})),
            StatusCode::BAD_REQUEST,
        ),
        UpdateUser => {
            (Method::PATCH, "/api/users/999999".into(), Some(json!({"display_name": "x"})), StatusCode::NOT_FOUND)
        }
        DeleteUser => (Method::DELETE, "/api/users/999999".into(), None, StatusCode::NOT_FOUND),
        ChangeOwnPassword => (
            Method::POST,
            "/api/account/password".into(),
            Some(json!({"current_password": "wrong", "new_password": "whatever-123"})),
            StatusCode::BAD_REQUEST,
        ),
        ListOwnSessions => (Method::GET, "/api/account/sessions".into(), None, StatusCode::OK),
        EndOwnSession => (Method::DELETE, "/api/account/sessions/nosuch".into(), None, StatusCode::NOT_FOUND),
        MyAccess => (Method::GET, format!("/api/envs/{env}/access"), None, StatusCode::OK),
        ListMembers => (Method::GET, format!("/api/envs/{env}/members"), None, StatusCode::OK),
        AddMember => (
            Method::POST,
            format!("/api/envs/{env}/members"),
            Some(json!({"username": "nobody", "role": "viewer"})),
            StatusCode::NOT_FOUND,
        ),
        ChangeMemberRole => (
            Method::PUT,
            format!("/api/envs/{env}/members/999999"),
            Some(json!({"role": "viewer"})),
            StatusCode::NOT_FOUND,
        ),
        RemoveMember => (Method::DELETE, format!("/api/envs/{env}/members/999999"), None, StatusCode::NOT_FOUND),
        ReadEnvAudit => (Method::GET, format!("/api/audit?env={env}"), None, StatusCode::OK),
        ReadAllAudit => (Method::GET, "/api/audit".into(), None, StatusCode::OK),
        HubStats => (Method::GET, "/api/admin/hub".into(), None, StatusCode::OK),
        DeployEvents => {
            (Method::GET, format!("/api/envs/{env}/services/nosvc/tasks/1/events"), None, StatusCode::NOT_FOUND)
        }
        LogTail => (Method::GET, format!("/api/envs/{env}/services/nosvc/logs/stream"), None, StatusCode::NOT_FOUND),
        // Allowed callers get past the role check to the media-type check:
        // JSON is not a package, and nothing is stored.
        UploadPackage => (
            Method::PUT,
            format!("/api/envs/{env}/services/api/package"),
            Some(json!({})),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        RevealSecrets => {
            (Method::POST, format!("/api/envs/{env}/services/nosvc/secrets"), Some(json!({})), StatusCode::NOT_FOUND)
        }
        ServiceTimeline => {
            (Method::GET, format!("/api/envs/{env}/services/nosvc/timeline"), None, StatusCode::NOT_FOUND)
        }
        // A check stores nothing: allowed callers get its findings.
        CheckCertificate => {
            (Method::POST, "/api/certificates/check".into(), Some(json!({"certificate": "x"})), StatusCode::OK)
        }
        ListOwnTokens => (Method::GET, "/api/account/tokens".into(), None, StatusCode::OK),
        // A nameless token is refused before anything is stored.
        CreateOwnToken => (
            Method::POST,
            "/api/account/tokens".into(),
            Some(json!({"name": "", "envs": [env], "role": "viewer", "expires_in_days": 30})),
            StatusCode::BAD_REQUEST,
        ),
        RevokeOwnToken => (Method::DELETE, "/api/account/tokens/999999".into(), None, StatusCode::NOT_FOUND),
    }
}

/// The same for every allow-listed cloud action. A new action without a row here fails the test.
pub fn action_row(product: Product, action: &str, env: &str) -> (String, Value, StatusCode) {
    let path = format!("/api/cloud/{}/{action}", product.name());
    match action {
        "CreateCloudRunEnv" => {
            (format!("{path}?region=ap-beijing"), json!({"PackageType": "Trial", "Alias": "matrix"}), StatusCode::OK)
        }
        "DescribeCloudRunEnvs" => (path, json!({}), StatusCode::OK),
        "DescribeEnvBaseInfo" | "DescribeCloudRunServers" => (path, json!({"EnvId": env}), StatusCode::OK),
        // Allowed, then refused by the cloud's own rules: nothing shared changes.
        "CreateCloudRunServer" => (
            path,
            json!({"EnvId": env, "ServerName": "2bad", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
            StatusCode::BAD_REQUEST,
        ),
        "UpdateCloudRunServer" => (
            path,
            json!({"EnvId": env, "ServerName": "nosvc", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
            StatusCode::NOT_FOUND,
        ),
        "DescribeCloudRunServerDetail" | "DescribeCloudRunDeployRecord" | "DeleteCloudRunServer" => {
            (path, json!({"EnvId": env, "ServerName": "nosvc"}), StatusCode::NOT_FOUND)
        }
        "DescribeCloudRunPodList" | "DescribeReleaseOrder" | "SubmitServerConfigChangeDiff" => {
            (path, json!({"EnvId": env, "ServerName": "nosvc"}), StatusCode::NOT_FOUND)
        }
        "ReleaseGray" => (
            path,
            json!({"EnvId": env, "ServerName": "nosvc", "GrayType": "gray", "TrafficType": "FLOW", "GrayFlowRatio": 10}),
            StatusCode::NOT_FOUND,
        ),
        "SubmitServerRollback" => (
            path,
            json!({"EnvId": env, "ServerName": "nosvc", "CurrentVersionName": "nosvc-002", "RollbackVersionName": "nosvc-001"}),
            StatusCode::NOT_FOUND,
        ),
        "DescribeVersionDetail" => {
            (path, json!({"EnvId": env, "ServerName": "nosvc", "VersionName": "nosvc-001"}), StatusCode::NOT_FOUND)
        }
        "DescribeServerManageTask" => {
            (path, json!({"EnvId": env, "ServerName": "nosvc", "TaskId": 1}), StatusCode::NOT_FOUND)
        }
        "OperateServerManage" => (
            path,
            json!({"EnvId": env, "ServerName": "nosvc", "TaskId": 1, "OperateType": "cancel"}),
            StatusCode::NOT_FOUND,
        ),
        "DescribeCloudRunProcessLog" => (path, json!({"EnvId": env, "RunId": "run-none"}), StatusCode::OK),
        "DescribeCloudBaseRunBuildLog" => (path, json!({"EnvId": env, "BuildId": 999_999}), StatusCode::NOT_FOUND),
        // A minute of a day long past: nothing logged then.
        "SearchClsLog" => (
            path,
            json!({"EnvId": env, "StartTime": "2026-01-01 00:00:00", "EndTime": "2026-01-01 00:01:00",
                   "QueryString": "", "Limit": 10}),
            StatusCode::OK,
        ),
        // Allowed, then refused by the cloud's period rules: a range under five minutes.
        "DescribeCurveData" => (
            path,
            json!({"EnvId": env, "MetricName": "TkeInvokeNumService", "ResourceID": "svc",
                   "StartTime": "2026-01-01 00:00:00", "EndTime": "2026-01-01 00:01:00"}),
            StatusCode::BAD_REQUEST,
        ),
        // Allowed; the cloud reports the missing version in its own answer.
        "DeleteCloudRunVersions" => (
            path,
            json!({"EnvId": env, "IsDeleteServer": false, "IsDeleteImage": false,
                   "SimpleVersions": [{"EnvId": env, "ServerName": "nosvc", "VersionName": "nosvc-001"}]}),
            StatusCode::OK,
        ),
        // Allowed, then refused by the console's own certificate check before any upload.
        "UploadCertificate" => (
            path,
            json!({"CertificatePublicKey": "not PEM", "CertificatePrivateKey": "not PEM either"}),
            StatusCode::BAD_REQUEST,
        ),
        "DescribeCertificateDetail" => (path, json!({"CertificateId": "nosuch"}), StatusCode::CONFLICT),
        "DescribeHTTPServiceRoute" => (path, json!({"EnvId": env}), StatusCode::OK),
        "CreateHTTPServiceRoute" => (
            path,
            json!({"EnvId": env, "Domain": {"Domain": "-bad-.example.com", "Protocol": "HTTP",
                "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"}]}}),
            StatusCode::BAD_REQUEST,
        ),
        "ModifyHTTPServiceRoute" => {
            (path, json!({"EnvId": env, "Domain": {"Domain": "nosuch.example.com"}}), StatusCode::NOT_FOUND)
        }
        "DeleteHTTPServiceRoute" => {
            (path, json!({"EnvId": env, "Domain": "nosuch.example.com"}), StatusCode::NOT_FOUND)
        }
        // The environment holds a service: allowed, then refused by the cloud (R-ENV-6).
        "DestroyEnv" => (path, json!({"EnvId": env}), StatusCode::CONFLICT),
        other => panic!("the permission matrix has no row for {other}: add one"),
    }
}

/// Who may do what, written out by hand from SPEC (R-ENV-2, R-ENV-7) and
/// the product guide, not read from the rules the BFF enforces: a wrong rule
/// there fails the matrix. Every call must be listed (admins do everything).
pub fn may(who: Who, own_env: bool, call: &str) -> bool {
    const ANY_SIGNED_IN: &[&str] = &[
        "DescribeCloudRunEnvs",
        "ChangeOwnPassword",
        "ListOwnSessions",
        "EndOwnSession",
        "ListOwnTokens",
        "CreateOwnToken",
        "RevokeOwnToken",
    ];
    const VIEWER: &[&str] = &[
        "DescribeEnvBaseInfo",
        "DescribeCloudRunServers",
        "DescribeCloudRunServerDetail",
        "DescribeCloudRunDeployRecord",
        "DescribeServerManageTask",
        "DescribeCloudRunProcessLog",
        "DescribeCloudRunPodList",
        "DescribeVersionDetail",
        "DescribeCloudBaseRunBuildLog",
        "DescribeReleaseOrder",
        "DescribeHTTPServiceRoute",
        "SearchClsLog",
        "DescribeCurveData",
        "ServiceTimeline",
        "MyAccess",
        "ListMembers",
        "DeployEvents",
        "LogTail",
    ];
    const DEVELOPER: &[&str] = &[
        "CreateCloudRunServer",
        "UpdateCloudRunServer",
        "OperateServerManage",
        "ReleaseGray",
        "SubmitServerRollback",
        "SubmitServerConfigChangeDiff",
        "DeleteCloudRunServer",
        "DeleteCloudRunVersions",
        "UploadPackage",
        "RevealSecrets",
        "CreateHTTPServiceRoute",
        "ModifyHTTPServiceRoute",
        "DeleteHTTPServiceRoute",
    ];
    // Certificates belong to the account: a role in any environment counts.
    const VIEWER_ANYWHERE: &[&str] = &["DescribeCertificateDetail"];
    const DEVELOPER_ANYWHERE: &[&str] = &["UploadCertificate", "CheckCertificate"];
    const OWNER: &[&str] = &["DestroyEnv", "AddMember", "ChangeMemberRole", "RemoveMember", "ReadEnvAudit"];
    const ADMIN_ONLY: &[&str] =
        &["CreateCloudRunEnv", "ListUsers", "CreateUser", "UpdateUser", "DeleteUser", "ReadAllAudit", "HubStats"];
    let listed = [ANY_SIGNED_IN, VIEWER, DEVELOPER, OWNER, ADMIN_ONLY, VIEWER_ANYWHERE, DEVELOPER_ANYWHERE]
        .iter()
        .any(|l| l.contains(&call));
    assert!(listed, "the hand-written table has no row for {call}: decide who may call it");
    let in_env = |lists: &[&[&str]]| own_env && lists.iter().any(|l| l.contains(&call));
    match who {
        Who::Anonymous => false,
        Who::Admin => true,
        _ if ANY_SIGNED_IN.contains(&call) => true,
        // Every caller in the matrix is a member of one environment.
        _ if VIEWER_ANYWHERE.contains(&call) => true,
        Who::Viewer => in_env(&[VIEWER]),
        _ if DEVELOPER_ANYWHERE.contains(&call) => true,
        Who::Developer => in_env(&[VIEWER, DEVELOPER]),
        Who::Owner => in_env(&[VIEWER, DEVELOPER, OWNER]),
    }
}

pub fn expected(who: Who, own_env: bool, call: &str, ok: StatusCode) -> StatusCode {
    match who {
        Who::Anonymous => StatusCode::UNAUTHORIZED,
        _ if may(who, own_env, call) => ok,
        _ => StatusCode::FORBIDDEN,
    }
}
