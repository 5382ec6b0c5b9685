//! An environment's overview: its services (a custom domain's certificate
//! about to expire flagged on its service), its facts, its locked region
//! (R-ENV-4), and deletion — owners only, and refused with the reason while
//! it holds services (R-ENV-6).

use console_shared::actions::{
    CreateCloudRunServer, DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunServers,
    DescribeCloudRunServersRequest, DestroyEnv, DestroyEnvRequest, EnvBaseInfo, ServerBaseInfo, ServerRequest,
};
use console_shared::dto::ApiError;
use console_shared::vocab::{RecordStatus, ServiceStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{
    Col, DangerZone, DataTable, Keyed, Loaded, LockIcon, Reason, RowKey, cell_label, cloud_time, join_all, now,
    poll_while, zoned,
};
use crate::i18n::{Msg, colon, delete_blocked, lang, package_name, record_status_text, region_label, status_text, t};
use crate::pages::env_layout::{EnvCtx, named};
use crate::pages::service::{Expiring, ServiceCertFlag, env_expiring, record_deploying, record_in_gray, status_busy};
use crate::state::Envs;

stylance::import_crate_style!(style, "src/pages/env_detail.module.css");

/// A service as the list shows it, with its deploy records (`None` when
/// they could not be read).
#[derive(Clone, PartialEq)]
struct Row {
    service: ServerBaseInfo,
    records: Option<Vec<DeployRecord>>,
}

impl Row {
    /// Being created or deployed: the status says so, or the newest record.
    fn deploying(&self) -> bool {
        status_busy(&self.service.status) || self.records.as_ref().and_then(|r| r.first()).is_some_and(record_deploying)
    }

    /// In a gray release: a version of it is the open release's canary.
    fn in_gray(&self) -> bool {
        !self.deploying() && self.records.as_ref().is_some_and(|r| r.iter().any(record_in_gray))
    }
}

#[derive(Clone, PartialEq)]
struct Listing {
    total: i64,
    rows: Vec<Row>,
}

type ServiceList = Memo<Option<Result<Listing, ApiError>>>;

async fn listing(env_id: String) -> Result<Listing, ApiError> {
    // 30 is the cap per page (CLOUD-API.md §1.2); an environment holds at most 15.
    let req = DescribeCloudRunServersRequest { env_id: env_id.clone(), page_size: Some(30), ..Default::default() };
    let r = api::cloud::<DescribeCloudRunServers>(&req).await?;
    let records = join_all(
        r.server_list
            .iter()
            .map(|s| {
                let req = ServerRequest { env_id: env_id.clone(), server_name: s.server_name.clone() };
                async move { api::cloud::<DescribeCloudRunDeployRecord>(&req).await.ok().map(|r| r.deploy_records) }
            })
            .collect(),
    )
    .await;
    let rows = r.server_list.into_iter().zip(records).map(|(service, records)| Row { service, records }).collect();
    Ok(Listing { total: r.total, rows })
}

#[component]
pub fn EnvDetail() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let fetched = LocalResource::new(move || listing(ctx.env_id.get()));
    // A refresh that brings the same answer changes nothing on screen.
    let list: ServiceList = Memo::new(move |_| fetched.get());
    // Live: while any service is being created or deployed the list asks
    // again every two seconds; when none is, it stays still.
    let busy = move || list.with_untracked(|l| matches!(l, Some(Ok(l)) if l.rows.iter().any(Row::deploying)));
    poll_while(busy, move || fetched.refetch());
    // Certificates of custom domains that expire soon, flagged by service;
    // nothing is flagged when the domains cannot be read.
    let asked = LocalResource::new(move || {
        let env = ctx.env_id.get();
        async move { env_expiring(named(env).await, now).await }
    });
    let expiring = Signal::derive(move || asked.get().and_then(Result::ok).unwrap_or_default());
    move || ctx.info.get().and_then(Result::ok).map(|r| view! { <Detail info=r.env_base_info list expiring /> })
}

