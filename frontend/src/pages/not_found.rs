//! Any path the route table does not know.

use leptos::prelude::*;

use crate::i18n::{Msg, t};

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main id="main" class="centered">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>
                <a class="button" href="/">{t(Msg::BackToEnvs)}</a>
            </p>
        </main>
    }
}
