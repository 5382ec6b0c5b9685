//! What the split does in fact (R-UPD-2, R-OBS-2): beside the configured
//! split, the share of requests each version answered over the last 15
//! minutes, with its error rate and average response time, from tcb
//! `DescribeCurveData` per version (`SubresourceID`, 5-minute points),
//! asked again every 15 seconds while the panel is on screen.

use std::time::Duration;

use console_shared::actions::{DescribeCurveData, DescribeCurveDataRequest, DescribeCurveDataResponse};
use console_shared::dto::ApiError;
use console_shared::time::cst_datetime;
use console_shared::vocab::MetricName;
use leptos::prelude::*;

use super::style;
use crate::api;
use crate::components::{Col, DataTable, ErrorNote, cell_label, join_all, now};
use crate::i18n::{Msg, lang, millis_text, percent_text, t, version_role};
use crate::pages::env_layout::{EnvCtx, named};
use crate::pages::service::ServiceCtx;

/// The range observed, in seconds.
const WINDOW: i64 = 15 * 60;
/// 5-minute points: the finest `DescribeCurveData` has.
const PERIOD: i64 = 300;
const REFRESH: Duration = Duration::from_secs(15);
/// The metrics one version needs, in the order [`observe`] takes them.
const METRICS: [MetricName; 3] = [MetricName::Invocations, MetricName::HttpErrors, MetricName::ResponseTime];

/// One version's requests over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub version: String,
    pub calls: f64,
    pub errors: f64,
    /// Average response time in ms; `None` without a request.
    pub avg_ms: Option<f64>,
}

impl Observed {
    /// The errors among the calls, from 0 to 1; `None` without a call.
    pub fn error_rate(&self) -> Option<f64> {
        (self.calls > 0.0).then(|| (self.errors / self.calls).clamp(0.0, 1.0))
    }
}

/// A curve's points, `(time, value)`: the float values where the answer
/// has one for each time, else the integer ones.
fn points(curve: &DescribeCurveDataResponse) -> Vec<(i64, f64)> {
    if curve.new_values.len() == curve.time.len() {
        curve.time.iter().copied().zip(curve.new_values.iter().copied()).collect()
    } else {
        curve.time.iter().copied().zip(curve.values.iter().map(|v| *v as f64)).collect()
    }
}

/// A version's figures from its three curves. Each 5-minute point of the
/// response time is an average over that point's calls, so the window's
/// average weighs each point by its calls.
pub fn observe(
    version: &str,
    calls: &DescribeCurveDataResponse,
    errors: &DescribeCurveDataResponse,
    latency: &DescribeCurveDataResponse,
) -> Observed {
    let calls = points(calls);
    let total: f64 = calls.iter().map(|(_, c)| c.max(0.0)).sum();
    let errors: f64 = points(errors).iter().map(|(_, e)| e.max(0.0)).sum();
    let (weighted, weight) = points(latency)
        .into_iter()
        .filter_map(|(at, ms)| {
            let n = calls.iter().find(|(t, _)| *t == at).map(|(_, c)| *c).unwrap_or(0.0);
            (n > 0.0).then_some((ms * n, n))
        })
        .fold((0.0, 0.0), |(w, n), (wi, ni)| (w + wi, n + ni));
    Observed { version: version.to_string(), calls: total, errors, avg_ms: (weight > 0.0).then(|| weighted / weight) }
}

/// Each version's share of all requests, from 0 to 1; `None` when there
/// were none.
pub fn shares(observed: &[Observed]) -> Option<Vec<f64>> {
    let total: f64 = observed.iter().map(|o| o.calls).sum();
    (total > 0.0).then(|| observed.iter().map(|o| o.calls / total).collect())
}

/// Where each share sits on a bar 100 wide: `(x, width)`.
pub fn segments(shares: &[f64]) -> Vec<(f64, f64)> {
    let mut x = 0.0;
    shares
        .iter()
        .map(|s| {
            let width = (s * 100.0).clamp(0.0, 100.0 - x);
            let seg = (x, width);
            x += width;
            seg
        })
        .collect()
}

