//! The deploy records (R-DEP-5): each version with its state, traffic,
//! image and frozen configuration (R-VER-3), a link to its steps and log,
//! and deletion of versions that no longer serve.

use console_shared::actions::{
    DeleteCloudRunVersions, DeleteCloudRunVersionsRequest, DeployRecord, DescribeVersionDetail,
    DescribeVersionDetailRequest, SimpleVersion,
};
use console_shared::dto::ApiError;
use console_shared::vocab::RecordStatus;
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{Col, ConfirmStep, DataTable, ErrorNote, Keyed, Loaded, Reason, RowKey, cloud_time, error_of};
use crate::i18n::{Msg, confirm_delete_version, lang, record_status_text, settings_line, t};
use crate::pages::env_layout::EnvCtx;

#[component]
pub fn Records(
    records: Memo<Option<Result<Vec<DeployRecord>, ApiError>>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColVersion),
        Col::Time(Msg::ColCreated),
        Col::Text(Msg::ColStatus),
        Col::Text(Msg::ColTraffic),
        Col::Text(Msg::ColImage),
        Col::Hidden(Msg::ViewDeploy),
        Col::Hidden(Msg::DeleteVersion),
    ];
    view! {
        <section class="stack" aria-labelledby="records-title">
            <h3 id="records-title" class="h3">{t(Msg::DeployRecords)}</h3>
            <Loaded value=records let:list>
                <DataTable title=Msg::DeployRecords columns=COLUMNS>
                    <Keyed each=move || list.get() key=|r| RowKey(r.deploy_id.clone(), r.clone()) let:record>
                        <RecordRow
                            record
                            env=ctx.env_id.get_untracked()
                            service=svc.name.get_untracked()
                            on_change
                        />
                    </Keyed>
                </DataTable>
            </Loaded>
        </section>
    }
}

#[component]
fn RecordRow(
    record: DeployRecord,
    env: String,
    service: String,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // A record names no task: the deploy running now is followed live as
    // task 0; an ended one is shown from its record (its log by its RunId).
    let href = if record.status == RecordStatus::Deploying {
        format!("/envs/{env}/services/{service}/tasks/0")
    } else {
        format!("/envs/{env}/services/{service}/deploys/{}", record.deploy_id)
    };
    let status = record.status.clone();
    let ok = status == RecordStatus::Running;
    let failed = status == RecordStatus::DeployFailed;
    let version = record.deploy_id.clone();
    view! {
        <tr>
            <td><code>{version.clone()}</code></td>
            <td class="nowrap">{cloud_time(&record.deploy_time)}</td>
            <td><span class="badge" class:ok=ok class:bad=failed>{move || record_status_text(&status, lang())}</span></td>
            <td>{format!("{}%", record.flow_ratio)}</td>
            {match record.image_url.clone() {
                Some(image) => view! {
                    <td>
                        <code>{image}</code>
                        <VersionConfig version=version.clone() />
                    </td>
                }.into_any(),
                // The version was deleted; its record stays (R-DEP-5).
                None => view! { <td class="muted">{t(Msg::VersionDeleted)}</td> }.into_any(),
            }}
            <td>
                <a href=href aria-label={
                    let version = version.clone();
                    move || format!("{} {version}", Msg::ViewDeploy.text(lang()))
                }>{t(Msg::ViewDeploy)}</a>
            </td>
            <td>
                {record.image_url.is_some().then(|| view! {
                    <DeleteVersion version=version.clone() has_traffic=record.has_traffic
                        releasing=record.is_releasing on_done=on_change />
                })}
            </td>
        </tr>
    }
}

/// Deletes one version (DeleteCloudRunVersions) after a confirm step:
/// refused, with the reason, for the version with traffic or one being deployed.
#[component]
fn DeleteVersion(
    version: String,
    has_traffic: bool,
    releasing: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let name = version.clone();
    let delete = Action::new_local(move |_: &()| {
        let env = ctx.env_id.get_untracked();
        let req = DeleteCloudRunVersionsRequest {
            env_id: env.clone(),
            is_delete_server: false,
            is_delete_image: false,
            simple_versions: vec![SimpleVersion {
                env_id: env,
                server_name: svc.name.get_untracked(),
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
    let asking = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            on_done();
        }
    });
    let id = format!("delete-{version}-why");
    let why_not = Signal::derive(move || {
        ctx.denial_of::<DeleteCloudRunVersions>().filter(|r| !r.is_empty()).or_else(|| {
            if has_traffic {
                Some(Msg::VersionHasTraffic.text(lang()).to_string())
            } else if releasing {
                Some(Msg::VersionDeploying.text(lang()).to_string())
            } else {
                None
            }
        })
    });
    let locked = move || has_traffic || releasing || ctx.denial_of::<DeleteCloudRunVersions>().is_some();
    let described = {
        let id = id.clone();
        move || why_not.with(Option::is_some).then(|| id.clone())
    };
    let label = {
        let version = version.clone();
        move || format!("{} {version}", Msg::DeleteVersion.text(lang()))
    };
    let question = {
        let version = version.clone();
        Signal::derive(move || confirm_delete_version(&version, lang()))
    };
    view! {
        <div class="with-reason">
            <button class="button" aria-label=label aria-describedby=described aria-expanded=move || asking.get().to_string()
                disabled=move || locked() || delete.pending().get()
                on:click=move |_| asking.set(true)>
                {t(Msg::DeleteVersion)}
            </button>
            <Reason id=id text=why_not />
            <Show when=move || asking.get() && !locked()>
                <ConfirmStep
                    id=format!("delete-{version}-confirm")
                    question
                    busy=delete.pending()
                    on_confirm=Callback::new(move |_| {
                        asking.set(false);
                        delete.dispatch(());
                    })
                    on_cancel=Callback::new(move |_| asking.set(false))
                />
            </Show>
            <ErrorNote error=error_of(delete) />
        </div>
    }
}

/// A version's frozen configuration (R-VER-3), asked for when first opened.
#[component]
fn VersionConfig(version: String) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let open = RwSignal::new(false);
    let req = DescribeVersionDetailRequest {
        env_id: ctx.env_id.get_untracked(),
        server_name: svc.name.get_untracked(),
        version_name: version.clone(),
        channel: None,
    };
    // An action, not a resource: it runs once, when the user opens it.
    let load = Action::new_local(move |_: &()| api::cloud::<DescribeVersionDetail>(&req));
    let id = format!("config-{version}");
    view! {
        <button
            type="button"
            class="button ghost"
            aria-expanded=move || open.get().to_string()
            aria-controls=id.clone()
            aria-label={
                let version = version.clone();
                move || format!("{} {version}", Msg::ShowConfig.text(lang()))
            }
            on:click=move |_| {
                open.update(|o| *o = !*o);
                if open.get_untracked() && load.value().with_untracked(|v| !matches!(v, Some(Ok(_)))) && !load.pending().get_untracked() {
                    load.dispatch(());
                }
            }
        >
            {t(Msg::ShowConfig)}
        </button>
        <div id=id class:hidden=move || !open.get() data-testid="version-config">
            <Show when=move || open.get()>
                <Loaded value=load.value() let:v>
                    <p class="help">
                        {move || v.with(|v| settings_line(v.cpu, v.mem, v.port, v.min_num, v.max_num, lang()))}
                        <br />
                        {t(Msg::FrozenConfig)}
                    </p>
                </Loaded>
            </Show>
        </div>
    }
}
