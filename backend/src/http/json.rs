//! `AppJson<T>`: axum's `Json` with rejections in the console's error shape.
//! A body that is not `application/json` is 415, one over the limit 413, malformed JSON 400.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use console_shared::dto::console_codes;

use crate::error::AppError;

pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                console_codes::BAD_REQUEST,
                "Send the body as application/json.",
            )),
            // Over the body limit is 413, like every other too-large body.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                console_codes::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            )),
            Err(e) => Err(AppError::bad_request(format!("The request body is not valid: {}", e.body_text()))),
        }
    }
}
