//! Everything under `/envs/:env`: the environment's name, the caller's role
//! there, and its sections. Children read both from [`EnvCtx`].

use console_shared::actions::{Action, DescribeEnvBaseInfo, DescribeEnvBaseInfoResponse, EnvIdRequest};
use console_shared::dto::{Access, ApiError};
use console_shared::permissions::Need;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::{ErrorNote, NotFoundState, denial};
use crate::i18n::{Msg, colon, lang, role_name, t};

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
    let params = use_params_map();
    // A memo notifies only when the id really changes.
    let env_id = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    let info = LocalResource::new(move || {
        let env_id = env_id.get();
        async move { api::cloud::<DescribeEnvBaseInfo>(&EnvIdRequest { env_id: named(env_id).await }).await }
    });
    let access = LocalResource::new(move || {
        let env_id = env_id.get();
        async move { api::get::<Access>(&format!("/api/envs/{}/access", api::enc(&named(env_id).await))).await }
    });
    provide_context(EnvCtx { env_id, info, access });

    view! {
        {move || match info.get() {
            None => view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any(),
            // Not a member and not existing look the same on purpose.
            Some(Err(e)) if e.code == "Console.Forbidden" => view! { <Missing /> }.into_any(),
            Some(Ok(r)) if !r.is_exist => view! { <Missing /> }.into_any(),
            Some(Err(e)) => view! { <ErrorNote error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(r)) => {
                let info = r.env_base_info;
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
                    .into_any()
            }
        }}
    }
}

#[component]
fn Missing() -> impl IntoView {
    view! {
        <NotFoundState
            top=true
            title=Signal::derive(move || t(Msg::EnvNotFound)().to_string())
            back_href="/envs"
            back_label=Signal::derive(move || t(Msg::BackToEnvs)().to_string())
        />
    }
}
