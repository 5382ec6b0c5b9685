//! The app: preferences and session in context, the route table in one place,
//! and the shell every signed-in page sits in.

use console_shared::actions::{DescribeCloudRunEnvs, EnvInfo};
use console_shared::dto::{ApiError, Me};
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::TopBar;
use crate::i18n::{Msg, t};
use crate::pages::account::{Account, ForcedPasswordChange};
use crate::pages::audit::{AllAudit, EnvAudit};
use crate::pages::cost::CostExamples;
use crate::pages::create_service::CreateService;
use crate::pages::deploy::{DeployProgress, DeployRecordPage};
use crate::pages::service::ServicePage;
use crate::pages::{
    create_env::CreateEnv, env_detail::EnvDetail, env_layout::EnvLayout, envs::EnvList, login::Login, members::Members,
    not_found::NotFound, users::Users,
};
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

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(prefs::initial_lang());
    let theme = RwSignal::new(prefs::initial_theme());
    provide_context(lang);
    provide_context(theme);
    prefs::apply(lang, theme);
    provide_context(Session(RwSignal::new(None)));

    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=EnvList />
                    <Route path=path!("envs") view=EnvList />
                    <Route path=path!("envs/new") view=CreateEnv />
                    <ParentRoute path=path!("envs/:env") view=EnvLayout>
                        <Route path=path!("") view=EnvDetail />
                        <Route path=path!("members") view=Members />
                        <Route path=path!("services/new") view=CreateService />
                        <Route path=path!("services/:service") view=ServicePage />
                        <Route path=path!("services/:service/tasks/:task") view=DeployProgress />
                        <Route path=path!("services/:service/deploys/:deploy") view=DeployRecordPage />
                        <Route path=path!("audit") view=EnvAudit />
                    </ParentRoute>
                    <Route path=path!("users") view=Users />
                    <Route path=path!("audit") view=AllAudit />
                    <Route path=path!("account") view=Account />
                    <Route path=path!("cost") view=CostExamples />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Confirms the session first; a missing one sends the user to login (see
/// `api`). Nothing that needs a session is fetched before that.
#[component]
fn Shell() -> impl IntoView {
    let session = expect_context::<Session>();
    let me = LocalResource::new(api::me);
    Effect::new(move |_| {
        if let Some(Ok(m)) = me.get() {
            session.0.set(Some(m));
        }
    });
    view! {
        <Show
            when=move || session.0.with(Option::is_some)
            fallback=|| {
                view! {
                    <main id="main">
                        <p class="muted" role="status">{t(Msg::Loading)}</p>
                    </main>
                }
            }
        >
            <Show
                when=move || session.0.with(|m| m.as_ref().is_some_and(|m| m.must_change_password))
                fallback=SignedIn
            >
                <ForcedPasswordChange />
            </Show>
        </Show>
    }
}

/// Header, navigation and the page, for a confirmed session.
#[component]
fn SignedIn() -> impl IntoView {
    let envs = Envs(LocalResource::new(|| async {
        api::cloud::<DescribeCloudRunEnvs>(&Default::default()).await.map(|r| r.env_list)
    }));
    provide_context(envs);

    view! {
        <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
        <TopBar />
        <main id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}
