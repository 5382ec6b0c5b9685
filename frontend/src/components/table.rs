//! Tables that fit a phone: a wide table scrolls sideways inside its own
//! box instead of widening the page.

use leptos::prelude::*;

/// A scrolling box around a table. It takes focus, so keyboard users can
/// scroll it too, and is a named group (not a landmark: the section around
/// it already is one, under the same name).
#[component]
pub fn TableScroll(
    /// What the table holds, for the region's name.
    #[prop(into)]
    label: Signal<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="group" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}
