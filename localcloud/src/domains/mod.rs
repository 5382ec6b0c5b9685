//! Custom domains (R-DOM-1..4): the bindings the tcb route actions write and
//! the gateway reads, and the uploaded certificates with their sealed keys.
//! `api::domains` and `api::certificates` write them; `runtime::gateway`
//! routes by them and serves their certificates over TLS by SNI; `dns`
//! tells whether a domain's CNAME points where its binding says.

pub mod dns;
pub mod sealing;

use console_shared::certs::{CertChain, PrivateKey};
use console_shared::vocab::DomainProtocol;

use sealing::Sealer;

/// The zone of localcloud's own names: the services' default domains
/// (`<service>-<env>.run.localhost`) and the CNAME targets
/// (`<env>.gw.run.localhost`). No custom domain is bound in it, so none can
/// answer for a default domain, a deleted service's included (R-SVC-5).
pub const OWN_ZONE: &str = "run.localhost";

/// Whether `name` (lower case, no port) is [`OWN_ZONE`] or under it.
pub fn in_own_zone(name: &str) -> bool {
    name.strip_suffix(OWN_ZONE).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// A bound domain as the gateway needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub domain: String,
    pub protocol: DomainProtocol,
    pub cert_id: Option<String>,
    pub enable: bool,
    pub routes: Vec<Route>,
}

/// One path of a binding and the service it leads to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Route {
    pub path: String,
    /// The service's name.
    pub upstream_name: String,
    /// The service's default domain when the route was bound: which
    /// service of that name (R-SVC-5).
    pub upstream_domain: String,
    pub enable: bool,
}

impl Binding {
    /// The route for a request path: the longest route path that is a
    /// prefix of it at a segment boundary (`/api` takes `/api` and
    /// `/api/x`, not `/apix`).
    pub fn route_for(&self, path: &str) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| r.enable && path_under(path, &r.path))
            .max_by_key(|r| r.path.trim_end_matches('/').len())
    }
}

fn path_under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    prefix.is_empty() || path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// The binding of `domain` (lowercase, no port), if any.
pub async fn binding(db: &sqlx::SqlitePool, domain: &str) -> sqlx::Result<Option<Binding>> {
    let row: Option<(String, String, Option<String>, bool)> =
        sqlx::query_as("SELECT domain, protocol, cert_id, enable FROM custom_domains WHERE domain = ?")
            .bind(domain)
            .fetch_optional(db)
            .await?;
    let Some((domain, protocol, cert_id, enable)) = row else {
        return Ok(None);
    };
    let routes: Vec<Route> = sqlx::query_as(
        "SELECT path, upstream_name, upstream_domain, enable FROM custom_domain_routes WHERE domain = ? ORDER BY path",
    )
    .bind(&domain)
    .fetch_all(db)
    .await?;
    Ok(Some(Binding { domain, protocol: DomainProtocol::from(protocol), cert_id, enable, routes }))
}

/// A certificate ready to serve: its chain and its opened private key.
#[derive(Debug)]
pub struct ServingCert {
    pub chain: CertChain,
    pub key: PrivateKey,
}

#[derive(Debug, thiserror::Error)]
pub enum ServingError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// The stored key does not open (another sealing key, or altered) or
    /// the stored texts no longer parse: nothing to serve, and it says why.
    #[error("the stored certificate {0} cannot be used: {1}")]
    Unusable(String, &'static str),
}

/// The certificate `cert_id` with its private key opened, for the TLS
/// listener; `None` when no such certificate exists. The key never leaves
/// this process.
pub async fn serving_cert(
    db: &sqlx::SqlitePool,
    sealer: &Sealer,
    cert_id: &str,
) -> Result<Option<ServingCert>, ServingError> {
    let row: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT chain_pem, key_sealed FROM certificates WHERE cert_id = ?")
            .bind(cert_id)
            .fetch_optional(db)
            .await?;
    let Some((chain_pem, sealed)) = row else {
        return Ok(None);
    };
    let unusable = |why| ServingError::Unusable(cert_id.to_string(), why);
    let key_pem = sealer.open(cert_id, &sealed).ok_or_else(|| unusable("its private key does not open"))?;
    let key = PrivateKey::parse(&key_pem).map_err(|_| unusable("its private key does not parse"))?;
    let chain = CertChain::parse(chain_pem.as_bytes()).map_err(|_| unusable("its chain does not parse"))?;
    Ok(Some(ServingCert { chain, key }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Route {
        Route { path: path.into(), upstream_name: path.into(), upstream_domain: String::new(), enable: true }
    }

    #[test]
    fn localclouds_own_zone_is_the_default_domains_and_the_cname_targets() {
        assert!(in_own_zone("run.localhost") && in_own_zone("web-env.run.localhost"));
        assert!(in_own_zone("env.gw.run.localhost"));
        assert!(!in_own_zone("xrun.localhost") && !in_own_zone("run.localhost.example.com"));
    }

    #[test]
    fn the_longest_route_prefix_at_a_segment_boundary_wins() {
        let b = Binding {
            domain: "a.example.com".into(),
            protocol: DomainProtocol::Https,
            cert_id: None,
            enable: true,
            routes: vec![route("/"), route("/api"), route("/api/v2/")],
        };
        assert_eq!(b.route_for("/").unwrap().path, "/");
        assert_eq!(b.route_for("/apix").unwrap().path, "/");
        assert_eq!(b.route_for("/api").unwrap().path, "/api");
        assert_eq!(b.route_for("/api/v1").unwrap().path, "/api");
        assert_eq!(b.route_for("/api/v2/x").unwrap().path, "/api/v2/");
        let only_api = Binding { routes: vec![route("/api")], ..b };
        assert!(only_api.route_for("/other").is_none());
    }
}
