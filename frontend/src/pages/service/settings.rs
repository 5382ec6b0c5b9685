//! The settings tab: code, run and scaling configuration, variables (secret
//! values masked) and log collection. Saving makes a new version from the
//! online version's image and deploys it (R-UPD-5), then opens its live
//! progress. Editing waits, with the reason, while an update or a gray
//! release is open (R-SVC-4). After a rollback the service runs an older
//! version's configuration: the page shows, field by field, where it differs
//! from these settings, which the next update uses (R-RB-3).

use console_shared::actions::{
    DescribeCloudRunServerDetailResponse, DescribeVersionDetail, DescribeVersionDetailRequest,
    DescribeVersionDetailResponse, ServerBaseConfig, SubmitServerConfigChangeDiff, SubmitServerConfigChangeDiffRequest,
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::diff::{Config, ConfigDiff, compare};
use super::settings_form::{self, CodeFields, RunFields, ScalingFields};
use super::settings_values::{Logs, Values, items};
use super::{RunningLink, ServiceCtx};
use crate::api;
use crate::components::{ErrorNote, ErrorSummary, Loaded, Reason, error_of, focus_first};
use crate::i18n::{Msg, lang, running_column, running_differs, t};
use crate::pages::create_service::cost::CostPreview;
use crate::pages::create_service::fields::{LogFields, ServiceForm};
use crate::pages::env_layout::{EnvCtx, named};

stylance::import_crate_style!(style, "src/pages/service/settings.module.css");

/// The version whose configuration runs: the one with the most traffic.
fn online_version(d: &DescribeCloudRunServerDetailResponse) -> Option<String> {
    d.online_version_infos
        .iter()
        .max_by_key(|v| v.flow_ratio.trim().parse::<i64>().unwrap_or(0))
        .map(|v| v.version_name.clone())
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    // The form is drawn again only when the settings change (after a save),
    // never by a poll that brings the same answer.
    let config = Memo::new(move |_| svc.detail.with(|d| d.as_ref().map(|d| d.server_config.clone())));
    let online = Memo::new(move |_| svc.detail.with(|d| d.as_ref().and_then(online_version)));
    let ask = LocalResource::new(move || {
        let (env_id, server_name, version) = (ctx.env_id.get(), svc.name.get(), online.get());
        async move {
            let Some(version_name) = version else { return Ok(None) };
            let server_name = named(server_name).await;
            let req = DescribeVersionDetailRequest { env_id, server_name, version_name, channel: None };
            api::cloud::<DescribeVersionDetail>(&req).await.map(Some)
        }
    });
    let running = Memo::new(move |_| ask.get());
    view! {
        <section class="stack" aria-labelledby="settings-title">
            <h3 id="settings-title" class="h3">{t(Msg::Settings)}</h3>
            <p id="settings-help" class="help">{t(Msg::SettingsHelp)}</p>
            <Loaded value=running retry=Callback::new(move |_| ask.refetch()) let:running>
                {move || {
                    let running = running.get();
                    config.get().map(|config| view! { <SettingsBody config running=running.clone() /> })
                }}
            </Loaded>
        </section>
    }
}

/// Where the running configuration differs from the settings (R-RB-3).
#[component]
fn RunningDiff(running: DescribeVersionDetailResponse, config: ServerBaseConfig) -> impl IntoView {
    let version = running.name.clone();
    let diff = compare(&Config::of_version(&running, None), &Config::of_settings(&config));
    (!diff.rows.is_empty()).then(|| {
        let caption = {
            let version = version.clone();
            Signal::derive(move || running_differs(&version, lang()))
        };
        view! {
            <aside class="warning stack" data-testid="running-differs">
                <p>{t(Msg::RunningDiffersHelp)}</p>
                <ConfigDiff
                    caption
                    before=Signal::derive(move || running_column(&version, lang()))
                    after=Signal::derive(move || Msg::SettingsColumn.text(lang()).to_string())
                    diff=Signal::stored(diff)
                />
            </aside>
        }
    })
}

#[component]
fn SettingsBody(
    config: ServerBaseConfig,
    /// The online version's frozen configuration; `None` with no version online.
    running: Option<DescribeVersionDetailResponse>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let navigate = use_navigate();
    let form = ServiceForm::new("set", &config);
    let attempted = RwSignal::new(false);
    let errors = Signal::derive(move || settings_form::errors(&form));
    let has_online = running.is_some();
    let running_values = running.as_ref().map(Values::of_version);
    let saved_logs = Logs::of_settings(&config);
    // What a save would send; empty when it would change nothing.
    let to_send = {
        let (running_values, saved_logs) = (running_values.clone(), saved_logs.clone());
        move || {
            let (values, on) = (form.values()?, running_values.as_ref()?);
            Some(items(&values, &form.logs(), on, &saved_logs))
        }
    };
    let changed = {
        let to_send = to_send.clone();
        // A value that does not read as a number is a change, refused by its error.
        Signal::derive(move || has_online && to_send().is_none_or(|items| !items.is_empty()))
    };

    let save = Action::new_local(move |items: &Vec<_>| {
        let req = SubmitServerConfigChangeDiffRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: svc.name.get_untracked(),
            conf: None,
            items: Some(items.clone()),
        };
        async move { api::cloud::<SubmitServerConfigChangeDiff>(&req).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = save.value().get() {
            let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
            // TaskId 0 would mean applied at once (CLOUD-API.md §1.2): the page refreshes instead.
            if r.task_id > 0 {
                navigate(&format!("/envs/{env}/services/{service}/tasks/{}", r.task_id), Default::default());
            } else {
                svc.refresh.run(());
            }
        }
    });

    // Why it cannot be saved now: the role, a running update or an open gray
    // release, or no version online to change.
    let why_not = Signal::derive(move || {
        ctx.denial_of::<SubmitServerConfigChangeDiff>()
            .filter(|r| !r.is_empty())
            .or_else(|| svc.busy_reason())
            .or_else(|| (!has_online).then(|| Msg::SettingsNeedOnline.text(lang()).to_string()))
    });
    let locked = Signal::derive(move || {
        ctx.denial_of::<SubmitServerConfigChangeDiff>().is_some() || svc.busy.get() || !has_online
    });
    let unchanged = Signal::derive(move || !locked.get() && !changed.get());
    let described = move || {
        let mut ids = vec!["settings-help"];
        if why_not.with(Option::is_some) {
            ids.push("settings-why");
        }
        if unchanged.get() {
            ids.push("settings-unchanged");
        }
        ids.join(" ")
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if focus_first(&errors.get_untracked()) {
            return;
        }
        if let Some(items) = untrack(&to_send).filter(|items| !items.is_empty()) {
            save.dispatch(items);
        }
    };
    view! {
        <div class="row">
            <Reason id="settings-why" text=why_not notice=true />
            <RunningLink />
        </div>
        {running.map(|running| view! { <RunningDiff running config=config.clone() /> })}
        // The actions come after the cost preview, outside the form (their
        // button names it): on a narrow screen the cost is read before saving.
        <div class=style::layout>
            <form id="settings-form" class="form" novalidate aria-labelledby="settings-title" on:submit=submit>
                <fieldset class=style::sections disabled=move || locked.get()>
                    <CodeFields form config />
                    <RunFields form />
                    <ScalingFields form />
                    <LogFields form help=Msg::LogChangeRedeploys />
                </fieldset>
                <ErrorSummary id="settings-summary" errors shown=attempted />
            </form>
            <CostPreview
                spec=Signal::derive(move || form.spec_pair())
                min_num=Signal::derive(move || form.min_num())
                stale=Signal::derive(move || errors.with(|e| !e.is_empty()))
            />
            <div class=format!("stack {}", style::actions)>
                <div class="actions">
                    <button class="button primary" type="submit" form="settings-form" aria-describedby=described
                        disabled=move || locked.get() || unchanged.get() || save.pending().get()>
                        {move || if save.pending().get() { t(Msg::Saving)() } else { t(Msg::SaveAndDeploy)() }}
                    </button>
                </div>
                <Show when=move || unchanged.get()>
                    <p id="settings-unchanged" class="help">{t(Msg::NothingToSave)}</p>
                </Show>
                <ErrorNote error=error_of(save) />
            </div>
        </div>
    }
}
