//! The fields the create form and the settings form share: the port,
//! CPU/memory, instances, scaling thresholds and log collection, with the
//! variables. Each is checked as typed by the same `shared` rules localcloud
//! enforces. The pages group them differently and give their ids their own
//! prefix; each field's markup, rule and help text live here once.

use console_shared::actions::ServerBaseConfig;
use console_shared::defaults;
use console_shared::rules::{self, CPU_MEM_PAIRS, RuleError};
use leptos::prelude::*;

use super::vars::Vars;
use crate::components::{Field, FormError};
use crate::i18n::{Msg, lang, rule_error, spec_text, t};
use crate::pages::service::settings_values::{Logs, Values, thresholds, vars_of};

fn number(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// A scaling threshold: its box, and the percentage typed beside it.
#[derive(Clone, Copy)]
struct Threshold {
    on: RwSignal<bool>,
    at: RwSignal<String>,
}

impl Threshold {
    /// Unticked for `None`, with the default ready for when it is ticked.
    fn new(at: Option<u64>) -> Self {
        Threshold { on: RwSignal::new(at.is_some()), at: RwSignal::new(at.unwrap_or(defaults::THRESHOLD).to_string()) }
    }

    /// The threshold as typed, when its box is ticked.
    fn read(&self) -> Result<Option<u64>, RuleError> {
        if !self.on.get() {
            return Ok(None);
        }
        let v = self.at.get().trim().parse::<u64>().map_err(|_| RuleError::OutOfRange(1, 100))?;
        rules::threshold(v).map(|()| Some(v))
    }
}

/// A service's settings as a form edits them.
#[derive(Clone, Copy)]
pub struct ServiceForm {
    /// What the fields' ids start with (`svc`, `set`), so that a page's
    /// error summary and labels point at its own fields.
    prefix: &'static str,
    port: RwSignal<String>,
    /// Index into [`CPU_MEM_PAIRS`].
    spec: RwSignal<usize>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    cpu: Threshold,
    mem: Threshold,
    // Both pages read the log fields through `logs`, the ids trimmed.
    log_type: RwSignal<String>,
    log_set: RwSignal<String>,
    log_topic: RwSignal<String>,
    log_format: RwSignal<String>,
    /// Its rows keep `VarsField`'s own `svc-` ids on either page.
    pub vars: Vars,
}

impl ServiceForm {
    /// The form filled with the settings `c`, its ids starting `prefix-`.
    pub fn new(prefix: &'static str, c: &ServerBaseConfig) -> Self {
        let spec = CPU_MEM_PAIRS.iter().position(|(cpu, mem)| *cpu == c.cpu && *mem == c.mem).unwrap_or(defaults::SPEC);
        let (cpu_at, mem_at) = thresholds(&c.policy_details);
        // The settings' log collection, its defaults filled in.
        let logs = Logs::of_settings(c);
        ServiceForm {
            prefix,
            port: RwSignal::new(c.port.to_string()),
            spec: RwSignal::new(spec),
            min: RwSignal::new(c.min_num.to_string()),
            max: RwSignal::new(c.max_num.to_string()),
            cpu: Threshold::new(cpu_at),
            mem: Threshold::new(mem_at),
            log_type: RwSignal::new(logs.log_type),
            log_set: RwSignal::new(logs.set),
            log_topic: RwSignal::new(logs.topic),
            log_format: RwSignal::new(logs.format),
            vars: Vars::with(vars_of(&c.env_params)),
        }
    }

    fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// The ids of the fields' parts `names`, for an `aria-describedby`.
    pub fn ids(&self, names: &[&str]) -> String {
        names.iter().map(|n| self.id(n)).collect::<Vec<_>>().join(" ")
    }

    pub fn spec_pair(&self) -> (f64, f64) {
        CPU_MEM_PAIRS[self.spec.get()]
    }

    pub fn min_num(&self) -> u32 {
        number(&self.min.get()).unwrap_or(0).clamp(0, rules::MAX_INSTANCES) as u32
    }

    /// The thresholds, each with its field's name and label.
    fn thresholds(&self) -> [(Threshold, &'static str, Msg); 2] {
        [(self.cpu, "cpu-at", Msg::CpuAbove), (self.mem, "mem-at", Msg::MemAbove)]
    }

    fn port_message(&self) -> Option<String> {
        match number(&self.port.get()) {
            Some(p) => rules::port(p).err(),
            None => Some(RuleError::OutOfRange(1, 65_535)),
        }
        .map(|e| rule_error(&e, lang()))
    }

    fn instances_message(&self) -> Option<String> {
        match (number(&self.min.get()), number(&self.max.get())) {
            (Some(a), Some(b)) => rules::instances(a, b).err(),
            _ => Some(RuleError::OutOfRange(0, rules::MAX_INSTANCES)),
        }
        .map(|e| rule_error(&e, lang()))
    }

    /// The first threshold in error, with its field's name.
    fn threshold_message(&self) -> Option<(&'static str, String)> {
        self.thresholds().into_iter().find_map(|(th, name, _)| th.read().err().map(|e| (name, rule_error(&e, lang()))))
    }

    pub fn port_error(&self) -> Option<FormError> {
        self.port_message().map(|m| FormError::new(self.id("port"), Msg::Port.text(lang()), m))
    }

    pub fn instances_error(&self) -> Option<FormError> {
        self.instances_message().map(|m| FormError::new(self.id("min"), Msg::MinInstances.text(lang()), m))
    }

    pub fn threshold_error(&self) -> Option<FormError> {
        self.threshold_message().map(|(name, m)| FormError::new(self.id(name), Msg::Scaling.text(lang()), m))
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
            cpu_at: self.cpu.read().ok()?,
            mem_at: self.mem.read().ok()?,
            vars: self.vars.named(),
        })
    }

    /// The log collection, the ids trimmed.
    pub fn logs(&self) -> Logs {
        Logs {
            log_type: self.log_type.get(),
            set: self.log_set.get().trim().to_string(),
            topic: self.log_topic.get().trim().to_string(),
            format: self.log_format.get(),
        }
    }
}

