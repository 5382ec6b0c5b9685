//! Certificate checks (R-DOM-1, R-DOM-2) on certificates made here with
//! rcgen, plus the few fixtures rcgen cannot make (tests/data/certs/README.md).

use std::sync::LazyLock;

use console_shared::certs::{
    self, CertChain, CertError, CertField, KeyFormat, PemProblem, PrivateKey, PrivateKeyPem, check_upload,
};
use proptest::prelude::*;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, date_time_ymd,
};

/// 2027-01-01 00:00:00 UTC: "now" in every test.
const NOW: i64 = 1_798_761_600;
/// 2026-01-01 and 2028-01-01: the validity of the fixtures that are valid.
const JAN_2026: i64 = 1_767_225_600;
const JAN_2028: i64 = 1_830_297_600;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/certs/{name}", env!("CARGO_MANIFEST_DIR"))).expect(name)
}

fn params(cn: &str, sans: &[&str], ca: bool) -> CertificateParams {
    let mut params = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    // Most general first, as CAs write names: shown most specific first.
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::OrganizationName, "Example, Inc.");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.use_authority_key_identifier_extension = true;
    params.not_before = date_time_ymd(2026, 1, 1);
    params.not_after = date_time_ymd(2028, 1, 1);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params
}

/// A root, an intermediate and a leaf for `www.example.com`, all P-256.
struct Pki {
    root: Certificate,
    intermediate: Certificate,
    leaf: Certificate,
    leaf_key: KeyPair,
}

fn pki_with(leaf_params: CertificateParams, leaf_key: KeyPair) -> Pki {
    let root_key = KeyPair::generate().unwrap();
    let root_params = params("Example Root CA", &[], true);
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);
    let intermediate_key = KeyPair::generate().unwrap();
    let intermediate_params = params("Example Intermediate CA", &[], true);
    let intermediate = intermediate_params.signed_by(&intermediate_key, &root_issuer).unwrap();
    let intermediate_issuer = Issuer::new(intermediate_params, intermediate_key);
    let leaf = leaf_params.signed_by(&leaf_key, &intermediate_issuer).unwrap();
    Pki { root, intermediate, leaf, leaf_key }
}

fn pki() -> Pki {
    pki_with(params("www.example.com", &["www.example.com", "example.com"], false), KeyPair::generate().unwrap())
}

fn pem_of(certs: &[&Certificate]) -> String {
    certs.iter().map(|c| c.pem()).collect()
}

fn self_signed(sans: &[&str], key: &KeyPair, edit: impl FnOnce(&mut CertificateParams)) -> String {
    let mut params = params(sans.first().copied().unwrap_or("no-san"), sans, false);
    edit(&mut params);
    params.self_signed(key).unwrap().pem()
}

/// DER as base64 lines without the PEM BEGIN/END lines: a paste that lost them.
fn bare_base64(der: &[u8]) -> String {
    let text = pem::encode(&pem::Pem::new("X", der.to_vec()));
    text.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().join("\n")
}

// ---- valid ----

#[test]
fn r_dom_2_valid_chain_with_its_key_passes() {
    let pki = pki();
    let chain = pem_of(&[&pki.leaf, &pki.intermediate, &pki.root]);
    let checked = check_upload(chain.as_bytes(), pki.leaf_key.serialize_pem().as_bytes(), NOW).unwrap();
    let s = &checked.summary;
    assert_eq!(s.subject, "CN=www.example.com, O=Example\\, Inc.");
    assert_eq!(s.common_name.as_deref(), Some("www.example.com"));
    assert_eq!(s.issuer, "CN=Example Intermediate CA, O=Example\\, Inc.");
    assert_eq!(s.dns_names, ["www.example.com", "example.com"]);
    assert_eq!((s.not_before, s.not_after), (JAN_2026, JAN_2028));
    assert_eq!(s.days_left, 365);
    assert!(s.valid_now && !s.expires_soon && !s.self_signed);
    assert_eq!(s.chain_len, 3);
    assert_eq!(s.key_algorithm, "ECDSA P-256");
    assert_eq!(s.key_matches, Some(true));
    assert_eq!(s.covers_domain, None);
    assert_eq!(s.fingerprint_sha256.len(), 32 * 3 - 1);
    assert_eq!(checked.key.format(), KeyFormat::Pkcs8);
    assert_eq!(checked.chain.certificates_der().next(), Some(pki.leaf.der().as_ref()));
}

