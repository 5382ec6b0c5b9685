//! The typed client of the BFF. Every call is same-origin with the session
//! cookie; state-changing calls carry `X-Console-Request: 1`. A 401 on any
//! call but login sends the user to the login page, which brings them back.

use console_shared::actions::Action;
use console_shared::dto::{ApiError, LoginRequest, Me, UploadedPackage, console_codes};
use console_shared::region::Region;
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The client's own code for "the request never got an answer".
pub const NETWORK: &str = "Console.Network";

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

async fn read<R: DeserializeOwned>(resp: Response, redirect_on_401: bool) -> Result<R, ApiError> {
    if resp.ok() {
        return resp.json::<R>().await.map_err(network);
    }
    let status = resp.status();
    let err = resp.json::<ApiError>().await.unwrap_or_else(|_| ApiError {
        code: console_codes::INTERNAL.into(),
        message: format!("HTTP {status}"),
        request_id: None,
    });
    if status == 401 && redirect_on_401 {
        to_login(err.code == console_codes::SESSION_EXPIRED);
    }
    Err(err)
}

/// Sends a request; a body goes as JSON. Non-GET requests carry the CSRF header.
async fn send<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<Response, ApiError> {
    let builder = match method {
        "GET" => return Request::get(url).send().await.map_err(network),
        "POST" => Request::post(url),
        "PUT" => Request::put(url),
        "PATCH" => Request::patch(url),
        _ => Request::delete(url),
    }
    .header("X-Console-Request", "1");
    let request = match body {
        Some(b) => builder.json(b),
        None => builder.build(),
    }
    .map_err(network)?;
    request.send().await.map_err(network)
}

async fn post<B: Serialize, R: DeserializeOwned>(url: &str, body: &B, redirect_on_401: bool) -> Result<R, ApiError> {
    read(send("POST", url, Some(body)).await?, redirect_on_401).await
}

/// A JSON answer from any verb.
pub async fn json<B: Serialize, R: DeserializeOwned>(method: &str, url: &str, body: Option<&B>) -> Result<R, ApiError> {
    read(send(method, url, body).await?, true).await
}

pub async fn get<R: DeserializeOwned>(url: &str) -> Result<R, ApiError> {
    json::<(), R>("GET", url, None).await
}

/// A call whose success has no body (204).
pub async fn no_content<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<(), ApiError> {
    let resp = send(method, url, body).await?;
    if resp.ok() { Ok(()) } else { read::<serde_json::Value>(resp, true).await.map(|_| ()) }
}

pub async fn me() -> Result<Me, ApiError> {
    get("/api/auth/me").await
}

pub async fn login(username: String, password: String) -> Result<Me, ApiError> {
    post("/api/auth/login", &LoginRequest { username, password }, false).await
}

pub async fn logout() -> Result<(), ApiError> {
    let resp = send::<()>("POST", "/api/auth/logout", None).await?;
    if resp.ok() { Ok(()) } else { read::<serde_json::Value>(resp, false).await.map(|_| ()) }
}

/// URL-encodes one path segment or query value.
pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// One cloud action through the BFF's signed proxy.
pub async fn cloud<A: Action>(request: &A::Request) -> Result<A::Response, ApiError> {
    post(&format!("/api/cloud/{}/{}", A::PRODUCT.name(), A::NAME), request, true).await
}

/// The one action that names a region: creating an environment (R-ENV-4).
pub async fn cloud_in_region<A: Action>(region: Region, request: &A::Request) -> Result<A::Response, ApiError> {
    post(&format!("/api/cloud/{}/{}?region={}", A::PRODUCT.name(), A::NAME, region.id()), request, true).await
}

/// Uploads a code package for `service` (R-DEP-2) through the BFF, which
/// streams it to the cloud. XMLHttpRequest rather than fetch: only it reports
/// upload progress, which `progress(sent, total)` receives as bytes go out.
pub async fn upload_package(
    env: &str,
    service: &str,
    file: &web_sys::File,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<UploadedPackage, ApiError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| network("XMLHttpRequest is unavailable"))?;
    xhr.open("PUT", &format!("/api/envs/{}/services/{}/package", enc(env), enc(service)))
        .map_err(|_| network("the upload could not start"))?;
    xhr.set_request_header("X-Console-Request", "1").map_err(|_| network("the upload could not start"))?;
    xhr.set_request_header("Content-Type", "application/zip").map_err(|_| network("the upload could not start"))?;
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
    xhr.send_with_opt_blob(Some(file)).map_err(|_| network("the upload could not start"))?;
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
    let err = serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| ApiError {
        code: console_codes::INTERNAL.into(),
        message: format!("HTTP {status}"),
        request_id: None,
    });
    if status == 401 {
        to_login(err.code == console_codes::SESSION_EXPIRED);
    }
    Err(err)
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
