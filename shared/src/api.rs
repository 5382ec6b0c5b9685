//! The Tencent Cloud API 3.0 envelopes and error codes (CLOUD-API.md §3.3–3.4).

use serde::{Deserialize, Serialize};

/// `{"Response": {...}}`, success or error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<T> {
    #[serde(rename = "Response")]
    pub response: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
}

/// The error half of the envelope: `{"Error":{...},"RequestId":"..."}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorResponse {
    #[serde(rename = "Error")]
    pub error: ErrorBody,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// A cloud answer opened: its `Response` object, or the error it carries
/// with its request id. `Err` when it is no envelope at all.
pub fn open_envelope(bytes: &[u8]) -> Result<Result<serde_json::Value, (CloudError, String)>, String> {
    let mut envelope: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let response = envelope.get_mut("Response").map(serde_json::Value::take).ok_or("no Response")?;
    if response.get("Error").is_none() {
        return Ok(Ok(response));
    }
    let err: ErrorResponse = serde_json::from_value(response).map_err(|e| format!("bad error envelope: {e}"))?;
    Ok(Err((CloudError::new(err.error.code, err.error.message), err.request_id)))
}

/// A cloud error: Tencent's code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CloudError {
    pub code: String,
    pub message: String,
}

impl CloudError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        CloudError { code: code.into(), message: message.into() }
    }

    /// `InvalidParameterValue`, worded the same way for every field.
    pub fn invalid_value(field: &str, why: impl std::fmt::Display) -> Self {
        CloudError::new(codes::INVALID_PARAMETER_VALUE, format!("The parameter `{field}` {why}."))
    }
}

/// The codes this project produces, named once (CLOUD-API.md §1.8, §3.4).
pub mod codes {
    pub const INVALID_ACTION: &str = "InvalidAction";
    pub const NO_SUCH_VERSION: &str = "NoSuchVersion";
    pub const NO_SUCH_PRODUCT: &str = "NoSuchProduct";
    pub const INVALID_PARAMETER: &str = "InvalidParameter";
    pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    pub const UNSUPPORTED_REGION: &str = "UnsupportedRegion";
    pub const RESOURCE_IN_USE: &str = "ResourceInUse";
    /// The request is well formed but the resource's state forbids it now.
    pub const FAILED_OPERATION: &str = "FailedOperation";
    pub const RESOURCE_UNAVAILABLE: &str = "ResourceUnavailable";
    pub const RESOURCE_NOT_FOUND: &str = "ResourceNotFound";
    pub const INTERNAL_ERROR: &str = "InternalError";
    pub const LIMIT_EXCEEDED: &str = "LimitExceeded";
    pub const SERVER_NOT_FOUND: &str = "ResourceNotFound.ServerNotFound";
    pub const VERSION_NOT_FOUND: &str = "ResourceNotFound.VersionNotFound";
    pub const UNKNOWN_PARAMETER: &str = "UnknownParameter";
    pub const REQUEST_LIMIT_EXCEEDED: &str = "RequestLimitExceeded";
    pub const UNAUTHORIZED_OPERATION: &str = "UnauthorizedOperation";
    pub const OPERATION_DENIED: &str = "OperationDenied";
    pub const AUTH_FAILURE: &str = "AuthFailure";
    pub const AUTH_INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";
    pub const AUTH_SECRET_ID_NOT_FOUND: &str = "AuthFailure.SecretIdNotFound";
    pub const AUTH_SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
    pub const AUTH_SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";

    /// A code's family: `ResourceNotFound.ServerNotFound` is a `ResourceNotFound`.
    pub fn family(code: &str) -> &str {
        code.split('.').next().unwrap_or(code)
    }
}
