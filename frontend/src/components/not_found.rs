//! The one way a page says that what it is about does not exist.

use leptos::prelude::*;

use crate::i18n::{Msg, t};

/// One state for "this does not exist": a heading and the way back.
#[component]
pub fn NotFoundState(
    title: Msg,
    #[prop(into)] back_href: String,
    back_label: Msg,
    /// The page's own heading (level 1) rather than a section's.
    #[prop(optional)]
    top: bool,
) -> impl IntoView {
    let title = t(title);
    let heading =
        move || if top { view! { <h1>{title}</h1> }.into_any() } else { view! { <h2>{title}</h2> }.into_any() };
    view! {
        <section class="empty" data-testid="not-found">
            {heading}
            <a class="button" href=back_href>{t(back_label)}</a>
        </section>
    }
}
