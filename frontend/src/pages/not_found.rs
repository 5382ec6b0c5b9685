//! Any path the route table does not know.

use leptos::prelude::*;

use crate::components::NotFoundState;
use crate::i18n::{Msg, t};

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main id="main">
            <NotFoundState
                top=true
                title=Signal::derive(move || t(Msg::NotFoundTitle)().to_string())
                back_href="/"
                back_label=Signal::derive(move || t(Msg::BackToEnvs)().to_string())
            />
        </main>
    }
}
