//! The gateway: every service's default domain
//! (`http://<service>-<env>.run.localhost:<port>`) arrives here and is routed
//! by its `Host`. A host that belongs to no live service gets a clear 404 page,
//! which is also what a deleted service's domain answers forever (R-SVC-5);
//! when the routes cannot be read it answers 503, never that 404.
//!
//! Custom domains (R-DOM-1..4) arrive here too, over plain HTTP on the same
//! port and over TLS through `runtime::tls`, which marks each request it
//! hands over with [`OverTls`]. A bound domain is routed by its binding's
//! longest matching path to the service it names, and served exactly as that
//! service's default domain is (traffic split, leases, the version header).
//! Its protocol decides what the other scheme gets:
//! - `HTTP_TO_HTTPS`: plain HTTP is redirected (307) to https.
//! - `HTTPS`: plain HTTP answers 403 saying the domain is served over HTTPS
//!   only, with the https URL. Not a redirect: that is what `HTTP_TO_HTTPS`
//!   is for, and the user chose the stricter protocol. A redirect would hide
//!   a client still configured with http (an API client's POST, followed,
//!   becomes a GET without its body), where a 403 makes it fail visibly.
//! - `HTTPS_TO_HTTP`: requests over TLS are redirected (307) to http.
//! - `HTTP_AND_HTTPS`: both are served; `HTTP` is never reached over TLS, as
//!   the TLS listener refuses its handshakes.
//!
//! Every request routed to a version is counted in the metrics (R-OBS-2):
//! its status and the time from the version's pick to the answer's head,
//! whatever the answer (a failed hop is the 502 the gateway answers).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use console_shared::vocab::{DomainProtocol, VersionRef};
use rand::Rng;

use super::instances::{Lease, Runtime};
use super::scaler::{self, NoInstance};
use super::traffic;
use crate::domains::{self, Binding};
use crate::observe::metrics::Metrics;

/// What the gateway reads: the services' domains and traffic splits, the
/// custom domains' bindings, the instances, and a client for the hop to
/// them; and where it counts what it served.
struct Gateway {
    db: sqlx::SqlitePool,
    runtime: Arc<Runtime>,
    http: reqwest::Client,
    ports: Ports,
    metrics: Arc<Metrics>,
}

/// The gateway's two listeners' ports: the plain one is part of every
/// default domain; both are part of the redirects between them.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub http: u16,
    pub tls: u16,
}

/// Marks a request that came over the TLS listener, with the name its
/// connection was opened for (the ClientHello's SNI, lowercase).
#[derive(Debug, Clone)]
pub struct OverTls {
    pub sni: Arc<str>,
}

/// The gateway's router, for both listeners (`ports`), counting into `metrics`.
pub fn app(
    db: sqlx::SqlitePool,
    runtime: Arc<Runtime>,
    http: reqwest::Client,
    ports: Ports,
    metrics: Arc<Metrics>,
) -> Router {
    Router::new().fallback(route).with_state(Arc::new(Gateway { db, runtime, http, ports, metrics }))
}

/// The version of the service whose default domain is `default_domain`
/// (`http://host:port`) that serves this request: its traffic split chooses,
/// at random by the configured ratio or by the request's URL parameters
/// (R-UPD-2, R-UPD-4). `None` when no live service has this domain.
async fn version_for(state: &Gateway, default_domain: &str, query: Option<&str>) -> sqlx::Result<Option<VersionRef>> {
    let Some(split) = traffic::by_domain(&state.db, default_domain).await? else {
        return Ok(None);
    };
    let roll = rand::thread_rng().gen_range(0..100);
    let version = traffic::choose(&split.stable, split.order.as_ref(), query, roll);
    Ok(Some(VersionRef { env: split.env, service: split.service, version }))
}

/// What the gateway answers when it cannot read its routes: not "no
/// service here", which would be false, but a 503 to try again.
fn routes_unreadable(e: &sqlx::Error) -> Response {
    tracing::warn!(error = %e, "the gateway could not read the services' routes");
    let why = "localcloud's gateway could not read its routes just now; try again";
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], why).into_response()
}