/// `DescribeCurveData` for one metric of one version over the window.
fn curve(env: &str, service: &str, version: &str, metric: MetricName, end: i64) -> DescribeCurveDataRequest {
    DescribeCurveDataRequest {
        env_id: env.to_string(),
        metric_name: metric,
        start_time: cst_datetime(end - WINDOW),
        end_time: cst_datetime(end),
        resource_id: Some(service.to_string()),
        subresource_id: Some(version.to_string()),
        period: Some(PERIOD),
    }
}

async fn observe_all(env: String, service: String, versions: Vec<String>) -> Result<Vec<Observed>, ApiError> {
    let service = named(service).await;
    let end = now();
    let asks = versions
        .iter()
        .flat_map(|v| METRICS.map(|m| api::cloud::<DescribeCurveData>(&curve(&env, &service, v, m, end))))
        .collect();
    let answers = join_all(asks).await.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(versions.iter().zip(answers.chunks(METRICS.len())).map(|(v, c)| observe(v, &c[0], &c[1], &c[2])).collect())
}

/// The observed split of `stable` and `canary`.
#[component]
pub fn ObservedSplit(stable: String, canary: String) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let tick = RwSignal::new(0_u32);
    // Not while the browser shows another tab: nobody reads it there.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !document().hidden() {
                tick.update(|n| *n = n.wrapping_add(1));
            }
        },
        REFRESH,
    ) {
        on_cleanup(move || handle.clear());
    }
    let versions = vec![stable.clone(), canary.clone()];
    let answer = LocalResource::new(move || {
        tick.track();
        observe_all(ctx.env_id.get(), svc.name.get(), versions.clone())
    });
    // The last good answer stays while the next is asked.
    let shown = Memo::new(move |prev: Option<&Option<Vec<Observed>>>| match answer.get() {
        Some(Ok(list)) => Some(list),
        _ => prev.cloned().flatten(),
    });
    let failed = Signal::derive(move || match answer.get() {
        Some(Err(e)) => Some(e),
        _ => None,
    });
    let domain = Memo::new(move |_| svc.detail.with(|d| d.as_ref().map(|d| d.base_info.default_domain_name.clone())));
    view! {
        <section class="stack" aria-labelledby="observed-title" data-testid="traffic-observed">
            <h4 id="observed-title" class="h3">{t(Msg::TrafficObserved)}</h4>
            <p class="help">{t(Msg::TrafficObservedHelp)}</p>
            {move || shown.get().map(|list| match shares(&list) {
                None => view! {
                    <p class="empty" data-testid="traffic-observed-none">
                        {t(Msg::TrafficNoRequests)}
                        {domain.get().filter(|d| !d.is_empty()).map(|d| {
                            let href = d.clone();
                            view! { " " <a class="break" href=href target="_blank" rel="noopener noreferrer">{d}</a> }
                        })}
                    </p>
                }
                .into_any(),
                Some(parts) => {
                    let rows: Vec<(Observed, f64, bool)> =
                        list.into_iter().zip(parts.iter().copied()).map(|(o, s)| {
                            let is_canary = o.version == canary;
                            (o, s, is_canary)
                        }).collect();
                    view! { <Bar parts /> <Figures rows /> }.into_any()
                }
            })}
            <Show when=move || shown.with(Option::is_none) && failed.with(Option::is_none)>
                <p class="muted">{t(Msg::Loading)}</p>
            </Show>
            <ErrorNote error=failed />
        </section>
    }
}

/// The shares as one bar; the table below says the same in words.
#[component]
fn Bar(parts: Vec<f64>) -> impl IntoView {
    let classes = [style::stable, style::canary];
    view! {
        <svg class=style::bar viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect class=style::track x="0" y="0" width="100" height="10" />
            {segments(&parts)
                .into_iter()
                .zip(classes)
                .filter(|((_, w), _)| *w > 0.0)
                .map(|((x, w), class)| view! {
                    <rect class=class x=x.to_string() y="0" width=w.to_string() height="10" />
                })
                .collect_view()}
        </svg>
    }
}

