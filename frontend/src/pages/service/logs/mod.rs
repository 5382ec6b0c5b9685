//! The Logs tab (R-OBS-3).

use leptos::prelude::*;

use crate::i18n::{Msg, t};

#[component]
pub fn LogsPage() -> impl IntoView {
    view! { <h3>{t(Msg::TabLogs)}</h3> }
}
