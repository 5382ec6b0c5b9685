//! What the whole app shares through context: the preferences, the session
//! and the caller's environments. Pages read them from here; the route table
//! (`app.rs`) only provides them, so no page imports the app.

use console_shared::actions::{DescribeCloudRunEnvs, EnvInfo};
use console_shared::dto::{ApiError, Me};
use leptos::Params;
use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::{Params, ParamsError};

use crate::api;
use crate::prefs;

/// The signed-in user; `None` until `/api/auth/me` answers.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Me>>);

impl Session {
    pub fn is_admin(&self) -> bool {
        self.0.with(|m| m.as_ref().is_some_and(|m| m.is_admin))
    }
}

/// The caller's environments, shared by the switcher and the pages so a
/// create or delete refreshes both.
#[derive(Clone, Copy)]
pub struct Envs(pub LocalResource<Result<Vec<EnvInfo>, ApiError>>);

impl Envs {
    /// Asks for the list and shares it with everything below: once the
    /// session is confirmed, never before.
    pub fn provide() {
        let list = LocalResource::new(|| async {
            api::cloud::<DescribeCloudRunEnvs>(&Default::default()).await.map(|r| r.env_list)
        });
        provide_context(Envs(list));
    }
}

/// What the address names, by the route table's parameters
/// (`/envs/:env/services/:service/tasks/:task`, `…/deploys/:deploy`). A
/// page reads those of its route; one type serves them all.
#[derive(Params, Clone, PartialEq)]
pub struct RouteParams {
    pub env: Option<String>,
    pub service: Option<String>,
    pub task: Option<String>,
    pub deploy: Option<String>,
}

impl RouteParams {
    /// The parameters, following the address.
    pub fn current() -> Memo<Result<RouteParams, ParamsError>> {
        use_params::<RouteParams>()
    }

    /// One parameter, empty while the route has none: leaving a page, the
    /// route loses it before the page goes.
    pub fn text(params: &Result<Self, ParamsError>, of: fn(&Self) -> &Option<String>) -> String {
        params.as_ref().ok().and_then(|p| of(p).clone()).unwrap_or_default()
    }
}

/// The app-wide state that exists before anyone signs in: the language and
/// theme (kept in step with `<html>` and storage) and an unknown session.
pub fn provide() {
    let lang = RwSignal::new(prefs::initial_lang());
    let theme = RwSignal::new(prefs::initial_theme());
    provide_context(lang);
    provide_context(theme);
    prefs::apply(lang, theme);
    provide_context(Session(RwSignal::new(None)));
}
