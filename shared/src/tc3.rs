//! TC3-HMAC-SHA256, the signature of Tencent Cloud API 3.0 (CLOUD-API.md §3.1).
//!
//! The signer builds what an SDK sends; the verifier rebuilds the canonical
//! request from whatever `SignedHeaders` names (SDKs sign `content-type;host`,
//! the official demo adds `x-tc-action`) over the raw body bytes, so any
//! correct client verifies, whichever headers it chose to sign.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::time::utc_date;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// Literal hashed instead of the body when `X-TC-Content-SHA256` says so.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Allowed clock skew between the caller's `X-TC-Timestamp` and the server.
pub const MAX_SKEW_SECS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The parts of a request that enter the signature.
#[derive(Debug, Clone)]
pub struct CanonicalInput<'a> {
    pub method: &'a str,
    pub query: &'a str,
    /// `(name, value)` of every signed header; names in any case.
    pub headers: Vec<(String, String)>,
    pub payload_hash: String,
}

impl CanonicalInput<'_> {
    /// Lower-case header names, sorted and joined by `;`.
    pub fn signed_headers(&self) -> String {
        let mut names: Vec<String> = self.headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        names.sort();
        names.join(";")
    }

    /// The six-part canonical request. Header values are trimmed and
    /// lower-cased, as the v3 signature doc prescribes.
    pub fn canonical_request(&self) -> String {
        let mut headers: Vec<(String, String)> =
            self.headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_ascii_lowercase())).collect();
        headers.sort();
        let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
        format!(
            "{}\n/\n{}\n{}\n{}\n{}",
            self.method,
            self.query,
            canonical_headers,
            self.signed_headers(),
            self.payload_hash
        )
    }
}

/// Signature over a canonical request.
pub fn signature(secret_key: &str, date: &str, service: &str, timestamp: i64, canonical_request: &str) -> String {
    let scope = format!("{date}/{service}/tc3_request");
    let string_to_sign = format!("{ALGORITHM}\n{timestamp}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()));
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
}

pub fn authorization(secret_id: &str, date: &str, service: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// A key pair. `Debug` never shows the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub secret_id: String,
    pub secret_key: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("secret_id", &self.secret_id).finish_non_exhaustive()
    }
}

/// Everything the caller needs to put on the wire for one signed POST.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub headers: Vec<(&'static str, String)>,
}

/// Where one call goes.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The product (`tcbr`): the credential scope's service.
    pub service: &'a str,
    /// `Host` exactly as sent, port included.
    pub host: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: Option<&'a str>,
}

/// Signs a JSON POST the way the official SDKs do: `content-type;host`,
/// `Content-Type: application/json`, `Host` exactly as sent (port included).
pub fn sign_json_post(cred: &Credential, target: Target<'_>, timestamp: i64, body: &[u8]) -> SignedRequest {
    let Target { service, host, action, version, region } = target;
    let content_type = "application/json";
    let input = CanonicalInput {
        method: "POST",
        query: "",
        headers: vec![("content-type".into(), content_type.into()), ("host".into(), host.into())],
        payload_hash: sha256_hex(body),
    };
    let date = utc_date(timestamp);
    let sig = signature(&cred.secret_key, &date, service, timestamp, &input.canonical_request());
    let mut headers = vec![
        ("Authorization", authorization(&cred.secret_id, &date, service, &input.signed_headers(), &sig)),
        ("Content-Type", content_type.to_string()),
        ("Host", host.to_string()),
        ("X-TC-Action", action.to_string()),
        ("X-TC-Version", version.to_string()),
        ("X-TC-Timestamp", timestamp.to_string()),
    ];
    if let Some(region) = region {
        headers.push(("X-TC-Region", region.to_string()));
    }
    SignedRequest { headers }
}

/// Why a signed request was refused; each maps to Tencent's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("The Authorization header is not in the TC3-HMAC-SHA256 format: {0}")]
    InvalidAuthorization(String),
    #[error("The SecretId is not found, please ensure that your SecretId is correct.")]
    SecretIdNotFound,
    #[error("Signature expired: the request timestamp and the server time differ by more than five minutes.")]
    SignatureExpire,
    #[error("The provided credentials could not be validated. Please check your signature is correct.")]
    SignatureFailure,
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidAuthorization(_) => crate::api::codes::AUTH_INVALID_AUTHORIZATION,
            AuthError::SecretIdNotFound => crate::api::codes::AUTH_SECRET_ID_NOT_FOUND,
            AuthError::SignatureExpire => crate::api::codes::AUTH_SIGNATURE_EXPIRE,
            AuthError::SignatureFailure => crate::api::codes::AUTH_SIGNATURE_FAILURE,
        }
    }
}

