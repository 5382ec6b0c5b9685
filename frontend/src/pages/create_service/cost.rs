//! The cost of low-cost versus high-availability mode for the chosen spec,
//! beside the create form (R-DEP-4, R-COST-1).

use console_shared::cost::{self, Prices};
use leptos::prelude::*;

use super::style;
use crate::components::{Col, DataTable};
use crate::i18n::{Msg, lang, min_note, t, usage_short};

fn yuan(v: f64) -> String {
    format!("¥{v:.2}")
}

/// Low-cost versus high-availability for the chosen spec, side by side;
/// greyed out, and said to be, while the form is `stale` (it has errors, so
/// the figures may not be what it will be).
#[component]
pub fn CostPreview(
    #[prop(into)] spec: Signal<(f64, f64)>,
    #[prop(into)] min_num: Signal<u32>,
    #[prop(optional, into)] stale: Signal<bool>,
) -> impl IntoView {
    let minutes = RwSignal::new("5".to_string());
    let cpu_price = RwSignal::new(Prices::default().cny_per_core_hour.to_string());
    let mem_price = RwSignal::new(Prices::default().cny_per_gib_hour.to_string());
    let prices = move || Prices {
        cny_per_core_hour: cpu_price.get().parse().unwrap_or(0.0),
        cny_per_gib_hour: mem_price.get().parse().unwrap_or(0.0),
    };
    let deploy_minutes = move || minutes.get().parse::<f64>().unwrap_or(5.0).max(0.0);
    // High availability keeps at least one instance; show the chosen minimum when above zero.
    let ha_min = move || min_num.get().max(1);
    let row = move |min: u32| {
        let (cpu, mem) = spec.get();
        let d = cost::deploy_usage(cpu, mem, min, deploy_minutes());
        let idle = cost::idle_per_month(cpu, mem, min);
        (d, idle)
    };
    let cell = move |min: u32| {
        let (d, idle) = row(min);
        let p = prices();
        view! {
            <td>
                {usage_short(d.core_min, d.gib_min, lang())}
                <br />
                <span class="muted">{yuan(d.cny(p))}</span>
            </td>
            <td>{yuan(idle.cny(p))}</td>
        }
    };
    const COLUMNS: &[Col] = &[Col::Hidden(Msg::Spec), Col::Text(Msg::CostDeploy), Col::Text(Msg::CostIdle)];
    view! {
        <aside class=style::cost aria-labelledby="cost-title">
            <h2 id="cost-title" class="h3">{t(Msg::CostTitle)}</h2>
            <Show when=move || stale.get()>
                <p class="help">{t(Msg::CostStale)}</p>
            </Show>
            <div class=move || if stale.get() { style::stale } else { "" }>
            <DataTable title=Msg::CostTitle columns=COLUMNS uncaptioned=true>
                <tr data-testid="cost-low">
                    <th scope="row">{t(Msg::CostLowCost)}</th>
                    {move || cell(0)}
                </tr>
                <tr data-testid="cost-ha">
                    <th scope="row">{t(Msg::CostHa)} {move || min_note(ha_min(), lang())}</th>
                    {move || cell(ha_min())}
                </tr>
            </DataTable>
            </div>
            <div class="row">
                <label class="inline">{t(Msg::CostAssume)} <input type="number" min="0" step="1" bind:value=minutes /></label>
                <label class="inline">{t(Msg::CpuPrice)} <input type="number" min="0" step="0.001" bind:value=cpu_price /></label>
                <label class="inline">{t(Msg::MemPrice)} <input type="number" min="0" step="0.001" bind:value=mem_price /></label>
            </div>
            <p class="help">{t(Msg::CostNote)}</p>
            <a href="/cost">{t(Msg::CostExamples)}</a>
        </aside>
    }
}
