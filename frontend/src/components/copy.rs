//! Copying a value to the clipboard, with a note beside the button that says
//! whether it worked (and, when it did not, how to copy it by hand).

use leptos::prelude::*;

use crate::i18n::{Msg, t};

/// How long "Copied" stays beside the button.
const COPIED_FOR: std::time::Duration = std::time::Duration::from_secs(3);

/// Copies `text` to the clipboard; `false` where the browser cannot (no
/// clipboard outside a secure context, or permission refused).
pub async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    // Absent outside a secure context: calling it would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| !c.is_undefined());
    if !has_clipboard {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// A button that copies `text`, and its note (a status, read out). The text
/// is read when the button is pressed and kept nowhere else.
#[component]
pub fn CopyButton(
    /// What is copied, read on each press.
    #[prop(into)]
    text: Signal<String>,
    label: Msg,
    /// The id of the element that shows the value, for the button's description.
    #[prop(into)]
    described_by: String,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] note_testid: Option<&'static str>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    // Each copy numbered: only the newest one's note is taken away.
    let copies = StoredValue::new(0_u32);
    let copy = move |_| {
        copied.set(None);
        copies.update_value(|n| *n += 1);
        let this = copies.get_value();
        let text = text.get_untracked();
        leptos::task::spawn_local(async move {
            let ok = copy_text(&text).await;
            copied.try_set(Some(ok));
            set_timeout(
                move || {
                    if copies.try_get_value() == Some(this) {
                        copied.try_set(None);
                    }
                },
                COPIED_FOR,
            );
        });
    };
    view! {
        <button type="button" class="button" data-testid=testid aria-describedby=described_by
            disabled=move || text.with(String::is_empty) on:click=copy>
            {t(label)}
        </button>
        <span role="status" class="help" data-testid=note_testid>
            {move || copied.get().map(|ok| if ok { t(Msg::Copied)() } else { t(Msg::CopyFailed)() })}
        </span>
    }
}
