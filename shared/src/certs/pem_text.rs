//! R-DOM-2: certificates and keys arrive as PEM text. This module reads the
//! blocks out of that text, and names what a non-PEM upload is instead
//! (DER, PKCS#12, PKCS#7, base64 without its PEM lines) so the user is told
//! how to convert it.

use x509_cert::der::asn1::{AnyRef, ObjectIdentifier};
use x509_cert::der::{Decode, Tag, Tagged};
use zeroize::Zeroizing;

use super::{CertError, CertField, MAX_PEM_BYTES, PemProblem};

/// One PEM block: its label and its decoded bytes (zeroed on drop: a key's
/// bytes are secret).
pub(super) struct Block {
    pub label: String,
    pub contents: Zeroizing<Vec<u8>>,
}

/// `-----BEGIN ` opens every PEM block.
const BEGIN: &str = "-----BEGIN ";

/// The PEM blocks in `input`, or why `input` is not PEM text. Never echoes
/// the input: for the key field it is secret, and the caller's errors end up
/// in responses and logs.
pub(super) fn blocks(input: &[u8], field: CertField) -> Result<Vec<Block>, CertError> {
    if input.len() > MAX_PEM_BYTES {
        return Err(CertError::TooLarge { field, max: MAX_PEM_BYTES });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(CertError::Empty { field });
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return Err(not_pem(input, field, true));
    };
    if !text.contains(BEGIN) {
        let binary = text.chars().any(|c| c.is_control() && !c.is_ascii_whitespace());
        return Err(not_pem(input, field, binary));
    }
    let parsed = pem::parse_many(text).map_err(|err| {
        // Only the error's kind: its text may quote a line of the input.
        let problem = match err {
            pem::PemError::MismatchedTags(..) => PemProblem::MismatchedLabels,
            pem::PemError::MissingBeginTag | pem::PemError::MissingEndTag | pem::PemError::MalformedFraming => {
                PemProblem::Framing
            }
            pem::PemError::InvalidHeader(_) => PemProblem::Headers,
            _ => PemProblem::Base64,
        };
        CertError::MalformedPem { field, problem }
    })?;
    // `parse_many` stops quietly at a block without its END line.
    if parsed.len() < text.matches(BEGIN).count() {
        return Err(CertError::MalformedPem { field, problem: PemProblem::Framing });
    }
    Ok(parsed
        .into_iter()
        .map(|block| Block { label: block.tag().to_string(), contents: Zeroizing::new(block.into_contents()) })
        .collect())
}

/// A block label fit to quote in a message: upper-case words as PEM labels
/// are, at most 40 characters. Anything else is not quoted, as it may be
/// the body of a key whose BEGIN line lost its closing dashes.
pub(super) fn shown_label(label: &str) -> String {
    let plain = label.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " #.-_".contains(c));
    if plain && !label.trim().is_empty() && label.len() <= 40 { label.to_string() } else { "(unreadable label)".into() }
}

/// Why an input without PEM blocks is refused, named as precisely as its
/// bytes allow.
fn not_pem(input: &[u8], field: CertField, binary: bool) -> CertError {
    if let Some(kind) = der_kind(input) {
        return kind.error(field, false);
    }
    // Base64 pasted without its BEGIN/END lines: decoded by framing it as PEM.
    let framed = (!binary).then(|| {
        let body = String::from_utf8_lossy(input);
        Zeroizing::new(format!("-----BEGIN X-----\n{}\n-----END X-----\n", body.trim()))
    });
    if let Some(Ok(block)) = framed.map(|text| pem::parse(text.as_bytes())) {
        let der = Zeroizing::new(block.into_contents());
        if let Some(kind) = der_kind(&der) {
            return kind.error(field, true);
        }
    }
    CertError::NotPem { field, binary }
}

/// What a DER (binary ASN.1) upload holds, when it is one of the formats
/// people export by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DerKind {
    Certificate,
    PrivateKey,
    Pkcs12,
    Pkcs7,
}

impl DerKind {
    /// The error for this content in `field`; `bare` when it came as base64
    /// without PEM lines rather than as binary.
    fn error(self, field: CertField, bare: bool) -> CertError {
        match (self, field) {
            (DerKind::PrivateKey, CertField::Certificate) => CertError::PrivateKeyInCertificate,
            (DerKind::Certificate, CertField::PrivateKey) => CertError::CertificateInKeyField,
            (DerKind::Certificate | DerKind::PrivateKey, _) if bare => CertError::MissingPemLines { field },
            (DerKind::Certificate | DerKind::PrivateKey, _) => CertError::Der { field },
            (DerKind::Pkcs12, _) => CertError::Pkcs12 { field },
            (DerKind::Pkcs7, _) => CertError::Pkcs7 { field },
        }
    }
}

/// PKCS#7 `data` and `signedData`: a PKCS#12 file's content and a .p7b file.
const PKCS7_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const PKCS7_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

fn der_kind(bytes: &[u8]) -> Option<DerKind> {
    // Every format here is one DER SEQUENCE; look at its first elements.
    let items: Vec<AnyRef<'_>> = Vec::from_der(bytes).ok()?;
    let first = items.first()?;
    match first.tag() {
        // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }
        Tag::Integer if first.decode_as::<u8>().ok() == Some(3) => {
            let auth_safe: Vec<AnyRef<'_>> = items.get(1)?.decode_as().ok()?;
            let oid: ObjectIdentifier = auth_safe.first()?.decode_as().ok()?;
            (oid == PKCS7_DATA || oid == PKCS7_SIGNED_DATA).then_some(DerKind::Pkcs12)
        }
        // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
        Tag::ObjectIdentifier if first.decode_as::<ObjectIdentifier>().ok() == Some(PKCS7_SIGNED_DATA) => {
            Some(DerKind::Pkcs7)
        }
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm, signature }
        Tag::Sequence if x509_cert::Certificate::from_der(bytes).is_ok() => Some(DerKind::Certificate),
        // PKCS#8 (version 0 or 1), PKCS#1 (version 0) and SEC1 (version 1) private keys.
        Tag::Integer if super::key::is_der_private_key(bytes) => Some(DerKind::PrivateKey),
        _ => None,
    }
}
