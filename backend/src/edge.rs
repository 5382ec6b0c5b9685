//! What every request meets before a handler, and every error after it:
//! the `Host` check against DNS rebinding, and one error shape for the API.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use console_shared::dto::console_codes;

use crate::AppState;
use crate::error::AppError;

/// Where users reach the console from: the `Host`s it answers and the
/// `Origin` a same-origin request carries.
#[derive(Debug, Clone)]
pub struct Origins {
    /// `http` or `https`, as the browser sees the console.
    scheme: String,
    /// The public URL's `host[:port]`, lower case, if one is set.
    public: Option<String>,
}

impl Origins {
    /// `public_url` is `CONSOLE_PUBLIC_URL`; `tls` says users come over https.
    pub fn new(public_url: Option<&str>, tls: bool) -> Result<Origins, String> {
        let Some(raw) = public_url.filter(|u| !u.trim().is_empty()) else {
            return Ok(Origins { scheme: if tls { "https" } else { "http" }.into(), public: None });
        };
        let url = reqwest::Url::parse(raw.trim()).map_err(|e| format!("CONSOLE_PUBLIC_URL `{raw}`: {e}"))?;
        let host = url.host_str().filter(|_| matches!(url.scheme(), "http" | "https"));
        let Some(host) = host else {
            return Err(format!("CONSOLE_PUBLIC_URL `{raw}` must be an http(s) URL with a host"));
        };
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        Ok(Origins { scheme: url.scheme().into(), public: Some(authority.to_ascii_lowercase()) })
    }

    /// DNS rebinding needs a name the attacker controls: an IP literal or
    /// `localhost` cannot be rebound, so those are always accepted, and the
    /// public URL's host besides.
    fn host_allowed(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        if self.public.as_deref() == Some(authority.as_str()) {
            return true;
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => return v6.split_once(']').is_some_and(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().is_ok()),
            None => authority.split(':').next().unwrap_or(""),
        };
        host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok()
    }

    /// The `Origin` a same-origin request to `authority` carries: the scheme
    /// counts, so `http://` content cannot act on an `https://` console.
    pub fn same_origin(&self, origin: &str, authority: &str) -> bool {
        let expected = format!("{}://{}", self.scheme, authority.to_ascii_lowercase());
        let origin = origin.to_ascii_lowercase();
        origin == expected || self.public.as_ref().is_some_and(|p| origin == format!("{}://{p}", self.scheme))
    }
}

/// The authority the client addressed: `Host`, or HTTP/2's `:authority`.
pub fn authority(req_headers: &HeaderMap, uri: &axum::http::Uri) -> String {
    req_headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .unwrap_or_default()
}

/// Refuses a request addressed to a host the console is not reached by.
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authority = authority(req.headers(), req.uri());
    if !state.origins.host_allowed(&authority) {
        tracing::info!(host = %authority.chars().take(100).collect::<String>(), "refused: unknown Host");
        return AppError::new(
            StatusCode::MISDIRECTED_REQUEST,
            console_codes::MISDIRECTED,
            "This console is not served under that host name. Use its address, or set CONSOLE_PUBLIC_URL.",
        )
        .into_response();
    }
    next.run(req).await
}

/// Error answers of the API that axum or tower-http made (a path or query
/// that does not parse, a body over its limit, a timeout, an unknown
/// method) come as plain text or empty; rewrite them into the one JSON shape
/// the SPA and the CLI read.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (code, fallback) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (console_codes::PAYLOAD_TOO_LARGE, "The request body is too large."),
        StatusCode::REQUEST_TIMEOUT => (console_codes::TIMEOUT, "The request took too long and was stopped."),
        StatusCode::NOT_FOUND => (console_codes::NOT_FOUND, "There is no such API endpoint."),
        StatusCode::METHOD_NOT_ALLOWED => (console_codes::BAD_REQUEST, "That method is not allowed here."),
        s if s.is_client_error() => (console_codes::BAD_REQUEST, "The request is not valid."),
        _ => (console_codes::INTERNAL, "Something went wrong on the server; nothing was changed."),
    };
    let message = if text.is_empty() || status.is_server_error() { fallback.to_string() } else { text };
    let mut out = AppError::new(status, code, message).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Origins;

    #[test]
    fn hosts_that_cannot_be_rebound_and_the_public_one() {
        let o = Origins::new(Some("https://Console.Example.com"), false).unwrap();
        for ok in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "10.1.2.3", "console.example.com"] {
            assert!(o.host_allowed(ok), "{ok}");
        }
        for bad in ["rebind.evil.example", "evil.localhost:8080", "console.example.com.evil", "", "[evil]:80"] {
            assert!(!o.host_allowed(bad), "{bad}");
        }
        assert!(o.same_origin("https://console.example.com", "127.0.0.1:8080"));
        assert!(!o.same_origin("http://console.example.com", "console.example.com"));
        let local = Origins::new(None, false).unwrap();
        assert!(local.same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(!local.same_origin("https://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(Origins::new(Some("ftp://x"), false).is_err());
    }
}
