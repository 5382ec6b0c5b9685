//! One service, in tabs: its overview (default domain, R-SVC-2: for testing
//! only; the online version, instances, deploy records, an update, and
//! deletion with everything that is lost spelled out, R-SVC-5), its settings,
//! its timeline, its monitoring charts (R-OBS-2), its runtime logs (R-OBS-3)
//! and its custom domains (R-DOM-1..4).
//!
//! The layout asks for what every tab needs once. While a deploy runs or a
//! gray release is open the page says so, polls until it ends, and every
//! change waits with the reason (R-SVC-4, R-UPD-6: one update at a time).

mod changes;
mod diff;
mod domains;
mod logs;
mod monitoring;
mod overview;
mod records;
mod rollback;
mod settings;
mod settings_form;
pub(crate) mod settings_values;
mod timeline;
mod traffic;

use console_shared::actions::{
    DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunPodList, DescribeCloudRunPodListRequest,
    DescribeCloudRunServerDetail, DescribeCloudRunServerDetailResponse, DescribeReleaseOrder,
    DescribeReleaseOrderRequest, DescribeServerManageTask, DescribeServerManageTaskResponse, ManageTaskRequest,
    PODS_PAGE_SIZE_MAX, ReleaseOrderInfo, ServerRequest, VersionPodInstance,
};
use console_shared::dto::ApiError;
use console_shared::traffic::Split;
use console_shared::vocab::{RecordStatus, ReleaseStatus, ReleaseType, ServiceStatus, TaskStatus};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use crate::api;
use crate::components::{Loading, NotFoundState, failed, poll_while};
use crate::i18n::{Msg, gray_open_busy, is_not_found, lang, service_busy, t};
use crate::pages::env_layout::{EnvCtx, named};
use crate::state::RouteParams;

use changes::{DeleteService, UpdateService};
pub use domains::{DomainsPage, Expiring, ServiceCertFlag, env_expiring};
pub use logs::LogsPage;
pub use monitoring::MonitoringPage;
use overview::{Instances, Overview, StatusBadge};
use records::Records;
pub use settings::SettingsPage;
pub use timeline::TimelinePage;

/// Whether a service status says a deploy is under way.
pub fn status_busy(status: &ServiceStatus) -> bool {
    matches!(status, ServiceStatus::Creating | ServiceStatus::Deploying)
}

/// Whether a deploy record is a deploy still under way.
pub fn record_deploying(r: &DeployRecord) -> bool {
    r.status == RecordStatus::Deploying
}

/// Whether a deploy record's version is the canary of an open gray release:
/// deployed, and `IsReleasing` until the release is finished or abandoned.
pub fn record_in_gray(r: &DeployRecord) -> bool {
    r.is_releasing && !record_deploying(r)
}

/// The deploy running now, as `DescribeServerManageTask {TaskId: 0}` tells.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub task: i64,
    pub version: String,
}

/// The service shown, shared by its tabs.
#[derive(Clone, Copy)]
pub struct ServiceCtx {
    pub name: Memo<String>,
    /// A deploy whose steps still run (not a gray release waiting for its end).
    pub running: Memo<Option<Running>>,
    /// The open gray release (R-UPD-6): the stable and the canary version.
    pub release: Memo<Option<ReleaseOrderInfo>>,
    /// The open gray release's task, which finishing or abandoning names.
    pub gray_task: Memo<Option<i64>>,
    /// Nothing may change now: a deploy runs or a gray release is open.
    pub busy: Memo<bool>,
    /// The service's settings and online versions; the last good answer.
    pub detail: Memo<Option<DescribeCloudRunServerDetailResponse>>,
    /// Asks everything again, after a change made here.
    pub refresh: Callback<()>,
}

impl ServiceCtx {
    /// R-SVC-4, R-UPD-6: why a change must wait now, if it must.
    pub fn busy_reason(&self) -> Option<String> {
        if let Some(order) = self.release.get() {
            return Some(gray_open_busy(
                &order.release_version.version_name,
                &order.current_version.version_name,
                lang(),
            ));
        }
        self.busy.get().then(|| service_busy(self.running.get().as_ref().map(|r| r.version.as_str()), lang()))
    }

