//! The create-service form (R-DEP-1): every field checked as you type by the
//! same `shared` rules localcloud enforces, and the cost of low-cost versus
//! high-availability mode beside it (R-DEP-4, R-COST-1).

use console_shared::actions::{CreateCloudRunServer, CreateCloudRunServerRequest, DiffConfigItem, HpaPolicy};
use console_shared::cost::{self, Prices};
use console_shared::dto::ApiError;
use console_shared::rules::{self, CPU_MEM_PAIRS};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{ErrorNote, Field};
use crate::i18n::{Msg, lang, rule_error, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::source::{IMAGE, Source, SourceFields, Upload, upload_into};

stylance::import_crate_style!(style, "src/pages/create_service.module.css");

/// One environment-variable row.
#[derive(Clone)]
struct Var {
    id: usize,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

fn number(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// What the form sends: the request, and the package to upload first when
/// the source is a code package (R-DEP-2).
#[derive(Clone)]
struct Submission {
    request: CreateCloudRunServerRequest,
    package: Upload,
}

/// Uploads the package, if any, then creates the service with the names the
/// upload returned.
async fn submit_service(s: Submission, source: Source) -> Result<(String, i64), ApiError> {
    let mut req = s.request;
    upload_into(source, &req.env_id, &req.server_name, s.package, &mut req.deploy_info).await?;
    api::cloud::<CreateCloudRunServer>(&req).await.map(|r| (req.server_name, r.task_id))
}

#[component]
pub fn CreateService() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let port = RwSignal::new("80".to_string());
    let spec = RwSignal::new(1usize); // 0.5 core / 1 GiB, the default (R-INS-2)
    let min = RwSignal::new("0".to_string());
    let max = RwSignal::new("50".to_string());
    let cpu_on = RwSignal::new(true);
    let cpu_at = RwSignal::new("60".to_string());
    let mem_on = RwSignal::new(true);
    let mem_at = RwSignal::new("60".to_string());
    let log_type = RwSignal::new("default".to_string());
    let log_set = RwSignal::new(String::new());
    let log_topic = RwSignal::new(String::new());
    let log_format = RwSignal::new("json".to_string());
    let vars: RwSignal<Vec<Var>> = RwSignal::new(Vec::new());
    let next_var = StoredValue::new(0usize);
    let paste = RwSignal::new(String::new());
    let remark = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let source = Source::new(IMAGE, String::new(), "", "", attempted);

    let add_var = move |n: String, v: String| {
        let id = next_var.get_value();
        next_var.set_value(id + 1);
        vars.update(|list| list.push(Var { id, name: RwSignal::new(n), value: RwSignal::new(v) }));
    };

    let shown = move |text: String, err: Option<String>| (attempted.get() || !text.is_empty()).then_some(err).flatten();
    let name_error = move || shown(name.get(), rules::service_name(&name.get()).err().map(|e| rule_error(&e, lang())));
    let port_error = move || match number(&port.get()) {
        Some(p) => rules::port(p).err().map(|e| rule_error(&e, lang())),
        None => Some(rule_error(&rules::RuleError::OutOfRange(1, 65_535), lang())),
    };
    let instances_error = move || match (number(&min.get()), number(&max.get())) {
        (Some(a), Some(b)) => rules::instances(a, b).err().map(|e| rule_error(&e, lang())),
        _ => Some(rule_error(&rules::RuleError::OutOfRange(0, rules::MAX_INSTANCES), lang())),
    };
    let threshold_error = move || {
        [(cpu_on, cpu_at), (mem_on, mem_at)].iter().filter(|(on, _)| on.get()).find_map(|(_, at)| {
            match at.get().trim().parse::<u64>() {
                Ok(v) => rules::threshold(v).err(),
                Err(_) => Some(rules::RuleError::OutOfRange(1, 100)),
            }
            .map(|e| rule_error(&e, lang()))
        })
    };
    let var_error = move || {
        vars.get().iter().find_map(|v| {
            let n = v.name.get();
            (!n.is_empty())
                .then(|| rules::env_var_name(&n).err().map(|e| format!("{n}: {}", rule_error(&e, lang()))))
                .flatten()
        })
    };
    let valid = move || {
        rules::service_name(&name.get()).is_ok()
            && source.valid()
            && port_error().is_none()
            && instances_error().is_none()
            && threshold_error().is_none()
            && var_error().is_none()
    };

    let deploy = Action::new_local(move |s: &Submission| submit_service(s.clone(), source));
    Effect::new(move |_| {
        if let Some(Ok((service, task))) = deploy.value().get() {
            let env = ctx.env_id.get_untracked();
            navigate(&format!("/envs/{env}/services/{service}/tasks/{task}"), Default::default());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if !valid() {
            return;
        }
        let (cpu, mem) = CPU_MEM_PAIRS[spec.get_untracked()];
        let mut policies = Vec::new();
        for (on, at, kind) in [(cpu_on, cpu_at, "cpu"), (mem_on, mem_at, "mem")] {
            if on.get_untracked() {
                let threshold = at.get_untracked().trim().parse().unwrap_or(60);
                policies.push(HpaPolicy { policy_type: kind.into(), policy_threshold: threshold });
            }
        }
        let env_params: serde_json::Map<String, serde_json::Value> = vars
            .get_untracked()
            .iter()
            .filter(|v| !v.name.get_untracked().is_empty())
            .map(|v| (v.name.get_untracked(), v.value.get_untracked().into()))
            .collect();
        let mut items = vec![
            DiffConfigItem::int("Port", number(&port.get_untracked()).unwrap_or(80)),
            DiffConfigItem::float("CpuSpecs", cpu),
            DiffConfigItem::float("MemSpecs", mem),
            DiffConfigItem::int("MinNum", number(&min.get_untracked()).unwrap_or(0)),
            DiffConfigItem::int("MaxNum", number(&max.get_untracked()).unwrap_or(50)),
            DiffConfigItem::policies(policies),
            DiffConfigItem::string("EnvParam", serde_json::Value::Object(env_params).to_string()),
            DiffConfigItem::string("LogType", log_type.get_untracked()),
        ];
        items.extend(source.items());
        if log_type.get_untracked() == "custom" {
            items.push(DiffConfigItem::string("LogSetId", log_set.get_untracked()));
            items.push(DiffConfigItem::string("LogTopicId", log_topic.get_untracked()));
            items.push(DiffConfigItem::string("LogParseType", log_format.get_untracked()));
        }
        let request = CreateCloudRunServerRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: name.get_untracked(),
            deploy_info: source.deploy_param(remark.get_untracked()),
            server_config: None,
            items: Some(items),
        };
        let package = source.upload();
        deploy.dispatch(Submission { request, package });
    };

    let spec_pair = Signal::derive(move || CPU_MEM_PAIRS[spec.get()]);
    let min_num = Signal::derive(move || number(&min.get()).unwrap_or(0).clamp(0, 50) as u32);

    view! {
        <div class=style::layout>
            <form class="form" on:submit=submit novalidate aria-labelledby="create-service-title">
                <h2 id="create-service-title">{t(Msg::CreateService)}</h2>
                <aside class="notice" aria-labelledby="limits-title">
                    <strong id="limits-title">{t(Msg::Limits)} ": "</strong>
                    {t(Msg::LimitsText)}
                </aside>
                <Field id="svc-name" label=Msg::ServiceName help=Some(Msg::ServiceNameHelp) error=Signal::derive(name_error)>
                    <input id="svc-name" autocomplete="off" spellcheck="false" bind:value=name
                        aria-describedby="svc-name-help svc-name-error" aria-invalid=move || name_error().is_some().to_string() />
                </Field>
                <SourceFields source id="svc" />
                <Field id="svc-port" label=Msg::Port help=Some(Msg::PortHelp) error=Signal::derive(port_error)>
                    <input id="svc-port" type="number" min="1" max="65535" bind:value=port
                        aria-describedby="svc-port-help svc-port-error" aria-invalid=move || port_error().is_some().to_string() />
                </Field>
                <div class="field">
                    <label for="svc-spec">{t(Msg::Spec)}</label>
                    <select id="svc-spec" on:change=move |ev| spec.set(event_target_value(&ev).parse().unwrap_or(1))>
                        {CPU_MEM_PAIRS
                            .iter()
                            .enumerate()
                            .map(|(i, (c, m))| view! { <option value=i.to_string() selected=move || spec.get() == i>{format!("{c} core / {m} GiB")}</option> })
                            .collect_view()}
                    </select>
                </div>
                <fieldset class="field" aria-describedby="svc-instances-help svc-instances-error">
                    <legend>{t(Msg::MinInstances)} " / " {t(Msg::MaxInstances)}</legend>
                    <div class="row">
                        <label class="inline">
                            {t(Msg::MinInstances)}
                            <input type="number" min="0" max="50" bind:value=min />
                        </label>
                        <label class="inline">
                            {t(Msg::MaxInstances)}
                            <input type="number" min="0" max="50" bind:value=max />
                        </label>
                    </div>
                    <p id="svc-instances-help" class="help">{t(Msg::InstancesHelp)}</p>
                    <p id="svc-instances-error" class="field-error" aria-live="polite">{instances_error}</p>
                </fieldset>
                <fieldset class="field" aria-describedby="svc-scaling-error">
                    <legend>{t(Msg::Scaling)}</legend>
                    <div class="row">
                        <label class="inline">
                            <input type="checkbox" bind:checked=cpu_on />
                            {t(Msg::CpuAbove)}
                            <input type="number" min="1" max="100" bind:value=cpu_at disabled=move || !cpu_on.get() />
                        </label>
                        <label class="inline">
                            <input type="checkbox" bind:checked=mem_on />
                            {t(Msg::MemAbove)}
                            <input type="number" min="1" max="100" bind:value=mem_at disabled=move || !mem_on.get() />
                        </label>
                    </div>
                    <p id="svc-scaling-error" class="field-error" aria-live="polite">{threshold_error}</p>
                </fieldset>
                <fieldset class="field">
                    <legend>{t(Msg::LogCollection)}</legend>
                    <div class="row">
                        {[("none", Msg::LogNone), ("default", Msg::LogStdout), ("custom", Msg::LogCustom)]
                            .into_iter()
                            .map(|(value, label)| view! {
                                <label class="inline">
                                    <input type="radio" name="log-type" value=value prop:checked=move || log_type.get() == value
                                        on:change=move |_| log_type.set(value.to_string()) />
                                    {t(label)}
                                </label>
                            })
                            .collect_view()}
                    </div>
                    <Show when=move || log_type.get() == "custom">
                        <div class="row">
                            <label class="inline">{t(Msg::LogSet)} <input bind:value=log_set /></label>
                            <label class="inline">{t(Msg::LogTopic)} <input bind:value=log_topic /></label>
                            <label class="inline">
                                {t(Msg::LogFormat)}
                                <select on:change=move |ev| log_format.set(event_target_value(&ev))>
                                    <option value="json">"JSON"</option>
                                    <option value="line">"line"</option>
                                </select>
                            </label>
                        </div>
                    </Show>
                </fieldset>
                <fieldset class="field" aria-describedby="svc-vars-help svc-vars-error">
                    <legend>{t(Msg::EnvVars)}</legend>
                    <For each=move || vars.get() key=|v| v.id let:var>
                        <div class="row">
                            <label class="inline">{t(Msg::EnvVarName)} <input bind:value=var.name spellcheck="false" /></label>
                            <label class="inline">
                                {t(Msg::EnvVarValue)}
                                <input bind:value=var.value spellcheck="false"
                                    type=move || if rules::looks_secret(&var.name.get()) { "password" } else { "text" } />
                            </label>
                            <button type="button" class="button" on:click=move |_| vars.update(|l| l.retain(|v| v.id != var.id))>
                                {t(Msg::Remove)}
                            </button>
                        </div>
                    </For>
                    <div class="row">
                        <button type="button" class="button" on:click=move |_| add_var(String::new(), String::new())>
                            {t(Msg::AddVariable)}
                        </button>
                        <label class="inline">
                            {t(Msg::PasteVars)}
                            <input bind:value=paste spellcheck="false" placeholder="a=1&b=2" />
                        </label>
                        <button type="button" class="button" on:click=move |_| {
                            if let Ok(pairs) = rules::env_params(&paste.get_untracked()) {
                                for (n, v) in pairs {
                                    add_var(n, v);
                                }
                                paste.set(String::new());
                            }
                        }>{t(Msg::ParseVars)}</button>
                    </div>
                    <p id="svc-vars-help" class="help">{t(Msg::PasteVarsHelp)}</p>
                    <p id="svc-vars-error" class="field-error" aria-live="polite">
                        {move || var_error().or_else(|| {
                            let p = paste.get();
                            (!p.is_empty()).then(|| rules::env_params(&p).err().map(|e| rule_error(&e, lang()))).flatten()
                        })}
                    </p>
                </fieldset>
                <div class="field">
                    <label for="svc-remark">{t(Msg::Remark)}</label>
                    <input id="svc-remark" bind:value=remark />
                </div>
                <ErrorNote error=Signal::derive(move || deploy.value().get().and_then(Result::err)) />
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || deploy.pending().get()>
                        {move || if deploy.pending().get() { t(Msg::Deploying)() } else { t(Msg::Deploy)() }}
                    </button>
                    <a class="button" href=move || format!("/envs/{}", ctx.env_id.get())>{t(Msg::Cancel)}</a>
                </div>
            </form>
            <CostPreview spec=spec_pair min_num />
        </div>
    }
}

fn yuan(v: f64) -> String {
    format!("¥{v:.2}")
}

/// Low-cost versus high-availability for the chosen spec, side by side.
#[component]
pub fn CostPreview(#[prop(into)] spec: Signal<(f64, f64)>, #[prop(into)] min_num: Signal<u32>) -> impl IntoView {
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
                {format!("{:.1} core·min · {:.1} GiB·min", d.core_min, d.gib_min)}
                <br />
                <span class="muted">{yuan(d.cny(p))}</span>
            </td>
            <td>{yuan(idle.cny(p))}</td>
        }
    };
    view! {
        <aside class=style::cost aria-labelledby="cost-title">
            <h2 id="cost-title" class="h3">{t(Msg::CostTitle)}</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col"><span class="sr-only">{t(Msg::Spec)}</span></th>
                        <th scope="col">{t(Msg::CostDeploy)}</th>
                        <th scope="col">{t(Msg::CostIdle)}</th>
                    </tr>
                </thead>
                <tbody>
                    <tr data-testid="cost-low">
                        <th scope="row">{t(Msg::CostLowCost)}</th>
                        {move || cell(0)}
                    </tr>
                    <tr data-testid="cost-ha">
                        <th scope="row">{t(Msg::CostHa)} {move || format!(" (min {})", ha_min())}</th>
                        {move || cell(ha_min())}
                    </tr>
                </tbody>
            </table>
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
