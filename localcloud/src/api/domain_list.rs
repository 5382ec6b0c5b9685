//! `DescribeHTTPServiceRoute`: the bound domains of an environment as the
//! documented `HTTPServiceDomain`s, filtered and paged, each with its CNAME
//! target, its state (FAIL while its service is gone, R-SVC-5, or its
//! certificate has expired) and whether DNS points there (`domains::dns`).

use std::collections::{HashMap, HashSet};

use console_shared::actions::{
    DOMAIN_TYPE_CBR, DescribeHTTPServiceRouteRequest, DescribeHTTPServiceRouteResponse, HttpServiceDomain,
    HttpServiceRoute, RouteFilter,
};
use console_shared::certs;
use console_shared::region::Region;
use console_shared::time::cst_datetime;
use console_shared::vocab::{DomainProtocol, RouteStatus};

use super::envs;
use super::error::CallError;
use super::state::State;
use crate::domains::dns;

/// Paging, as documented.
const LIMIT_DEFAULT: i64 = 20;
const LIMIT_MAX: i64 = 1000;

#[derive(sqlx::FromRow)]
struct DomainRow {
    domain: String,
    protocol: String,
    cert_id: Option<String>,
    access_type: String,
    cname: String,
    enable: bool,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct RouteRow {
    domain: String,
    path: String,
    upstream_type: String,
    upstream_name: String,
    upstream_domain: String,
    enable: bool,
    created_at: i64,
    updated_at: i64,
}

/// `HTTPServiceDomain` times: ISO 8601 at UTC+8, as the API documents them.
fn iso_cst(t: i64) -> String {
    format!("{}+08:00", cst_datetime(t).replacen(' ', "T", 1))
}

/// What a `Filters` entry keeps.
enum Filter {
    Domain(HashSet<String>),
    DomainType(HashSet<String>),
    UpstreamResourceType(HashSet<String>),
    Path(HashSet<String>),
}

fn filters_of(given: &[RouteFilter]) -> Result<Vec<Filter>, CallError> {
    given
        .iter()
        .map(|f| {
            let values = f.values.iter().cloned();
            Ok(match f.name.as_str() {
                // As stored: lower case, without the root's dot.
                "Domain" => Filter::Domain(values.map(|v| v.trim_end_matches('.').to_ascii_lowercase()).collect()),
                "DomainType" => Filter::DomainType(values.collect()),
                "UpstreamResourceType" => Filter::UpstreamResourceType(values.collect()),
                "Path" => Filter::Path(values.collect()),
                other => {
                    return Err(CallError::invalid_value(
                        "Filters.Name",
                        format!("`{other}` is not one of Domain, Path, DomainType, UpstreamResourceType"),
                    ));
                }
            })
        })
        .collect()
}

impl Filter {
    fn keeps(&self, d: &DomainRow, routes: &[&RouteRow]) -> bool {
        match self {
            Filter::Domain(names) => names.contains(&d.domain),
            Filter::DomainType(types) => types.contains(DOMAIN_TYPE_CBR),
            Filter::UpstreamResourceType(types) => routes.iter().any(|r| types.contains(&r.upstream_type)),
            Filter::Path(paths) => routes.iter().any(|r| paths.contains(&r.path)),
        }
    }
}

/// `DescribeHTTPServiceRoute`: the environment's domains, oldest first.
pub async fn describe(
    state: &State,
    region: Option<Region>,
    req: DescribeHTTPServiceRouteRequest,
) -> Result<DescribeHTTPServiceRouteResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let offset = match req.offset.unwrap_or(0) {
        n if n < 0 => return Err(CallError::invalid_value("Offset", "must not be negative")),
        n => n as usize,
    };
    let limit = match req.limit.unwrap_or(0) {
        0 => LIMIT_DEFAULT,
        n if (1..=LIMIT_MAX).contains(&n) => n,
        _ => return Err(CallError::invalid_value("Limit", format!("must be 1 to {LIMIT_MAX}"))),
    } as usize;
    let filters = filters_of(req.filters.as_deref().unwrap_or_default())?;

