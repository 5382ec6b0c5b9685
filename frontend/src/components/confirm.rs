//! A confirm step in the page, instead of `window.confirm` (which blocks the
//! page, cannot be styled or translated, and reads poorly to screen readers).

use leptos::prelude::*;

use crate::i18n::{Msg, t};

/// The question, announced as it appears (`role="alert"`), with Confirm and
/// Cancel. It sits right after the control that asked, so focus stays there
/// and the next Tab reaches Confirm; Escape cancels.
#[component]
pub fn ConfirmStep(
    /// The question's element id; Confirm is described by it.
    #[prop(into)]
    id: String,
    #[prop(into)] question: Signal<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <div
            class="confirm"
            role="group"
            aria-labelledby=id.clone()
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel.run(());
                }
            }
        >
            <p id=id.clone() role="alert">{question}</p>
            <div class="row">
                <button type="button" class="button danger" aria-describedby=id.clone() disabled=busy
                    on:click=move |_| on_confirm.run(())>
                    {t(Msg::Confirm)}
                </button>
                <button type="button" class="button" on:click=move |_| on_cancel.run(())>{t(Msg::Cancel)}</button>
            </div>
        </div>
    }
}
