//! The console's two cookies, the session's and the known device's: both
//! `HttpOnly; SameSite=Strict; Path=/`, and over TLS `Secure` with the
//! `__Host-` prefix, so no sibling host can plant one.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::state::AppState;

/// The session cookie's name: over TLS the `__Host-` prefix makes the
/// browser refuse it unless it is `Secure`, host-only and for `/`.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies { "__Host-console_session" } else { "console_session" }
}

/// The device cookie: a browser that signed in before (see `devices`).
pub fn device_cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies { "__Host-console_device" } else { "console_device" }
}

/// The value of the cookie `wanted`, if the request carries it.
pub fn cookie_value(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
}

/// The session token the request carries.
pub fn cookie_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, cookie_name(state))
}

/// A cookie with the console's attributes; `None` clears it.
pub fn cookie(state: &AppState, name: &str, value: Option<&str>, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let (value, max_age) = value.map_or(("", 0), |v| (v, max_age));
    HeaderValue::from_str(&format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/{secure}; Max-Age={max_age}"))
        .expect("cookie is ASCII")
}

/// The cookie carrying `token`; `None` clears it.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    cookie(state, cookie_name(state), token, state.session_absolute)
}
