//! The frame every signed-in page sits in.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::api;
use crate::components::{Loading, TopBar};
use crate::i18n::{Msg, t};
use crate::pages::account::ForcedPasswordChange;
use crate::state::{Envs, Session};

/// Confirms the session first; a missing one sends the user to login (see
/// `api`). Nothing that needs a session is fetched before that.
#[component]
pub fn Shell() -> impl IntoView {
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
                        <Loading />
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
    Envs::provide();
    // After an in-app navigation, keyboard and screen-reader users start at
    // the new page's content, as after a page load, not at the link they
    // followed (which may not even exist on the new page).
    let location = use_location();
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        let main = document().get_element_by_id("main").and_then(|m| m.dyn_into::<HtmlElement>().ok());
        if let Some(main) = main.filter(|_| before.is_some_and(|b| b != path)) {
            let _ = main.focus();
        }
        path
    });
    view! {
        <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
        <TopBar />
        <main id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}
