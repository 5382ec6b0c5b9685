//! What a form says when it is submitted with errors: focus moves to the
//! first field in error, and a summary above the button lists every error,
//! each a link to its field.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{Msg, labelled, lang, t};

/// One error of a form: the id of the control to fix, its label, the message.
#[derive(Debug, Clone, PartialEq)]
pub struct FormError {
    pub field: String,
    pub label: String,
    pub message: String,
}

impl FormError {
    pub fn new(field: impl Into<String>, label: impl Into<String>, message: impl Into<String>) -> Self {
        FormError { field: field.into(), label: label.into(), message: message.into() }
    }
}

/// Moves focus to the element with `id`, if there is one.
pub fn focus_by_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Focuses the first error's field; `true` when there was an error.
pub fn focus_first(errors: &[FormError]) -> bool {
    match errors.first() {
        Some(e) => {
            focus_by_id(&e.field);
            true
        }
        None => false,
    }
}

/// The list of errors, shown once `shown` (the user tried to submit) and
/// while any remain; it shrinks as they are fixed.
#[component]
pub fn ErrorSummary(
    #[prop(into)] id: String,
    #[prop(into)] errors: Signal<Vec<FormError>>,
    #[prop(into)] shown: Signal<bool>,
) -> impl IntoView {
    let title = format!("{id}-title");
    view! {
        <Show when=move || shown.get() && errors.with(|e| !e.is_empty())>
            <div id=id.clone() class="error-summary" role="alert" aria-labelledby=title.clone()>
                <p id=title.clone()><strong>{t(Msg::FixThese)}</strong></p>
                <ul>
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|e| {
                                let field = e.field.clone();
                                view! {
                                    <li>
                                        <a href=format!("#{}", e.field) on:click=move |ev| {
                                            // Focus the field itself; the router would
                                            // otherwise treat the link as navigation.
                                            ev.prevent_default();
                                            focus_by_id(&field);
                                        }>{labelled(&e.label, &e.message, lang())}</a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
