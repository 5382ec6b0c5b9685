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
    ApiError {
        code: NETWORK.into(),
        message: e.to_string(),
        request_id: None,
    }
}

/// Where the user is, so login can bring them back.
fn here() -> String {
    let loc = leptos::prelude::window().location();
    format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    )
}

/// Ends the page's life as a signed-in page: go to login and come back later.
/// `expired` says whether a session existed and ended, so login can say so.
fn to_login(expired: bool) {
    let next = js_sys::encode_uri_component(&here());
    let flag = if expired { "&expired=1" } else { "" };
    let _ = leptos::prelude::window()
        .location()
        .set_href(&format!("/login?next={next}{flag}"));
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

async fn post<B: Serialize, R: DeserializeOwned>(
    url: &str,
    body: &B,
    redirect_on_401: bool,
) -> Result<R, ApiError> {
    let req = Request::post(url)
        .header("X-Console-Request", "1")
        .json(body)
        .map_err(network)?;
    read(req.send().await.map_err(network)?, redirect_on_401).await
}

pub async fn me() -> Result<Me, ApiError> {
    read(
        Request::get("/api/auth/me").send().await.map_err(network)?,
        true,
    )
    .await
}

pub async fn login(username: String, password: String) -> Result<Me, ApiError> {
    post(
        "/api/auth/login",
        &LoginRequest { username, password },
        false,
    )
    .await
}

pub async fn logout() -> Result<(), ApiError> {
    let resp = Request::post("/api/auth/logout")
        .header("X-Console-Request", "1")
        .send()
        .await
        .map_err(network)?;
    if resp.ok() {
        Ok(())
    } else {
        read::<serde_json::Value>(resp, false).await.map(|_| ())
    }
}

/// One cloud action through the BFF's signed proxy.
pub async fn cloud<A: Action>(request: &A::Request) -> Result<A::Response, ApiError> {
    post(
        &format!("/api/cloud/{}/{}", A::PRODUCT.name(), A::NAME),
        request,
        true,
    )
    .await
}

/// The one action that names a region: creating an environment (R-ENV-4).
pub async fn cloud_in_region<A: Action>(
    region: Region,
    request: &A::Request,
) -> Result<A::Response, ApiError> {
    post(
        &format!(
            "/api/cloud/{}/{}?region={}",
            A::PRODUCT.name(),
            A::NAME,
            region.id()
        ),
        request,
        true,
    )
    .await
}
