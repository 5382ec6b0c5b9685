//! The gateway's TLS listener (`--gateway-tls-addr`): custom domains over
//! HTTPS, each with the certificate uploaded for it, chosen by the
//! ClientHello's SNI (R-DOM-2, R-DOM-4).
//!
//! Each connection's ClientHello is read first (`LazyConfigAcceptor`); its
//! server name must be a bound, enabled domain whose protocol is served over
//! TLS, and its certificate must open. Anything else (no SNI, an unknown or
//! HTTP-only domain) ends the handshake there, logged at debug: scanners and
//! stale DNS records are not the operator's problem. The certificate is
//! looked up at every handshake, so a renewal (a new `CertId`) serves the
//! next handshake the new certificate while open connections keep theirs;
//! the ready `ServerConfig` is cached by certificate id, as a stored
//! certificate never changes (a renewal is a new id). The decrypted stream is
//! served as HTTP/1.1 by the same router as the plain listener, each request
//! marked [`OverTls`] for the protocol's redirect rules.
//!
//! A slow client's hold on a connection is bounded ([`Limits`]): the
//! handshake has a deadline, so has each request head (which also bounds an
//! idle keep-alive) and, in the gateway, each request body; a bounded number
//! are served at once, the rest waiting in the kernel's backlog. Writing an
//! answer to a client that does not read has no deadline of its own yet.
//!
//! Private keys are opened from the store only to build a signing key, and
//! no key material reaches a log: errors name the certificate id.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use console_shared::certs::{KeyFormat, PrivateKey};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};
use rustls::sign::{CertifiedKey, SigningKey, SingleCertAndKey};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::LazyConfigAcceptor;
use tokio_rustls::server::TlsStream;
use zeroize::Zeroizing;

use super::gateway::OverTls;
use crate::domains::{self, ServingError, sealing::Sealer};

/// How the listener bounds its clients.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the connection to the end of the handshake: a client that sends
    /// nothing, or stalls halfway, lets go of its connection then.
    pub handshake: Duration,
    /// For each request head to arrive, and for an idle connection to send
    /// its next one.
    pub head: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    /// A handshake takes a round trip or two: 10 s is far beyond a slow
    /// network. Heads get what the console's own listener gives them.
    fn default() -> Self {
        Limits { handshake: Duration::from_secs(10), head: Duration::from_secs(30), max_connections: 1024 }
    }
}

/// The only protocol spoken over the decrypted stream: HTTP/2's connection
/// preface would be read with no head timeout, and browsers reuse an HTTP/2
/// connection for other names its certificate covers, which the gateway
/// refuses (421).
const ALPN_HTTP1: &[u8] = b"http/1.1";

/// The certificates the listener serves, found by SNI.
pub struct Certificates {
    db: sqlx::SqlitePool,
    sealer: Arc<Sealer>,
    provider: Arc<CryptoProvider>,
    /// The ready configuration of each certificate served so far, by id.
    configs: Mutex<HashMap<String, Arc<ServerConfig>>>,
}

/// Why a handshake did not go on. None of them carries key material.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("the ClientHello did not arrive: {0}")]
    Hello(std::io::Error),
    #[error("the client sent no server name (SNI)")]
    NoServerName,
    #[error("{0} is not a bound custom domain")]
    NotBound(String),
    #[error("{0} is not served over HTTPS (its binding is disabled, HTTP only, or has no certificate)")]
    NotTls(String),
    #[error("the certificate {0} of a binding does not exist")]
    NoCertificate(String),
    #[error("the handshake failed: {0}")]
    Handshake(std::io::Error),
    #[error("the handshake did not end in time")]
    Timeout,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// The stored certificate cannot be served (its key does not open, or
    /// does not parse): the operator's problem, logged as a warning.
    #[error("{0}")]
    Unusable(String),
}

impl Certificates {
    pub fn new(db: sqlx::SqlitePool, sealer: Arc<Sealer>) -> Self {
        Certificates {
            db,
            sealer,
            provider: Arc::new(rustls::crypto::ring::default_provider()),
            configs: Mutex::default(),
        }
    }

