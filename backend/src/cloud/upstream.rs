//! The signed client for the cloud API: each call TC3-HMAC-SHA256-signed
//! for Tencent Cloud's per-product hosts or one configured endpoint, with
//! deadlines; package bodies PUT to the upload URLs the cloud hands out;
//! and what a failed call means to the console's callers. The key pair
//! never leaves this module.

use std::time::Duration;

use axum::http::StatusCode;
use console_shared::actions::{Action, KvPair, Product};
use console_shared::api::{CloudError, codes, open_envelope};
use console_shared::dto::{ApiError, console_codes};
use console_shared::region::Region;
use console_shared::tc3::{self, Credential};
use serde_json::Value;

use crate::error::AppError;

/// Where and how the BFF calls the cloud.
pub struct Upstream {
    http: reqwest::Client,
    /// For package uploads: no overall deadline (a large package on a slow
    /// link takes what it takes), but connecting and each read are bounded.
    uploads: reqwest::Client,
    credential: Credential,
    /// `None`: Tencent Cloud's per-product hosts (`tcbr.tencentcloudapi.com`).
    endpoint: Option<String>,
    scheme: String,
}

/// What went wrong calling the cloud.
#[derive(Debug)]
pub enum UpstreamError {
    /// The cloud answered with its error envelope.
    Cloud {
        error: CloudError,
        request_id: String,
    },
    Unreachable(String),
    Timeout,
    Invalid(String),
}

impl Upstream {
    pub fn new(credential: Credential, endpoint: Option<String>, scheme: String, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .timeout(timeout)
            .build()
            .expect("a client with timeouts only always builds");
        let uploads = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .read_timeout(timeout)
            .build()
            .expect("a client with timeouts only always builds");
        Upstream { http, uploads, credential, endpoint, scheme }
    }

    fn host(&self, product: Product) -> String {
        self.endpoint.clone().unwrap_or_else(|| format!("{}.tencentcloudapi.com", product.name()))
    }

