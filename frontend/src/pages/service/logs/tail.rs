//! The live tail (R-OBS-3): the BFF's log stream (Server-Sent Events, one
//! `line` event per record, its id the record's `PkgLogId`) into a
//! callback. A dropped connection resumes by itself after the last line
//! (the browser's EventSource sends `Last-Event-ID`); one the browser gave
//! up on says so.

use console_shared::actions::LogObject;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::Link;

type Handlers = (Closure<dyn FnMut(web_sys::MessageEvent)>, Closure<dyn FnMut()>, Closure<dyn FnMut()>);

/// One connection and the callbacks it holds; closed when dropped.
struct Tail {
    source: web_sys::EventSource,
    _handlers: Handlers,
}

impl Drop for Tail {
    fn drop(&mut self) {
        self.source.close();
    }
}

impl Tail {
    fn open(url: &str, link: RwSignal<Link>, on_line: Callback<LogObject>) -> Option<Tail> {
        link.set(Link::Connecting);
        let source = web_sys::EventSource::new(url).ok()?;
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(line) = ev.data().as_string().and_then(|d| serde_json::from_str::<LogObject>(&d).ok()) {
                on_line.run(line);
            }
        });
        let _ = source.add_event_listener_with_callback("line", on_event.as_ref().unchecked_ref());
        let on_open = Closure::<dyn FnMut()>::new(move || {
            link.update(|l| *l = if *l == Link::Reconnecting { Link::Resumed } else { Link::Live });
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let this = source.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            link.set(if this.ready_state() == web_sys::EventSource::CLOSED {
                Link::Closed
            } else {
                Link::Reconnecting
            });
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Tail { source, _handlers: (on_event, on_open, on_error) })
    }
}

/// Follows `url()` while it is `Some`: a new URL (another query) replaces
/// the connection, `None` closes it, and so does leaving the page.
/// Returns a way to connect again after the browser gave up.
pub fn follow(
    url: impl Fn() -> Option<String> + Send + Sync + 'static,
    link: RwSignal<Link>,
    on_line: Callback<LogObject>,
) -> impl Fn() + Copy + 'static {
    let held = StoredValue::new(SendWrapper::new(std::cell::RefCell::new(None::<Tail>)));
    let current = StoredValue::new(None::<String>);
    let connect = move |to: Option<String>| {
        held.with_value(|h| {
            // The old connection closes (dropped) before the new one opens.
            h.borrow_mut().take();
            *h.borrow_mut() = to.as_deref().and_then(|u| Tail::open(u, link, on_line));
        });
        current.set_value(to);
    };
    Effect::new(move |_| {
        let to = url();
        if current.with_value(|c| *c != to) {
            connect(to);
        }
    });
    on_cleanup(move || held.with_value(|h| drop(h.borrow_mut().take())));
    move || connect(current.get_value())
}
