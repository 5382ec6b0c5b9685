//! Gray releases (R-UPD-2..6): setting the split of the open release order
//! (`ReleaseGray`, by percentage or by URL parameter), reading the order
//! (`DescribeReleaseOrder`), and ending it: finished, the new version takes
//! all the traffic; abandoned, it goes offline (`OperateServerManage` done /
//! go_back, or the `tcb` CLI's `CloseGrayRelease`, CLOUD-API.md §12). The
//! gateway routes by what is stored here (`runtime::traffic`).

use console_shared::actions::{
    DescribeReleaseOrderRequest, DescribeReleaseOrderResponse, Empty, ObjectKv, ReleaseGrayRequest, ReleaseOrderInfo,
    ReleaseVersionInfo, ServerBaseConfig, VersionFlowInfo,
};
use console_shared::api::codes;
use console_shared::region::Region;
use console_shared::time::cst_datetime;
use console_shared::traffic::Split;
use console_shared::vocab::{OperateType, ReleaseStatus, TaskStatus, TrafficType, VersionName, VersionRef};

use super::error::CallError;
use super::services::{MadeBy, check_remark, find, made_by};
use super::state::State;
use crate::deploy::tasks::job::{append, set_version_status};
use crate::packages::files;
use crate::runtime::traffic::{Order, shares};

/// The longest URL-parameter key and value a rule takes, in characters.
const URL_KEY_MAX: usize = 128;
const URL_VALUE_MAX: usize = 256;

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    task_id: i64,
    stable_version: String,
    canary_version: String,
    status: String,
    traffic_type: String,
    canary_percent: i64,
    url_key: String,
    url_value: String,
    url_version: String,
    created_at: i64,
}

impl OrderRow {
    fn order(&self) -> Order {
        Order::from_columns(
            &self.canary_version,
            &self.traffic_type,
            self.canary_percent,
            &self.url_key,
            &self.url_value,
            &self.url_version,
        )
    }
}

const ORDER_COLUMNS: &str = "id, task_id, stable_version, canary_version, status, traffic_type, canary_percent,
    url_key, url_value, url_version, created_at";

async fn open_order(
    conn: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
) -> Result<Option<OrderRow>, CallError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM release_orders WHERE env_id = ? AND server_name = ? AND status = 'open'"
    ))
    .bind(env)
    .bind(service)
    .fetch_optional(&mut *conn)
    .await?)
}

fn invalid(why: impl Into<String>) -> CallError {
    CallError::new(codes::INVALID_PARAMETER, why)
}

/// How a `ReleaseGray` call splits the traffic.
enum NewSplit {
    /// The new version's percentage.
    Flow(u32),
    UrlParam {
        key: String,
        value: String,
        version: String,
    },
}