#[test]
fn r_dom_2_the_summary_tells_days_left_and_coverage_at_any_now() {
    let pki = pki();
    let chain = CertChain::parse(pem_of(&[&pki.leaf, &pki.intermediate]).as_bytes()).unwrap();
    let key = PrivateKey::parse(pki.leaf_key.serialize_pem().as_bytes()).unwrap();
    let late = JAN_2028 - 10 * 86_400;
    let s = chain.summary(late, Some("WWW.example.com"), Some(&key));
    assert_eq!((s.days_left, s.expires_soon, s.covers_domain, s.key_matches), (10, true, Some(true), Some(true)));
    assert_eq!(chain.summary(NOW, Some("api.example.com"), None).covers_domain, Some(false));
}

#[test]
fn rsa_keys_in_pkcs8_and_pkcs1_pass() {
    let pkcs8 = fixture("rsa2048.pkcs8.pem");
    let key = KeyPair::from_pem(&pkcs8).unwrap();
    let cert = self_signed(&["rsa.example.com"], &key, |_| {});
    for (text, format) in [(pkcs8, KeyFormat::Pkcs8), (fixture("rsa2048.pkcs1.pem"), KeyFormat::Pkcs1)] {
        let checked = check_upload(cert.as_bytes(), text.as_bytes(), NOW).unwrap();
        assert_eq!(checked.key.format(), format);
        assert_eq!(checked.summary.key_algorithm, "RSA 2048");
        assert!(checked.summary.self_signed);
    }
}

#[test]
fn ec_keys_in_sec1_with_parameters_or_without_public_point_pass() {
    let key = KeyPair::from_pem(&fixture("p256.pkcs8.pem")).unwrap();
    let cert = self_signed(&["ec.example.com"], &key, |_| {});
    // OpenSSL's `ecparam -genkey` output: an EC PARAMETERS block, then the key.
    for name in ["p256.sec1.pem", "p256.nopub.sec1.pem", "p256.pkcs8.pem"] {
        let checked =
            check_upload(cert.as_bytes(), fixture(name).as_bytes(), NOW).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(checked.summary.key_algorithm, "ECDSA P-256", "{name}");
    }
    assert_eq!(PrivateKey::parse(fixture("p256.sec1.pem").as_bytes()).unwrap().format(), KeyFormat::Sec1);
}

#[test]
fn an_ec_key_whose_stored_point_or_curve_disagrees_is_refused() {
    use sec1::der::{Decode, Encode};
    // The key block, after OpenSSL's EC PARAMETERS block.
    let ours = pem::parse_many(fixture("p256.sec1.pem")).unwrap().pop().unwrap().into_contents();
    let ours = sec1::EcPrivateKey::from_der(&ours).unwrap();
    let other_der = KeyPair::generate().unwrap().serialize_der();
    // Another key's public point, from the SEC1 structure inside its PKCS#8.
    let other_info = pkcs8::PrivateKeyInfoRef::from_der(&other_der).unwrap();
    let other = sec1::EcPrivateKey::from_der(other_info.private_key.as_bytes()).unwrap();
    let forged = sec1::EcPrivateKey { public_key: other.public_key, ..ours.clone() };
    let text = pem::encode(&pem::Pem::new("EC PRIVATE KEY", forged.to_der().unwrap()));
    assert_eq!(PrivateKey::parse(text.as_bytes()).unwrap_err(), CertError::KeyUnparseable { format: KeyFormat::Sec1 });
    let p384 = "1.3.132.0.34".parse().unwrap();
    let wrong_curve = sec1::EcPrivateKey { parameters: Some(sec1::EcParameters::NamedCurve(p384)), ..ours };
    let text = pem::encode(&pem::Pem::new("EC PRIVATE KEY", wrong_curve.to_der().unwrap()));
    assert!(PrivateKey::parse(text.as_bytes()).is_err());
}

