//! One environment: its facts, its locked region (R-ENV-4), and deletion,
//! refused with the reason while it holds services (R-ENV-6).

use console_shared::actions::{
    DescribeCloudRunServers, DescribeCloudRunServersRequest, DescribeEnvBaseInfo, DestroyEnv,
    DestroyEnvRequest, EnvBaseInfo, EnvIdRequest,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::app::Envs;
use crate::components::{ErrorNote, LockIcon};
use crate::i18n::{
    Msg, delete_blocked, lang, package_name, region_label, services_count, status_text, t,
};

stylance::import_crate_style!(style, "src/pages/env_detail.module.css");

#[component]
pub fn EnvDetail() -> impl IntoView {
    let params = use_params_map();
    // A memo notifies only when the id really changes, so navigating away
    // (or a refetch elsewhere) does not re-ask about this environment.
    let env_id = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    let info = LocalResource::new(move || {
        let env_id = env_id.get();
        async move {
            if env_id.is_empty() {
                // Leaving the page: nothing to ask.
                std::future::pending::<()>().await;
            }
            api::cloud::<DescribeEnvBaseInfo>(&EnvIdRequest { env_id }).await
        }
    });
    let services = LocalResource::new(move || {
        let env_id = env_id.get();
        async move {
            if env_id.is_empty() {
                std::future::pending::<()>().await;
            }
            let req = DescribeCloudRunServersRequest {
                env_id,
                page_size: Some(1),
                ..Default::default()
            };
            api::cloud::<DescribeCloudRunServers>(&req)
                .await
                .map(|r| r.total)
        }
    });

    view! {
        {move || match info.get() {
            None => view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any(),
            // Not a member and not existing look the same on purpose.
            Some(Err(e)) if e.code == "Console.Forbidden" => view! { <Missing /> }.into_any(),
            Some(Ok(r)) if !r.is_exist => view! { <Missing /> }.into_any(),
            Some(Err(e)) => view! { <ErrorNote error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(r)) => view! { <Detail info=r.env_base_info services /> }.into_any(),
        }}
    }
}

#[component]
fn Missing() -> impl IntoView {
    view! {
        <section class="empty">
            <h1>{t(Msg::EnvNotFound)}</h1>
            <a class="button" href="/envs">{t(Msg::BackToEnvs)}</a>
        </section>
    }
}

#[component]
fn Detail(
    info: EnvBaseInfo,
    services: LocalResource<Result<i64, console_shared::dto::ApiError>>,
) -> impl IntoView {
    let title = if info.alias.is_empty() {
        info.env_id.clone()
    } else {
        info.alias.clone()
    };
    let region = info.region.clone();
    let status = info.status.clone();
    let package = info.package_type.clone();
    view! {
        <div class="page-head">
            <div>
                <h1>{title}</h1>
                <p>
                    <code>{info.env_id.clone()}</code>
                </p>
            </div>
        </div>
        <section aria-labelledby="details-title" class="stack">
            <h2 id="details-title">{t(Msg::Details)}</h2>
            <div class=style::lock role="group" aria-labelledby="region-term">
                <span class=style::lock_icon>
                    <LockIcon size=28 />
                </span>
                <p>
                    <strong id="region-term">{t(Msg::RegionLabel)} ": "</strong>
                    <span data-testid="env-region">{move || region_label(&region, lang())}</span>
                    " · "
                    <span class="badge">{t(Msg::RegionLocked)}</span>
                </p>
                <p class="muted">{t(Msg::RegionLockExplain)}</p>
            </div>
            <dl class="facts">
                <dt>{t(Msg::ColStatus)}</dt>
                <dd>{move || status_text(&status, lang())}</dd>
                <dt>{t(Msg::Package)}</dt>
                <dd>{move || package_name(&package, lang()).to_string()}</dd>
                <dt>{t(Msg::Created)}</dt>
                <dd>{info.create_time.clone()}</dd>
            </dl>
        </section>
        <section aria-labelledby="services-title" class="stack">
            <h2 id="services-title">{t(Msg::ServicesHeading)}</h2>
            <p>
                {move || match services.get() {
                    Some(Ok(n)) => services_count(n, lang()),
                    Some(Err(_)) | None => String::new(),
                }}
            </p>
        </section>
        <DeleteEnv env_id=info.env_id services />
    }
}

#[component]
fn DeleteEnv(
    env_id: String,
    services: LocalResource<Result<i64, console_shared::dto::ApiError>>,
) -> impl IntoView {
    let envs = expect_context::<Envs>();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let destroy = Action::new_local(|env_id: &String| {
        let req = DestroyEnvRequest {
            env_id: env_id.clone(),
            ..Default::default()
        };
        async move { api::cloud::<DestroyEnv>(&req).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = destroy.value().get() {
            envs.0.refetch();
            navigate("/envs", Default::default());
        }
    });
    let held = move || services.get().and_then(Result::ok).unwrap_or(0);
    let id = env_id.clone();
    let confirmed = move || typed.get().trim() == id;
    let blocked = move || held() > 0;
    let env_for_action = env_id.clone();

    view! {
        <section class=style::danger aria-labelledby="danger-title">
            <h2 id="danger-title">{t(Msg::DangerZone)}</h2>
            <p>{t(Msg::DeleteEnvIrreversible)}</p>
            <Show when=blocked>
                <p id="delete-why" class="reason">{move || delete_blocked(held(), lang())}</p>
            </Show>
            <div class="field">
                <label for="confirm-id">{t(Msg::TypeIdToConfirm)} ": " <code>{env_id.clone()}</code></label>
                <input
                    id="confirm-id"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=typed
                    disabled=blocked
                    aria-describedby=move || blocked().then_some("delete-why")
                />
            </div>
            <ErrorNote error=Signal::derive(move || destroy.value().get().and_then(Result::err)) />
            <div>
                <button
                    class="button danger"
                    disabled=move || blocked() || !confirmed() || destroy.pending().get()
                    aria-describedby=move || blocked().then_some("delete-why")
                    on:click=move |_| {
                        destroy.dispatch(env_for_action.clone());
                    }
                >
                    {move || if destroy.pending().get() { t(Msg::Deleting)() } else { t(Msg::DeleteEnv)() }}
                </button>
            </div>
        </section>
    }
}