/// The host name of a `Host` value (lowercase already): without its port
/// or a final dot, as custom domains are stored.
fn host_name(host: &str) -> &str {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    name.strip_suffix('.').unwrap_or(name)
}

/// How long a request body may take to arrive.
const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

async fn route(AxState(state): AxState<Arc<Gateway>>, req: Request) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let name = host_name(&host);
    match req.extensions().get::<OverTls>() {
        // One connection serves the name it was opened for: its certificate
        // was chosen for that name and its binding (RFC 9110 §15.5.20).
        Some(tls) if *tls.sni != *name => {
            let why = format!("This HTTPS connection serves {} only; open a new connection for another name.", tls.sni);
            return misdirected(&why);
        }
        // Default domains are plain HTTP: over TLS only custom domains.
        Some(_) => {}
        None => {
            // `Host` may come without the port; default domains always carry it.
            let host = if host.contains(':') { host.clone() } else { format!("{host}:{}", state.ports.http) };
            let default_domain = format!("http://{host}");
            match version_for(&state, &default_domain, req.uri().query()).await {
                Ok(Some(version)) => return serve(&state, &default_domain, || not_found(&host), version, req).await,
                Ok(None) => {}
                Err(e) => return routes_unreadable(&e),
            }
        }
    }
    // A default domain without a live service is not found, never a custom
    // binding (none is made in this zone; this holds for older stores too).
    if domains::in_own_zone(name) {
        return not_found(&host);
    }
    match domains::binding(&state.db, name).await {
        Ok(Some(binding)) => custom(&state, &binding, req).await,
        Ok(None) => not_found(&host),
        Err(e) => routes_unreadable(&e),
    }
}

/// A request for a bound custom domain: the protocol's rule for the scheme
/// it came by, then its route's service, which must be the one bound
/// (R-SVC-5).
async fn custom(state: &Gateway, binding: &Binding, req: Request) -> Response {
    if !binding.enable {
        return domain_page(
            StatusCode::NOT_FOUND,
            "Domain disabled",
            &format!(
                "{} is bound, but its binding is disabled: localcloud's gateway does not serve it.",
                binding.domain
            ),
        );
    }
    let over_tls = req.extensions().get::<OverTls>().is_some();
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let https = || format!("https://{}{}{target}", binding.domain, port_suffix(state.ports.tls, 443));
    match (&binding.protocol, over_tls) {
        (DomainProtocol::HttpToHttps, false) => return redirect(&https()),
        (DomainProtocol::HttpsToHttp, true) => {
            return redirect(&format!("http://{}{}{target}", binding.domain, port_suffix(state.ports.http, 80)));
        }
        (DomainProtocol::Https, false) => {
            return domain_page(
                StatusCode::FORBIDDEN,
                "HTTPS only",
                &format!("{} is served over HTTPS only: open {}", binding.domain, https()),
            );
        }
        // The protocol changed to HTTP while this connection stayed open:
        // new connections are refused, and so are its next requests.
        (DomainProtocol::Http, true) => {
            let why = format!(
                "{} is no longer served over HTTPS: open http://{}{}{target}",
                binding.domain,
                binding.domain,
                port_suffix(state.ports.http, 80)
            );
            return misdirected(&why);
        }
        (DomainProtocol::Other(protocol), _) => {
            return domain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Unknown protocol",
                &format!(
                    "{} is bound with the protocol {protocol}, which localcloud's gateway does not serve.",
                    binding.domain
                ),
            );
        }
        _ => {}
    }
    let Some(route) = binding.route_for(req.uri().path()) else {
        return domain_page(
            StatusCode::NOT_FOUND,
            "No route for this path",
            &format!("No path bound on {} leads this request to a service.", binding.domain),
        );
    };
    let deleted = || {
        domain_page(
            StatusCode::NOT_FOUND,
            "Service deleted",
            &format!(
                "{} was bound to the service {}, which was deleted. \
                 Bind the domain to another service to serve it again.",
                binding.domain, route.upstream_name
            ),
        )
    };
    match version_for(state, &route.upstream_domain, req.uri().query()).await {
        Ok(Some(version)) => serve(state, &route.upstream_domain, deleted, version, req).await,
        Ok(None) => match service_exists(state, &route.upstream_domain).await {
            // The service it was bound to, but no version of it is online
            // yet (its first deploy runs or failed).
            Ok(true) => domain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "No version online",
                &format!(
                    "{} leads to the service {}, which has no version online yet.",
                    binding.domain, route.upstream_name
                ),
            ),
            // R-SVC-5: a service deleted, or created again under the same name
            // (another default domain, so another service), is not the one bound.
            Ok(false) => deleted(),
            Err(e) => routes_unreadable(&e),
        },
        Err(e) => routes_unreadable(&e),
    }
}

