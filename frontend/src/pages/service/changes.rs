//! What changes a service: a redeploy, and deleting it. Both wait, with the
//! reason, while a deploy runs (R-SVC-4), instead of failing after a click.

use console_shared::actions::{
    Action as CloudAction, DeleteCloudRunServer, DeleteCloudRunServerRequest, DescribeCloudRunServerDetailResponse,
    UpdateCloudRunServer, UpdateCloudRunServerRequest,
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{RunningLink, ServiceCtx};
use crate::api;
use crate::components::{DangerZone, ErrorNote, ErrorSummary, Reason, error_of, focus_first};
use crate::i18n::{Msg, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::source::{IMAGE, PACKAGE, Source, SourceFields, Upload, upload_into};

/// Why the change `A` cannot be made now: the role first, then a running deploy.
fn why_not<A: CloudAction>(ctx: EnvCtx, svc: ServiceCtx) -> Signal<Option<String>> {
    Signal::derive(move || ctx.denial_of::<A>().filter(|r| !r.is_empty()).or_else(|| svc.busy_reason()))
}

/// A redeploy (UpdateCloudRunServer) from a new image or a new code package,
/// starting from how the online version was made; the progress page follows.
#[component]
pub fn Redeploy(detail: Option<DescribeCloudRunServerDetailResponse>) -> impl IntoView {
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
    let source = Source::new(kind, image, &dockerfile, &build_dir, attempted);
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
