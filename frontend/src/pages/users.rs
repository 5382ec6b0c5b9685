//! Users, for platform admins: add, disable or enable, delete. What each user
//! may do is set per environment on its Members page.

use console_shared::dto::{ApiError, CreateUser, UpdateUser, UserInfo};
use console_shared::rules;
use leptos::prelude::*;

use crate::api;
use crate::components::{
    Col, ConfirmStep, DataTable, ErrorNote, ErrorSummary, Field, FormError, Keyed, Loaded, PageHead, RowKey, error_of,
    focus_first, local_time,
};
use crate::i18n::{Msg, Subject, confirm_delete_user, confirm_disable_user, lang, rule_error_about, t};
use crate::state::Session;

#[component]
pub fn Users() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <PageHead title=Msg::UsersTitle intro=Msg::UsersIntro />
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
    let users = LocalResource::new(api::users);
    const COLUMNS: &[Col] =
        &[Col::Text(Msg::ColUser), Col::Text(Msg::ColState), Col::Time(Msg::Created), Col::Hidden(Msg::Disable)];
    view! {
        <Loaded value=users let:list>
            <DataTable title=Msg::UsersTitle columns=COLUMNS>
                <Keyed each=move || list.get() key=|u| RowKey(u.id, u.clone()) let:user>
                    <UserRow user users />
                </Keyed>
            </DataTable>
        </Loaded>
        <CreateUserForm users />
    }
}

/// What a row asks before it acts.
#[derive(Clone, Copy, PartialEq)]
enum Asking {
    Disable,
    Delete,
}

#[component]
fn UserRow(user: UserInfo, users: LocalResource<Result<Vec<UserInfo>, ApiError>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = user.id;
    let is_me = session.0.with_untracked(|m| m.as_ref().is_some_and(|m| m.username == user.username));
    let toggle = Action::new_local(move |disabled: &bool| {
        let body = UpdateUser { disabled: Some(*disabled), ..Default::default() };
        async move { api::update_user(id, &body).await.map(|_| ()) }
    });
    let delete = Action::new_local(move |_: &()| api::delete_user(id));
    let asking = RwSignal::new(None::<Asking>);
    Effect::new(move |_| {
        if matches!(toggle.value().get(), Some(Ok(()))) || matches!(delete.value().get(), Some(Ok(()))) {
            users.refetch();
        }
    });
    let (toggle_error, delete_error) = (error_of(toggle), error_of(delete));
    let error = Signal::derive(move || toggle_error.get().or_else(|| delete_error.get()));
    let state = if user.disabled {
        Msg::StateDisabled
    } else if user.must_change_password {
        Msg::StateMustChange
    } else {
        Msg::StateActive
    };
    let disabled = user.disabled;
    let name = user.username.clone();
    let confirm_id = StoredValue::new(format!("user-{}-confirm", user.id));
    let question = {
        let name = name.clone();
        Signal::derive(move || match asking.get() {
            Some(Asking::Disable) => confirm_disable_user(&name, lang()),
            _ => confirm_delete_user(&name, lang()),
        })
    };
    let ask = move |what: Asking| asking.set(Some(what));
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
            <td class="nowrap">{local_time(user.created_at)}</td>
            <td class="actions">
                <Show when=move || !is_me>
                    <div class="stack">
                        <div class="row">
                            // Enabling gives access back: no question. Disabling takes it away: asked first.
                            <button
                                class="button"
                                aria-label={
                                    let name = name.clone();
                                    move || format!("{} {name}", if disabled { Msg::Enable.text(lang()) } else { Msg::Disable.text(lang()) })
                                }
                                aria-expanded=move || (!disabled).then(|| (asking.get() == Some(Asking::Disable)).to_string())
                                disabled=move || toggle.pending().get()
                                on:click=move |_| if disabled { toggle.dispatch(false); } else { ask(Asking::Disable) }
                            >
                                {if disabled { t(Msg::Enable)() } else { t(Msg::Disable)() }}
                            </button>
                            <button
                                class="button"
                                aria-label={
                                    let name = name.clone();
                                    move || format!("{} {name}", Msg::Delete.text(lang()))
                                }
                                aria-expanded=move || (asking.get() == Some(Asking::Delete)).to_string()
                                on:click=move |_| ask(Asking::Delete)
                            >
                                {t(Msg::Delete)}
                            </button>
                        </div>
                        <Show when=move || asking.get().is_some()>
                            <ConfirmStep
                                id=confirm_id.get_value()
                                question
                                busy=Signal::derive(move || toggle.pending().get() || delete.pending().get())
                                on_confirm=Callback::new(move |_| {
                                    match asking.get_untracked() {
                                        Some(Asking::Disable) => { toggle.dispatch(true); }
                                        Some(Asking::Delete) => { delete.dispatch(()); }
                                        None => {}
                                    }
                                    asking.set(None);
                                })
                                on_cancel=Callback::new(move |_| asking.set(None))
                            />
                        </Show>
                    </div>
                </Show>
            </td>
        </tr>
    }
}