#[component]
pub fn PortField(form: ServiceForm) -> impl IntoView {
    let error = Signal::derive(move || form.port_message());
    view! {
        <Field id=form.id("port") label=Msg::Port help=Msg::PortHelp error>
            <input id=form.id("port") type="number" min="1" max="65535" bind:value=form.port
                aria-describedby=form.ids(&["port-help", "port-error"])
                aria-invalid=move || error.with(Option::is_some).to_string() />
        </Field>
    }
}

/// CPU and memory, as one of the allowed pairs.
#[component]
pub fn SpecField(form: ServiceForm) -> impl IntoView {
    view! {
        <Field id=form.id("spec") label=Msg::Spec>
            <select id=form.id("spec") on:change=move |ev| form.spec.set(event_target_value(&ev).parse().unwrap_or(defaults::SPEC))>
                {CPU_MEM_PAIRS
                    .iter()
                    .enumerate()
                    .map(|(i, (c, m))| view! {
                        <option value=i.to_string() selected=move || form.spec.get() == i>{move || spec_text(*c, *m, lang())}</option>
                    })
                    .collect_view()}
            </select>
        </Field>
    }
}

/// The instance range (R-INS-2), its help and its error, inside the page's
/// fieldset, which names the last two as its description.
#[component]
pub fn InstanceFields(form: ServiceForm) -> impl IntoView {
    let error = move || form.instances_message();
    view! {
        <div class="row">
            {[("min", form.min, Msg::MinInstances), ("max", form.max, Msg::MaxInstances)]
                .into_iter()
                .map(|(name, value, label)| view! {
                    <label class="inline">
                        {t(label)}
                        <input id=form.id(name) type="number" min="0" max="50" bind:value=value
                            aria-invalid=move || error().is_some().to_string() />
                    </label>
                })
                .collect_view()}
        </div>
        <p id=form.id("instances-help") class="help">{t(Msg::InstancesHelp)}</p>
        <p id=form.id("instances-error") class="field-error" aria-live="polite">{error}</p>
    }
}

/// When to scale out (R-INS-3): a box and a percentage for CPU and for
/// memory, and their error, inside the page's fieldset.
#[component]
pub fn ThresholdFields(form: ServiceForm) -> impl IntoView {
    view! {
        <div class="row">
            {form
                .thresholds()
                .into_iter()
                .map(|(th, name, label)| view! {
                    <label class="inline">
                        <input type="checkbox" bind:checked=th.on />
                        {t(label)}
                        <input id=form.id(name) type="number" min="1" max="100" bind:value=th.at
                            disabled=move || !th.on.get() />
                    </label>
                })
                .collect_view()}
        </div>
        <p id=form.id("scaling-error") class="field-error" aria-live="polite">
            {move || form.threshold_message().map(|(_, m)| m)}
        </p>
    }
}

/// Log collection: none, standard output, or a custom log set and topic
/// (R-OBS-1), with the page's `help` below it, if any.
#[component]
pub fn LogFields(form: ServiceForm, #[prop(optional)] help: Option<Msg>) -> impl IntoView {
    let help = help.map(|msg| (form.id("log-help"), msg));
    let described = help.as_ref().map(|(id, _)| id.clone());
    view! {
        <fieldset class="field" aria-describedby=described>
            <legend>{t(Msg::LogCollection)}</legend>
            <div class="row">
                {[("none", Msg::LogNone), ("default", Msg::LogStdout), ("custom", Msg::LogCustom)]
                    .into_iter()
                    .map(|(value, label)| view! {
                        <label class="inline">
                            <input type="radio" name=form.id("log-type") value=value prop:checked=move || form.log_type.get() == value
                                on:change=move |_| form.log_type.set(value.to_string()) />
                            {t(label)}
                        </label>
                    })
                    .collect_view()}
            </div>
            <Show when=move || form.log_type.get() == "custom">
                <div class="row">
                    <label class="inline">{t(Msg::LogSet)} <input id=form.id("log-set") bind:value=form.log_set /></label>
                    <label class="inline">{t(Msg::LogTopic)} <input id=form.id("log-topic") bind:value=form.log_topic /></label>
                    <label class="inline">
                        {t(Msg::LogFormat)}
                        <select on:change=move |ev| form.log_format.set(event_target_value(&ev))>
                            <option value="json" selected=move || form.log_format.get() == "json">"JSON"</option>
                            <option value="line" selected=move || form.log_format.get() == "line">{t(Msg::LogFormatLine)}</option>
                        </select>
                    </label>
                </div>
            </Show>
            {help.map(|(id, msg)| view! { <p id=id class="help">{t(msg)}</p> })}
        </fieldset>
    }
}