#[test]
fn p384_keys_pass() {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let cert = self_signed(&["p384.example.com"], &key, |_| {});
    let checked = check_upload(cert.as_bytes(), key.serialize_pem().as_bytes(), NOW).unwrap();
    assert_eq!(checked.summary.key_algorithm, "ECDSA P-384");
}

#[test]
fn text_around_the_blocks_is_dropped_and_crlf_accepted() {
    let pki = pki();
    let messy = format!(
        "subject=CN = www.example.com\r\nissuer=CN = Example Intermediate CA\r\n{}\r\nBag Attributes\r\n{}",
        pki.leaf.pem().replace('\n', "\r\n"),
        pki.intermediate.pem()
    );
    let chain = CertChain::parse(messy.as_bytes()).unwrap();
    let normalised = chain.to_pem();
    assert_eq!(normalised, pem_of(&[&pki.leaf, &pki.intermediate]).replace("\r\n", "\n"));
    let again = CertChain::parse(normalised.as_bytes()).unwrap();
    assert!(again.certificates_der().eq(chain.certificates_der()));
    // A combined file (certificate then key) in the key field is fine.
    let combined = format!("{}{}", pki.leaf.pem(), pki.leaf_key.serialize_pem());
    let key = PrivateKey::parse(combined.as_bytes()).unwrap();
    assert!(chain.key_matches(&key));
    assert!(chain.key_matches(&PrivateKey::parse(key.to_pem().as_bytes()).unwrap()));
}

// ---- validity ----

#[test]
fn r_dom_2_an_expired_certificate_is_refused_but_still_shown() {
    let key = KeyPair::generate().unwrap();
    let cert = self_signed(&["old.example.com"], &key, |p| {
        p.not_before = date_time_ymd(2024, 1, 1);
        p.not_after = date_time_ymd(2026, 1, 1);
    });
    let err = check_upload(cert.as_bytes(), key.serialize_pem().as_bytes(), NOW).unwrap_err();
    assert_eq!(err, CertError::Expired { not_after: JAN_2026 });
    assert_eq!(err.code(), "InvalidParameter.CertificateExpired");
    assert_eq!(err.to_string(), "the certificate expired on 2026-01-01 00:00:00 UTC");
    let s = CertChain::parse(cert.as_bytes()).unwrap().summary(NOW, None, None);
    assert_eq!((s.valid_now, s.expires_soon, s.days_left), (false, true, -365));
}

#[test]
fn r_dom_2_a_certificate_not_yet_valid_is_refused() {
    let key = KeyPair::generate().unwrap();
    let cert = self_signed(&["new.example.com"], &key, |p| {
        p.not_before = date_time_ymd(2028, 1, 1);
        p.not_after = date_time_ymd(2029, 1, 1);
    });
    let err = check_upload(cert.as_bytes(), key.serialize_pem().as_bytes(), NOW).unwrap_err();
    assert_eq!(err, CertError::NotYetValid { not_before: JAN_2028 });
    assert_eq!(err.to_string(), "the certificate is not valid until 2028-01-01 00:00:00 UTC");
}

// ---- names ----

