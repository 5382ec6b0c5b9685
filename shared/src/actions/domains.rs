//! Custom domains and their HTTPS certificates (R-DOM-1..4): ssl
//! `UploadCertificate` / `DescribeCertificateDetail` (CLOUD-API.md §9) and the
//! tcb HTTP access-service routes that bind a domain to a Cloud Run service
//! (`UpstreamResourceType: "CBR"`, §2).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::certs::PrivateKeyPem;
use crate::permissions::Need::{AnyEnvRole, EnvRole};
use crate::permissions::Role::{Developer, Viewer};
use crate::permissions::{read, write};
use crate::vocab::{DnsStatus, DomainProtocol, RouteStatus};

use super::{Action, Empty, Product};

actions! {
    // Certificates belong to the account, not to an environment: whoever
    // may bind a domain somewhere may upload one, whoever sees a service may
    // read one's public details (never its key).
    UploadCertificate: Product::Ssl, UploadCertificateRequest, UploadCertificateResponse,
        Some(write(AnyEnvRole(Developer)));
    DescribeCertificateDetail: Product::Ssl, DescribeCertificateDetailRequest, DescribeCertificateDetailResponse,
        Some(read(AnyEnvRole(Viewer)));
    CreateHTTPServiceRoute: Product::Tcb, HttpServiceRouteRequest, CreateHTTPServiceRouteResponse,
        Some(write(EnvRole(Developer)));
    DescribeHTTPServiceRoute: Product::Tcb, DescribeHTTPServiceRouteRequest, DescribeHTTPServiceRouteResponse,
        Some(read(EnvRole(Viewer)));
    ModifyHTTPServiceRoute: Product::Tcb, HttpServiceRouteRequest, Empty,
        Some(write(EnvRole(Developer)));
    DeleteHTTPServiceRoute: Product::Tcb, DeleteHTTPServiceRouteRequest, Empty,
        Some(write(EnvRole(Developer)));
}

/// `CertificateType` of a server certificate, the only kind a domain uses.
pub const CERTIFICATE_TYPE_SERVER: &str = "SVR";
/// `UpstreamResourceType` of a Cloud Run service.
pub const UPSTREAM_CBR: &str = "CBR";
/// `AccessType` of a domain served straight by the gateway (the default).
pub const ACCESS_DIRECT: &str = "DIRECT";
/// `DomainType` of a domain bound to Cloud Run.
pub const DOMAIN_TYPE_CBR: &str = "CBR";
/// `Status` of an uploaded certificate that may be used (ssl: 1 = 已通过).
pub const CERT_STATUS_ISSUED: u64 = 1;

/// `UploadCertificate`: a certificate chain (leaf first) and its private
/// key, both PEM text (R-DOM-2).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadCertificateRequest {
    pub certificate_public_key: String,
    /// Required for `SVR`. Redacted from `Debug`; never echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_private_key: Option<PrivateKeyPem>,
    /// `SVR` (the default) or `CA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_use: Option<String>,
    /// Whether the same certificate may be uploaded again under a new id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeatable: Option<bool>,
}

impl fmt::Debug for UploadCertificateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadCertificateRequest")
            .field("certificate_public_key", &format_args!("{} bytes", self.certificate_public_key.len()))
            .field("certificate_private_key", &self.certificate_private_key)
            .field("certificate_type", &self.certificate_type)
            .field("alias", &self.alias)
            .field("repeatable", &self.repeatable)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadCertificateResponse {
    pub certificate_id: String,
    /// Set when the same certificate was already uploaded and `Repeatable`
    /// is false: the id to use instead (then `CertificateId` is that id too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_cert_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCertificateDetailRequest {
    pub certificate_id: String,
}

/// `DescribeCertificateDetail`: the certificate's public facts. It has no
/// private-key field on purpose: a key sent by a cloud is dropped here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCertificateDetailResponse {
    pub certificate_id: String,
    /// The leaf's common name (or first DNS name).
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub subject_alt_name: Vec<String>,
    /// `YYYY-MM-DD HH:MM:SS`, UTC+8, as every Tencent time.
    #[serde(default)]
    pub cert_begin_time: String,
    #[serde(default)]
    pub cert_end_time: String,
    /// [`CERT_STATUS_ISSUED`] for a usable certificate.
    #[serde(default)]
    pub status: u64,
    #[serde(default)]
    pub alias: String,
    #[serde(default)]
    pub certificate_type: String,
}

/// `HTTPServiceRouteParam`: one path of a domain and where it goes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpServiceRouteParam {
    pub path: String,
    /// `CBR` for a Cloud Run service ([`UPSTREAM_CBR`]); required on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_resource_type: Option<String>,
    /// The service name; required on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_rewrite: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_safe_domain: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auth: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_path_transmission: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "QPSPolicy")]
    pub qps_policy: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
}