#[component]
fn Detail(info: EnvBaseInfo, list: ServiceList, expiring: Signal<Vec<Expiring>>) -> impl IntoView {
    let region = info.region.clone();
    let status = info.status.clone();
    let package = info.package_type.clone();
    view! {
        <Services env_id=info.env_id.clone() list expiring />
        <section aria-labelledby="details-title" class="stack">
            <h2 id="details-title">{t(Msg::Details)}</h2>
            <div class=style::lock role="group" aria-labelledby="region-term">
                <span class=style::lock_icon>
                    <LockIcon size=28 />
                </span>
                <p>
                    <strong id="region-term">{t(Msg::RegionLabel)} {move || colon(lang())}</strong>
                    <span data-testid="env-region">{move || region_label(&region, lang())}</span>
                    " · "
                    <span class="badge">{t(Msg::RegionLocked)}</span>
                </p>
                <p class="muted">{t(Msg::RegionLockExplain)}</p>
            </div>
            <dl class="facts">
                <dt>{t(Msg::ColStatus)}</dt>
                <dd>{move || status_text(&status, lang())}</dd>
                <dt>{t(Msg::Package)}</dt>
                <dd>{move || package_name(&package, lang()).to_string()}</dd>
                <dt>{move || zoned(t(Msg::Created)())}</dt>
                <dd>{cloud_time(&info.create_time)}</dd>
            </dl>
        </section>
        <DeleteEnv env_id=info.env_id list />
    }
}

/// The environment's services, with the way to create one (developers).
#[component]
fn Services(env_id: String, list: ServiceList, expiring: Signal<Vec<Expiring>>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let may_create = move || ctx.denial_of::<CreateCloudRunServer>().is_none();
    let why_not = Signal::derive(move || ctx.denial_of::<CreateCloudRunServer>().filter(|r| !r.is_empty()));
    let new_href = format!("/envs/{env_id}/services/new");
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColService),
        Col::Text(Msg::ColStatus),
        Col::Text(Msg::ColDomain),
        Col::Text(Msg::ColTraffic),
        Col::Time(Msg::ColLastDeploy),
    ];
    view! {
        <section aria-labelledby="services-title" class="stack">
            <div class="page-head">
                <h2 id="services-title">{t(Msg::ServicesHeading)}</h2>
                <Show
                    when=may_create
                    fallback=move || view! {
                        <div class="with-reason">
                            <button class="button primary" disabled aria-describedby="create-service-why">{t(Msg::CreateService)}</button>
                            <Reason id="create-service-why" text=why_not />
                        </div>
                    }
                >
                    <a class="button primary" href=new_href.clone()>{t(Msg::CreateService)}</a>
                </Show>
            </div>
            <Loaded value=list let:listing>
                <Show
                    when=move || listing.with(|l| !l.rows.is_empty())
                    fallback=|| view! {
                        <div class="empty">
                            <h3 class="h3">{t(Msg::NoServicesTitle)}</h3>
                            <p>{t(Msg::NoServicesBody)}</p>
                        </div>
                    }
                >
                    <DataTable title=Msg::ServicesHeading columns=COLUMNS testid="services" cards=true>
                        <Keyed
                            each=move || listing.with(|l| l.rows.clone())
                            key=|row| RowKey(row.service.server_name.clone(), row.clone())
                            let:row
                        >
                            <ServiceRow row expiring />
                        </Keyed>
                    </DataTable>
                </Show>
            </Loaded>
        </section>
    }
}

