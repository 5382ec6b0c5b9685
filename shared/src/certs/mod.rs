//! Certificate checks for custom domains over HTTPS (R-DOM-1, R-DOM-2), once
//! for every side: localcloud refuses an `UploadCertificate` with them, the
//! SPA shows the parsed certificate before submitting, a binding checks that
//! the certificate covers its domain. Pure functions, no I/O; the caller
//! passes `now` (Unix seconds).
//!
//! ```text
//! CertChain::parse(chain_pem)   PEM only; every certificate parses; leaf first
//! PrivateKey::parse(key_pem)    PKCS#8 / PKCS#1 / SEC1, not encrypted, RSA ≥ 2048 or P-256 / P-384
//! chain.key_matches(&key)       the key's public key is the leaf's
//! chain.check_validity(now)     the leaf is inside its validity period
//! check_upload(chain, key, now) all of the above, as UploadCertificate needs
//! chain.summary(now, domain, key)  what the SPA shows, never failing
//! domain_name(d), names_cover(sans, d)  R-DOM-1 and the SAN (wildcard) match
//! ```
//!
//! A private key never reaches an error message or a `Debug` output:
//! [`PrivateKeyPem`] and [`PrivateKey`] redact themselves, and key errors are
//! fixed texts that quote nothing of the input but a PEM block's label, and
//! only one that reads as a label.

mod chain;
mod domain;
mod key;
mod pem_text;

use serde::{Deserialize, Serialize};

pub use chain::CertChain;
pub use domain::{DOMAIN_MAX, DomainError, LABEL_MAX, domain_name, name_covers, names_cover};
pub use key::{KeyFormat, PrivateKey, PrivateKeyPem, RSA_MAX_BITS, RSA_MIN_BITS};

/// The largest certificate-chain or private-key text accepted. A chain of
/// four certificates is about 8 KB of PEM; the BFF caps uploads at this too.
pub const MAX_PEM_BYTES: usize = 64 * 1024;
/// The most certificates in one chain (real ones hold two to four).
pub const MAX_CHAIN_LEN: usize = 10;
/// A certificate expiring within this many days is flagged in the lists.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

const DAY: i64 = 86_400;

/// Whole days from `now` until `not_after` (both Unix seconds), rounded
/// down: 0 on the last day, negative once expired.
pub fn days_left(not_after: i64, now: i64) -> i64 {
    not_after.saturating_sub(now).div_euclid(DAY)
}

/// Whether a certificate ending at `not_after` is flagged at `now`: it
/// expires within [`EXPIRY_WARNING_DAYS`] days, or already has.
pub fn expires_soon(not_after: i64, now: i64) -> bool {
    not_after.saturating_sub(now) < EXPIRY_WARNING_DAYS * DAY
}

/// Whether a certificate ending at `not_after` has expired at `now`.
pub fn expired(not_after: i64, now: i64) -> bool {
    now > not_after
}

/// A certificate valid from `not_before` to `not_after` (inclusive) at `now`,
/// or which end it is past: the one validity rule, for a parsed chain and a
/// stored certificate alike.
pub fn check_period(not_before: i64, not_after: i64, now: i64) -> Result<(), CertError> {
    if now < not_before {
        Err(CertError::NotYetValid { not_before })
    } else if expired(not_after, now) {
        Err(CertError::Expired { not_after })
    } else {
        Ok(())
    }
}

/// Which of the two uploaded texts an error is about, so the SPA shows the
/// message next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CertField {
    /// `CertificatePublicKey`: the certificate chain.
    Certificate,
    /// `CertificatePrivateKey`.
    PrivateKey,
}

impl std::fmt::Display for CertField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertField::Certificate => "certificate",
            CertField::PrivateKey => "private key",
        })
    }
}

/// What is wrong with a block's framing. Carries no text of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PemProblem {
    #[error("a -----BEGIN line has no matching -----END line")]
    Framing,
    #[error("a block's BEGIN and END lines name different types")]
    MismatchedLabels,
    #[error("a block has a blank line inside it, or headers that cannot be read")]
    Headers,
    #[error("a block's body is not valid base64")]
    Base64,
}

