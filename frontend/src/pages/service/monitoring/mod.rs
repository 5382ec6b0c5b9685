//! The Monitoring tab (R-OBS-2).

use leptos::prelude::*;

use crate::i18n::{Msg, t};

#[component]
pub fn MonitoringPage() -> impl IntoView {
    view! { <h3>{t(Msg::TabMonitoring)}</h3> }
}
