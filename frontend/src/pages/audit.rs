//! The audit log: one environment's (owners) or everything (admins), with
//! filters and a CSV export of exactly what is shown.

use console_shared::dto::AuditEntry;
use console_shared::permissions::Endpoint;
use leptos::prelude::*;

use crate::api::{self, AuditQuery};
use crate::components::{
    Col, DataTable, Field, Keyed, Loaded, PageHead, Reason, focus_by_id, local_time, parse_local, zone,
};
use crate::i18n::{Msg, audit_action, audit_detail, lang, t, times_note, via_token};
use crate::pages::env_layout::EnvCtx;
use crate::state::Session;

/// The filters as typed: the times as the `datetime-local` inputs hold them.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    user: String,
    action: String,
    outcome: String,
    from: String,
    to: String,
}

impl Filters {
    fn query(&self, env: Option<String>) -> AuditQuery {
        AuditQuery {
            env,
            user: self.user.clone(),
            action: self.action.clone(),
            outcome: self.outcome.clone(),
            from: parse_local(&self.from),
            to: parse_local(&self.to),
        }
    }
}

/// `/envs/:env/audit`: the environment's log, for its owners.
#[component]
pub fn EnvAudit() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let why_not = Signal::derive(move || ctx.denial(Endpoint::ReadEnvAudit.rule().need).filter(|r| !r.is_empty()));
    view! {
        <Show
            when=move || ctx.denial(Endpoint::ReadEnvAudit.rule().need).is_none()
            fallback=move || view! { <Reason id="audit-why" text=why_not /> }
        >
            <AuditLog env=Some(ctx.env_id.get_untracked()) />
        </Show>
    }
}

/// `/audit`: everything, for platform admins.
#[component]
pub fn AllAudit() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <PageHead title=Msg::AuditTitle />
        <Show when=move || session.is_admin() fallback=|| view! { <p class="reason">{t(Msg::OnlyAdmins)}</p> }>
            <AuditLog env=None />
        </Show>
    }
}

#[component]
fn AuditLog(env: Option<String>) -> impl IntoView {
    let draft = RwSignal::new(Filters::default());
    let applied = RwSignal::new(Filters::default());
    let env_for_query = env.clone();
    let query = Memo::new(move |_| applied.with(|f| f.query(env_for_query.clone())));
    // The pages walked so far: each is the `before` cursor that opened it
    // (the newest page has none), so "Newer" goes back one step.
    let cursors = RwSignal::new(Vec::<i64>::new());
    let entries = LocalResource::new(move || query.with(|q| api::audit_page(q, cursors.with(|c| c.last().copied()))));
    let field = |label: Msg,
                 id: &'static str,
                 kind: &'static str,
                 get: fn(&Filters) -> String,
                 set: fn(&mut Filters, String)| {
        view! {
            <Field id=id label zoned={kind == "datetime-local"}>
                <input
                    id=id
                    type=kind
                    prop:value=move || draft.with(get)
                    on:input=move |ev| draft.update(|f| set(f, event_target_value(&ev)))
                />
            </Field>
        }
    };
    view! {
        <section class="stack" aria-labelledby="audit-title">
            // Focusable from script: after a page change, reading starts at the top.
            <h2 id="audit-title" tabindex="-1" class:sr-only=env.is_none()>{t(Msg::AuditTitle)}</h2>
            <p class="muted">{t(Msg::AuditIntro)} " " {move || times_note(&zone(), lang())}</p>
            <form
                class="filters"
                on:submit=move |ev| {
                    ev.prevent_default();
                    cursors.set(Vec::new());
                    applied.set(draft.get_untracked());
                }
            >
                {field(Msg::FilterUser, "audit-user", "text", |f| f.user.clone(), |f, v| f.user = v)}
                {field(Msg::FilterAction, "audit-action", "text", |f| f.action.clone(), |f, v| f.action = v)}
                <Field id="audit-outcome" label=Msg::FilterOutcome>
                    <select
                        id="audit-outcome"
                        on:change=move |ev| draft.update(|f| f.outcome = event_target_value(&ev))
                    >
                        <option value="">{t(Msg::Any)}</option>
                        <option value="allowed">{t(Msg::OutcomeAllowed)}</option>
                        <option value="denied">{t(Msg::OutcomeDenied)}</option>
                        <option value="failed">{t(Msg::OutcomeFailed)}</option>
                    </select>
                </Field>
                {field(Msg::FilterFrom, "audit-from", "datetime-local", |f| f.from.clone(), |f, v| f.from = v)}
                {field(Msg::FilterTo, "audit-to", "datetime-local", |f| f.to.clone(), |f, v| f.to = v)}
                <div class="filter-actions">
                    <button class="button primary" type="submit">{t(Msg::Apply)}</button>
                    // A plain link: the browser downloads what the filters select.
                    <a class="button" href=move || query.with(api::audit_export_url) download="audit.csv">
                        {t(Msg::ExportCsv)}
                    </a>
                </div>
            </form>
            <Loaded value=entries let:page>
                <Show
                    when=move || page.with(|p| !p.entries.is_empty())
                    fallback=|| view! { <p>{t(Msg::NoAuditEntries)}</p> }
                >
                    <AuditTable entries=Signal::derive(move || page.with(|p| p.entries.clone())) />
                    <nav class="row" aria-label=move || t(Msg::AuditPages)>
                        <button class="button" type="button" disabled=move || cursors.with(Vec::is_empty)
                            on:click=move |_| { cursors.update(|c| { c.pop(); }); focus_by_id("audit-title"); }>
                            {t(Msg::NewerEntries)}
                        </button>
                        <button class="button" type="button" disabled=move || page.with(|p| p.next_before.is_none())
                            on:click=move |_| if let Some(b) = untrack(|| page.with(|p| p.next_before)) {
                                cursors.update(|c| c.push(b));
                                focus_by_id("audit-title");
                            }>
                            {t(Msg::OlderEntries)}
                        </button>
                    </nav>
                </Show>
            </Loaded>
        </section>
    }
}