/// The fields of a parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, AuthError> {
    let bad = |why: &str| AuthError::InvalidAuthorization(why.to_string());
    let rest = header
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| bad("it must start with 'TC3-HMAC-SHA256 '"))?;
    let (mut credential, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(|| bad("expected key=value parts"))?;
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => sig = Some(value),
            _ => return Err(bad("unknown part")),
        }
    }
    let credential = credential.ok_or_else(|| bad("Credential is missing"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, terminator] = scope[..] else {
        return Err(bad("Credential must be <SecretId>/<date>/<service>/tc3_request"));
    };
    if terminator != "tc3_request" || secret_id.is_empty() || service.is_empty() {
        return Err(bad("Credential must be <SecretId>/<date>/<service>/tc3_request"));
    }
    let signed_headers: Vec<String> =
        signed.ok_or_else(|| bad("SignedHeaders is missing"))?.split(';').map(str::to_ascii_lowercase).collect();
    // content-type;host is the mandatory minimum (CLOUD-API.md §3.1).
    if !signed_headers.iter().any(|h| h == "content-type") || !signed_headers.iter().any(|h| h == "host") {
        return Err(bad("SignedHeaders must include content-type and host"));
    }
    let signature = sig.ok_or_else(|| bad("Signature is missing"))?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("Signature must be 64 hex digits"));
    }
    Ok(ParsedAuthorization {
        secret_id: secret_id.to_string(),
        date: date.to_string(),
        service: service.to_string(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

/// A request as the verifier sees it.
pub struct IncomingRequest<'a, H: Fn(&str) -> Option<String>> {
    pub method: &'a str,
    pub query: &'a str,
    /// Case-insensitive header lookup.
    pub header: H,
    pub body: &'a [u8],
}

/// What a verified request proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub secret_id: String,
    /// The product from the credential scope (`tcbr`, `tcb`, `ssl`).
    pub service: String,
    pub timestamp: i64,
}

/// Verifies a request against the key pair `secret_for` returns for its
/// SecretId, at server time `now` (seconds).
pub fn verify<H: Fn(&str) -> Option<String>>(
    req: &IncomingRequest<'_, H>,
    secret_for: impl Fn(&str) -> Option<String>,
    now: i64,
) -> Result<Verified, AuthError> {
    let header = &req.header;
    let auth = header("authorization").ok_or_else(|| AuthError::InvalidAuthorization("missing".into()))?;
    let parsed = parse_authorization(&auth)?;
    let timestamp: i64 = header("x-tc-timestamp")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| AuthError::InvalidAuthorization("X-TC-Timestamp is missing or not an integer".into()))?;
    let secret_key = secret_for(&parsed.secret_id).ok_or(AuthError::SecretIdNotFound)?;
    if (now - timestamp).abs() > MAX_SKEW_SECS {
        return Err(AuthError::SignatureExpire);
    }
    if parsed.date != utc_date(timestamp) {
        return Err(AuthError::SignatureFailure);
    }
    let mut headers = Vec::with_capacity(parsed.signed_headers.len());
    for name in &parsed.signed_headers {
        // A header that is signed but absent cannot have been signed by the caller.
        let value = header(name).ok_or(AuthError::SignatureFailure)?;
        headers.push((name.clone(), value));
    }
    let unsigned = header("x-tc-content-sha256").is_some_and(|v| v.trim() == UNSIGNED_PAYLOAD);
    let payload_hash = if unsigned { sha256_hex(UNSIGNED_PAYLOAD.as_bytes()) } else { sha256_hex(req.body) };
    let input = CanonicalInput { method: req.method, query: req.query, headers, payload_hash };
    let expected = signature(&secret_key, &parsed.date, &parsed.service, timestamp, &input.canonical_request());
    if !bool::from(expected.as_bytes().ct_eq(parsed.signature.as_bytes())) {
        return Err(AuthError::SignatureFailure);
    }
    Ok(Verified { secret_id: parsed.secret_id, service: parsed.service, timestamp })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_garbage_with_invalid_authorization() {
        for bad in [
            "",
            "Bearer abc",
            "TC3-HMAC-SHA256 Credential=a/b/c",
            "TC3-HMAC-SHA256 Credential=id/2020-01-01/tcbr/tc3_request, SignedHeaders=host, Signature=00",
        ] {
            assert!(matches!(parse_authorization(bad), Err(AuthError::InvalidAuthorization(_))), "{bad}");
        }
    }

    #[test]
    fn credential_debug_hides_the_key() {
        let c = Credential { secret_id: "AKID".into(), secret_key: "very-secret".into() };
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
