//! Custom domains bound to Cloud Run services: the tcb HTTP access-service
//! route actions with `UpstreamResourceType: "CBR"` (CLOUD-API.md §2;
//! R-DOM-1..4). Create binds a domain with its protocol, certificate and
//! paths; Describe lists them (`domain_list`); Modify renews the
//! certificate or rebinds in place; Delete unbinds a domain or some of its
//! paths. The gateway serves what is stored here (`domains::binding`).
//!
//! Refused rather than ignored, as localcloud does not do them: access
//! other than `DIRECT`, a custom CNAME, header rules (`Extension`), path
//! rewriting, rate limits (`QPSPolicy`), authentication (`EnableAuth`) and
//! upstreams other than Cloud Run.

use std::collections::HashSet;

use console_shared::actions::{
    ACCESS_DIRECT, CreateHTTPServiceRouteResponse, DeleteHTTPServiceRouteRequest, Empty, HttpServiceDomainParam,
    HttpServiceRouteParam, HttpServiceRouteRequest, UPSTREAM_CBR,
};
use console_shared::api::codes;
use console_shared::certs::{self, DomainError};
use console_shared::region::Region;
use console_shared::vocab::DomainProtocol;

use super::certificates::{self, UNSUPPORTED_OPERATION, refused};
use super::error::CallError;
use super::state::State;
use super::{envs, services};
use crate::domains::dns;

/// R-DOM-1: the domain is bound already.
pub const DOMAIN_IN_USE: &str = "ResourceInUse.Domain";
/// The domain is not bound in this environment.
pub const DOMAIN_NOT_FOUND: &str = "ResourceNotFound.Domain";
/// Paths of one domain (`Routes`, at most 20 as documented).
const MAX_ROUTES: usize = 20;
/// The longest route path taken.
const PATH_MAX: usize = 256;

/// `domain` as stored (lower case), or why it cannot be bound.
fn domain_name(domain: &str) -> Result<String, CallError> {
    let name =
        certs::domain_name(domain).map_err(|e| CallError::new(DomainError::CODE, format!("The domain name {e}.")))?;
    if crate::domains::in_own_zone(&name) {
        return Err(CallError::new(
            DomainError::CODE,
            format!(
                "The domain `{name}` is in {}, localcloud's own zone for default domains and CNAME targets; bind a \
                 domain of your own.",
                crate::domains::OWN_ZONE
            ),
        ));
    }
    Ok(name)
}

fn unsupported(what: &str) -> CallError {
    CallError::new(UNSUPPORTED_OPERATION, format!("localcloud does not support {what}."))
}

/// A JSON option given with content (`null` and `{}` are not given).
fn given(value: &Option<serde_json::Value>) -> bool {
    value.as_ref().is_some_and(|v| !(v.is_null() || v.as_object().is_some_and(|o| o.is_empty())))
}

/// The options of a domain that localcloud does not implement, refused
/// with what it does instead.
fn refuse_unsupported(d: &HttpServiceDomainParam) -> Result<(), CallError> {
    if let Some(access) = d.access_type.as_deref().filter(|a| !a.is_empty() && *a != ACCESS_DIRECT) {
        return Err(unsupported(&format!(
            "AccessType `{access}`: its gateway serves domains directly (AccessType DIRECT), with no CDN or EdgeOne"
        )));
    }
    if d.custom_cname.as_deref().is_some_and(|c| !c.is_empty()) {
        return Err(unsupported("a custom CNAME target (CustomCname): each environment has its own, in Cname"));
    }
    if given(&d.extension) {
        return Err(unsupported("header rules (Extension)"));
    }
    for route in d.routes.iter().flatten() {
        if given(&route.path_rewrite) {
            return Err(unsupported("path rewriting (PathRewrite): a request reaches the service with its path"));
        }
        if given(&route.qps_policy) {
            return Err(unsupported("rate limits (QPSPolicy)"));
        }
        if route.enable_auth == Some(true) {
            return Err(unsupported("authentication on a route (EnableAuth)"));
        }
    }
    Ok(())
}

/// The protocol asked for; `None` when absent or empty (the default).
fn protocol_of(asked: &Option<DomainProtocol>) -> Result<Option<DomainProtocol>, CallError> {
    match asked {
        None => Ok(None),
        Some(DomainProtocol::Other(text)) if text.is_empty() => Ok(None),
        Some(DomainProtocol::Other(_)) => {
            let known: Vec<&str> = DomainProtocol::KNOWN.iter().map(DomainProtocol::as_str).collect();
            Err(CallError::invalid_value("Domain.Protocol", format!("must be one of {}", known.join(", "))))
        }
        Some(known) => Ok(Some(known.clone())),
    }
}

