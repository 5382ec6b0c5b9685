//! Private keys: read (PKCS#8, PKCS#1 or SEC1, never encrypted), kept out of
//! every `Debug` and error text, and matched against a certificate's public
//! key.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use x509_cert::der::Decode;
use x509_cert::der::asn1::{AnyRef, ObjectIdentifier};
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

use super::pem_text::{self, shown_label};
use super::{CertError, CertField};

/// A private key's PEM text as it travels (the `CertificatePrivateKey`
/// field): its `Debug` never shows it, it has no `Display`, and its memory is
/// zeroed on drop. Read it with [`PrivateKeyPem::expose`], only to parse or
/// store it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PrivateKeyPem(Zeroizing<String>);

impl PrivateKeyPem {
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The secret text. Never log it or put it in an answer.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for PrivateKeyPem {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKeyPem(<redacted>)")
    }
}

/// Serialised as the plain string the cloud API expects: needed to forward
/// an upload (BFF → cloud). Never put one in a response model.
impl Serialize for PrivateKeyPem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PrivateKeyPem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// How a private key was encoded; rustls takes the DER with the same name
/// (`PrivateKeyDer::{Pkcs8, Pkcs1, Sec1}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyFormat {
    /// `-----BEGIN PRIVATE KEY-----`
    Pkcs8,
    /// `-----BEGIN RSA PRIVATE KEY-----`
    Pkcs1,
    /// `-----BEGIN EC PRIVATE KEY-----`
    Sec1,
}

impl KeyFormat {
    pub fn label(self) -> &'static str {
        match self {
            KeyFormat::Pkcs8 => "PRIVATE KEY",
            KeyFormat::Pkcs1 => "RSA PRIVATE KEY",
            KeyFormat::Sec1 => "EC PRIVATE KEY",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Sec1 => "SEC1",
        }
    }
}

/// A public key, reduced to what identifies it: RSA's modulus and exponent,
/// an EC point. A private key matches a certificate when the public key
/// derived from it equals the certificate's (as OpenSSL's
/// `X509_check_private_key`, which nginx runs, decides).
#[derive(Clone, PartialEq, Eq)]
pub(super) enum PublicKey {
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    P256(p256::PublicKey),
    P384(p384::PublicKey),
}

impl PublicKey {
    /// "RSA 2048", "ECDSA P-256": how the SPA names it.
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { modulus, .. } => format!("RSA {}", rsa_bits(modulus)),
            PublicKey::P256(_) => "ECDSA P-256".into(),
            PublicKey::P384(_) => "ECDSA P-384".into(),
        }
    }
}

/// A certificate's public key: one this console can serve, or the name of
/// its algorithm.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum CertKey {
    Supported(PublicKey),
    Unsupported(String),
}

impl CertKey {
    pub fn describe(&self) -> String {
        match self {
            CertKey::Supported(key) => key.describe(),
            CertKey::Unsupported(name) => name.clone(),
        }
    }
}

/// The algorithms a key or certificate may use.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

