//! The typed client of the BFF. Every call is same-origin with the session
//! cookie; state-changing calls carry `X-Console-Request: 1`. A 401 on any
//! call but login sends the user to the login page, which brings them back.

use console_shared::actions::Action;
use console_shared::dto::{ApiError, LoginRequest, Me, console_codes};
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
