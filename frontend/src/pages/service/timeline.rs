//! The timeline tab: what happened to the service, newest first (deploys,
//! settings changes, traffic changes, gray releases finished or abandoned,
//! rollbacks, scaling to zero and back) and who did each. It follows new
//! events while it is open.

use console_shared::dto::{TimelineEvent, TimelineKind};
use console_shared::time::utc_datetime;
use console_shared::wording::ScaleEvent;
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{Keyed, Loaded, RowKey, local_time, poll_while, zone};
use crate::i18n::{Lang, Msg, lang, scale_event_text, t, timeline_who, times_note};
use crate::pages::env_layout::{EnvCtx, named};

stylance::import_crate_style!(style, "src/pages/service/timeline.module.css");

/// What kind of event it is, in words.
fn kind_text(kind: TimelineKind) -> Msg {
    match kind {
        TimelineKind::DeployAsked => Msg::TlDeployAsked,
        TimelineKind::GrayAsked => Msg::TlGrayAsked,
        TimelineKind::SettingsChanged => Msg::TlSettingsChanged,
        TimelineKind::TrafficSplit => Msg::TlTrafficSplit,
        TimelineKind::GrayFinished => Msg::TlGrayFinished,
        TimelineKind::GrayAbandoned => Msg::TlGrayAbandoned,
        TimelineKind::DeployCancelled => Msg::TlDeployCancelled,
        TimelineKind::RollbackAsked => Msg::TlRollbackAsked,
        TimelineKind::VersionReady => Msg::TlVersionReady,
        TimelineKind::VersionFailed => Msg::TlVersionFailed,
        TimelineKind::Scaled => Msg::TlScaled,
    }
}

/// The event's detail in the user's language where the console knows its
/// words (a scaling event); otherwise as the cloud or the BFF gave it.
fn detail_text(e: &TimelineEvent, lang: Lang) -> String {
    match e.kind {
        TimelineKind::Scaled => ScaleEvent::parse(&e.detail).map(|s| scale_event_text(&s, lang)),
        _ => None,
    }
    .unwrap_or_else(|| e.detail.clone())
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let events = LocalResource::new(move || {
        let (env, service) = (ctx.env_id.get(), svc.name.get());
        async move { api::timeline(&env, &named(service).await).await }
    });
    // Live while open: the page asks again on the console's polling beat.
    poll_while(|| true, move || events.refetch());
    let events = Memo::new(move |_| events.get());
    view! {
        <section class="stack" aria-labelledby="timeline-title">
            <h3 id="timeline-title" class="h3">{t(Msg::TabTimeline)}</h3>
            <p class="help">{t(Msg::TimelineIntro)} " " {move || times_note(&zone(), lang())}</p>
            <Loaded value=events let:list>
                <Show when=move || list.with(|l| !l.is_empty()) fallback=Empty>
                    <List events=Signal::derive(move || list.get()) />
                </Show>
            </Loaded>
        </section>
    }
}

/// What to do when nothing has happened yet.
#[component]
fn Empty() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    view! {
        <div class="empty" data-testid="timeline-empty">
            <h4 class="h3">{t(Msg::TimelineEmpty)}</h4>
            <p>{t(Msg::TimelineEmptyNext)}</p>
            <a href=move || format!("/envs/{}/services/{}", ctx.env_id.get(), svc.name.get())>{t(Msg::TabOverview)}</a>
        </div>
    }
}

/// The events, newest first. A row is keyed by its place counted from the
/// oldest, so new events at the top leave the older rows as they are.
#[component]
fn List(#[prop(into)] events: Signal<Vec<TimelineEvent>>) -> impl IntoView {
    let rows = move || {
        let list = events.get();
        let n = list.len();
        list.into_iter().enumerate().map(|(i, e)| (n - i, e)).collect::<Vec<_>>()
    };
    view! {
        <ol class=style::timeline data-testid="timeline">
            <Keyed each=rows key=|(place, e)| RowKey(*place, e.clone()) let:row>
                <Event event=row.1 />
            </Keyed>
        </ol>
    }
}

#[component]
fn Event(event: TimelineEvent) -> impl IntoView {
    let failed = event.failed;
    let class = if failed { format!("{} {}", style::event, style::failed) } else { style::event.to_string() };
    // A machine-readable time for assistive tools; the text is local.
    let datetime = format!("{}Z", utc_datetime(event.at));
    let at = event.at;
    let (who, version) = (event.who.clone(), event.version.clone());
    let detail = {
        let e = event.clone();
        move || detail_text(&e, lang())
    };
    let has_detail = !event.detail.is_empty();
    view! {
        <li class=class data-kind=format!("{:?}", event.kind)>
            <div class="row">
                <time datetime=datetime class="muted nowrap">{local_time(at)}</time>
                <strong>{t(kind_text(event.kind))}</strong>
                {version.map(|v| view! { <code>{v}</code> })}
                {failed.then(|| view! { <span class="badge bad">{t(Msg::TlFailed)}</span> })}
            </div>
            <p class="help">{move || timeline_who(who.as_deref(), lang())}</p>
            {has_detail.then(|| view! { <p class="break">{detail}</p> })}
        </li>
    }
}
