//! The two ways to the cloud (R-CLI-3), behind one typed `call`:
//! - through the console: `POST {console}/api/cloud/{product}/{Action}` with
//!   `Authorization: Bearer <token>`; the console checks the token's
//!   environments and role, signs, audits and forwards;
//! - straight to the cloud: each call TC3-signed with the key pair, to
//!   `{product}.tencentcloudapi.com`, or to the one `--endpoint` host.
//!
//! Proxies: reqwest's system proxy reads `HTTPS_PROXY`, `HTTP_PROXY`,
//! `http_proxy` and `NO_PROXY` (R-CLI-2), HTTP proxies only (no SOCKS);
//! nothing here turns it off. It does not skip loopback by itself: only
//! `NO_PROXY` does (the tests check both).

use std::time::Duration;

use bytes::Bytes;
use console_shared::actions::{Action, DescribeCloudBaseBuildService, DescribeCloudBaseBuildServiceRequest, Product};
use console_shared::api::open_envelope;
use console_shared::dto::{ApiError, UploadedPackage};
use console_shared::region::Region;
use console_shared::tc3::{self, Credential};
use console_shared::tokens;
use serde_json::Value;

use crate::args::Global;
use crate::error::{CliError, CliResult};

/// Where calls go.
enum Route {
    Console { base: String, token: String },
    Cloud { credential: Credential, endpoint: Option<Endpoint> },
}

/// `--endpoint`: one host for every product.
struct Endpoint {
    scheme: String,
    host: String,
}

pub struct Client {
    route: Route,
    region: Region,
    http: reqwest::Client,
    /// No overall deadline for uploads (a large package on a slow link), but
    /// connecting and each read are bounded.
    uploads: reqwest::Client,
}

/// Sent with every request, so a console's logs can tell the CLI apart.
const USER_AGENT: &str = concat!("tcbr/", env!("CARGO_PKG_VERSION"));

/// `scheme://host[:port]` checked, as (scheme, host[:port]). A default port
/// is dropped: the TC3 signature covers the Host header, which reqwest
/// writes without it.
fn trim_url(url: &str, what: &str) -> CliResult<(String, String)> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        CliError::usage(format!("{what} must be a URL such as https://host or http://127.0.0.1:4566."))
    })?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" || rest.is_empty() || rest.contains(['/', '?', '#', ' ', '@']) {
        return Err(CliError::usage(format!(
            "{what} must be http:// or https:// followed by a host (and port), nothing before or after it."
        )));
    }
    let default = if scheme == "https" { ":443" } else { ":80" };
    let host = rest.strip_suffix(default).unwrap_or(rest);
    Ok((scheme, host.to_string()))
}

