//! Sign-in. After a session expired, the user comes back to where they were.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::{ErrorNote, Field, LangSwitch, error_of};
use crate::i18n::{Msg, t};
use crate::state::Session;

stylance::import_crate_style!(style, "src/pages/login.module.css");

/// Whether `next` can only be a path of this console, by its text alone: a
/// link to the login page must not send the user elsewhere once signed in (an
/// open redirect). Browsers read more than `//` as "another host": `/\host`,
/// and `/<tab>/host` because they drop tabs and newlines, so any backslash,
/// control character or whitespace is refused, and the start is checked again
/// percent-decoded, in case something decodes it once more on the way.
fn local_path(next: &str) -> bool {
    let refused = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    let decoded = percent_decoded(next);
    let start_ok = match decoded.as_slice() {
        [b'/', second, ..] => !matches!(second, b'/' | b'\\') && !second.is_ascii_control() && *second != b' ',
        [b'/'] => true,
        _ => false,
    };
    start_ok && !next.chars().any(refused) && !next.starts_with("/login")
}

/// `%XX` sequences decoded to their bytes; anything else kept as is.
fn percent_decoded(text: &str) -> Vec<u8> {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16)).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| Some(hex(bytes.get(i + 1))? * 16 + hex(bytes.get(i + 2))?));
        match escaped.flatten() {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// `next` as the browser itself reads it against this page's origin (the
/// reading navigation uses), as path, query and fragment; `None` when that
/// reading leaves the origin after all.
fn on_this_origin(next: &str) -> Option<String> {
    let origin = window().location().origin().ok()?;
    let url = web_sys::Url::new_with_base(next, &origin).ok()?;
    (url.origin() == origin).then(|| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
}

/// Where to go once signed in: `next` when it is a page of this console, else the start page.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| local_path(n)).and_then(|n| on_this_origin(&n)).unwrap_or_else(|| "/".into())
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
    let error = error_of(submit);
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
                <Field id="username" label=Msg::Username>
                    <input id="username" name="username" autocomplete="username" required bind:value=username />
                </Field>
                <Field id="password" label=Msg::Password>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </Field>
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
    use super::{local_path, percent_decoded};

    #[test]
    fn next_stays_inside_the_console() {
        let pages =
            ["/", "/envs", "/envs/prod-1", "/envs/prod-1/services/shop?tab=logs#top", "/envs/%E7%94%9F%E4%BA%A7"];
        for ok in pages {
            assert!(local_path(ok), "{ok:?}");
        }
        // As the query string hands them over, already decoded once.
        for evil in [
            "//evil.example",
            "https://evil.example",
            "https:evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "evil.example",
            "",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil",
            "/\u{a0}/evil.example",
            "/envs\\..\\\\evil.example",
            "/envs/\u{0}x",
            " /evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%2F%2Fevil.example",
            "/%2fevil.example",
            "/%09/evil.example",
            "/%0A/evil.example",
            "/%20/evil.example",
            "/login?next=/x",
            "/login",
        ] {
            assert!(!local_path(evil), "{evil:?}");
        }
    }

    #[test]
    fn percent_decoding_takes_only_whole_escapes() {
        assert_eq!(percent_decoded("/%2F%5c%e7x"), b"//\\\xe7x");
        assert_eq!(percent_decoded("/%%2%zz%+1%"), b"/%%2%zz%+1%");
    }
}
