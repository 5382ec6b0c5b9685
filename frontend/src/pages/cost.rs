//! The two worked examples of R-COST-2, reproduced by the shared cost model,
//! with the instances over time drawn as an SVG chart.

use console_shared::cost;
use leptos::prelude::*;

use crate::components::PageHead;
use crate::i18n::{Lang, Msg, chart_axes, lang, min_note, t, usage_text};

/// Instances over time as a step chart; decorative detail is in the table beside it.
#[component]
fn InstancesChart(points: Vec<(f64, u32)>, horizon: f64, label: Msg) -> impl IntoView {
    let (w, h, pad) = (320.0, 120.0, 24.0);
    let top = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    let x = move |m: f64| pad + m / horizon * (w - 2.0 * pad);
    let y = move |n: u32| h - pad - f64::from(n) / top * (h - 2.0 * pad);
    let mut d = String::new();
    for (i, (m, n)) in points.iter().enumerate() {
        if i == 0 {
            d.push_str(&format!("M{:.1},{:.1}", x(*m), y(*n)));
        } else {
            let prev = points[i - 1].1;
            d.push_str(&format!(" L{:.1},{:.1} L{:.1},{:.1}", x(*m), y(prev), x(*m), y(*n)));
        }
    }
    let axes = move || chart_axes(top, horizon, lang());
    view! {
        <svg viewBox=format!("0 0 {w} {h}") width="100%" role="img" aria-label=t(label) class="chart">
            <line x1=pad y1=h - pad x2=w - pad y2=h - pad stroke="currentColor" stroke-opacity="0.4" />
            <line x1=pad y1=pad x2=pad y2=h - pad stroke="currentColor" stroke-opacity="0.4" />
            <path d=d fill="none" stroke="var(--accent)" stroke-width="2.5" />
            <text x=pad y=pad - 6.0 font-size="10" fill="currentColor">{move || axes().0}</text>
            <text x=w - pad y=h - 6.0 font-size="10" fill="currentColor" text-anchor="end">{move || axes().1}</text>
        </svg>
    }
}

#[component]
pub fn CostExamples() -> impl IntoView {
    let low = cost::deploy_usage(1.0, 1.0, 0, 5.0);
    let ha = cost::deploy_usage(1.0, 1.0, 10, 5.0);
    let horizon = 60.0;
    view! {
        <PageHead title=Msg::CostExamples />
        <p class="muted">{t(Msg::CostNote)}</p>
        <div class="cards">
            <section class="card stack" aria-labelledby="low-title">
                <h2 id="low-title">{t(Msg::CostLowCost)}</h2>
                <p>{move || match lang() {
                    Lang::En => "1 core / 1 GiB, a 5-minute deploy, then no traffic: one instance for the deploy plus the 30-minute observation window, then zero.",
                    Lang::Zh => "1 核 / 1 GiB，部署 5 分钟，之后无流量：部署期间 1 个实例，再加 30 分钟观察期，之后缩容到 0。",
                }}</p>
                <p data-testid="low-cost-usage"><strong>{move || usage_text(low.core_min, low.gib_min, lang())}</strong></p>
                <InstancesChart points=cost::timeline(0, 5.0, horizon) horizon label=Msg::ChartLowCost />
            </section>
            <section class="card stack" aria-labelledby="ha-title">
                <h2 id="ha-title">{t(Msg::CostHa)} {move || min_note(10, lang())}</h2>
                <p>{move || match lang() {
                    Lang::En => "1 core / 1 GiB, minimum 10 instances, a 5-minute deploy, traffic kept at 0: ten instances for the deploy, and they keep running.",
                    Lang::Zh => "1 核 / 1 GiB，最小 10 个实例，部署 5 分钟，流量保持为 0：部署期间 10 个实例，并持续运行。",
                }}</p>
                <p data-testid="ha-usage"><strong>{move || usage_text(ha.core_min, ha.gib_min, lang())}</strong></p>
                <InstancesChart points=cost::timeline(10, 5.0, horizon) horizon label=Msg::ChartHa />
            </section>
        </div>
    }
}
