//! The Logs tab's controls: the query box with its help and examples, the
//! time range, and the version and instance filters.

use console_shared::api::codes;
use console_shared::logquery::{LogField, LogQueryError};
use leptos::prelude::*;

use super::search::Span;
use super::{Results, style};
use crate::components::zone;
use crate::i18n::{Msg, colon, error_text, lang, query_error_text, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::{ServiceCtx, pod_list};

/// Queries a user can start from: a status, a level, a phrase with a
/// negation, a plain word.
const EXAMPLES: [&str; 4] = ["status:500", "level:error", r#"path:"/orders" AND NOT status:200"#, "timeout"];
const OPERATORS: [&str; 3] = ["AND", "OR", "NOT"];

/// The query box with its help and examples, the range, and the filters.
#[component]
pub(super) fn Controls(
    typed: RwSignal<String>,
    span: RwSignal<Span>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    version: RwSignal<String>,
    instance: RwSignal<String>,
    query_error: RwSignal<Option<LogQueryError>>,
    range_error: RwSignal<bool>,
    results: Results,
    apply: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let versions = Memo::new(move |_| {
        svc.detail.with(|d| {
            d.as_ref().map(|d| d.online_version_infos.iter().map(|v| v.version_name.clone()).collect::<Vec<_>>())
        })
    });
    // The instances of the chosen version (all of them without one).
    let pods = LocalResource::new(move || {
        let chosen = version.get();
        pod_list(ctx.env_id.get(), svc.name.get(), (!chosen.is_empty()).then_some(chosen))
    });
    let instances = Memo::new(move |_| match pods.get() {
        Some(Ok(list)) => list.into_iter().map(|p| p.pod_id).collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    // The search's own failure, or a query refused before it was sent.
    let refused = move || {
        let lang = lang();
        if let Some(e) = query_error.get() {
            return Some(query_error_text(&e, lang));
        }
        results.error.get().map(|e| {
            if codes::family(&e.code) == codes::INVALID_PARAMETER {
                format!("{} {}", Msg::LogsQueryRefused.text(lang), e.message)
            } else {
                error_text(&e, lang)
            }
        })
    };
    let invalid = move || refused().is_some().to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply();
    };
    let example = move |q: &'static str| {
        move |_| {
            typed.set(q.to_string());
            apply();
        }
    };
    view! {
        <form class="stack" role="search" aria-labelledby="logs-title" novalidate on:submit=submit>
            <div class="field">
                <label for="logs-query">{t(Msg::LogsQuery)}</label>
                <div class=style::query_row>
                    <input id="logs-query" type="search" class=style::query_input autocomplete="off"
                        spellcheck="false"
                        prop:value=move || typed.get()
                        aria-invalid=invalid
                        aria-describedby="logs-query-help logs-query-error"
                        on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <button type="submit" class="button primary" disabled=move || results.loading.get()>
                        {t(Msg::LogsSearch)}
                    </button>
                </div>
                <p id="logs-query-error" class="field-error" role="alert" class:hidden=move || refused().is_none()>
                    {refused}
                </p>
                <div id="logs-query-help" class="help">
                    <p>{t(Msg::LogsQueryHelp)}</p>
                    <p>
                        {t(Msg::LogsOperators)} {move || colon(lang())}
                        {OPERATORS.into_iter().map(|o| view! { <code>{o}</code> " " }).collect_view()}
                        " · " {t(Msg::LogsFields)} {move || colon(lang())}
                        {LogField::ALL.into_iter().map(|f| view! { <code>{f.name()}</code> " " }).collect_view()}
                    </p>
                </div>
                <div class=format!("chips {}", style::examples) role="group" aria-labelledby="logs-examples">
                    <span id="logs-examples" class="help">{t(Msg::LogsExamples)}</span>
                    {EXAMPLES.into_iter().map(|q| view! {
                        <button type="button" class="chip" on:click=example(q)>{q}</button>
                    }).collect_view()}
                </div>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="logs-range">{t(Msg::LogsRange)}</label>
                    <select id="logs-range" on:change=move |ev| {
                        span.set(Span::from_key(&event_target_value(&ev)));
                        if span.get_untracked() != Span::Custom {
                            apply();
                        }
                    }>
                        {Span::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=move || span.get() == s>{t(span_label(s))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || span.get() == Span::Custom>
                    <div class="field">
                        <label for="logs-from">{move || format!("{} ({})", t(Msg::RangeFrom)(), zone())}</label>
                        <input id="logs-from" type="datetime-local" prop:value=move || from.get()
                            aria-describedby="logs-range-error"
                            on:input=move |ev| from.set(event_target_value(&ev))
                            on:change=move |_| apply() />
                    </div>
                    <div class="field">
                        <label for="logs-to">{move || format!("{} ({})", t(Msg::RangeTo)(), zone())}</label>
                        <input id="logs-to" type="datetime-local" prop:value=move || to.get()
                            aria-describedby="logs-range-error"
                            on:input=move |ev| to.set(event_target_value(&ev))
                            on:change=move |_| apply() />
                    </div>
                </Show>
                <div class="field">
                    <label for="logs-version">{t(Msg::ColVersion)}</label>
                    <select id="logs-version" on:change=move |ev| {
                        version.set(event_target_value(&ev));
                        // Another version's instances are other ones.
                        instance.set(String::new());
                        apply();
                    }>
                        <option value="" selected=move || version.with(String::is_empty)>{t(Msg::LogsAllVersions)}</option>
                        {move || versions.get().unwrap_or_default().into_iter().map(|v| {
                            let (value, chosen) = (v.clone(), v.clone());
                            view! { <option value=value selected=move || version.get() == chosen>{v}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="logs-instance">{t(Msg::ColInstance)}</label>
                    <select id="logs-instance" on:change=move |ev| {
                        instance.set(event_target_value(&ev));
                        apply();
                    }>
                        <option value="" selected=move || instance.with(String::is_empty)>{t(Msg::LogsAllInstances)}</option>
                        {move || instances.get().into_iter().map(|i| {
                            let (value, chosen) = (i.clone(), i.clone());
                            view! { <option value=value selected=move || instance.get() == chosen>{i}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <p id="logs-range-error" class="field-error" role="alert" class:hidden=move || !range_error.get()>
                {move || range_error.get().then(t(Msg::RangeInvalid))}
            </p>
        </form>
    }
}

fn span_label(span: Span) -> Msg {
    match span {
        Span::Last15Min => Msg::RangeLast15Min,
        Span::LastHour => Msg::RangeLastHour,
        Span::Last24Hours => Msg::RangeLast24Hours,
        Span::Last7Days => Msg::RangeLast7Days,
        Span::Custom => Msg::RangeCustom,
    }
}
