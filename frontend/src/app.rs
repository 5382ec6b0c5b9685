//! The route table, in one place. The state the pages share is provided
//! from [`crate::state`]; signed-in pages sit in the [`Shell`].

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::pages::account::Account;
use crate::pages::audit::{AllAudit, EnvAudit};
use crate::pages::cost::CostExamples;
use crate::pages::create_service::CreateService;
use crate::pages::deploy::{DeployProgress, DeployRecordPage};
use crate::pages::service::{
    DomainsPage, LogsPage, MonitoringPage, ServiceOverview, ServicePage, SettingsPage, TimelinePage,
};
use crate::pages::{
    create_env::CreateEnv, env_detail::EnvDetail, env_layout::EnvLayout, envs::EnvList, login::Login, members::Members,
    not_found::NotFound, shell::Shell, users::Users,
};
use crate::state;

#[component]
pub fn App() -> impl IntoView {
    state::provide();

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
                        <ParentRoute path=path!("services/:service") view=ServicePage>
                            <Route path=path!("") view=ServiceOverview />
                            <Route path=path!("settings") view=SettingsPage />
                            <Route path=path!("timeline") view=TimelinePage />
                            <Route path=path!("monitoring") view=MonitoringPage />
                            <Route path=path!("logs") view=LogsPage />
                            <Route path=path!("domains") view=DomainsPage />
                        </ParentRoute>
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