#[test]
fn r_dom_1_a_certificate_for_another_name_does_not_cover_the_domain() {
    let key = KeyPair::generate().unwrap();
    let chain = CertChain::parse(self_signed(&["example.com"], &key, |_| {}).as_bytes()).unwrap();
    assert!(chain.covers("example.com"));
    assert!(!chain.covers("www.example.com"));
    assert!(!chain.covers("example.org"));
    let err = certs::check_covers(chain.dns_names(), "example.org").unwrap_err();
    assert_eq!(err.to_string(), "the certificate does not cover example.org: it is for example.com");
    // Browsers ignore the common name: without SANs nothing is covered.
    let no_san = CertChain::parse(self_signed(&[], &key, |_| {}).as_bytes()).unwrap();
    assert!(no_san.dns_names().is_empty() && !no_san.covers("no-san"));
}

#[test]
fn r_dom_1_a_wildcard_covers_one_label() {
    let key = KeyPair::generate().unwrap();
    let chain = CertChain::parse(self_signed(&["*.example.com"], &key, |_| {}).as_bytes()).unwrap();
    assert!(chain.covers("a.example.com"));
    assert!(chain.covers("API.Example.com"));
    assert!(!chain.covers("example.com"));
    assert!(!chain.covers("a.b.example.com"));
    assert_eq!(certs::check_covers(chain.dns_names(), "shop.example.com"), Ok(()));
}

// ---- keys ----

#[test]
fn r_dom_2_a_key_of_another_certificate_is_refused() {
    let key = KeyPair::generate().unwrap();
    let cert = self_signed(&["example.com"], &key, |_| {});
    let other = KeyPair::generate().unwrap();
    let err = check_upload(cert.as_bytes(), other.serialize_pem().as_bytes(), NOW).unwrap_err();
    assert_eq!(err, CertError::KeyMismatch);
    assert_eq!(err.code(), "InvalidParameter.CertificateKeyMismatch");
    assert_eq!(err.field(), None);
    // Another algorithm altogether.
    let rsa = fixture("rsa2048.pkcs1.pem");
    assert_eq!(check_upload(cert.as_bytes(), rsa.as_bytes(), NOW).unwrap_err(), CertError::KeyMismatch);
    let chain = CertChain::parse(cert.as_bytes()).unwrap();
    let other = PrivateKey::parse(other.serialize_pem().as_bytes()).unwrap();
    assert_eq!(chain.summary(NOW, None, Some(&other)).key_matches, Some(false));
}

#[test]
fn r_dom_2_an_encrypted_key_is_refused() {
    for name in ["p256.encrypted.pkcs8.pem", "rsa2048.encrypted.pkcs1.pem"] {
        let err = PrivateKey::parse(fixture(name).as_bytes()).unwrap_err();
        assert_eq!(err, CertError::EncryptedKey, "{name}");
        assert_eq!(err.code(), "InvalidParameter.PrivateKey");
        assert!(err.to_string().starts_with("the private key is encrypted with a passphrase"));
    }
}

#[test]
fn unsupported_and_weak_keys_are_refused() {
    let err = PrivateKey::parse(fixture("rsa1024.pkcs1.pem").as_bytes()).unwrap_err();
    assert_eq!(err, CertError::RsaKeyTooSmall { bits: 1024 });
    let ed = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let err = PrivateKey::parse(ed.serialize_pem().as_bytes()).unwrap_err();
    assert_eq!(err, CertError::UnsupportedKey { algorithm: "Ed25519".into() });
    // The certificate still shows what it is.
    let cert = self_signed(&["ed.example.com"], &ed, |_| {});
    assert_eq!(CertChain::parse(cert.as_bytes()).unwrap().summary(NOW, None, None).key_algorithm, "Ed25519");
}

