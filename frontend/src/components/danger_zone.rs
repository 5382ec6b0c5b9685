//! Deleting something for good, after typing its name (R-ENV-6, R-SVC-5).
//! The button waits until the name is typed exactly; whatever forbids the
//! delete now (the role, something still inside, a running deploy) is said
//! beside it, and disables the field and the button.

use console_shared::dto::ApiError;
use leptos::prelude::*;

use super::{ErrorNote, Reason, error_of};
use crate::i18n::{Msg, colon, lang, t};

stylance::import_crate_style!(style, "src/components/danger_zone.module.css");

#[component]
pub fn DangerZone(
    /// Starts the element ids: `{id}-title`, `{id}-why`, `{id}-confirm`.
    id: &'static str,
    title: Msg,
    /// A part of a page's section (an `<h3>`) rather than a section (`<h2>`).
    #[prop(optional)]
    nested: bool,
    /// What is lost.
    warning: Msg,
    /// The label of the field the name is typed in.
    confirm_label: Msg,
    /// The name to type.
    #[prop(into)]
    name: Signal<String>,
    /// Why it may not be deleted now; `None`: it may.
    why_not: Signal<Option<String>>,
    /// Field and button disabled: a reason applies, or the role is still loading.
    #[prop(into)]
    locked: Signal<bool>,
    /// The delete itself.
    delete: Action<(), Result<(), ApiError>>,
    button: Msg,
    /// The button's text while the delete runs, when it says so.
    #[prop(optional)]
    busy_button: Option<Msg>,
    /// Beside the reason: somewhere to go instead.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let (title_id, why_id, confirm_id) = (format!("{id}-title"), format!("{id}-why"), format!("{id}-confirm"));
    let typed = RwSignal::new(String::new());
    let described = {
        let why_id = why_id.clone();
        move || why_not.with(Option::is_some).then(|| why_id.clone())
    };
    let heading = if nested {
        view! { <h3 id=title_id.clone() class="h3">{t(title)}</h3> }.into_any()
    } else {
        view! { <h2 id=title_id.clone()>{t(title)}</h2> }.into_any()
    };
    let reason = view! { <Reason id=why_id text=why_not /> };
    let reason = match children {
        Some(beside) => view! { <div class="row">{reason} {beside()}</div> }.into_any(),
        None => reason.into_any(),
    };
    let label = move || match (busy_button, delete.pending().get()) {
        (Some(busy), true) => t(busy)(),
        _ => t(button)(),
    };
    view! {
        <section class=style::zone aria-labelledby=title_id>
            {heading}
            <p>{t(warning)}</p>
            {reason}
            <div class="field">
                <label for=confirm_id.clone()>{t(confirm_label)} {move || colon(lang())} <code>{name}</code></label>
                <input
                    id=confirm_id
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=typed
                    disabled=locked
                    aria-describedby=described.clone()
                />
            </div>
            <ErrorNote error=error_of(delete) />
            <div>
                <button
                    class="button danger"
                    disabled=move || locked.get() || typed.get().trim() != name.get() || delete.pending().get()
                    aria-describedby=described
                    on:click=move |_| {
                        delete.dispatch(());
                    }
                >
                    {label}
                </button>
            </div>
        </section>
    }
}
