//! The deploy's live events (Server-Sent Events from the BFF) into signals.
//! A dropped connection resumes by itself from the last event id (the
//! browser's EventSource sends `Last-Event-ID`); one the browser gave up on
//! says so, and a new one starts from the beginning.

use console_shared::dto::DeployEvent;
use console_shared::time::parse_cst;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::Link;

#[derive(Clone, Default, PartialEq)]
pub struct Step {
    pub name: String,
    pub status: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub fail_reason: String,
}

#[derive(Clone, PartialEq)]
pub struct Outcome {
    pub status: String,
    pub fail_reason: String,
    pub version: String,
}

/// Where the events go.
#[derive(Clone, Copy)]
pub struct Sinks {
    pub steps: RwSignal<Vec<Step>>,
    pub logs: RwSignal<Vec<String>>,
    pub link: RwSignal<Link>,
    pub outcome: RwSignal<Option<Outcome>>,
}

impl Sinks {
    pub fn new() -> Self {
        Sinks {
            steps: RwSignal::new(Vec::new()),
            logs: RwSignal::new(Vec::new()),
            link: RwSignal::new(Link::Connecting),
            outcome: RwSignal::new(None),
        }
    }

    fn apply(&self, event: DeployEvent) {
        match event {
            DeployEvent::Step { index, name, status, start_time, end_time, fail_reason } => self.steps.update(|s| {
                if s.len() <= index {
                    s.resize(index + 1, Step::default());
                }
                s[index] = Step { name, status, start: parse_cst(&start_time), end: parse_cst(&end_time), fail_reason };
            }),
            DeployEvent::Log { line } => self.logs.update(|l| l.push(line)),
            DeployEvent::Done { status, fail_reason, version } => {
                self.outcome.set(Some(Outcome { status, fail_reason, version }));
                self.link.set(Link::Ended);
            }
        }
    }
}

type Handlers = (Closure<dyn FnMut(web_sys::MessageEvent)>, Closure<dyn FnMut()>, Closure<dyn FnMut()>);

/// One connection and the callbacks it holds.
pub struct Stream {
    source: web_sys::EventSource,
    _handlers: Handlers,
}

impl Stream {
    /// Connects to `url`, starting from nothing: the sinks are emptied and
    /// the server replays the task from its first event.
    pub fn open(url: &str, sinks: Sinks) -> Option<Stream> {
        sinks.steps.set(Vec::new());
        sinks.logs.set(Vec::new());
        sinks.link.set(Link::Connecting);
        let source = web_sys::EventSource::new(url).ok()?;
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(event) = ev.data().as_string().and_then(|d| serde_json::from_str::<DeployEvent>(&d).ok()) {
                sinks.apply(event);
            }
        });
        for kind in ["step", "log", "done"] {
            let _ = source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        let on_open = Closure::<dyn FnMut()>::new(move || {
            sinks.link.update(|l| *l = if *l == Link::Reconnecting { Link::Resumed } else { Link::Live });
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let this = source.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            if sinks.outcome.with_untracked(Option::is_some) {
                // After `done` the server closes the stream: stop, do not reconnect.
                this.close();
                sinks.link.set(Link::Ended);
            } else if this.ready_state() == web_sys::EventSource::CLOSED {
                // Refused (not found, too many streams…): the browser will not retry.
                sinks.link.set(Link::Closed);
            } else {
                sinks.link.set(Link::Reconnecting);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Stream { source, _handlers: (on_event, on_open, on_error) })
    }

    fn close(&self) {
        self.source.close();
    }
}

/// The page's connection: opened now, reopened on demand, closed with the page.
pub fn connect(url: String, sinks: Sinks) -> impl Fn() + Copy + 'static {
    let held = StoredValue::new(SendWrapper::new(std::cell::RefCell::new(Stream::open(&url, sinks))));
    let url = StoredValue::new(url);
    on_cleanup(move || {
        held.with_value(|h| {
            if let Some(s) = h.borrow().as_ref() {
                s.close();
            }
        })
    });
    move || {
        held.with_value(|h| {
            if let Some(old) = h.borrow_mut().take() {
                old.close();
            }
            *h.borrow_mut() = url.with_value(|u| Stream::open(u, sinks));
        })
    }
}
