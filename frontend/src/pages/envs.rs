//! The environment list (R-ENV-1: everything starts here).

use console_shared::actions::EnvInfo;
use leptos::prelude::*;

use crate::components::{Col, DataTable, Keyed, Loaded, PageHead, RowKey, cloud_time};
use crate::i18n::{Msg, lang, region_label, status_text, t};
use crate::state::{Envs, Session};

#[component]
pub fn EnvList() -> impl IntoView {
    let envs = expect_context::<Envs>();
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColName),
        Col::Text(Msg::ColEnvId),
        Col::Text(Msg::ColRegion),
        Col::Text(Msg::ColStatus),
        Col::Time(Msg::ColCreated),
    ];
    view! {
        <PageHead title=Msg::EnvsTitle intro=Msg::EnvsIntro>
            <CreateEnvButton />
        </PageHead>
        <Loaded value=envs.0 retry=move |_| envs.0.refetch() let:list>
            <Show when=move || list.with(|l| !l.is_empty()) fallback=EmptyState>
                <DataTable title=Msg::EnvsTitle columns=COLUMNS>
                    <Keyed each=move || list.get() key=|env| RowKey(env.env_id.clone(), env.clone()) let:env>
                        <EnvRow env />
                    </Keyed>
                </DataTable>
            </Show>
        </Loaded>
    }
}

/// Admins create; everyone else sees why they cannot.
#[component]
fn CreateEnvButton() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <Show
            when=move || session.is_admin()
            fallback=|| {
                view! {
                    <div class="with-reason">
                        <button class="button primary" disabled aria-describedby="create-env-why">
                            {t(Msg::CreateEnv)}
                        </button>
                        <span id="create-env-why" class="reason">{t(Msg::OnlyAdminsCreate)}</span>
                    </div>
                }
            }
        >
            <a class="button primary" href="/envs/new">{t(Msg::CreateEnv)}</a>
        </Show>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <section class="empty" aria-labelledby="empty-title">
            <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true">
                <rect x="8" y="14" width="48" height="36" rx="6" fill="none" stroke="currentColor" stroke-width="3" />
                <path d="M8 26h48" stroke="currentColor" stroke-width="3" />
                <circle cx="16" cy="20" r="2" fill="currentColor" />
            </svg>
            <h2 id="empty-title">{t(Msg::EmptyEnvsTitle)}</h2>
            <p>{t(Msg::EmptyEnvsBody)}</p>
            <Show when=move || !session.is_admin()>
                <p class="muted">{t(Msg::EmptyEnvsMember)}</p>
            </Show>
        </section>
    }
}

/// One environment: its name, ID, region, status and age.
#[component]
fn EnvRow(env: EnvInfo) -> impl IntoView {
    let href = format!("/envs/{}", env.env_id);
    let name = if env.alias.is_empty() { env.env_id.clone() } else { env.alias.clone() };
    let region = env.region.clone();
    let status = env.status.clone();
    let ok = status.eq_ignore_ascii_case("NORMAL");
    view! {
        <tr>
            <td>
                <a href=href>{name}</a>
            </td>
            <td>
                <code>{env.env_id}</code>
            </td>
            <td>{move || region_label(&region, lang())}</td>
            <td>
                <span class="badge" class:ok=ok>{move || status_text(&status, lang())}</span>
            </td>
            <td class="nowrap">{cloud_time(&env.create_time)}</td>
        </tr>
    }
}
