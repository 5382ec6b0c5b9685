//! Where users reach the console from: the `Host`s it answers (an IP
//! literal, `localhost`, or the public URL's host: DNS rebinding needs a name
//! the attacker controls) and the `Origin` a same-origin request carries.
//! Read once at start from `CONSOLE_PUBLIC_URL`; the checks are `edge` and
//! `csrf`.

use axum::http::{HeaderMap, header};

/// Where users reach the console from: the `Host`s it answers and the
/// `Origin` a same-origin request carries.
#[derive(Debug, Clone)]
pub struct Origins {
    /// `http` or `https`, as the browser sees the console.
    scheme: String,
    /// The public URL's host name (lower case) and port, if one is set.
    public: Option<(String, u16)>,
}

impl Origins {
    /// `public_url` is `CONSOLE_PUBLIC_URL`; `tls` says users come over https.
    pub fn new(public_url: Option<&str>, tls: bool) -> Result<Origins, String> {
        let Some(raw) = public_url.filter(|u| !u.trim().is_empty()) else {
            return Ok(Origins { scheme: if tls { "https" } else { "http" }.into(), public: None });
        };
        let url = reqwest::Url::parse(raw.trim()).map_err(|e| format!("CONSOLE_PUBLIC_URL `{raw}`: {e}"))?;
        let host = url.host_str().filter(|_| matches!(url.scheme(), "http" | "https"));
        let (Some(host), Some(port)) = (host, url.port_or_known_default()) else {
            return Err(format!("CONSOLE_PUBLIC_URL `{raw}` must be an http(s) URL with a host"));
        };
        Ok(Origins { scheme: url.scheme().into(), public: Some((host.to_ascii_lowercase(), port)) })
    }

    /// Users come over https (cookies get `Secure` and `__Host-`, responses HSTS).
    pub fn https(&self) -> bool {
        self.scheme == "https"
    }

    /// The public host, with its own port, the scheme's default, or none
    /// (proxies often pass `Host` without the port).
    fn is_public(&self, authority: &str) -> bool {
        let Some((host, port)) = &self.public else { return false };
        let default = if self.https() { 443 } else { 80 };
        match authority.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                h == host && p.parse::<u16>().is_ok_and(|p| p == *port || p == default)
            }
            _ => authority == host,
        }
    }

    /// DNS rebinding needs a name the attacker controls: an IP literal or
    /// `localhost` cannot be rebound, so those are always accepted, and the
    /// public URL's host besides.
    pub fn host_allowed(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        if self.is_public(&authority) {
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
        let origin = origin.to_ascii_lowercase();
        if origin == format!("{}://{}", self.scheme, authority.to_ascii_lowercase()) {
            return true;
        }
        origin.strip_prefix(&format!("{}://", self.scheme)).is_some_and(|rest| self.is_public(rest))
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

#[cfg(test)]
mod tests {
    use super::Origins;

    #[test]
    fn hosts_that_cannot_be_rebound_and_the_public_one() {
        let o = Origins::new(Some("https://Console.Example.com"), false).unwrap();
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "10.1.2.3",
            "console.example.com",
            "console.example.com:443",
        ] {
            assert!(o.host_allowed(ok), "{ok}");
        }
        for bad in [
            "rebind.evil.example",
            "evil.localhost:8080",
            "console.example.com.evil",
            "console.example.com:8443",
            "",
            "[evil]:80",
        ] {
            assert!(!o.host_allowed(bad), "{bad}");
        }
        assert!(o.same_origin("https://console.example.com", "127.0.0.1:8080"));
        assert!(!o.same_origin("http://console.example.com", "console.example.com"));
        let local = Origins::new(None, false).unwrap();
        assert!(local.same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(!local.same_origin("https://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(Origins::new(Some("ftp://x"), false).is_err());
        let odd_port = Origins::new(Some("https://c.example.com:8443/"), false).unwrap();
        assert!(odd_port.https());
        for ok in ["c.example.com", "c.example.com:8443", "c.example.com:443"] {
            assert!(odd_port.host_allowed(ok), "{ok}");
        }
        assert!(odd_port.same_origin("https://c.example.com:8443", "c.example.com"));
        assert!(!odd_port.same_origin("https://c.example.com:9999", "c.example.com"));
    }
}
