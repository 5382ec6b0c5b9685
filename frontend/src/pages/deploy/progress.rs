//! Following one deploy: a stepper with each step's state and elapsed time,
//! the log following its tail, the connection's state, the outcome with what
//! to do next, and cancel (R-DEP-3). Leaving and coming back replays
//! everything from the start.

use console_shared::actions::{OperateServerManage, OperateServerManageRequest};
use leptos::prelude::*;

use super::stream::{Outcome, Sinks, connect};
use super::{Deploy, style};
use crate::api;
use crate::components::{ErrorNote, Link, Reason, error_of, local_log_line, zone};
use crate::i18n::{
    Ending, Msg, answers_at, deploy_outcome, deploy_title, duration_text, fail_reason_text, lang, step_name, t,
    task_number, times_note,
};
use crate::pages::env_layout::EnvCtx;

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[component]
pub fn Progress(deploy: Deploy) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let sinks = Sinks::new();
    let reconnect = connect(api::deploy_events_url(&deploy.env, &deploy.service, deploy.task), sinks);
    let link = sinks.link;

    let cancel = {
        let (env, service, task) = (deploy.env.clone(), deploy.service.clone(), deploy.task);
        Action::new_local(move |_: &()| {
            let req = OperateServerManageRequest {
                env_id: env.clone(),
                server_name: service.clone(),
                task_id: task,
                operate_type: "cancel".into(),
                operator_remark: None,
            };
            api::cloud::<OperateServerManage>(&req)
        })
    };
    let may_not = move || ctx.denial_of::<OperateServerManage>().is_some();
    let why_not = Signal::derive(move || ctx.denial_of::<OperateServerManage>().filter(|r| !r.is_empty()));
    let title = {
        let (change, version, service) = (deploy.change.clone(), deploy.version.clone(), deploy.service.clone());
        move || deploy_title(&change, &version, &service, lang())
    };
    let task = deploy.task;

    view! {
        <section class="stack" aria-labelledby="deploy-title">
            <div class="page-head">
                <div>
                    <h2 id="deploy-title">{title}</h2>
                    <p class="muted">{move || task_number(task, lang())}</p>
                </div>
                <p class=style::link role="status" data-testid="link-state">
                    {move || link.get().text(lang())}
                </p>
            </div>
            <Show when=move || link.get() == Link::Closed>
                <div>
                    <button class="button" type="button" on:click=move |_| reconnect()>{t(Msg::Reconnect)}</button>
                </div>
            </Show>
            <Stepper sinks />
            {move || sinks.outcome.get().map(|o| view! { <OutcomeBanner outcome=o deploy=deploy.clone() /> })}
            <Show when=move || sinks.outcome.with(Option::is_none)>
                <div class="stack">
                    <p class="help" id="cancel-explain">{t(Msg::CancelExplain)}</p>
                    <Reason id="cancel-why" text=why_not />
                    <div>
                        <button
                            class="button"
                            disabled=move || cancel.pending().get() || may_not()
                            aria-describedby=move || if why_not.with(Option::is_some) { "cancel-explain cancel-why" } else { "cancel-explain" }
                            on:click=move |_| { cancel.dispatch(()); }
                        >
                            {move || if cancel.pending().get() { t(Msg::Cancelling)() } else { t(Msg::CancelDeploy)() }}
                        </button>
                    </div>
                    <ErrorNote error=error_of(cancel) />
                </div>
            </Show>
            <LogView logs=sinks.logs live=true />
        </section>
    }
}