/// Whether the service whose default domain is `default_domain` still exists.
async fn service_exists(state: &Gateway, default_domain: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM services WHERE default_domain = ?)")
        .bind(default_domain)
        .fetch_one(&state.db)
        .await
}

/// `:port`, or nothing for the scheme's own port.
fn port_suffix(port: u16, default: u16) -> String {
    if port == default { String::new() } else { format!(":{port}") }
}

/// 307, not 301: the method and body stay (a POST is not turned into a
/// GET), and nothing is cached, since a domain's protocol can change at any
/// time.
fn redirect(location: &str) -> Response {
    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location), (header::CACHE_CONTROL, "no-store")])
        .into_response()
}

/// 421: this connection was opened (and its certificate chosen) for another
/// name, or its name is no longer served over TLS; `why` says which.
fn misdirected(why: &str) -> Response {
    domain_page(StatusCode::MISDIRECTED_REQUEST, "Misdirected request", why)
}

/// The request on one of the version's instances: the least busy one, or
/// one cold-started for it (`scaler::lease`). Every answer names the version
/// and is counted in its metrics, from now (the version was just picked) to
/// the answer's head. `default_domain` is the service's, to choose again;
/// `gone` what to answer when the service has no traffic left by then.
async fn serve(
    state: &Gateway,
    default_domain: &str,
    gone: impl FnOnce() -> Response,
    version: VersionRef,
    req: Request,
) -> Response {
    let picked = Instant::now();
    match hop(state, default_domain, version, req, picked).await {
        Served::Version(version, answer, head) => {
            state.metrics.record(&version, answer.status().as_u16(), head.unwrap_or_else(|| picked.elapsed()));
            named(answer, &version)
        }
        Served::Gone => gone(),
        Served::Unroutable(answer) => answer,
    }
}

/// How a request ended: answered for a version (with the time to the
/// answer's head when an instance answered), or served by no version.
enum Served {
    Version(VersionRef, Response, Option<std::time::Duration>),
    /// The service lost its traffic meanwhile.
    Gone,
    Unroutable(Response),
}