/// A route ready to store: its path and the service it leads to, pinned
/// by the service's default domain (R-SVC-5: a service deleted and created
/// again under the same name is another service).
struct NewRoute {
    path: String,
    service: String,
    upstream_domain: String,
    enable: bool,
}

fn check_path(path: &str) -> Result<(), CallError> {
    let why = if !path.starts_with('/') {
        "must start with /".to_string()
    } else if path.len() > PATH_MAX {
        format!("must be at most {PATH_MAX} characters")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        "must be a URL path, without spaces, ? or #".to_string()
    } else {
        return Ok(());
    };
    Err(CallError::invalid_value("Domain.Routes.Path", why))
}

/// The routes asked for, each checked and its service found in `env`.
async fn routes_of(
    state: &State,
    env: &str,
    region: Option<Region>,
    routes: &[HttpServiceRouteParam],
) -> Result<Vec<NewRoute>, CallError> {
    if routes.is_empty() || routes.len() > MAX_ROUTES {
        return Err(CallError::invalid_value("Domain.Routes", format!("must hold 1 to {MAX_ROUTES} routes")));
    }
    let missing = |field: &str| {
        CallError::new(codes::MISSING_PARAMETER, format!("The parameter `Domain.Routes.{field}` is missing."))
    };
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(routes.len());
    for route in routes {
        check_path(&route.path)?;
        // The gateway matches `/api` and `/api/` alike.
        if !seen.insert(route.path.trim_end_matches('/')) {
            return Err(CallError::invalid_value("Domain.Routes.Path", format!("`{}` is given twice", route.path)));
        }
        match route.upstream_resource_type.as_deref() {
            None | Some("") => return Err(missing("UpstreamResourceType")),
            Some(UPSTREAM_CBR) => {}
            Some(other) => {
                return Err(unsupported(&format!(
                    "UpstreamResourceType `{other}`: it serves Cloud Run services only (CBR)"
                )));
            }
        }
        let name = route
            .upstream_resource_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| missing("UpstreamResourceName"))?;
        let service = services::find(state, env, name, region).await?;
        checked.push(NewRoute {
            path: route.path.clone(),
            service: service.server_name,
            upstream_domain: service.default_domain,
            enable: route.enable.unwrap_or(true),
        });
    }
    // R-DOM-1: a domain is bound to one service at most, whatever its paths.
    if checked.iter().any(|r| r.service != checked[0].service) {
        return Err(CallError::new(
            codes::INVALID_PARAMETER,
            "All routes of a domain must lead to the same service: a domain is bound to one service.",
        ));
    }
    Ok(checked)
}

/// R-DOM-2: a protocol served over TLS needs a certificate that exists,
/// covers the domain and is valid now. A certificate given with plain HTTP
/// is kept (harmless, and ready for a later switch to HTTPS) but must exist.
async fn check_certificate(
    state: &State,
    protocol: &DomainProtocol,
    cert_id: Option<&str>,
    domain: &str,
) -> Result<(), CallError> {
    let cert = match cert_id {
        Some(id) => Some(certificates::find(state, id).await?),
        None => None,
    };
    if !protocol.needs_certificate() {
        return Ok(());
    }
    let Some(cert) = cert else {
        return Err(CallError::new(
            codes::INVALID_PARAMETER,
            format!(
                "Protocol {protocol} serves the domain over HTTPS, which needs a certificate: upload it with \
                 UploadCertificate and pass its CertificateId as CertId."
            ),
        ));
    };
    certs::check_covers(&cert.dns_names()?, domain).map_err(|e| refused(&e))?;
    cert.check_validity(crate::clock::now())
}