    let domains: Vec<DomainRow> = sqlx::query_as(
        "SELECT domain, protocol, cert_id, access_type, cname, enable, created_at, updated_at
         FROM custom_domains WHERE env_id = ? ORDER BY created_at, domain",
    )
    .bind(&req.env_id)
    .fetch_all(&state.db)
    .await?;
    let routes: Vec<RouteRow> = sqlx::query_as(
        "SELECT r.domain, r.path, r.upstream_type, r.upstream_name, r.upstream_domain, r.enable, r.created_at, r.updated_at
         FROM custom_domain_routes r JOIN custom_domains d ON d.domain = r.domain
         WHERE d.env_id = ? ORDER BY r.path",
    )
    .bind(&req.env_id)
    .fetch_all(&state.db)
    .await?;
    let mut routes_by_domain: HashMap<&str, Vec<&RouteRow>> = HashMap::new();
    for r in &routes {
        routes_by_domain.entry(r.domain.as_str()).or_default().push(r);
    }
    let no_routes = Vec::new();
    let listed: Vec<(&DomainRow, &Vec<&RouteRow>)> = domains
        .iter()
        .map(|d| (d, routes_by_domain.get(d.domain.as_str()).unwrap_or(&no_routes)))
        .filter(|(d, routes)| filters.iter().all(|f| f.keeps(d, routes)))
        .collect();
    let total_count = listed.len() as i64;
    let page: Vec<_> = listed.into_iter().skip(offset).take(limit).collect();

    // R-SVC-5: a route leads to the service it was bound to, that very one.
    let services: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT server_name, default_domain FROM services WHERE env_id = ?")
            .bind(&req.env_id)
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .collect();
    let expiries: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT c.cert_id, c.not_after FROM certificates c JOIN custom_domains d ON d.cert_id = c.cert_id
         WHERE d.env_id = ?",
    )
    .bind(&req.env_id)
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .collect();
    let asked: Vec<String> = page.iter().map(|(d, _)| d.domain.clone()).collect();
    let dns = dns::answers(&asked).await;

    let now = crate::clock::now();
    let domains = page
        .into_iter()
        .zip(dns)
        .map(|((d, routes), dns)| {
            let protocol = DomainProtocol::from(d.protocol.as_str());
            let service_gone =
                routes.iter().any(|r| services.get(&r.upstream_name).is_none_or(|now_at| *now_at != r.upstream_domain));
            let cert_expired = protocol.needs_certificate()
                && d.cert_id
                    .as_ref()
                    .and_then(|id| expiries.get(id))
                    .is_none_or(|not_after| certs::expired(*not_after, now));
            HttpServiceDomain {
                domain: d.domain.clone(),
                domain_type: DOMAIN_TYPE_CBR.into(),
                access_type: d.access_type.clone(),
                cert_id: d.cert_id.clone().unwrap_or_default(),
                protocol,
                cname: d.cname.clone(),
                is_default: false,
                enable: d.enable,
                status: if service_gone || cert_expired { RouteStatus::Fail } else { RouteStatus::Success },
                dns_status: dns::classify(&dns, &d.cname),
                platform_cname_dns_status: dns::classify_platform(&dns).into(),
                routes: routes
                    .iter()
                    .map(|r| HttpServiceRoute {
                        path: r.path.clone(),
                        upstream_resource_type: r.upstream_type.clone(),
                        upstream_resource_name: r.upstream_name.clone(),
                        enable: r.enable,
                        create_time: iso_cst(r.created_at),
                        update_time: iso_cst(r.updated_at),
                    })
                    .collect(),
                create_time: iso_cst(d.created_at),
                update_time: iso_cst(d.updated_at),
            }
        })
        .collect();
    Ok(DescribeHTTPServiceRouteResponse {
        domains,
        origin_domain: format!("run.localhost:{}", state.gateway_port),
        total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_at_utc_plus_8() {
        assert_eq!(iso_cst(0), "1970-01-01T08:00:00+08:00");
    }
}