/// One service: its state (a deploy in progress said as such, and a custom
/// domain's certificate about to expire), domain, traffic split and newest
/// deploy.
#[component]
fn ServiceRow(row: Row, expiring: Signal<Vec<Expiring>>) -> impl IntoView {
    let env = expect_context::<EnvCtx>().env_id.get_untracked();
    let deploying = row.deploying();
    let in_gray = row.in_gray();
    let s = row.service;
    let href = format!("/envs/{env}/services/{}", s.server_name);
    let status = s.status.clone();
    let ok = status == ServiceStatus::Normal && !deploying;
    let failed = matches!(status, ServiceStatus::CreateFailed | ServiceStatus::DeployFailed) && !deploying;
    let records = row.records.unwrap_or_default();
    let online: Vec<String> =
        records.iter().filter(|r| r.has_traffic).map(|r| format!("{} {}%", r.deploy_id, r.flow_ratio)).collect();
    let last = records.first().cloned();
    let label = |m: Msg| cell_label(move || t(m)().to_string());
    view! {
        <tr role="row">
            <th scope="row" role="rowheader"><a href=href>{s.server_name.clone()}</a></th>
            <td role="cell">
                {label(Msg::ColStatus)}
                <span class="badge" class:ok=ok && !in_gray class:busy=deploying || in_gray class:bad=failed>
                    {move || if deploying {
                        t(Msg::StatusDeploying)().to_string()
                    } else if in_gray {
                        t(Msg::GrayOpen)().to_string()
                    } else {
                        status_text(status.as_str(), lang())
                    }}
                </span>
                <ServiceCertFlag expiring service=s.server_name.clone() />
            </td>
            <td role="cell">{label(Msg::ColDomain)} <code class="break">{s.default_domain_name.clone()}</code></td>
            <td role="cell">
                {label(Msg::ColTraffic)}
                {if online.is_empty() {
                    t(Msg::NoTraffic).into_any()
                } else {
                    // A version and its share are never split across lines.
                    online
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| view! { {(i > 0).then_some(" · ")} <span class="nowrap">{v}</span> })
                        .collect_view()
                        .into_any()
                }}
            </td>
            <td role="cell">
                {cell_label(move || zoned(t(Msg::ColLastDeploy)()))}
                {match last {
                    Some(r) => {
                        let status = r.status.clone();
                        let ok = status == RecordStatus::Running;
                        let failed = status == RecordStatus::DeployFailed;
                        view! {
                            <span class="nowrap">{cloud_time(&r.deploy_time)}</span> " "
                            <span class="badge" class:ok=ok class:bad=failed>{move || record_status_text(&status, lang())}</span>
                        }.into_any()
                    }
                    None => t(Msg::NeverDeployed).into_any(),
                }}
            </td>
        </tr>
    }
}

/// Deleting the environment, after typing its ID: owners only, and only
/// once it holds no services (R-ENV-6).
#[component]
fn DeleteEnv(env_id: String, list: ServiceList) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let envs = expect_context::<Envs>();
    let navigate = use_navigate();
    let destroy = {
        let env_id = env_id.clone();
        Action::new_local(move |_: &()| {
            let req = DestroyEnvRequest { env_id: env_id.clone(), ..Default::default() };
            async move { api::cloud::<DestroyEnv>(&req).await.map(|_| ()) }
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = destroy.value().get() {
            envs.0.refetch();
            navigate("/envs", Default::default());
        }
    });
    let held = move || list.get().and_then(Result::ok).map_or(0, |r| r.total);
    // First the role, then R-ENV-6: the first reason that applies is shown.
    let why_not = Signal::derive(move || {
        ctx.denial_of::<DestroyEnv>()
            .filter(|r| !r.is_empty())
            .or_else(|| (held() > 0).then(|| delete_blocked(held(), lang())))
    });
    let locked = Signal::derive(move || why_not.with(Option::is_some) || ctx.denial_of::<DestroyEnv>().is_some());
    view! {
        <DangerZone
            id="delete-env"
            title=Msg::DangerZone
            warning=Msg::DeleteEnvIrreversible
            confirm_label=Msg::TypeIdToConfirm
            name=env_id
            why_not
            locked
            delete=destroy
            button=Msg::DeleteEnv
            busy_button=Msg::Deleting
        />
    }
}
