//! The Monitoring tab (R-OBS-2): the service's charts over a time range,
//! from tcb `DescribeCurveData` (CLOUD-API.md §10), one call per chart, all
//! at once. A chosen version adds its CPU and memory utilisation with the
//! thresholds its autoscaling compares them with.
//!
//! The charts follow the clock while the tab is open: every 30 seconds, and
//! at once when the range or the version changes. Leaving the tab stops it.

mod charts;
mod range;

use std::time::Duration;

use console_shared::actions::{
    DescribeCurveData, DescribeCurveDataResponse, DescribeVersionDetail, DescribeVersionDetailRequest,
};
use console_shared::dto::ApiError;
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{
    ErrorNote, Field, Loading, Rule, Series, TimeChart, join_all, local_time, now, offset_at, parse_local, zone,
};
use crate::i18n::{Msg, curve_error_text, granularity_text, lang, t, threshold_label, times_note, updated_at};
use crate::pages::env_layout::{EnvCtx, named};
use charts::{ChartSpec, Watched, chart_specs, curve_request, series_of, thresholds};
use range::{Preset, RangeProblem, Window, custom_window, input_value, preset_window};

stylance::import_crate_style!(style, "src/pages/service/monitoring/monitoring.module.css");

/// How often open charts ask again.
const REFRESH: Duration = Duration::from_secs(30);

/// What the charts show: asked again whenever it changes.
#[derive(Debug, Clone, PartialEq)]
struct Ask {
    env: String,
    service: String,
    version: Option<String>,
    window: Window,
    /// Counts the user's choices, so an answer to an earlier choice is
    /// known to be out of date while the new one loads.
    choice: u64,
    /// Counts the refreshes, so a custom range is asked again too.
    beat: u64,
    /// When it was asked, Unix seconds.
    at: i64,
}

/// One answer per chart, in [`chart_specs`] order, with what was asked.
type Answers = (Ask, Vec<Result<DescribeCurveDataResponse, ApiError>>);

/// A version's thresholds: CPU and memory in percent, and whether they are the default.
type Limits = (Option<u64>, Option<u64>, bool);

