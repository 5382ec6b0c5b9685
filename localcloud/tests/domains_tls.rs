//! Custom domains through the gateway (issue #11, R-DOM-1..4, R-SVC-5), bound
//! through the signed API: served over real TLS with the uploaded certificate
//! chosen by SNI, renewed in place without dropping a connection, unbound,
//! redirected from plain HTTP, and, once their service is deleted, answering
//! a clear error until they are bound to another service.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::{Call, Cloud, code, create_env, detail, started, wait_task};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// A localcloud on a scratch directory, and its TLS gateway's address.
async fn start() -> (Cloud, SocketAddr) {
    let dir = tempfile::tempdir().unwrap();
    let running = localcloud::start(common::config(dir.path(), common::STEP)).await.unwrap();
    (Cloud { addr: running.api_addr, gateway: running.gateway_addr, dir: Some(dir) }, running.gateway_tls_addr)
}

/// A test certificate authority, trusted by [`Pki::client`] only.
struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

/// An issued certificate: the chain to upload (leaf first), its key, and the
/// leaf's DER to compare with what a handshake serves.
struct Issued {
    chain: String,
    key: String,
    leaf: Vec<u8>,
}

impl Pki {
    fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "localcloud test CA");
        Pki { ca: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap() }
    }

    fn issue(&self, names: &[&str]) -> Issued {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        let leaf = params.signed_by(&key, &self.ca).unwrap();
        Issued {
            chain: format!("{}{}", leaf.pem(), self.ca.pem()),
            key: key.serialize_pem(),
            leaf: leaf.der().to_vec(),
        }
    }

    /// A TLS client that trusts this CA alone, speaking HTTP/1.1.
    fn client(&self) -> TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(self.ca.der().to_vec())).unwrap();
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TlsConnector::from(Arc::new(config))
    }
}

/// `UploadCertificate`: the new certificate's id.
async fn upload(cloud: &Cloud, cert: &Issued) -> String {
    let body = json!({"CertificatePublicKey": cert.chain, "CertificatePrivateKey": cert.key, "Alias": "test"});
    let mut call = Call::new("ssl", "UploadCertificate", body);
    call.version = "2019-12-05";
    let r = call.send(cloud).await;
    r["CertificateId"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
}

/// A tcb route action that must succeed.
async fn tcb(cloud: &Cloud, action: &str, body: Value) {
    let r = Call::new("tcb", action, body).send(cloud).await;
    assert_eq!(code(&r), "<no error>", "{action}: {r}");
}

/// The `Domain` of a route request: `/` to `service`.
fn domain(name: &str, protocol: &str, cert: Option<&str>, service: &str) -> Value {
    let mut d = json!({"Domain": name, "Protocol": protocol,
        "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": service}]});
    if let Some(cert) = cert {
        d["CertId"] = json!(cert);
    }
    d
}

/// Deploys `name` from a built-in image and waits for it to be online.
async fn deploy(cloud: &Cloud, env: &str, name: &str) {
    let created = Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"},
               "Items": [{"Key": "Port", "IntValue": 8080}, {"Key": "MinNum", "IntValue": 1}, {"Key": "MaxNum", "IntValue": 1}]}),
    )
    .send(cloud)
    .await;
    let task = started(cloud, env, name, &created).await;
    assert_eq!(wait_task(cloud, env, name, task).await["Status"], "finished");
    assert_eq!(detail(cloud, env, name).await["BaseInfo"]["ServerName"], name);
}

/// A TLS connection to the gateway for `name` (its SNI), and the leaf
/// certificate it was served.
async fn connect(tls: &TlsConnector, at: SocketAddr, name: &str) -> std::io::Result<(TlsStream<TcpStream>, Vec<u8>)> {
    let stream = TcpStream::connect(at).await?;
    let stream = tls.connect(ServerName::try_from(name.to_string()).unwrap(), stream).await?;
    let leaf = stream.get_ref().1.peer_certificates().expect("a served certificate")[0].to_vec();
    Ok((stream, leaf))
}

