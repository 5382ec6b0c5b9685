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
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsValue;

use crate::api;
use crate::components::{ErrorNote, NotFoundState};
use crate::i18n::{Msg, is_not_found, t};
use crate::pages::env_layout::EnvCtx;

stylance::import_crate_style!(style, "src/pages/deploy/deploy.module.css");

/// What the page knows of the deploy before it follows it.
#[derive(Clone, PartialEq)]
pub struct Deploy {
    pub env: String,
    pub service: String,
    pub task: i64,
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
            title=Signal::derive(move || t(Msg::DeployNotFound)().to_string())
            back_href
            back_label=Signal::derive(move || t(back)().to_string())
        />
    }
    .into_any()
}

#[derive(Clone, PartialEq)]
enum Lookup {
    Found(Deploy),
    Missing(Missing),
    Failed(ApiError),
}

async fn look_up(env: String, service: String, task: Option<i64>) -> Lookup {
    let Some(task) = task.filter(|t| *t >= 0) else {
        return Lookup::Missing(Missing::Deploy);
    };
    // TaskId 0 asks for the current deploy: the running one, else the newest.
    let req =
        ManageTaskRequest { env_id: env.clone(), server_name: service.clone(), task_id: task, operator_remark: None };
    let found = match api::cloud::<DescribeServerManageTask>(&req).await {
        Err(e) if is_not_found(&e) => return Lookup::Missing(Missing::Service),
        Err(e) => return Lookup::Failed(e),
        Ok(r) if !r.is_exist => return Lookup::Missing(Missing::Deploy),
        Ok(r) => r.task,
    };
    let detail = api::cloud::<DescribeCloudRunServerDetail>(&ServerRequest {
        env_id: env.clone(),
        server_name: service.clone(),
    })
    .await;
    Lookup::Found(Deploy {
        env,
        service,
        task: found.id,
        version: found.version_name,
        previous: found.pre_version_name,
        domain: detail.map(|d| d.base_info.default_domain_name).unwrap_or_default(),
    })
}

#[component]
pub fn DeployProgress() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let params = use_params_map();
    let env = ctx.env_id.get_untracked();
    let service = params.with_untracked(|p| p.get("service").unwrap_or_default());
    let task = params.with_untracked(|p| p.get("task").and_then(|t| t.parse::<i64>().ok()));
    let lookup = {
        let (env, service) = (env.clone(), service.clone());
        LocalResource::new(move || look_up(env.clone(), service.clone(), task))
    };
    // Opened as "the current deploy" (task 0): the address names it by its
    // own id, to share or reload. Only the address bar changes: a router
    // navigation would swap this page out for the same one.
    Effect::new(move |_| {
        if let (Some(Lookup::Found(d)), Some(0)) = (lookup.get(), task) {
            let href = format!("/envs/{}/services/{}/tasks/{}", api::enc(&d.env), api::enc(&d.service), d.task);
            let _ = window().history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&href)));
        }
    });
    view! {
        {move || match lookup.get() {
            None => view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any(),
            Some(Lookup::Missing(missing)) => missing_view(missing, &env, &service),
            Some(Lookup::Failed(e)) => view! {
                <ErrorNote error=Signal::derive(move || Some(e.clone())) />
                <div>
                    <button class="button" on:click=move |_| lookup.refetch()>{t(Msg::Retry)}</button>
                </div>
            }
            .into_any(),
            Some(Lookup::Found(deploy)) => view! { <progress::Progress deploy /> }.into_any(),
        }}
    }
}