#[component]
pub fn MonitoringPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let preset = RwSignal::new(Preset::LastHour);
    let custom = RwSignal::new(None::<Window>);
    let version = RwSignal::new(None::<String>);
    let choice = RwSignal::new(0u64);
    let beat = RwSignal::new(0u64);
    if let Ok(handle) = set_interval_with_handle(move || beat.update(|b| *b += 1), REFRESH) {
        on_cleanup(move || handle.clear());
    }

    // A custom range not yet applied keeps the range shown.
    let ask = Memo::new(move |prev: Option<&Option<Ask>>| {
        let beat = beat.get();
        let at = now();
        let window = match preset.get() {
            Preset::Custom => custom.get(),
            p => preset_window(p, at, offset_at(at) * 60),
        };
        let window = window.or_else(|| prev.and_then(Option::as_ref).map(|a| a.window))?;
        Some(Ask {
            env: ctx.env_id.get(),
            service: svc.name.get(),
            version: version.get(),
            window,
            choice: choice.get(),
            beat,
            at,
        })
    });
    let curves = LocalResource::new(move || {
        let ask = ask.get();
        async move {
            let ask = match ask {
                Some(ask) => ask,
                None => std::future::pending().await,
            };
            let service = named(ask.service.clone()).await;
            let calls = chart_specs(ask.version.is_some())
                .iter()
                .map(|spec| {
                    let req = curve_request(&ask.env, &service, ask.version.as_deref(), ask.window, &spec.metric);
                    api::cloud::<DescribeCurveData>(&req)
                })
                .collect();
            let answers = join_all(calls).await;
            (ask, answers)
        }
    });
    let shown = Memo::new(move |_| curves.get());
    let updating =
        move || shown.with(|s| s.as_ref().map(|(a, _)| a.choice)) != ask.with(|a| a.as_ref().map(|a| a.choice));

    // The chosen version's scaling thresholds, asked once per version.
    let version_detail = LocalResource::new(move || {
        let (env_id, server_name, chosen) = (ctx.env_id.get(), svc.name.get(), version.get());
        async move {
            let version_name = chosen?;
            let server_name = named(server_name).await;
            let req = DescribeVersionDetailRequest { env_id, server_name, version_name, channel: None };
            Some(api::cloud::<DescribeVersionDetail>(&req).await)
        }
    });
    let limits =
        Memo::new(move |_| version_detail.get().flatten().and_then(Result::ok).map(|d| thresholds(&d.policy_details)));
    let limits_error = Signal::derive(move || version_detail.get().flatten().and_then(Result::err));

    let choose = move || choice.update(|c| *c += 1);
    let has_version = Memo::new(move |_| version.with(Option::is_some));
    let period = move || ask.with(|a| a.as_ref().map(|a| a.window.period()));
    let last_update = move || {
        shown.with(|s| s.as_ref().map(|(a, _)| updated_at(local_time(a.at).get(11..19).unwrap_or_default(), lang())))
    };
    // No calls in the whole range: nothing has reached the service yet.
    let no_traffic = Memo::new(move |_| {
        shown.with(|s| {
            s.as_ref().is_some_and(
                |(ask, answers)| matches!(answers.first(), Some(Ok(a)) if series_of(a, ask.window).is_flat_zero()),
            )
        })
    });
    let current = Signal::derive(move || ask.with(|a| a.as_ref().map(|a| a.window)));
    let domain = move || svc.detail.with(|d| d.as_ref().map(|d| d.base_info.default_domain_name.clone()));

    view! {
        <section class="stack" aria-labelledby="monitoring-title" data-testid="monitoring">
            <h3 id="monitoring-title" class="h3">{t(Msg::TabMonitoring)}</h3>
            <div class=style::controls>
                <RangePicker preset custom current on_choose=Callback::new(move |_| choose()) />
                <VersionPicker version on_choose=Callback::new(move |_| choose()) />
            </div>
            <ErrorNote error=limits_error />
            <div class=style::status>
                <p class="help">
                    {move || period().map(|p| granularity_text(p, lang()))} " " {move || times_note(&zone(), lang())}
                </p>
                <p class="muted">
                    {move || if updating() { Some(t(Msg::MonUpdating)().to_string()) } else { last_update() }}
                </p>
                <button type="button" class="button" on:click=move |_| beat.update(|b| *b += 1)>
                    {t(Msg::MonRefresh)}
                </button>
            </div>
            <Show when=move || no_traffic.get()>
                <div class="empty" data-testid="monitoring-empty">
                    <p>{t(Msg::MonNoTraffic)}</p>
                    {move || domain().filter(|d| !d.is_empty()).map(|d| view! {
                        <a class="break" href=d.clone() target="_blank" rel="noopener noreferrer">{d.clone()}</a>
                    })}
                </div>
            </Show>
            {move || if shown.with(Option::is_some) {
                let specs = chart_specs(has_version.get());
                view! {
                    <ul class=style::grid aria-busy=move || updating().to_string()>
                        {specs.into_iter().enumerate().map(|(i, spec)| view! {
                            <ChartCard index=i spec shown limits />
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            } else {
                view! { <Loading /> }.into_any()
            }}
        </section>
    }
}

/// The presets as toggle buttons, and the custom range's two times.
#[component]
fn RangePicker(
    preset: RwSignal<Preset>,
    custom: RwSignal<Option<Window>>,
    /// The range shown now, which a custom range starts from.
    current: Signal<Option<Window>>,
    on_choose: Callback<()>,
) -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<RangeProblem>);
    let pick = move |p: Preset| {
        if p == Preset::Custom {
            if let (Some(w), true) = (current.get_untracked(), from.with_untracked(String::is_empty)) {
                from.set(input_value(w.start, offset_at(w.start) * 60));
                to.set(input_value(w.end, offset_at(w.end) * 60));
            }
        } else {
            on_choose.run(());
        }
        preset.set(p);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match custom_window(parse_local(&from.get_untracked()), parse_local(&to.get_untracked())) {
            Ok(w) => {
                problem.set(None);
                custom.set(Some(w));
                on_choose.run(());
            }
            Err(p) => problem.set(Some(p)),
        }
    };
    let error = Signal::derive(move || {
        problem.get().map(|p| match p {
            RangeProblem::Missing => t(Msg::MonRangeMissing)().to_string(),
            RangeProblem::Rule(e) => curve_error_text(&e, lang()),
        })
    });
    let invalid = move || problem.with(Option::is_some).to_string();
    view! {
        <div class="stack">
            <div class="chips" role="group" aria-label=t(Msg::MonRange)>
                {Preset::ALL.into_iter().map(|p| view! {
                    <button type="button" class=format!("chip {}", style::range) aria-pressed=move || (preset.get() == p).to_string()
                        on:click=move |_| pick(p)>
                        {t(p.label())}
                    </button>
                }).collect_view()}
            </div>
            <Show when=move || preset.get() == Preset::Custom>
                <form class=style::custom novalidate on:submit=submit data-testid="monitoring-range">
                    <Field id="mon-from" label=Msg::MonFrom zoned=true>
                        <input id="mon-from" type="datetime-local" prop:value=from aria-invalid=invalid
                            aria-describedby="mon-range-error" on:input=move |ev| from.set(event_target_value(&ev)) />
                    </Field>
                    <Field id="mon-to" label=Msg::MonTo zoned=true>
                        <input id="mon-to" type="datetime-local" prop:value=to aria-invalid=invalid
                            aria-describedby="mon-range-error" on:input=move |ev| to.set(event_target_value(&ev)) />
                    </Field>
                    <div>
                        <button type="submit" class="button primary">{t(Msg::MonApply)}</button>
                    </div>
                    // Under both times: the range is what is wrong, not one of them.
                    <p id="mon-range-error" class=format!("field-error {}", style::whole_row) aria-live="polite">
                        {move || error.get()}
                    </p>
                </form>
            </Show>
        </div>
    }
}

/// The whole service, or one of its versions.
#[component]
fn VersionPicker(version: RwSignal<Option<String>>, on_choose: Callback<()>) -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    // The online versions, and the chosen one should it have gone offline.
    let versions = Memo::new(move |_| {
        let mut names: Vec<String> = svc
            .detail
            .with(|d| d.iter().flat_map(|d| d.online_version_infos.iter().map(|v| v.version_name.clone())).collect());
        if let Some(chosen) = version.get().filter(|v| !names.contains(v)) {
            names.push(chosen);
        }
        names
    });
    view! {
        <div class="field">
            <label for="mon-version">{t(Msg::MonVersion)}</label>
            <select id="mon-version" aria-describedby="mon-version-help" on:change=move |ev| {
                let v = event_target_value(&ev);
                version.set((!v.is_empty()).then_some(v));
                on_choose.run(());
            }>
                <option value="" prop:selected=move || version.with(Option::is_none)>{t(Msg::MonWholeService)}</option>
                {move || versions.get().into_iter().map(|v| {
                    let (chosen, value) = (v.clone(), v.clone());
                    view! {
                        <option value=value prop:selected=move || version.with(|c| c.as_ref() == Some(&chosen))>
                            {v}
                        </option>
                    }
                }).collect_view()}
            </select>
            <p id="mon-version-help" class="help">{t(Msg::MonVersionHelp)}</p>
        </div>
    }
}

