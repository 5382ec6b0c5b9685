//! Preferences kept in the browser: language and theme. Applied to `<html>`
//! (`lang`, `data-theme`) so CSS and screen readers follow them.

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(s: &str) -> Theme {
        Theme::ALL.into_iter().find(|t| t.key() == s).unwrap_or(Theme::System)
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        // Private browsing may refuse storage; the preference then lasts this visit.
        let _ = s.set_item(key, value);
    }
}

/// The saved language, else the browser's.
pub fn initial_lang() -> Lang {
    stored("lang").or_else(|| window().navigator().language()).map(|tag| Lang::from_tag(&tag)).unwrap_or(Lang::En)
}

pub fn initial_theme() -> Theme {
    stored("theme").map(|t| Theme::parse(&t)).unwrap_or(Theme::System)
}

/// Keeps `<html>` and storage in step with the two signals.
pub fn apply(lang: RwSignal<Lang>, theme: RwSignal<Theme>) {
    Effect::new(move |_| {
        let l = lang.get();
        store("lang", l.tag());
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", l.tag());
        }
        // The tab's title follows the language too.
        document().set_title(Msg::AppName.text(l));
    });
    Effect::new(move |_| {
        let t = theme.get();
        store("theme", t.key());
        if let Some(root) = document().document_element() {
            let _ = match t {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.key()),
            };
        }
    });
}