/// `HTTPServiceDomainParam`: a domain, how it is reached, its certificate
/// and its routes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpServiceDomainParam {
    pub domain: String,
    /// `DIRECT` (the default), `CDN`, `CUSTOM`, `EO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_type: Option<String>,
    /// An ssl certificate id; without one there is no HTTPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_id: Option<String>,
    /// `HTTP_AND_HTTPS` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<DomainProtocol>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_cname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<serde_json::Value>,
    /// At most 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<HttpServiceRouteParam>>,
}

/// `CreateHTTPServiceRoute` and `ModifyHTTPServiceRoute` take the same request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpServiceRouteRequest {
    pub env_id: String,
    pub domain: HttpServiceDomainParam,
}

impl HttpServiceRouteRequest {
    /// A binding of the whole `domain` (`/` and below) to the Cloud Run
    /// `service`: what the console binds (one service per domain, R-DOM-1).
    pub fn whole_domain(
        env_id: String,
        domain: String,
        service: String,
        protocol: DomainProtocol,
        cert_id: Option<String>,
    ) -> Self {
        HttpServiceRouteRequest {
            env_id,
            domain: HttpServiceDomainParam {
                domain,
                cert_id,
                protocol: Some(protocol),
                routes: Some(vec![HttpServiceRouteParam {
                    path: "/".into(),
                    upstream_resource_type: Some(UPSTREAM_CBR.into()),
                    upstream_resource_name: Some(service),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateHTTPServiceRouteResponse {
    /// What to publish to prove the domain is yours, when the cloud asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership_verification: Option<serde_json::Value>,
}

/// `Filter`: `Name` is `Domain`, `Path`, `DomainType` or `UpstreamResourceType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteFilter {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeHTTPServiceRouteRequest {
    pub env_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<RouteFilter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// 20 when absent, at most 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// `HTTPServiceRoute`: a route as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpServiceRoute {
    pub path: String,
    #[serde(default)]
    pub upstream_resource_type: String,
    #[serde(default)]
    pub upstream_resource_name: String,
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub create_time: String,
    #[serde(default)]
    pub update_time: String,
}

/// `HTTPServiceDomain`: a bound domain as `DescribeHTTPServiceRoute` lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpServiceDomain {
    pub domain: String,
    #[serde(default)]
    pub domain_type: String,
    #[serde(default)]
    pub access_type: String,
    #[serde(default)]
    pub cert_id: String,
    #[serde(default)]
    pub protocol: DomainProtocol,
    /// The target of the CNAME record the user creates at their DNS
    /// provider (R-DOM-3).
    #[serde(default)]
    pub cname: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub status: RouteStatus,
    /// Whether the domain's CNAME points at [`HttpServiceDomain::cname`].
    #[serde(default, rename = "DNSStatus")]
    pub dns_status: DnsStatus,
    #[serde(default, rename = "PlatformCnameDNSStatus")]
    pub platform_cname_dns_status: String,
    #[serde(default)]
    pub routes: Vec<HttpServiceRoute>,
    #[serde(default)]
    pub create_time: String,
    #[serde(default)]
    pub update_time: String,
}

impl HttpServiceDomain {
    /// The Cloud Run service the domain's routes lead to, if any.
    pub fn cbr_service(&self) -> Option<&str> {
        self.routes.iter().find(|r| r.upstream_resource_type == UPSTREAM_CBR).map(|r| r.upstream_resource_name.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeHTTPServiceRouteResponse {
    pub domains: Vec<HttpServiceDomain>,
    #[serde(default)]
    pub origin_domain: String,
    #[serde(default)]
    pub total_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteHTTPServiceRouteRequest {
    pub env_id: String,
    pub domain: String,
    /// The paths to remove; empty or absent removes the domain and all its routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_as_published() {
        let v = serde_json::to_value(HttpServiceRouteRequest::whole_domain(
            "e".into(),
            "api.example.com".into(),
            "api".into(),
            DomainProtocol::HttpToHttps,
            Some("c1".into()),
        ))
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"EnvId": "e", "Domain": {"Domain": "api.example.com", "CertId": "c1",
                "Protocol": "HTTP_TO_HTTPS",
                "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "api"}]}})
        );
        let listed: HttpServiceDomain =
            serde_json::from_value(serde_json::json!({"Domain": "a.example.com", "DNSStatus": "OK"})).unwrap();
        assert_eq!(listed.dns_status, DnsStatus::Ok);
    }

    #[test]
    fn a_private_key_never_shows_in_debug_and_a_detail_drops_one() {
        let req = UploadCertificateRequest {
            certificate_public_key: "-----BEGIN CERTIFICATE-----".into(),
            certificate_private_key: Some(PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----SECRET".into())),
            ..Default::default()
        };
        let debug = format!("{req:?}");
        assert!(!debug.contains("SECRET") && !debug.contains("BEGIN"), "{debug}");
        let detail: DescribeCertificateDetailResponse = serde_json::from_value(
            serde_json::json!({"CertificateId": "c", "CertificatePrivateKey": "-----BEGIN PRIVATE KEY-----SECRET"}),
        )
        .unwrap();
        assert!(!serde_json::to_string(&detail).unwrap().contains("SECRET"));
    }
}