#[test]
fn the_key_field_holds_exactly_one_private_key() {
    let a = KeyPair::generate().unwrap().serialize_pem();
    let b = KeyPair::generate().unwrap().serialize_pem();
    assert_eq!(PrivateKey::parse(format!("{a}{b}").as_bytes()).unwrap_err(), CertError::MultiplePrivateKeys);
    let pki = pki();
    assert_eq!(PrivateKey::parse(pki.leaf.pem().as_bytes()).unwrap_err(), CertError::CertificateInKeyField);
    let params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    assert_eq!(PrivateKey::parse(params.as_bytes()).unwrap_err(), CertError::NoPrivateKey);
    let mangled = a.replace("PRIVATE KEY", "RSA PRIVATE KEY");
    assert_eq!(
        PrivateKey::parse(mangled.as_bytes()).unwrap_err(),
        CertError::KeyUnparseable { format: KeyFormat::Pkcs1 }
    );
}

// ---- not PEM (R-DOM-2) ----

#[test]
fn r_dom_2_der_is_refused_with_the_conversion() {
    let pki = pki();
    let err = CertChain::parse(pki.leaf.der()).unwrap_err();
    assert_eq!(err, CertError::Der { field: CertField::Certificate });
    assert_eq!(err.code(), "InvalidParameter.CertificateFormat");
    assert!(err.to_string().contains("openssl x509 -inform der"));
    let err = PrivateKey::parse(&pki.leaf_key.serialize_der()).unwrap_err();
    assert_eq!(err, CertError::Der { field: CertField::PrivateKey });
    for key in [fixture("rsa2048.pkcs1.pem"), fixture("p256.sec1.pem")] {
        let der = pem::parse_many(&key).unwrap().pop().unwrap().into_contents();
        assert_eq!(PrivateKey::parse(&der).unwrap_err(), CertError::Der { field: CertField::PrivateKey });
    }
    // Base64 pasted without the BEGIN/END lines.
    let bare = bare_base64(pki.leaf.der());
    assert_eq!(
        CertChain::parse(bare.as_bytes()).unwrap_err(),
        CertError::MissingPemLines { field: CertField::Certificate }
    );
    let bare_key = bare_base64(&pki.leaf_key.serialize_der());
    assert_eq!(
        PrivateKey::parse(bare_key.as_bytes()).unwrap_err(),
        CertError::MissingPemLines { field: CertField::PrivateKey }
    );
    // Each in the other's field, binary or bare.
    assert_eq!(CertChain::parse(&pki.leaf_key.serialize_der()).unwrap_err(), CertError::PrivateKeyInCertificate);
    assert_eq!(CertChain::parse(bare_key.as_bytes()).unwrap_err(), CertError::PrivateKeyInCertificate);
    assert_eq!(PrivateKey::parse(pki.leaf.der()).unwrap_err(), CertError::CertificateInKeyField);
    assert_eq!(PrivateKey::parse(bare.as_bytes()).unwrap_err(), CertError::CertificateInKeyField);
}

#[test]
fn r_dom_2_pkcs12_is_refused_with_the_conversion() {
    let p12 = std::fs::read(format!("{}/tests/data/certs/site.p12", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let err = CertChain::parse(&p12).unwrap_err();
    assert_eq!(err, CertError::Pkcs12 { field: CertField::Certificate });
    assert!(err.to_string().contains("openssl pkcs12 -in site.pfx -nokeys"));
    assert_eq!(PrivateKey::parse(&p12).unwrap_err(), CertError::Pkcs12 { field: CertField::PrivateKey });
    let pasted = bare_base64(&p12);
    assert_eq!(CertChain::parse(pasted.as_bytes()).unwrap_err(), CertError::Pkcs12 { field: CertField::Certificate });
}

#[test]
fn r_dom_2_garbage_is_refused() {
    use CertField::Certificate as C;
    let cases: &[(&[u8], CertError)] = &[
        (b"", CertError::Empty { field: C }),
        (b"  \n\t", CertError::Empty { field: C }),
        (b"hello, world", CertError::NotPem { field: C, binary: false }),
        (b"\x00\x01\x02\xff\xfe", CertError::NotPem { field: C, binary: true }),
        (b"\x01\x02 text with a control", CertError::NotPem { field: C, binary: true }),
        (
            b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            CertError::MalformedPem { field: C, problem: PemProblem::Base64 },
        ),
        (b"-----BEGIN CERTIFICATE-----\nMIIB\n", CertError::MalformedPem { field: C, problem: PemProblem::Framing }),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n",
            CertError::MalformedPem { field: C, problem: PemProblem::MismatchedLabels },
        ),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            CertError::CertificateUnparseable { index: 1, reason: String::new() },
        ),
        (
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            CertError::UnexpectedBlock { field: C, label: "PUBLIC KEY".into() },
        ),
    ];
    for (input, want) in cases {
        let got = CertChain::parse(input).unwrap_err();
        match (want, &got) {
            (CertError::CertificateUnparseable { index, .. }, CertError::CertificateUnparseable { index: i, .. }) => {
                assert_eq!(index, i)
            }
            _ => assert_eq!(&got, want, "{:?}", String::from_utf8_lossy(input)),
        }
    }
    let huge = vec![b'A'; certs::MAX_PEM_BYTES + 1];
    assert_eq!(CertChain::parse(&huge).unwrap_err(), CertError::TooLarge { field: C, max: certs::MAX_PEM_BYTES });
}

