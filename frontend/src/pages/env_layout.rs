//! Everything under `/envs/:env`: the environment's name, the caller's role
//! there, and its sections. Children read both from [`EnvCtx`].

use console_shared::actions::{Action, DescribeEnvBaseInfo, DescribeEnvBaseInfoResponse, EnvBaseInfo, EnvIdRequest};
use console_shared::dto::{Access, ApiError, console_codes};
use console_shared::permissions::Need;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use crate::api;
use crate::components::{Loaded, NotFoundState, denial};
use crate::i18n::{Msg, colon, lang, role_name, t};
use crate::state::RouteParams;

/// The current environment, shared by its pages.
#[derive(Clone, Copy)]
pub struct EnvCtx {
    pub env_id: Memo<String>,
    pub info: LocalResource<Result<DescribeEnvBaseInfoResponse, ApiError>>,
    pub access: LocalResource<Result<Access, ApiError>>,
}

impl EnvCtx {
    /// Why the caller may not do what needs `need` here (`None`: they may).
    /// While the role is still loading the control stays disabled, without a reason.
    pub fn denial(&self, need: Need) -> Option<String> {
        match self.access.get() {
            Some(Ok(a)) => denial(need, Some(&a), &self.env_id.get()),
            _ => Some(String::new()),
        }
    }

    /// Why the caller may not call the cloud action `A` here. The need is
    /// the action's own declared rule, the one the BFF enforces, so the two
    /// cannot disagree. An action the console never forwards is for admins.
    pub fn denial_of<A: Action>(&self) -> Option<String> {
        self.denial(A::RULE.map_or(Need::Admin, |rule| rule.need))
    }
}

/// Waits for a non-empty route parameter: when leaving a page the route
/// loses it, and nothing should be asked about "no environment" or "no service".
pub async fn named(id: String) -> String {
    if id.is_empty() {
        std::future::pending::<()>().await;
    }
    id
}

#[component]
pub fn EnvLayout() -> impl IntoView {
    let params = RouteParams::current();
    // A memo notifies only when the id really changes.
    let env_id = Memo::new(move |_| params.with(|p| RouteParams::text(p, |p| &p.env)));
    let info = LocalResource::new(move || {
        let env_id = env_id.get();
        async move { api::cloud::<DescribeEnvBaseInfo>(&EnvIdRequest { env_id: named(env_id).await }).await }
    });
    let access = LocalResource::new(move || {
        let env_id = env_id.get();
        async move { api::access(&named(env_id).await).await }
    });
    provide_context(EnvCtx { env_id, info, access });

    // Not a member and not existing look the same on purpose: both are `None`.
    let found = Signal::derive(move || {
        info.get().map(|answer| match answer {
            Ok(r) => Ok(r.is_exist.then_some(r.env_base_info)),
            Err(e) if e.code == console_codes::FORBIDDEN => Ok(None),
            Err(e) => Err(e),
        })
    });
    view! {
        <Loaded value=found let:found>
            {move || match found.get() {
                Some(info) => view! { <Head info access /> }.into_any(),
                None => view! { <Missing /> }.into_any(),
            }}
        </Loaded>
    }
}

/// The environment's name and ID, the caller's role there, and its sections.
#[component]
fn Head(info: EnvBaseInfo, access: LocalResource<Result<Access, ApiError>>) -> impl IntoView {
    let title = if info.alias.is_empty() { info.env_id.clone() } else { info.alias.clone() };
    let base = format!("/envs/{}", info.env_id);
    view! {
        <div class="page-head">
            <div>
                <h1>{title}</h1>
                <p>
                    <code>{info.env_id.clone()}</code>
                </p>
            </div>
            <p class="role-line">
                {t(Msg::YourRole)}
                {move || colon(lang())}
                <strong data-testid="my-role">
                    {move || match access.get() {
                        Some(Ok(a)) if a.is_admin && a.role.is_none() => t(Msg::RoleAdmin)().to_string(),
                        Some(Ok(a)) => role_name(a.role, lang()).to_string(),
                        _ => String::new(),
                    }}
                </strong>
            </p>
        </div>
        <nav class="tabs" aria-label=t(Msg::EnvSections)>
            <A href=base.clone() exact=true>{t(Msg::TabOverview)}</A>
            <A href=format!("{base}/members")>{t(Msg::TabMembers)}</A>
            <A href=format!("{base}/audit")>{t(Msg::TabAudit)}</A>
        </nav>
        <Outlet />
    }
}

#[component]
fn Missing() -> impl IntoView {
    view! {
        <NotFoundState
            top=true
            title=Msg::EnvNotFound
            back_href="/envs"
            back_label=Msg::BackToEnvs
        />
    }
}
