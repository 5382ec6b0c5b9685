//! Sign-in. After a session expired, the user comes back to where they were.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::app::Session;
use crate::components::{ErrorNote, LangSwitch};
use crate::i18n::{Msg, t};

stylance::import_crate_style!(style, "src/pages/login.module.css");

/// Only paths inside the console: `next` must not send the user elsewhere.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/".into())
}

#[component]
pub fn Login() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let session = expect_context::<Session>();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Action::new_local(|(u, p): &(String, String)| api::login(u.clone(), p.clone()));

    Effect::new(move |_| {
        if let Some(Ok(me)) = submit.value().get() {
            session.0.set(Some(me));
            navigate(&safe_next(query.with_untracked(|q| q.get("next"))), Default::default());
        }
    });
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let expired = move || query.with(|q| q.get("expired").is_some());

    view! {
        <main id="main" class=style::page>
            <form
                class=style::card
                aria-labelledby="login-title"
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit.dispatch((username.get_untracked(), password.get_untracked()));
                }
            >
                <div class=style::head>
                    <h1 id="login-title">{t(Msg::LoginTitle)}</h1>
                    <LangSwitch />
                </div>
                <p class="muted">{t(Msg::LoginSubtitle)}</p>
                <Show when=expired>
                    <p class="notice" role="status">{t(Msg::SessionExpired)}</p>
                </Show>
                <div class="field">
                    <label for="username">{t(Msg::Username)}</label>
                    <input id="username" name="username" autocomplete="username" required bind:value=username />
                </div>
                <div class="field">
                    <label for="password">{t(Msg::Password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </div>
                <ErrorNote error=error />
                <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { t(Msg::SigningIn)() } else { t(Msg::SignIn)() }}
                </button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_console() {
        assert_eq!(safe_next(Some("/envs/prod-1".into())), "/envs/prod-1");
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/login?next=/x".into())), "/");
        assert_eq!(safe_next(None), "/");
    }
}