/// Whether `host` (with any port) is this machine: the only place a token
/// may travel over plain HTTP.
fn loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    /// Chooses the route from the options and environment: the console when
    /// one is named (a token is then required), else the key pair.
    pub fn new(global: &Global) -> CliResult<Client> {
        let region = Region::parse(&global.region)
            .ok_or_else(|| CliError::usage(format!("-r {} is not a region: use sh, gz or bj.", global.region)))?;
        let route = match (&global.console, &global.secret_id, &global.secret_key) {
            (Some(_), _, _) if global.endpoint.is_some() => {
                return Err(CliError::usage(
                    "--endpoint (TCBR_ENDPOINT) names the cloud for the key pair's route, but --console \
(TCBR_CONSOLE) sends calls through the console: keep one of them.",
                ));
            }
            (Some(console), _, _) => {
                let (scheme, host) = trim_url(console, "--console (TCBR_CONSOLE)")?;
                if scheme == "http" && !loopback(&host) {
                    return Err(CliError::usage(format!(
                        "The token would travel unencrypted to {host}: use https:// (plain http:// only for a console on this machine)."
                    )));
                }
                let token = std::env::var(tokens::ENV_VAR).unwrap_or_default();
                let token = token.trim();
                if token.is_empty() {
                    return Err(CliError::usage(format!(
                        "Going through the console needs a personal access token in {}: make one on the console's Account page.",
                        tokens::ENV_VAR
                    )));
                }
                if !tokens::looks_like_token(token) {
                    return Err(CliError::usage(format!(
                        "{} does not hold a personal access token (they start with {}).",
                        tokens::ENV_VAR,
                        tokens::PREFIX
                    )));
                }
                Route::Console { base: format!("{scheme}://{host}"), token: token.to_string() }
            }
            (None, Some(id), Some(key)) if !id.is_empty() && !key.is_empty() => {
                let endpoint = match &global.endpoint {
                    Some(url) => {
                        let (scheme, host) = trim_url(url, "--endpoint (TCBR_ENDPOINT)")?;
                        Some(Endpoint { scheme, host })
                    }
                    None => None,
                };
                Route::Cloud { credential: Credential { secret_id: id.clone(), secret_key: key.clone() }, endpoint }
            }
            (None, Some(_), None) | (None, None, Some(_)) => {
                let missing = if global.secret_id.is_none() {
                    "TENCENTCLOUD_SECRETID (--secret-id)"
                } else {
                    "TENCENTCLOUD_SECRETKEY (--secret-key)"
                };
                return Err(CliError::usage(format!("Half a key pair: {missing} is missing.")));
            }
            _ => {
                return Err(CliError::usage(
                    "Say where to send calls: TCBR_CONSOLE and TCBR_TOKEN (through the console), or \
TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (straight to the cloud).",
                ));
            }
        };
        // No redirects: one would carry the token elsewhere, or turn a POST into a GET.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CliError::Network(format!("could not start the HTTP client: {e}")))?;
        let uploads = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CliError::Network(format!("could not start the HTTP client: {e}")))?;
        Ok(Client { route, region, http, uploads })
    }

    /// One typed call.
    pub async fn call<A: Action>(&self, request: &A::Request) -> CliResult<A::Response> {
        Ok(self.call_traced::<A>(request).await?.0)
    }

    /// One typed call, with the `RequestId` the cloud gave it (for the
    /// guide's `--json` answer to a change, and for support).
    pub async fn call_traced<A: Action>(&self, request: &A::Request) -> CliResult<(A::Response, String)> {
        let body = serde_json::to_vec(request).map_err(|e| CliError::Network(e.to_string()))?;
        let value = self.call_raw(A::PRODUCT, A::NAME, body).await?;
        let request_id = value.get("RequestId").and_then(Value::as_str).unwrap_or_default().to_string();
        let answer = serde_json::from_value(value)
            .map_err(|e| CliError::Network(format!("{} answered something unexpected: {e}", A::NAME)))?;
        Ok((answer, request_id))
    }

    async fn call_raw(&self, product: Product, action: &str, body: Vec<u8>) -> CliResult<Value> {
        match &self.route {
            Route::Console { base, token } => {
                let response = self
                    .http
                    .post(format!("{base}/api/cloud/{}/{action}", product.name()))
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| unreachable(CONSOLE, &e))?;
                console_answer(response).await
            }
            Route::Cloud { credential, endpoint } => {
                let (scheme, host) = match endpoint {
                    Some(e) => (e.scheme.clone(), e.host.clone()),
                    None => ("https".to_string(), format!("{}.tencentcloudapi.com", product.name())),
                };
                let timestamp = unix_now();
                let target = tc3::Target {
                    service: product.name(),
                    host: &host,
                    action,
                    version: product.version(),
                    region: Some(self.region.id()),
                };
                let signed = tc3::sign_json_post(credential, target, timestamp, &body);
                let mut request = self.http.post(format!("{scheme}://{host}/")).body(body);
                for (name, value) in signed.headers {
                    // reqwest derives Host from the URL: the same string that was signed.
                    if name != "Host" {
                        request = request.header(name, value);
                    }
                }
                let response = request.send().await.map_err(|e| unreachable(CLOUD, &e))?;
                let status = response.status();
                let bytes = response.bytes().await.map_err(|e| unreachable(CLOUD, &e))?;
                match open_envelope(&bytes).map_err(|why| {
                    CliError::Network(format!(
                        "the cloud answered HTTP {status} with something else than its API's JSON ({why})"
                    ))
                })? {
                    Ok(response) => Ok(response),
                    Err((error, request_id)) => {
                        Err(CliError::Cloud { code: error.code, message: error.message, request_id: Some(request_id) })
                    }
                }
            }
        }
    }

    /// Stores a code package for `service` and returns its names for
    /// `DeployInfo.PackageName` / `PackageVersion`. `sent` is told the bytes
    /// sent so far as they go.
    pub async fn upload_package(
        &self,
        env: &str,
        service: &str,
        zip: Vec<u8>,
        sent: impl Fn(u64) + Send + Sync + 'static,
    ) -> CliResult<(String, String)> {
        let length = zip.len() as u64;
        let body = counted(zip, sent);
        match &self.route {
            Route::Console { base, token } => {
                let response = self
                    .uploads
                    .put(format!("{base}/api/envs/{env}/services/{service}/package"))
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, "application/zip")
                    .header(reqwest::header::CONTENT_LENGTH, length)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| unreachable(CONSOLE, &e))?;
                let answer: UploadedPackage = serde_json::from_value(console_answer(response).await?)
                    .map_err(|e| CliError::Network(format!("the console's upload answer is unexpected: {e}")))?;
                Ok((answer.package_name, answer.package_version))
            }
            Route::Cloud { .. } => {
                let place = self
                    .call::<DescribeCloudBaseBuildService>(&DescribeCloudBaseBuildServiceRequest {
                        env_id: env.to_string(),
                        service_name: service.to_string(),
                        ..Default::default()
                    })
                    .await?;
                let mut request = self.uploads.put(&place.upload_url).body(body);
                for h in &place.upload_headers {
                    request = request.header(&h.key, &h.value);
                }
                // The URL is a credential: it must not be printed through the error.
                let response = request
                    .header(reqwest::header::CONTENT_LENGTH, length)
                    .send()
                    .await
                    .map_err(|e| unreachable("The upload URL", &e.without_url()))?;
                let status = response.status();
                if !status.is_success() {
                    let text: String = response.text().await.unwrap_or_default().chars().take(300).collect();
                    return Err(CliError::Network(format!("the upload was refused (HTTP {status}): {}", text.trim())));
                }
                Ok((place.package_name, place.package_version))
            }
        }
    }
}

