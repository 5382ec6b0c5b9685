//! The caller's own account: password, sessions and personal access
//! tokens. The password form also stands alone as the forced first change of
//! an admin-created account.

mod tokens;

use console_shared::dto::ChangePassword;
use console_shared::rules;
use leptos::prelude::*;

use crate::api;
use crate::components::{
    Col, DataTable, ErrorNote, Field, Keyed, Loaded, PageHead, RowKey, cell_label, error_of, local_time, zoned,
};
use crate::i18n::{Msg, lang, rule_error, t};
use crate::state::Session;

#[component]
pub fn Account() -> impl IntoView {
    view! {
        <PageHead title=Msg::NavAccount />
        <PasswordForm />
        <Sessions />
        <tokens::AccessTokens />
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
    let save = Action::new_local(|body: &ChangePassword| api::change_password(body));
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
    let differ =
        move || (!again.get().is_empty() && again.get() != new.get()).then(|| t(Msg::PasswordsDiffer)().to_string());
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
            <Field id="current-password" label=Msg::CurrentPassword>
                <input id="current-password" type="password" autocomplete="current-password" bind:value=current />
            </Field>
            <Field id="new-password" label=Msg::NewPassword help=Msg::PasswordHelp error=Signal::derive(rule)>
                <input
                    id="new-password"
                    type="password"
                    autocomplete="new-password"
                    bind:value=new
                    aria-describedby="new-password-help new-password-error"
                    aria-invalid=move || rule().is_some().to_string()
                />
            </Field>
            <Field id="again-password" label=Msg::ConfirmPassword error=Signal::derive(differ)>
                <input
                    id="again-password"
                    type="password"
                    autocomplete="new-password"
                    bind:value=again
                    aria-describedby="again-password-error"
                    aria-invalid=move || differ().is_some().to_string()
                />
            </Field>
            <ErrorNote error=error_of(save) />
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
    let sessions = LocalResource::new(api::sessions);
    let end = Action::new_local(|handle: &String| api::end_session(handle));
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            sessions.refetch();
        }
    });
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColDevice),
        Col::Text(Msg::ColIp),
        Col::Time(Msg::ColSignedIn),
        Col::Time(Msg::ColLastSeen),
        Col::Hidden(Msg::EndSession),
    ];
    let label = |m: Msg| cell_label(move || t(m)().to_string());
    let zoned_label = |m: Msg| cell_label(move || zoned(t(m)()));
    view! {
        <section class="stack" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t(Msg::SessionsTitle)}</h2>
            <p class="muted">{t(Msg::SessionsIntro)}</p>
            <ErrorNote error=error_of(end) />
            <Loaded value=sessions let:list>
                // Cards on a phone: a browser's user agent is too long for a column there.
                <DataTable title=Msg::SessionsTitle columns=COLUMNS cards=true>
                    <Keyed each=move || list.get() key=|s| RowKey(s.handle.clone(), s.clone()) let:s>
                        <tr role="row">
                            <td role="cell" class="wrap">{label(Msg::ColDevice)} {s.user_agent}</td>
                            <td role="cell">{label(Msg::ColIp)} {s.ip}</td>
                            <td role="cell" class="nowrap">{zoned_label(Msg::ColSignedIn)} {local_time(s.created_at)}</td>
                            <td role="cell" class="nowrap">{zoned_label(Msg::ColLastSeen)} {local_time(s.last_seen)}</td>
                            <td role="cell">
                                {if s.current {
                                    view! { <span class="badge ok">{t(Msg::ThisDevice)}</span> }.into_any()
                                } else {
                                    let handle = s.handle;
                                    view! {
                                        <button class="button" on:click=move |_| { end.dispatch(handle.clone()); }>
                                            {t(Msg::EndSession)}
                                        </button>
                                    }
                                        .into_any()
                                }}
                            </td>
                        </tr>
                    </Keyed>
                </DataTable>
            </Loaded>
        </section>
    }
}
