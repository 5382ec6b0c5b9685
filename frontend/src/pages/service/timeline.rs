//! The timeline tab: what happened to the service, newest first (deploys,
//! settings changes, traffic changes, gray releases finished or abandoned,
//! rollbacks, scaling to zero and back) and who did each. It follows new
//! events while it is open.

use console_shared::dto::{TimelineEvent, TimelineKind};
use console_shared::time::utc_datetime;
use console_shared::vocab::{ConfigKey, RecordStatus};
use console_shared::wording::{InstanceEvent, ScaleEvent};
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{Keyed, Loaded, RowKey, local_time, poll_while, zone};
use crate::i18n::{
    Lang, Msg, error_code, instance_event_text, lang, list_text, record_status_text, scale_event_text, t, timeline_who,
    times_note, via_token,
};
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
        TimelineKind::InstanceEvent => Msg::TlInstanceEvent,
    }
}

/// How the BFF joins a refused change's detail and the cloud's error code,
/// and leads the detail of a `ReleaseGray` that finished the release
/// (`backend/src/cloud/timeline.rs`).
const FAILED_WITH: &str = "; failed: ";
const CLOSE: &str = "close: ";

/// A changed setting by its label on the settings page; CPU and memory are
/// one field there. `None` for a key that page does not show.
fn key_label(key: &ConfigKey) -> Option<Msg> {
    Some(match key {
        ConfigKey::Port => Msg::Port,
        ConfigKey::CpuSpecs | ConfigKey::MemSpecs => Msg::Spec,
        ConfigKey::MinNum => Msg::MinInstances,
        ConfigKey::MaxNum => Msg::MaxInstances,
        ConfigKey::PolicyDetails => Msg::Scaling,
        ConfigKey::EnvParam => Msg::EnvVars,
        ConfigKey::LogType => Msg::LogCollection,
        ConfigKey::LogSetId => Msg::LogSet,
        ConfigKey::LogTopicId => Msg::LogTopic,
        ConfigKey::LogParseType => Msg::LogFormat,
        ConfigKey::LogPath => Msg::LogPath,
        ConfigKey::Dockerfile => Msg::DockerfileName,
        ConfigKey::BuildDir => Msg::BuildDir,
        _ => return None,
    })
}

/// The changed settings' keys (`CpuSpecs, MemSpecs, EnvParam`) by their
/// labels, each once; a key the settings page does not show, as it is.
fn settings_text(keys: &str, lang: Lang) -> String {
    let mut labels: Vec<String> = Vec::new();
    for key in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let label = key_label(&ConfigKey::from(key)).map_or_else(|| key.to_string(), |m| m.text(lang).to_string());
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    list_text(&labels, lang)
}

/// The event's detail in the user's language: the changed settings by their
/// labels, how a version's deploy ended, a scaling event; a split or a
/// rollback's versions as they are (names and numbers); and the error code
/// of a refused change. Nothing where the kind says it all (a release
/// type, an operation).
fn detail_text(e: &TimelineEvent, lang: Lang) -> String {
    let (change, code) = match e.detail.split_once(FAILED_WITH) {
        Some((change, code)) => (change, Some(code)),
        None => (e.detail.as_str(), None),
    };
    let change = match e.kind {
        TimelineKind::Scaled => {
            ScaleEvent::parse(change).map_or_else(|| change.to_string(), |s| scale_event_text(&s, lang))
        }
        TimelineKind::InstanceEvent => {
            InstanceEvent::parse(change).map_or_else(|| change.to_string(), |e| instance_event_text(&e, lang))
        }
        TimelineKind::SettingsChanged => settings_text(change, lang),
        TimelineKind::VersionReady | TimelineKind::VersionFailed => {
            record_status_text(&RecordStatus::from(change), lang)
        }
        TimelineKind::GrayFinished => change.strip_prefix(CLOSE).unwrap_or_default().to_string(),
        TimelineKind::DeployAsked
        | TimelineKind::GrayAsked
        | TimelineKind::GrayAbandoned
        | TimelineKind::DeployCancelled => String::new(),
        TimelineKind::TrafficSplit | TimelineKind::RollbackAsked => change.to_string(),
    };
    let code = code.map(|code| error_code(code, lang));
    [Some(change), code].into_iter().flatten().filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" · ")
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
    let (who, version, via) = (event.who.clone(), event.version.clone(), event.via_token.clone());
    let detail = {
        let e = event.clone();
        move || detail_text(&e, lang())
    };
    // Whether there is anything to say does not depend on the language.
    let has_detail = !detail_text(&event, Lang::En).is_empty();
    view! {
        <li class=class data-kind=format!("{:?}", event.kind)>
            <div class="row">
                <time datetime=datetime class="muted nowrap">{local_time(at)}</time>
                <strong>{t(kind_text(event.kind))}</strong>
                {version.map(|v| view! { <code class="nowrap">{v}</code> })}
                {failed.then(|| view! { <span class="badge bad">{t(Msg::TlFailed)}</span> })}
            </div>
            <p class="help">
                {move || timeline_who(who.as_deref(), lang())}
                {via.map(|name| view! { " " {move || via_token(&name, lang())} })}
            </p>
            {has_detail.then(|| view! { <p class="break">{detail}</p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: TimelineKind, detail: &str) -> TimelineEvent {
        TimelineEvent { at: 0, kind, version: None, who: None, via_token: None, failed: false, detail: detail.into() }
    }

    #[test]
    fn details_are_said_in_the_settings_own_words() {
        let changed = event(TimelineKind::SettingsChanged, "CpuSpecs, MemSpecs, MinNum, EnvParam, LogType");
        assert_eq!(
            detail_text(&changed, Lang::En),
            "CPU / memory, Minimum instances, Environment variables, Log collection"
        );
        assert_eq!(detail_text(&changed, Lang::Zh), "CPU / 内存、最小实例数、环境变量、日志采集");
        // A key the settings page does not show stays as it is.
        assert_eq!(detail_text(&event(TimelineKind::SettingsChanged, "Port, Tag"), Lang::En), "Port, Tag");
        let ready = event(TimelineKind::VersionReady, "running");
        assert_eq!(
            (detail_text(&ready, Lang::En), detail_text(&ready, Lang::Zh)),
            ("Deployed".into(), "已部署".into())
        );
        let failed = event(TimelineKind::VersionFailed, "deploy_failed");
        assert_eq!(detail_text(&failed, Lang::Zh), "失败");
    }

    #[test]
    fn what_the_kind_says_is_not_said_again_and_a_refusal_names_its_code() {
        assert_eq!(detail_text(&event(TimelineKind::GrayAsked, "GRAY"), Lang::En), "");
        assert_eq!(detail_text(&event(TimelineKind::GrayAbandoned, "go_back"), Lang::En), "");
        let promoted = event(TimelineKind::GrayFinished, "close: shop-002 100%");
        assert_eq!(detail_text(&promoted, Lang::En), "shop-002 100%");
        let refused = event(TimelineKind::SettingsChanged, "EnvParam; failed: ResourceInUse");
        assert_eq!(detail_text(&refused, Lang::En), "Environment variables · error code ResourceInUse");
        assert_eq!(detail_text(&refused, Lang::Zh), "环境变量 · 错误码 ResourceInUse");
        let split = event(TimelineKind::TrafficSplit, "shop-001 70% · shop-002 30%");
        assert_eq!(detail_text(&split, Lang::Zh), "shop-001 70% · shop-002 30%");
    }
}