/// What [`serve`] does but the counting: the body, a lease, the hop.
async fn hop(state: &Gateway, default_domain: &str, mut version: VersionRef, req: Request, picked: Instant) -> Served {
    let (parts, body) = req.into_parts();
    // Read before an instance is taken: a slow upload is the gateway's
    // work, not the instance's load. The platform caps bodies at 20 MB.
    // A body that trickles in holds a connection: it has a deadline.
    let read = tokio::time::timeout(BODY_DEADLINE, axum::body::to_bytes(body, 20 * 1024 * 1024)).await;
    let body = match read {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return Served::Version(
                version,
                (StatusCode::PAYLOAD_TOO_LARGE, "request body over 20 MB").into_response(),
                None,
            );
        }
        Err(_) => {
            let why = format!("the request body did not arrive within {} s", BODY_DEADLINE.as_secs());
            return Served::Version(version, (StatusCode::REQUEST_TIMEOUT, why).into_response(), None);
        }
    };
    // An instance leaves the pick before it stops and stops only once its
    // leases end, so the instance this lease names is listening.
    let mut leased = scaler::lease(&state.db, &state.runtime, &version).await;
    if matches!(leased, Err(NoInstance::Gone)) {
        // The version lost its traffic since it was chosen (a release, a
        // rollback, an abandoned gray release): choose again, once.
        version = match version_for(state, default_domain, parts.uri.query()).await {
            Ok(Some(again)) => again,
            Ok(None) => return Served::Gone,
            Err(e) => return Served::Unroutable(routes_unreadable(&e)),
        };
        leased = scaler::lease(&state.db, &state.runtime, &version).await;
    }
    let lease = match leased {
        Ok(lease) => lease,
        Err(e) => {
            let why = format!("no instance of {} is running: {e}", version.version);
            let answer = (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], why);
            return Served::Version(version, answer.into_response(), None);
        }
    };
    match forward(state, &lease, &parts, body, picked).await {
        Ok((answer, head)) => Served::Version(version, answer, Some(head)),
        Err(e) => {
            let answer = (StatusCode::BAD_GATEWAY, format!("the instance did not answer: {e}")).into_response();
            Served::Version(version, answer, None)
        }
    }
}

/// A real HTTP hop to the instance, like any gateway; the lease counts the
/// request in flight until the whole answer is read. With the answer, the
/// time from `picked` to its head.
async fn forward(
    state: &Gateway,
    lease: &Lease,
    parts: &axum::http::request::Parts,
    body: bytes::Bytes,
    picked: Instant,
) -> Result<(Response, std::time::Duration), reqwest::Error> {
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut out = state.http.request(parts.method.clone(), format!("http://{}{path}", lease.addr())).body(body);
    for (k, v) in &parts.headers {
        out = out.header(k, v);
    }
    let resp = out.send().await?;
    let head = picked.elapsed();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await?;
    let mut response = (status, bytes).into_response();
    for (k, v) in &headers {
        if k != header::TRANSFER_ENCODING && k != header::CONNECTION && k != header::CONTENT_LENGTH {
            response.headers_mut().insert(k, v.clone());
        }
    }
    Ok((response, head))
}

