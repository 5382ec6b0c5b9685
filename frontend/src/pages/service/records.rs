//! The versions and their deploy records (R-DEP-5): each version with its
//! state, its share of the traffic (R-RB-4), its image and frozen
//! configuration (R-VER-3); a link to each deploy's steps and log; deleting
//! versions that no longer serve; and rolling back to an older one
//! (R-RB-1..4, `rollback.rs`).
//!
//! A version that a rollback deployed again has a record per deploy, the
//! newer ones marked as rollbacks; what belongs to the version (its traffic,
//! configuration and actions) is shown on its newest record. On a phone each
//! record is a card: its cells stack, each under its heading, instead of a
//! table scrolling sideways.

use std::collections::HashSet;

use console_shared::actions::{
    DeleteCloudRunVersions, DeleteCloudRunVersionsRequest, DeployRecord, DescribeVersionDetail,
    DescribeVersionDetailRequest, SimpleVersion, SubmitServerRollback,
};
use console_shared::dto::ApiError;
use console_shared::vocab::RecordStatus;
use leptos::prelude::*;

use super::ServiceCtx;
use super::rollback::{NotTarget, RollbackPanel, not_target};
use crate::api;
use crate::components::{
    Col, ConfirmStep, DataTable, ErrorNote, Keyed, Loaded, Reason, RowKey, cell_label, cloud_time, error_of,
    focus_by_id, zoned,
};
use crate::i18n::{Msg, confirm_delete_version, labelled, lang, record_status_text, rollback_to, settings_line, t};
use crate::pages::env_layout::EnvCtx;

stylance::import_crate_style!(style, "src/pages/service/records.module.css");

/// One record as the list shows it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    record: DeployRecord,
    /// The version's newest record, which shows what belongs to the version.
    newest: bool,
    /// Not the version's first record: a rollback deployed it again.
    rollback: bool,
    /// Why the version cannot be a rollback target (R-RB-2); `None`: it can.
    not_target: Option<NotTarget>,
}

/// The online version: the one with the largest share. (While a gray
/// release gives two versions traffic, nothing can be rolled back.)
fn online_of(records: &[DeployRecord]) -> Option<String> {
    records.iter().filter(|r| r.has_traffic).max_by_key(|r| r.flow_ratio).map(|r| r.deploy_id.clone())
}

/// The records, newest first, each knowing whether it is its version's
/// newest, and whether an older one of the same version came before it
/// (only a rollback deploys a version again).
fn rows(records: &[DeployRecord]) -> Vec<Row> {
    let online = online_of(records);
    let mut seen = HashSet::new();
    records
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            record: r.clone(),
            newest: seen.insert(r.deploy_id.clone()),
            rollback: records[i + 1..].iter().any(|older| older.deploy_id == r.deploy_id),
            not_target: not_target(&r.deploy_id, records, online.as_deref()),
        })
        .collect()
}

/// The image a version's records name, if it was not deleted.
fn image_of(records: &[DeployRecord], version: &str) -> Option<String> {
    records.iter().find(|r| r.deploy_id == version).and_then(|r| r.image_url.clone())
}

