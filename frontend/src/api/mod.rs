//! The client of the BFF. This module is the transport: requests, answers,
//! errors and what a 401 does. What can be called lives beside it:
//! `cloud.rs` (the cloud actions, through the BFF's signed proxy) and
//! `console.rs` (the BFF's own endpoints, one typed function each). Pages
//! call those and never name a URL or an HTTP method.
//!
//! Every call is same-origin with the session cookie; state-changing calls
//! carry `X-Console-Request: 1`. A 401 on any call but sign-in and sign-out
//! sends the user to the login page, which brings them back.

mod cloud;
mod console;

pub use cloud::{cloud, cloud_in_region};
pub use console::*;

use console_shared::dto::{ApiError, console_codes};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The client's own code for "the request never got an answer".
pub const NETWORK: &str = "Console.Network";

/// The header every state-changing call carries (the BFF's CSRF check).
const CSRF_HEADER: &str = "X-Console-Request";

/// The methods the BFF answers. An enum, not a string, so a call cannot name
/// one that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The name on the wire, for `XMLHttpRequest.open`.
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What a 401 means for the call: the session ended (go and sign in), or,
/// for sign-in and sign-out themselves, just an answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum On401 {
    SignIn,
    Answer,
}

fn network(e: impl std::fmt::Display) -> ApiError {
    ApiError { code: NETWORK.into(), message: e.to_string(), request_id: None }
}

/// Where the user is, so login can bring them back.
fn here() -> String {
    let loc = leptos::prelude::window().location();
    format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default())
}

/// Ends the page's life as a signed-in page: go to login and come back later.
/// `expired` says whether a session existed and ended, so login can say so.
fn to_login(expired: bool) {
    let next = js_sys::encode_uri_component(&here());
    let flag = if expired { "&expired=1" } else { "" };
    let _ = leptos::prelude::window().location().set_href(&format!("/login?next={next}{flag}"));
}

/// The error of a refused call: the BFF's envelope, else the bare status.
/// A 401 ends the signed-in page, unless `on_401` says otherwise.
fn refused(status: u16, envelope: Option<ApiError>, on_401: On401) -> ApiError {
    let err = envelope.unwrap_or_else(|| ApiError {
        code: console_codes::INTERNAL.into(),
        message: format!("HTTP {status}"),
        request_id: None,
    });
    if status == 401 && on_401 == On401::SignIn {
        to_login(err.code == console_codes::SESSION_EXPIRED);
    }
    err
}

/// One request to the BFF, ready to go: the body is JSON already, so the
/// answer's future owns everything and outlives the caller's borrows.
struct Call {
    method: Method,
    url: String,
    json: Result<Option<String>, ApiError>,
    on_401: On401,
}

impl Call {
    fn new(method: Method, url: impl Into<String>) -> Self {
        Call { method, url: url.into(), json: Ok(None), on_401: On401::SignIn }
    }

    fn get(url: impl Into<String>) -> Self {
        Call::new(Method::Get, url)
    }

    /// The body, as JSON.
    fn body<B: Serialize>(mut self, body: &B) -> Self {
        self.json = serde_json::to_string(body).map(Some).map_err(network);
        self
    }

    /// A 401 is an answer here (sign-in, sign-out), not the end of a session.
    fn answer_401(mut self) -> Self {
        self.on_401 = On401::Answer;
        self
    }

    /// Sends it. Requests other than GET carry the CSRF header. Not generic:
    /// one copy serves every call.
    async fn send(self) -> Result<(Response, On401), ApiError> {
        let url = self.url.as_str();
        let builder = match self.method {
            Method::Get => return Ok((Request::get(url).send().await.map_err(network)?, self.on_401)),
            Method::Post => Request::post(url),
            Method::Put => Request::put(url),
            Method::Patch => Request::patch(url),
            Method::Delete => Request::delete(url),
        }
        .header(CSRF_HEADER, "1");
        let request = match self.json? {
            Some(json) => builder.header("Content-Type", "application/json").body(json),
            None => builder.build(),
        }
        .map_err(network)?;
        Ok((request.send().await.map_err(network)?, self.on_401))
    }