/// Each version's share, requests, error rate and average response time.
#[component]
fn Figures(rows: Vec<(Observed, f64, bool)>) -> impl IntoView {
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColVersion),
        Col::Text(Msg::ColShare),
        Col::Text(Msg::ColRequests),
        Col::Text(Msg::ColErrorRate),
        Col::Text(Msg::ColAvgResponse),
    ];
    let cell = |label: Msg| cell_label(move || t(label)().to_string());
    view! {
        <DataTable title=Msg::TrafficObserved columns=COLUMNS testid="traffic-observed-table" uncaptioned=true cards=true>
            // Two rows, drawn again when a refresh changes them (nothing in them takes focus).
            {rows.into_iter().map(|(o, share, is_canary)| {
                    let rate = o.error_rate();
                    let swatch = if is_canary { style::canary } else { style::stable };
                    let version = o.version.clone();
                    view! {
                        <tr role="row">
                            <th scope="row" role="rowheader">
                                <svg class=style::swatch viewBox="0 0 10 10" aria-hidden="true">
                                    <rect class=swatch x="0" y="0" width="10" height="10" />
                                </svg>
                                " " {move || version_role(&version, is_canary, lang())}
                            </th>
                            <td role="cell">{cell(Msg::ColShare)}{percent_text(share)}</td>
                            <td role="cell">{cell(Msg::ColRequests)}{format!("{:.0}", o.calls)}</td>
                            <td role="cell">{cell(Msg::ColErrorRate)}{rate.map(percent_text)}</td>
                            <td role="cell">
                                {cell(Msg::ColAvgResponse)}
                                {o.avg_ms.map(|ms| move || millis_text(ms, lang()))}
                            </td>
                        </tr>
                    }
                }).collect_view()}
        </DataTable>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(time: &[i64], values: &[f64]) -> DescribeCurveDataResponse {
        DescribeCurveDataResponse {
            time: time.to_vec(),
            new_values: values.to_vec(),
            values: values.iter().map(|v| *v as i64).collect(),
            period: PERIOD,
            ..Default::default()
        }
    }

    #[test]
    fn r_obs_2_a_version_s_requests_errors_and_weighted_latency() {
        let t = [0, 300, 600];
        let o = observe(
            "shop-002",
            &curve(&t, &[10.0, 0.0, 30.0]),
            &curve(&t, &[1.0, 0.0, 3.0]),
            // The empty middle point's "average" counts for nothing.
            &curve(&t, &[100.0, 999.0, 20.0]),
        );
        assert_eq!((o.calls, o.errors), (40.0, 4.0));
        assert_eq!(o.error_rate(), Some(0.1));
        // (10 × 100 + 30 × 20) / 40
        assert_eq!(o.avg_ms, Some(40.0));
        let idle = observe("shop-003", &curve(&t, &[0.0; 3]), &curve(&t, &[0.0; 3]), &curve(&t, &[0.0; 3]));
        assert_eq!((idle.error_rate(), idle.avg_ms), (None, None));
    }

    #[test]
    fn integer_values_serve_when_the_float_ones_are_missing() {
        let mut c = curve(&[0, 300], &[2.0, 3.0]);
        c.new_values.clear();
        assert_eq!(points(&c), vec![(0, 2.0), (300, 3.0)]);
    }

    #[test]
    fn r_upd_2_shares_split_the_bar_and_no_traffic_has_none() {
        let o = |calls: f64| Observed { version: String::new(), calls, errors: 0.0, avg_ms: None };
        assert_eq!(shares(&[o(30.0), o(10.0)]), Some(vec![0.75, 0.25]));
        assert_eq!(shares(&[o(0.0), o(0.0)]), None);
        assert_eq!(segments(&[0.75, 0.25]), vec![(0.0, 75.0), (75.0, 25.0)]);
        // Rounding never takes the bar past its end.
        assert_eq!(segments(&[0.7, 0.4]), vec![(0.0, 70.0), (70.0, 30.0)]);
        assert_eq!(percent_text(0.125), "12.5%");
        assert_eq!(percent_text(1.0), "100%");
    }
}
