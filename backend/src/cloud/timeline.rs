//! A service's timeline (`GET /api/envs/{env}/services/{service}/timeline`):
//! what was asked through the console and by whom (the audit log, where the
//! proxy records each change with its service and a short detail, written
//! here by [`change_of`]), how each deploy, settings change and rollback
//! ended (the deploy records), and the scaling events the cloud wrote into
//! the versions' process logs (`wording::ScaleEvent`). Newest first.

use axum::Json;
use axum::extract::{Path, State};
use console_shared::actions::{
    DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, ProcessLogRequest, ServerRequest,
};
use console_shared::dto::{ApiError, TimelineEvent, TimelineKind};
use console_shared::permissions::Endpoint;
use console_shared::time::parse_cst;
use console_shared::vocab::{OperateType, RecordStatus, ReleaseType, TrafficType};
use console_shared::wording::{InstanceEvent, ScaleEvent};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::cloud::envs::region_of;
use crate::error::AppResult;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(timeline))
}

/// Audit entries read per timeline.
const ENTRIES_MAX: i64 = 200;
/// Deploy records whose process logs are read for scaling events: the
/// newest ones, where a version that still runs is.
const LOGS_READ: usize = 5;

/// Leads a `ReleaseGray` detail that finished the release.
const CLOSE: &str = "close: ";
/// Joins a change's detail and the cloud's error code when it failed.
const FAILED_WITH: &str = "; failed: ";

/// The audit detail of a cloud change: what it asked, and the error code
/// when the cloud refused it (or the code alone, for a change of no service).
pub(crate) fn audit_detail(change: Option<&str>, code: Option<&str>) -> String {
    match (change, code) {
        (Some(change), Some(code)) => format!("{change}{FAILED_WITH}{code}"),
        (Some(text), None) | (None, Some(text)) => text.to_string(),
        (None, None) => String::new(),
    }
}

/// The service a cloud change is about, and what the timeline shows of it:
/// the release type, the split, the operation, the rollback's versions or the
/// changed settings' keys, or the domain. `None` for an action that changes
/// no service and no domain; a domain's change may name no service (empty).
pub(crate) fn change_of(action: &str, request: &Value) -> Option<(String, String)> {
    if let "CreateHTTPServiceRoute" | "ModifyHTTPServiceRoute" | "DeleteHTTPServiceRoute" = action {
        return domain_change(request);
    }
    let service = request.get("ServerName").and_then(Value::as_str).filter(|s| !s.is_empty())?.to_string();
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let detail = match action {
        "CreateCloudRunServer" => ReleaseType::Full.to_string(),
        "UpdateCloudRunServer" => {
            let release = request.pointer("/DeployInfo/ReleaseType").and_then(Value::as_str).unwrap_or("");
            if release.is_empty() { ReleaseType::Full.to_string() } else { release.to_string() }
        }
        "SubmitServerConfigChangeDiff" => {
            let mut keys: Vec<String> = request
                .get("Items")
                .and_then(Value::as_array)
                .map(|items| items.iter().map(|i| text(i, "Key")).filter(|k| !k.is_empty()).collect())
                .unwrap_or_default();
            if request.get("Conf").is_some() && !keys.iter().any(|k| k == "EnvParam") {
                keys.push("EnvParam".into());
            }
            keys.join(", ")
        }
        // The v3 `tcb` CLI's promote closes the release with a split.
        "ReleaseGray" if request.get("CloseGrayRelease").and_then(Value::as_bool) == Some(true) => {
            format!("{CLOSE}{}", split_of(request))
        }
        "ReleaseGray" => split_of(request),
        "OperateServerManage" => text(request, "OperateType"),
        "SubmitServerRollback" => {
            format!("{} → {}", text(request, "CurrentVersionName"), text(request, "RollbackVersionName"))
        }
        _ => return None,
    };
    Some((service, detail))
}

