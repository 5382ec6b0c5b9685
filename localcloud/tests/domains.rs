//! Custom domains and their certificates through the signed API (R-DOM-1..4,
//! R-SVC-5): ssl UploadCertificate / DescribeCertificateDetail and the tcb
//! HTTP access-service routes, each rule with its error code. The gateway's
//! side (serving over TLS by SNI) is tests/domains_tls.rs.

mod common;

use common::domains::{
    TestCert, bind, capture_logs, cert, cert_with, create_route, describe, domain_param, issued, listed, logs,
    modify_route, ssl, tcb, upload, upload_pem,
};
use common::releases::create;
use common::{Call, Cloud, code, create_env, start};
use rcgen::date_time_ymd;
use serde_json::{Value, json};

fn ok(r: &Value) {
    assert!(r.get("Error").is_none(), "{r}");
}

fn message(r: &Value) -> &str {
    r["Error"]["Message"].as_str().unwrap_or_else(|| panic!("no message: {r}"))
}

/// An environment with the services `names`, running.
async fn env_with(cloud: &Cloud, alias: &str, names: &[&str]) -> String {
    let env = create_env(cloud, "ap-shanghai", alias).await;
    for name in names {
        create(cloud, &env, name, "nginx:1", "hello").await;
    }
    env
}

