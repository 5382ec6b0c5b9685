//! Keeping pages live while something changes under them: a page polls
//! while a deploy runs anywhere on it, and stops when none does.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};

/// The state of a live stream (a deploy's events, a log tail), as the
/// page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    Reconnecting,
    Resumed,
    /// The browser gave up (the stream was refused: no access, too many
    /// streams): nothing more comes until the user reconnects.
    Closed,
    /// The stream said all it had (a deploy that ended).
    Ended,
}

impl Link {
    /// What the page shows for it; nothing once the stream ended.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Link::Connecting => Msg::Loading.text(lang),
            Link::Live => Msg::Live.text(lang),
            Link::Reconnecting => Msg::Reconnecting.text(lang),
            Link::Resumed => Msg::Resumed.text(lang),
            Link::Closed => Msg::LinkClosed.text(lang),
            Link::Ended => "",
        }
    }
}

/// How often a page asks again while a deploy runs.
pub const POLL: Duration = Duration::from_secs(2);

/// Runs `refresh` every [`POLL`] while `busy()` says something is changing;
/// nothing is asked while it is not. Stops with the page.
pub fn poll_while(busy: impl Fn() -> bool + 'static, refresh: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if busy() {
                refresh();
            }
        },
        POLL,
    ) {
        on_cleanup(move || handle.clear());
    }
}

/// Waits for all of `futures` at once (the requests go out together) and
/// returns their outputs in order.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(v) => *output = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::join_all;

    #[test]
    fn join_all_keeps_the_order() {
        let futures: Vec<_> = (0..5).map(|i| async move { i * 10 }).collect();
        let out = futures_lite_block_on(join_all(futures));
        assert_eq!(out, vec![0, 10, 20, 30, 40]);
    }

    /// A minimal executor for ready futures.
    fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }
}