/// A domain's change: `api.example.com HTTPS <cert id>` (what was given),
/// on the service its routes lead to when they are sent; a renewal or an
/// unbinding names no service (an empty one: the audit entry has none).
fn domain_change(request: &Value) -> Option<(String, String)> {
    let domain = request.get("Domain")?;
    if let Some(name) = domain.as_str() {
        return Some((String::new(), name.to_string()));
    }
    let text = |key: &str| domain.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let service = domain
        .get("Routes")
        .and_then(Value::as_array)
        .and_then(|routes| {
            routes.iter().find_map(|r| r.get("UpstreamResourceName").and_then(Value::as_str).filter(|s| !s.is_empty()))
        })
        .unwrap_or_default();
    let mut detail = text("Domain")?.to_string();
    for part in [text("Protocol"), text("CertId")].into_iter().flatten() {
        detail.push(' ');
        detail.push_str(part);
    }
    Some((service.to_string(), detail))
}

/// `shop-002 70% · shop-003 30%`, or `env=beta* → shop-003` for a URL rule.
fn split_of(request: &Value) -> String {
    let items = request.get("VersionFlowItems").and_then(Value::as_array).cloned().unwrap_or_default();
    let name = |i: &Value| i.get("VersionName").and_then(Value::as_str).unwrap_or("").to_string();
    let url = TrafficType::from(request.get("TrafficType").and_then(Value::as_str).unwrap_or(""));
    let rule = items.iter().find(|i| i.get("UrlParam").is_some_and(Value::is_object));
    if let Some(rule) = rule.filter(|_| url == TrafficType::UrlParams) {
        let kv = |k: &str| rule.pointer(&format!("/UrlParam/{k}")).and_then(Value::as_str).unwrap_or("");
        return format!("{}={} → {}", kv("Key"), kv("Value"), name(rule));
    }
    let shares: Vec<String> = items
        .iter()
        .map(|i| format!("{} {}%", name(i), i.get("FlowRatio").and_then(Value::as_i64).unwrap_or(0)))
        .collect();
    if shares.is_empty() {
        let canary = request.get("GrayFlowRatio").and_then(Value::as_i64).unwrap_or(0);
        return format!("{canary}%");
    }
    shares.join(" · ")
}