/// Why an uploaded certificate, key or binding is refused. `Display` is the
/// English message localcloud puts after the code from [`CertError::code`]:
///
/// | code | variants |
/// |---|---|
/// | `InvalidParameter.CertificateFormat` | not PEM text (R-DOM-2): `Empty`, `TooLarge`, `Der`, `Pkcs12`, `Pkcs7`, `MissingPemLines`, `NotPem`, `MalformedPem`, `UnexpectedBlock`, `PrivateKeyInCertificate`, `CertificateInKeyField`, `CertificateRequest` |
/// | `InvalidParameter.CertificateChain` | `NoCertificate`, `TooManyCertificates`, `CertificateUnparseable`, `LeafNotFirst`, `ChainBroken` |
/// | `InvalidParameter.PrivateKey` | `NoPrivateKey`, `MultiplePrivateKeys`, `EncryptedKey`, `KeyUnparseable`, `UnsupportedKey`, `RsaKeyTooSmall`, `RsaKeyTooLarge` |
/// | `InvalidParameter.CertificateKeyMismatch` | `KeyMismatch` (the real ssl API says `FailedOperation.CertificateMismatch`) |
/// | `InvalidParameter.CertificateExpired` | `Expired` |
/// | `InvalidParameter.CertificateNotYetValid` | `NotYetValid` |
/// | `InvalidParameter.CertificateDomainMismatch` | `DomainNotCovered` (binding an HTTPS domain) |
///
/// No variant holds any byte of a private key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CertError {
    #[error("the {field} is empty: paste its PEM text, which starts with -----BEGIN")]
    Empty { field: CertField },
    #[error("the {field} text is larger than {max} bytes; a certificate chain or a key is a few kilobytes")]
    TooLarge { field: CertField, max: usize },
    #[error("{}", der_message(*field))]
    Der { field: CertField },
    #[error(
        "the {field} is a PKCS#12 (.pfx/.p12) file, not PEM text; export PEM with \
         `openssl pkcs12 -in site.pfx -nokeys -out cert.pem` (certificates) and \
         `openssl pkcs12 -in site.pfx -nocerts -nodes -out key.pem` (key)"
    )]
    Pkcs12 { field: CertField },
    #[error(
        "the {field} is a PKCS#7 (.p7b) bundle, not PEM certificates; convert it with \
         `openssl pkcs7 -print_certs -in cert.p7b -out cert.pem`"
    )]
    Pkcs7 { field: CertField },
    #[error("the {field} is base64 without its PEM lines: it must start with {} and end with {}", begin_line(*field), end_line(*field))]
    MissingPemLines { field: CertField },
    #[error("the {field} is {}not PEM text: it must start with {}", if *binary { "a binary file, " } else { "" }, begin_line(*field))]
    NotPem { field: CertField, binary: bool },
    #[error("the {field}'s PEM text is malformed: {problem}")]
    MalformedPem { field: CertField, problem: PemProblem },
    #[error("the {field} text holds a '{label}' block; expected {}", expected_blocks(*field))]
    UnexpectedBlock { field: CertField, label: String },
    #[error("the certificate text contains a private key: put the key in the private key field only")]
    PrivateKeyInCertificate,
    #[error("the private key text holds certificates but no private key")]
    CertificateInKeyField,
    #[error(
        "this is a certificate signing request (CSR), not a certificate: upload the certificate \
         your certificate authority issued for it"
    )]
    CertificateRequest,

    #[error("the certificate text holds no CERTIFICATE block")]
    NoCertificate,
    #[error("the chain holds more than {max} certificates")]
    TooManyCertificates { max: usize },
    #[error("certificate {index} of the chain is not a valid X.509 certificate ({reason})")]
    CertificateUnparseable { index: usize, reason: String },
    #[error(
        "the chain is in the wrong order: the server certificate comes first, then the \
         certificate that issued it, and so on towards the root"
    )]
    LeafNotFirst,
    #[error(
        "certificate {} of the chain did not issue certificate {index}: list the server certificate \
         first, then each issuer in turn, and no unrelated certificate",
        index + 1
    )]
    ChainBroken { index: usize },

    #[error("the private key text holds no PRIVATE KEY block")]
    NoPrivateKey,
    #[error("the private key text holds more than one private key; upload only the certificate's key")]
    MultiplePrivateKeys,
    #[error(
        "the private key is encrypted with a passphrase; upload it decrypted \
         (`openssl pkey -in key.pem -out key-decrypted.pem` asks for the passphrase): \
         it is encrypted at rest here"
    )]
    EncryptedKey,
    #[error("the private key is not a valid {} key ({})", .format.name(), .format.label())]
    KeyUnparseable { format: KeyFormat },
    #[error(
        "{algorithm} keys are not supported: use an RSA key of at least {RSA_MIN_BITS} bits, \
         or an ECDSA P-256 or P-384 key"
    )]
    UnsupportedKey { algorithm: String },
    #[error("the RSA key has {bits} bits; browsers need at least {RSA_MIN_BITS}")]
    RsaKeyTooSmall { bits: usize },
    #[error("the RSA key has {bits} bits; the largest served is {RSA_MAX_BITS}")]
    RsaKeyTooLarge { bits: usize },

    #[error(
        "the private key does not belong to the certificate: it must be the key of the first \
         (server) certificate of the chain"
    )]
    KeyMismatch,
    #[error("the certificate expired on {} UTC", crate::time::utc_datetime(*not_after))]
    Expired { not_after: i64 },
    #[error("the certificate is not valid until {} UTC", crate::time::utc_datetime(*not_before))]
    NotYetValid { not_before: i64 },
    #[error("the certificate does not cover {domain}: {}", names_list(names))]
    DomainNotCovered { domain: String, names: Vec<String> },
}

