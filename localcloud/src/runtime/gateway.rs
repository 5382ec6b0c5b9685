//! The HTTP gateway: every service's default domain
//! (`http://<service>-<env>.run.localhost:<port>`) arrives here and is routed
//! by its `Host`. A host that belongs to no live service gets a clear 404 page,
//! which is also what a deleted service's domain answers forever (R-SVC-5);
//! when the routes cannot be read it answers 503, never that 404.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use console_shared::vocab::VersionRef;
use rand::Rng;

use super::instances::{Lease, Runtime};
use super::scaler::{self, NoInstance};
use super::traffic;

/// What the gateway reads: the services' domains and traffic splits, the
/// instances, and a client for the hop to them.
struct Gateway {
    db: sqlx::SqlitePool,
    runtime: Arc<Runtime>,
    http: reqwest::Client,
    /// The gateway's own port, part of every default domain.
    port: u16,
}

/// The gateway's router, for the listener on `port`.
pub fn app(db: sqlx::SqlitePool, runtime: Arc<Runtime>, http: reqwest::Client, port: u16) -> Router {
    Router::new().fallback(route).with_state(Arc::new(Gateway { db, runtime, http, port }))
}

/// The service whose default domain is `host` (port included), and the
/// version that serves this request: its traffic split chooses, at random by
/// the configured ratio or by the request's URL parameters (R-UPD-2, R-UPD-4).
/// `None` when no live service has this domain.
async fn version_for(state: &Gateway, host: &str, query: Option<&str>) -> sqlx::Result<Option<VersionRef>> {
    let Some(split) = traffic::by_domain(&state.db, &format!("http://{host}")).await? else {
        return Ok(None);
    };
    let roll = rand::thread_rng().gen_range(0..100);
    let version = traffic::choose(&split.stable, split.order.as_ref(), query, roll);
    Ok(Some(VersionRef { env: split.env, service: split.service, version }))
}

/// What the gateway answers when it cannot read its routes: not "no
/// service here", which would be false, but a 503 to try again.
fn routes_unreadable(e: &sqlx::Error) -> Response {
    tracing::warn!(error = %e, "the gateway could not read the services' routes");
    let why = "localcloud's gateway could not read its routes just now; try again";
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], why).into_response()
}

async fn route(AxState(state): AxState<Arc<Gateway>>, req: Request) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    // `Host` may come without the port; default domains always carry it.
    let host = if host.contains(':') { host } else { format!("{host}:{}", state.port) };
    match version_for(&state, &host, req.uri().query()).await {
        Ok(Some(version)) => serve(&state, &host, version, req).await,
        Ok(None) => not_found(&host),
        Err(e) => routes_unreadable(&e),
    }
}

/// The request on one of the version's instances: the least busy one, or
/// one cold-started for it (`scaler::lease`). Every answer names the version.
async fn serve(state: &Gateway, host: &str, mut version: VersionRef, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Read before an instance is taken: a slow upload is the gateway's
    // work, not the instance's load. The platform caps bodies at 20 MB.
    let Ok(body) = axum::body::to_bytes(body, 20 * 1024 * 1024).await else {
        return named((StatusCode::PAYLOAD_TOO_LARGE, "request body over 20 MB").into_response(), &version);
    };
    // An instance leaves the pick before it stops and stops only once its
    // leases end, so the instance this lease names is listening.
    let mut leased = scaler::lease(&state.db, &state.runtime, &version).await;
    if matches!(leased, Err(NoInstance::Gone)) {
        // The version lost its traffic since it was chosen (a release, a
        // rollback, an abandoned gray release): choose again, once.
        version = match version_for(state, host, parts.uri.query()).await {
            Ok(Some(again)) => again,
            Ok(None) => return not_found(host),
            Err(e) => return routes_unreadable(&e),
        };
        leased = scaler::lease(&state.db, &state.runtime, &version).await;
    }
    let lease = match leased {
        Ok(lease) => lease,
        Err(e) => {
            let why = format!("no instance of {} is running: {e}", version.version);
            let answer = (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], why);
            return named(answer.into_response(), &version);
        }
    };
    match forward(state, &lease, &parts, body).await {
        Ok(answer) => named(answer, &version),
        Err(e) => {
            named((StatusCode::BAD_GATEWAY, format!("the instance did not answer: {e}")).into_response(), &version)
        }
    }
}

/// A real HTTP hop to the instance, like any gateway; the lease counts the
/// request in flight until the whole answer is read.
async fn forward(
    state: &Gateway,
    lease: &Lease,
    parts: &axum::http::request::Parts,
    body: bytes::Bytes,
) -> Result<Response, reqwest::Error> {
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut out = state.http.request(parts.method.clone(), format!("http://{}{path}", lease.addr())).body(body);
    for (k, v) in &parts.headers {
        out = out.header(k, v);
    }
    let resp = out.send().await?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await?;
    let mut response = (status, bytes).into_response();
    for (k, v) in &headers {
        if k != header::TRANSFER_ENCODING && k != header::CONNECTION && k != header::CONTENT_LENGTH {
            response.headers_mut().insert(k, v.clone());
        }
    }
    Ok(response)
}

/// Names the version that served (or could not serve) the request.
fn named(mut response: Response, version: &VersionRef) -> Response {
    if let Ok(v) = version.version.as_str().parse() {
        response.headers_mut().insert("x-localcloud-version", v);
    }
    response
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn not_found(host: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No service here</title></head>\
         <body><h1>No service answers at {}</h1><p>localcloud's gateway knows no running service with this domain. \
         It may never have existed, or it was deleted: a deleted service's default domain is never reused.</p></body></html>",
        escape(host)
    );
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::runtime::instances::Windows;

    #[tokio::test]
    async fn a_store_that_cannot_be_read_is_a_503_not_a_missing_service() {
        // No tables: every read of the routes fails.
        let db = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let long = Duration::from_secs(1800);
        let runtime = Arc::new(Runtime::new(Windows { scale_to_zero_after: long, drain_after: long }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let gateway = app(db, runtime, reqwest::Client::new(), addr.port());
        tokio::spawn(async move { axum::serve(listener, gateway).await });
        let resp = reqwest::Client::new()
            .get(format!("http://{addr}/"))
            .header("host", format!("shop-env.run.localhost:{}", addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
        assert!(!resp.text().await.unwrap().contains("No service"));
    }
}
