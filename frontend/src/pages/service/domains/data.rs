//! What the Domains tab, the overview and the environment's list read: the
//! environment's bound domains (`DescribeHTTPServiceRoute`, every page) and
//! the public details of their certificates (`DescribeCertificateDetail`).
//! The pure parts (which domains are a service's, when a certificate ends)
//! are tested natively.

use std::collections::BTreeMap;

use console_shared::actions::{
    DescribeCertificateDetail, DescribeCertificateDetailRequest, DescribeCertificateDetailResponse,
    DescribeHTTPServiceRoute, DescribeHTTPServiceRouteRequest, HttpServiceDomain, RouteFilter, UPSTREAM_CBR,
};
use console_shared::certs::{days_left, expires_soon};
use console_shared::dto::ApiError;
use console_shared::time::parse_cst;

use crate::api;
use crate::components::join_all;

/// Domains asked for per page; the cloud allows up to 1000.
const ROUTES_PAGE: i64 = 100;

/// A certificate's public details, or why they could not be read.
pub type CertDetail = Result<DescribeCertificateDetailResponse, ApiError>;

/// A bound domain as the page shows it: the route and, when it names a
/// certificate, that certificate's details.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub route: HttpServiceDomain,
    pub cert: Option<CertDetail>,
}

impl Bound {
    pub fn name(&self) -> &str {
        &self.route.domain
    }

    /// When its certificate ends (Unix seconds), when that is known.
    pub fn cert_end(&self) -> Option<i64> {
        match &self.cert {
            Some(Ok(d)) => parse_cst(&d.cert_end_time),
            _ => None,
        }
    }
}

/// Every domain bound to Cloud Run in the environment, all pages of them.
pub async fn env_routes(env_id: String) -> Result<Vec<HttpServiceDomain>, ApiError> {
    let mut out: Vec<HttpServiceDomain> = Vec::new();
    loop {
        let req = DescribeHTTPServiceRouteRequest {
            env_id: env_id.clone(),
            filters: Some(vec![RouteFilter { name: "UpstreamResourceType".into(), values: vec![UPSTREAM_CBR.into()] }]),
            offset: Some(out.len() as i64),
            limit: Some(ROUTES_PAGE),
        };
        let page = api::cloud::<DescribeHTTPServiceRoute>(&req).await?;
        let got = page.domains.len();
        out.extend(page.domains);
        if got == 0 || out.len() as i64 >= page.total_count {
            return Ok(out);
        }
    }
}

/// The details of each certificate named, asked for together, by id.
async fn cert_details(routes: &[HttpServiceDomain]) -> BTreeMap<String, CertDetail> {
    let mut ids: Vec<String> = routes.iter().map(|r| r.cert_id.clone()).filter(|id| !id.is_empty()).collect();
    ids.sort();
    ids.dedup();
    let asked = ids.iter().map(|id| {
        let req = DescribeCertificateDetailRequest { certificate_id: id.clone() };
        api::cloud::<DescribeCertificateDetail>(&req)
    });
    let answers = join_all(asked.collect()).await;
    ids.into_iter().zip(answers).collect()
}

/// Each route with its certificate's details.
async fn with_certs(routes: Vec<HttpServiceDomain>) -> Vec<Bound> {
    // Domains may share a certificate (a wildcard one): each gets its details.
    let details = cert_details(&routes).await;
    routes
        .into_iter()
        .map(|route| {
            let cert = details.get(&route.cert_id).cloned();
            Bound { route, cert }
        })
        .collect()
}

/// The domains of `service`, by name.
pub fn of_service(routes: Vec<HttpServiceDomain>, service: &str) -> Vec<HttpServiceDomain> {
    let mut mine: Vec<HttpServiceDomain> = routes.into_iter().filter(|r| r.cbr_service() == Some(service)).collect();
    mine.sort_by(|a, b| a.domain.cmp(&b.domain));
    mine
}