fn der_message(field: CertField) -> &'static str {
    match field {
        CertField::Certificate => {
            "the certificate is binary DER, not PEM text; convert it with \
             `openssl x509 -inform der -in cert.der -out cert.pem`"
        }
        CertField::PrivateKey => {
            "the private key is binary DER, not PEM text; convert it with \
             `openssl pkey -inform der -in key.der -out key.pem`"
        }
    }
}

fn begin_line(field: CertField) -> &'static str {
    match field {
        CertField::Certificate => "-----BEGIN CERTIFICATE-----",
        CertField::PrivateKey => "-----BEGIN PRIVATE KEY----- (or RSA / EC PRIVATE KEY)",
    }
}

fn end_line(field: CertField) -> &'static str {
    match field {
        CertField::Certificate => "-----END CERTIFICATE-----",
        CertField::PrivateKey => "the matching -----END line",
    }
}

fn expected_blocks(field: CertField) -> &'static str {
    match field {
        CertField::Certificate => "only CERTIFICATE blocks",
        CertField::PrivateKey => "one PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block",
    }
}

fn names_list(names: &[String]) -> String {
    if names.is_empty() {
        "it has no DNS names (subjectAltName), which browsers require".into()
    } else {
        format!("it is for {}", names.join(", "))
    }
}