/// One chart: loading, its error, or the chart. After a failed refresh the
/// last good chart stays, under the error.
#[component]
fn ChartCard(
    index: usize,
    spec: ChartSpec,
    shown: Memo<Option<Answers>>,
    limits: Memo<Option<Limits>>,
) -> impl IntoView {
    let result = Memo::new(move |_| {
        shown.with(|s| {
            s.as_ref().and_then(|(ask, answers)| {
                answers.get(index).map(|r| r.as_ref().map(|a| series_of(a, ask.window)).map_err(Clone::clone))
            })
        })
    });
    let last_good = Memo::new(move |prev: Option<&Option<Series>>| match result.get() {
        Some(Ok(s)) => Some(s),
        _ => prev.cloned().flatten(),
    });
    let ready = Memo::new(move |_| last_good.with(Option::is_some));
    let error = Signal::derive(move || result.get().and_then(Result::err));
    let (title_msg, unit_msg, mark, whole, watched) = (spec.title, spec.unit, spec.mark, spec.whole, spec.threshold);
    let rules = Signal::derive(move || {
        let (Some(watched), Some((cpu, mem, default))) = (watched, limits.get()) else { return vec![] };
        let percent = match watched {
            Watched::Cpu => cpu,
            Watched::Mem => mem,
        };
        percent.map(|p| Rule { value: p as f64, label: threshold_label(p, default, lang()) }).into_iter().collect()
    });
    let id = format!("chart-{}", spec.metric.as_str());
    let testid = id.clone();
    view! {
        <li class=style::cell data-testid=testid>
            <ErrorNote error />
            {move || if ready.get() {
                view! {
                    <TimeChart
                        id=id.clone()
                        title=Signal::derive(move || t(title_msg)().to_string())
                        unit=Signal::derive(move || t(unit_msg)().to_string())
                        series=Signal::derive(move || last_good.get().unwrap_or_default())
                        mark
                        whole
                        rules
                    />
                }
                .into_any()
            } else {
                view! {
                    <h4 class="h3">{t(title_msg)}</h4>
                    {move || error.with(Option::is_none).then(|| view! { <Loading /> })}
                }
                .into_any()
            }}
        </li>
    }
}
