//! Live deploy progress (R-DEP-1). The task is looked up first, so a task or
//! service that does not exist shows one not-found state instead of a live
//! view that waits forever; then [`progress`] follows it.

mod progress;
mod record;
mod stream;

pub use record::DeployRecordPage;

use console_shared::actions::{
    DescribeCloudRunServerDetail, DescribeServerManageTask, ManageTaskRequest, ServerRequest,
};
use console_shared::dto::ApiError;
use console_shared::vocab::{ChangeType, TaskId};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::api;
use crate::components::{Loaded, NotFoundState};
use crate::i18n::{Msg, is_not_found};
use crate::pages::env_layout::EnvCtx;
use crate::state::RouteParams;

stylance::import_crate_style!(style, "src/pages/deploy/deploy.module.css");

/// What the page knows of the deploy before it follows it.
#[derive(Clone, PartialEq)]
pub struct Deploy {
    pub env: String,
    pub service: String,
    pub task: i64,
    /// What the task changes: a deploy (`CODE`), a rollback or the settings.
    pub change: ChangeType,
    pub version: String,
    /// The version online when the deploy started; empty for a first deploy.
    pub previous: String,
    /// The service's default domain, for the success banner.
    pub domain: String,
}

/// What a deploy page did not find.
#[derive(Clone, Copy, PartialEq)]
enum Missing {
    /// No such service: the way back is the environment.
    Service,
    /// The service exists, the deploy does not.
    Deploy,
}

/// The one not-found state of the deploy pages, with the way back.
fn missing_view(missing: Missing, env: &str, service: &str) -> AnyView {
    let (back_href, back) = match missing {
        Missing::Deploy => (format!("/envs/{env}/services/{service}"), Msg::BackToService),
        Missing::Service => (format!("/envs/{env}"), Msg::BackToEnv),
    };
    view! {
        <NotFoundState
            title=Msg::DeployNotFound
            back_href
            back_label=back
        />
    }
    .into_any()
}

#[derive(Clone, PartialEq)]
enum Found {
    Deploy(Deploy),
    Missing(Missing),
}

async fn look_up(env: String, service: String, task: Option<TaskId>) -> Result<Found, ApiError> {
    let Some(TaskId(task)) = task else {
        return Ok(Found::Missing(Missing::Deploy));
    };
    // TaskId 0 asks for the current deploy: the running one, else the newest.
    let req =
        ManageTaskRequest { env_id: env.clone(), server_name: service.clone(), task_id: task, operator_remark: None };
    let found = match api::cloud::<DescribeServerManageTask>(&req).await {
        Err(e) if is_not_found(&e) => return Ok(Found::Missing(Missing::Service)),
        Err(e) => return Err(e),
        Ok(r) if !r.is_exist => return Ok(Found::Missing(Missing::Deploy)),
        Ok(r) => r.task,
    };
    let detail = api::cloud::<DescribeCloudRunServerDetail>(&ServerRequest {
        env_id: env.clone(),
        server_name: service.clone(),
    })
    .await;
    Ok(Found::Deploy(Deploy {
        env,
        service,
        task: found.id,
        change: found.change_type,
        version: found.version_name,
        previous: found.pre_version_name,
        domain: detail.map(|d| d.base_info.default_domain_name).unwrap_or_default(),
    }))
}

#[component]
pub fn DeployProgress() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let env = ctx.env_id.get_untracked();
    let params = RouteParams::current();
    let service = params.with_untracked(|p| RouteParams::text(p, |p| &p.service));
    // Not a task number is no task; the service still names the way back.
    let task = params.with_untracked(|p| TaskId::parse(&RouteParams::text(p, |p| &p.task)));
    let lookup = {
        let (env, service) = (env.clone(), service.clone());
        LocalResource::new(move || look_up(env.clone(), service.clone(), task))
    };
    // Opened as "the current deploy" (task 0): the address names it by its
    // own id, to share or reload. Only the address bar changes: a router
    // navigation would swap this page out for the same one.
    Effect::new(move |_| {
        if let (Some(Ok(Found::Deploy(d))), Some(TaskId::CURRENT)) = (lookup.get(), task) {
            let href = format!("/envs/{}/services/{}/tasks/{}", api::enc(&d.env), api::enc(&d.service), d.task);
            let _ = window().history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&href)));
        }
    });
    let names = StoredValue::new((env, service));
    view! {
        <Loaded value=lookup retry=move |_| lookup.refetch() let:found>
            {move || match found.get() {
                Found::Missing(missing) => names.with_value(|(env, service)| missing_view(missing, env, service)),
                Found::Deploy(deploy) => view! { <progress::Progress deploy /> }.into_any(),
            }}
        </Loaded>
    }
}