#[test]
fn r_dom_2_a_key_or_csr_in_the_certificate_field_is_refused() {
    let key = KeyPair::generate().unwrap();
    assert_eq!(CertChain::parse(key.serialize_pem().as_bytes()).unwrap_err(), CertError::PrivateKeyInCertificate);
    let pki = pki();
    let with_key = format!("{}{}", pki.leaf.pem(), pki.leaf_key.serialize_pem());
    assert_eq!(CertChain::parse(with_key.as_bytes()).unwrap_err(), CertError::PrivateKeyInCertificate);
    let mut csr_params = params("csr.example.com", &["csr.example.com"], false);
    csr_params.use_authority_key_identifier_extension = false;
    let csr = csr_params.serialize_request(&key).unwrap().pem().unwrap();
    assert_eq!(CertChain::parse(csr.as_bytes()).unwrap_err(), CertError::CertificateRequest);
}

// ---- order ----

#[test]
fn r_dom_2_a_chain_in_the_wrong_order_is_refused() {
    let pki = pki();
    let (leaf, int, root) = (&pki.leaf, &pki.intermediate, &pki.root);
    assert_eq!(CertChain::parse(pem_of(&[int, leaf]).as_bytes()).unwrap_err(), CertError::LeafNotFirst);
    assert_eq!(CertChain::parse(pem_of(&[root, int, leaf]).as_bytes()).unwrap_err(), CertError::LeafNotFirst);
    assert_eq!(
        CertChain::parse(pem_of(&[leaf, root, int]).as_bytes()).unwrap_err(),
        CertError::ChainBroken { index: 1 }
    );
    // Another PKI's root of the same name: the key identifiers tell them apart.
    let other = pki_with(params("other.example.com", &["other.example.com"], false), KeyPair::generate().unwrap());
    let unrelated = pem_of(&[leaf, int, &other.root]);
    assert_eq!(CertChain::parse(unrelated.as_bytes()).unwrap_err(), CertError::ChainBroken { index: 2 });
    let unrelated = pem_of(&[leaf, &other.intermediate]);
    assert_eq!(CertChain::parse(unrelated.as_bytes()).unwrap_err(), CertError::ChainBroken { index: 1 });
    let err = CertChain::parse(pem_of(&[int, leaf]).as_bytes()).unwrap_err();
    assert_eq!(err.code(), "InvalidParameter.CertificateChain");
    // The leaf alone, or with part of its chain, is in order.
    assert!(CertChain::parse(pem_of(&[leaf]).as_bytes()).is_ok());
    assert!(CertChain::parse(pem_of(&[leaf, int]).as_bytes()).is_ok());
}