    /// What `version` gets under an open split by URL parameter, in words:
    /// the requests the rule claims, or every other one (the default
    /// version). `None` when the traffic is split by percentage, or not at all.
    pub fn url_traffic(&self, version: &str) -> Option<Msg> {
        self.release.with(|o| {
            let o = o.as_ref()?;
            let Split::Url { to_canary, .. } = traffic::split_of(o) else { return None };
            let (canary, stable) = (&o.release_version.version_name, &o.current_version.version_name);
            let (by_rule, by_default) = if to_canary { (canary, stable) } else { (stable, canary) };
            if version == by_rule {
                Some(Msg::TrafficByUrl)
            } else {
                (version == by_default).then_some(Msg::TrafficDefault)
            }
        })
    }

    /// The running deploy's progress page, when the task is known.
    pub fn running_href(&self, env: &str) -> Option<String> {
        self.running.get().map(|r| format!("/envs/{env}/services/{}/tasks/{}", self.name.get(), r.task))
    }
}

/// What only the overview shows, asked for with the rest so that one poll
/// keeps it all current.
#[derive(Clone, Copy)]
struct OverviewData {
    pods: Memo<Option<Result<Vec<VersionPodInstance>, ApiError>>>,
    records: Memo<Option<Result<Vec<DeployRecord>, ApiError>>>,
}

/// The running deploy's progress page, linked while one runs.
#[component]
pub fn RunningLink() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    move || svc.running_href(&ctx.env_id.get()).map(|href| view! { <a href=href>{t(Msg::WatchDeploy)}</a> })
}

/// A gray task whose steps all finished waits for the release to be
/// finished or abandoned: it still says `running`, but nothing deploys.
fn gray_waiting(r: &DescribeServerManageTaskResponse, order: Option<&ReleaseOrderInfo>) -> bool {
    r.task.gray_deployed()
        || (r.task.release_type == ReleaseType::Gray
            && order.is_some_and(|o| o.release_version.version_name == r.task.version_name && !o.is_releasing))
}

/// What the page shows. It stays `Ready` through later refreshes, so a
/// passing error while polling does not take the page away.
#[derive(Clone, PartialEq)]
enum PageState {
    Loading,
    Missing,
    Failed(ApiError),
    Ready,
}

/// The layout of `services/:service/*`: the service's name and state, its
/// tabs, and the tab chosen.
#[component]
pub fn ServicePage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let params = RouteParams::current();
    let service = Memo::new(move |_| params.with(|p| RouteParams::text(p, |p| &p.service)));
    let request = move || ServerRequest { env_id: ctx.env_id.get(), server_name: service.get() };
    let detail = LocalResource::new(move || {
        let req = request();
        async move {
            let server_name = named(req.server_name).await;
            api::cloud::<DescribeCloudRunServerDetail>(&ServerRequest { server_name, ..req }).await
        }
    });
    let pods = LocalResource::new(move || pod_list(ctx.env_id.get(), service.get(), None));
    let records = LocalResource::new(move || {
        let req = request();
        async move {
            let server_name = named(req.server_name).await;
            let req = ServerRequest { server_name, ..req };
            api::cloud::<DescribeCloudRunDeployRecord>(&req).await.map(|r| r.deploy_records)
        }
    });
    // TaskId 0 asks for the current task, as the CLI does; it counts only while it runs.
    let task = LocalResource::new(move || {
        let req = request();
        async move {
            let server_name = named(req.server_name).await;
            let req = ManageTaskRequest { env_id: req.env_id, server_name, task_id: 0, operator_remark: None };
            api::cloud::<DescribeServerManageTask>(&req).await
        }
    });
    let order = LocalResource::new(move || {
        let req = request();
        async move {
            let server_name = named(req.server_name).await;
            let req =
                DescribeReleaseOrderRequest { env_id: req.env_id, server_name, status: Some(ReleaseStatus::Open) };
            api::cloud::<DescribeReleaseOrder>(&req).await
        }
    });

    // Memos: a refresh that brings the same answer changes nothing on screen.
    let detail_now = Memo::new(move |_| detail.get());
    let records_now = Memo::new(move |_| records.get());
    let pods_now = Memo::new(move |_| pods.get());
    let release = Memo::new(move |_| match order.get() {
        Some(Ok(r)) if r.is_exist && r.release_order_info.release_status == ReleaseStatus::Open => {
            Some(r.release_order_info)
        }
        _ => None,
    });
    let task_now = Memo::new(move |_| match task.get() {
        Some(Ok(r)) if r.is_exist && r.task.status == TaskStatus::Running => Some(r),
        _ => None,
    });
    let running = Memo::new(move |_| {
        task_now
            .get()
            .filter(|r| release.with(|o| !gray_waiting(r, o.as_ref())))
            .map(|r| Running { task: r.task.id, version: r.task.version_name })
    });
    let gray_task = Memo::new(move |_| {
        task_now.get().filter(|r| release.with(|o| o.is_some() && gray_waiting(r, o.as_ref()))).map(|r| r.task.id)
    });
    let busy = Memo::new(move |_| {
        running.with(Option::is_some)
            || release.with(Option::is_some)
            || detail_now.with(|d| matches!(d, Some(Ok(d)) if status_busy(&d.base_info.status)))
            || records_now.with(|r| matches!(r, Some(Ok(list)) if list.first().is_some_and(record_deploying)))
    });
    // The last good answer stays shown if a refresh fails on the way.
    let loaded = Memo::new(move |prev: Option<&Option<DescribeCloudRunServerDetailResponse>>| {
        detail_now.get().and_then(Result::ok).or_else(|| prev.cloned().flatten())
    });
    let refresh = move || {
        task.refetch();
        order.refetch();
        detail.refetch();
        records.refetch();
        pods.refetch();
    };
    provide_context(ServiceCtx {
        name: service,
        running,
        release,
        gray_task,
        busy,
        detail: loaded,
        refresh: Callback::new(move |_| refresh()),
    });
    provide_context(OverviewData { pods: pods_now, records: records_now });
    // A gray release is polled too: someone else may set its split or end it.
    poll_while(move || busy.get_untracked(), refresh);

    let state = Memo::new(move |prev: Option<&PageState>| match detail_now.get() {
        Some(Err(e)) if is_not_found(&e) => PageState::Missing,
        _ if prev == Some(&PageState::Ready) => PageState::Ready,
        None => PageState::Loading,
        Some(Err(e)) => PageState::Failed(e),
        Some(Ok(_)) => PageState::Ready,
    });
    view! {
        {move || match state.get() {
            PageState::Loading => view! { <Loading /> }.into_any(),
            PageState::Missing => view! {
                <NotFoundState
                    title=Msg::ServiceNotFound
                    back_href=format!("/envs/{}", ctx.env_id.get_untracked())
                    back_label=Msg::BackToEnv
                />
            }
            .into_any(),
            PageState::Failed(e) => failed(e, Some(Callback::new(move |_| detail.refetch()))),
            PageState::Ready => view! { <Head /> <Outlet /> }.into_any(),
        }}
    }
}

