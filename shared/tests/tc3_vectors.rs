//! Every golden vector of `../shared/tc3-vectors.json` (copied into
//! tests/data): payload hash, canonical-request hash, signature and the
//! Authorization header, and the verifier accepts each one.

use console_shared::tc3::{self, CanonicalInput, IncomingRequest};
use console_shared::time::utc_date;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    secret_id: String,
    secret_key: String,
    service: String,
    host: String,
    action: String,
    timestamp: i64,
    method: String,
    query: String,
    content_type: String,
    signed_headers: String,
    body: String,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    payload_sha256: String,
    canonical_request_sha256: String,
    signature: String,
    authorization: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/tc3-vectors.json");
    serde_json::from_str::<File>(text).expect("vectors parse").vectors
}

fn header_value(v: &Vector, name: &str) -> Option<String> {
    match name {
        "content-type" => Some(v.content_type.clone()),
        "host" => Some(v.host.clone()),
        "x-tc-action" => Some(v.action.clone()),
        "x-tc-timestamp" => Some(v.timestamp.to_string()),
        _ => None,
    }
}

#[test]
fn every_vector_signs_exactly() {
    let vs = vectors();
    assert!(vs.len() >= 4, "expected the four vectors of CLOUD-API.md §3.2");
    for v in &vs {
        let input = CanonicalInput {
            method: &v.method,
            query: &v.query,
            headers: v.signed_headers.split(';').map(|h| (h.to_string(), header_value(v, h).unwrap())).collect(),
            payload_hash: tc3::sha256_hex(v.body.as_bytes()),
        };
        assert_eq!(input.payload_hash, v.expect.payload_sha256, "{}: payload", v.name);
        assert_eq!(input.signed_headers(), v.signed_headers, "{}: signed headers", v.name);
        let canonical = input.canonical_request();
        assert_eq!(tc3::sha256_hex(canonical.as_bytes()), v.expect.canonical_request_sha256, "{}: canonical", v.name);
        let date = utc_date(v.timestamp);
        let sig = tc3::signature(&v.secret_key, &date, &v.service, v.timestamp, &canonical);
        assert_eq!(sig, v.expect.signature, "{}: signature", v.name);
        let auth = tc3::authorization(&v.secret_id, &date, &v.service, &v.signed_headers, &sig);
        assert_eq!(auth, v.expect.authorization, "{}: authorization", v.name);
    }
}

#[test]
fn verifier_accepts_every_vector_and_refuses_tampering() {
    for v in vectors() {
        let lookup = |name: &str| -> Option<String> {
            if name == "authorization" { Some(v.expect.authorization.clone()) } else { header_value(&v, name) }
        };
        let secret = |id: &str| (id == v.secret_id).then(|| v.secret_key.clone());
        let req = IncomingRequest { method: &v.method, query: &v.query, header: lookup, body: v.body.as_bytes() };
        let ok = tc3::verify(&req, secret, v.timestamp + 10).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(ok.service, v.service);

        let tampered = format!("{} ", v.body);
        let req = IncomingRequest { method: &v.method, query: &v.query, header: lookup, body: tampered.as_bytes() };
        assert_eq!(tc3::verify(&req, secret, v.timestamp).unwrap_err(), tc3::AuthError::SignatureFailure, "{}", v.name);

        let req = IncomingRequest { method: &v.method, query: &v.query, header: lookup, body: v.body.as_bytes() };
        assert_eq!(tc3::verify(&req, secret, v.timestamp + 301).unwrap_err(), tc3::AuthError::SignatureExpire);
        assert_eq!(tc3::verify(&req, |_: &str| None, v.timestamp).unwrap_err(), tc3::AuthError::SecretIdNotFound);
    }
}

#[test]
fn sign_json_post_round_trips_through_verify() {
    let cred = tc3::Credential { secret_id: "AKIDlocal".into(), secret_key: "key".into() };
    let body = br#"{"EnvId":"prod-1"}"#;
    let target = tc3::Target {
        service: "tcbr",
        host: "127.0.0.1:4566",
        action: "DescribeEnvBaseInfo",
        version: "2022-02-17",
        region: None,
    };
    let signed = tc3::sign_json_post(&cred, target, 1_700_000_000, body);
    let lookup = |name: &str| signed.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let req = IncomingRequest { method: "POST", query: "", header: lookup, body };
    let ok = tc3::verify(&req, |id| (id == "AKIDlocal").then(|| "key".to_string()), 1_700_000_100).unwrap();
    assert_eq!(ok.service, "tcbr");
}
