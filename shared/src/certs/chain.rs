//! A certificate chain from PEM text: each certificate parsed, the server
//! (leaf) certificate first and each next one its issuer.

use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::asn1::Ia5StringRef;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::{DirectoryString, GeneralName};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::name::Name;

use super::key::{CertKey, PrivateKey, cert_key};
use super::pem_text::{self, shown_label};
use super::{CertError, CertField, CertSummary, MAX_CHAIN_LEN, days_left, expires_soon, names_cover};

/// One certificate, reduced to what the checks and the SPA need.
#[derive(Clone)]
struct Cert {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    /// DER of the subject and issuer names: a chain links by exact name.
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    /// Subject and authority key identifiers, when present: two CAs can share
    /// a name, never a key.
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    common_name: Option<String>,
    dns_names: Vec<String>,
    not_before: i64,
    not_after: i64,
    key: CertKey,
}

impl Cert {
    /// Whether `issuer` issued this certificate, as chain builders decide
    /// without verifying signatures (OpenSSL's `X509_check_issued`): the
    /// names link, and so do the key identifiers when both are present.
    /// Signatures are for the client to verify: checking them here would
    /// ship RSA and ECDSA verification to the SPA.
    fn issued_by(&self, issuer: &Cert) -> bool {
        self.issuer_der == issuer.subject_der
            && match (&self.authority_key_id, &issuer.subject_key_id) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            }
    }
}

/// A parsed certificate chain, leaf first (the `CertificatePublicKey` text).
#[derive(Clone)]
pub struct CertChain {
    certs: Vec<Cert>,
}

impl std::fmt::Debug for CertChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertChain")
            .field("subject", &self.leaf().subject)
            .field("dns_names", &self.leaf().dns_names)
            .field("len", &self.certs.len())
            .finish()
    }
}

impl CertChain {
    /// Reads PEM text holding only `CERTIFICATE` blocks, the server
    /// certificate first, then each certificate that issued the one before
    /// it (R-DOM-2; how nginx's `ssl_certificate` file is laid out).
    pub fn parse(pem: &[u8]) -> Result<CertChain, CertError> {
        let field = CertField::Certificate;
        let mut certs = Vec::new();
        for block in pem_text::blocks(pem, field)? {
            match block.label.as_str() {
                "CERTIFICATE" => {}
                "PKCS7" | "CMS" => return Err(CertError::Pkcs7 { field }),
                "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => return Err(CertError::CertificateRequest),
                label if label.contains("PRIVATE KEY") => return Err(CertError::PrivateKeyInCertificate),
                label => return Err(CertError::UnexpectedBlock { field, label: shown_label(label) }),
            }
            if certs.len() == MAX_CHAIN_LEN {
                return Err(CertError::TooManyCertificates { max: MAX_CHAIN_LEN });
            }
            let index = certs.len() + 1;
            certs.push(
                read_cert(&block.contents).map_err(|reason| CertError::CertificateUnparseable { index, reason })?,
            );
        }
        if certs.is_empty() {
            return Err(CertError::NoCertificate);
        }
        for (i, pair) in certs.windows(2).enumerate() {
            if !pair[0].issued_by(&pair[1]) {
                // The leaf is not first when a later certificate was issued by the first.
                let first = &certs[0];
                let leaf_later = certs[1..].iter().any(|c| c.issued_by(first) && c.subject_der != first.subject_der);
                return Err(if leaf_later { CertError::LeafNotFirst } else { CertError::ChainBroken { index: i + 1 } });
            }
        }
        Ok(CertChain { certs })
    }

    fn leaf(&self) -> &Cert {
        &self.certs[0]
    }

    /// How many certificates the chain holds (at least one).
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Always false: a parsed chain holds at least one certificate.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Each certificate's DER, leaf first: what rustls serves
    /// (`CertificateDer`).
    pub fn certificates_der(&self) -> impl Iterator<Item = &[u8]> {
        self.certs.iter().map(|c| c.der.as_slice())
    }

    /// The chain as normalised PEM text: only the certificates, LF line ends.
    /// What to store and give back, whatever surrounded the upload.
    pub fn to_pem(&self) -> String {
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        self.certs.iter().map(|c| pem::encode_config(&pem::Pem::new("CERTIFICATE", c.der.clone()), config)).collect()
    }

    /// The leaf's DNS subjectAltNames (`DescribeCertificateDetail.SubjectAltName`).
    pub fn dns_names(&self) -> &[String] {
        &self.leaf().dns_names
    }

    /// The leaf's subject common name, if any (`DescribeCertificateDetail.Domain`
    /// when present; browsers ignore it for matching).
    pub fn common_name(&self) -> Option<&str> {
        self.leaf().common_name.as_deref()
    }

    /// The leaf's validity, Unix seconds (`CertBeginTime`, `CertEndTime`).
    pub fn not_before(&self) -> i64 {
        self.leaf().not_before
    }

    pub fn not_after(&self) -> i64 {
        self.leaf().not_after
    }