/// Adds a user. The button is always there: a submit with errors says what
/// to fix at each field, lists it, and moves focus to the first.
#[component]
fn CreateUserForm(users: LocalResource<Result<Vec<UserInfo>, ApiError>>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let create = Action::new_local(|body: &CreateUser| api::create_user(body));
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            for s in [username, display, password] {
                s.set(String::new());
            }
            attempted.set(false);
            users.refetch();
        }
    });
    // A field's error shows once typed in, or after a submit.
    let checked = move |value: RwSignal<String>, rule: fn(&str) -> Result<(), rules::RuleError>, subject: Subject| {
        let v = value.get();
        rule(&v).err().map(|e| rule_error_about(subject, &e, lang()))
    };
    let name_rule = move || checked(username, rules::username, Subject::Username);
    let display_rule = move || checked(display, rules::display_name, Subject::DisplayName);
    let pw_rule = move || checked(password, rules::password, Subject::Password);
    let shown = move |value: RwSignal<String>, err: Option<String>| {
        (attempted.get() || !value.get().is_empty()).then_some(err).flatten()
    };
    let name_error = move || shown(username, name_rule());
    let display_error = move || shown(display, display_rule());
    let pw_error = move || shown(password, pw_rule());
    let errors = Signal::derive(move || {
        let lang = lang();
        [
            ("new-username", Msg::Username, name_rule()),
            ("new-display-name", Msg::DisplayName, display_rule()),
            ("new-initial-password", Msg::InitialPassword, pw_rule()),
        ]
        .into_iter()
        .filter_map(|(id, label, err)| err.map(|m| FormError::new(id, label.text(lang), m)))
        .collect::<Vec<_>>()
    });
    view! {
        <form
            class="form"
            aria-labelledby="create-user-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                attempted.set(true);
                if !focus_first(&errors.get_untracked()) {
                    create.dispatch(CreateUser {
                        username: username.get_untracked(),
                        display_name: display.get_untracked(),
                        password: password.get_untracked(),
                    });
                }
            }
        >
            <h2 id="create-user-title">{t(Msg::CreateUserTitle)}</h2>
            <Field id="new-username" label=Msg::Username error=Signal::derive(name_error)>
                <input
                    id="new-username"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=username
                    aria-describedby="new-username-error"
                    aria-invalid=move || name_error().is_some().to_string()
                />
            </Field>
            <Field id="new-display-name" label=Msg::DisplayName error=Signal::derive(display_error)>
                <input
                    id="new-display-name"
                    autocomplete="off"
                    bind:value=display
                    aria-describedby="new-display-name-error"
                    aria-invalid=move || display_error().is_some().to_string()
                />
            </Field>
            <Field
                id="new-initial-password"
                label=Msg::InitialPassword
                help=Msg::InitialPasswordHelp
                error=Signal::derive(pw_error)
            >
                <input
                    id="new-initial-password"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=password
                    aria-describedby="new-initial-password-help new-initial-password-error"
                    aria-invalid=move || pw_error().is_some().to_string()
                />
            </Field>
            <ErrorSummary id="create-user-summary" errors shown=attempted />
            <ErrorNote error=error_of(create) />
            <div>
                <button class="button primary" type="submit" disabled=move || create.pending().get()>
                    {t(Msg::AddUser)}
                </button>
            </div>
        </form>
    }
}