/// `ReleaseGray`: sets the split of the open gray release, as many times as
/// wanted (R-UPD-2); `CloseGrayRelease` with the new version at 100 %
/// finishes it (R-UPD-3).
pub async fn release_gray(state: &State, region: Option<Region>, req: ReleaseGrayRequest) -> Result<Empty, CallError> {
    check_remark("OperatorRemark", req.operator_remark.as_deref())?;
    find(state, &req.env_id, &req.server_name, region).await?;
    // GrayType has no documented set of values (`gray`, `FLOW` in the examples): any is taken.
    let mut tx = crate::store::write_tx(&state.db).await?;
    let order = open_order(&mut tx, &req.env_id, &req.server_name).await?.ok_or_else(|| {
        CallError::new(
            codes::RESOURCE_UNAVAILABLE,
            "No gray release is open on this service: start one with UpdateCloudRunServer and ReleaseType GRAY.",
        )
    })?;
    let items = req.version_flow_items.as_deref().unwrap_or_default();
    let split = match &req.traffic_type {
        // The official examples send `""`: a split by percentage, as an
        // empty ReleaseType is a full release.
        TrafficType::Flow => NewSplit::Flow(flow_split(&order, items, req.gray_flow_ratio)?),
        TrafficType::Other(empty) if empty.is_empty() => {
            NewSplit::Flow(flow_split(&order, items, req.gray_flow_ratio)?)
        }
        TrafficType::UrlParams => url_split(&order, items)?,
        TrafficType::Other(other) => {
            return Err(invalid(format!("TrafficType `{other}` must be FLOW or URL_PARAMS.")));
        }
    };
    if req.close_gray_release == Some(true) {
        if !matches!(split, NewSplit::Flow(100)) {
            return Err(invalid(
                "CloseGrayRelease finishes a gray release only with the new version at 100% (TrafficType FLOW); \
                 to abandon it, use OperateServerManage with go_back.",
            ));
        }
        let offline = end(&mut tx, &req.env_id, &req.server_name, &order, &OperateType::Done).await?;
        tx.commit().await?;
        state.runtime.retire(&offline);
        return Ok(Empty {});
    }
    let line = match &split {
        NewSplit::Flow(canary) => {
            sqlx::query("UPDATE release_orders SET traffic_type = 'FLOW', canary_percent = ? WHERE id = ?")
                .bind(canary)
                .bind(order.id)
                .execute(&mut *tx)
                .await?;
            format!("traffic split: {} {canary}%, {} {}%", order.canary_version, order.stable_version, 100 - canary)
        }
        NewSplit::UrlParam { key, value, version } => {
            sqlx::query(
                "UPDATE release_orders SET traffic_type = 'URL_PARAMS', url_key = ?, url_value = ?, url_version = ?
                 WHERE id = ?",
            )
            .bind(key)
            .bind(value)
            .bind(version)
            .bind(order.id)
            .execute(&mut *tx)
            .await?;
            let default = if *version == order.canary_version { &order.stable_version } else { &order.canary_version };
            format!("traffic split: requests with {key}={value} go to {version}, all others to {default}")
        }
    };
    append(&mut *tx, order.task_id, None, &line).await?;
    tx.commit().await?;
    tracing::info!(env.id = %req.env_id, service = %req.server_name, "{line}");
    Ok(Empty {})
}

/// The order's version an item names, refusing any other (R-VER-2: at most
/// two versions receive traffic).
fn in_order<'a>(order: &OrderRow, item: &'a VersionFlowInfo) -> Result<&'a str, CallError> {
    let name = item.version_name.as_str();
    if name == order.stable_version || name == order.canary_version {
        Ok(name)
    } else {
        Err(invalid(format!(
            "`{name}` is not part of the gray release: only {} (stable) and {} (new) share its traffic.",
            order.stable_version, order.canary_version
        )))
    }
}

/// Each of the order's versions at most once.
fn check_items(order: &OrderRow, items: &[VersionFlowInfo]) -> Result<(), CallError> {
    for (i, item) in items.iter().enumerate() {
        let name = in_order(order, item)?;
        if items[..i].iter().any(|seen| seen.version_name == name) {
            return Err(invalid(format!("`{name}` is listed twice in VersionFlowItems.")));
        }
    }
    Ok(())
}

/// FLOW: the new version's percentage. `VersionFlowItems` give the whole
/// split (a version left out gets 0, so the ratios add up to 100);
/// without items, `GrayFlowRatio` is the new version's share.
fn flow_split(order: &OrderRow, items: &[VersionFlowInfo], gray_flow_ratio: Option<i64>) -> Result<u32, CallError> {
    let percent = |value: Option<i64>, what: &str| match value {
        Some(n @ 0..=100) => Ok(n as u32),
        Some(n) => Err(invalid(format!("{what} must be 0 to 100, not {n}."))),
        None => Err(invalid(format!("{what} is missing."))),
    };
    if items.is_empty() {
        return match gray_flow_ratio {
            Some(_) => percent(gray_flow_ratio, "GrayFlowRatio"),
            None => Err(invalid(
                "Say the split: VersionFlowItems with each version's FlowRatio, or GrayFlowRatio for the new version.",
            )),
        };
    }
    check_items(order, items)?;
    let (mut total, mut canary) = (0, 0);
    for item in items {
        let share = percent(item.flow_ratio, &format!("The FlowRatio of `{}`", item.version_name))?;
        total += share;
        if item.version_name == order.canary_version {
            canary = share;
        }
    }
    if total != 100 {
        return Err(invalid(format!("The FlowRatios add up to {total}; they must add up to 100.")));
    }
    Ok(canary)
}