    /// The answer, JSON.
    async fn json<R: DeserializeOwned>(self) -> Result<R, ApiError> {
        let (resp, on_401) = self.send().await?;
        if !resp.ok() {
            return Err(refusal(resp, on_401).await);
        }
        resp.json::<R>().await.map_err(network)
    }

    /// No answer but success (204).
    async fn empty(self) -> Result<(), ApiError> {
        let (resp, on_401) = self.send().await?;
        if resp.ok() { Ok(()) } else { Err(refusal(resp, on_401).await) }
    }
}

/// The error of a response that is not a success: read once, for every call.
async fn refusal(resp: Response, on_401: On401) -> ApiError {
    let status = resp.status();
    refused(status, resp.json::<ApiError>().await.ok(), on_401)
}

/// URL-encodes one path segment or query value.
pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// Sends `file` as the body of `method url` with XMLHttpRequest rather than
/// fetch: only it reports upload progress, which `progress(sent, total)`
/// receives as bytes go out. Answered like [`call`].
async fn send_file<R: DeserializeOwned>(
    method: Method,
    url: &str,
    file: &web_sys::File,
    content_type: &str,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<R, ApiError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| network("XMLHttpRequest is unavailable"))?;
    let not_started = |_| network("the upload could not start");
    xhr.open(method.name(), url).map_err(not_started)?;
    xhr.set_request_header(CSRF_HEADER, "1").map_err(not_started)?;
    xhr.set_request_header("Content-Type", content_type).map_err(not_started)?;
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() {
            progress(e.loaded(), e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    // The request settles once: loaded (any status) or failed on the network.
    let (tx, rx) = settled_once();
    let done = {
        let tx = tx.clone();
        Closure::<dyn Fn()>::new(move || tx.send(true))
    };
    let failed = Closure::<dyn Fn()>::new(move || tx.send(false));
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(failed.as_ref().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).map_err(not_started)?;
    let loaded = rx.await;
    // Keep the callbacks alive until the request settled.
    drop((on_progress, done, failed));
    if !loaded {
        return Err(network("the upload broke off; nothing was deployed"));
    }
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(network);
    }
    Err(refused(status, serde_json::from_str::<ApiError>(&text).ok(), On401::SignIn))
}

/// A one-shot channel over a JS promise's settling, without another crate.
fn settled_once() -> (Settle, impl std::future::Future<Output = bool>) {
    let cell = std::rc::Rc::new(std::cell::RefCell::new(None::<js_sys::Function>));
    let promise = js_sys::Promise::new(&mut |resolve, _| *cell.borrow_mut() = Some(resolve));
    let settle = Settle(cell);
    let wait = async move {
        wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    };
    (settle, wait)
}

#[derive(Clone)]
struct Settle(std::rc::Rc<std::cell::RefCell<Option<js_sys::Function>>>);

impl Settle {
    fn send(&self, loaded: bool) {
        if let Some(resolve) = self.0.borrow_mut().take() {
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &wasm_bindgen::JsValue::from_bool(loaded));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file below `dir`.
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The BFF's URLs and methods are named in `api/` alone: a page asks for
    /// what it needs by a typed function.
    #[test]
    fn only_the_client_names_a_url_or_a_method() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        for dir in ["pages", "components"] {
            sources(&src.join(dir), &mut files);
        }
        let named = ["\"/api", "\"GET\"", "\"POST\"", "\"PUT\"", "\"PATCH\"", "\"DELETE\""];
        let offenders: Vec<String> = files
            .iter()
            .flat_map(|file| {
                let text = std::fs::read_to_string(file).unwrap();
                named
                    .iter()
                    .filter(|n| text.contains(*n))
                    .map(|n| format!("{} names {n}", file.display()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