/// The routes of `domain` become `routes`: paths kept keep their creation
/// time; paths not given are removed.
async fn store_routes(
    tx: &mut sqlx::SqliteConnection,
    domain: &str,
    routes: &[NewRoute],
    now: i64,
) -> Result<(), CallError> {
    for r in routes {
        sqlx::query(
            "INSERT INTO custom_domain_routes
                 (domain, path, upstream_type, upstream_name, upstream_domain, enable, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (domain, path) DO UPDATE SET upstream_type = ?3, upstream_name = ?4,
                 upstream_domain = ?5, enable = ?6, updated_at = ?7",
        )
        .bind(domain)
        .bind(&r.path)
        .bind(UPSTREAM_CBR)
        .bind(&r.service)
        .bind(&r.upstream_domain)
        .bind(r.enable)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let kept = serde_json::to_string(&routes.iter().map(|r| r.path.as_str()).collect::<Vec<_>>())?;
    sqlx::query("DELETE FROM custom_domain_routes WHERE domain = ? AND path NOT IN (SELECT value FROM json_each(?))")
        .bind(domain)
        .bind(kept)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// `CreateHTTPServiceRoute`: binds a domain to a service (R-DOM-1, R-DOM-2).
pub async fn create(
    state: &State,
    region: Option<Region>,
    req: HttpServiceRouteRequest,
) -> Result<CreateHTTPServiceRouteResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let d = &req.domain;
    let domain = domain_name(&d.domain)?;
    refuse_unsupported(d)?;
    let protocol = protocol_of(&d.protocol)?.unwrap_or(DomainProtocol::HttpAndHttps);
    let routes = d
        .routes
        .as_deref()
        .ok_or_else(|| CallError::new(codes::MISSING_PARAMETER, "The parameter `Domain.Routes` is missing."))?;
    let routes = routes_of(state, &req.env_id, region, routes).await?;
    let cert_id = d.cert_id.as_deref().filter(|c| !c.is_empty());
    check_certificate(state, &protocol, cert_id, &domain).await?;

    let now = crate::clock::now();
    let mut tx = crate::store::write_tx(&state.db).await?;
    // R-DOM-1: one binding per domain in the whole cloud, any environment.
    let bound: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT env_id, (SELECT upstream_name FROM custom_domain_routes WHERE domain = ?1 LIMIT 1)
         FROM custom_domains WHERE domain = ?1",
    )
    .bind(&domain)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((env, service)) = bound {
        // Another environment's names are not the caller's to learn.
        let where_ = match service {
            Some(service) if env == req.env_id => format!(" to the service `{service}` in this environment"),
            _ if env == req.env_id => " in this environment".to_string(),
            _ => " in another environment".to_string(),
        };
        return Err(CallError::new(
            DOMAIN_IN_USE,
            format!(
                "The domain `{domain}` is already bound{where_}; a domain is bound to one service: unbind it there \
                 first."
            ),
        ));
    }
    sqlx::query(
        "INSERT INTO custom_domains (domain, env_id, protocol, cert_id, access_type, cname, enable, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )
    .bind(&domain)
    .bind(&req.env_id)
    .bind(protocol.as_str())
    .bind(cert_id)
    .bind(ACCESS_DIRECT)
    .bind(dns::cname_target(&req.env_id))
    .bind(d.enable.unwrap_or(true))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    store_routes(&mut tx, &domain, &routes, now).await?;
    tx.commit().await?;
    tracing::info!(env.id = %req.env_id, domain, service = %routes[0].service, protocol = %protocol, "domain bound");
    // localcloud asks for no proof of ownership: the domain is the user's
    // own to point at this machine.
    Ok(CreateHTTPServiceRouteResponse { ownership_verification: None })
}

/// `ModifyHTTPServiceRoute`: what is given replaces what is stored; what
/// is absent stays. A new `CertId` renews the certificate in place
/// (R-DOM-4); new `Routes` rebind the domain, to the same service (pinning
/// its current instance, R-SVC-5) or to another. An empty `CertId` removes
/// the certificate, which only plain HTTP allows.
pub async fn modify(state: &State, region: Option<Region>, req: HttpServiceRouteRequest) -> Result<Empty, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let d = &req.domain;
    let domain = domain_name(&d.domain)?;
    refuse_unsupported(d)?;
    let current: Option<(String, Option<String>, bool)> =
        sqlx::query_as("SELECT protocol, cert_id, enable FROM custom_domains WHERE domain = ? AND env_id = ?")
            .bind(&domain)
            .bind(&req.env_id)
            .fetch_optional(&state.db)
            .await?;
    let (was_protocol, was_cert_id, was_enable) = current.ok_or_else(|| not_bound(&domain, &req.env_id))?;
    let protocol = protocol_of(&d.protocol)?.unwrap_or_else(|| DomainProtocol::from(was_protocol.as_str()));
    let cert_id = match d.cert_id.as_deref() {
        None => was_cert_id.clone(),
        Some("") => None,
        Some(id) => Some(id.to_string()),
    };
    let enable = d.enable.unwrap_or(was_enable);
    let routes = match d.routes.as_deref() {
        Some(routes) => Some(routes_of(state, &req.env_id, region, routes).await?),
        None => None,
    };
    // The certificate is checked when it or the protocol changes: pointing
    // a domain whose certificate has expired at another service (its old
    // one deleted, R-SVC-5) is not refused for the certificate.
    if protocol.as_str() != was_protocol || cert_id != was_cert_id {
        check_certificate(state, &protocol, cert_id.as_deref(), &domain).await?;
    }

    let now = crate::clock::now();
    let mut tx = crate::store::write_tx(&state.db).await?;
    // Only over the binding as it was read and checked: a change made
    // meanwhile is not overwritten with what was checked against the old one.
    let updated = sqlx::query(
        "UPDATE custom_domains SET protocol = ?, cert_id = ?, enable = ?, updated_at = ?
         WHERE domain = ? AND env_id = ? AND protocol = ? AND cert_id IS ? AND enable = ?",
    )
    .bind(protocol.as_str())
    .bind(&cert_id)
    .bind(enable)
    .bind(now)
    .bind(&domain)
    .bind(&req.env_id)
    .bind(&was_protocol)
    .bind(&was_cert_id)
    .bind(was_enable)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        let still: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM custom_domains WHERE domain = ? AND env_id = ?)")
                .bind(&domain)
                .bind(&req.env_id)
                .fetch_one(&mut *tx)
                .await?;
        if !still {
            return Err(not_bound(&domain, &req.env_id));
        }
        return Err(CallError::new(
            codes::FAILED_OPERATION,
            format!("The binding of `{domain}` changed while this request ran; read it again and retry."),
        ));
    }
    if let Some(routes) = &routes {
        store_routes(&mut tx, &domain, routes, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        env.id = %req.env_id,
        domain,
        protocol = %protocol,
        cert.id = cert_id.as_deref().unwrap_or(""),
        service = routes.as_ref().map(|r| r[0].service.as_str()),
        "domain binding changed"
    );
    Ok(Empty {})
}

