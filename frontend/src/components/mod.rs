//! Pieces shared by several pages.

mod chart;
mod confirm;
mod copy;
mod danger_zone;
mod field;
mod header;
mod keyed;
mod live;
mod loaded;
mod not_found;
mod page_head;
mod summary;
mod table;
mod time;

pub use chart::{Mark, Rule, Series, Summary, TimeChart, format_value};
pub use confirm::ConfirmStep;
pub use copy::CopyButton;
pub use danger_zone::DangerZone;
pub use field::Field;
pub use header::{LangSwitch, TopBar};
pub use keyed::Keyed;
pub use live::{Link, join_all, poll_while};
pub use loaded::{Loaded, Loading, failed};
pub use not_found::NotFoundState;
pub use page_head::PageHead;
pub use summary::{ErrorSummary, FormError, focus_by_id, focus_first};
pub use table::{Col, DataTable, RowKey, cell_label};
pub use time::{cloud_time, local_log_line, local_time, now, offset_at, parse_local, zone, zoned};

use console_shared::dto::{Access, ApiError};
use console_shared::permissions::{self, Need};
use leptos::prelude::*;

use crate::i18n::{Msg, colon, error_text, lang, needs_text, t};

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
                            {rid.map(|r| view! { <small class="muted">{t(Msg::RequestId)} {move || colon(lang())} <code>{r}</code></small> })}
                        }
                    })
            }}
        </div>
    }
}

/// The error `action` last ended with, for the [`ErrorNote`] beside the
/// control that ran it.
pub fn error_of<I: 'static, O: Send + Sync + 'static>(
    action: Action<I, Result<O, ApiError>>,
) -> Signal<Option<ApiError>> {
    Signal::derive(move || action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
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

/// Why the caller may not do something that needs `need` here, or `None`
/// when they may. The same table the BFF enforces decides.
pub fn denial(need: Need, access: Option<&Access>, env: &str) -> Option<String> {
    let (is_admin, role) = access.map(|a| (a.is_admin, a.role)).unwrap_or((false, None));
    (!permissions::allows(need, is_admin, role)).then(|| needs_text(need, env, lang()))
}

/// A reason shown beside a disabled control and tied to it for screen
/// readers; a `notice` where it locks a whole form, so it is not missed.
#[component]
pub fn Reason(
    #[prop(into)] id: String,
    #[prop(into)] text: Signal<Option<String>>,
    #[prop(optional)] notice: bool,
) -> impl IntoView {
    let class = if notice { "notice" } else { "reason" };
    view! {
        <Show when=move || text.with(Option::is_some)>
            <span id=id.clone() class=class>{move || text.get()}</span>
        </Show>
    }
}