/// URL_PARAMS (R-UPD-4): one version is the default (`IsDefaultPriority`),
/// the other serves the requests its `UrlParam` matches.
fn url_split(order: &OrderRow, items: &[VersionFlowInfo]) -> Result<NewSplit, CallError> {
    check_items(order, items)?;
    if items.len() != 2 {
        return Err(invalid(format!(
            "A URL-parameter split names both versions in VersionFlowItems: {} and {}.",
            order.stable_version, order.canary_version
        )));
    }
    // Of the two, one is the default and the other the rule's.
    let routed: Vec<_> = items.iter().filter(|i| !i.is_default_priority).collect();
    let [routed] = routed.as_slice() else {
        return Err(invalid(
            "Exactly one version has IsDefaultPriority true: the one that serves every request the rule does not claim.",
        ));
    };
    let ObjectKv { key, value } = routed.url_param.clone().unwrap_or_default();
    let (key, value) = (key.trim().to_string(), value.trim().to_string());
    if key.is_empty() || value.is_empty() {
        return Err(invalid(format!(
            "`{}` needs a UrlParam with a Key and a Value (`*` matches any run of characters).",
            routed.version_name
        )));
    }
    if key.chars().count() > URL_KEY_MAX || value.chars().count() > URL_VALUE_MAX {
        return Err(invalid(format!(
            "A UrlParam Key has at most {URL_KEY_MAX} characters and its Value at most {URL_VALUE_MAX}."
        )));
    }
    Ok(NewSplit::UrlParam { key, value, version: routed.version_name.clone() })
}

/// `OperateServerManage` `done` / `go_back` with the gray release's task (R-UPD-3).
pub(crate) async fn end_gray(
    state: &State,
    env: &str,
    service: &str,
    task: i64,
    how: &OperateType,
) -> Result<Empty, CallError> {
    let mut tx = crate::store::write_tx(&state.db).await?;
    let order = open_order(&mut tx, env, service).await?.filter(|o| o.task_id == task).ok_or_else(|| {
        invalid(format!(
            "Task {task} is not an open gray release: done and go_back end the gray release whose task DescribeServerManageTask returns with TaskId 0."
        ))
    })?;
    let offline = end(&mut tx, env, service, &order, how).await?;
    // An abandoned version never serves again: it does not hold its package.
    let released = if *how == OperateType::Done {
        vec![]
    } else {
        files::release_version(&mut tx, env, service, offline.version.as_str()).await?
    };
    tx.commit().await?;
    if *how == OperateType::Done {
        // The old version lost its traffic: it drains, then goes offline.
        state.runtime.retire(&offline);
    } else {
        // R-UPD-3: abandoning takes the new version offline.
        state.runtime.stop(&offline);
    }
    state.packages.remove_files(env, released).await;
    Ok(Empty {})
}