#[component]
pub fn Records(
    records: Memo<Option<Result<Vec<DeployRecord>, ApiError>>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    // The version a rollback is being confirmed to.
    let target = RwSignal::new(None::<String>);
    // What forbids every rollback now: the role, or a deploy or gray release (R-SVC-4, R-UPD-6).
    let page_why = Signal::derive(move || {
        let why = ctx.denial_of::<SubmitServerRollback>().filter(|r| !r.is_empty()).or_else(|| svc.busy_reason());
        why.map(|why| labelled(Msg::RollBack.text(lang()), &why, lang()))
    });
    let page_locked = Signal::derive(move || ctx.denial_of::<SubmitServerRollback>().is_some() || svc.busy.get());
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColVersion),
        Col::Time(Msg::ColCreated),
        Col::Text(Msg::ColStatus),
        Col::Text(Msg::ColTraffic),
        Col::Text(Msg::ColImage),
        Col::Hidden(Msg::ColActions),
    ];
    let close = Callback::new(move |_| {
        if let Some(version) = target.get_untracked() {
            target.set(None);
            focus_by_id(&format!("rollback-{version}"));
        }
    });
    view! {
        <section class="stack" aria-labelledby="records-title">
            <h3 id="records-title" class="h3">{t(Msg::DeployRecords)}</h3>
            <Reason id="rollback-why" text=page_why />
            <Loaded value=records let:list>
                <DataTable title=Msg::DeployRecords columns=COLUMNS cards=true>
                    <Keyed
                        each=move || rows(&list.get())
                        key=|row| RowKey((row.record.deploy_id.clone(), row.record.run_id.clone()), row.clone())
                        let:row
                    >
                        <RecordRow
                            row
                            env=ctx.env_id.get_untracked()
                            service=svc.name.get_untracked()
                            page_why
                            page_locked
                            target
                            on_change
                        />
                    </Keyed>
                </DataTable>
                {
                    // Drawn again when the target or the online version changes.
                    let open = Memo::new(move |_| target.get().map(|t| (t, list.with(|l| online_of(l)))));
                    move || open.get().map(|(version, online)| {
                        let why = {
                            let version = version.clone();
                            Signal::derive(move || {
                                page_why.get().or_else(|| {
                                    list.with(|l| not_target(&version, l, online_of(l).as_deref())).map(|n| n.text(lang()))
                                })
                            })
                        };
                        let images = untrack(|| {
                            list.with(|l| (online.as_deref().and_then(|o| image_of(l, o)), image_of(l, &version)))
                        });
                        view! {
                            <RollbackPanel online=online.unwrap_or_default() target=version images why on_close=close />
                        }
                    })
                }
            </Loaded>
        </section>
    }
}

#[component]
fn RecordRow(
    row: Row,
    env: String,
    service: String,
    page_why: Signal<Option<String>>,
    page_locked: Signal<bool>,
    target: RwSignal<Option<String>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    let Row { record, newest, rollback, not_target } = row;
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
    // Under a split by URL parameter a percentage says nothing: the part it plays instead.
    let traffic = {
        let version = version.clone();
        let ratio = record.flow_ratio;
        move || svc.url_traffic(&version).map_or_else(|| format!("{ratio}%"), |m| m.text(lang()).to_string())
    };
    let has_traffic = record.has_traffic;
    let image = record.image_url.clone();
    let log_label = {
        let version = version.clone();
        move || format!("{} {version}", Msg::ViewDeploy.text(lang()))
    };
    view! {
        <tr role="row">
            <th scope="row" role="rowheader"><code class="nowrap">{version.clone()}</code></th>
            <td role="cell">
                {cell_label(move || zoned(t(Msg::ColCreated)()))}
                <span class="nowrap">{cloud_time(&record.deploy_time)}</span>
            </td>
            <td role="cell">
                {cell_label(move || t(Msg::ColStatus)().to_string())}
                <span class="badge" class:ok=ok class:bad=failed>{move || record_status_text(&status, lang())}</span>
                {rollback.then(|| view! { " " <span class="badge">{t(Msg::RecordRollback)}</span> })}
            </td>
            <td role="cell" data-testid="record-traffic">
                {cell_label(move || t(Msg::ColTraffic)().to_string())}
                {if newest {
                    view! { <span class="badge" class:ok=has_traffic>{traffic}</span> }.into_any()
                } else {
                    // The version's traffic is on its newest record, not on this one.
                    view! { <span aria-hidden="true">"—"</span> <span class="sr-only">{t(Msg::TrafficOnNewest)}</span> }.into_any()
                }}
            </td>
            <td role="cell">
                {cell_label(move || t(Msg::ColImage)().to_string())}
                {match image.clone() {
                    Some(image) => view! {
                        <code class="break">{image}</code>
                        {newest.then(|| view! { <VersionConfig version=version.clone() /> })}
                    }.into_any(),
                    // The version was deleted; its record stays (R-DEP-5).
                    None => view! { <span class="muted">{t(Msg::VersionDeleted)}</span> }.into_any(),
                }}
            </td>
            <td role="cell">
                <div class=style::actions>
                    <a href=href aria-label=log_label>{t(Msg::ViewDeploy)}</a>
                    {(newest && image.is_some()).then(|| view! {
                        <DeleteVersion version=version.clone() has_traffic releasing=record.is_releasing on_done=on_change />
                    })}
                    {newest.then(|| view! {
                        <RollbackButton version=version.clone() not_target=not_target.clone() page_why page_locked target />
                    })}
                </div>
            </td>
        </tr>
    }
}

