//! What the service is now: its status (a running deploy included), domain
//! (and a custom domain's certificate about to expire), online version,
//! source, settings and variables; and its instances.

use console_shared::actions::{DescribeCloudRunServerDetailResponse, VersionPodInstance};
use console_shared::dto::{ApiError, RevealedSecrets};
use console_shared::permissions::Endpoint;
use console_shared::rules::dockerfile_path;
use console_shared::secrets::{SECRET_MASK, looks_secret};
use leptos::prelude::*;

use super::domains::CertExpiryNotice;
use super::{RunningLink, ServiceCtx};
use crate::api;
use crate::components::{
    Col, DataTable, ErrorNote, Keyed, Loaded, Reason, RowKey, cell_label, cloud_time, error_of, zoned,
};
use crate::i18n::{Msg, labelled, lang, log_type_text, policies_text, settings_line, status_text, t};
use crate::pages::env_layout::EnvCtx;

/// The overview, redrawn only when the service's answer changes.
#[component]
pub fn Overview(detail: Memo<Option<DescribeCloudRunServerDetailResponse>>) -> impl IntoView {
    move || detail.get().map(|detail| view! { <OverviewBody detail /> })
}

/// The status badge: "Deploying", with a link to the deploy, while one
/// runs; "Gray release open" while the split waits for its end.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    let online = status == "normal";
    let text = move || {
        if svc.release.with(Option::is_some) {
            t(Msg::GrayOpen)().to_string()
        } else if svc.busy.get() {
            t(Msg::StatusDeploying)().to_string()
        } else {
            status_text(&status, lang())
        }
    };
    view! {
        <p class="row" data-testid="service-status">
            <span class="badge" class:ok=move || online && !svc.busy.get() class:busy=move || svc.busy.get()>
                {text}
            </span>
            <RunningLink />
        </p>
    }
}

