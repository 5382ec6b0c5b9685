//! One error type for every handler. A refusal carries Tencent's code and
//! message to the caller; anything that breaks inside localcloud (the store, a
//! stored document) converts with `?` and reaches the caller as
//! `InternalError` without its cause, which is logged once, where the error
//! becomes part of an answer ([`CallError::into_cloud`]).

use console_shared::api::{CloudError, codes};

/// Why an API call failed.
#[derive(Debug)]
pub enum CallError {
    /// Refused, as the real cloud refuses: the caller reads this code and message.
    Refused(CloudError),
    /// localcloud broke; the cause is for the log only.
    Internal(String),
}

impl CallError {
    /// A refusal with Tencent's `code`, as [`CloudError::new`].
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        CallError::Refused(CloudError::new(code, message))
    }

    /// A request's time, exactly `YYYY-MM-DD HH:MM:SS` in UTC+8
    /// (`DescribeCurveData`, `SearchClsLog`): `MissingParameter` when empty,
    /// `InvalidParameter` when it is not such a time.
    pub fn cst_time(field: &str, text: &str) -> Result<i64, Self> {
        match console_shared::time::parse_cst_exact(text) {
            Some(t) => Ok(t),
            None if text.is_empty() => {
                Err(CallError::new(codes::MISSING_PARAMETER, format!("The parameter `{field}` is missing.")))
            }
            None => Err(CallError::new(
                codes::INVALID_PARAMETER,
                format!("{field} `{text}` is not a time of the form YYYY-MM-DD HH:MM:SS (UTC+8)."),
            )),
        }
    }

    /// `InvalidParameterValue`, as [`CloudError::invalid_value`].
    pub fn invalid_value(field: &str, why: impl std::fmt::Display) -> Self {
        CallError::Refused(CloudError::invalid_value(field, why))
    }

    /// The error as the caller sees it; an internal cause is logged here, once.
    pub fn into_cloud(self) -> CloudError {
        match self {
            CallError::Refused(e) => e,
            CallError::Internal(cause) => {
                tracing::error!(error = %cause, "localcloud internal error");
                CloudError::new(codes::INTERNAL_ERROR, "An internal error occurred; the operation was not applied.")
            }
        }
    }
}

impl From<CloudError> for CallError {
    fn from(e: CloudError) -> Self {
        CallError::Refused(e)
    }
}

impl From<sqlx::Error> for CallError {
    fn from(e: sqlx::Error) -> Self {
        CallError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for CallError {
    fn from(e: serde_json::Error) -> Self {
        CallError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_cause_never_reaches_the_caller() {
        let broken = serde_json::from_str::<i32>("not json").unwrap_err();
        let e = CallError::from(broken).into_cloud();
        assert_eq!(e.code, codes::INTERNAL_ERROR);
        assert!(!e.message.contains("expected"), "{}", e.message);
        let refused = CloudError::invalid_value("Port", "must be 1-65535");
        assert_eq!(CallError::from(refused.clone()).into_cloud(), refused);
    }
}
