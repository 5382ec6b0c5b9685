//! The answer to every API 3.0 call: `{"Response": {..., "RequestId"}}`, or
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, built from
//! `shared`'s envelope types; and the request ids in it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::api::{CloudError, Envelope, ErrorBody, ErrorResponse};
use serde::Serialize;
use serde_json::Value;

/// The envelope of `result`: always HTTP 200 and exactly `application/json`,
/// errors included, because the SDKs read errors only from such a response
/// (CLOUD-API.md §3.3).
pub fn envelope(result: Result<Value, CloudError>, request_id: &str) -> Response {
    match result {
        Ok(value) => {
            let mut fields = match value {
                Value::Object(fields) => fields,
                _ => serde_json::Map::new(),
            };
            fields.insert("RequestId".into(), request_id.into());
            respond(Value::Object(fields))
        }
        Err(e) => respond(ErrorResponse {
            error: ErrorBody { code: e.code, message: e.message },
            request_id: request_id.into(),
        }),
    }
}

fn respond<T: Serialize>(response: T) -> Response {
    match serde_json::to_string(&Envelope { response }) {
        // Exactly `application/json`: with a charset the Python SDK takes an
        // error for a success (CLOUD-API.md §3.3).
        Ok(body) => ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response(),
        // Strings and JSON values always serialize; this is never reached.
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize an API answer");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A fresh request id, formatted as Tencent's (a UUID).
pub fn new_request_id() -> String {
    let b: [u8; 16] = rand::random();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> (String, String) {
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_string();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (content_type, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn answers_and_errors_share_the_envelope() {
        let (content_type, ok) = body(envelope(Ok(serde_json::json!({"TaskId": 0})), "r-1")).await;
        assert_eq!(content_type, "application/json");
        let ok: Value = serde_json::from_str(&ok).unwrap();
        assert_eq!(ok, serde_json::json!({"Response": {"TaskId": 0, "RequestId": "r-1"}}));
        let err = envelope(Err(CloudError::new("InvalidAction", "no such action")), "r-2");
        assert_eq!(
            body(err).await.1,
            r#"{"Response":{"Error":{"Code":"InvalidAction","Message":"no such action"},"RequestId":"r-2"}}"#
        );
        let empty = envelope(Ok(Value::Null), "r-3");
        assert_eq!(body(empty).await.1, r#"{"Response":{"RequestId":"r-3"}}"#);
    }
}
