//! A past deploy, from its deploy record (R-DEP-5): its outcome, when it ran
//! and its log, read with the `RunId` the record gives. The cloud's RunIds
//! and BuildIds are opaque and a record names no task, so only the deploy
//! running now is followed live, as task 0 (see [`super::DeployProgress`]).

use console_shared::actions::{
    DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, ProcessLogRequest, ServerRequest,
};
use console_shared::dto::ApiError;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::progress::LogView;
use super::{Missing, missing_view};
use crate::api;
use crate::components::{ErrorNote, cloud_time};
use crate::i18n::{Msg, deploy_title, is_not_found, lang, record_status_text, t};
use crate::pages::env_layout::EnvCtx;

#[derive(Clone, PartialEq)]
enum Lookup {
    Found(Box<DeployRecord>, Vec<String>),
    /// The record is of the deploy running now: it is followed live.
    Running,
    Missing(Missing),
    Failed(ApiError),
}

async fn look_up(env: String, service: String, version: String) -> Lookup {
    let req = ServerRequest { env_id: env.clone(), server_name: service };
    let records = match api::cloud::<DescribeCloudRunDeployRecord>(&req).await {
        Err(e) if is_not_found(&e) => return Lookup::Missing(Missing::Service),
        Err(e) => return Lookup::Failed(e),
        Ok(r) => r.deploy_records,
    };
    let Some(record) = records.into_iter().find(|r| r.deploy_id == version) else {
        return Lookup::Missing(Missing::Deploy);
    };
    if record.status == "deploying" {
        return Lookup::Running;
    }
    let run = ProcessLogRequest { env_id: env, run_id: record.run_id.clone() };
    match api::cloud::<DescribeCloudRunProcessLog>(&run).await {
        Ok(log) => Lookup::Found(Box::new(record), log.logs),
        Err(e) => Lookup::Failed(e),
    }
}

#[component]
pub fn DeployRecordPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let params = use_params_map();
    let navigate = use_navigate();
    let env = ctx.env_id.get_untracked();
    let service = params.with_untracked(|p| p.get("service").unwrap_or_default());
    let version = params.with_untracked(|p| p.get("deploy").unwrap_or_default());
    let lookup = {
        let (env, service, version) = (env.clone(), service.clone(), version.clone());
        LocalResource::new(move || look_up(env.clone(), service.clone(), version.clone()))
    };
    let service_href = format!("/envs/{env}/services/{service}");
    {
        let live = format!("{service_href}/tasks/0");
        Effect::new(move |_| {
            if let Some(Lookup::Running) = lookup.get() {
                navigate(&live, NavigateOptions { replace: true, ..Default::default() });
            }
        });
    }
    view! {
        {move || match lookup.get() {
            None | Some(Lookup::Running) => view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any(),
            Some(Lookup::Missing(missing)) => missing_view(missing, &env, &service),
            Some(Lookup::Failed(e)) => view! {
                <ErrorNote error=Signal::derive(move || Some(e.clone())) />
                <div>
                    <button class="button" on:click=move |_| lookup.refetch()>{t(Msg::Retry)}</button>
                </div>
            }
            .into_any(),
            Some(Lookup::Found(record, logs)) => {
                let (version, service) = (record.deploy_id.clone(), service.clone());
                let status = record.status.clone();
                let deployed = status == "running";
                view! {
                    <section class="stack" aria-labelledby="deploy-title">
                        <div class="page-head">
                            <div>
                                <h2 id="deploy-title">{move || deploy_title(&version, &service, lang())}</h2>
                                <p class="muted">{cloud_time(&record.deploy_time)}</p>
                            </div>
                            <p>
                                <span class="badge" class:ok=deployed data-testid="record-status">
                                    {move || record_status_text(&status, lang())}
                                </span>
                            </p>
                        </div>
                        <p><a class="button" href=service_href.clone()>{t(Msg::BackToService)}</a></p>
                        <LogView logs=RwSignal::new(logs) />
                    </section>
                }
                .into_any()
            }
        }}
    }
}