/// What kind of event an audited change is.
fn kind_of(action: &str, detail: &str) -> Option<TimelineKind> {
    Some(match action {
        "CreateCloudRunServer" => TimelineKind::DeployAsked,
        "UpdateCloudRunServer" if ReleaseType::from(detail) == ReleaseType::Gray => TimelineKind::GrayAsked,
        "UpdateCloudRunServer" => TimelineKind::DeployAsked,
        "SubmitServerConfigChangeDiff" => TimelineKind::SettingsChanged,
        "ReleaseGray" if detail.starts_with(CLOSE) => TimelineKind::GrayFinished,
        "ReleaseGray" => TimelineKind::TrafficSplit,
        "OperateServerManage" => match OperateType::from(detail) {
            OperateType::Done => TimelineKind::GrayFinished,
            OperateType::GoBack => TimelineKind::GrayAbandoned,
            _ => TimelineKind::DeployCancelled,
        },
        "SubmitServerRollback" => TimelineKind::RollbackAsked,
        _ => return None,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    at: i64,
    username: String,
    via_token: Option<String>,
    action: String,
    outcome: String,
    detail: String,
}

#[utoipa::path(get, path = "/api/envs/{env}/services/{service}/timeline", tag = "deploys",
    description = "What happened to the service, newest first: the changes asked through the console and who asked \
(deploys, gray releases and their traffic, settings changes, rollbacks), how each deploy ended, and scaling events. \
Needs: viewer.",
    params(("env" = String, Path), ("service" = String, Path)),
    responses((status = 200, body = Vec<TimelineEvent>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service)): Path<(String, String)>,
) -> AppResult<Json<Vec<TimelineEvent>>> {
    authorize(&state, &user, Endpoint::ServiceTimeline, Some(&env)).await?;
    let region = region_of(&state, &env).await?;
    let req = ServerRequest { env_id: env.clone(), server_name: service.clone() };
    // First: a service the cloud does not know answers 404, whatever the log holds.
    let records = state.upstream.call::<DescribeCloudRunDeployRecord>(region, &req).await?.deploy_records;
    let mut events = Vec::new();

    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, username, via_token, action, outcome, detail FROM audit_log WHERE env_id = ? AND service = ?
         ORDER BY id DESC LIMIT ?",
    )
    .bind(&env)
    .bind(&service)
    .bind(ENTRIES_MAX)
    .fetch_all(&state.db)
    .await?;
    // R-SVC-5: a service re-created with a deleted one's name is another
    // service; its history starts with its first deploy.
    let born = records.iter().filter_map(|r| parse_cst(&r.deploy_time)).min();
    for r in rows.into_iter().filter(|r| born.is_none_or(|born| r.at >= born)) {
        let change = r.detail.split_once(FAILED_WITH).map_or(r.detail.as_str(), |(change, _)| change);
        let Some(kind) = kind_of(&r.action, change) else { continue };
        let version = match kind {
            TimelineKind::RollbackAsked => change.rsplit_once(" → ").map(|(_, to)| to.to_string()),
            _ => None,
        };
        events.push(TimelineEvent {
            at: r.at,
            kind,
            version,
            who: Some(r.username),
            via_token: r.via_token,
            failed: r.outcome != "allowed",
            detail: r.detail,
        });
    }

    // The newest records' process logs: their scaling events, and when each
    // deploy ended (its last line before any scaling event: the scaler
    // leaves a version alone while it deploys, and logs after).
    let mut ended = std::collections::HashMap::new();
    for record in records.iter().filter(|r| !r.run_id.is_empty()).take(LOGS_READ) {
        let run = ProcessLogRequest { env_id: env.clone(), run_id: record.run_id.clone() };
        let Ok(log) = state.upstream.call::<DescribeCloudRunProcessLog>(region, &run).await else { continue };
        // Lines start with their time, `YYYY-MM-DD HH:MM:SS` in UTC+8.
        let time_of = |line: &str| line.get(..19).and_then(parse_cst);
        // The deploy's own lines come first; then the runtime's (scaling,
        // an instance's crash and restart), which do not end it.
        let deploy_lines = log
            .logs
            .iter()
            .take_while(|line| ScaleEvent::parse(line).is_none() && InstanceEvent::parse(line).is_none());
        if let Some(at) = deploy_lines.last().and_then(|line| time_of(line)) {
            ended.insert(record.run_id.clone(), at);
        }
        // Newest first, so that events of one second (a crash and its
        // restart) keep their order through the stable sort below.
        for line in log.logs.iter().rev() {
            let Some(at) = time_of(line) else { continue };
            let (kind, version, failed, detail) = if let Some(event) = ScaleEvent::parse(line) {
                (TimelineKind::Scaled, event.version.to_string(), false, event.to_string())
            } else if let Some(event) = InstanceEvent::parse(line) {
                // A crash is what went wrong; its restart is the recovery.
                let failed = !matches!(event, InstanceEvent::Restarted { .. });
                (TimelineKind::InstanceEvent, record.deploy_id.clone(), failed, event.to_string())
            } else {
                continue;
            };
            events.push(TimelineEvent { at, kind, version: Some(version), who: None, via_token: None, failed, detail });
        }
    }

    for record in &records {
        let kind = match record.status {
            RecordStatus::Running => TimelineKind::VersionReady,
            RecordStatus::DeployFailed | RecordStatus::Cancelled => TimelineKind::VersionFailed,
            // Still deploying: the progress page follows it, not the timeline.
            RecordStatus::Deploying | RecordStatus::Other(_) => continue,
        };
        // When it ended if its log was read, else when it started.
        let Some(at) = ended.get(&record.run_id).copied().or_else(|| parse_cst(&record.deploy_time)) else {
            continue;
        };
        events.push(TimelineEvent {
            at,
            kind,
            version: Some(record.deploy_id.clone()),
            who: None,
            via_token: None,
            failed: kind == TimelineKind::VersionFailed,
            detail: record.status.to_string(),
        });
    }
    // Newest first; at the same second, the asking before the outcome reads
    // wrong, so the outcome (no `who`) comes first.
    events.sort_by(|a, b| b.at.cmp(&a.at).then(a.who.is_some().cmp(&b.who.is_some())));
    events.dedup();
    Ok(Json(events))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_name_their_service_and_say_what_changed() {
        let gray = json!({"ServerName": "shop", "DeployInfo": {"ReleaseType": "GRAY"}});
        assert_eq!(change_of("UpdateCloudRunServer", &gray), Some(("shop".into(), "GRAY".into())));
        let split = json!({"ServerName": "shop", "TrafficType": "FLOW", "VersionFlowItems": [
            {"VersionName": "shop-001", "FlowRatio": 70}, {"VersionName": "shop-002", "FlowRatio": 30}]});
        assert_eq!(change_of("ReleaseGray", &split).unwrap().1, "shop-001 70% · shop-002 30%");
        let url = json!({"ServerName": "shop", "TrafficType": "URL_PARAMS", "VersionFlowItems": [
            {"VersionName": "shop-001", "IsDefaultPriority": true},
            {"VersionName": "shop-002", "UrlParam": {"Key": "env", "Value": "beta*"}}]});
        assert_eq!(change_of("ReleaseGray", &url).unwrap().1, "env=beta* → shop-002");
        let back = json!({"ServerName": "shop", "CurrentVersionName": "shop-003", "RollbackVersionName": "shop-001"});
        assert_eq!(change_of("SubmitServerRollback", &back).unwrap().1, "shop-003 → shop-001");
        let settings = json!({"ServerName": "shop", "Items": [{"Key": "MinNum"}, {"Key": "EnvParam"}]});
        assert_eq!(change_of("SubmitServerConfigChangeDiff", &settings).unwrap().1, "MinNum, EnvParam");
        assert_eq!(change_of("DestroyEnv", &json!({"EnvId": "e"})), None);
        assert_eq!(change_of("DeleteCloudRunServer", &json!({"ServerName": "shop"})), None);
        let bind = json!({"EnvId": "e", "Domain": {"Domain": "api.example.com", "Protocol": "HTTPS", "CertId": "c1",
            "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "shop"}]}});
        assert_eq!(
            change_of("CreateHTTPServiceRoute", &bind),
            Some(("shop".into(), "api.example.com HTTPS c1".into()))
        );
        let renew = json!({"Domain": {"Domain": "a.example.com", "CertId": "c2"}});
        assert_eq!(change_of("ModifyHTTPServiceRoute", &renew), Some((String::new(), "a.example.com c2".into())));
        let unbind = json!({"EnvId": "e", "Domain": "a.example.com"});
        assert_eq!(change_of("DeleteHTTPServiceRoute", &unbind), Some((String::new(), "a.example.com".into())));
    }

    #[test]
    fn kinds_follow_the_action_and_its_detail() {
        assert_eq!(kind_of("UpdateCloudRunServer", "GRAY"), Some(TimelineKind::GrayAsked));
        assert_eq!(kind_of("UpdateCloudRunServer", "FULL"), Some(TimelineKind::DeployAsked));
        assert_eq!(kind_of("OperateServerManage", "go_back"), Some(TimelineKind::GrayAbandoned));
        assert_eq!(kind_of("OperateServerManage", "done"), Some(TimelineKind::GrayFinished));
        assert_eq!(kind_of("OperateServerManage", "cancel"), Some(TimelineKind::DeployCancelled));
        assert_eq!(kind_of("ReleaseGray", "shop-001 70% · shop-002 30%"), Some(TimelineKind::TrafficSplit));
        let promote = json!({"ServerName": "shop", "CloseGrayRelease": true, "VersionFlowItems": [
            {"VersionName": "shop-002", "FlowRatio": 100}]});
        let (_, detail) = change_of("ReleaseGray", &promote).unwrap();
        assert_eq!(kind_of("ReleaseGray", &detail), Some(TimelineKind::GrayFinished));
        assert_eq!(kind_of("Login", ""), None);
        let failed = audit_detail(Some("go_back"), Some("InvalidParameter"));
        assert_eq!(failed, "go_back; failed: InvalidParameter");
        let change = failed.split_once(FAILED_WITH).unwrap().0;
        assert_eq!(kind_of("OperateServerManage", change), Some(TimelineKind::GrayAbandoned));
    }
}
