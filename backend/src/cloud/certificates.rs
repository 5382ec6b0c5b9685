//! HTTPS certificates for custom domains (R-DOM-2), on the console's side:
//! `POST /api/certificates/check` shows the SPA what it pasted before it
//! uploads (the full check stays here: in the wasm it would cost ~70 KB
//! brotli), and the proxy runs the same check on an `UploadCertificate`
//! before it leaves, so the user gets the same sentence from any cloud. The
//! check itself is `shared::certs`, once. A private key is never logged,
//! audited or answered: it lives in a `PrivateKeyPem`, which redacts itself.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use console_shared::actions::UploadCertificateRequest;
use console_shared::certs::{self, CertCheck, CertError, MAX_PEM_BYTES};
use console_shared::dto::{ApiError, CertCheckRequest, console_codes};
use console_shared::permissions::Endpoint;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::error::{AppError, AppResult};
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

/// A check's or an upload's body: both texts at their cap, and the JSON around them.
pub const BODY_MAX: usize = 2 * MAX_PEM_BYTES + 4096;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check)).layer(axum::extract::DefaultBodyLimit::max(BODY_MAX))
}

fn too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        console_codes::PAYLOAD_TOO_LARGE,
        format!(
            "A certificate chain or a private key is at most {} KB of PEM text; this is larger.",
            MAX_PEM_BYTES / 1024
        ),
    )
}

fn refused(e: &CertError) -> AppError {
    AppError::new(StatusCode::BAD_REQUEST, e.code(), capitalised(&e.to_string()))
}

/// The shared sentences start in lower case to read inside others.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[utoipa::path(post, path = "/api/certificates/check", tag = "cloud",
    description = "Checks a certificate chain (PEM, leaf first), optionally with its private key and the domain it is \
for, as UploadCertificate and CreateHTTPServiceRoute would: the parsed certificate and every problem at once. \
Nothing is stored; the key is not echoed. Needs: developer in some environment.",
    request_body = CertCheckRequest,
    responses((status = 200, body = CertCheck), (status = 403, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(req): AppJson<CertCheckRequest>,
) -> AppResult<Json<CertCheck>> {
    authorize(&state, &user, Endpoint::CheckCertificate, None).await?;
    let key = req.private_key.as_ref().filter(|k| !k.is_empty());
    if req.certificate.len() > MAX_PEM_BYTES || key.is_some_and(|k| k.expose().len() > MAX_PEM_BYTES) {
        return Err(too_large());
    }
    let domain = req.domain.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let now = state.clock.now();
    Ok(Json(certs::inspect(req.certificate.as_bytes(), key.map(|k| k.expose().as_bytes()), domain, now)))
}

/// The proxy's check of an `UploadCertificate` before it is forwarded: the
/// size cap, then `certs::check_upload` (a CA certificate, which has no key,
/// is left to the cloud). Answers what the audit may record of it: the
/// certificate's name, never the key.
pub(crate) fn precheck_upload(request: &Value, now: i64) -> AppResult<String> {
    // Read from the request in place: no second, unzeroed copy of the key's text.
    let upload = UploadCertificateRequest::deserialize(request)
        .map_err(|e| AppError::bad_request(format!("The upload is not a valid UploadCertificate request: {e}")))?;
    let key = upload.certificate_private_key.as_ref();
    if upload.certificate_public_key.len() > MAX_PEM_BYTES || key.is_some_and(|k| k.expose().len() > MAX_PEM_BYTES) {
        return Err(too_large());
    }
    if upload.certificate_type.as_deref().is_some_and(|t| t != console_shared::actions::CERTIFICATE_TYPE_SERVER) {
        return Ok(String::new());
    }
    let key = key.map(|k| k.expose().as_bytes()).unwrap_or_default();
    let checked = certs::check_upload(upload.certificate_public_key.as_bytes(), key, now).map_err(|e| refused(&e))?;
    Ok(checked.summary.common_name.or_else(|| checked.summary.dns_names.first().cloned()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_sentences_and_quote_no_key() {
        let request = serde_json::json!({
            "CertificatePublicKey": "not a certificate",
            "CertificatePrivateKey": "-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END PRIVATE KEY-----\n",
        });
        let err = precheck_upload(&request, 0).unwrap_err();
        let text = format!("{err:?}");
        assert!(!text.contains("SECRETSECRET"), "{text}");
        assert!(text.contains("InvalidParameter.Certificate"), "{text}");
        let big = serde_json::json!({"CertificatePublicKey": "A".repeat(MAX_PEM_BYTES + 1)});
        assert!(format!("{:?}", precheck_upload(&big, 0).unwrap_err()).contains("413"));
        assert_eq!(capitalised("the key"), "The key");
    }
}
