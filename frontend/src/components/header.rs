//! The bar above every signed-in page: the brand, the main navigation, the
//! environment switcher, language, theme and the user. On a phone it is one
//! row: the navigation and the settings fold behind a Menu button.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};

use super::{Keyed, RowKey};
use crate::api;
use crate::i18n::{Lang, Msg, t};
use crate::prefs::Theme;
use crate::state::{Envs, Session};

#[component]
pub fn TopBar() -> impl IntoView {
    let session = expect_context::<Session>();
    let open = RwSignal::new(false);
    // Choosing a page closes the menu.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    view! {
        <header
            class="topbar"
            data-open=move || open.get().to_string()
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    open.set(false);
                    crate::components::focus_by_id("menu-toggle");
                }
            }
        >
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="24" height="24" />
                <span class="sr-only-phone">{t(Msg::AppName)}</span>
            </a>
            <EnvSwitcher />
            <button
                id="menu-toggle"
                type="button"
                class="button ghost menu-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="topbar-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path d="M4 6h16M4 12h16M4 18h16" stroke="currentColor" stroke-width="2" fill="none" />
                </svg>
                {t(Msg::Menu)}
            </button>
            <div id="topbar-menu" class="topbar-menu">
                <nav aria-label=t(Msg::MainNav) class="mainnav">
                    <A href="/envs">{t(Msg::NavEnvironments)}</A>
                    <Show when=move || session.is_admin()>
                        <A href="/users">{t(Msg::NavUsers)}</A>
                        <A href="/audit">{t(Msg::NavAudit)}</A>
                    </Show>
                    <A href="/account">{t(Msg::NavAccount)}</A>
                </nav>
                <div class="topbar-end">
                    <LangSwitch />
                    <ThemeSwitch />
                    <UserMenu />
                </div>
            </div>
        </header>
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
                <Keyed
                    each=move || envs.0.get().and_then(Result::ok).unwrap_or_default()
                    key=|env| RowKey(env.env_id.clone(), env.clone())
                    let:env
                >
                    {
                        let id = env.env_id.clone();
                        let is_selected = move || selected().as_deref() == Some(id.as_str());
                        let label = if env.alias.is_empty() {
                            env.env_id.clone()
                        } else {
                            format!("{} · {}", env.alias, env.env_id)
                        };
                        view! { <option value=env.env_id selected=is_selected>{label}</option> }
                    }
                </Keyed>
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