    /// Signs and sends one call; returns the `Response` object on success.
    pub async fn call_raw(
        &self,
        product: Product,
        action: &str,
        region: Option<Region>,
        body: Vec<u8>,
    ) -> Result<Value, UpstreamError> {
        let host = self.host(product);
        let timestamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let target = tc3::Target {
            service: product.name(),
            host: &host,
            action,
            version: product.version(),
            region: region.map(Region::id),
        };
        let signed = tc3::sign_json_post(&self.credential, target, timestamp, &body);
        let mut request = self.http.post(format!("{}://{host}/", self.scheme)).body(body);
        for (name, value) in signed.headers {
            // reqwest derives Host from the URL: the same string that was signed.
            if name != "Host" {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() { UpstreamError::Timeout } else { UpstreamError::Unreachable(e.to_string()) }
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| {
            if e.is_timeout() { UpstreamError::Timeout } else { UpstreamError::Unreachable(e.to_string()) }
        })?;
        if !status.is_success() {
            return Err(UpstreamError::Invalid(format!("HTTP {status}")));
        }
        match open_envelope(&bytes).map_err(UpstreamError::Invalid)? {
            Ok(response) => Ok(response),
            Err((error, request_id)) => Err(UpstreamError::Cloud { error, request_id }),
        }
    }

    /// PUTs a body to an upload URL the cloud handed out, with its headers.
    /// With `length` known the PUT carries a Content-Length, as object
    /// stores prefer; otherwise it goes chunked.
    pub async fn upload(
        &self,
        url: &str,
        headers: &[KvPair],
        length: Option<u64>,
        body: reqwest::Body,
    ) -> Result<(), UpstreamError> {
        let mut request = self.uploads.put(url).body(body);
        for h in headers {
            request = request.header(&h.key, &h.value);
        }
        if let Some(n) = length {
            request = request.header(reqwest::header::CONTENT_LENGTH, n);
        }
        // The URL is a credential: it must not reach the logs through the error.
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                UpstreamError::Timeout
            } else {
                UpstreamError::Unreachable(e.without_url().to_string())
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Object stores answer plain text or XML; keep a little for the log.
        let text: String = response.text().await.unwrap_or_default().chars().take(300).collect();
        // A full store (localcloud's per-environment quota) is the user's to
        // act on: pass its words on as the cloud's quota error.
        let quota = text.trim_start().starts_with("LimitExceeded:");
        if status == reqwest::StatusCode::INSUFFICIENT_STORAGE
            || (quota && status == reqwest::StatusCode::TOO_MANY_REQUESTS)
        {
            let message = text.trim().strip_prefix("LimitExceeded:").unwrap_or(&text).trim().to_string();
            return Err(UpstreamError::Cloud {
                error: CloudError::new(codes::LIMIT_EXCEEDED, message),
                request_id: String::new(),
            });
        }
        Err(UpstreamError::Invalid(format!("the upload URL answered HTTP {status}: {}", text.trim())))
    }

    /// A typed call, for the BFF's own needs.
    pub async fn call<A: Action>(
        &self,
        region: Option<Region>,
        request: &A::Request,
    ) -> Result<A::Response, UpstreamError> {
        let body = serde_json::to_vec(request).map_err(|e| UpstreamError::Invalid(e.to_string()))?;
        let value = self.call_raw(A::PRODUCT, A::NAME, region, body).await?;
        serde_json::from_value(value).map_err(|e| UpstreamError::Invalid(format!("unexpected response shape: {e}")))
    }
}

/// The HTTP status for a cloud error code, so the SPA can tell kinds apart.
fn status_for(code: &str) -> StatusCode {
    match codes::family(code) {
        codes::INVALID_PARAMETER
        | codes::INVALID_PARAMETER_VALUE
        | codes::MISSING_PARAMETER
        | codes::UNSUPPORTED_REGION
        | codes::UNKNOWN_PARAMETER => StatusCode::BAD_REQUEST,
        codes::RESOURCE_NOT_FOUND => StatusCode::NOT_FOUND,
        // The service's state forbids it now (a deploy or a gray release runs).
        codes::RESOURCE_IN_USE | codes::FAILED_OPERATION | codes::RESOURCE_UNAVAILABLE => StatusCode::CONFLICT,
        // A quota is a property of the request, not a reason to retry later.
        codes::LIMIT_EXCEEDED => StatusCode::BAD_REQUEST,
        codes::REQUEST_LIMIT_EXCEEDED => StatusCode::TOO_MANY_REQUESTS,
        codes::UNAUTHORIZED_OPERATION | codes::OPERATION_DENIED => StatusCode::FORBIDDEN,
        // The console's own key pair or clock is wrong, or the cloud failed:
        // not the user's request.
        codes::AUTH_FAILURE
        | codes::INTERNAL_ERROR
        | codes::NO_SUCH_VERSION
        | codes::INVALID_ACTION
        | codes::NO_SUCH_PRODUCT => StatusCode::BAD_GATEWAY,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<UpstreamError> for AppError {
    fn from(e: UpstreamError) -> Self {
        match e {
            UpstreamError::Cloud { error, request_id } => AppError {
                status: status_for(&error.code),
                body: ApiError { code: error.code, message: error.message, request_id: Some(request_id) },
                cause: None,
            },
            UpstreamError::Unreachable(cause) => AppError::new(
                StatusCode::BAD_GATEWAY,
                console_codes::UPSTREAM_UNREACHABLE,
                "The cloud API cannot be reached right now; nothing was changed. Try again shortly.",
            )
            .because(format!("cloud unreachable: {cause}")),
            UpstreamError::Timeout => AppError::new(
                StatusCode::GATEWAY_TIMEOUT,
                console_codes::UPSTREAM_TIMEOUT,
                "The cloud API did not answer in time. The operation may or may not have been applied; reload to check.",
            ),
            UpstreamError::Invalid(cause) => AppError::new(
                StatusCode::BAD_GATEWAY,
                console_codes::UPSTREAM_INVALID,
                "The cloud API answered something the console does not understand.",
            )
            .because(format!("cloud answered something unexpected: {cause}")),
        }
    }
}