/// The base64 lines of a PEM text (its body, without BEGIN/END).
fn body_lines(pem: &str) -> Vec<&str> {
    pem.lines().filter(|l| !l.starts_with("-----") && !l.is_empty()).collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../shared/tests/data/certs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[tokio::test]
async fn r_dom_2_an_uploaded_certificate_is_described_without_its_key() {
    let cloud = start().await;
    let (leaf, intermediate, key) = issued(&["www.example.com", "example.com"]);
    let chain = format!("{}{}", leaf.pem(), intermediate.pem());
    let r = ssl(
        "UploadCertificate",
        json!({"CertificatePublicKey": chain, "CertificatePrivateKey": key.serialize_pem(), "Alias": "shop"}),
    )
    .send(&cloud)
    .await;
    ok(&r);
    let id = r["CertificateId"].as_str().unwrap();
    assert!(id.starts_with("lc-") && id.len() == 11, "{id}");
    assert!(r.get("RepeatCertId").is_none(), "{r}");

    let d = ssl("DescribeCertificateDetail", json!({"CertificateId": id})).send(&cloud).await;
    ok(&d);
    assert_eq!(d["CertificateId"], id);
    assert_eq!(d["Domain"], "www.example.com");
    assert_eq!(d["SubjectAltName"], json!(["www.example.com", "example.com"]));
    // Tencent's times: UTC+8.
    assert_eq!(
        (d["CertBeginTime"].as_str(), d["CertEndTime"].as_str()),
        (Some("2020-01-01 08:00:00"), Some("2080-01-01 08:00:00"))
    );
    assert_eq!(
        (d["Status"].as_u64(), d["Alias"].as_str(), d["CertificateType"].as_str()),
        (Some(1), Some("shop"), Some("SVR"))
    );
    let text = d.to_string();
    assert!(!text.contains("PrivateKey") && !text.contains("PRIVATE"), "{text}");
    for line in body_lines(&key.serialize_pem()) {
        assert!(!text.contains(line), "the key's text in {text}");
    }

    let r = ssl("DescribeCertificateDetail", json!({"CertificateId": "lc-nothere"})).send(&cloud).await;
    assert_eq!(code(&r), "FailedOperation.CertificateNotFound", "{r}");
}

#[tokio::test]
async fn r_dom_2_bad_uploads_are_refused_with_their_code() {
    let cloud = start().await;
    let good = cert(&["www.example.com"]);
    let expired = cert_with(&["www.example.com"], |p| {
        p.not_before = date_time_ymd(2000, 1, 1);
        p.not_after = date_time_ymd(2001, 1, 1);
    });
    let not_yet = cert_with(&["www.example.com"], |p| {
        p.not_before = date_time_ymd(2080, 1, 1);
        p.not_after = date_time_ymd(2090, 1, 1);
    });
    let other = cert(&["www.example.com"]);
    let (leaf, intermediate, leaf_key) = issued(&["www.example.com"]);
    let wrong_order = format!("{}{}", intermediate.pem(), leaf.pem());
    let der = String::from_utf8_lossy(leaf.der()).into_owned();
    let huge = format!("{}{}", good.chain, "x".repeat(70 * 1024));
    let cases: [(&str, &str, String, &str); 9] = [
        ("expired", &expired.chain, expired.key.clone(), "InvalidParameter.CertificateExpired"),
        ("not yet valid", &not_yet.chain, not_yet.key.clone(), "InvalidParameter.CertificateNotYetValid"),
        ("another certificate's key", &good.chain, other.key.clone(), "InvalidParameter.CertificateKeyMismatch"),
        ("an encrypted key", &good.chain, fixture("p256.encrypted.pkcs8.pem"), "InvalidParameter.PrivateKey"),
        ("DER", &der, leaf_key.serialize_pem(), "InvalidParameter.CertificateFormat"),
        ("garbage", "hello, certificate", good.key.clone(), "InvalidParameter.CertificateFormat"),
        ("the chain in the wrong order", &wrong_order, leaf_key.serialize_pem(), "InvalidParameter.CertificateChain"),
        ("an empty key", &good.chain, String::new(), "InvalidParameter.CertificateFormat"),
        ("a text over the size cap", &huge, good.key.clone(), "InvalidParameter.CertificateFormat"),
    ];
    for (what, chain, key, want) in cases {
        let r = upload_pem(&cloud, chain, &key).await;
        assert_eq!(code(&r), want, "{what}: {r}");
        assert!(!message(&r).is_empty(), "{what}");
        for line in body_lines(&key) {
            assert!(!message(&r).contains(line), "{what}: the key in the message {r}");
        }
    }
    let r = upload_pem(&cloud, &expired.chain, &expired.key).await;
    assert!(message(&r).starts_with("the certificate expired on 2001-01-01"), "{r}");

    let r = ssl("UploadCertificate", json!({"CertificatePublicKey": good.chain})).send(&cloud).await;
    assert_eq!(code(&r), "MissingParameter", "{r}");
    let r = ssl(
        "UploadCertificate",
        json!({"CertificatePublicKey": good.chain, "CertificatePrivateKey": good.key, "CertificateType": "CA"}),
    )
    .send(&cloud)
    .await;
    assert_eq!(code(&r), "UnsupportedOperation", "{r}");
    let r = ssl(
        "UploadCertificate",
        json!({"CertificatePublicKey": good.chain, "CertificatePrivateKey": good.key, "CertificateType": "XYZ"}),
    )
    .send(&cloud)
    .await;
    assert_eq!(code(&r), "InvalidParameterValue", "{r}");
}

#[tokio::test]
async fn r_dom_2_the_same_certificate_twice_answers_its_first_id() {
    let cloud = start().await;
    let c = cert(&["www.example.com"]);
    let first = upload(&cloud, &c).await;
    let again = upload_pem(&cloud, &c.chain, &c.key).await;
    assert_eq!(
        (again["CertificateId"].as_str(), again["RepeatCertId"].as_str()),
        (Some(first.as_str()), Some(first.as_str()))
    );
    let repeat = ssl(
        "UploadCertificate",
        json!({"CertificatePublicKey": c.chain, "CertificatePrivateKey": c.key, "Repeatable": true}),
    )
    .send(&cloud)
    .await;
    ok(&repeat);
    assert_ne!(repeat["CertificateId"], first.as_str(), "Repeatable uploads it again: {repeat}");
    assert!(repeat.get("RepeatCertId").is_none(), "{repeat}");
}

#[tokio::test]
async fn r_dom_1_a_domain_bound_twice_is_refused() {
    let cloud = start().await;
    let env = env_with(&cloud, "one", &["api", "web"]).await;
    let other_env = env_with(&cloud, "two", &["site"]).await;
    bind(&cloud, &env, "api.example.com", "api", None).await;

    for (in_env, service, name) in
        [(&env, "web", "api.example.com"), (&env, "api", "API.Example.com"), (&other_env, "site", "api.example.com")]
    {
        let r = create_route(&cloud, in_env, domain_param(name, service, Some("HTTP"), None)).await;
        assert_eq!(code(&r), "ResourceInUse.Domain", "{name} in {in_env}: {r}");
        // Another environment's names are not told.
        let said =
            if *in_env == env { "bound to the service `api` in this environment" } else { "in another environment" };
        assert!(message(&r).contains(said), "{r}");
        assert!(*in_env == env || !message(&r).contains(env.as_str()), "{r}");
    }
    // Still bound where it was, once.
    assert_eq!(listed(&cloud, &env, "api.example.com").await["Routes"][0]["UpstreamResourceName"], "api");
    assert_eq!(describe(&cloud, &other_env, json!({})).await["TotalCount"], 0);

    // R-DOM-1: one service per domain, whatever its paths.
    let two = json!({"Domain": "two.example.com", "Protocol": "HTTP", "Routes": [
        {"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"},
        {"Path": "/web", "UpstreamResourceType": "CBR", "UpstreamResourceName": "web"}]});
    let r = create_route(&cloud, &env, two).await;
    assert_eq!(code(&r), "InvalidParameter", "{r}");
}

#[tokio::test]
async fn r_dom_2_https_needs_a_certificate_that_covers_the_domain() {
    let cloud = start().await;
    let env = env_with(&cloud, "tls", &["api"]).await;
    let other = upload(&cloud, &cert(&["other.example.com"])).await;
    let wildcard = upload(&cloud, &cert(&["*.example.com"])).await;

    for protocol in [Some("HTTPS"), Some("HTTP_TO_HTTPS"), Some("HTTPS_TO_HTTP"), None] {
        let r = create_route(&cloud, &env, domain_param("api.example.com", "api", protocol, None)).await;
        assert_eq!(code(&r), "InvalidParameter", "{protocol:?} without a certificate: {r}");
        assert!(message(&r).contains("needs a certificate"), "{r}");
    }
    let r = create_route(&cloud, &env, domain_param("api.example.com", "api", Some("HTTPS"), Some(&other))).await;
    assert_eq!(code(&r), "InvalidParameter.CertificateDomainMismatch", "{r}");
    assert_eq!(message(&r), "the certificate does not cover api.example.com: it is for other.example.com");
    let r = create_route(&cloud, &env, domain_param("api.example.com", "api", Some("HTTPS"), Some("lc-nothere"))).await;
    assert_eq!(code(&r), "FailedOperation.CertificateNotFound", "{r}");
    // A wildcard covers one label, not the bare domain.
    let r = create_route(&cloud, &env, domain_param("example.com", "api", Some("HTTPS"), Some(&wildcard))).await;
    assert_eq!(code(&r), "InvalidParameter.CertificateDomainMismatch", "{r}");

    let r = create_route(&cloud, &env, domain_param("api.example.com", "api", None, Some(&wildcard))).await;
    ok(&r);
    let d = listed(&cloud, &env, "api.example.com").await;
    assert_eq!((d["Protocol"].as_str(), d["CertId"].as_str()), (Some("HTTP_AND_HTTPS"), Some(wildcard.as_str())));
    // Plain HTTP needs none.
    bind(&cloud, &env, "plain.example.com", "api", None).await;
}

#[tokio::test]
async fn r_dom_1_an_invalid_domain_name_is_refused() {
    let cloud = start().await;
    let env = env_with(&cloud, "names", &["api"]).await;
    for name in ["", "*.example.com", "localhost", "a b.example.com", "192.168.1.1", "-a.example.com", "a..example.com"]
    {
        let r = create_route(&cloud, &env, domain_param(name, "api", Some("HTTP"), None)).await;
        assert_eq!(code(&r), "InvalidParameter.Domain", "{name:?}: {r}");
        assert!(message(&r).starts_with("The domain name "), "{r}");
    }
    // localcloud's own zone: a default domain (a deleted service's too, R-SVC-5)
    // or a CNAME target can never be taken over by a binding.
    for name in ["api-x.run.localhost", "x.gw.run.localhost", "RUN.localhost"] {
        let r = create_route(&cloud, &env, domain_param(name, "api", Some("HTTP"), None)).await;
        assert_eq!(code(&r), "InvalidParameter.Domain", "{name:?}: {r}");
        assert!(message(&r).contains("localcloud's own zone"), "{r}");
    }
}

#[tokio::test]
async fn unsupported_options_are_refused_with_what_localcloud_does() {
    let cloud = start().await;
    let env = env_with(&cloud, "opts", &["api"]).await;
    let route = json!({"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"});
    let with = |field: &str, value: Value| {
        let mut d = domain_param("api.example.com", "api", Some("HTTP"), None);
        d[field] = value;
        d
    };
    let with_route = |field: &str, value: Value| {
        let mut r = route.clone();
        r[field] = value;
        json!({"Domain": "api.example.com", "Protocol": "HTTP", "Routes": [r]})
    };
    let unsupported = [
        with("AccessType", json!("CDN")),
        with("CustomCname", json!("my.cdn.example.net")),
        with("Extension", json!({"RequestHeaders": [{"Key": "X-A", "Value": "1"}]})),
        with_route("PathRewrite", json!({"Prefix": "/v1"})),
        with_route("QPSPolicy", json!({"QPSTotal": 10})),
        with_route("EnableAuth", json!(true)),
        with_route("UpstreamResourceType", json!("SCF")),
    ];
    for d in unsupported {
        let r = create_route(&cloud, &env, d.clone()).await;
        assert_eq!(code(&r), "UnsupportedOperation", "{d}: {r}");
        assert!(message(&r).starts_with("localcloud does not support "), "{r}");
    }
    let refused = [
        (with_route("UpstreamResourceName", json!("nothere")), "ResourceNotFound.ServerNotFound"),
        (with_route("Path", json!("api")), "InvalidParameterValue"),
        (with("Routes", json!([])), "InvalidParameterValue"),
        (with("Routes", json!((0..21).map(|i| json!({"Path": format!("/{i}"), "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"})).collect::<Vec<_>>())), "InvalidParameterValue"),
        (with("Routes", json!([route, route])), "InvalidParameterValue"),
        (json!({"Domain": "api.example.com", "Protocol": "HTTP"}), "MissingParameter"),
        (with("Protocol", json!("GOPHER")), "InvalidParameterValue"),
    ];
    for (d, want) in refused {
        let r = create_route(&cloud, &env, d.clone()).await;
        assert_eq!(code(&r), want, "{d}: {r}");
    }
    let r = create_route(&cloud, "nothere-12345678", domain_param("api.example.com", "api", Some("HTTP"), None)).await;
    assert_eq!(code(&r), "ResourceNotFound", "{r}");
    assert_eq!(describe(&cloud, &env, json!({})).await["TotalCount"], 0, "nothing was bound");
}

#[tokio::test]
async fn r_dom_3_describe_shows_the_cname_target_and_the_dns_status() {
    let cloud = start().await;
    let env = env_with(&cloud, "dns", &["api"]).await;
    let c = upload(&cloud, &cert(&["api.example.com"])).await;
    let two_paths = json!({"Domain": "API.example.com", "Protocol": "HTTP_TO_HTTPS", "CertId": c, "Routes": [
        {"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"},
        {"Path": "/v2", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api", "Enable": false}]});
    ok(&create_route(&cloud, &env, two_paths).await);

    let r = describe(&cloud, &env, json!({})).await;
    assert_eq!(r["TotalCount"], 1, "{r}");
    assert_eq!(r["OriginDomain"], format!("run.localhost:{}", cloud.gateway.port()));
    let d = &r["Domains"][0];
    assert_eq!(d["Domain"], "api.example.com", "stored in lower case");
    assert_eq!((d["DomainType"].as_str(), d["AccessType"].as_str()), (Some("CBR"), Some("DIRECT")));
    assert_eq!((d["Protocol"].as_str(), d["CertId"].as_str()), (Some("HTTP_TO_HTTPS"), Some(c.as_str())));
    assert_eq!(d["Cname"], format!("{env}.gw.run.localhost"));
    assert_eq!((d["Enable"].as_bool(), d["IsDefault"].as_bool()), (Some(true), Some(false)));
    assert_eq!(d["Status"], "SUCCESS");
    let dns = d["DNSStatus"].as_str().unwrap();
    assert!(["OK", "EMPTY", "INVALID", "UNRESOLVED"].contains(&dns), "{d}");
    // This machine's resolvers know nothing of api.example.com's CNAME, if
    // they answer at all.
    assert!(["EMPTY", "UNRESOLVED"].contains(&dns), "{d}");
    assert_eq!(d["PlatformCnameDNSStatus"], dns, "no CNAME to any of the gateway's entrances either");
    let routes = d["Routes"].as_array().unwrap();
    assert_eq!(routes.len(), 2, "{d}");
    assert_eq!(routes[0]["Path"], "/");
    assert_eq!(
        (routes[0]["UpstreamResourceType"].as_str(), routes[0]["UpstreamResourceName"].as_str()),
        (Some("CBR"), Some("api"))
    );
    assert_eq!((routes[0]["Enable"].as_bool(), routes[1]["Enable"].as_bool()), (Some(true), Some(false)));
    let created = d["CreateTime"].as_str().unwrap();
    assert!(created.len() == 25 && created.ends_with("+08:00") && &created[10..11] == "T", "{created}");
    assert_eq!(routes[1]["CreateTime"], created);
}

#[tokio::test]
async fn describe_filters_and_pages() {
    let cloud = start().await;
    let env = env_with(&cloud, "pages", &["api", "web"]).await;
    bind(&cloud, &env, "a.example.com", "api", None).await;
    bind(&cloud, &env, "b.example.com", "web", None).await;
    let with_path = json!({"Domain": "c.example.com", "Protocol": "HTTP", "Routes": [
        {"Path": "/shop", "UpstreamResourceType": "CBR", "UpstreamResourceName": "web"}]});
    ok(&create_route(&cloud, &env, with_path).await);
    let names = |r: &Value| -> Vec<String> {
        r["Domains"].as_array().unwrap().iter().map(|d| d["Domain"].as_str().unwrap().to_string()).collect()
    };

    let all = describe(&cloud, &env, json!({})).await;
    assert_eq!(
        (all["TotalCount"].as_i64(), names(&all)),
        (Some(3), vec!["a.example.com".to_string(), "b.example.com".into(), "c.example.com".into()])
    );
    let page = describe(&cloud, &env, json!({"Offset": 1, "Limit": 1})).await;
    assert_eq!(
        (page["TotalCount"].as_i64(), names(&page)),
        (Some(3), vec!["b.example.com".to_string()]),
        "TotalCount before paging"
    );
    let past = describe(&cloud, &env, json!({"Offset": 5})).await;
    assert_eq!((past["TotalCount"].as_i64(), names(&past).len()), (Some(3), 0));

    let filter = |name: &str, values: Value| json!({"Filters": [{"Name": name, "Values": values}]});
    let r = describe(&cloud, &env, filter("Domain", json!(["B.example.com", "x.example.com"]))).await;
    assert_eq!(names(&r), ["b.example.com"]);
    let r = describe(&cloud, &env, filter("Path", json!(["/shop"]))).await;
    assert_eq!(names(&r), ["c.example.com"]);
    assert_eq!(describe(&cloud, &env, filter("DomainType", json!(["CBR"]))).await["TotalCount"], 3);
    assert_eq!(describe(&cloud, &env, filter("DomainType", json!(["HTTPSERVICE"]))).await["TotalCount"], 0);
    assert_eq!(describe(&cloud, &env, filter("UpstreamResourceType", json!(["CBR"]))).await["TotalCount"], 3);
    assert_eq!(describe(&cloud, &env, filter("UpstreamResourceType", json!(["SCF"]))).await["TotalCount"], 0);
    let both = json!({"Filters": [{"Name": "Path", "Values": ["/"]}, {"Name": "Domain", "Values": ["a.example.com"]}]});
    assert_eq!(names(&describe(&cloud, &env, both).await), ["a.example.com"], "filters add up");

    for bad in [json!({"Limit": 1001}), json!({"Limit": -1}), json!({"Offset": -1}), filter("Color", json!(["red"]))] {
        let r = describe(&cloud, &env, bad.clone()).await;
        assert_eq!(code(&r), "InvalidParameterValue", "{bad}: {r}");
    }
    let r = tcb("DescribeHTTPServiceRoute", json!({"EnvId": "nothere-12345678"})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound", "{r}");
}

#[tokio::test]
async fn r_dom_4_a_new_certificate_renews_the_binding_in_place() {
    let cloud = start().await;
    let env = env_with(&cloud, "renew", &["api"]).await;
    let other_env = env_with(&cloud, "else", &[]).await;
    let old = upload(&cloud, &cert(&["api.example.com"])).await;
    bind(&cloud, &env, "api.example.com", "api", Some(&old)).await;
    let before = listed(&cloud, &env, "api.example.com").await;

    let new = upload(&cloud, &cert(&["api.example.com", "www.example.com"])).await;
    ok(&modify_route(&cloud, &env, json!({"Domain": "api.example.com", "CertId": new})).await);
    let after = listed(&cloud, &env, "api.example.com").await;
    assert_eq!(after["CertId"], new.as_str());
    for kept in ["Protocol", "Cname", "Routes", "CreateTime", "Status"] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
    }

    // A certificate that does not cover the domain leaves the binding as it is.
    let wrong = upload(&cloud, &cert(&["other.example.com"])).await;
    let r = modify_route(&cloud, &env, json!({"Domain": "api.example.com", "CertId": wrong})).await;
    assert_eq!(code(&r), "InvalidParameter.CertificateDomainMismatch", "{r}");
    let r = modify_route(&cloud, &env, json!({"Domain": "api.example.com", "CertId": ""})).await;
    assert_eq!(code(&r), "InvalidParameter", "HTTPS without a certificate: {r}");
    assert_eq!(listed(&cloud, &env, "api.example.com").await["CertId"], new.as_str());

    // To plain HTTP, without the certificate.
    ok(&modify_route(&cloud, &env, json!({"Domain": "api.example.com", "Protocol": "HTTP", "CertId": ""})).await);
    let plain = listed(&cloud, &env, "api.example.com").await;
    assert_eq!((plain["Protocol"].as_str(), plain["CertId"].as_str()), (Some("HTTP"), Some("")));

    for (in_env, name) in [(&env, "nothere.example.com"), (&other_env, "api.example.com")] {
        let r = modify_route(&cloud, in_env, json!({"Domain": name, "CertId": new})).await;
        assert_eq!(code(&r), "ResourceNotFound.Domain", "{name} in {in_env}: {r}");
    }
}

#[tokio::test]
async fn r_dom_4_delete_unbinds_a_domain_or_some_of_its_paths() {
    let cloud = start().await;
    let env = env_with(&cloud, "unbind", &["api"]).await;
    let other_env = env_with(&cloud, "next", &["web"]).await;
    let two_paths = json!({"Domain": "api.example.com", "Protocol": "HTTP", "Routes": [
        {"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"},
        {"Path": "/admin", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"}]});
    ok(&create_route(&cloud, &env, two_paths).await);
    let delete = |env: &str, body: Value| {
        let mut body = body;
        body["EnvId"] = json!(env);
        tcb("DeleteHTTPServiceRoute", body)
    };

    let r = delete(&env, json!({"Domain": "api.example.com", "Paths": ["/nothere"]})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound.Domain", "{r}");
    let r = delete(&env, json!({"Domain": "api.example.com", "Paths": ["/admin", "/nothere"]})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound.Domain", "all or nothing: {r}");
    assert_eq!(listed(&cloud, &env, "api.example.com").await["Routes"].as_array().unwrap().len(), 2);
    ok(&delete(&env, json!({"Domain": "api.example.com", "Paths": ["/admin"]})).send(&cloud).await);
    let routes = listed(&cloud, &env, "api.example.com").await["Routes"].clone();
    assert_eq!(routes.as_array().unwrap().len(), 1, "{routes}");
    assert_eq!(routes[0]["Path"], "/");

    let r = delete(&other_env, json!({"Domain": "api.example.com"})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound.Domain", "only where it is bound: {r}");
    ok(&delete(&env, json!({"Domain": "API.example.com", "Paths": []})).send(&cloud).await);
    assert_eq!(describe(&cloud, &env, json!({})).await["TotalCount"], 0);
    let r = delete(&env, json!({"Domain": "api.example.com"})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound.Domain", "{r}");
    // Free again, anywhere.
    bind(&cloud, &other_env, "api.example.com", "web", None).await;
}

#[tokio::test]
async fn r_dom_2_the_private_key_is_not_plaintext_in_the_store_or_the_logs() {
    capture_logs();
    let cloud = start().await;
    let env = env_with(&cloud, "sealed", &["api"]).await;
    let c: TestCert = cert(&["api.example.com"]);
    let id = upload(&cloud, &c).await;
    bind(&cloud, &env, "api.example.com", "api", Some(&id)).await;
    ssl("DescribeCertificateDetail", json!({"CertificateId": id})).send(&cloud).await;
    // A refused upload too: the key must not reach its message or a log line.
    let mismatched = upload_pem(&cloud, &c.chain, &cert(&["api.example.com"]).key).await;
    assert_eq!(code(&mismatched), "InvalidParameter.CertificateKeyMismatch");

    let dir = cloud.dir.as_ref().unwrap().path();
    let mut stored = Vec::new();
    for file in ["localcloud.db", "localcloud.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.join(file)) {
            stored.extend(bytes);
        }
    }
    let text = String::from_utf8_lossy(&stored);
    // The public chain is stored as it is: what was read is the store.
    assert!(text.contains(&id) && text.contains(body_lines(&c.chain)[1]), "the store was read");
    for line in body_lines(&c.key) {
        assert!(!text.contains(line), "a line of the key's PEM is in the store");
    }
    assert!(!stored.windows(c.key_der.len()).any(|w| w == c.key_der.as_slice()), "the key's DER is in the store");

    let log = logs();
    assert!(log.contains("certificate uploaded") && log.contains("DEBUG"), "the log was captured at every level");
    for line in body_lines(&c.key) {
        assert!(!log.contains(line), "a line of the key's PEM is in the log");
    }
}

#[tokio::test]
async fn r_svc_5_a_deleted_services_domain_fails_until_bound_again() {
    let cloud = start().await;
    let env = env_with(&cloud, "gone", &["api", "web"]).await;
    bind(&cloud, &env, "api.example.com", "api", None).await;
    assert_eq!(listed(&cloud, &env, "api.example.com").await["Status"], "SUCCESS");

    let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": env, "ServerName": "api"})).send(&cloud).await;
    ok(&r);
    let d = listed(&cloud, &env, "api.example.com").await;
    assert_eq!(d["Status"], "FAIL", "still listed, and failing: {d}");
    assert_eq!(d["Routes"][0]["UpstreamResourceName"], "api");
    // A new service of the same name is another service.
    create(&cloud, &env, "api", "nginx:1", "again").await;
    assert_eq!(listed(&cloud, &env, "api.example.com").await["Status"], "FAIL");

    ok(&modify_route(&cloud, &env, domain_param("api.example.com", "web", None, None)).await);
    let d = listed(&cloud, &env, "api.example.com").await;
    assert_eq!((d["Status"].as_str(), d["Routes"][0]["UpstreamResourceName"].as_str()), (Some("SUCCESS"), Some("web")));
    // Or to the new service of the old name, pinned anew.
    ok(&modify_route(&cloud, &env, domain_param("api.example.com", "api", None, None)).await);
    assert_eq!(listed(&cloud, &env, "api.example.com").await["Status"], "SUCCESS");

    // An environment emptied of services can go (R-ENV-6), its domains with it:
    // free to be bound in another environment.
    for service in ["api", "web"] {
        let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": env, "ServerName": service}));
        ok(&r.send(&cloud).await);
    }
    ok(&Call::new("tcb", "DestroyEnv", json!({"EnvId": env})).send(&cloud).await);
    let other = env_with(&cloud, "next", &["api"]).await;
    bind(&cloud, &other, "api.example.com", "api", None).await;
}