#[component]
fn OverviewBody(detail: DescribeCloudRunServerDetailResponse) -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    let base = detail.base_info;
    let c = detail.server_config;
    let domain = base.default_domain_name.clone();
    // The BFF sends secret-looking values masked; masking here too keeps a
    // cloud that answers unmasked from showing them.
    let vars: Vec<(String, String)> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&c.env_params)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let shown =
                if looks_secret(&k) { SECRET_MASK.to_string() } else { v.as_str().unwrap_or_default().to_string() };
            (k, shown)
        })
        .collect();
    let has_secrets = vars.iter().any(|(k, _)| looks_secret(k));
    let revealed = reveal_action(base.server_name.clone());
    let policies: Vec<(String, u64)> =
        c.policy_details.iter().map(|p| (p.policy_type.as_str().to_string(), p.policy_threshold)).collect();
    view! {
        <section class="stack" aria-labelledby="service-title">
            // A custom domain's certificate that expires soon, with the way to renew it (R-DOM-4).
            <CertExpiryNotice />
            <dl class="facts">
                <dt>{t(Msg::ColDomain)}</dt>
                <dd>
                    <a class="break" href=domain.clone() target="_blank" rel="noopener noreferrer" data-testid="service-domain">{domain.clone()}</a>
                    <p class="warning">{t(Msg::DefaultDomainWarning)}</p>
                </dd>
                <dt>{t(Msg::OnlineVersion)}</dt>
                <dd>
                    {if detail.online_version_infos.is_empty() {
                        view! { <span>{t(Msg::NothingOnline)}</span> }.into_any()
                    } else {
                        // One version a line; under a split by URL parameter, the part it plays.
                        detail.online_version_infos.into_iter().map(|v| {
                            let (name, ratio) = (v.version_name.clone(), v.flow_ratio);
                            let traffic = move || {
                                let lang = lang();
                                match svc.url_traffic(&name) {
                                    Some(m) => labelled(Msg::Traffic.text(lang), m.text(lang), lang),
                                    None => format!("{} {}%", Msg::Traffic.text(lang), ratio.trim()),
                                }
                            };
                            view! {
                                <div data-testid="online-version">
                                    <code class="nowrap">{v.version_name}</code> " · " <code class="break">{v.image_url}</code> " · " {traffic}
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </dd>
                <dt>{t(Msg::Source)}</dt>
                <dd data-testid="service-source">
                    {if c.has_dockerfile {
                        let path = dockerfile_path(&c.build_dir, &c.dockerfile);
                        view! { {t(Msg::SourcePackage)} " · " {t(Msg::BuiltFrom)} " " <code>{path}</code> }.into_any()
                    } else {
                        t(Msg::SourceImage).into_any()
                    }}
                </dd>
                <dt>{t(Msg::Settings)}</dt>
                <dd>
                    {move || {
                        let lang = lang();
                        let policies: Vec<(&str, u64)> = policies.iter().map(|(k, at)| (k.as_str(), *at)).collect();
                        let log = log_type_text(c.log_type.as_str(), lang);
                        [
                            settings_line(c.cpu, c.mem, c.port, c.min_num, c.max_num, lang),
                            policies_text(&policies, lang),
                            labelled(Msg::LogCollection.text(lang), &log, lang),
                        ]
                        .into_iter()
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                    }}
                </dd>
                <dt>{t(Msg::EnvVars)}</dt>
                <dd>
                    {if vars.is_empty() {
                        t(Msg::NoEnvVars).into_any()
                    } else {
                        vars.into_iter().map(|(k, masked)| {
                            let shown = move || {
                                let plain = revealed.value().with(|r| match r {
                                    Some(Ok(r)) => r.env_params.get(&k).map(|v| format!("{k}={v}")),
                                    _ => None,
                                });
                                plain.unwrap_or_else(|| format!("{k}={masked}"))
                            };
                            view! { <code class="break">{shown}</code> " " }
                        }).collect_view().into_any()
                    }}
                    <Show when=move || has_secrets>
                        <RevealButton revealed />
                    </Show>
                </dd>
            </dl>
        </section>
    }
}

/// The running instances (R-INS-1).
#[component]
pub fn Instances(pods: Memo<Option<Result<Vec<VersionPodInstance>, ApiError>>>) -> impl IntoView {
    const COLUMNS: &[Col] = &[Col::Text(Msg::ColInstance), Col::Text(Msg::ColStatus), Col::Time(Msg::ColCreated)];
    view! {
        <section class="stack" aria-labelledby="instances-title">
            <h3 id="instances-title" class="h3">{t(Msg::Instances)}</h3>
            <p class="help">{t(Msg::InstancesIntro)}</p>
            <Loaded value=pods let:list>
                <Show when=move || list.with(|l| !l.is_empty()) fallback=|| view! { <p>{t(Msg::NoInstances)}</p> }>
                    <DataTable title=Msg::Instances columns=COLUMNS testid="instances" cards=true>
                        <Keyed each=move || list.get() key=|p| RowKey(p.pod_id.clone(), p.clone()) let:p>
                            <tr role="row">
                                <th scope="row" role="rowheader"><code class="nowrap">{p.pod_id}</code></th>
                                <td role="cell">
                                    {cell_label(move || t(Msg::ColStatus)().to_string())}
                                    <span class="badge ok">{move || status_text(&p.status, lang())}</span>
                                </td>
                                <td role="cell">
                                    {cell_label(move || zoned(t(Msg::ColCreated)()))}
                                    <span class="nowrap">{cloud_time(&p.create_time)}</span>
                                </td>
                            </tr>
                        </Keyed>
                    </DataTable>
                </Show>
            </Loaded>
        </section>
    }
}

/// Asks the BFF for the unmasked variables of the online configuration.
fn reveal_action(service: String) -> Action<(), Result<RevealedSecrets, ApiError>> {
    let ctx = expect_context::<EnvCtx>();
    Action::new_local(move |_: &()| api::reveal_secrets(&ctx.env_id.get_untracked(), &service))
}

/// Secret values stay masked until a developer asks, on the record.
#[component]
fn RevealButton(revealed: Action<(), Result<RevealedSecrets, ApiError>>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let why_not = Signal::derive(move || ctx.denial(Endpoint::RevealSecrets.rule().need).filter(|r| !r.is_empty()));
    let locked = Signal::derive(move || ctx.denial(Endpoint::RevealSecrets.rule().need).is_some());
    let shown = move || matches!(revealed.value().get(), Some(Ok(_)));
    let described = move || if why_not.with(Option::is_some) { "reveal-help reveal-why" } else { "reveal-help" };
    // Once shown, the same button hides them again (nothing is kept).
    view! {
        <div class="row">
            <button class="button" type="button" aria-describedby=described aria-pressed=move || shown().to_string()
                disabled=move || locked.get() || revealed.pending().get()
                on:click=move |_| {
                    if shown() { revealed.value().set(None) } else { revealed.dispatch(()); }
                }>
                {move || if shown() { t(Msg::HideSecrets) } else { t(Msg::RevealSecrets) }}
            </button>
            <span id="reveal-help" class="help">{t(Msg::RevealSecretsHelp)}</span>
        </div>
        <Reason id="reveal-why" text=why_not />
        <ErrorNote error=error_of(revealed) />
    }
}
