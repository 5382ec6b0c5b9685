//! The settings form's fields: code (the port; a package's Dockerfile shown
//! read-only), run (CPU/memory, variables), scaling and log collection, each
//! checked as typed by the same `shared` rules localcloud enforces.

use console_shared::actions::ServerBaseConfig;
use console_shared::defaults;
use console_shared::rules::{self, CPU_MEM_PAIRS, RuleError, dockerfile_path};
use leptos::prelude::*;

use super::settings_values::{Logs, Values, thresholds, vars_of};
use crate::components::{Field, FormError};
use crate::i18n::{Msg, lang, rule_error, spec_text, t};
use crate::pages::create_service::vars::{Vars, VarsField};

fn number(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// A threshold as typed, when its box is ticked.
fn threshold(on: RwSignal<bool>, at: RwSignal<String>) -> Result<Option<u64>, RuleError> {
    if !on.get() {
        return Ok(None);
    }
    let v = at.get().trim().parse::<u64>().map_err(|_| RuleError::OutOfRange(1, 100))?;
    rules::threshold(v).map(|()| Some(v))
}

/// The form, as it edits the settings.
#[derive(Clone, Copy)]
pub struct SettingsForm {
    port: RwSignal<String>,
    /// Index into [`CPU_MEM_PAIRS`].
    spec: RwSignal<usize>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    cpu_on: RwSignal<bool>,
    cpu_at: RwSignal<String>,
    mem_on: RwSignal<bool>,
    mem_at: RwSignal<String>,
    log_type: RwSignal<String>,
    log_set: RwSignal<String>,
    log_topic: RwSignal<String>,
    log_format: RwSignal<String>,
    vars: Vars,
}

impl SettingsForm {
    /// The form filled with the settings `c`.
    pub fn new(c: &ServerBaseConfig) -> Self {
        let spec = CPU_MEM_PAIRS.iter().position(|(cpu, mem)| *cpu == c.cpu && *mem == c.mem).unwrap_or(defaults::SPEC);
        let (cpu_at, mem_at) = thresholds(&c.policy_details);
        let at = |v: Option<u64>| RwSignal::new(v.unwrap_or(defaults::THRESHOLD).to_string());
        let or = |v: &str, d: &str| RwSignal::new(if v.is_empty() { d.to_string() } else { v.to_string() });
        SettingsForm {
            port: RwSignal::new(c.port.to_string()),
            spec: RwSignal::new(spec),
            min: RwSignal::new(c.min_num.to_string()),
            max: RwSignal::new(c.max_num.to_string()),
            cpu_on: RwSignal::new(cpu_at.is_some()),
            cpu_at: at(cpu_at),
            mem_on: RwSignal::new(mem_at.is_some()),
            mem_at: at(mem_at),
            log_type: or(&c.log_type, defaults::LOG_TYPE),
            log_set: RwSignal::new(c.log_set_id.clone()),
            log_topic: RwSignal::new(c.log_topic_id.clone()),
            log_format: or(&c.log_parse_type, defaults::LOG_PARSE_TYPE),
            vars: Vars::with(vars_of(&c.env_params)),
        }
    }

    pub fn spec_pair(&self) -> (f64, f64) {
        CPU_MEM_PAIRS[self.spec.get()]
    }

    pub fn min_num(&self) -> u32 {
        number(&self.min.get()).unwrap_or(0).clamp(0, rules::MAX_INSTANCES) as u32
    }

    fn port_error(&self) -> Option<String> {
        match number(&self.port.get()) {
            Some(p) => rules::port(p).err(),
            None => Some(RuleError::OutOfRange(1, 65_535)),
        }
        .map(|e| rule_error(&e, lang()))
    }

    fn instances_error(&self) -> Option<String> {
        match (number(&self.min.get()), number(&self.max.get())) {
            (Some(a), Some(b)) => rules::instances(a, b).err(),
            _ => Some(RuleError::OutOfRange(0, rules::MAX_INSTANCES)),
        }
        .map(|e| rule_error(&e, lang()))
    }

    /// The first threshold in error, with its field's id.
    fn threshold_error(&self) -> Option<(&'static str, String)> {
        [(self.cpu_on, self.cpu_at, "set-cpu-at"), (self.mem_on, self.mem_at, "set-mem-at")]
            .into_iter()
            .find_map(|(on, at, id)| threshold(on, at).err().map(|e| (id, rule_error(&e, lang()))))
    }

    /// Every error, in the order of the fields.
    pub fn errors(&self) -> Vec<FormError> {
        let label = |m: Msg| m.text(lang());
        let mut out = Vec::new();
        if let Some(m) = self.port_error() {
            out.push(FormError::new("set-port", label(Msg::Port), m));
        }
        out.extend(self.vars.errors());
        if let Some(m) = self.instances_error() {
            out.push(FormError::new("set-min", label(Msg::MinInstances), m));
        }
        if let Some((id, m)) = self.threshold_error() {
            out.push(FormError::new(id, label(Msg::Scaling), m));
        }
        out
    }

    /// The values typed, once every number reads as one.
    pub fn values(&self) -> Option<Values> {
        let (cpu, mem) = self.spec_pair();
        Some(Values {
            port: number(&self.port.get())?,
            cpu,
            mem,
            min: number(&self.min.get())?,
            max: number(&self.max.get())?,
            cpu_at: threshold(self.cpu_on, self.cpu_at).ok()?,
            mem_at: threshold(self.mem_on, self.mem_at).ok()?,
            vars: self.vars.named(),
        })
    }

    pub fn logs(&self) -> Logs {
        Logs {
            log_type: self.log_type.get(),
            set: self.log_set.get().trim().to_string(),
            topic: self.log_topic.get().trim().to_string(),
            format: self.log_format.get(),
        }
    }
}

/// Code configuration: the port, and for a code package its Dockerfile,
/// read-only here because only a new package build reads it.
#[component]
pub fn CodeFields(form: SettingsForm, config: ServerBaseConfig) -> impl IntoView {
    let port_error = Signal::derive(move || form.port_error());
    let package = config.has_dockerfile.then(|| dockerfile_path(&config.build_dir, &config.dockerfile));
    view! {
        <fieldset class="field">
            <legend>{t(Msg::CodeConfig)}</legend>
            <Field id="set-port" label=Msg::Port help=Msg::PortHelp error=port_error>
                <input id="set-port" type="number" min="1" max="65535" bind:value=form.port
                    aria-describedby="set-port-help set-port-error"
                    aria-invalid=move || port_error.with(Option::is_some).to_string() />
            </Field>
            {package.map(|path| view! {
                <dl class="facts">
                    <dt>{t(Msg::DockerfileName)} " · " {t(Msg::BuildDir)}</dt>
                    <dd><code class="break" data-testid="settings-dockerfile">{path}</code></dd>
                </dl>
                <p class="help">{t(Msg::DockerfileReadOnly)}</p>
            })}
        </fieldset>
    }
}

/// Run configuration: CPU and memory, and the variables.
#[component]
pub fn RunFields(form: SettingsForm) -> impl IntoView {
    view! {
        <fieldset class="field">
            <legend>{t(Msg::RunConfig)}</legend>
            <Field id="set-spec" label=Msg::Spec>
                <select id="set-spec" on:change=move |ev| form.spec.set(event_target_value(&ev).parse().unwrap_or(defaults::SPEC))>
                    {CPU_MEM_PAIRS
                        .iter()
                        .enumerate()
                        .map(|(i, (c, m))| view! {
                            <option value=i.to_string() selected=move || form.spec.get() == i>{move || spec_text(*c, *m, lang())}</option>
                        })
                        .collect_view()}
                </select>
            </Field>
            <VarsField vars=form.vars />
            <p class="help">{t(Msg::SecretsKept)}</p>
        </fieldset>
    }
}

/// Scaling: the instance range and when to scale out (R-INS-2, R-INS-3).
#[component]
pub fn ScalingFields(form: SettingsForm) -> impl IntoView {
    let instances_error = move || form.instances_error();
    let threshold_error = move || form.threshold_error().map(|(_, m)| m);
    view! {
        <fieldset class="field" aria-describedby="set-instances-help set-instances-error set-scaling-error">
            <legend>{t(Msg::ScalingConfig)}</legend>
            <div class="row">
                <label class="inline">
                    {t(Msg::MinInstances)}
                    <input id="set-min" type="number" min="0" max="50" bind:value=form.min
                        aria-invalid=move || instances_error().is_some().to_string() />
                </label>
                <label class="inline">
                    {t(Msg::MaxInstances)}
                    <input id="set-max" type="number" min="0" max="50" bind:value=form.max
                        aria-invalid=move || instances_error().is_some().to_string() />
                </label>
            </div>
            <p id="set-instances-help" class="help">{t(Msg::InstancesHelp)}</p>
            <p id="set-instances-error" class="field-error" aria-live="polite">{instances_error}</p>
            <p class="help">{t(Msg::Scaling)}</p>
            <div class="row">
                <label class="inline">
                    <input type="checkbox" bind:checked=form.cpu_on />
                    {t(Msg::CpuAbove)}
                    <input id="set-cpu-at" type="number" min="1" max="100" bind:value=form.cpu_at
                        disabled=move || !form.cpu_on.get() />
                </label>
                <label class="inline">
                    <input type="checkbox" bind:checked=form.mem_on />
                    {t(Msg::MemAbove)}
                    <input id="set-mem-at" type="number" min="1" max="100" bind:value=form.mem_at
                        disabled=move || !form.mem_on.get() />
                </label>
            </div>
            <p id="set-scaling-error" class="field-error" aria-live="polite">{threshold_error}</p>
        </fieldset>
    }
}

/// Log collection: none, standard output, or a custom log set and topic (R-OBS-1).
#[component]
pub fn LogFields(form: SettingsForm) -> impl IntoView {
    view! {
        <fieldset class="field" aria-describedby="set-log-help">
            <legend>{t(Msg::LogCollection)}</legend>
            <div class="row">
                {[("none", Msg::LogNone), ("default", Msg::LogStdout), ("custom", Msg::LogCustom)]
                    .into_iter()
                    .map(|(value, label)| view! {
                        <label class="inline">
                            <input type="radio" name="set-log-type" value=value prop:checked=move || form.log_type.get() == value
                                on:change=move |_| form.log_type.set(value.to_string()) />
                            {t(label)}
                        </label>
                    })
                    .collect_view()}
            </div>
            <Show when=move || form.log_type.get() == "custom">
                <div class="row">
                    <label class="inline">{t(Msg::LogSet)} <input id="set-log-set" bind:value=form.log_set /></label>
                    <label class="inline">{t(Msg::LogTopic)} <input id="set-log-topic" bind:value=form.log_topic /></label>
                    <label class="inline">
                        {t(Msg::LogFormat)}
                        <select on:change=move |ev| form.log_format.set(event_target_value(&ev))>
                            <option value="json" selected=move || form.log_format.get() == "json">"JSON"</option>
                            <option value="line" selected=move || form.log_format.get() == "line">{t(Msg::LogFormatLine)}</option>
                        </select>
                    </label>
                </div>
            </Show>
            <p id="set-log-help" class="help">{t(Msg::LogChangeRedeploys)}</p>
        </fieldset>
    }
}
