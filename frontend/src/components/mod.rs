//! Pieces shared by several pages.

use console_shared::dto::{Access, ApiError};
use console_shared::permissions::{self, Need};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::app::{Envs, Session};
use crate::i18n::{Lang, Msg, error_text, lang, needs_text, t};
use crate::prefs::Theme;

/// An error shown where it happened, in the user's language, with the
/// request id to quote to support when the cloud gave one.
#[component]
pub fn ErrorNote(#[prop(into)] error: Signal<Option<ApiError>>, #[prop(optional)] id: &'static str) -> impl IntoView {
    view! {
        <div id=id role="alert" class="error-note" class:hidden=move || error.with(Option::is_none)>
            {move || {
                error
                    .get()
                    .map(|e| {
                        let rid = e.request_id.clone();
                        view! {
                            <span>{error_text(&e, lang())}</span>
                            {rid.map(|r| view! { <small class="muted">{t(Msg::RequestId)} ": " <code>{r}</code></small> })}
                        }
                    })
            }}
        </div>
    }
}

/// The region-lock padlock (R-ENV-4); decorative, the text beside it says it.
#[component]
pub fn LockIcon(size: u32) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width=size height=size aria-hidden="true">
            <rect x="5" y="10" width="14" height="10" rx="2" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M8 10V7a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" stroke-width="2" />
        </svg>
    }
}

#[component]
pub fn LangSwitch() -> impl IntoView {
    let current = expect_context::<RwSignal<Lang>>();
    view! {
        <label class="compact-select">
            <span class="sr-only">{t(Msg::Language)}</span>
            <select on:change=move |ev| current.set(Lang::from_tag(&event_target_value(&ev)))>
                <option value="zh-CN" selected=move || current.get() == Lang::Zh lang="zh-CN">"中文"</option>
                <option value="en" selected=move || current.get() == Lang::En lang="en">"English"</option>
            </select>
        </label>
    }
}

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let current = expect_context::<RwSignal<Theme>>();
    let label = |theme: Theme| match theme {
        Theme::System => Msg::ThemeSystem,
        Theme::Light => Msg::ThemeLight,
        Theme::Dark => Msg::ThemeDark,
    };
    view! {
        <label class="compact-select">
            <span class="sr-only">{t(Msg::Theme)}</span>
            <select on:change=move |ev| {
                let key = event_target_value(&ev);
                current.set(Theme::ALL.into_iter().find(|th| th.key() == key).unwrap_or(Theme::System));
            }>
                {Theme::ALL
                    .into_iter()
                    .map(|theme| {
                        view! {
                            <option value=theme.key() selected=move || current.get() == theme>
                                {t(label(theme))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Jumps between the caller's environments.
#[component]
pub fn EnvSwitcher() -> impl IntoView {
    let envs = expect_context::<Envs>();
    let location = use_location();
    let navigate = use_navigate();
    let selected = move || {
        location
            .pathname
            .with(|p| p.strip_prefix("/envs/").map(|rest| rest.split('/').next().unwrap_or("").to_string()))
    };
    view! {
        <label class="env-switcher">
            <span class="sr-only">{t(Msg::Environment)}</span>
            <select on:change=move |ev| {
                let id = event_target_value(&ev);
                if !id.is_empty() {
                    navigate(&format!("/envs/{id}"), Default::default());
                }
            }>
                <option value="" selected=move || selected().is_none_or(|s| s == "new")>
                    {t(Msg::ChooseEnvironment)}
                </option>
                {move || {
                    envs.0
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|env| {
                            let id = env.env_id.clone();
                            let is_selected = move || selected().as_deref() == Some(id.as_str());
                            let label = if env.alias.is_empty() {
                                env.env_id.clone()
                            } else {
                                format!("{} · {}", env.alias, env.env_id)
                            };
                            view! { <option value=env.env_id.clone() selected=is_selected>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
pub fn UserMenu() -> impl IntoView {
    let session = expect_context::<Session>();
    let sign_out = Action::new_local(|_: &()| async {
        // Whatever the answer, the page is done being signed in.
        let _ = api::logout().await;
        let _ = window().location().set_href("/login");
    });
    view! {
        <span class="user">{move || session.0.with(|m| m.as_ref().map(|m| m.display_name.clone()))}</span>
        <button class="button ghost" on:click=move |_| { sign_out.dispatch(()); } disabled=move || sign_out.pending().get()>
            {t(Msg::SignOut)}
        </button>
    }
}

/// Why the caller may not do something that needs `need` here, or `None`
/// when they may. The same table the BFF enforces decides.
pub fn denial(need: Need, access: Option<&Access>, env: &str) -> Option<String> {
    let (is_admin, role) = access.map(|a| (a.is_admin, a.role)).unwrap_or((false, None));
    (!permissions::allows(need, is_admin, role)).then(|| needs_text(need, env, lang()))
}

/// A reason shown beside a disabled control and tied to it for screen readers.
#[component]
pub fn Reason(#[prop(into)] id: String, #[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || text.with(Option::is_some)>
            <span id=id.clone() class="reason">{move || text.get()}</span>
        </Show>
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn utc(ts: i64) -> String {
    console_shared::time::utc_datetime(ts)
}

/// What a resource shows until it holds a value: "loading…" (announced to
/// screen readers), or its error where it happened. `Ok` carries the value.
pub fn not_ready<T>(state: Option<Result<T, ApiError>>) -> Result<T, AnyView> {
    match state {
        None => Err(view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }.into_any()),
        Some(Err(e)) => Err(view! { <ErrorNote error=Signal::derive(move || Some(e.clone())) /> }.into_any()),
        Some(Ok(v)) => Ok(v),
    }
}

/// A labelled field with its help and its live error.
#[component]
pub fn Field(
    #[prop(into)] id: String,
    label: Msg,
    help: Option<Msg>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            {children()}
            {help.map(|h| view! { <p id=format!("{id}-help") class="help">{t(h)}</p> })}
            <p id=format!("{id}-error") class="field-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}
