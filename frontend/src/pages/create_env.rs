//! Creating an environment: a name checked as you type by the same rule
//! localcloud enforces, and a region chosen once and for all (R-ENV-4).

use console_shared::actions::{CreateCloudRunEnv, CreateCloudRunEnvRequest};
use console_shared::api::codes;
use console_shared::dto::ApiError;
use console_shared::region::Region;
use console_shared::rules::{self, PACKAGE_TYPES};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{ErrorNote, Field, LockIcon, PageHead, error_of, focus_by_id};
use crate::i18n::{Msg, Subject, alias_taken, lang, package_name, region_name, rule_error_about, t};
use crate::state::Envs;

stylance::import_crate_style!(style, "src/pages/create_env.module.css");

/// Where a cloud error belongs: next to the field it is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Alias,
    Region,
    Form,
}

/// Decided by the code alone, never by the message's words: the region is
/// the only region-coded input, the alias the only free-text one.
fn place_of(e: &ApiError) -> Place {
    match e.code.as_str() {
        codes::UNSUPPORTED_REGION => Place::Region,
        codes::INVALID_PARAMETER | codes::INVALID_PARAMETER_VALUE | codes::MISSING_PARAMETER => Place::Alias,
        _ => Place::Form,
    }
}

#[component]
pub fn CreateEnv() -> impl IntoView {
    let envs = expect_context::<Envs>();
    let navigate = use_navigate();
    let alias = RwSignal::new(String::new());
    let region = RwSignal::new(None::<Region>);
    let package = RwSignal::new("Trial".to_string());
    // Errors show once the user typed or tried to submit, not on an empty new form.
    let attempted = RwSignal::new(false);

    let create = Action::new_local(|(region, req): &(Region, CreateCloudRunEnvRequest)| {
        api::cloud_in_region::<CreateCloudRunEnv>(*region, req)
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            envs.0.refetch();
            navigate(&format!("/envs/{}", created.env_id), Default::default());
        }
    });
    let create_error = error_of(create);
    let cloud_error = move |place: Place| create_error.get().filter(|e| place_of(e) == place);

    let alias_error = move || {
        let value = alias.get();
        if value.is_empty() && !attempted.get() {
            return None;
        }
        rules::env_alias(&value).err().map(|e| rule_error_about(Subject::EnvName, &e, lang()))
    };
    // Not a rule of the cloud (each environment gets its own ID), but two
    // environments with one name are easy to mix up: say so while typing.
    let same_name = move || {
        let value = alias.get();
        let ids: Vec<String> = envs
            .0
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| !value.is_empty() && e.alias == value)
            .map(|e| e.env_id)
            .collect();
        (!ids.is_empty()).then(|| alias_taken(&value, &ids.join(", "), lang()))
    };
    let region_missing = move || attempted.get() && region.get().is_none();
    let can_submit = move || !create.pending().get();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let alias_ok = rules::env_alias(&alias.get_untracked()).is_ok();
        let (Some(r), true) = (region.get_untracked(), alias_ok) else {
            // Focus goes to the first field in error.
            focus_by_id(if alias_ok { "region-first" } else { "alias" });
            return;
        };
        let req = CreateCloudRunEnvRequest {
            package_type: package.get_untracked(),
            alias: Some(alias.get_untracked()),
            ..Default::default()
        };
        create.dispatch((r, req));
    };

    view! {
        <PageHead title=Msg::CreateEnv />
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="alias">{t(Msg::AliasLabel)}</label>
                <input
                    id="alias"
                    name="alias"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="64"
                    bind:value=alias
                    aria-describedby=move || {
                        if same_name().is_some() { "alias-help alias-error alias-taken" } else { "alias-help alias-error" }
                    }
                    aria-invalid=move || alias_error().is_some().to_string()
                />
                <p id="alias-help" class="help">{t(Msg::AliasHelp)}</p>
                <p id="alias-error" class="field-error" aria-live="polite">{alias_error}</p>
                <div id="alias-taken" aria-live="polite">
                    {move || same_name().map(|m| view! { <p class="warning" data-testid="alias-taken">{m}</p> })}
                </div>
                <ErrorNote error=Signal::derive(move || cloud_error(Place::Alias)) />
            </div>

            <fieldset class="field" aria-describedby="region-warning">
                <legend>{t(Msg::RegionLabel)}</legend>
                <div class=style::regions>
                    {Region::ALL
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            view! {
                                <label class=style::option>
                                    <input
                                        id=(i == 0).then_some("region-first")
                                        type="radio"
                                        name="region"
                                        value=r.id()
                                        prop:checked=move || region.get() == Some(r)
                                        on:change=move |_| region.set(Some(r))
                                    />
                                    <span class=style::names>
                                        <strong>{move || region_name(r, lang())}</strong>
                                        <code class=style::region_id>{r.id()}</code>
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <p id="region-warning" class="warning">
                    <LockIcon size=16 />
                    " "
                    {t(Msg::RegionWarning)}
                </p>
                <p class="field-error" aria-live="polite">
                    {move || region_missing().then(|| t(Msg::RegionRequired)())}
                </p>
                <ErrorNote error=Signal::derive(move || cloud_error(Place::Region)) />
            </fieldset>

            <Field id="package" label=Msg::PackageLabel>
                <select id="package" on:change=move |ev| package.set(event_target_value(&ev))>
                    {PACKAGE_TYPES
                        .into_iter()
                        .map(|p| {
                            view! {
                                <option value=p selected=move || package.get() == p>
                                    {move || package_name(p, lang()).to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>

            <aside class=style::hints aria-labelledby="uses-title">
                <h2 id="uses-title" class="h3">{t(Msg::TypicalUses)}</h2>
                <p>{t(Msg::UseStages)}</p>
                <div class="chips">
                    {["test", "staging", "prod"]
                        .into_iter()
                        .map(|name| {
                            view! {
                                <button type="button" class="chip" on:click=move |_| alias.set(name.to_string())>
                                    {name}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <p>{t(Msg::UseTenants)}</p>
                <div class="chips">
                    <button type="button" class="chip" on:click=move |_| alias.set("tenant-".into())>
                        "tenant-…"
                    </button>
                </div>
            </aside>

            <ErrorNote error=Signal::derive(move || cloud_error(Place::Form)) />
            <div class="actions">
                <button class="button primary" type="submit" disabled=move || !can_submit()>
                    {move || if create.pending().get() { t(Msg::Creating)() } else { t(Msg::Create)() }}
                </button>
                <a class="button" href="/envs">{t(Msg::Cancel)}</a>
            </div>
        </form>
    }
}