/// The service's instances (one version's, when given), as many as a page holds.
pub(crate) async fn pod_list(
    env_id: String,
    service: String,
    version: Option<String>,
) -> Result<Vec<VersionPodInstance>, ApiError> {
    let server_name = named(service).await;
    let req = DescribeCloudRunPodListRequest {
        env_id,
        server_name,
        version_name: version,
        page_size: Some(PODS_PAGE_SIZE_MAX),
        ..Default::default()
    };
    api::cloud::<DescribeCloudRunPodList>(&req).await.map(|r| r.pod_list)
}

/// The service's name, its state, and its tabs.
#[component]
fn Head() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let base = move || format!("/envs/{}/services/{}", ctx.env_id.get(), svc.name.get());
    let status = Memo::new(move |_| svc.detail.with(|d| d.as_ref().map(|d| d.base_info.status.to_string())));
    view! {
        <div class="page-head">
            <h2 id="service-title">{move || svc.name.get()}</h2>
            {move || status.get().map(|status| view! { <StatusBadge status /> })}
        </div>
        <nav class="tabs" aria-label=t(Msg::ServiceSections)>
            <A href=base exact=true>{t(Msg::TabOverview)}</A>
            <A href=move || format!("{}/settings", base())>{t(Msg::Settings)}</A>
            <A href=move || format!("{}/timeline", base())>{t(Msg::TabTimeline)}</A>
            <A href=move || format!("{}/monitoring", base())>{t(Msg::TabMonitoring)}</A>
            <A href=move || format!("{}/logs", base())>{t(Msg::TabLogs)}</A>
            <A href=move || format!("{}/domains", base())>{t(Msg::TabDomains)}</A>
        </nav>
    }
}

/// The overview tab: what runs now and what changes it.
#[component]
pub fn ServiceOverview() -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    let data = expect_context::<OverviewData>();
    view! {
        <Overview detail=svc.detail />
        <traffic::Traffic />
        <Instances pods=data.pods />
        <Records records=data.records on_change=move || svc.refresh.run(()) />
        <UpdateService detail=svc.detail.get_untracked() />
        <DeleteService />
    }
}
