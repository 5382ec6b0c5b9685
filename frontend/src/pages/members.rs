//! An environment's members and roles (R-ENV-2). Owners manage them; everyone
//! else sees the same page read-only, with the reason on every control.

use console_shared::dto::{AddMember, ApiError, Member, SetRole};
use console_shared::permissions::{Endpoint, Role};
use leptos::prelude::*;

use crate::api;
use crate::components::{ConfirmStep, ErrorNote, Reason, TableScroll, not_ready};
use crate::i18n::{Msg, confirm_remove_member, confirm_role_change, lang, role_name, t};
use crate::pages::env_layout::EnvCtx;

fn members_url(env: &str) -> String {
    format!("/api/envs/{}/members", api::enc(env))
}

#[component]
pub fn Members() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let members = LocalResource::new(move || {
        let env = ctx.env_id.get();
        async move { api::get::<Vec<Member>>(&members_url(&env)).await }
    });
    // Owners manage members (R-ENV-7: production stays strict this way).
    let why_not = Signal::derive(move || ctx.denial(Endpoint::AddMember.rule().need).filter(|r| !r.is_empty()));
    let locked = move || ctx.denial(Endpoint::AddMember.rule().need).is_some();

    view! {
        <section class="stack" aria-labelledby="members-title">
            <h2 id="members-title">{t(Msg::MembersTitle)}</h2>
            <p class="muted">{t(Msg::RolesExplain)}</p>
            <Reason id="members-why" text=why_not />
            {move || match not_ready(members.get()) {
                Err(pending) => pending,
                Ok(list) if list.is_empty() => view! { <p>{t(Msg::NoMembers)}</p> }.into_any(),
                Ok(list) => {
                    view! {
                        <TableScroll label=Signal::derive(move || t(Msg::MembersTitle)().to_string())>
                        <table class="table">
                            <caption class="sr-only">{t(Msg::MembersTitle)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::ColUser)}</th>
                                    <th scope="col">{t(Msg::Role)}</th>
                                    <th scope="col">
                                        <span class="sr-only">{t(Msg::Remove)}</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|m| view! { <MemberRow member=m locked members /> })
                                    .collect_view()}
                            </tbody>
                        </table>
                        </TableScroll>
                    }
                        .into_any()
                }
            }}
        </section>
        <AddMemberForm locked members />
    }
}

fn role_options(selected: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(move |r| {
            view! {
                <option value=r.name() selected=r == selected>
                    {move || role_name(Some(r), lang())}
                </option>
            }
        })
        .collect_view()
}

