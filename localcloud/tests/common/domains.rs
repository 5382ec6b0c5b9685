//! Certificates and domain bindings as the tests drive them: certificates
//! made here with rcgen, the ssl and tcb actions signed as any client signs
//! them, and every log line localcloud writes, kept to search for secrets.

use std::io::Write;
use std::sync::{Mutex, Once};

use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, Issuer, KeyPair, date_time_ymd};
use serde_json::{Value, json};

use super::{Call, Cloud};

/// A certificate to upload: its chain (leaf first) and its private key, PEM.
pub struct TestCert {
    pub chain: String,
    pub key: String,
    /// The key's PKCS#8 DER, to look for in the store.
    pub key_der: Vec<u8>,
}

/// Parameters valid from 2020 to 2080, for `names`, the first one the
/// common name.
pub fn params(names: &[&str]) -> CertificateParams {
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("no name"));
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2080, 1, 1);
    params
}

/// A self-signed certificate for `names`, valid now, after `edit`.
pub fn cert_with(names: &[&str], edit: impl FnOnce(&mut CertificateParams)) -> TestCert {
    let key = KeyPair::generate().unwrap();
    let mut params = params(names);
    edit(&mut params);
    let cert = params.self_signed(&key).unwrap();
    TestCert { chain: cert.pem(), key: key.serialize_pem(), key_der: key.serialize_der() }
}

pub fn cert(names: &[&str]) -> TestCert {
    cert_with(names, |_| {})
}

/// A leaf for `names` signed by an intermediate: (leaf, intermediate, leaf key).
pub fn issued(names: &[&str]) -> (Certificate, Certificate, KeyPair) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = params(&["Test Intermediate CA"]);
    ca.subject_alt_names.clear();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let intermediate = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = params(names).signed_by(&key, &issuer).unwrap();
    (leaf, intermediate, key)
}

pub fn ssl<'a>(action: &'a str, body: Value) -> Call<'a> {
    let mut call = Call::new("ssl", action, body);
    call.version = "2019-12-05";
    call
}

pub fn tcb(action: &str, body: Value) -> Call<'_> {
    Call::new("tcb", action, body)
}

/// `UploadCertificate` of a chain and key, answered as it is.
pub async fn upload_pem(cloud: &Cloud, chain: &str, key: &str) -> Value {
    ssl("UploadCertificate", json!({"CertificatePublicKey": chain, "CertificatePrivateKey": key})).send(cloud).await
}

/// Uploads `cert`; its id.
pub async fn upload(cloud: &Cloud, cert: &TestCert) -> String {
    let r = upload_pem(cloud, &cert.chain, &cert.key).await;
    r["CertificateId"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
}

/// The `Domain` of a create or modify call: `domain` with one route `/` to
/// `service`, and the protocol and certificate when given.
pub fn domain_param(domain: &str, service: &str, protocol: Option<&str>, cert: Option<&str>) -> Value {
    let mut d = json!({"Domain": domain, "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": service}]});
    if let Some(p) = protocol {
        d["Protocol"] = json!(p);
    }
    if let Some(c) = cert {
        d["CertId"] = json!(c);
    }
    d
}

/// `CreateHTTPServiceRoute`, answered as it is.
pub async fn create_route(cloud: &Cloud, env: &str, domain: Value) -> Value {
    tcb("CreateHTTPServiceRoute", json!({"EnvId": env, "Domain": domain})).send(cloud).await
}

/// `ModifyHTTPServiceRoute`, answered as it is.
pub async fn modify_route(cloud: &Cloud, env: &str, domain: Value) -> Value {
    tcb("ModifyHTTPServiceRoute", json!({"EnvId": env, "Domain": domain})).send(cloud).await
}

/// Binds `domain` to `service` (plain HTTP, unless a certificate is given:
/// then HTTPS), which must succeed.
pub async fn bind(cloud: &Cloud, env: &str, domain: &str, service: &str, cert: Option<&str>) {
    let protocol = if cert.is_some() { "HTTPS" } else { "HTTP" };
    let r = create_route(cloud, env, domain_param(domain, service, Some(protocol), cert)).await;
    assert!(r.get("Error").is_none(), "{r}");
}

/// `DescribeHTTPServiceRoute` with these extra fields.
pub async fn describe(cloud: &Cloud, env: &str, extra: Value) -> Value {
    let mut body = json!({"EnvId": env});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    tcb("DescribeHTTPServiceRoute", body).send(cloud).await
}

/// The one listed domain named `domain`.
pub async fn listed(cloud: &Cloud, env: &str, domain: &str) -> Value {
    let r = describe(cloud, env, json!({"Filters": [{"Name": "Domain", "Values": [domain]}]})).await;
    assert_eq!(r["TotalCount"], 1, "{r}");
    r["Domains"][0].clone()
}

/// Every log line written in this test binary since it began capturing.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static CAPTURING: Once = Once::new();

struct Captured;

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log event of this process, at every level, to [`logs`].
pub fn capture_logs() {
    CAPTURING.call_once(|| {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| Captured)
            .init();
    });
}

/// The log so far, as text.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}
