//! One service: its default domain (R-SVC-2: for testing only), the online
//! version, its settings, its deploy records (R-DEP-5), and deletion with
//! everything that is lost spelled out (R-SVC-5).

use console_shared::actions::{
    DeleteCloudRunServer, DeleteCloudRunServerRequest, DeleteCloudRunVersions, DeleteCloudRunVersionsRequest,
    DescribeCloudRunDeployRecord, DescribeCloudRunPodList, DescribeCloudRunPodListRequest,
    DescribeCloudRunServerDetail, DescribeCloudRunServerDetailResponse, DescribeVersionDetail,
    DescribeVersionDetailRequest, ServerRequest, SimpleVersion, UpdateCloudRunServer, UpdateCloudRunServerRequest,
};
use console_shared::dto::{ApiError, RevealSecrets, RevealedSecrets};
use console_shared::permissions::{Endpoint, Need, Role};
use console_shared::rules::{SECRET_MASK, dockerfile_path, looks_secret};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::{ErrorNote, Reason, not_ready};
use crate::i18n::{Msg, lang, settings_line, status_text, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::source::{IMAGE, PACKAGE, Source, SourceFields, Upload, upload_into};

#[component]
pub fn ServicePage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let params = use_params_map();
    let service = Memo::new(move |_| params.with(|p| p.get("service").unwrap_or_default()));
    let request = move || ServerRequest { env_id: ctx.env_id.get(), server_name: service.get() };
    let detail = LocalResource::new(move || {
        let req = request();
        async move { api::cloud::<DescribeCloudRunServerDetail>(&req).await }
    });
    let pods = LocalResource::new(move || {
        let req = DescribeCloudRunPodListRequest {
            env_id: ctx.env_id.get(),
            server_name: service.get(),
            page_size: Some(50),
            ..Default::default()
        };
        async move { api::cloud::<DescribeCloudRunPodList>(&req).await.map(|r| r.pod_list) }
    });
    let records = LocalResource::new(move || {
        let req = request();
        async move { api::cloud::<DescribeCloudRunDeployRecord>(&req).await.map(|r| r.deploy_records) }
    });
    view! {
        {move || match not_ready(detail.get()) {
            Err(pending) => pending,
            Ok(d) => view! { <Overview detail=d /> }.into_any(),
        }}
        <section class="stack" aria-labelledby="instances-title">
            <h3 id="instances-title" class="h3">{t(Msg::Instances)}</h3>
            <p class="help">{t(Msg::InstancesIntro)}</p>
            {move || match not_ready(pods.get()) {
                Err(pending) => pending,
                Ok(list) if list.is_empty() => view! { <p>{t(Msg::NoInstances)}</p> }.into_any(),
                Ok(list) => view! {
                    <table class="table" data-testid="instances">
                        <caption class="sr-only">{t(Msg::Instances)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::ColInstance)}</th>
                                <th scope="col">{t(Msg::ColStatus)}</th>
                                <th scope="col">{t(Msg::ColCreated)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|p| view! {
                                <tr>
                                    <td><code>{p.pod_id}</code></td>
                                    <td><span class="badge ok">{p.status}</span></td>
                                    <td>{p.create_time}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
        <section class="stack" aria-labelledby="records-title">
            <h3 id="records-title" class="h3">{t(Msg::DeployRecords)}</h3>
            {move || match records.get() {
                Some(Ok(list)) => {
                    let env = ctx.env_id.get();
                    let svc = service.get();
                    view! {
                        <table class="table">
                            <caption class="sr-only">{t(Msg::DeployRecords)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::ColVersion)}</th>
                                    <th scope="col">{t(Msg::ColCreated)}</th>
                                    <th scope="col">{t(Msg::ColStatus)}</th>
                                    <th scope="col">{t(Msg::ColTraffic)}</th>
                                    <th scope="col">{t(Msg::ColImage)}</th>
                                    <th scope="col"><span class="sr-only">{t(Msg::ViewDeploy)}</span></th>
                                    <th scope="col"><span class="sr-only">{t(Msg::DeleteVersion)}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|r| {
                                    // localcloud's BuildId is the deploy task's id.
                                    let href = format!("/envs/{env}/services/{svc}/tasks/{}", r.build_id);
                                    let status = r.status.clone();
                                    let ok = status == "running";
                                    view! {
                                        <tr>
                                            <td><code>{r.deploy_id.clone()}</code></td>
                                            <td>{r.deploy_time.clone()}</td>
                                            <td><span class="badge" class:ok=ok>{move || status_text(&status, lang())}</span></td>
                                            <td>{format!("{}%", r.flow_ratio)}</td>
                                            {match r.image_url.clone() {
                                                Some(image) => view! {
                                                    <td>
                                                        <code>{image}</code>
                                                        <VersionConfig version=r.deploy_id.clone() service />
                                                    </td>
                                                }.into_any(),
                                                // The version was deleted; its record stays (R-DEP-5).
                                                None => view! { <td class="muted">{t(Msg::VersionDeleted)}</td> }.into_any(),
                                            }}
                                            <td><a href=href aria-label=format!("{} {}", Msg::ViewDeploy.text(lang()), r.deploy_id)>{t(Msg::ViewDeploy)}</a></td>
                                            <td>
                                                {r.image_url.is_some().then(|| view! {
                                                    <DeleteVersion version=r.deploy_id.clone() has_traffic=r.has_traffic
                                                        releasing=r.is_releasing service on_done=move || records.refetch() />
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
                Some(Err(e)) => view! { <ErrorNote error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                None => ().into_any(),
            }}
        </section>
        {move || detail.get().and_then(Result::ok).map(|detail| view! { <Redeploy service detail /> })}
        <DeleteService service />
    }
}

/// A redeploy (UpdateCloudRunServer) from a new image or a new code package,
/// starting from how the online version was made; the progress page follows.
#[component]
fn Redeploy(service: Memo<String>, detail: DescribeCloudRunServerDetailResponse) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let navigate = use_navigate();
    let attempted = RwSignal::new(false);
    let config = &detail.server_config;
    let image = detail.online_version_infos.first().map(|v| v.image_url.clone()).unwrap_or_default();
    let kind = if config.has_dockerfile { PACKAGE } else { IMAGE };
    let source = Source::new(kind, image, &config.dockerfile, &config.build_dir, attempted);
    let deploy = Action::new_local(move |package: &Upload| {
        let package = package.clone();
        let items = source.items();
        let mut req = UpdateCloudRunServerRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: service.get_untracked(),
            deploy_info: source.deploy_param(String::new()),
            server_config: None,
            items: (!items.is_empty()).then_some(items),
        };
        async move {
            upload_into(source, &req.env_id, &req.server_name, package, &mut req.deploy_info).await?;
            api::cloud::<UpdateCloudRunServer>(&req).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = deploy.value().get() {
            let (env, svc) = (ctx.env_id.get_untracked(), service.get_untracked());
            navigate(&format!("/envs/{env}/services/{svc}/tasks/{}", r.task_id), Default::default());
        }
    });
    let why_not = Signal::derive(move || ctx.denial(Need::EnvRole(Role::Developer)).filter(|r| !r.is_empty()));
    let locked = Signal::derive(move || ctx.denial(Need::EnvRole(Role::Developer)).is_some());
    let described = move || if why_not.with(Option::is_some) { "redeploy-help redeploy-why" } else { "redeploy-help" };
    view! {
        <form class="stack" aria-labelledby="redeploy-title" novalidate on:submit=move |ev| {
            ev.prevent_default();
            attempted.set(true);
            if source.valid() {
                deploy.dispatch(source.upload());
            }
        }>
            <h3 id="redeploy-title" class="h3">{t(Msg::NewVersion)}</h3>
            <p id="redeploy-help" class="help">{t(Msg::NewVersionHelp)}</p>
            <Reason id="redeploy-why" text=why_not />
            <SourceFields source id="redeploy" locked />
            <div class="row">
                <button class="button primary" type="submit" aria-describedby=described
                    disabled=move || locked.get() || deploy.pending().get()>
                    {t(Msg::DeployNow)}
                </button>
            </div>
            <ErrorNote error=Signal::derive(move || deploy.value().get().and_then(Result::err)) />
        </form>
    }
}

/// Deletes one version (DeleteCloudRunVersions): refused, with the reason,
/// for the version with traffic or one being deployed.
#[component]
fn DeleteVersion(
    version: String,
    has_traffic: bool,
    releasing: bool,
    service: Memo<String>,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let name = version.clone();
    let delete = Action::new_local(move |_: &()| {
        let env = ctx.env_id.get_untracked();
        let req = DeleteCloudRunVersionsRequest {
            env_id: env.clone(),
            is_delete_server: false,
            is_delete_image: false,
            simple_versions: vec![SimpleVersion {
                env_id: env,
                server_name: service.get_untracked(),
                version_name: name.clone(),
            }],
            operator_remark: None,
        };
        async move {
            let r = api::cloud::<DeleteCloudRunVersions>(&req).await?;
            // The call succeeds as a whole; each version reports on its own.
            match r.fail_versions.into_iter().next() {
                Some(f) => {
                    Err(ApiError { code: "FailVersions".into(), message: f.error_msg, request_id: Some(f.request_id) })
                }
                None => Ok(()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            on_done();
        }
    });
    let id = format!("delete-{version}-why");
    let why_not = Signal::derive(move || {
        ctx.denial(Need::EnvRole(Role::Developer)).filter(|r| !r.is_empty()).or_else(|| {
            if has_traffic {
                Some(Msg::VersionHasTraffic.text(lang()).to_string())
            } else if releasing {
                Some(Msg::VersionDeploying.text(lang()).to_string())
            } else {
                None
            }
        })
    });
    let locked = move || has_traffic || releasing || ctx.denial(Need::EnvRole(Role::Developer)).is_some();
    let described = {
        let id = id.clone();
        move || why_not.with(Option::is_some).then(|| id.clone())
    };
    let label = format!("{} {version}", Msg::DeleteVersion.text(lang()));
    view! {
        <div class="with-reason">
            <button class="button" aria-label=label aria-describedby=described
                disabled=move || locked() || delete.pending().get()
                on:click=move |_| {
                    if window().confirm_with_message(Msg::DeleteVersionConfirm.text(lang())).unwrap_or(false) {
                        delete.dispatch(());
                    }
                }>
                {t(Msg::DeleteVersion)}
            </button>
            <Reason id=id text=why_not />
            <ErrorNote error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
        </div>
    }
}

/// A version's frozen configuration (R-VER-3), loaded when first opened.
#[component]
fn VersionConfig(version: String, service: Memo<String>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let open = RwSignal::new(false);
    let req = DescribeVersionDetailRequest {
        env_id: ctx.env_id.get_untracked(),
        server_name: service.get_untracked(),
        version_name: version.clone(),
        channel: None,
    };
    let detail = LocalResource::new(move || {
        let (open, req) = (open.get(), req.clone());
        async move {
            if !open {
                std::future::pending::<()>().await;
            }
            api::cloud::<DescribeVersionDetail>(&req).await
        }
    });
    let id = format!("config-{version}");
    view! {
        <button
            type="button"
            class="button ghost"
            aria-expanded=move || open.get().to_string()
            aria-controls=id.clone()
            aria-label=format!("{} {version}", Msg::ShowConfig.text(lang()))
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {t(Msg::ShowConfig)}
        </button>
        <div id=id class:hidden=move || !open.get()>
            {move || open.get().then(|| match not_ready(detail.get()) {
                Err(pending) => pending,
                Ok(v) => view! {
                    <p class="help">
                        {settings_line(v.cpu, v.mem, v.port, v.min_num, v.max_num, lang())}
                        <br />
                        {t(Msg::FrozenConfig)}
                    </p>
                }.into_any(),
            })}
        </div>
    }
}

#[component]
fn Overview(detail: DescribeCloudRunServerDetailResponse) -> impl IntoView {
    let base = detail.base_info;
    let c = detail.server_config;
    let status = base.status.clone();
    let online = status == "normal";
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
    let policies = c
        .policy_details
        .iter()
        .map(|p| format!("{} > {}%", p.policy_type, p.policy_threshold))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="stack" aria-labelledby="service-title">
            <div class="page-head">
                <h2 id="service-title">{base.server_name.clone()}</h2>
                <span class="badge" class:ok=online>{move || status_text(&status, lang())}</span>
            </div>
            <dl class="facts">
                <dt>{t(Msg::ColDomain)}</dt>
                <dd>
                    <a href=domain.clone() target="_blank" rel="noopener noreferrer" data-testid="service-domain">{domain.clone()}</a>
                    <p class="warning">{t(Msg::DefaultDomainWarning)}</p>
                </dd>
                <dt>{t(Msg::OnlineVersion)}</dt>
                <dd>
                    {if detail.online_version_infos.is_empty() {
                        view! { <span>{t(Msg::NothingOnline)}</span> }.into_any()
                    } else {
                        detail.online_version_infos.into_iter().map(|v| view! {
                            <span data-testid="online-version"><code>{v.version_name}</code> " · " <code>{v.image_url}</code> " · " {t(Msg::Traffic)} " " {v.flow_ratio} "%"</span>
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
                    {move || format!(
                        "{} · {policies} · {}: {}",
                        settings_line(c.cpu, c.mem, c.port, c.min_num, c.max_num, lang()),
                        Msg::LogCollection.text(lang()),
                        c.log_type
                    )}
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
                            view! { <code>{shown}</code> " " }
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

/// Asks the BFF for the unmasked variables of the online configuration.
fn reveal_action(service: String) -> Action<(), Result<RevealedSecrets, ApiError>> {
    let ctx = expect_context::<EnvCtx>();
    Action::new_local(move |_: &()| {
        let url =
            format!("/api/envs/{}/services/{}/secrets", api::enc(&ctx.env_id.get_untracked()), api::enc(&service));
        async move { api::json::<RevealSecrets, RevealedSecrets>("POST", &url, Some(&RevealSecrets::default())).await }
    })
}

/// Secret values stay masked until a developer asks, on the record.
#[component]
fn RevealButton(revealed: Action<(), Result<RevealedSecrets, ApiError>>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let why_not = Signal::derive(move || ctx.denial(Endpoint::RevealSecrets.rule().need).filter(|r| !r.is_empty()));
    let locked = Signal::derive(move || ctx.denial(Endpoint::RevealSecrets.rule().need).is_some());
    let shown = move || matches!(revealed.value().get(), Some(Ok(_)));
    let described = move || if why_not.with(Option::is_some) { "reveal-help reveal-why" } else { "reveal-help" };
    view! {
        <div class="row">
            <button class="button" type="button" aria-describedby=described
                disabled=move || locked.get() || revealed.pending().get() || shown()
                on:click=move |_| { revealed.dispatch(()); }>
                {t(Msg::RevealSecrets)}
            </button>
            <span id="reveal-help" class="help">{t(Msg::RevealSecretsHelp)}</span>
        </div>
        <Reason id="reveal-why" text=why_not />
        <ErrorNote error=Signal::derive(move || revealed.value().get().and_then(Result::err)) />
    }
}

#[component]
fn DeleteService(service: Memo<String>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let delete = Action::new_local(move |_: &()| {
        let req = DeleteCloudRunServerRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: service.get_untracked(),
            operator_remark: None,
        };
        async move { api::cloud::<DeleteCloudRunServer>(&req).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            navigate(&format!("/envs/{}", ctx.env_id.get_untracked()), Default::default());
        }
    });
    let why_not = Signal::derive(move || ctx.denial(Need::EnvRole(Role::Developer)).filter(|r| !r.is_empty()));
    let locked = move || ctx.denial(Need::EnvRole(Role::Developer)).is_some();
    let described = move || why_not.with(Option::is_some).then_some("delete-service-why");
    view! {
        <section class="danger-zone stack" aria-labelledby="delete-service-title">
            <h3 id="delete-service-title" class="h3">{t(Msg::DeleteService)}</h3>
            <p>{t(Msg::DeleteServiceLoses)}</p>
            <Reason id="delete-service-why" text=why_not />
            <div class="field">
                <label for="confirm-service">{t(Msg::TypeNameToConfirm)} ": " <code>{move || service.get()}</code></label>
                <input id="confirm-service" autocomplete="off" spellcheck="false" bind:value=typed disabled=locked aria-describedby=described />
            </div>
            <ErrorNote error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
            <div>
                <button class="button danger" aria-describedby=described
                    disabled=move || locked() || typed.get().trim() != service.get() || delete.pending().get()
                    on:click=move |_| { delete.dispatch(()); }>
                    {t(Msg::DeleteService)}
                </button>
            </div>
        </section>
    }
}
