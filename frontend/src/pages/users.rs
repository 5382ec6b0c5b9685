//! Users, for platform admins: add, disable or enable, delete. What each user
//! may do is set per environment on its Members page.

use console_shared::dto::{CreateUser, UpdateUser, UserInfo};
use console_shared::rules;
use leptos::prelude::*;

use crate::api;
use crate::app::Session;
use crate::components::{ErrorNote, not_ready, utc};
use crate::i18n::{Msg, lang, rule_error, t};

#[component]
pub fn Users() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <div class="page-head">
            <div>
                <h1>{t(Msg::UsersTitle)}</h1>
                <p class="muted">{t(Msg::UsersIntro)}</p>
            </div>
        </div>
        <Show
            when=move || session.is_admin()
            fallback=|| view! { <p class="reason">{t(Msg::OnlyAdmins)}</p> }
        >
            <UserAdmin />
        </Show>
    }
}

#[component]
fn UserAdmin() -> impl IntoView {
    let users = LocalResource::new(|| api::get::<Vec<UserInfo>>("/api/users"));
    view! {
        {move || match not_ready(users.get()) {
            Err(pending) => pending,
            Ok(list) => {
                view! {
                    <table class="table">
                        <caption class="sr-only">{t(Msg::UsersTitle)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::ColUser)}</th>
                                <th scope="col">{t(Msg::ColState)}</th>
                                <th scope="col">{t(Msg::Created)}</th>
                                <th scope="col">
                                    <span class="sr-only">{t(Msg::Disable)}</span>
                                </th>
                            </tr>
                        </thead>
                        <tbody>{list.into_iter().map(|u| view! { <UserRow user=u users /> }).collect_view()}</tbody>
                    </table>
                }
                    .into_any()
            }
        }}
        <CreateUserForm users />
    }
}

#[component]
fn UserRow(
    user: UserInfo,
    users: LocalResource<Result<Vec<UserInfo>, console_shared::dto::ApiError>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let url = format!("/api/users/{}", user.id);
    let is_me = session.0.with_untracked(|m| m.as_ref().is_some_and(|m| m.username == user.username));
    let toggle = {
        let url = url.clone();
        Action::new_local(move |disabled: &bool| {
            let (url, body) = (url.clone(), UpdateUser { disabled: Some(*disabled), ..Default::default() });
            async move { api::json::<UpdateUser, UserInfo>("PATCH", &url, Some(&body)).await.map(|_| ()) }
        })
    };
    let delete = Action::new_local(move |_: &()| {
        let url = url.clone();
        async move { api::no_content::<()>("DELETE", &url, None).await }
    });
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(toggle.value().get(), Some(Ok(()))) || matches!(delete.value().get(), Some(Ok(()))) {
            users.refetch();
        }
    });
    let error = Signal::derive(move || {
        toggle.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err))
    });
    let state = if user.disabled {
        Msg::StateDisabled
    } else if user.must_change_password {
        Msg::StateMustChange
    } else {
        Msg::StateActive
    };
    let disabled = user.disabled;
    let name = user.username.clone();
    view! {
        <tr>
            <td>
                {user.display_name.clone()} " " <span class="muted">"@" {user.username.clone()}</span>
                {user.is_admin.then(|| view! { " " <span class="badge">{t(Msg::RoleAdmin)}</span> })}
                <ErrorNote error=error />
            </td>
            <td>
                <span class="badge" class:ok=!disabled>{t(state)}</span>
            </td>
            <td>{utc(user.created_at)}</td>
            <td class="actions">
                <Show when=move || !is_me>
                    <button
                        class="button"
                        aria-label=format!("{} {name}", if disabled { Msg::Enable.text(lang()) } else { Msg::Disable.text(lang()) })
                        on:click=move |_| {
                            toggle.dispatch(!disabled);
                        }
                    >
                        {if disabled { t(Msg::Enable)() } else { t(Msg::Disable)() }}
                    </button>
                    <Show
                        when=move || confirming.get()
                        fallback=move || {
                            view! {
                                <button class="button" on:click=move |_| confirming.set(true)>
                                    {t(Msg::Delete)}
                                </button>
                            }
                        }
                    >
                        <span role="alert" class="reason">{t(Msg::ConfirmDeleteUser)}</span>
                        <button class="button danger" on:click=move |_| { delete.dispatch(()); }>
                            {t(Msg::Confirm)}
                        </button>
                        <button class="button" on:click=move |_| confirming.set(false)>{t(Msg::Cancel)}</button>
                    </Show>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn CreateUserForm(users: LocalResource<Result<Vec<UserInfo>, console_shared::dto::ApiError>>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let create = Action::new_local(|body: &CreateUser| {
        let body = body.clone();
        async move { api::json::<CreateUser, UserInfo>("POST", "/api/users", Some(&body)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            for s in [username, display, password] {
                s.set(String::new());
            }
            users.refetch();
        }
    });
    let name_error = move || {
        let v = username.get();
        (!v.is_empty()).then(|| rules::username(&v).err().map(|e| rule_error(&e, lang()))).flatten()
    };
    let pw_error = move || {
        let v = password.get();
        (!v.is_empty()).then(|| rules::password(&v).err().map(|e| rule_error(&e, lang()))).flatten()
    };
    let ready = move || {
        rules::username(&username.get()).is_ok()
            && rules::display_name(&display.get()).is_ok()
            && rules::password(&password.get()).is_ok()
    };
    view! {
        <form
            class="form"
            aria-labelledby="create-user-title"
            on:submit=move |ev| {
                ev.prevent_default();
                if ready() {
                    create.dispatch(CreateUser {
                        username: username.get_untracked(),
                        display_name: display.get_untracked(),
                        password: password.get_untracked(),
                    });
                }
            }
        >
            <h2 id="create-user-title">{t(Msg::CreateUserTitle)}</h2>
            <div class="field">
                <label for="new-username">{t(Msg::Username)}</label>
                <input
                    id="new-username"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=username
                    aria-describedby="new-username-error"
                    aria-invalid=move || name_error().is_some().to_string()
                />
                <p id="new-username-error" class="field-error" aria-live="polite">{name_error}</p>
            </div>
            <div class="field">
                <label for="new-display-name">{t(Msg::DisplayName)}</label>
                <input id="new-display-name" autocomplete="off" bind:value=display />
            </div>
            <div class="field">
                <label for="new-initial-password">{t(Msg::InitialPassword)}</label>
                <input
                    id="new-initial-password"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=password
                    aria-describedby="initial-password-help initial-password-error"
                    aria-invalid=move || pw_error().is_some().to_string()
                />
                <p id="initial-password-help" class="help">{t(Msg::InitialPasswordHelp)}</p>
                <p id="initial-password-error" class="field-error" aria-live="polite">{pw_error}</p>
            </div>
            <ErrorNote error=Signal::derive(move || create.value().get().and_then(Result::err)) />
            <div>
                <button class="button primary" type="submit" disabled=move || !ready() || create.pending().get()>
                    {t(Msg::AddUser)}
                </button>
            </div>
        </form>
    }
}
