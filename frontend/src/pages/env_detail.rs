//! An environment's overview: its facts, its locked region (R-ENV-4), and
//! deletion — owners only, and refused with the reason while it holds
//! services (R-ENV-6).

use console_shared::actions::{
    DescribeCloudRunServers, DescribeCloudRunServersRequest, DestroyEnv, DestroyEnvRequest,
    EnvBaseInfo,
};
use console_shared::permissions::{Need, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::app::Envs;
use crate::components::{ErrorNote, LockIcon, Reason};
use crate::i18n::{
    Msg, delete_blocked, lang, package_name, region_label, services_count, status_text, t,
};
use crate::pages::env_layout::EnvCtx;

stylance::import_crate_style!(style, "src/pages/env_detail.module.css");

#[component]
pub fn EnvDetail() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let services = LocalResource::new(move || {
        let env_id = ctx.env_id.get();
        async move {
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
    move || {
        ctx.info
            .get()
            .and_then(Result::ok)
            .map(|r| view! { <Detail info=r.env_base_info services /> })
    }
}

#[component]
fn Detail(
    info: EnvBaseInfo,
    services: LocalResource<Result<i64, console_shared::dto::ApiError>>,
) -> impl IntoView {
    let region = info.region.clone();
    let status = info.status.clone();
    let package = info.package_type.clone();
    view! {
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
    let ctx = expect_context::<EnvCtx>();
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
    // First the role, then R-ENV-6: the first reason that applies is shown.
    let why_not = Signal::derive(move || {
        ctx.denial(Need::EnvRole(Role::Owner))
            .filter(|r| !r.is_empty())
            .or_else(|| (held() > 0).then(|| delete_blocked(held(), lang())))
    });
    let blocked =
        move || why_not.with(Option::is_some) || ctx.denial(Need::EnvRole(Role::Owner)).is_some();
    let described = move || why_not.with(Option::is_some).then_some("delete-why");
    let id = env_id.clone();
    let confirmed = move || typed.get().trim() == id;
    let env_for_action = env_id.clone();

    view! {
        <section class=style::danger aria-labelledby="danger-title">
            <h2 id="danger-title">{t(Msg::DangerZone)}</h2>
            <p>{t(Msg::DeleteEnvIrreversible)}</p>
            <Reason id="delete-why" text=why_not />
            <div class="field">
                <label for="confirm-id">{t(Msg::TypeIdToConfirm)} ": " <code>{env_id.clone()}</code></label>
                <input
                    id="confirm-id"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=typed
                    disabled=blocked
                    aria-describedby=described
                />
            </div>
            <ErrorNote error=Signal::derive(move || destroy.value().get().and_then(Result::err)) />
            <div>
                <button
                    class="button danger"
                    disabled=move || blocked() || !confirmed() || destroy.pending().get()
                    aria-describedby=described
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
