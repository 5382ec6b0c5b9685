//! The HTTP gateway: every service's default domain
//! (`http://<service>-<env>.run.localhost:<port>`) arrives here and is routed
//! by its `Host`. A host that belongs to no live service gets a clear 404 page,
//! which is also what a deleted service's domain answers forever (R-SVC-5).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use console_shared::vocab::VersionRef;

use super::instances::Runtime;

/// What the gateway reads: the services' domains and online versions, the
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
/// version that receives its traffic.
async fn online_version(state: &Gateway, host: &str) -> Option<VersionRef> {
    let domain = format!("http://{host}");
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT env_id, server_name, online_version FROM services WHERE default_domain = ? AND online_version IS NOT NULL",
    )
    .bind(domain)
    .fetch_optional(&state.db)
    .await
    .ok()
    .flatten();
    row.map(|(env, service, version)| VersionRef::from_cloud(&env, &service, &version))
}

async fn route(AxState(state): AxState<Arc<Gateway>>, req: Request) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    // `Host` may come without the port; default domains always carry it.
    let host = if host.contains(':') { host } else { format!("{host}:{}", state.port) };
    let Some(version) = online_version(&state, &host).await else {
        return not_found(&host);
    };
    let Some(addr) = state.runtime.pick(&version) else {
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], "no instance is running")
            .into_response();
    };
    forward(&state, addr, version.version.as_str(), req).await
}

/// A real HTTP hop to the instance, like any gateway.
async fn forward(state: &Gateway, addr: std::net::SocketAddr, version: &str, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    // The platform caps request bodies at 20 MB.
    let Ok(body) = axum::body::to_bytes(body, 20 * 1024 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body over 20 MB").into_response();
    };
    let mut out = state.http.request(parts.method, format!("http://{addr}{path}")).body(body);
    for (k, v) in &parts.headers {
        out = out.header(k, v);
    }
    match out.send().await {
        Ok(resp) => {
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.bytes().await.unwrap_or_default();
            let mut response = (status, bytes).into_response();
            for (k, v) in &headers {
                if k != header::TRANSFER_ENCODING && k != header::CONNECTION && k != header::CONTENT_LENGTH {
                    response.headers_mut().insert(k, v.clone());
                }
            }
            if let Ok(v) = version.parse() {
                response.headers_mut().insert("x-localcloud-version", v);
            }
            response
        }
        Err(e) => (StatusCode::BAD_GATEWAY, format!("the instance did not answer: {e}")).into_response(),
    }
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