/// The domains bound to `service`, with their certificates.
pub async fn service_domains(env_id: String, service: String) -> Result<Vec<Bound>, ApiError> {
    let routes = of_service(env_routes(env_id).await?, &service);
    Ok(with_certs(routes).await)
}

/// A domain whose certificate expires within the warning period
/// ([`expires_soon`]), or already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    pub service: String,
    pub domain: String,
    pub not_after: i64,
}

impl Expiring {
    pub fn days_left(&self, now: i64) -> i64 {
        days_left(self.not_after, now)
    }
}

/// The domains in `bound` whose certificates expire soon at `now`, the
/// soonest first.
pub fn expiring_of(bound: &[Bound], now: i64) -> Vec<Expiring> {
    let mut out: Vec<Expiring> = bound
        .iter()
        .filter_map(|b| {
            let not_after = b.cert_end()?;
            let service = b.route.cbr_service()?.to_string();
            expires_soon(not_after, now).then(|| Expiring { service, domain: b.route.domain.clone(), not_after })
        })
        .collect();
    out.sort_by_key(|e| e.not_after);
    out
}

/// The environment's domains whose certificates expire soon: for the
/// overview's notice and the services list's flag.
pub async fn env_expiring(env_id: String, now: impl Fn() -> i64) -> Result<Vec<Expiring>, ApiError> {
    let bound = with_certs(env_routes(env_id).await?).await;
    Ok(expiring_of(&bound, now()))
}

/// An element id made from a domain name: its dots (which a selector would
/// read as classes) become `_`, which no domain name holds.
pub fn slug(domain: &str) -> String {
    domain.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use console_shared::actions::HttpServiceRoute;

    use super::*;

    fn route(domain: &str, service: &str, cert: &str) -> HttpServiceDomain {
        HttpServiceDomain {
            domain: domain.into(),
            cert_id: cert.into(),
            routes: vec![HttpServiceRoute {
                path: "/".into(),
                upstream_resource_type: UPSTREAM_CBR.into(),
                upstream_resource_name: service.into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn detail(end: &str) -> CertDetail {
        Ok(DescribeCertificateDetailResponse { cert_end_time: end.into(), ..Default::default() })
    }

    #[test]
    fn a_service_sees_only_its_own_domains_by_name() {
        let routes = vec![
            route("b.example.com", "shop", ""),
            route("c.example.com", "blog", ""),
            route("a.example.com", "shop", ""),
        ];
        let names: Vec<String> = of_service(routes, "shop").into_iter().map(|r| r.domain).collect();
        assert_eq!(names, ["a.example.com", "b.example.com"]);
    }

    #[test]
    fn certificates_ending_within_30_days_are_flagged_soonest_first() {
        // 2026-03-01 00:00:00 UTC.
        let now = 1_772_323_200;
        let bound = vec![
            // 2026-03-21 08:00 in China: 20 days left.
            Bound { route: route("a.example.com", "shop", "c1"), cert: Some(detail("2026-03-21 08:00:00")) },
            // 2026-06-01: far off.
            Bound { route: route("b.example.com", "shop", "c2"), cert: Some(detail("2026-06-01 08:00:00")) },
            // Expired yesterday.
            Bound { route: route("c.example.com", "blog", "c3"), cert: Some(detail("2026-02-28 08:00:00")) },
            // No certificate, or one whose details could not be read.
            Bound { route: route("d.example.com", "shop", ""), cert: None },
        ];
        let flagged = expiring_of(&bound, now);
        let names: Vec<(&str, &str, i64)> =
            flagged.iter().map(|e| (e.domain.as_str(), e.service.as_str(), e.days_left(now))).collect();
        assert_eq!(names, [("c.example.com", "blog", -1), ("a.example.com", "shop", 20)]);
    }

    #[test]
    fn an_id_made_from_a_domain_has_no_dots() {
        assert_eq!(slug("api.example.com"), "api_example_com");
        assert_eq!(slug("a-b.example.com"), "a-b_example_com");
    }
}