    /// The configuration to answer a ClientHello for `name` with.
    async fn config_for(&self, name: &str) -> Result<Arc<ServerConfig>, Refused> {
        let binding = domains::binding(&self.db, name).await?.ok_or_else(|| Refused::NotBound(name.into()))?;
        let cert_id = match binding.cert_id {
            Some(id) if binding.enable && binding.protocol.needs_certificate() => id,
            _ => return Err(Refused::NotTls(name.into())),
        };
        if let Some(config) = self.configs.lock().unwrap_or_else(|p| p.into_inner()).get(&cert_id) {
            return Ok(config.clone());
        }
        let serving = match domains::serving_cert(&self.db, &self.sealer, &cert_id).await {
            Ok(Some(serving)) => serving,
            Ok(None) => return Err(Refused::NoCertificate(cert_id)),
            Err(ServingError::Db(e)) => return Err(Refused::Db(e)),
            Err(e @ ServingError::Unusable(..)) => return Err(Refused::Unusable(e.to_string())),
        };
        let unusable =
            |why: &str| Refused::Unusable(format!("the stored certificate {cert_id} cannot be served: {why}"));
        let signing = signing_key(&serving.key).map_err(|e| unusable(&e))?;
        let chain = serving.chain.certificates_der().map(|der| CertificateDer::from(der.to_vec())).collect();
        let key = Arc::new(CertifiedKey::new(chain, signing));
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| unusable(&e.to_string()))?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(SingleCertAndKey::from(key)));
        config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
        let config = Arc::new(config);
        // Only the certificates bound now stay: a renewed one's old
        // configuration goes at the next new certificate.
        let bound: HashSet<String> =
            sqlx::query_scalar("SELECT DISTINCT cert_id FROM custom_domains WHERE cert_id IS NOT NULL")
                .fetch_all(&self.db)
                .await?
                .into_iter()
                .collect();
        let mut configs = self.configs.lock().unwrap_or_else(|p| p.into_inner());
        configs.retain(|id, _| bound.contains(id));
        configs.insert(cert_id, config.clone());
        Ok(config)
    }

    /// The TLS side of one connection: the ClientHello's name, its
    /// certificate, the handshake. Returns the stream and the name.
    async fn handshake(&self, stream: TcpStream) -> Result<(TlsStream<TcpStream>, Arc<str>), Refused> {
        let start =
            LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream).await.map_err(Refused::Hello)?;
        let name: Arc<str> =
            start.client_hello().server_name().ok_or(Refused::NoServerName)?.to_ascii_lowercase().into();
        let config = self.config_for(&name).await?;
        let tls = start.into_stream(config).await.map_err(Refused::Handshake)?;
        Ok((tls, name))
    }
}

/// The key as rustls signs with it (ring's parsed form), or why it cannot
/// be: what an upload must pass too, so a stored key is always servable.
/// The error names the key type at most, never the key.
pub fn signing_key(key: &PrivateKey) -> Result<Arc<dyn SigningKey>, String> {
    // This copy of the key is wiped once the signing key is made.
    let secret = key.secret_der().to_vec();
    let der = Zeroizing::new(match key.format() {
        KeyFormat::Pkcs8 => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(secret)),
        KeyFormat::Pkcs1 => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(secret)),
        KeyFormat::Sec1 => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(secret)),
    });
    rustls::crypto::ring::sign::any_supported_type(&der).map_err(|e| e.to_string())
}

