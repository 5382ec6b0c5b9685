//! Any path the route table does not know.

use leptos::prelude::*;

use crate::components::NotFoundState;
use crate::i18n::Msg;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main id="main">
            <NotFoundState
                top=true
                title=Msg::NotFoundTitle
                back_href="/"
                back_label=Msg::BackToEnvs
            />
        </main>
    }
}
