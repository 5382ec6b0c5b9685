//! The environment list (R-ENV-1: everything starts here).

use console_shared::actions::EnvInfo;
use leptos::prelude::*;

use crate::app::{Envs, Session};
use crate::components::{ErrorNote, TableScroll, cloud_time, zoned};
use crate::i18n::{Msg, lang, region_label, status_text, t};

#[component]
pub fn EnvList() -> impl IntoView {
    let envs = expect_context::<Envs>();
    view! {
        <div class="page-head">
            <div>
                <h1>{t(Msg::EnvsTitle)}</h1>
                <p class="muted">{t(Msg::EnvsIntro)}</p>
            </div>
            <CreateEnvButton />
        </div>
        {move || match envs.0.get() {
            None => view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any(),
            Some(Err(e)) => {
                view! {
                    <ErrorNote error=Signal::derive(move || Some(e.clone())) />
                    <button class="button" on:click=move |_| envs.0.refetch()>{t(Msg::Retry)}</button>
                }
                    .into_any()
            }
            Some(Ok(list)) if list.is_empty() => view! { <EmptyState /> }.into_any(),
            Some(Ok(list)) => view! { <EnvTable list /> }.into_any(),
        }}
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

#[component]
fn EnvTable(list: Vec<EnvInfo>) -> impl IntoView {
    view! {
        <TableScroll label=Signal::derive(move || t(Msg::EnvsTitle)().to_string())>
        <table class="table">
            <caption class="sr-only">{t(Msg::EnvsTitle)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::ColName)}</th>
                    <th scope="col">{t(Msg::ColEnvId)}</th>
                    <th scope="col">{t(Msg::ColRegion)}</th>
                    <th scope="col">{t(Msg::ColStatus)}</th>
                    <th scope="col">{move || zoned(t(Msg::ColCreated)())}</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|env| {
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
                    })
                    .collect_view()}
            </tbody>
        </table>
        </TableScroll>
    }
}