    /// The leaf is inside its validity period at `now` (Unix seconds). Only
    /// the leaf: chains commonly carry an expired cross-signed root that
    /// clients skip, and refusing those would refuse working chains.
    pub fn check_validity(&self, now: i64) -> Result<(), CertError> {
        super::check_period(self.leaf().not_before, self.leaf().not_after, now)
    }

    /// Whether the leaf's DNS names cover `domain` ([`super::name_covers`]).
    pub fn covers(&self, domain: &str) -> bool {
        names_cover(&self.leaf().dns_names, domain)
    }

    /// Whether `key` is the private key of the leaf certificate.
    pub fn key_matches(&self, key: &PrivateKey) -> bool {
        matches!(&self.leaf().key, CertKey::Supported(public) if public == key.public())
    }

    /// What the SPA shows before submitting: never fails, so an expired or
    /// mismatched certificate is still shown with what is wrong with it.
    pub fn summary(&self, now: i64, domain: Option<&str>, key: Option<&PrivateKey>) -> CertSummary {
        let leaf = self.leaf();
        CertSummary {
            subject: leaf.subject.clone(),
            common_name: leaf.common_name.clone(),
            issuer: leaf.issuer.clone(),
            dns_names: leaf.dns_names.clone(),
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            days_left: days_left(leaf.not_after, now),
            expires_soon: expires_soon(leaf.not_after, now),
            valid_now: self.check_validity(now).is_ok(),
            self_signed: leaf.subject_der == leaf.issuer_der,
            chain_len: self.certs.len(),
            key_algorithm: leaf.key.describe(),
            fingerprint_sha256: fingerprint(&leaf.der),
            covers_domain: domain.map(|d| self.covers(d)),
            key_matches: key.map(|k| self.key_matches(k)),
        }
    }
}

/// SHA-256 of the DER, as browsers show it (`AB:CD:…`): tells two uploads of
/// the same certificate apart from a renewal.
fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// One certificate, or why it does not parse (a decoder's message about a
/// public certificate: safe to show).
fn read_cert(der: &[u8]) -> Result<Cert, String> {
    let cert = Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = cert.tbs_certificate();
    let dns_names = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_, san))) => san
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::DnsName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => return Err(format!("its subjectAltName extension does not parse: {e}")),
    };
    let subject_key_id = match tbs.get_extension::<SubjectKeyIdentifier>() {
        Ok(ski) => ski.map(|(_, ski)| ski.0.as_bytes().to_vec()),
        Err(e) => return Err(format!("its subjectKeyIdentifier extension does not parse: {e}")),
    };
    let authority_key_id = match tbs.get_extension::<AuthorityKeyIdentifier>() {
        Ok(aki) => aki.and_then(|(_, aki)| aki.key_identifier).map(|id| id.as_bytes().to_vec()),
        Err(e) => return Err(format!("its authorityKeyIdentifier extension does not parse: {e}")),
    };
    let validity = tbs.validity();
    let unix = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    let encode = |name: &Name| name.to_der().map_err(|e| e.to_string());
    Ok(Cert {
        der: der.to_vec(),
        subject: display_name(tbs.subject()),
        issuer: display_name(tbs.issuer()),
        subject_der: encode(tbs.subject())?,
        issuer_der: encode(tbs.issuer())?,
        subject_key_id,
        authority_key_id,
        common_name: tbs.subject().common_name().ok().flatten().map(|cn| cn.value().into_owned()),
        dns_names,
        not_before: unix(validity.not_before),
        not_after: unix(validity.not_after),
        key: cert_key(tbs.subject_public_key_info()),
    })
}

/// The attribute types people read in a name, by their RFC 4514 short names.
/// A table of our own: `x509-cert`'s `Display` looks names up in the whole
/// `const-oid` database, which would ship every registered OID to the SPA.
const ATTRIBUTE_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.5", "SERIALNUMBER"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
];

/// A name as RFC 4514 writes it, most specific first: `CN=example.com, O=Acme, C=CN`.
fn display_name(name: &Name) -> String {
    let mut parts: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let oid = atv.oid.to_string();
                    let key = ATTRIBUTE_NAMES.iter().find(|(o, _)| *o == oid).map_or(oid.as_str(), |(_, n)| n);
                    format!("{key}={}", attribute_text(&atv.value))
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

/// An attribute's value as text: a directory string or IA5 string, escaped
/// where RFC 4514 asks; anything else as `#` and its DER in hex.
fn attribute_text(value: &x509_cert::attr::AttributeValue) -> String {
    let text = DirectoryString::try_from(value)
        .map(|s| s.value().into_owned())
        .ok()
        .or_else(|| Ia5StringRef::try_from(value).ok().map(|s| s.to_string()));
    match text {
        Some(text) => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if c.is_control() => out.push_str(&format!("\\{:02X}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out
        }
        None => format!("#{}", hex::encode(value.to_der().unwrap_or_default())),
    }
}
