//! The create-service form (R-DEP-1): every field checked as you type by the
//! same `shared` rules localcloud enforces, and the cost of low-cost versus
//! high-availability mode beside it (R-DEP-4, R-COST-1). A submit with
//! errors moves focus to the first one and lists them all above the button.

pub(crate) mod cost;
pub(crate) mod vars;

use console_shared::actions::{
    CreateCloudRunServer, CreateCloudRunServerRequest, DescribeCloudRunServers, DescribeCloudRunServersRequest,
    DiffConfigItem, HpaPolicy,
};
use console_shared::api::codes;
use console_shared::defaults;
use console_shared::dto::ApiError;
use console_shared::rules::{self, CPU_MEM_PAIRS};
use console_shared::vocab::ConfigKey;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{ErrorNote, ErrorSummary, Field, FormError, error_of, focus_first};
use crate::i18n::{Msg, Subject, colon, lang, rule_error, rule_error_about, service_exists, spec_text, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::source::{IMAGE, Source, SourceFields, Upload, upload_into};
use cost::CostPreview;
use vars::{Vars, VarsField};

stylance::import_crate_style!(pub(crate) style, "src/pages/create_service/create_service.module.css");

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
async fn submit_service(s: Submission, source: Source) -> Result<String, ApiError> {
    let mut req = s.request;
    upload_into(source, &req.env_id, &req.server_name, s.package, &mut req.deploy_info).await?;
    api::cloud::<CreateCloudRunServer>(&req).await.map(|_| req.server_name)
}

#[component]
pub fn CreateService() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let port = RwSignal::new(defaults::PORT.to_string());
    let spec = RwSignal::new(defaults::SPEC);
    let min = RwSignal::new(defaults::MIN_NUM.to_string());
    let max = RwSignal::new(defaults::MAX_NUM.to_string());
    let cpu_on = RwSignal::new(true);
    let cpu_at = RwSignal::new(defaults::THRESHOLD.to_string());
    let mem_on = RwSignal::new(true);
    let mem_at = RwSignal::new(defaults::THRESHOLD.to_string());
    let log_type = RwSignal::new(defaults::LOG_TYPE.to_string());
    let log_set = RwSignal::new(String::new());
    let log_topic = RwSignal::new(String::new());
    let log_format = RwSignal::new(defaults::LOG_PARSE_TYPE.to_string());
    let vars = Vars::new();
    let remark = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let source = Source::new(IMAGE, String::new(), "", "", attempted);

    // R-SVC-3: names are unique in the environment. Said as typed, from the
    // services the caller can see; the cloud's own refusal lands here too.
    let existing = LocalResource::new(move || {
        let env_id = ctx.env_id.get();
        async move {
            let req = DescribeCloudRunServersRequest { env_id, page_size: Some(30), ..Default::default() };
            api::cloud::<DescribeCloudRunServers>(&req).await.map(|r| r.server_list)
        }
    });
    let refused_name = RwSignal::new(None::<String>);
    let taken = move |n: &str| {
        refused_name.with(|r| r.as_deref() == Some(n))
            || existing.get().and_then(Result::ok).is_some_and(|list| list.iter().any(|s| s.server_name == n))
    };

    let name_rule = move || {
        let n = name.get();
        match rules::service_name(&n) {
            Err(e) => Some(rule_error_about(Subject::ServiceName, &e, lang())),
            Ok(()) if taken(&n) => Some(service_exists(&n, lang())),
            Ok(()) => None,
        }
    };
    let name_error = move || (attempted.get() || !name.get().is_empty()).then(name_rule).flatten();
    let port_error = move || match number(&port.get()) {
        Some(p) => rules::port(p).err().map(|e| rule_error(&e, lang())),
        None => Some(rule_error(&rules::RuleError::OutOfRange(1, 65_535), lang())),
    };
    let instances_error = move || match (number(&min.get()), number(&max.get())) {
        (Some(a), Some(b)) => rules::instances(a, b).err().map(|e| rule_error(&e, lang())),
        _ => Some(rule_error(&rules::RuleError::OutOfRange(0, rules::MAX_INSTANCES), lang())),
    };
    let threshold_error = move || {
        [(cpu_on, cpu_at, "svc-cpu-at"), (mem_on, mem_at, "svc-mem-at")]
            .into_iter()
            .filter(|(on, ..)| on.get())
            .find_map(|(_, at, id)| {
                match at.get().trim().parse::<u64>() {
                    Ok(v) => rules::threshold(v).err(),
                    Err(_) => Some(rules::RuleError::OutOfRange(1, 100)),
                }
                .map(|e| (id, rule_error(&e, lang())))
            })
    };
    let remark_error = move || rules::remark(&remark.get()).err().map(|e| rule_error(&e, lang()));

    // Every error, in the order of the fields.
    let errors = Signal::derive(move || {
        let label = |m: Msg| m.text(lang());
        let mut out = Vec::new();
        if let Some(m) = name_rule() {
            out.push(FormError::new("svc-name", label(Msg::ServiceName), m));
        }
        out.extend(source.errors("svc"));
        if let Some(m) = port_error() {
            out.push(FormError::new("svc-port", label(Msg::Port), m));
        }
        if let Some(m) = instances_error() {
            out.push(FormError::new("svc-min", label(Msg::MinInstances), m));
        }
        if let Some((id, m)) = threshold_error() {
            out.push(FormError::new(id, label(Msg::Scaling), m));
        }
        out.extend(vars.errors());
        if let Some(m) = remark_error() {
            out.push(FormError::new("svc-remark", label(Msg::Remark), m));
        }
        out
    });

    let deploy = Action::new_local(move |s: &Submission| submit_service(s.clone(), source));
    Effect::new(move |_| match deploy.value().get() {
        // The cloud answers TaskId 0 ("not used for now"): task 0 is the
        // deploy running now, which the progress page looks up.
        Some(Ok(service)) => {
            let env = ctx.env_id.get_untracked();
            navigate(&format!("/envs/{env}/services/{service}/tasks/0"), Default::default());
        }
        // On create, ResourceInUse is the name: say it at the name field.
        Some(Err(e)) if e.code == codes::RESOURCE_IN_USE => {
            refused_name.set(Some(name.get_untracked()));
            focus_first(&errors.get_untracked());
        }
        _ => {}
    });
    let deploy_error = error_of(deploy);
    let form_error = Signal::derive(move || deploy_error.get().filter(|e| e.code != codes::RESOURCE_IN_USE));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if focus_first(&errors.get_untracked()) {
            return;
        }
        let (cpu, mem) = CPU_MEM_PAIRS[spec.get_untracked()];
        let mut policies = Vec::new();
        for (on, at, kind) in [(cpu_on, cpu_at, "cpu"), (mem_on, mem_at, "mem")] {
            if on.get_untracked() {
                let threshold = at.get_untracked().trim().parse().unwrap_or(defaults::THRESHOLD);
                policies.push(HpaPolicy { policy_type: kind.into(), policy_threshold: threshold });
            }
        }
        let mut items = vec![
            DiffConfigItem::int(ConfigKey::Port, number(&port.get_untracked()).unwrap_or(defaults::PORT)),
            DiffConfigItem::float(ConfigKey::CpuSpecs, cpu),
            DiffConfigItem::float(ConfigKey::MemSpecs, mem),
            DiffConfigItem::int(ConfigKey::MinNum, number(&min.get_untracked()).unwrap_or(defaults::MIN_NUM)),
            DiffConfigItem::int(ConfigKey::MaxNum, number(&max.get_untracked()).unwrap_or(defaults::MAX_NUM)),
            DiffConfigItem::policies(policies),
            DiffConfigItem::string(ConfigKey::EnvParam, vars.env_param()),
            DiffConfigItem::string(ConfigKey::LogType, log_type.get_untracked()),
        ];
        items.extend(source.items());
        if log_type.get_untracked() == "custom" {
            items.push(DiffConfigItem::string(ConfigKey::LogSetId, log_set.get_untracked()));
            items.push(DiffConfigItem::string(ConfigKey::LogTopicId, log_topic.get_untracked()));
            items.push(DiffConfigItem::string(ConfigKey::LogParseType, log_format.get_untracked()));
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
                    <strong id="limits-title">{t(Msg::Limits)} {move || colon(lang())}</strong>
                    {t(Msg::LimitsText)}
                </aside>
                <Field id="svc-name" label=Msg::ServiceName help=Msg::ServiceNameHelp error=Signal::derive(name_error)>
                    <input id="svc-name" autocomplete="off" spellcheck="false" bind:value=name
                        aria-describedby="svc-name-help svc-name-error" aria-invalid=move || name_error().is_some().to_string() />
                </Field>
                <SourceFields source id="svc" />
                <Field id="svc-port" label=Msg::Port help=Msg::PortHelp error=Signal::derive(port_error)>
                    <input id="svc-port" type="number" min="1" max="65535" bind:value=port
                        aria-describedby="svc-port-help svc-port-error" aria-invalid=move || port_error().is_some().to_string() />
                </Field>
                <Field id="svc-spec" label=Msg::Spec>
                    <select id="svc-spec" on:change=move |ev| spec.set(event_target_value(&ev).parse().unwrap_or(1))>
                        {CPU_MEM_PAIRS
                            .iter()
                            .enumerate()
                            .map(|(i, (c, m))| view! { <option value=i.to_string() selected=move || spec.get() == i>{move || spec_text(*c, *m, lang())}</option> })
                            .collect_view()}
                    </select>
                </Field>
                <fieldset class="field" aria-describedby="svc-instances-help svc-instances-error">
                    <legend>{t(Msg::MinInstances)} " / " {t(Msg::MaxInstances)}</legend>
                    <div class="row">
                        <label class="inline">
                            {t(Msg::MinInstances)}
                            <input id="svc-min" type="number" min="0" max="50" bind:value=min
                                aria-invalid=move || instances_error().is_some().to_string() />
                        </label>
                        <label class="inline">
                            {t(Msg::MaxInstances)}
                            <input type="number" min="0" max="50" bind:value=max
                                aria-invalid=move || instances_error().is_some().to_string() />
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
                            <input id="svc-cpu-at" type="number" min="1" max="100" bind:value=cpu_at disabled=move || !cpu_on.get() />
                        </label>
                        <label class="inline">
                            <input type="checkbox" bind:checked=mem_on />
                            {t(Msg::MemAbove)}
                            <input id="svc-mem-at" type="number" min="1" max="100" bind:value=mem_at disabled=move || !mem_on.get() />
                        </label>
                    </div>
                    <p id="svc-scaling-error" class="field-error" aria-live="polite">{move || threshold_error().map(|(_, m)| m)}</p>
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
                                    <option value="line">{t(Msg::LogFormatLine)}</option>
                                </select>
                            </label>
                        </div>
                    </Show>
                </fieldset>
                <VarsField vars />
                <Field id="svc-remark" label=Msg::Remark error=Signal::derive(remark_error)>
                    <input id="svc-remark" bind:value=remark aria-describedby="svc-remark-error"
                        aria-invalid=move || remark_error().is_some().to_string() />
                </Field>
                <ErrorSummary id="svc-summary" errors shown=attempted />
                <ErrorNote error=form_error />
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
