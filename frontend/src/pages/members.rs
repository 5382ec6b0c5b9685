//! An environment's members and roles (R-ENV-2). Owners manage them; everyone
//! else sees the same page read-only, with the reason on every control.

use console_shared::dto::{AddMember, ApiError, Member};
use console_shared::permissions::{Endpoint, Role};
use leptos::prelude::*;

use crate::api;
use crate::components::{Col, ConfirmStep, DataTable, ErrorNote, Field, Keyed, Loaded, Reason, RowKey, error_of};
use crate::i18n::{Msg, confirm_remove_member, confirm_role_change, lang, role_name, t};
use crate::pages::env_layout::EnvCtx;

#[component]
pub fn Members() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let members = LocalResource::new(move || api::members(&ctx.env_id.get()));
    // Owners manage members (R-ENV-7: production stays strict this way).
    let why_not = Signal::derive(move || ctx.denial(Endpoint::AddMember.rule().need).filter(|r| !r.is_empty()));
    let locked = move || ctx.denial(Endpoint::AddMember.rule().need).is_some();
    const COLUMNS: &[Col] = &[Col::Text(Msg::ColUser), Col::Text(Msg::Role), Col::Hidden(Msg::Remove)];

    view! {
        <section class="stack" aria-labelledby="members-title">
            <h2 id="members-title">{t(Msg::MembersTitle)}</h2>
            <p class="muted">{t(Msg::RolesExplain)}</p>
            <Reason id="members-why" text=why_not />
            <Loaded value=members let:list>
                <Show when=move || list.with(|l| !l.is_empty()) fallback=|| view! { <p>{t(Msg::NoMembers)}</p> }>
                    <DataTable title=Msg::MembersTitle columns=COLUMNS>
                        <Keyed each=move || list.get() key=|m| RowKey(m.user_id, m.clone()) let:member>
                            <MemberRow member locked members />
                        </Keyed>
                    </DataTable>
                </Show>
            </Loaded>
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
    let (env, user_id) = (ctx.env_id.get_untracked(), member.user_id);
    let change = {
        let env = env.clone();
        Action::new_local(move |role: &Role| {
            let (env, role) = (env.clone(), *role);
            async move { api::set_role(&env, user_id, role).await.map(|_| ()) }
        })
    };
    let remove = Action::new_local(move |_: &()| api::remove_member(&env, user_id));
    Effect::new(move |_| {
        let changed = matches!(change.value().get(), Some(Ok(())));
        let removed = matches!(remove.value().get(), Some(Ok(())));
        if changed || removed {
            members.refetch();
        }
    });
    let (change_error, remove_error) = (error_of(change), error_of(remove));
    let error = Signal::derive(move || change_error.get().or_else(|| remove_error.get()));
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
    let add = Action::new_local(move |body: &AddMember| api::add_member(&ctx.env_id.get_untracked(), body));
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
                <Field id="member-username" label=Msg::Username>
                    <input
                        id="member-username"
                        autocomplete="off"
                        required
                        bind:value=username
                        disabled=locked
                        aria-describedby=described
                    />
                </Field>
                <Field id="member-role" label=Msg::Role>
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
                </Field>
                <button
                    class="button primary"
                    type="submit"
                    disabled=move || locked() || add.pending().get()
                    aria-describedby=described
                >
                    {t(Msg::Add)}
                </button>
            </div>
            <ErrorNote error=error_of(add) />
        </form>
    }
}