/// HTTP/1.1 requests, one after the other, over one kept-alive connection.
struct Conn(hyper::client::conn::http1::SendRequest<String>);

/// An answer: status, `Location`, body.
struct Answer {
    status: u16,
    location: String,
    body: String,
}

impl Answer {
    /// The built-in workload's answer: which service served.
    fn service(&self) -> String {
        let v: Value = serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("{} {}", self.status, self.body));
        v["service"].as_str().unwrap_or_else(|| panic!("{v}")).to_string()
    }
}

impl Conn {
    async fn over(stream: TlsStream<TcpStream>) -> Conn {
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(conn);
        Conn(send)
    }

    async fn get(&mut self, host: &str, path: &str) -> Answer {
        let req = hyper::Request::get(path).header("host", host).body(String::new()).unwrap();
        let resp = self.0.send_request(req).await.unwrap();
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").map_or("", |l| l.to_str().unwrap()).to_string();
        let body = axum::body::to_bytes(axum::body::Body::new(resp.into_body()), 1 << 20).await.unwrap();
        Answer { status, location, body: String::from_utf8(body.to_vec()).unwrap() }
    }
}

/// A plain HTTP request to the gateway with `Host: host`, redirects not followed.
async fn plain(cloud: &Cloud, host: &str, path: &str) -> Answer {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = http.get(format!("http://{}{path}", cloud.gateway)).header("host", host).send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map_or("", |l| l.to_str().unwrap()).to_string();
    Answer { status, location, body: resp.text().await.unwrap() }
}

#[tokio::test]
async fn r_dom_4_https_serves_the_uploaded_certificate_renews_in_place_and_stops_when_unbound() {
    let (cloud, tls_at) = start().await;
    let env = create_env(&cloud, "ap-shanghai", "tls").await;
    deploy(&cloud, &env, "shop").await;
    let pki = Pki::new();
    let first = pki.issue(&["shop.example.com"]);
    let first_id = upload(&cloud, &first).await;
    tcb(
        &cloud,
        "CreateHTTPServiceRoute",
        json!({"EnvId": env, "Domain": domain("shop.example.com", "HTTPS", Some(&first_id), "shop")}),
    )
    .await;
    let tls = pki.client();

    let (stream, leaf) = connect(&tls, tls_at, "shop.example.com").await.unwrap();
    assert_eq!(leaf, first.leaf, "the handshake for the name gets its uploaded certificate");
    let mut before = Conn::over(stream).await;
    let answer = before.get("shop.example.com", "/hello?x=1").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.service(), "shop", "the bound service answers");

    // R-DOM-4: renewed in place, a new certificate id on the same binding.
    let renewed = pki.issue(&["shop.example.com"]);
    let renewed_id = upload(&cloud, &renewed).await;
    assert_ne!(renewed_id, first_id);
    let modify = json!({"Domain": "shop.example.com", "CertId": renewed_id});
    tcb(&cloud, "ModifyHTTPServiceRoute", json!({"EnvId": env, "Domain": modify})).await;
    let (stream, leaf) = connect(&tls, tls_at, "shop.example.com").await.unwrap();
    assert_eq!(leaf, renewed.leaf, "the next handshake gets the renewed certificate");
    assert_eq!(Conn::over(stream).await.get("shop.example.com", "/").await.service(), "shop");
    let answer = before.get("shop.example.com", "/still").await;
    assert_eq!(answer.status, 200, "the connection opened before the renewal still answers: {}", answer.body);
    assert_eq!(answer.service(), "shop");

    // HTTPS only: plain HTTP is told so, not served.
    let answer = plain(&cloud, "shop.example.com", "/").await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("served over HTTPS only"), "{}", answer.body);

    // Unbound: the next request on an open connection finds nothing, and
    // no new handshake is made for the name.
    tcb(&cloud, "DeleteHTTPServiceRoute", json!({"EnvId": env, "Domain": "shop.example.com"})).await;
    assert_eq!(before.get("shop.example.com", "/").await.status, 404);
    assert!(connect(&tls, tls_at, "shop.example.com").await.is_err(), "the handshake is refused");
    let answer = plain(&cloud, "shop.example.com", "/").await;
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("no custom domain is bound"), "{}", answer.body);
}

