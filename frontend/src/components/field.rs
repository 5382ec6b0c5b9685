//! A form field: its label, the control, its help and its live error.

use leptos::prelude::*;

use super::zoned as with_zone;
use crate::i18n::{Msg, t};

/// A labelled field. The help and the error have the ids `{id}-help` and
/// `{id}-error`, for the control's `aria-describedby`; the error is read out
/// as it changes.
#[component]
pub fn Field(
    /// The control's id.
    #[prop(into)]
    id: String,
    label: Msg,
    #[prop(optional)] help: Option<Msg>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    /// A time field: the label names the zone times are read in.
    #[prop(optional)]
    zoned: bool,
    children: Children,
) -> impl IntoView {
    let label_text = move || if zoned { with_zone(t(label)()) } else { t(label)().to_string() };
    view! {
        <div class="field">
            <label for=id.clone()>{label_text}</label>
            {children()}
            {help.map(|h| view! { <p id=format!("{id}-help") class="help">{t(h)}</p> })}
            {error.map(|e| view! { <p id=format!("{id}-error") class="field-error" aria-live="polite">{move || e.get()}</p> })}
        </div>
    }
}