#[component]
fn MemberRow(
    member: Member,
    locked: impl Fn() -> bool + Copy + Send + Sync + 'static,
    members: LocalResource<Result<Vec<Member>, ApiError>>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let url = format!("{}/{}", members_url(&ctx.env_id.get_untracked()), member.user_id);
    let change = {
        let url = url.clone();
        Action::new_local(move |role: &Role| {
            let (url, body) = (url.clone(), SetRole { role: *role });
            async move { api::json::<SetRole, Member>("PUT", &url, Some(&body)).await.map(|_| ()) }
        })
    };
    let remove = Action::new_local(move |_: &()| {
        let url = url.clone();
        async move { api::no_content::<()>("DELETE", &url, None).await }
    });
    Effect::new(move |_| {
        let changed = matches!(change.value().get(), Some(Ok(())));
        let removed = matches!(remove.value().get(), Some(Ok(())));
        if changed || removed {
            members.refetch();
        }
    });
    let error = Signal::derive(move || {
        change.value().get().and_then(Result::err).or_else(|| remove.value().get().and_then(Result::err))
    });
    let select_id = format!("role-{}", member.user_id);
    let label = {
        let who = member.display_name.clone();
        move || format!("{} {who}", Msg::RoleOf.text(lang()))
    };
    let described = move || locked().then_some("members-why");
    // Both a role change and a removal are asked first: the select shows the
    // choice, and goes back if the user cancels.
    let current = member.role;
    let chosen = RwSignal::new(current);
    let removing = RwSignal::new(false);
    let who = member.display_name.clone();
    let role_question = {
        let who = who.clone();
        Signal::derive(move || confirm_role_change(&who, Some(current), chosen.get(), lang()))
    };
    let remove_question = {
        let who = who.clone();
        Signal::derive(move || confirm_remove_member(&who, &ctx.env_id.get(), lang()))
    };
    view! {
        <tr>
            <td>
                {member.display_name.clone()} " " <span class="muted">"@" {member.username.clone()}</span>
                <ErrorNote error=error />
            </td>
            <td>
                <label for=select_id.clone() class="sr-only">{label}</label>
                <select
                    id=select_id
                    disabled=locked
                    aria-describedby=described
                    prop:value=move || chosen.get().name()
                    on:change=move |ev| {
                        if let Some(role) = Role::parse(&event_target_value(&ev)) {
                            chosen.set(role);
                        }
                    }
                >
                    {role_options(member.role)}
                </select>
                <Show when=move || chosen.get() != current>
                    <ConfirmStep
                        id=format!("role-{}-confirm", member.user_id)
                        question=role_question
                        busy=change.pending()
                        on_confirm=Callback::new(move |_| { change.dispatch(chosen.get_untracked()); })
                        on_cancel=Callback::new(move |_| chosen.set(current))
                    />
                </Show>
            </td>
            <td>
                <button
                    class="button"
                    disabled=move || locked() || remove.pending().get()
                    aria-describedby=described
                    aria-expanded=move || removing.get().to_string()
                    aria-label={
                        let username = member.username.clone();
                        move || format!("{} {username}", Msg::Remove.text(lang()))
                    }
                    on:click=move |_| removing.set(true)
                >
                    {t(Msg::Remove)}
                </button>
                <Show when=move || removing.get()>
                    <ConfirmStep
                        id=format!("remove-{}-confirm", member.user_id)
                        question=remove_question
                        busy=remove.pending()
                        on_confirm=Callback::new(move |_| {
                            removing.set(false);
                            remove.dispatch(());
                        })
                        on_cancel=Callback::new(move |_| removing.set(false))
                    />
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn AddMemberForm(
    locked: impl Fn() -> bool + Copy + Send + Sync + 'static,
    members: LocalResource<Result<Vec<Member>, ApiError>>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Developer);
    let add = Action::new_local(move |body: &AddMember| {
        let (url, body) = (members_url(&ctx.env_id.get_untracked()), body.clone());
        async move { api::json::<AddMember, Member>("POST", &url, Some(&body)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            username.set(String::new());
            members.refetch();
        }
    });
    let described = move || locked().then_some("members-why");
    view! {
        <form
            class="stack inline-form"
            aria-labelledby="add-member-title"
            on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddMember { username: username.get_untracked().trim().to_string(), role: role.get_untracked() });
            }
        >
            <h3 id="add-member-title" class="h3">{t(Msg::AddMemberTitle)}</h3>
            <div class="row">
                <div class="field">
                    <label for="member-username">{t(Msg::Username)}</label>
                    <input
                        id="member-username"
                        autocomplete="off"
                        required
                        bind:value=username
                        disabled=locked
                        aria-describedby=described
                    />
                </div>
                <div class="field">
                    <label for="member-role">{t(Msg::Role)}</label>
                    <select
                        id="member-role"
                        disabled=locked
                        aria-describedby=described
                        on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }
                    >
                        {role_options(Role::Developer)}
                    </select>
                </div>
                <button
                    class="button primary"
                    type="submit"
                    disabled=move || locked() || add.pending().get()
                    aria-describedby=described
                >
                    {t(Msg::Add)}
                </button>
            </div>
            <ErrorNote error=Signal::derive(move || add.value().get().and_then(Result::err)) />
        </form>
    }
}