impl CertError {
    /// The cloud error code localcloud answers with (see the table above).
    pub fn code(&self) -> &'static str {
        use CertError::*;
        match self {
            Empty { .. }
            | TooLarge { .. }
            | Der { .. }
            | Pkcs12 { .. }
            | Pkcs7 { .. }
            | MissingPemLines { .. }
            | NotPem { .. }
            | MalformedPem { .. }
            | UnexpectedBlock { .. }
            | PrivateKeyInCertificate
            | CertificateInKeyField
            | CertificateRequest => "InvalidParameter.CertificateFormat",
            NoCertificate
            | TooManyCertificates { .. }
            | CertificateUnparseable { .. }
            | LeafNotFirst
            | ChainBroken { .. } => "InvalidParameter.CertificateChain",
            NoPrivateKey
            | MultiplePrivateKeys
            | EncryptedKey
            | KeyUnparseable { .. }
            | UnsupportedKey { .. }
            | RsaKeyTooSmall { .. }
            | RsaKeyTooLarge { .. } => "InvalidParameter.PrivateKey",
            KeyMismatch => "InvalidParameter.CertificateKeyMismatch",
            Expired { .. } => "InvalidParameter.CertificateExpired",
            NotYetValid { .. } => "InvalidParameter.CertificateNotYetValid",
            DomainNotCovered { .. } => "InvalidParameter.CertificateDomainMismatch",
        }
    }

    /// The field the SPA shows the message next to; `None` when it is about
    /// the pair (a key that does not match).
    pub fn field(&self) -> Option<CertField> {
        use CertError::*;
        match self {
            Empty { field }
            | TooLarge { field, .. }
            | Der { field }
            | Pkcs12 { field }
            | Pkcs7 { field }
            | MissingPemLines { field }
            | NotPem { field, .. }
            | MalformedPem { field, .. }
            | UnexpectedBlock { field, .. } => Some(*field),
            PrivateKeyInCertificate
            | CertificateRequest
            | NoCertificate
            | TooManyCertificates { .. }
            | CertificateUnparseable { .. }
            | LeafNotFirst
            | ChainBroken { .. }
            | Expired { .. }
            | NotYetValid { .. }
            | DomainNotCovered { .. } => Some(CertField::Certificate),
            CertificateInKeyField
            | NoPrivateKey
            | MultiplePrivateKeys
            | EncryptedKey
            | KeyUnparseable { .. }
            | UnsupportedKey { .. }
            | RsaKeyTooSmall { .. }
            | RsaKeyTooLarge { .. } => Some(CertField::PrivateKey),
            KeyMismatch => None,
        }
    }
}

/// A certificate as the SPA shows it before submitting (and as the BFF can
/// answer it, should the SPA ask it to check instead). Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertSummary {
    /// The leaf's subject, RFC 4514 style: `CN=example.com, O=Acme, C=CN`.
    pub subject: String,
    pub common_name: Option<String>,
    pub issuer: String,
    /// The DNS subjectAltNames: the names browsers match, wildcards included.
    pub dns_names: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    /// [`days_left`] at the `now` the summary was made for.
    pub days_left: i64,
    /// [`expires_soon`]: flagged in the lists.
    pub expires_soon: bool,
    /// Inside its validity period at `now`.
    pub valid_now: bool,
    pub self_signed: bool,
    /// Certificates in the chain, the leaf included.
    pub chain_len: usize,
    /// The leaf's key: "RSA 2048", "ECDSA P-256", or an algorithm this
    /// console cannot serve.
    pub key_algorithm: String,
    /// SHA-256 of the leaf's DER, `AB:CD:…`.
    pub fingerprint_sha256: String,
    /// Whether the leaf covers the domain asked about; `None` when none was.
    pub covers_domain: Option<bool>,
    /// Whether the private key matches the leaf; `None` without a key.
    pub key_matches: Option<bool>,
}

/// An upload that passed every check: what localcloud stores.
#[derive(Debug)]
pub struct CheckedCertificate {
    pub chain: CertChain,
    pub key: PrivateKey,
    pub summary: CertSummary,
}

/// Every check `UploadCertificate` runs, in the order the user fixes them:
/// the chain is PEM and in order, the key is PEM, unencrypted and supported,
/// the key is the leaf's, the leaf is valid at `now`.
pub fn check_upload(chain_pem: &[u8], key_pem: &[u8], now: i64) -> Result<CheckedCertificate, CertError> {
    let chain = CertChain::parse(chain_pem)?;
    let key = PrivateKey::parse(key_pem)?;
    if !chain.key_matches(&key) {
        return Err(CertError::KeyMismatch);
    }
    chain.check_validity(now)?;
    let summary = chain.summary(now, None, Some(&key));
    Ok(CheckedCertificate { chain, key, summary })
}

/// Binding an HTTPS domain: the certificate's stored DNS names must cover
/// it ([`names_cover`]).
pub fn check_covers<S: AsRef<str>>(names: &[S], domain: &str) -> Result<(), CertError> {
    if names_cover(names, domain) {
        Ok(())
    } else {
        Err(CertError::DomainNotCovered {
            domain: domain.to_string(),
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
        })
    }
}

