//! The caller's own account: password and sessions. The password form also
//! stands alone as the forced first change of an admin-created account.

use console_shared::dto::{ChangePassword, Me, SessionInfo};
use console_shared::rules;
use leptos::prelude::*;

use crate::api;
use crate::app::Session;
use crate::components::{ErrorNote, TableScroll, local_time, not_ready, zoned};
use crate::i18n::{Msg, lang, rule_error, t};

#[component]
pub fn Account() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{t(Msg::NavAccount)}</h1>
        </div>
        <PasswordForm />
        <Sessions />
    }
}

/// Shown instead of the console until an admin-created account has its own password.
#[component]
pub fn ForcedPasswordChange() -> impl IntoView {
    view! {
        <main id="main" class="narrow">
            <h1>{t(Msg::ChangePasswordTitle)}</h1>
            <p class="notice" role="status">{t(Msg::MustChangePassword)}</p>
            <PasswordForm />
        </main>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let save = Action::new_local(|body: &ChangePassword| {
        let body = body.clone();
        async move { api::json::<ChangePassword, Me>("POST", "/api/account/password", Some(&body)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(me)) = save.value().get() {
            for s in [current, new, again] {
                s.set(String::new());
            }
            session.0.set(Some(me));
        }
    });
    let rule = move || {
        let pw = new.get();
        (!pw.is_empty()).then(|| rules::password(&pw).err().map(|e| rule_error(&e, lang()))).flatten()
    };
    let differ = move || (!again.get().is_empty() && again.get() != new.get()).then(|| t(Msg::PasswordsDiffer)());
    let ready = move || rule().is_none() && differ().is_none() && !new.get().is_empty() && !current.get().is_empty();

    view! {
        <form
            class="form"
            aria-labelledby="password-title"
            on:submit=move |ev| {
                ev.prevent_default();
                if ready() {
                    save.dispatch(ChangePassword {
                        current_password: current.get_untracked(),
                        new_password: new.get_untracked(),
                    });
                }
            }
        >
            <h2 id="password-title">{t(Msg::ChangePasswordTitle)}</h2>
            <div class="field">
                <label for="current-password">{t(Msg::CurrentPassword)}</label>
                <input id="current-password" type="password" autocomplete="current-password" bind:value=current />
            </div>
            <div class="field">
                <label for="new-password">{t(Msg::NewPassword)}</label>
                <input
                    id="new-password"
                    type="password"
                    autocomplete="new-password"
                    bind:value=new
                    aria-describedby="new-password-help new-password-error"
                    aria-invalid=move || rule().is_some().to_string()
                />
                <p id="new-password-help" class="help">{t(Msg::PasswordHelp)}</p>
                <p id="new-password-error" class="field-error" aria-live="polite">{rule}</p>
            </div>
            <div class="field">
                <label for="again-password">{t(Msg::ConfirmPassword)}</label>
                <input
                    id="again-password"
                    type="password"
                    autocomplete="new-password"
                    bind:value=again
                    aria-describedby="again-error"
                    aria-invalid=move || differ().is_some().to_string()
                />
                <p id="again-error" class="field-error" aria-live="polite">{differ}</p>
            </div>
            <ErrorNote error=Signal::derive(move || save.value().get().and_then(Result::err)) />
            <Show when=move || matches!(save.value().get(), Some(Ok(_)))>
                <p role="status" class="notice">{t(Msg::PasswordChanged)}</p>
            </Show>
            <div>
                <button class="button primary" type="submit" disabled=move || !ready() || save.pending().get()>
                    {t(Msg::SavePassword)}
                </button>
            </div>
        </form>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let sessions = LocalResource::new(|| api::get::<Vec<SessionInfo>>("/api/account/sessions"));
    let end = Action::new_local(|handle: &String| {
        let url = format!("/api/account/sessions/{}", api::enc(handle));
        async move { api::no_content::<()>("DELETE", &url, None).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            sessions.refetch();
        }
    });
    view! {
        <section class="stack" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t(Msg::SessionsTitle)}</h2>
            <p class="muted">{t(Msg::SessionsIntro)}</p>
            <ErrorNote error=Signal::derive(move || end.value().get().and_then(Result::err)) />
            {move || match not_ready(sessions.get()) {
                Err(pending) => pending,
                Ok(list) => {
                    view! {
                        <TableScroll label=Signal::derive(move || t(Msg::SessionsTitle)().to_string())>
                        <table class="table">
                            <caption class="sr-only">{t(Msg::SessionsTitle)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::ColDevice)}</th>
                                    <th scope="col">{t(Msg::ColIp)}</th>
                                    <th scope="col">{move || zoned(t(Msg::ColSignedIn)())}</th>
                                    <th scope="col">{move || zoned(t(Msg::ColLastSeen)())}</th>
                                    <th scope="col">
                                        <span class="sr-only">{t(Msg::EndSession)}</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|s| {
                                        let handle = s.handle.clone();
                                        view! {
                                            <tr>
                                                <td class="wrap">{s.user_agent.clone()}</td>
                                                <td>{s.ip.clone()}</td>
                                                <td class="nowrap">{local_time(s.created_at)}</td>
                                                <td class="nowrap">{local_time(s.last_seen)}</td>
                                                <td>
                                                    {if s.current {
                                                        view! { <span class="badge ok">{t(Msg::ThisDevice)}</span> }.into_any()
                                                    } else {
                                                        view! {
                                                            <button
                                                                class="button"
                                                                on:click=move |_| {
                                                                    end.dispatch(handle.clone());
                                                                }
                                                            >
                                                                {t(Msg::EndSession)}
                                                            </button>
                                                        }
                                                            .into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        </TableScroll>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
