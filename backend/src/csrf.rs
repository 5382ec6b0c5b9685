//! CSRF defence for every state-changing `/api` call: the browser must say
//! the request is same-origin (`Sec-Fetch-Site`, or an `Origin` matching
//! `Host`), and the SPA's own header must be present — a header that a
//! cross-site form or a simple request cannot set.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use console_shared::dto::{CONSOLE_REQUEST_HEADER, console_codes};

use crate::error::AppError;

fn refuse(why: &str) -> Response {
    tracing::info!(reason = why, "cross-site request refused");
    AppError::new(axum::http::StatusCode::FORBIDDEN, console_codes::CSRF, why).into_response()
}

fn same_origin(headers: &HeaderMap) -> Result<(), &'static str> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().unwrap_or("") {
            "same-origin" => Ok(()),
            _ => Err("Cross-site requests are not accepted."),
        };
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        return if !host.is_empty() && origin_host == host {
            Ok(())
        } else {
            Err("The request's Origin is not this console.")
        };
    }
    // Neither header: not a browser (browsers send Origin on every POST), so
    // no ambient cookie is being abused on someone else's behalf.
    Ok(())
}

pub async fn guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && req.uri().path().starts_with("/api/") {
        if let Err(why) = same_origin(req.headers()) {
            return refuse(why);
        }
        if req.headers().get(CONSOLE_REQUEST_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
            return refuse("The X-Console-Request: 1 header is required.");
        }
    }
    next.run(req).await
}