/// The smallest RSA key browsers and rustls accept.
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA key the TLS gateway can sign with (ring's limit).
pub const RSA_MAX_BITS: usize = 4096;

/// The name of an algorithm this console cannot serve, for messages.
fn algorithm_name(oid: &ObjectIdentifier, curve: Option<&ObjectIdentifier>) -> String {
    match (oid, curve) {
        (o, _) if *o == RSASSA_PSS => "RSASSA-PSS".into(),
        (o, _) if *o == ED25519 => "Ed25519".into(),
        (o, _) if *o == ED448 => "Ed448".into(),
        (o, _) if *o == DSA => "DSA".into(),
        (o, Some(c)) if *o == EC_PUBLIC_KEY && *c == SECP521R1 => "ECDSA P-521".into(),
        (o, Some(c)) if *o == EC_PUBLIC_KEY => format!("EC curve {c}"),
        (o, _) => format!("algorithm {o}"),
    }
}

fn rsa_bits(modulus: &[u8]) -> usize {
    let modulus = strip_zeros(modulus);
    match modulus.first() {
        Some(top) => modulus.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// The public key of a certificate's SubjectPublicKeyInfo.
pub(super) fn cert_key(spki: &SubjectPublicKeyInfoOwned) -> CertKey {
    let oid = spki.algorithm.oid;
    let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let bits = spki.subject_public_key.as_bytes().unwrap_or_default();
    let supported = if oid == RSA_ENCRYPTION {
        pkcs1::RsaPublicKeyRef::from_der(bits).ok().map(|key| PublicKey::Rsa {
            modulus: strip_zeros(key.modulus.as_bytes()).to_vec(),
            exponent: strip_zeros(key.public_exponent.as_bytes()).to_vec(),
        })
    } else if oid == EC_PUBLIC_KEY && curve == Some(SECP256R1) {
        p256::PublicKey::from_sec1_bytes(bits).ok().map(PublicKey::P256)
    } else if oid == EC_PUBLIC_KEY && curve == Some(SECP384R1) {
        p384::PublicKey::from_sec1_bytes(bits).ok().map(PublicKey::P384)
    } else {
        None
    };
    supported.map_or_else(|| CertKey::Unsupported(algorithm_name(&oid, curve.as_ref())), CertKey::Supported)
}

/// A parsed, unencrypted private key of a kind this console can serve (RSA
/// of 2048 bits or more, ECDSA P-256 or P-384: what browsers accept and
/// rustls signs with). Its `Debug` shows only its format and algorithm.
pub struct PrivateKey {
    format: KeyFormat,
    der: Zeroizing<Vec<u8>>,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("format", &self.format)
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Reads the one private key in `pem` (other blocks, such as the
    /// certificate of a combined file or `EC PARAMETERS`, are skipped).
    pub fn parse(pem: &[u8]) -> Result<PrivateKey, CertError> {
        // An encrypted key is named before anything else can fail on it:
        // PKCS#8 `ENCRYPTED PRIVATE KEY`, or OpenSSL's legacy
        // `Proc-Type: 4,ENCRYPTED` header on a PKCS#1 or SEC1 key.
        if contains(pem, b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(pem, b"Proc-Type: 4,ENCRYPTED") {
            return Err(CertError::EncryptedKey);
        }
        let blocks = pem_text::blocks(pem, CertField::PrivateKey)?;
        let mut keys = Vec::new();
        let mut certificates = 0;
        for block in blocks {
            let format = match block.label.as_str() {
                "PRIVATE KEY" => KeyFormat::Pkcs8,
                "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
                "EC PRIVATE KEY" => KeyFormat::Sec1,
                "CERTIFICATE" => {
                    certificates += 1;
                    continue;
                }
                "OPENSSH PRIVATE KEY" => return Err(CertError::UnsupportedKey { algorithm: "OpenSSH-format".into() }),
                "DSA PRIVATE KEY" => return Err(CertError::UnsupportedKey { algorithm: "DSA".into() }),
                label if label.ends_with("PRIVATE KEY") => {
                    return Err(CertError::UnexpectedBlock { field: CertField::PrivateKey, label: shown_label(label) });
                }
                _ => continue,
            };
            keys.push((format, block.contents));
        }
        let (format, der) = match keys.len() {
            0 if certificates > 0 => return Err(CertError::CertificateInKeyField),
            0 => return Err(CertError::NoPrivateKey),
            1 => keys.remove(0),
            _ => return Err(CertError::MultiplePrivateKeys),
        };
        let public = public_key(format, &der)?;
        Ok(PrivateKey { format, der, public })
    }

    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// "RSA 2048", "ECDSA P-256".
    pub fn algorithm(&self) -> String {
        self.public.describe()
    }

    /// The key's DER bytes, in [`PrivateKey::format`]: for rustls
    /// (`PrivateKeyDer`) and for encrypting at rest. Secret.
    pub fn secret_der(&self) -> &[u8] {
        &self.der
    }

    /// The key as normalised PEM text (one block, nothing around it). Secret.
    pub fn to_pem(&self) -> Zeroizing<String> {
        let block = pem::Pem::new(self.format.label(), self.der.to_vec());
        let text =
            Zeroizing::new(pem::encode_config(&block, pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF)));
        // `Pem` does not zero its copy of the contents.
        let mut contents = block.into_contents();
        zeroize::Zeroize::zeroize(&mut contents);
        text
    }

    pub(super) fn public(&self) -> &PublicKey {
        &self.public
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The public key of a private key, checked to be one this console serves.
/// Errors name the format, never the key's bytes or a decoder's message.
fn public_key(format: KeyFormat, der: &[u8]) -> Result<PublicKey, CertError> {
    let unparseable = CertError::KeyUnparseable { format };
    let public = match format {
        KeyFormat::Pkcs1 => rsa_public(der).ok_or(unparseable)?,
        KeyFormat::Sec1 => {
            let key = sec1::EcPrivateKey::from_der(der).map_err(|_| unparseable.clone())?;
            let Some(sec1::EcParameters::NamedCurve(curve)) = key.parameters else {
                return Err(CertError::KeyUnparseable { format });
            };
            ec_public(&curve, key, format)?
        }
        KeyFormat::Pkcs8 => {
            let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|_| unparseable.clone())?;
            let oid = info.algorithm.oid;
            let curve = info.algorithm.parameters.and_then(|p: AnyRef<'_>| p.decode_as::<ObjectIdentifier>().ok());
            let inner = info.private_key.as_bytes();
            if oid == RSA_ENCRYPTION {
                rsa_public(inner).ok_or(unparseable)?
            } else if oid == EC_PUBLIC_KEY {
                let key = sec1::EcPrivateKey::from_der(inner).map_err(|_| unparseable.clone())?;
                // The curve is named by PKCS#8; SEC1's own field may repeat it.
                let curve = curve.ok_or(unparseable.clone())?;
                ec_public(&curve, key, format)?
            } else {
                return Err(CertError::UnsupportedKey { algorithm: algorithm_name(&oid, curve.as_ref()) });
            }
        }
    };
    if let PublicKey::Rsa { modulus, .. } = &public {
        let bits = rsa_bits(modulus);
        if bits < RSA_MIN_BITS {
            return Err(CertError::RsaKeyTooSmall { bits });
        }
        if bits > RSA_MAX_BITS {
            return Err(CertError::RsaKeyTooLarge { bits });
        }
    }
    Ok(public)
}

/// RSA's public key is inside its private key (`modulus`, `publicExponent`).
/// Only two-prime keys: rustls serves no other kind.
fn rsa_public(der: &[u8]) -> Option<PublicKey> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(der).ok()?;
    if key.other_prime_infos.is_some() {
        return None;
    }
    Some(PublicKey::Rsa {
        modulus: strip_zeros(key.modulus.as_bytes()).to_vec(),
        exponent: strip_zeros(key.public_exponent.as_bytes()).to_vec(),
    })
}

/// An EC key's public point, derived from its secret scalar. A public point
/// stored beside the scalar must be that point, and a curve named inside
/// SEC1 must be the one PKCS#8 names: otherwise the key is inconsistent.
fn ec_public(curve: &ObjectIdentifier, key: sec1::EcPrivateKey<'_>, format: KeyFormat) -> Result<PublicKey, CertError> {
    let unparseable = CertError::KeyUnparseable { format };
    if key.parameters.is_some_and(|sec1::EcParameters::NamedCurve(own)| own != *curve) {
        return Err(unparseable);
    }
    macro_rules! derive {
        ($curve:ident, $variant:ident) => {{
            let public = $curve::SecretKey::from_slice(key.private_key).map_err(|_| unparseable.clone())?.public_key();
            match key.public_key {
                Some(stored) if $curve::PublicKey::from_sec1_bytes(stored).ok() != Some(public) => Err(unparseable),
                _ => Ok(PublicKey::$variant(public)),
            }
        }};
    }
    if *curve == SECP256R1 {
        derive!(p256, P256)
    } else if *curve == SECP384R1 {
        derive!(p384, P384)
    } else {
        Err(CertError::UnsupportedKey { algorithm: algorithm_name(&EC_PUBLIC_KEY, Some(curve)) })
    }
}

/// Whether `bytes` is a DER private key (PKCS#8, PKCS#1 or SEC1), to name a
/// binary key upload.
pub(super) fn is_der_private_key(bytes: &[u8]) -> bool {
    pkcs8::PrivateKeyInfoRef::from_der(bytes).is_ok()
        || pkcs1::RsaPrivateKeyRef::from_der(bytes).is_ok()
        || sec1::EcPrivateKey::from_der(bytes).is_ok()
}