#[test]
fn a_chain_holds_at_most_ten_certificates() {
    let key = KeyPair::generate().unwrap();
    let one = self_signed(&["loop.example.com"], &key, |_| {});
    let eleven = one.repeat(11);
    assert_eq!(CertChain::parse(eleven.as_bytes()).unwrap_err(), CertError::TooManyCertificates { max: 10 });
    assert_eq!(CertChain::parse(one.repeat(10).as_bytes()).unwrap().len(), 10);
}

// ---- the key never shows ----

#[test]
fn the_private_key_never_appears_in_debug_or_errors() {
    let pki = pki();
    let key_pem = pki.leaf_key.serialize_pem();
    let body_lines: Vec<&str> = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let leaks = |text: &str| body_lines.iter().any(|line| text.contains(&line[..line.len().min(16)]));

    let wrapped = PrivateKeyPem::new(key_pem.clone());
    assert_eq!(format!("{wrapped:?}"), "PrivateKeyPem(<redacted>)");
    let json = serde_json::to_string(&wrapped).unwrap();
    assert_eq!(serde_json::from_str::<PrivateKeyPem>(&json).unwrap().expose(), key_pem);

    let chain = pem_of(&[&pki.leaf, &pki.intermediate]);
    let checked = check_upload(chain.as_bytes(), wrapped.expose().as_bytes(), NOW).unwrap();
    assert!(!leaks(&format!("{checked:?}")), "{checked:?}");
    assert!(!leaks(&format!("{:#?}", checked.key)));

    // Keys broken in every way, and a key pasted where the certificate goes.
    let broken = [
        key_pem.replace("-----END PRIVATE KEY-----", ""),
        key_pem.replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
        key_pem.replacen('\n', "\n\n", 2),
        key_pem.replacen('M', "!", 1),
        key_pem.replace("PRIVATE KEY", "EC PRIVATE KEY"),
        key_pem.replace("-----BEGIN PRIVATE KEY-----", ""),
        // A BEGIN line without its closing dashes: the "label" runs into the key.
        key_pem.replace("-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY"),
        key_pem.replace("-----BEGIN PRIVATE KEY-----", "-----BEGIN SECRET").replace("END PRIVATE KEY", "END SECRET"),
        key_pem.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\n-----BEGIN X-----\n"),
        body_lines.concat(),
    ];
    for text in &broken {
        let err = PrivateKey::parse(text.as_bytes()).unwrap_err();
        assert!(!leaks(&err.to_string()) && !leaks(&format!("{err:?}")), "{err:?}");
        if let Err(err) = CertChain::parse(text.as_bytes()) {
            assert!(!leaks(&err.to_string()) && !leaks(&format!("{err:?}")), "{err:?}");
        }
    }
}

// ---- no input panics ----

/// A valid chain and its key, made once for the property tests.
static VALID: LazyLock<(String, String)> = LazyLock::new(|| {
    let pki = pki();
    (pem_of(&[&pki.leaf, &pki.intermediate, &pki.root]), pki.leaf_key.serialize_pem())
});

