//! The one way a page waits for what it asked for: "loading…" until the
//! answer comes, the error where the content would be (with Retry where the
//! page offers one), then the content.

use console_shared::dto::ApiError;
use leptos::prelude::*;

use super::ErrorNote;
use crate::i18n::{Msg, t};

/// "Loading…", announced to screen readers.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" role="status">{t(Msg::Loading)}</p> }
}

/// What could not be loaded: the error, and Retry when `retry` is given.
pub fn failed(error: ApiError, retry: Option<Callback<()>>) -> AnyView {
    view! {
        <ErrorNote error=Signal::derive(move || Some(error.clone())) />
        {retry.map(|retry| view! {
            <div>
                <button class="button" on:click=move |_| retry.run(())>{t(Msg::Retry)}</button>
            </div>
        })}
    }
    .into_any()
}

/// Where a [`Loaded`] is: it redraws only when this changes.
#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}

/// The answer a [`Loaded`] shows, read from where it came from: reading it
/// in a closure follows later answers.
pub struct Answer<R, T: 'static> {
    value: R,
    /// The answer when the content was drawn, read in the moment between a
    /// failed refresh and the content going away.
    first: StoredValue<T>,
}

impl<R: Copy, T> Clone for Answer<R, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Copy, T> Copy for Answer<R, T> {}

impl<R, T> Answer<R, T>
where
    R: With<Value = Option<Result<T, ApiError>>>,
    T: Clone + Send + Sync + 'static,
{
    pub fn with<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        self.value.with(|v| match v {
            Some(Ok(v)) => f(v),
            _ => self.first.with_value(f),
        })
    }

    pub fn get(&self) -> T {
        self.with(T::clone)
    }
}

/// Shows [`Loading`] until `value` (a resource, a memo, an action's value)
/// holds an answer, then the error where the content would be, or the
/// content. The content is drawn once and follows later answers itself
/// through the [`Answer`] it gets (a [`Keyed`](super::Keyed) list over it
/// redraws only the rows that changed); a refresh that fails shows its error
/// instead.
#[component]
pub fn Loaded<T, R, F, V>(
    value: R,
    children: F,
    /// Asks again, offered beside the error.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView
where
    R: With<Value = Option<Result<T, ApiError>>> + Copy + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(Answer<R, T>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let phase = Memo::new(move |_| {
        value.with(|v| match v {
            None => Phase::Loading,
            Some(Err(e)) => Phase::Failed(e.clone()),
            Some(Ok(_)) => Phase::Ready,
        })
    });
    let ready = move || match untrack(|| value.with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).cloned())) {
        Some(first) => children(Answer { value, first: StoredValue::new(first) }).into_any(),
        // Not reached: `Ready` says an answer is there.
        None => view! { <Loading /> }.into_any(),
    };
    phases(phase, Box::new(ready), retry)
}

/// What a [`Loaded`] shows in each phase. Not generic: one copy serves them all.
fn phases(phase: Memo<Phase>, ready: Box<dyn Fn() -> AnyView + Send + Sync>, retry: Option<Callback<()>>) -> AnyView {
    (move || match phase.get() {
        Phase::Loading => view! { <Loading /> }.into_any(),
        Phase::Failed(error) => failed(error, retry),
        Phase::Ready => ready(),
    })
    .into_any()
}
