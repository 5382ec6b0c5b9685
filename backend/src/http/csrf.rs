//! CSRF defence for every state-changing `/api` call: the browser must say
//! the request is same-origin (`Sec-Fetch-Site`, or an `Origin` matching
//! the console's origin, scheme included), and the SPA's own header must be
//! present — a header that a cross-site form or a simple request cannot set.
//! Calls made with a personal access token (`Authorization: Bearer`) carry
//! no ambient credential and are exempt.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use console_shared::dto::{CONSOLE_REQUEST_HEADER, console_codes};

use crate::error::AppError;
use crate::http::origins::{Origins, authority};
use crate::http::spa::csp::CSP_REPORT_PATH;
use crate::state::AppState;

fn refuse(why: &str) -> Response {
    tracing::info!(reason = why, "cross-site request refused");
    AppError::new(axum::http::StatusCode::FORBIDDEN, console_codes::CSRF, why).into_response()
}

fn same_origin(req: &Request, origins: &Origins) -> Result<(), &'static str> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().unwrap_or("") {
            "same-origin" => Ok(()),
            _ => Err("Cross-site requests are not accepted."),
        };
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let authority = authority(headers, req.uri());
        return if !authority.is_empty() && origins.same_origin(origin, &authority) {
            Ok(())
        } else {
            Err("The request's Origin is not this console.")
        };
    }
    // Neither header: not a browser (browsers send Origin on every POST), so
    // no ambient cookie is being abused on someone else's behalf.
    Ok(())
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A CSP report is a browser's own POST (no header of ours) and changes nothing.
    // A bearer token is not an ambient credential (a browser never attaches
    // one by itself, and the cookie is then not looked at), so a call made
    // with one cannot be forged across sites.
    let bearer = crate::identity::bearer(req.headers()).is_some();
    if !safe && !bearer && req.uri().path().starts_with("/api/") && req.uri().path() != CSP_REPORT_PATH {
        if let Err(why) = same_origin(&req, &state.origins) {
            return refuse(why);
        }
        if req.headers().get(CONSOLE_REQUEST_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
            return refuse("The X-Console-Request: 1 header is required.");
        }
    }
    next.run(req).await
}