/// Now, in Unix seconds: what signatures and log search ranges count in.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

const CONSOLE: &str = "The console";
const CLOUD: &str = "The cloud";

fn unreachable(who: &str, e: &reqwest::Error) -> CliError {
    let what = if e.is_timeout() { "did not answer in time" } else { "could not be reached" };
    // The source chain says why (refused, DNS, TLS); the URL is the user's own.
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why = format!("{why}: {s}");
        source = s.source();
    }
    CliError::Network(format!("{who} {what}: {why}"))
}

/// A console's answer: the action's `Response` object, or its `ApiError`.
async fn console_answer(response: reqwest::Response) -> CliResult<Value> {
    let status = response.status();
    if status.is_redirection() {
        let to = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("elsewhere");
        return Err(CliError::Network(format!(
            "The console sends its callers to {to}: set TCBR_CONSOLE to the console's own address (https://…)."
        )));
    }
    let bytes = response.bytes().await.map_err(|e| unreachable(CONSOLE, &e))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes)
            .map_err(|_| CliError::Network(format!("the console answered HTTP {status} with something not JSON")));
    }
    match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(err) => Err(CliError::Cloud { code: err.code, message: err.message, request_id: err.request_id }),
        Err(_) => Err(CliError::Network(format!(
            "The console answered HTTP {status} with something else than its errors: is TCBR_CONSOLE the console's address?"
        ))),
    }
}

/// The package as a body sent in 64 KiB pieces, each counted as it goes.
fn counted(zip: Vec<u8>, sent: impl Fn(u64) + Send + Sync + 'static) -> reqwest::Body {
    const PIECE: usize = 64 * 1024;
    let zip = Bytes::from(zip);
    let pieces = (0..zip.len().div_ceil(PIECE)).map(move |i| {
        let end = ((i + 1) * PIECE).min(zip.len());
        sent(end as u64);
        Ok::<_, std::io::Error>(zip.slice(i * PIECE..end))
    });
    reqwest::Body::wrap_stream(futures::stream::iter(pieces))
}

#[cfg(test)]
mod tests {
    use super::{loopback, trim_url};

    #[test]
    fn urls_are_checked_and_default_ports_dropped() {
        assert_eq!(trim_url("https://c.example.com:443/", "x").unwrap(), ("https".into(), "c.example.com".into()));
        assert_eq!(trim_url("HTTP://127.0.0.1:4566", "x").unwrap(), ("http".into(), "127.0.0.1:4566".into()));
        assert!(trim_url("https://user:pass@c.example.com", "x").is_err(), "no credentials in the URL");
        assert!(trim_url("https://c.example.com/api", "x").is_err());
        assert!(trim_url("ftp://c.example.com", "x").is_err());
    }

    #[test]
    fn a_token_goes_over_plain_http_only_to_this_machine() {
        assert!(loopback("127.0.0.1:8080") && loopback("localhost") && loopback("[::1]:8080"));
        assert!(!loopback("console.example.com") && !loopback("10.0.0.2:80"));
    }
}