#[component]
fn AuditTable(entries: Signal<Vec<AuditEntry>>) -> impl IntoView {
    let outcome = |o: &str| match o {
        "allowed" => Msg::OutcomeAllowed,
        "denied" => Msg::OutcomeDenied,
        _ => Msg::OutcomeFailed,
    };
    const COLUMNS: &[Col] = &[
        Col::Time(Msg::ColTime),
        Col::Text(Msg::ColUser),
        Col::Text(Msg::ColEnv),
        Col::Text(Msg::FilterAction),
        Col::Text(Msg::FilterOutcome),
        Col::Text(Msg::ColDetail),
        Col::Text(Msg::RequestId),
    ];
    view! {
        <DataTable title=Msg::AuditTitle columns=COLUMNS>
            // An entry never changes once written: its id is its key.
            <Keyed each=move || entries.get() key=|e| e.id let:e>
                {
                    let ok = e.outcome == "allowed";
                    let msg = outcome(&e.outcome);
                    let (action, detail) = (e.action, e.detail);
                    // A call made with a personal access token names it beside its owner.
                    let via = e.via_token.map(|name| view! { <br /> <span class="muted">{move || via_token(&name, lang())}</span> });
                    let named = action.clone();
                    let shown = move || audit_detail(&action, &detail, lang());
                    view! {
                        <tr>
                            <td class="nowrap">{local_time(e.at)}</td>
                            <td>{e.username} {via}</td>
                            <td>
                                <code>{e.env_id.unwrap_or_default()}</code>
                            </td>
                            // The recorded name stays: the action filter takes it.
                            <td>
                                {move || match audit_action(&named, lang()) {
                                    Some(label) => view! { {label} <br /> <span class="muted">{named.clone()}</span> }.into_any(),
                                    None => named.clone().into_any(),
                                }}
                            </td>
                            <td>
                                <span class="badge" class:ok=ok class:bad=!ok>{t(msg)}</span>
                            </td>
                            <td class="wrap">{shown}</td>
                            <td>
                                <code>{e.request_id.unwrap_or_default()}</code>
                            </td>
                        </tr>
                    }
                }
            </Keyed>
        </DataTable>
    }
}
