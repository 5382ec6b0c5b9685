//! The settings form's sections: code (the port; a package's Dockerfile shown
//! read-only), run (CPU/memory, variables) and scaling, made of the fields the
//! create form shows too.

use console_shared::actions::ServerBaseConfig;
use console_shared::rules::dockerfile_path;
use leptos::prelude::*;

use crate::components::FormError;
use crate::i18n::{Msg, t};
use crate::pages::create_service::fields::{InstanceFields, PortField, ServiceForm, SpecField, ThresholdFields};
use crate::pages::create_service::vars::VarsField;

/// Every error, in the order of the settings' fields.
pub fn errors(form: &ServiceForm) -> Vec<FormError> {
    let mut out: Vec<_> = form.port_error().into_iter().collect();
    out.extend(form.vars.errors());
    out.extend(form.instances_error());
    out.extend(form.threshold_error());
    out
}

/// Code configuration: the port, and for a code package its Dockerfile,
/// read-only here because only a new package build reads it.
#[component]
pub fn CodeFields(form: ServiceForm, config: ServerBaseConfig) -> impl IntoView {
    let package = config.has_dockerfile.then(|| dockerfile_path(&config.build_dir, &config.dockerfile));
    view! {
        <fieldset class="field">
            <legend>{t(Msg::CodeConfig)}</legend>
            <PortField form />
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
pub fn RunFields(form: ServiceForm) -> impl IntoView {
    view! {
        <fieldset class="field">
            <legend>{t(Msg::RunConfig)}</legend>
            <SpecField form />
            <VarsField vars=form.vars />
            <p class="help">{t(Msg::SecretsKept)}</p>
        </fieldset>
    }
}

/// Scaling: the instance range and when to scale out (R-INS-2, R-INS-3),
/// in one section.
#[component]
pub fn ScalingFields(form: ServiceForm) -> impl IntoView {
    view! {
        <fieldset class="field" aria-describedby=form.ids(&["instances-help", "instances-error", "scaling-error"])>
            <legend>{t(Msg::ScalingConfig)}</legend>
            <InstanceFields form />
            <p class="help">{t(Msg::Scaling)}</p>
            <ThresholdFields form />
        </fieldset>
    }
}