/// Runs every check on the inputs; only a panic can fail it.
fn run_all(chain: &[u8], key: &[u8], now: i64, domain: &str) {
    let _ = check_upload(chain, key, now);
    let key = PrivateKey::parse(key).ok();
    if let Ok(chain) = CertChain::parse(chain) {
        let _ = chain.summary(now, Some(domain), key.as_ref());
        let _ = chain.check_validity(now);
        let _ = chain.to_pem();
    }
    let _ = certs::domain_name(domain);
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match edit {
        Edit::Flip(at, mask) => {
            let at = at % bytes.len();
            bytes[at] ^= mask;
        }
        Edit::Delete(at, len) => {
            let at = at % bytes.len();
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Edit::Insert(at, new) => {
            let at = at % bytes.len();
            bytes.splice(at..at, new.iter().copied());
        }
        Edit::Truncate(at) => bytes.truncate(at % bytes.len()),
    }
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(a, m)| Edit::Flip(a, m)),
        (any::<usize>(), 1..64usize).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16)).prop_map(|(a, b)| Edit::Insert(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    proptest::collection::vec(edit, 1..6)
}

/// Re-encodes PEM text after editing each block's DER, so the edits reach
/// the X.509 and key decoders instead of stopping at base64.
fn edit_der(text: &str, edits: &[Edit]) -> String {
    let mut blocks = pem::parse_many(text).unwrap();
    for (i, block) in blocks.iter_mut().enumerate() {
        let mut der = block.contents().to_vec();
        if let Some(edit) = edits.get(i % edits.len()) {
            apply(&mut der, edit);
        }
        *block = pem::Pem::new(block.tag(), der);
    }
    pem::encode_many(&blocks)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_bytes_make_the_checks_panic(chain in proptest::collection::vec(any::<u8>(), 0..2048),
                                      key in proptest::collection::vec(any::<u8>(), 0..512),
                                      now in any::<i64>(), domain in "\\PC{0,80}") {
        run_all(&chain, &key, now, &domain);
    }

    #[test]
    fn no_edit_of_a_valid_upload_makes_the_checks_panic(chain_edits in edits(), key_edits in edits(), der in any::<bool>(),
                                                         now in prop_oneof![Just(NOW), any::<i64>()]) {
        let (chain, key) = &*VALID;
        let (chain, key) = if der {
            (edit_der(chain, &chain_edits).into_bytes(), edit_der(key, &key_edits).into_bytes())
        } else {
            let (mut chain, mut key) = (chain.clone().into_bytes(), key.clone().into_bytes());
            chain_edits.iter().for_each(|e| apply(&mut chain, e));
            key_edits.iter().for_each(|e| apply(&mut key, e));
            (chain, key)
        };
        run_all(&chain, &key, now, "www.example.com");
    }

    #[test]
    fn san_matching_takes_any_names(name in "[*a-zA-Z0-9.-]{0,30}", domain in "[*a-zA-Z0-9.-]{0,30}") {
        let covered = certs::name_covers(&name, &domain);
        // A wildcard never covers a name with fewer labels than itself.
        if name.starts_with("*.") && covered {
            let (n, d) = (name.strip_suffix('.').unwrap_or(&name), domain.strip_suffix('.').unwrap_or(&domain));
            prop_assert_eq!(n.matches('.').count(), d.matches('.').count());
        }
    }
}

// ---- the check the SPA asks for before binding ----

#[test]
fn r_dom_2_inspect_reports_every_problem_at_once_with_the_summary() {
    let pki = pki();
    let other = KeyPair::generate().unwrap();
    let chain = pem_of(&[&pki.leaf, &pki.intermediate]);
    let late = JAN_2028 + 86_400;
    let check = certs::inspect(chain.as_bytes(), Some(other.serialize_pem().as_bytes()), Some("api.example.com"), late);
    let codes: Vec<&str> = check.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "InvalidParameter.CertificateKeyMismatch",
            "InvalidParameter.CertificateExpired",
            "InvalidParameter.CertificateDomainMismatch"
        ]
    );
    let s = check.summary.unwrap();
    assert_eq!((s.key_matches, s.covers_domain, s.valid_now), (Some(false), Some(false), false));

    let good =
        certs::inspect(chain.as_bytes(), Some(pki.leaf_key.serialize_pem().as_bytes()), Some("example.com"), NOW);
    assert_eq!(good.problems, []);
    assert_eq!(good.summary.unwrap().covers_domain, Some(true));

    let garbage = certs::inspect(b"hello", Some(b"\x30\x82\x01"), None, NOW);
    assert!(garbage.summary.is_none());
    let fields: Vec<_> = garbage.problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, [Some(CertField::Certificate), Some(CertField::PrivateKey)]);
    assert!(garbage.problems.iter().all(|p| !p.message.is_empty()));
}