/// Serves `listener` forever: each connection's handshake, then its
/// requests through `router`.
pub async fn serve(listener: TcpListener, certificates: Arc<Certificates>, router: Router, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.head);
    loop {
        // The semaphore is never closed.
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                tracing::warn!(error = %e, "the TLS gateway could not accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (certificates, router, builder) = (certificates.clone(), router.clone(), builder.clone());
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(limits.handshake, certificates.handshake(stream)).await;
            let (tls, sni) = match handshake.unwrap_or(Err(Refused::Timeout)) {
                Ok(done) => done,
                Err(e @ (Refused::Db(_) | Refused::Unusable(_))) => {
                    tracing::warn!(error = %e, "the TLS gateway refused a handshake");
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "the TLS gateway refused a handshake");
                    return;
                }
            };
            let router = TowerToHyperService::new(router);
            let over_tls = OverTls { sni };
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(over_tls.clone());
                hyper::service::Service::call(&router, req)
            });
            // A client that vanished or timed out is not the server's error.
            if let Err(e) = builder.serve_connection(TokioIo::new(tls), service).await {
                tracing::debug!(error = %e, "a TLS gateway connection ended");
            }
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::http::StatusCode;
    use rustls::ClientConfig;
    use rustls::pki_types::ServerName;
    use tokio_rustls::TlsConnector;

    use super::*;
    use crate::runtime::gateway::tests::Domains;

    fn connector(domains: &Domains) -> TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(domains.ca_der())).unwrap();
        let mut config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
        TlsConnector::from(Arc::new(config))
    }

    /// A TLS connection to `name` (as SNI, when it is a DNS name) and the
    /// certificate it was served.
    async fn connect(
        tls: &TlsConnector,
        at: SocketAddr,
        name: &str,
    ) -> std::io::Result<(tokio_rustls::client::TlsStream<TcpStream>, Vec<u8>)> {
        let stream = TcpStream::connect(at).await?;
        let stream = tls.connect(ServerName::try_from(name.to_string()).unwrap(), stream).await?;
        let leaf = stream.get_ref().1.peer_certificates().unwrap()[0].to_vec();
        Ok((stream, leaf))
    }

    /// HTTP/1.1 over one connection.
    struct Conn(hyper::client::conn::http1::SendRequest<String>);

    impl Conn {
        async fn over(stream: tokio_rustls::client::TlsStream<TcpStream>) -> Conn {
            let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
            tokio::spawn(conn);
            Conn(send)
        }

        async fn get(&mut self, host: &str, path: &str) -> (StatusCode, String, String) {
            let req = hyper::Request::get(path).header("host", host).body(String::new()).unwrap();
            let resp = self.0.send_request(req).await.unwrap();
            let status = resp.status();
            let location = resp.headers().get("location").map_or("", |l| l.to_str().unwrap()).to_string();
            let body = axum::body::to_bytes(axum::body::Body::new(resp.into_body()), 1 << 20).await.unwrap();
            (status, location, String::from_utf8(body.to_vec()).unwrap())
        }
    }

    #[tokio::test]
    async fn r_dom_4_each_handshake_gets_the_certificate_bound_now_and_open_connections_stay() {
        let domains = Domains::new().await;
        let first = domains.certificate("c1", &["shop.example.com"]).await;
        let renewed = domains.certificate("c2", &["shop.example.com", "www.example.com"]).await;
        domains.bind("shop.example.com", "HTTPS", Some("c1"), "http://web-env.run.localhost:9").await;
        let at = domains.serve().await;
        let tls = connector(&domains);

        let (stream, leaf) = connect(&tls, at.tls, "shop.example.com").await.unwrap();
        assert_eq!(leaf, first);
        assert_eq!(stream.get_ref().1.alpn_protocol(), Some(ALPN_HTTP1));
        let mut before = Conn::over(stream).await;
        let (status, _, page) = before.get("shop.example.com", "/").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "served over TLS up to its route: {page}");
        assert!(page.contains("which was deleted"), "{page}");

        domains.set("shop.example.com", "cert_id", "c2").await;
        let (_, leaf) = connect(&tls, at.tls, "shop.example.com").await.unwrap();
        assert_eq!(leaf, renewed, "the next handshake gets the renewed certificate");
        let (status, _, _) = before.get("shop.example.com", "/again").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the connection from before the renewal still answers");

        // Another name over this connection: its certificate was chosen for one.
        let (status, _, _) = before.get("www.example.com", "/").await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);

        domains.set("shop.example.com", "protocol", "HTTP").await;
        let (status, _, page) = before.get("shop.example.com", "/").await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
        assert!(page.contains("no longer served over HTTPS"), "{page}");
        assert!(connect(&tls, at.tls, "shop.example.com").await.is_err(), "HTTP only: no handshake");

        domains.set("shop.example.com", "protocol", "HTTPS_TO_HTTP").await;
        let (stream, _) = connect(&tls, at.tls, "shop.example.com").await.unwrap();
        let (status, location, _) = Conn::over(stream).await.get("shop.example.com", "/p?q=1").await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(location, format!("http://shop.example.com:{}/p?q=1", at.http.port()));

        // Unbound: the next request on an open connection, and new handshakes.
        sqlx::query("DELETE FROM custom_domains").execute(&domains.db).await.unwrap();
        let (status, _, _) = before.get("shop.example.com", "/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(connect(&tls, at.tls, "shop.example.com").await.is_err());
    }

    #[tokio::test]
    async fn handshakes_for_names_not_served_over_tls_are_refused_and_silent_clients_let_go() {
        let domains = Domains::new().await;
        domains.certificate("c1", &["*.example.com"]).await;
        domains.bind("plain.example.com", "HTTP", Some("c1"), "http://web-env.run.localhost:9").await;
        domains.bind("off.example.com", "HTTPS", Some("c1"), "http://web-env.run.localhost:9").await;
        domains.set("off.example.com", "enable", "0").await;
        let at = domains.serve().await;
        let tls = connector(&domains);
        for name in ["plain.example.com", "off.example.com", "unbound.example.com"] {
            assert!(connect(&tls, at.tls, name).await.is_err(), "{name}");
        }
        // An IP address: the client sends no SNI.
        assert!(connect(&tls, at.tls, "127.0.0.1").await.is_err());
        // A client that never speaks lets go of its slot (the fixture's
        // handshake deadline is 1 s).
        let mut silent = TcpStream::connect(at.tls).await.unwrap();
        let mut buf = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(5), tokio::io::AsyncReadExt::read(&mut silent, &mut buf))
            .await
            .expect("the listener closes a silent connection");
        assert_eq!(read.unwrap(), 0, "closed, nothing sent");
    }
}
