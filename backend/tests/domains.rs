//! Custom domains through the console (issue #11): the certificate check the
//! SPA asks for before binding, the proxy's own check and size cap on an
//! upload, and a bind–renew–unbind round trip whose audit names the domain
//! and the certificate, never the private key.

mod common;

use common::TestApp;
use rcgen::{CertificateParams, KeyPair, date_time_ymd};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A self-signed certificate for `names`, valid 2026–2036, and its key.
fn certificate(names: &[&str]) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.not_before = date_time_ymd(2026, 1, 1);
    params.not_after = date_time_ymd(2036, 1, 1);
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

/// The key's base64 body: what must never appear anywhere.
fn key_body(key_pem: &str) -> String {
    key_pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

async fn check(app: &TestApp, token: &str, body: Value) -> (StatusCode, String) {
    let resp = app.post("/api/certificates/check", Some(token)).json(&body).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

#[tokio::test]
async fn r_dom_2_the_check_shows_the_certificate_and_every_problem_and_never_the_key() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (cert, key) = certificate(&["*.example.com"]);
    let (status, text) =
        check(&app, &token, json!({"certificate": cert, "private_key": key, "domain": "api.example.com"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(!text.contains(&key_body(&key)), "the key is not echoed");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["problems"], json!([]));
    assert_eq!(answer["summary"]["dns_names"], json!(["*.example.com"]));
    assert_eq!(answer["summary"]["covers_domain"], true);
    assert_eq!(answer["summary"]["key_matches"], true);

    let (_, other_key) = certificate(&["x.example.com"]);
    let (_, text) =
        check(&app, &token, json!({"certificate": cert, "private_key": other_key, "domain": "example.com"})).await;
    let answer: Value = serde_json::from_str(&text).unwrap();
    let codes: Vec<&str> = answer["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["InvalidParameter.CertificateKeyMismatch", "InvalidParameter.CertificateDomainMismatch"]);

    let (status, _) = check(&app, &token, json!({"certificate": "A".repeat(70 * 1024)})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn r_dom_2_an_upload_is_checked_and_capped_before_it_leaves_and_audited_without_its_key() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (cert, key) = certificate(&["shop.example.com"]);
    let (_, wrong_key) = certificate(&["shop.example.com"]);
    let (status, answer) = app
        .cloud(
            &token,
            "ssl/UploadCertificate",
            json!({"CertificatePublicKey": cert, "CertificatePrivateKey": wrong_key}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "InvalidParameter.CertificateKeyMismatch", "{answer}");
    let huge = json!({"CertificatePublicKey": "A".repeat(70 * 1024), "CertificatePrivateKey": key});
    assert_eq!(app.cloud(&token, "ssl/UploadCertificate", huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    let (status, answer) = app
        .cloud(&token, "ssl/UploadCertificate", json!({"CertificatePublicKey": cert, "CertificatePrivateKey": key}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["CertificateId"].as_str().unwrap().to_string();
    let (status, detail) = app.cloud(&token, "ssl/DescribeCertificateDetail", json!({"CertificateId": id})).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["SubjectAltName"], json!(["shop.example.com"]));
    assert!(!detail.to_string().contains(&key_body(&key)));

    let audit = app.get("/api/audit", Some(&token)).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains("UploadCertificate"), "{audit}");
    assert!(!audit.contains(&key_body(&key)) && !audit.contains(&key_body(&wrong_key)), "no key in the audit");
}

#[tokio::test]
async fn r_dom_4_bind_renew_and_unbind_through_the_console_are_audited_on_the_service() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 20).await;
    let token = app.login().await;
    let env = app.new_env(&token, "ap-shanghai", "dom").await;
    let create = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.27"}});
    let (status, answer) = app.cloud(&token, "tcbr/CreateCloudRunServer", create).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let upload = |cert: String, key: String| {
        let (app, token) = (&app, &token);
        async move {
            let body = json!({"CertificatePublicKey": cert, "CertificatePrivateKey": key});
            let (status, answer) = app.cloud(token, "ssl/UploadCertificate", body).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["CertificateId"].as_str().unwrap().to_string()
        }
    };
    let (cert, key) = certificate(&["shop.example.com"]);
    let first = upload(cert, key).await;
    let bind = |cert_id: &str| {
        json!({"EnvId": env, "Domain": {"Domain": "shop.example.com", "Protocol": "HTTPS", "CertId": cert_id,
            "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "shop"}]}})
    };
    let (status, answer) = app.cloud(&token, "tcb/CreateHTTPServiceRoute", bind(&first)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = app.cloud(&token, "tcb/CreateHTTPServiceRoute", bind(&first)).await;
    assert_eq!(status, StatusCode::CONFLICT, "R-DOM-1: bound once: {answer}");

    let (cert, key) = certificate(&["shop.example.com"]);
    let renewed = upload(cert, key).await;
    let (status, answer) = app.cloud(&token, "tcb/ModifyHTTPServiceRoute", bind(&renewed)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, listed) = app.cloud(&token, "tcb/DescribeHTTPServiceRoute", json!({"EnvId": env})).await;
    assert_eq!(listed["Domains"][0]["CertId"], renewed.as_str(), "{listed}");
    assert!(listed["Domains"][0]["Cname"].as_str().is_some_and(|c| !c.is_empty()), "{listed}");

    let unbind = json!({"EnvId": env, "Domain": "shop.example.com"});
    assert_eq!(app.cloud(&token, "tcb/DeleteHTTPServiceRoute", unbind).await.0, StatusCode::OK);
    let (_, listed) = app.cloud(&token, "tcb/DescribeHTTPServiceRoute", json!({"EnvId": env})).await;
    assert_eq!(listed["Domains"], json!([]));

    let audit = app.get(&format!("/api/audit?env={env}"), Some(&token)).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains(&format!("shop.example.com HTTPS {renewed}")), "the renewal names its certificate: {audit}");
    assert!(audit.contains("DeleteHTTPServiceRoute"), "{audit}");
}