/// Opens the rollback panel for `version`, or says why it cannot be a target.
#[component]
fn RollbackButton(
    version: String,
    not_target: Option<NotTarget>,
    page_why: Signal<Option<String>>,
    page_locked: Signal<bool>,
    target: RwSignal<Option<String>>,
) -> impl IntoView {
    let why_id = format!("rollback-{version}-why");
    let own = not_target.is_some();
    // The reason for every row is said once, above the list.
    let row_why =
        Signal::derive(
            move || {
                if page_why.with(Option::is_some) { None } else { not_target.as_ref().map(|n| n.text(lang())) }
            },
        );
    let described = {
        let why_id = why_id.clone();
        move || {
            if page_why.with(Option::is_some) { Some("rollback-why".to_string()) } else { own.then(|| why_id.clone()) }
        }
    };
    let open = {
        let version = version.clone();
        Memo::new(move |_| target.with(|t| t.as_deref() == Some(version.as_str())))
    };
    let name = {
        let version = version.clone();
        move || rollback_to(&version, lang())
    };
    let choose = {
        let version = version.clone();
        move |_| {
            target.set(Some(version.clone()));
            request_animation_frame(|| focus_by_id("rollback-title"));
        }
    };
    view! {
        <div class=style::action>
            <button type="button" class="button" id=format!("rollback-{version}") aria-label=name
                aria-describedby=described aria-expanded=move || open.get().to_string()
                aria-controls=move || open.get().then_some("rollback-panel")
                disabled=move || own || page_locked.get()
                on:click=choose>
                {t(Msg::RollBack)}
            </button>
            <Reason id=why_id text=row_why />
        </div>
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
        <div class=style::action>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: &str, run: &str, ratio: i64) -> DeployRecord {
        DeployRecord {
            deploy_id: version.into(),
            deploy_time: String::new(),
            status: RecordStatus::Running,
            run_id: run.into(),
            build_id: 0,
            flow_ratio: ratio,
            image_url: Some(format!("shop:{version}")),
            scale_status: String::new(),
            has_traffic: ratio > 0,
            traffic_type: "FLOW".into(),
            is_releasing: false,
        }
    }

    #[test]
    fn r_rb_4_after_a_rollback_the_target_is_online_and_shown_once_as_a_version() {
        // shop-001 was rolled back to: it has a record of its own deploy and one of the rollback.
        let list = vec![record("shop-001", "r3", 100), record("shop-002", "r2", 0), record("shop-001", "r1", 100)];
        assert_eq!(online_of(&list).as_deref(), Some("shop-001"));
        let rows = rows(&list);
        assert_eq!(rows.iter().map(|r| r.newest).collect::<Vec<_>>(), [true, true, false]);
        // The newer record of shop-001 is the rollback's; its first is its own deploy.
        assert_eq!(rows.iter().map(|r| r.rollback).collect::<Vec<_>>(), [true, false, false]);
        assert_eq!(rows[0].not_target, Some(NotTarget::Online));
        // Going back to shop-002 is forward again: an update, not a rollback.
        assert_eq!(rows[1].not_target, Some(NotTarget::Newer("shop-001".into())));
        assert_eq!(image_of(&list, "shop-002").as_deref(), Some("shop:shop-002"));
    }
}
