//! The create-service form (R-DEP-1): every field checked as you type by the
//! same `shared` rules localcloud enforces, and the cost of low-cost versus
//! high-availability mode beside it (R-DEP-4, R-COST-1). A submit with
//! errors moves focus to the first one and lists them all above the button.

pub(crate) mod cost;
pub(crate) mod fields;
pub(crate) mod vars;

use console_shared::actions::{
    CreateCloudRunServer, CreateCloudRunServerRequest, DescribeCloudRunServers, DescribeCloudRunServersRequest,
    DiffConfigItem,
};
use console_shared::api::codes;
use console_shared::defaults;
use console_shared::dto::ApiError;
use console_shared::rules;
use console_shared::vocab::ConfigKey;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{ErrorNote, ErrorSummary, Field, FormError, error_of, focus_first};
use crate::i18n::{Msg, Subject, colon, lang, rule_error, rule_error_about, service_exists, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::settings_values::policies;
use crate::pages::source::{IMAGE, Source, SourceFields, Upload, upload_into};
use cost::CostPreview;
use fields::{InstanceFields, LogFields, PortField, ServiceForm, SpecField, ThresholdFields};
use vars::VarsField;

stylance::import_crate_style!(pub(crate) style, "src/pages/create_service/create_service.module.css");

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
    // Filled with the settings a create that says nothing gets.
    let form = ServiceForm::new("svc", &defaults::service_config("", ""));
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
    let remark_error = move || rules::remark(&remark.get()).err().map(|e| rule_error(&e, lang()));

    // Every error, in the order of the fields.
    let errors = Signal::derive(move || {
        let label = |m: Msg| m.text(lang());
        let mut out = Vec::new();
        if let Some(m) = name_rule() {
            out.push(FormError::new("svc-name", label(Msg::ServiceName), m));
        }
        out.extend(source.errors("svc"));
        out.extend(form.port_error());
        out.extend(form.instances_error());
        out.extend(form.threshold_error());
        out.extend(form.vars.errors());
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
        // With no errors every number reads as one, so this always has values.
        let Some(v) = untrack(|| form.values()) else { return };
        let logs = untrack(|| form.logs());
        let mut items = vec![
            DiffConfigItem::int(ConfigKey::Port, v.port),
            DiffConfigItem::float(ConfigKey::CpuSpecs, v.cpu),
            DiffConfigItem::float(ConfigKey::MemSpecs, v.mem),
            DiffConfigItem::int(ConfigKey::MinNum, v.min),
            DiffConfigItem::int(ConfigKey::MaxNum, v.max),
            DiffConfigItem::policies(policies(v.cpu_at, v.mem_at)),
            DiffConfigItem::string(ConfigKey::EnvParam, form.vars.env_param()),
            DiffConfigItem::string(ConfigKey::LogType, logs.log_type.clone()),
        ];
        items.extend(source.items());
        // The same log collection the settings page sends, ids trimmed.
        if logs.log_type == "custom" {
            items.push(DiffConfigItem::string(ConfigKey::LogSetId, logs.set));
            items.push(DiffConfigItem::string(ConfigKey::LogTopicId, logs.topic));
            items.push(DiffConfigItem::string(ConfigKey::LogParseType, logs.format));
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
                <PortField form />
                <SpecField form />
                <fieldset class="field" aria-describedby=form.ids(&["instances-help", "instances-error"])>
                    <legend>{t(Msg::MinInstances)} " / " {t(Msg::MaxInstances)}</legend>
                    <InstanceFields form />
                </fieldset>
                <fieldset class="field" aria-describedby=form.ids(&["scaling-error"])>
                    <legend>{t(Msg::Scaling)}</legend>
                    <ThresholdFields form />
                </fieldset>
                <LogFields form />
                <VarsField vars=form.vars />
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
            <CostPreview spec=Signal::derive(move || form.spec_pair()) min_num=Signal::derive(move || form.min_num()) />
        </div>
    }
}