#[tokio::test]
async fn http_to_https_redirects_and_both_protocols_serve_the_same_service() {
    let (cloud, tls_at) = start().await;
    let env = create_env(&cloud, "ap-shanghai", "redirect").await;
    deploy(&cloud, &env, "web").await;
    let pki = Pki::new();
    // A wildcard certificate for both names.
    let cert = upload(&cloud, &pki.issue(&["*.example.com"])).await;
    let bind = |name, protocol| json!({"EnvId": env, "Domain": domain(name, protocol, Some(&cert), "web")});
    tcb(&cloud, "CreateHTTPServiceRoute", bind("go.example.com", "HTTP_TO_HTTPS")).await;
    tcb(&cloud, "CreateHTTPServiceRoute", bind("both.example.com", "HTTP_AND_HTTPS")).await;

    let answer = plain(&cloud, "GO.example.com:80", "/a/b?x=1&y=2").await;
    assert_eq!(answer.status, 307);
    assert_eq!(answer.location, format!("https://go.example.com:{}/a/b?x=1&y=2", tls_at.port()));
    let (stream, _) = connect(&pki.client(), tls_at, "go.example.com").await.unwrap();
    assert_eq!(Conn::over(stream).await.get("go.example.com", "/a/b?x=1&y=2").await.service(), "web");

    assert_eq!(plain(&cloud, "both.example.com", "/").await.service(), "web");
    let (stream, _) = connect(&pki.client(), tls_at, "both.example.com").await.unwrap();
    let mut conn = Conn::over(stream).await;
    assert_eq!(conn.get("both.example.com", "/").await.service(), "web");
    // One connection serves the name it was opened for.
    assert_eq!(conn.get("go.example.com", "/").await.status, 421);
}

#[tokio::test]
async fn r_svc_5_a_deleted_services_domain_answers_a_clear_error_until_bound_to_another() {
    let (cloud, tls_at) = start().await;
    let env = create_env(&cloud, "ap-shanghai", "rebind").await;
    deploy(&cloud, &env, "old").await;
    deploy(&cloud, &env, "new").await;
    let pki = Pki::new();
    let cert = upload(&cloud, &pki.issue(&["app.example.com"])).await;
    let bound = json!({"EnvId": env, "Domain": domain("app.example.com", "HTTP_AND_HTTPS", Some(&cert), "old")});
    tcb(&cloud, "CreateHTTPServiceRoute", bound).await;
    assert_eq!(plain(&cloud, "app.example.com", "/").await.service(), "old");

    let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": env, "ServerName": "old"})).send(&cloud).await;
    assert_eq!(r["Result"], "success", "{r}");
    let answer = plain(&cloud, "app.example.com", "/").await;
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("was bound to the service old, which was deleted"), "{}", answer.body);
    assert!(answer.body.contains("Bind the domain to another service"), "{}", answer.body);
    // Over TLS too: the binding and its certificate are still there.
    let (stream, _) = connect(&pki.client(), tls_at, "app.example.com").await.unwrap();
    let mut conn = Conn::over(stream).await;
    assert!(conn.get("app.example.com", "/").await.body.contains("which was deleted"));

    // A service created again under the same name is another service.
    deploy(&cloud, &env, "old").await;
    assert!(plain(&cloud, "app.example.com", "/").await.body.contains("which was deleted"));

    let routes = json!([{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "new"}]);
    tcb(
        &cloud,
        "ModifyHTTPServiceRoute",
        json!({"EnvId": env, "Domain": {"Domain": "app.example.com", "Routes": routes}}),
    )
    .await;
    assert_eq!(plain(&cloud, "app.example.com", "/").await.service(), "new");
    assert_eq!(conn.get("app.example.com", "/").await.service(), "new", "the open connection follows the binding");
}