/// Names the version that served (or could not serve) the request.
fn named(mut response: Response, version: &VersionRef) -> Response {
    if let Ok(v) = version.version.as_str().parse() {
        response.headers_mut().insert("x-localcloud-version", v);
    }
    response
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn not_found(host: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No service here</title></head>\
         <body><h1>No service answers at {}</h1><p>localcloud's gateway knows no running service with this domain, \
         and no custom domain is bound to it. It may never have existed, or it was deleted: a deleted service's \
         default domain is never reused.</p></body></html>",
        escape(host)
    );
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

/// A page about a custom domain: what happened and what to do. Never cached:
/// the binding may change the next minute.
fn domain_page(status: StatusCode, title: &str, text: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p></body></html>",
        escape(title),
        escape(title),
        escape(text)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

    use super::*;
    use crate::domains::sealing::Sealer;
    use crate::runtime::tls;

    /// A runtime with no instance: these tests route to none.
    fn runtime(data_dir: &std::path::Path) -> Arc<Runtime> {
        Arc::new(crate::runtime::instances::testing::runtime(data_dir))
    }

    #[tokio::test]
    async fn a_store_that_cannot_be_read_is_a_503_not_a_missing_service() {
        // No tables: every read of the routes fails.
        let db = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ports = Ports { http: addr.port(), tls: 443 };
        let dir = tempfile::tempdir().unwrap();
        let gateway = app(db, runtime(dir.path()), reqwest::Client::new(), ports, Arc::default());
        tokio::spawn(async move { axum::serve(listener, gateway).await });
        let resp = reqwest::Client::new()
            .get(format!("http://{addr}/"))
            .header("host", format!("shop-env.run.localhost:{}", addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
        assert!(!resp.text().await.unwrap().contains("No service"));
    }

    #[test]
    fn the_host_name_drops_the_port_and_a_final_dot() {
        assert_eq!(host_name("shop.example.com:8081"), "shop.example.com");
        assert_eq!(host_name("shop.example.com."), "shop.example.com");
        assert_eq!(host_name("shop.example.com"), "shop.example.com");
        assert_eq!(host_name("[::1]:80"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
        assert_eq!(port_suffix(443, 443), "");
        assert_eq!(port_suffix(8443, 443), ":8443");
    }

    /// Custom domains written straight into a store, as the route and
    /// certificate actions write them, with certificates from a test CA;
    /// and the gateway's two listeners over it.
    pub(crate) struct Domains {
        _dir: tempfile::TempDir,
        pub db: sqlx::SqlitePool,
        pub sealer: Arc<Sealer>,
        ca: CertifiedIssuer<'static, KeyPair>,
    }

    /// Where the gateway of [`Domains::serve`] listens.
    pub(crate) struct Listening {
        pub http: SocketAddr,
        pub tls: SocketAddr,
    }

    impl Domains {
        /// A store with the environment `env` and the service `web`, which
        /// exists but has no version online (`http://web-env.run.localhost:1`).
        pub async fn new() -> Domains {
            let dir = tempfile::tempdir().unwrap();
            let db = crate::store::open(&dir.path().join("localcloud.db")).await.unwrap();
            for sql in [
                "INSERT INTO envs (env_id, alias, region, package_type, source, channel, status, created_at, updated_at)
                 VALUES ('env', 'a', 'ap-shanghai', 'Trial', 'x', 'x', 'NORMAL', 0, 0)",
                "INSERT INTO services (env_id, server_name, default_domain, status, created_at, updated_at)
                 VALUES ('env', 'web', 'http://web-env.run.localhost:1', 'normal', 0, 0)",
            ] {
                sqlx::query(sql).execute(&db).await.unwrap();
            }
            let sealer = Arc::new(Sealer::load_or_create(&dir.path().join("cert-seal.key")).unwrap());
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(rcgen::DnType::CommonName, "localcloud test CA");
            let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
            Domains { _dir: dir, db, sealer, ca }
        }

        /// The CA's certificate, for a client's roots.
        pub fn ca_der(&self) -> Vec<u8> {
            self.ca.der().to_vec()
        }

        /// Stores a certificate `id` for `names`; its leaf's DER.
        pub async fn certificate(&self, id: &str, names: &[&str]) -> Vec<u8> {
            let key = KeyPair::generate().unwrap();
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let leaf = CertificateParams::new(names.clone()).unwrap().signed_by(&key, &self.ca).unwrap();
            let chain = format!("{}{}", leaf.pem(), self.ca.pem());
            let sealed = self.sealer.seal(id, key.serialize_pem().as_bytes());
            sqlx::query(
                "INSERT INTO certificates (cert_id, chain_pem, key_sealed, fingerprint, dns_names, not_before, not_after, created_at)
                 VALUES (?, ?, ?, ?, ?, 0, 4102444800, 0)",
            )
            .bind(id)
            .bind(chain)
            .bind(sealed)
            .bind(id)
            .bind(serde_json::to_string(&names).unwrap())
            .execute(&self.db)
            .await
            .unwrap();
            leaf.der().to_vec()
        }

        /// Binds `domain` with `protocol` and `cert`, its path `/` leading to
        /// the service `web` as it was when its default domain was `upstream`.
        pub async fn bind(&self, domain: &str, protocol: &str, cert: Option<&str>, upstream: &str) {
            sqlx::query(
                "INSERT INTO custom_domains (domain, env_id, protocol, cert_id, cname, created_at, updated_at)
                 VALUES (?, 'env', ?, ?, 'env.gw.run.localhost', 0, 0)",
            )
            .bind(domain)
            .bind(protocol)
            .bind(cert)
            .execute(&self.db)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO custom_domain_routes (domain, path, upstream_type, upstream_name, upstream_domain, created_at, updated_at)
                 VALUES (?, '/', 'CBR', 'web', ?, 0, 0)",
            )
            .bind(domain)
            .bind(upstream)
            .execute(&self.db)
            .await
            .unwrap();
        }

        pub async fn set(&self, domain: &str, column: &str, value: &str) {
            sqlx::query(&format!("UPDATE custom_domains SET {column} = ? WHERE domain = ?"))
                .bind(value)
                .bind(domain)
                .execute(&self.db)
                .await
                .unwrap();
        }

        /// The gateway's plain and TLS listeners on free ports.
        pub async fn serve(&self) -> Listening {
            let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let secure = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let listening = Listening { http: plain.local_addr().unwrap(), tls: secure.local_addr().unwrap() };
            let ports = Ports { http: listening.http.port(), tls: listening.tls.port() };
            let router = app(self.db.clone(), runtime(self._dir.path()), reqwest::Client::new(), ports, Arc::default());
            let certificates = Arc::new(tls::Certificates::new(self.db.clone(), self.sealer.clone()));
            let limits = tls::Limits { handshake: Duration::from_secs(1), ..tls::Limits::default() };
            tokio::spawn(tls::serve(secure, certificates, router.clone(), limits));
            tokio::spawn(async move { axum::serve(plain, router).await });
            listening
        }
    }

    async fn get(gateway: SocketAddr, host: &str, path: &str) -> (StatusCode, Option<String>, String) {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let resp = http.get(format!("http://{gateway}{path}")).header("host", host).send().await.unwrap();
        let location = resp.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
        (resp.status(), location, resp.text().await.unwrap())
    }

    #[tokio::test]
    async fn plain_http_follows_each_protocol_of_a_custom_domain() {
        let domains = Domains::new().await;
        domains.certificate("c1", &["*.example.com"]).await;
        let gone = "http://web-env.run.localhost:9";
        domains.bind("to-https.example.com", "HTTP_TO_HTTPS", Some("c1"), gone).await;
        domains.bind("https.example.com", "HTTPS", Some("c1"), gone).await;
        domains.bind("off.example.com", "HTTP_AND_HTTPS", Some("c1"), gone).await;
        domains.set("off.example.com", "enable", "0").await;
        let at = domains.serve().await;

        let (status, location, _) = get(at.http, "To-HTTPS.example.com:80", "/a/b?x=1&y=2").await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(location.unwrap(), format!("https://to-https.example.com:{}/a/b?x=1&y=2", at.tls.port()));

        let (status, location, page) = get(at.http, "https.example.com", "/a").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(location, None, "HTTPS only is not a redirect");
        assert!(page.contains("served over HTTPS only"), "{page}");
        assert!(page.contains(&format!("https://https.example.com:{}/a", at.tls.port())), "{page}");

        let (status, _, page) = get(at.http, "off.example.com", "/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("disabled"), "{page}");

        let (status, _, page) = get(at.http, "unbound.example.com", "/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("no custom domain is bound"), "{page}");
    }

    #[tokio::test]
    async fn r_svc_5_a_domain_whose_service_was_deleted_says_so() {
        let domains = Domains::new().await;
        // Bound to a `web` that was deleted since: the `web` there now has
        // another default domain, so it is another service.
        domains.bind("old.example.com", "HTTP", None, "http://web-env.run.localhost:9").await;
        domains.bind("new.example.com", "HTTP", None, "http://web-env.run.localhost:1").await;
        let at = domains.serve().await;
        let (status, _, page) = get(at.http, "old.example.com", "/x").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("was bound to the service web, which was deleted"), "{page}");
        assert!(page.contains("Bind the domain to another service"), "{page}");
        let (status, _, page) = get(at.http, "new.example.com", "/x").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(page.contains("no version online"), "{page}");
    }
}