/// Ends the order in `tx`: `done` gives the new version 100 %, `go_back`
/// leaves the old one with it. Returns the version that goes offline.
async fn end(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    order: &OrderRow,
    how: &OperateType,
) -> Result<VersionRef, CallError> {
    let now = crate::clock::now();
    let (stable, canary) = (&order.stable_version, &order.canary_version);
    let (status, offline, line) = if *how == OperateType::Done {
        sqlx::query("UPDATE services SET online_version = ?, updated_at = ? WHERE env_id = ? AND server_name = ?")
            .bind(canary)
            .bind(now)
            .bind(env)
            .bind(service)
            .execute(&mut *tx)
            .await?;
        let line =
            format!("gray release finished: {canary} has 100% of the traffic; {stable} no longer receives traffic");
        (ReleaseStatus::Done, stable, line)
    } else {
        // Its record stops saying `running` (`api::tasks::records`), and it
        // is no rollback target: it went live, and serves no more.
        let at = VersionRef::from_cloud(env, service, canary);
        set_version_status(&mut *tx, &at, TaskStatus::Cancelled.as_str()).await?;
        let line = format!("gray release abandoned: {canary} goes offline and keeps no traffic; {stable} keeps 100%");
        (ReleaseStatus::GoBack, canary, line)
    };
    sqlx::query("UPDATE release_orders SET status = ?, ended_at = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(now)
        .bind(order.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE tasks SET status = 'finished' WHERE id = ?").bind(order.task_id).execute(&mut *tx).await?;
    append(&mut *tx, order.task_id, None, &line).await?;
    tracing::info!(env.id = %env, service = %service, task.id = order.task_id, "{line}");
    Ok(VersionRef::from_cloud(env, service, offline))
}

/// `DescribeReleaseOrder`: the service's newest release order (with
/// `Status`, the newest in that state), and when a gray release last finished.
pub async fn describe_order(
    state: &State,
    region: Option<Region>,
    req: DescribeReleaseOrderRequest,
) -> Result<DescribeReleaseOrderResponse, CallError> {
    find(state, &req.env_id, &req.server_name, region).await?;
    let status = req.status.as_ref().map(ReleaseStatus::as_str).unwrap_or_default();
    let row: Option<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM release_orders WHERE env_id = ? AND server_name = ? AND (?3 = '' OR status = ?3)
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(&req.env_id)
    .bind(&req.server_name)
    .bind(status)
    .fetch_optional(&state.db)
    .await?;
    let finished: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(ended_at) FROM release_orders WHERE env_id = ? AND server_name = ? AND status = 'done'",
    )
    .bind(&req.env_id)
    .bind(&req.server_name)
    .fetch_one(&state.db)
    .await?;
    let last_released_success_time = finished.map(cst_datetime).unwrap_or_default();
    let Some(o) = row else {
        return Ok(DescribeReleaseOrderResponse {
            is_exist: false,
            release_order_info: ReleaseOrderInfo::default(),
            last_released_success_time,
        });
    };
    let order = o.order();
    let stable = VersionName::from_cloud(&o.stable_version);
    // An ended order shows the split it ended with.
    let (stable_share, canary_share) = match ReleaseStatus::from(o.status.as_str()) {
        ReleaseStatus::Done => (0, 100),
        ReleaseStatus::GoBack => (100, 0),
        _ => {
            let split = shares(&stable, Some(&order));
            (split[0].1, split[1].1)
        }
    };
    let mut current = version_info(state, &req.env_id, &req.server_name, &o.stable_version, stable_share).await?;
    let mut release = version_info(state, &req.env_id, &req.server_name, &o.canary_version, canary_share).await?;
    let mut traffic_type_values = vec![];
    match &order.split {
        Split::Percent(_) => current.is_default_priority = true,
        Split::Url { rule, to_canary } => {
            let (routed, default) =
                if *to_canary { (&mut release, &mut current) } else { (&mut current, &mut release) };
            routed.url_param = ObjectKv { key: rule.key.clone(), value: rule.value.clone() };
            routed.priority = 1;
            default.is_default_priority = true;
            traffic_type_values.push(ObjectKv { key: rule.key.clone(), value: rule.value.clone() });
        }
    }
    Ok(DescribeReleaseOrderResponse {
        is_exist: true,
        release_order_info: ReleaseOrderInfo {
            id: o.id,
            server_name: req.server_name,
            current_version: current,
            release_version: release,
            // The new version's deploy succeeded: an order opens only then.
            gray_status: "success".into(),
            release_status: ReleaseStatus::from(o.status),
            traffic_type_values,
            traffic_type: TrafficType::from(o.traffic_type),
            flow_ratio: i64::from(canary_share),
            create_time: cst_datetime(o.created_at),
            is_releasing: false,
        },
        last_released_success_time,
    })
}

/// A version of a release order with its share of the traffic. A version
/// deleted since the order ended answers with its name and share only.
async fn version_info(
    state: &State,
    env: &str,
    service: &str,
    version: &str,
    share: u32,
) -> Result<ReleaseVersionInfo, CallError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT status, config, created_at FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?",
    )
    .bind(env)
    .bind(service)
    .bind(version)
    .fetch_optional(&state.db)
    .await?;
    let made = made_by(&state.db, env, service, version).await?;
    let (status, config, created) = row.unwrap_or_default();
    let config: ServerBaseConfig = serde_json::from_str(&config).unwrap_or_default();
    let MadeBy { deploy_type: upload_type, build_id, run_id } = made.unwrap_or_default();
    let created_time = if created > 0 { cst_datetime(created) } else { String::new() };
    Ok(ReleaseVersionInfo {
        version_name: version.into(),
        status,
        upload_type,
        flow_ratio: i64::from(share),
        percent: i64::from(share),
        min_replicas: config.min_num,
        max_replicas: config.max_num,
        current_replicas: state.runtime.count(&VersionRef::from_cloud(env, service, version)) as i64,
        build_id,
        run_id,
        updated_time: created_time.clone(),
        created_time,
        ..Default::default()
    })
}
