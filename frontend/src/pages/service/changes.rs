//! What changes a service: an update (full or gray), and deleting it. Both
//! wait, with the reason, while a deploy runs or a gray release is open
//! (R-SVC-4, R-UPD-6), instead of failing after a click.

use console_shared::actions::{
    Action as CloudAction, DeleteCloudRunServer, DeleteCloudRunServerRequest, DescribeCloudRunServerDetailResponse,
    UpdateCloudRunServer, UpdateCloudRunServerRequest,
};
use console_shared::vocab::ReleaseType;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{RunningLink, ServiceCtx};
use crate::api;
use crate::components::{DangerZone, ErrorNote, ErrorSummary, Reason, error_of, focus_first};
use crate::i18n::{Msg, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::source::{IMAGE, PACKAGE, Source, SourceFields, Upload, upload_into};

/// Why the change `A` cannot be made now: the role first, then a running
/// deploy or an open gray release.
fn why_not<A: CloudAction>(ctx: EnvCtx, svc: ServiceCtx) -> Signal<Option<String>> {
    Signal::derive(move || ctx.denial_of::<A>().filter(|r| !r.is_empty()).or_else(|| svc.busy_reason()))
}

/// Updating the service (UpdateCloudRunServer) from a new image or a new
/// code package, starting from how the online version was made, as a full
/// update (R-UPD-1) or a gray release (R-UPD-2); the progress page follows.
#[component]
pub fn UpdateService(detail: Option<DescribeCloudRunServerDetailResponse>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let navigate = use_navigate();
    let attempted = RwSignal::new(false);
    let (kind, image, dockerfile, build_dir) = match &detail {
        Some(d) => (
            if d.server_config.has_dockerfile { PACKAGE } else { IMAGE },
            d.online_version_infos.first().map(|v| v.image_url.clone()).unwrap_or_default(),
            d.server_config.dockerfile.clone(),
            d.server_config.build_dir.clone(),
        ),
        None => (IMAGE, String::new(), String::new(), String::new()),
    };
    // A gray release splits the traffic with the online version: a service
    // with none can only be updated in full.
    let has_online = detail.as_ref().is_some_and(|d| !d.online_version_infos.is_empty());
    let source = Source::new(kind, image, &dockerfile, &build_dir, attempted);
    let release = RwSignal::new(ReleaseType::Full);
    let deploy = Action::new_local(move |package: &Upload| {
        let package = package.clone();
        let items = source.items();
        let mut req = UpdateCloudRunServerRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: svc.name.get_untracked(),
            deploy_info: source.deploy_param(String::new()),
            server_config: None,
            items: (!items.is_empty()).then_some(items),
        };
        req.deploy_info.release_type = Some(release.get_untracked());
        async move {
            upload_into(source, &req.env_id, &req.server_name, package, &mut req.deploy_info).await?;
            api::cloud::<UpdateCloudRunServer>(&req).await
        }
    });
    Effect::new(move |_| {
        // TaskId in the answer is 0 ("not used for now"): task 0 is the
        // deploy running now, which the progress page looks up.
        if let Some(Ok(_)) = deploy.value().get() {
            let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
            navigate(&format!("/envs/{env}/services/{service}/tasks/0"), Default::default());
        }
    });
    let why_not = why_not::<UpdateCloudRunServer>(ctx, svc);
    let locked = Signal::derive(move || ctx.denial_of::<UpdateCloudRunServer>().is_some() || svc.busy.get());
    let described = move || if why_not.with(Option::is_some) { "redeploy-help redeploy-why" } else { "redeploy-help" };
    let errors = Signal::derive(move || source.errors("redeploy"));
    let choices = [
        (ReleaseType::Full, Msg::ReleaseFull, Msg::ReleaseFullExplain, "release-full"),
        (ReleaseType::Gray, Msg::ReleaseGray, Msg::ReleaseGrayExplain, "release-gray"),
    ];
    view! {
        <form class="stack" aria-labelledby="redeploy-title" novalidate on:submit=move |ev| {
            ev.prevent_default();
            attempted.set(true);
            if !focus_first(&errors.get_untracked()) {
                deploy.dispatch(source.upload());
            }
        }>
            <h3 id="redeploy-title" class="h3">{t(Msg::NewVersion)}</h3>
            <p id="redeploy-help" class="help">{t(Msg::NewVersionHelp)}</p>
            <div class="row">
                <Reason id="redeploy-why" text=why_not />
                <RunningLink />
            </div>
            <SourceFields source id="redeploy" locked />
            <fieldset class="field">
                <legend>{t(Msg::ReleaseChoice)}</legend>
                {choices
                    .into_iter()
                    .map(|(value, label, explain, id)| {
                        let gray = value == ReleaseType::Gray;
                        let off = move || locked.get() || (gray && !has_online);
                        let help = if gray && !has_online { format!("{id}-help {id}-why") } else { format!("{id}-help") };
                        view! {
                            <div>
                                <label class="inline">
                                    <input type="radio" name="release-type" id=id aria-describedby=help
                                        prop:checked={
                                            let value = value.clone();
                                            move || release.with(|r| *r == value)
                                        }
                                        disabled=off
                                        on:change={
                                            let value = value.clone();
                                            move |_| release.set(value.clone())
                                        } />
                                    {t(label)}
                                </label>
                                <p id=format!("{id}-help") class="help">{t(explain)}</p>
                                {(gray && !has_online).then(|| view! {
                                    <p id=format!("{id}-why") class="reason">{t(Msg::GrayNeedsOnline)}</p>
                                })}
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <ErrorSummary id="redeploy-summary" errors shown=attempted />
            <div class="row">
                <button class="button primary" type="submit" aria-describedby=described
                    disabled=move || locked.get() || deploy.pending().get()>
                    {t(Msg::DeployNow)}
                </button>
            </div>
            <ErrorNote error=error_of(deploy) />
        </form>
    }
}

/// Deleting the service, after typing its name (R-SVC-5).
#[component]
pub fn DeleteService() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let service = svc.name;
    let navigate = use_navigate();
    let delete = Action::new_local(move |_: &()| {
        let req = DeleteCloudRunServerRequest {
            env_id: ctx.env_id.get_untracked(),
            server_name: service.get_untracked(),
            operator_remark: None,
        };
        async move { api::cloud::<DeleteCloudRunServer>(&req).await.map(|_| ()) }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            navigate(&format!("/envs/{}", ctx.env_id.get_untracked()), Default::default());
        }
    });
    let why_not = why_not::<DeleteCloudRunServer>(ctx, svc);
    let locked = Signal::derive(move || ctx.denial_of::<DeleteCloudRunServer>().is_some() || svc.busy.get());
    view! {
        <DangerZone
            id="delete-service"
            title=Msg::DeleteService
            nested=true
            warning=Msg::DeleteServiceLoses
            confirm_label=Msg::TypeNameToConfirm
            name=service
            why_not
            locked
            delete
            button=Msg::DeleteService
        >
            <RunningLink />
        </DangerZone>
    }
}