/// How it ended, naming the versions, with the domain after a success.
#[component]
fn OutcomeBanner(outcome: Outcome, deploy: Deploy) -> impl IntoView {
    let (ending, class) = match outcome.status.as_str() {
        "finished" => (Ending::Succeeded, "notice ok"),
        "cancelled" => (Ending::Cancelled, "notice"),
        "failed" => (Ending::Failed, "error-note"),
        // A gray update: deployed, and its release stays open.
        "running" => (Ending::GrayOpen, "notice ok"),
        _ => (Ending::Unknown, "error-note"),
    };
    let version = if outcome.version.is_empty() { deploy.version.clone() } else { outcome.version.clone() };
    let previous = deploy.previous.clone();
    let domain = deploy.domain.clone();
    let service_href = format!("/envs/{}/services/{}", deploy.env, deploy.service);
    view! {
        <div class=class role="alert" data-testid="deploy-outcome">
            <p><strong>{move || deploy_outcome(ending, &version, &previous, lang())}</strong></p>
            {(matches!(ending, Ending::Succeeded | Ending::GrayOpen) && !domain.is_empty()).then(|| view! {
                <p>
                    {move || answers_at(lang())} " "
                    <a class="break" href=domain.clone() target="_blank" rel="noopener noreferrer">{domain.clone()}</a>
                </p>
            })}
            {(!outcome.fail_reason.is_empty() && ending != Ending::Cancelled).then(|| {
                let reason = outcome.fail_reason.clone();
                view! { <p>{move || fail_reason_text(&reason, lang())}</p> }
            })}
            <p><a class="button" href=service_href>{t(Msg::BackToService)}</a></p>
        </div>
    }
}

/// The steps, each with its state and elapsed time (ticking while it runs).
#[component]
fn Stepper(sinks: Sinks) -> impl IntoView {
    let now = RwSignal::new(now_secs());
    if let Ok(handle) = set_interval_with_handle(move || now.set(now_secs()), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <ol class=style::stepper aria-label=t(Msg::DeployTitle)>
            {move || {
                sinks
                    .steps
                    .get()
                    .into_iter()
                    .map(|s| {
                        let label = match s.status.as_str() {
                            "running" => Msg::StepRunning,
                            "finished" => Msg::StepFinished,
                            "failed" => Msg::StepFailed,
                            "cancelled" => Msg::StepCancelled,
                            _ => Msg::StepTodo,
                        };
                        let status = s.status.clone();
                        let data_status = s.status.clone();
                        let fail_reason = s.fail_reason.clone();
                        let name = s.name.clone();
                        let elapsed = move || match (s.start, s.end, status.as_str()) {
                            (Some(a), Some(b), _) => duration_text(b - a, lang()),
                            (Some(a), None, "running") => duration_text(now.get() - a, lang()),
                            _ => String::new(),
                        };
                        view! {
                            <li class=style::step data-status=data_status>
                                <span class=style::dot aria-hidden="true"></span>
                                <span class=style::step_name>{move || step_name(&name, lang())}</span>
                                <span class=style::step_state>{t(label)} " " <span class="muted">{elapsed}</span></span>
                                {(!fail_reason.is_empty()).then(|| view! {
                                    <span class=style::reason_line>{move || fail_reason_text(&fail_reason, lang())}</span>
                                })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// A monospace log that follows its tail until the user scrolls up.
#[component]
pub(super) fn LogView(
    logs: RwSignal<Vec<String>>,
    /// Lines still arrive (a running deploy): say that the view follows them.
    live: bool,
) -> impl IntoView {
    let pre = NodeRef::<leptos::html::Pre>::new();
    // A finished log opens at its first line; a live one follows its tail.
    let follow = RwSignal::new(live);
    Effect::new(move |_| {
        logs.track();
        if follow.get_untracked()
            && let Some(el) = pre.get()
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <section class="stack" aria-labelledby="log-title">
            <h3 id="log-title" class="h3">{t(Msg::BuildLog)}</h3>
            {live.then(|| view! { <p class="help">{t(Msg::FollowingLog)}</p> })}
            <p class="help">{move || times_note(&zone(), lang())}</p>
            <pre
                class=style::log
                node_ref=pre
                role="log"
                tabindex="0"
                aria-labelledby="log-title"
                on:scroll=move |_| {
                    if let Some(el) = pre.get() {
                        follow.set(el.scroll_top() + el.client_height() >= el.scroll_height() - 8);
                    }
                }
            >
                {move || logs.with(|lines| lines.iter().map(|l| local_log_line(l)).collect::<Vec<_>>().join("\n"))}
            </pre>
        </section>
    }
}