fn not_bound(domain: &str, env: &str) -> CallError {
    CallError::new(DOMAIN_NOT_FOUND, format!("The domain `{domain}` is not bound in the environment `{env}`."))
}

/// `DeleteHTTPServiceRoute`: unbinds the domain, or only the paths given.
/// A domain left with no path stays bound and answers nothing until given
/// routes again.
pub async fn delete(
    state: &State,
    region: Option<Region>,
    req: DeleteHTTPServiceRouteRequest,
) -> Result<Empty, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let domain = domain_name(&req.domain)?;
    let paths = req.paths.unwrap_or_default();
    let mut tx = crate::store::write_tx(&state.db).await?;
    let bound: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM custom_domains WHERE domain = ? AND env_id = ?")
        .bind(&domain)
        .bind(&req.env_id)
        .fetch_one(&mut *tx)
        .await?;
    if bound == 0 {
        return Err(not_bound(&domain, &req.env_id));
    }
    if paths.is_empty() {
        sqlx::query("DELETE FROM custom_domain_routes WHERE domain = ?").bind(&domain).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM custom_domains WHERE domain = ?").bind(&domain).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(env.id = %req.env_id, domain, "domain unbound");
        return Ok(Empty {});
    }
    for path in &paths {
        let removed = sqlx::query("DELETE FROM custom_domain_routes WHERE domain = ? AND path = ?")
            .bind(&domain)
            .bind(path)
            .execute(&mut *tx)
            .await?;
        if removed.rows_affected() == 0 {
            // Nothing is removed: the transaction is dropped.
            return Err(CallError::new(DOMAIN_NOT_FOUND, format!("The domain `{domain}` has no route `{path}`.")));
        }
    }
    sqlx::query("UPDATE custom_domains SET updated_at = ? WHERE domain = ?")
        .bind(crate::clock::now())
        .bind(&domain)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(env.id = %req.env_id, domain, paths = ?paths, "domain routes removed");
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_options_with_content_count_as_given() {
        assert!(!given(&None));
        assert!(!given(&Some(serde_json::Value::Null)));
        assert!(!given(&Some(serde_json::json!({}))));
        assert!(given(&Some(serde_json::json!({"Prefix": "/v1"}))));
    }

    #[test]
    fn a_route_path_is_a_url_path() {
        assert!(check_path("/").is_ok() && check_path("/api/v1").is_ok());
        for bad in ["", "api", "/a b", "/a?x=1", "/a#top", &format!("/{}", "a".repeat(PATH_MAX))] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }
}
