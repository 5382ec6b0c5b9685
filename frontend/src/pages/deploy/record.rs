//! A past deploy, from its deploy record (R-DEP-5): its outcome, when it ran
//! and its log, read with the `RunId` the record gives. The cloud's RunIds
//! and BuildIds are opaque and a record names no task, so only the deploy
//! running now is followed live, as task 0 (see [`super::DeployProgress`]).

use console_shared::actions::{
    DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, ProcessLogRequest, ServerRequest,
};
use console_shared::dto::ApiError;
use console_shared::vocab::{ChangeType, RecordStatus};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::progress::LogView;
use super::{Missing, missing_view};
use crate::api;
use crate::components::{Loaded, Loading, cloud_time, zone};
use crate::i18n::{Msg, deploy_title, is_not_found, lang, record_status_text, t};
use crate::pages::env_layout::EnvCtx;
use crate::state::RouteParams;

#[derive(Clone, PartialEq)]
enum Found {
    Record(Box<DeployRecord>, Vec<String>),
    /// The record is of the deploy running now: it is followed live.
    Running,
    Missing(Missing),
}

async fn look_up(env: String, service: String, version: String) -> Result<Found, ApiError> {
    let req = ServerRequest { env_id: env.clone(), server_name: service };
    let records = match api::cloud::<DescribeCloudRunDeployRecord>(&req).await {
        Err(e) if is_not_found(&e) => return Ok(Found::Missing(Missing::Service)),
        Err(e) => return Err(e),
        Ok(r) => r.deploy_records,
    };
    let Some(record) = records.into_iter().find(|r| r.deploy_id == version) else {
        return Ok(Found::Missing(Missing::Deploy));
    };
    if record.status == RecordStatus::Deploying {
        return Ok(Found::Running);
    }
    let run = ProcessLogRequest { env_id: env, run_id: record.run_id.clone() };
    let log = api::cloud::<DescribeCloudRunProcessLog>(&run).await?;
    Ok(Found::Record(Box::new(record), log.logs))
}

#[component]
pub fn DeployRecordPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let navigate = use_navigate();
    let env = ctx.env_id.get_untracked();
    let params = RouteParams::current();
    let service = params.with_untracked(|p| RouteParams::text(p, |p| &p.service));
    let version = params.with_untracked(|p| RouteParams::text(p, |p| &p.deploy));
    let lookup = {
        let (env, service, version) = (env.clone(), service.clone(), version.clone());
        LocalResource::new(move || look_up(env.clone(), service.clone(), version.clone()))
    };
    let service_href = format!("/envs/{env}/services/{service}");
    {
        let live = format!("{service_href}/tasks/0");
        Effect::new(move |_| {
            if let Some(Ok(Found::Running)) = lookup.get() {
                navigate(&live, NavigateOptions { replace: true, ..Default::default() });
            }
        });
    }
    let names = StoredValue::new((env, service));
    view! {
        <Loaded value=lookup retry=move |_| lookup.refetch() let:found>
            {move || match found.get() {
                Found::Running => view! { <Loading /> }.into_any(),
                Found::Missing(missing) => names.with_value(|(env, service)| missing_view(missing, env, service)),
                Found::Record(record, logs) => {
                    let service = names.with_value(|(_, service)| service.clone());
                    view! { <RecordView record=*record logs service /> }.into_any()
                }
            }}
        </Loaded>
    }
}

/// The record: its outcome, when it ran, and its log.
#[component]
fn RecordView(record: DeployRecord, logs: Vec<String>, service: String) -> impl IntoView {
    let env = expect_context::<EnvCtx>().env_id.get_untracked();
    let service_href = format!("/envs/{env}/services/{service}");
    let version = record.deploy_id.clone();
    let status = record.status.clone();
    let deployed = status == RecordStatus::Running;
    let failed = status == RecordStatus::DeployFailed;
    view! {
        <section class="stack" aria-labelledby="deploy-title">
            <div class="page-head">
                <div>
                    // A record does not say what its task changed: it is said as a deploy.
                    <h2 id="deploy-title">{move || deploy_title(&ChangeType::Code, &version, &service, lang())}</h2>
                    <p class="muted">{format!("{} ({})", cloud_time(&record.deploy_time), zone())}</p>
                </div>
                <p>
                    <span class="badge" class:ok=deployed class:bad=failed data-testid="record-status">
                        {move || record_status_text(&status, lang())}
                    </span>
                </p>
            </div>
            <p><a class="button" href=service_href>{t(Msg::BackToService)}</a></p>
            <LogView logs=RwSignal::new(logs) live=false />
        </section>
    }
}