/// One thing wrong with an upload, as the check endpoint answers it: the
/// field it belongs to (none: both, or the domain), the cloud error code, and
/// the sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertProblem {
    pub field: Option<CertField>,
    pub code: String,
    pub message: String,
}

impl From<&CertError> for CertProblem {
    fn from(e: &CertError) -> Self {
        CertProblem { field: e.field(), code: e.code().to_string(), message: e.to_string() }
    }
}

/// What the SPA shows before binding (R-DOM-2): the parsed certificate, if
/// it parses, and every problem an upload or a binding would be refused for.
/// `problems` empty: `UploadCertificate` accepts it, and it covers the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertCheck {
    pub summary: Option<CertSummary>,
    pub problems: Vec<CertProblem>,
}

/// Runs every check at once, so the user sees all that is wrong, not the
/// first thing: the chain, the key (when given), whether they match, the
/// validity period, and whether the certificate covers `domain` (when given).
pub fn inspect(chain_pem: &[u8], key_pem: Option<&[u8]>, domain: Option<&str>, now: i64) -> CertCheck {
    let mut problems = Vec::new();
    let chain = CertChain::parse(chain_pem).map_err(|e| problems.push(CertProblem::from(&e))).ok();
    let key = key_pem.and_then(|pem| PrivateKey::parse(pem).map_err(|e| problems.push(CertProblem::from(&e))).ok());
    let summary = chain.as_ref().map(|chain| {
        if key.as_ref().is_some_and(|k| !chain.key_matches(k)) {
            problems.push(CertProblem::from(&CertError::KeyMismatch));
        }
        if let Err(e) = chain.check_validity(now) {
            problems.push(CertProblem::from(&e));
        }
        if let Some(domain) = domain
            && let Err(e) = check_covers(chain.dns_names(), domain)
        {
            problems.push(CertProblem::from(&e));
        }
        chain.summary(now, domain, key.as_ref())
    });
    CertCheck { summary, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_rounds_down_and_goes_negative() {
        let now = 1_700_000_000;
        assert_eq!(days_left(now + 30 * DAY, now), 30);
        assert_eq!(days_left(now + 30 * DAY - 1, now), 29);
        assert_eq!(days_left(now + 1, now), 0);
        assert_eq!(days_left(now - 1, now), -1);
        assert_eq!(days_left(i64::MAX, i64::MIN), i64::MAX / DAY);
    }

    #[test]
    fn expiring_within_30_days_is_flagged() {
        let now = 1_700_000_000;
        assert!(!expires_soon(now + 30 * DAY, now));
        assert!(expires_soon(now + 30 * DAY - 1, now));
        assert!(expires_soon(now - DAY, now));
    }

    #[test]
    fn every_error_has_a_code_and_an_invalid_parameter_prefix() {
        let all = [
            CertError::Der { field: CertField::Certificate },
            CertError::LeafNotFirst,
            CertError::EncryptedKey,
            CertError::KeyMismatch,
            CertError::Expired { not_after: 0 },
            CertError::NotYetValid { not_before: 0 },
            CertError::DomainNotCovered { domain: "a.example.com".into(), names: vec![] },
        ];
        for err in all {
            assert!(err.code().starts_with("InvalidParameter."), "{err:?}");
        }
        assert_eq!(
            CertError::Expired { not_after: 0 }.to_string(),
            "the certificate expired on 1970-01-01 00:00:00 UTC"
        );
        assert_eq!(
            CertError::ChainBroken { index: 1 }.to_string(),
            "certificate 2 of the chain did not issue certificate 1: list the server certificate first, \
             then each issuer in turn, and no unrelated certificate"
        );
    }

    #[test]
    fn binding_needs_a_covering_certificate() {
        assert_eq!(check_covers(&["*.example.com"], "api.example.com"), Ok(()));
        let err = check_covers(&["*.example.com"], "example.com").unwrap_err();
        assert_eq!(err.code(), "InvalidParameter.CertificateDomainMismatch");
        assert_eq!(err.to_string(), "the certificate does not cover example.com: it is for *.example.com");
    }
}
