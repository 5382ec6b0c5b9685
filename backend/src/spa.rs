//! Serving the built SPA: hashed assets from memory with a year of caching,
//! and `index.html` for every other path with a fresh CSP nonce on each
//! response. Trunk's loader is an inline module script; Trunk marks it (and
//! every other tag it emits) with `nonce="{{__TRUNK NONCE__}}"` (`create_nonce`
//! in Trunk.toml), and each response fills in its own nonce.

use std::collections::HashMap;
use std::path::Path;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use console_shared::dto::console_codes;

use crate::AppState;
use crate::error::AppError;

struct Asset {
    bytes: Vec<u8>,
    content_type: &'static str,
    /// Trunk names built files `<name>-<hash>.<ext>`: safe to cache forever.
    hashed: bool,
}

/// The SPA, loaded once at start.
pub struct Spa {
    index: Option<String>,
    assets: HashMap<String, Asset>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn looks_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or("");
    // wasm-bindgen's module is `<name>-<hash>_bg.wasm`.
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn collect(dir: &Path, prefix: &str, into: &mut HashMap<String, Asset>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), &rel, into)?;
        } else if rel != "index.html" {
            let bytes = std::fs::read(entry.path())?;
            into.insert(rel.clone(), Asset { bytes, content_type: content_type(&rel), hashed: looks_hashed(&name) });
        }
    }
    Ok(())
}

impl Spa {
    /// Loads `dist`. A missing build is not fatal: the API still serves, and
    /// the page says how to build the SPA.
    pub fn load(dist: &Path) -> Spa {
        let index = std::fs::read_to_string(dist.join("index.html")).ok();
        let mut assets = HashMap::new();
        if index.is_some() {
            if let Err(e) = collect(dist, "", &mut assets) {
                tracing::warn!(error = %e, dist = %dist.display(), "could not read every SPA file");
            }
        } else {
            tracing::warn!(dist = %dist.display(), "no built SPA found; run `cargo xtask run` to build it");
        }
        Spa { index, assets }
    }
}

/// Where browsers report what the CSP blocked.
pub const CSP_REPORT_PATH: &str = "/api/csp-report";

/// The CSP for documents: scripts only from here or carrying this response's
/// nonce, wasm allowed to compile, nothing framed, no plugins, no `<base>`;
/// violations are reported so a broken page or an injection shows in the log.
pub fn csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'; report-uri {CSP_REPORT_PATH}"
    )
}

/// Largest CSP report read; browsers send well under this.
const CSP_REPORT_MAX_BYTES: usize = 8 * 1024;

/// Reports logged per minute, whoever sends them: anyone can post here, so
/// the log must not become a way to fill the disk.
const CSP_REPORTS_PER_MINUTE: u32 = 30;

/// A fixed window shared by every client.
#[derive(Default)]
pub struct ReportBudget(std::sync::Mutex<(i64, u32)>);

impl ReportBudget {
    fn take(&self, now: i64) -> bool {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if now / 60 != w.0 {
            *w = (now / 60, 0);
        }
        w.1 += 1;
        w.1 <= CSP_REPORTS_PER_MINUTE
    }
}

pub fn reports_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route(CSP_REPORT_PATH, axum::routing::post(csp_report))
        .layer(axum::extract::DefaultBodyLimit::max(CSP_REPORT_MAX_BYTES))
}

/// Logs a CSP violation report (`application/csp-report` or the Reporting
/// API's JSON), a few fields only and each cut short.
#[utoipa::path(post, path = "/api/csp-report", tag = "spa",
    description = "Where browsers report Content-Security-Policy violations. Logged (rate-limited); always 204.",
    request_body(content = Object, content_type = "application/csp-report"), responses((status = 204)))]
pub(crate) async fn csp_report(State(state): State<AppState>, body: axum::body::Bytes) -> StatusCode {
    if !state.csp_reports.take(state.clock.now()) {
        return StatusCode::NO_CONTENT;
    }
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let report = value.get("csp-report").or_else(|| value.get(0).and_then(|r| r.get("body"))).unwrap_or(&value);
    let field = |names: &[&str]| -> String {
        names
            .iter()
            .find_map(|n| report.get(*n).and_then(serde_json::Value::as_str))
            .unwrap_or("")
            .chars()
            .take(200)
            .collect()
    };
    tracing::warn!(
        directive = %field(&["violated-directive", "effectiveDirective"]),
        blocked = %field(&["blocked-uri", "blockedURL"]),
        document = %field(&["document-uri", "documentURL"]),
        "CSP violation reported"
    );
    StatusCode::NO_CONTENT
}

/// Trunk's placeholder for the nonce (its `nonce_placeholder` default).
const TRUNK_NONCE: &str = "{{__TRUNK NONCE__}}";

fn new_nonce() -> String {
    let bytes: [u8; 18] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn index_response(spa: &Spa) -> Response {
    let nonce = new_nonce();
    let html = match &spa.index {
        Some(index) => index.replace(TRUNK_NONCE, &nonce),
        None => "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Console</title></head><body>\
                 <main><h1>The console's web app is not built</h1><p>Run <code>cargo xtask run</code>, which builds it \
                 into <code>dist/</code> and starts the console.</p></main></body></html>"
            .to_string(),
    };
    let mut response = (StatusCode::OK, html).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp(&nonce)).expect("CSP is ASCII"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Every path that is not an API route: an asset, or the SPA's page.
pub async fn serve(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::new(StatusCode::NOT_FOUND, console_codes::NOT_FOUND, "No such API endpoint.").into_response();
    }
    if let Some(asset) = state.spa.assets.get(path.trim_start_matches('/')) {
        let cache = if asset.hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        return ([(header::CONTENT_TYPE, asset.content_type), (header::CACHE_CONTROL, cache)], asset.bytes.clone())
            .into_response();
    }
    index_response(&state.spa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(looks_hashed("console-frontend-4f1c2a9b8e7d6c5b_bg.wasm"));
        assert!(looks_hashed("console-frontend-4f1c2a9b8e7d6c5b.js"));
        assert!(looks_hashed("style-0123456789abcdef.css"));
        assert!(!looks_hashed("favicon.svg"));
        assert!(!looks_hashed("index.html"));
    }
}
