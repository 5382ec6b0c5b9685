//! The head of a top-level page: its title (the page's one `<h1>`), what the
//! page is for, and what sits at the end of the row (a button).

use leptos::prelude::*;

use crate::i18n::{Msg, t};

#[component]
pub fn PageHead(
    title: Msg,
    /// One line under the title.
    #[prop(optional)]
    intro: Option<Msg>,
    /// At the row's end: the page's main action.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let heading = match intro {
        None => view! { <h1>{t(title)}</h1> }.into_any(),
        Some(intro) => view! {
            <div>
                <h1>{t(title)}</h1>
                <p class="muted">{t(intro)}</p>
            </div>
        }
        .into_any(),
    };
    view! { <div class="page-head">{heading} {children.map(|c| c())}</div> }
}
