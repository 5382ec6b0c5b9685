//! One service: its default domain (R-SVC-2: for testing only), the online
//! version, its instances, its deploy records (R-DEP-5), a redeploy, and
//! deletion with everything that is lost spelled out (R-SVC-5).
//!
//! While a deploy runs the page says so, polls until it ends, and every
//! change waits with the reason (R-SVC-4: one update at a time).

mod changes;
mod overview;
mod records;

use console_shared::actions::{
    DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunPodList, DescribeCloudRunPodListRequest,
    DescribeCloudRunServerDetail, DescribeCloudRunServerDetailResponse, DescribeServerManageTask, ManageTaskRequest,
    PODS_PAGE_SIZE_MAX, ServerRequest,
};
use console_shared::dto::ApiError;
use console_shared::vocab::{RecordStatus, ServiceStatus, TaskStatus};
use leptos::prelude::*;

use crate::api;
use crate::components::{Loading, NotFoundState, failed, poll_while};
use crate::i18n::{Msg, is_not_found, lang, service_busy, t};
use crate::pages::env_layout::{EnvCtx, named};
use crate::state::RouteParams;

use changes::{DeleteService, Redeploy};
use overview::{Instances, Overview};
use records::Records;

/// Whether a service status says a deploy is under way.
pub fn status_busy(status: &ServiceStatus) -> bool {
    matches!(status, ServiceStatus::Creating | ServiceStatus::Deploying)
}

/// Whether a deploy record is a deploy still under way.
pub fn record_deploying(r: &DeployRecord) -> bool {
    r.status == RecordStatus::Deploying || r.is_releasing
}

/// The deploy running now, as `DescribeServerManageTask {TaskId: 0}` tells.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub task: i64,
    pub version: String,
}

/// The service shown, shared by the page's parts.
#[derive(Clone, Copy)]
pub struct ServiceCtx {
    pub name: Memo<String>,
    pub running: Memo<Option<Running>>,
    /// A deploy runs: the task says so, or the status, or the newest record.
    pub busy: Memo<bool>,
}

impl ServiceCtx {
    /// R-SVC-4: why a change must wait now, if it must.
    pub fn busy_reason(&self) -> Option<String> {
        self.busy.get().then(|| service_busy(self.running.get().as_ref().map(|r| r.version.as_str()), lang()))
    }

    /// The running deploy's progress page, when the task is known.
    pub fn running_href(&self, env: &str) -> Option<String> {
        self.running.get().map(|r| format!("/envs/{env}/services/{}/tasks/{}", self.name.get(), r.task))
    }
}

/// The running deploy's progress page, linked while one runs.
#[component]
pub fn RunningLink() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    move || {
        svc.busy
            .get()
            .then(|| svc.running_href(&ctx.env_id.get()))
            .flatten()
            .map(|href| view! { <a href=href>{t(Msg::WatchDeploy)}</a> })
    }
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
    let pods = LocalResource::new(move || {
        let req = DescribeCloudRunPodListRequest {
            env_id: ctx.env_id.get(),
            server_name: service.get(),
            page_size: Some(PODS_PAGE_SIZE_MAX),
            ..Default::default()
        };
        async move {
            let server_name = named(req.server_name).await;
            let req = DescribeCloudRunPodListRequest { server_name, ..req };
            api::cloud::<DescribeCloudRunPodList>(&req).await.map(|r| r.pod_list)
        }
    });
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

    // Memos: a refresh that brings the same answer changes nothing on screen.
    let detail_now = Memo::new(move |_| detail.get());
    let records_now = Memo::new(move |_| records.get());
    let pods_now = Memo::new(move |_| pods.get());
    let running = Memo::new(move |_| match task.get() {
        Some(Ok(r)) if r.is_exist && r.task.status == TaskStatus::Running => {
            Some(Running { task: r.task.id, version: r.task.version_name })
        }
        _ => None,
    });
    let busy = Memo::new(move |_| {
        running.with(Option::is_some)
            || detail_now.with(|d| matches!(d, Some(Ok(d)) if status_busy(&d.base_info.status)))
            || records_now.with(|r| matches!(r, Some(Ok(list)) if list.first().is_some_and(record_deploying)))
    });
    provide_context(ServiceCtx { name: service, running, busy });
    poll_while(
        move || busy.get_untracked(),
        move || {
            task.refetch();
            detail.refetch();
            records.refetch();
            pods.refetch();
        },
    );

    let state = Memo::new(move |prev: Option<&PageState>| match detail_now.get() {
        Some(Err(e)) if is_not_found(&e) => PageState::Missing,
        _ if prev == Some(&PageState::Ready) => PageState::Ready,
        None => PageState::Loading,
        Some(Err(e)) => PageState::Failed(e),
        Some(Ok(_)) => PageState::Ready,
    });
    // The last good answer stays shown if a refresh fails on the way.
    let loaded = Memo::new(move |prev: Option<&Option<DescribeCloudRunServerDetailResponse>>| {
        detail_now.get().and_then(Result::ok).or_else(|| prev.cloned().flatten())
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
            PageState::Ready => view! {
                <Overview detail=loaded />
                <Instances pods=pods_now />
                <Records records=records_now on_change=move || records.refetch() />
                <Redeploy detail=loaded.get_untracked() />
                <DeleteService />
            }
            .into_any(),
        }}
    }
}
