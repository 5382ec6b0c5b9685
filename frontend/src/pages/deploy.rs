//! Live deploy progress (R-DEP-1): a stepper with each step's state and
//! elapsed time, the log following its tail, the connection's state, the
//! outcome with what to do next, and cancel (R-DEP-3). Leaving and coming
//! back replays everything from the start; a dropped connection resumes from
//! the last event id (the browser's EventSource sends `Last-Event-ID`).

use console_shared::actions::{OperateServerManage, OperateServerManageRequest};
use console_shared::dto::DeployEvent;
use console_shared::permissions::{Need, Role};
use console_shared::time::parse_cst;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api;
use crate::components::{ErrorNote, Reason};
use crate::i18n::{Msg, lang, step_name, t};
use crate::pages::env_layout::EnvCtx;

stylance::import_crate_style!(style, "src/pages/deploy.module.css");

#[derive(Clone, Default, PartialEq)]
struct Step {
    name: String,
    status: String,
    start: Option<i64>,
    end: Option<i64>,
    fail_reason: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Link {
    Connecting,
    Live,
    Reconnecting,
    Resumed,
    Ended,
}

#[derive(Clone, PartialEq)]
struct Outcome {
    status: String,
    fail_reason: String,
    version: String,
}

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn duration(secs: i64) -> String {
    if secs < 60 { format!("{secs} s") } else { format!("{} min {} s", secs / 60, secs % 60) }
}

#[component]
pub fn DeployProgress() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let params = use_params_map();
    let service = params.with_untracked(|p| p.get("service").unwrap_or_default());
    let task: i64 = params.with_untracked(|p| p.get("task").and_then(|t| t.parse().ok()).unwrap_or(0));
    let env = ctx.env_id.get_untracked();

    let steps: RwSignal<Vec<Step>> = RwSignal::new(Vec::new());
    let logs: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let link = RwSignal::new(Link::Connecting);
    let outcome: RwSignal<Option<Outcome>> = RwSignal::new(None);
    let now = RwSignal::new(now_secs());

    let url = format!("/api/envs/{}/services/{}/tasks/{task}/events", api::enc(&env), api::enc(&service));
    if let Ok(source) = web_sys::EventSource::new(&url) {
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(data) = ev.data().as_string() else {
                return;
            };
            match serde_json::from_str::<DeployEvent>(&data) {
                Ok(DeployEvent::Step { index, name, status, start_time, end_time, fail_reason }) => steps.update(|s| {
                    if s.len() <= index {
                        s.resize(index + 1, Step::default());
                    }
                    s[index] =
                        Step { name, status, start: parse_cst(&start_time), end: parse_cst(&end_time), fail_reason };
                }),
                Ok(DeployEvent::Log { line }) => logs.update(|l| l.push(line)),
                Ok(DeployEvent::Done { status, fail_reason, version }) => {
                    outcome.set(Some(Outcome { status, fail_reason, version }));
                    link.set(Link::Ended);
                }
                Err(_) => {}
            }
        });
        for kind in ["step", "log", "done"] {
            let _ = source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        let source_for_done = source.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            link.update(|l| *l = if *l == Link::Reconnecting { Link::Resumed } else { Link::Live });
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut()>::new(move || {
            // After `done` the server closes the stream: stop, do not reconnect.
            if outcome.with_untracked(Option::is_some) {
                source_for_done.close();
                link.set(Link::Ended);
            } else {
                link.set(Link::Reconnecting);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let held = send_wrapper::SendWrapper::new((source, on_event, on_open, on_error));
        on_cleanup(move || held.take().0.close());
    }
    // Elapsed times of running steps tick once a second.
    if let Ok(handle) = set_interval_with_handle(move || now.set(now_secs()), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }

    let cancel = {
        let (env, service) = (env.clone(), service.clone());
        Action::new_local(move |_: &()| {
            let req = OperateServerManageRequest {
                env_id: env.clone(),
                server_name: service.clone(),
                task_id: task,
                operate_type: "cancel".into(),
                operator_remark: None,
            };
            async move { api::cloud::<OperateServerManage>(&req).await }
        })
    };
    let why_not = Signal::derive(move || ctx.denial(Need::EnvRole(Role::Developer)).filter(|r| !r.is_empty()));
    let service_href = format!("/envs/{env}/services/{service}");

    view! {
        <section class="stack" aria-labelledby="deploy-title">
            <div class="page-head">
                <h2 id="deploy-title">{t(Msg::DeployTitle)} " · " {service.clone()} " · #" {task}</h2>
                <p class=style::link role="status" data-testid="link-state">
                    {move || match link.get() {
                        Link::Connecting => t(Msg::Loading)(),
                        Link::Live => t(Msg::Live)(),
                        Link::Reconnecting => t(Msg::Reconnecting)(),
                        Link::Resumed => t(Msg::Resumed)(),
                        Link::Ended => "",
                    }}
                </p>
            </div>
            <ol class=style::stepper aria-label=t(Msg::DeployTitle)>
                {move || {
                    steps
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
                                (Some(a), Some(b), _) => duration(b - a),
                                (Some(a), None, "running") => duration(now.get() - a),
                                _ => String::new(),
                            };
                            view! {
                                <li class=style::step data-status=data_status>
                                    <span class=style::dot aria-hidden="true"></span>
                                    <span class=style::step_name>{move || step_name(&name, lang())}</span>
                                    <span class=style::step_state>{t(label)} " " <span class="muted">{elapsed}</span></span>
                                    {(!fail_reason.is_empty()).then(|| view! { <span class=style::reason_line>{fail_reason.clone()}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            {move || outcome.get().map(|o| {
                let (msg, class) = match o.status.as_str() {
                    "finished" => (Msg::DeploySucceeded, "notice ok"),
                    "cancelled" => (Msg::DeployCancelled, "notice"),
                    _ => (Msg::DeployFailed, "error-note"),
                };
                view! {
                    <div class=class role="alert" data-testid="deploy-outcome">
                        <p><strong>{t(msg)}</strong> " " {o.version.clone()}</p>
                        {(!o.fail_reason.is_empty()).then(|| view! { <p>{o.fail_reason.clone()}</p> })}
                        <p><a class="button" href=service_href.clone()>{t(Msg::BackToService)}</a></p>
                    </div>
                }
            })}
            <Show when=move || outcome.with(Option::is_none)>
                <div class="stack">
                    <p class="help" id="cancel-explain">{t(Msg::CancelExplain)}</p>
                    <Reason id="cancel-why" text=why_not />
                    <div>
                        <button
                            class="button"
                            disabled=move || cancel.pending().get() || ctx.denial(Need::EnvRole(Role::Developer)).is_some()
                            aria-describedby=move || if why_not.with(Option::is_some) { "cancel-explain cancel-why" } else { "cancel-explain" }
                            on:click=move |_| { cancel.dispatch(()); }
                        >
                            {move || if cancel.pending().get() { t(Msg::Cancelling)() } else { t(Msg::CancelDeploy)() }}
                        </button>
                    </div>
                    <ErrorNote error=Signal::derive(move || cancel.value().get().and_then(Result::err)) />
                </div>
            </Show>
            <LogView logs />
        </section>
    }
}

/// A monospace log that follows its tail until the user scrolls up.
#[component]
fn LogView(logs: RwSignal<Vec<String>>) -> impl IntoView {
    let pre = NodeRef::<leptos::html::Pre>::new();
    let follow = RwSignal::new(true);
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
            <p class="help">{t(Msg::FollowingLog)}</p>
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
                {move || logs.get().join("\n")}
            </pre>
        </section>
    }
}
