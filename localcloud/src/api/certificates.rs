//! Certificates for HTTPS domains (ssl 2019-12-05, CLOUD-API.md §9):
//! `UploadCertificate` runs every check of `shared::certs` (R-DOM-2) and
//! keeps the private key sealed (`domains::sealing`); `DescribeCertificateDetail`
//! tells a certificate's public facts, never its key. Certificates belong to
//! the account, not to an environment, so neither action looks at a region.

use console_shared::actions::{
    CERT_STATUS_ISSUED, CERTIFICATE_TYPE_SERVER, DescribeCertificateDetailRequest, DescribeCertificateDetailResponse,
    UploadCertificateRequest, UploadCertificateResponse,
};
use console_shared::api::{CloudError, codes};
use console_shared::certs::{self, CertError};
use console_shared::rules;
use console_shared::time::cst_datetime;

use super::error::CallError;
use super::state::State;

/// The ssl API's own code for an unknown certificate id.
pub const CERTIFICATE_NOT_FOUND: &str = "FailedOperation.CertificateNotFound";
/// What localcloud answers for options it does not implement.
pub const UNSUPPORTED_OPERATION: &str = "UnsupportedOperation";
/// `CertificateType` of a CA certificate (client authentication).
const CERTIFICATE_TYPE_CA: &str = "CA";

/// A stored certificate's public facts: what a binding checks and a detail shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CertRow {
    pub cert_id: String,
    pub alias: String,
    pub common_name: String,
    /// A JSON array of the leaf's DNS names.
    pub dns_names: String,
    pub not_before: i64,
    pub not_after: i64,
}

impl CertRow {
    pub fn dns_names(&self) -> Result<Vec<String>, CallError> {
        Ok(serde_json::from_str(&self.dns_names)?)
    }

    /// The certificate as a binding needs it now: inside its validity period.
    pub fn check_validity(&self, now: i64) -> Result<(), CallError> {
        certs::check_period(self.not_before, self.not_after, now).map_err(|e| refused(&e))
    }
}

/// A certificate check's refusal: its own code and sentence, which quote
/// nothing of a private key.
pub(crate) fn refused(e: &CertError) -> CallError {
    CallError::new(e.code(), e.to_string())
}

/// The certificate `cert_id`.
pub(crate) async fn find(state: &State, cert_id: &str) -> Result<CertRow, CallError> {
    let row: Option<CertRow> = sqlx::query_as(
        "SELECT cert_id, alias, common_name, dns_names, not_before, not_after FROM certificates WHERE cert_id = ?",
    )
    .bind(cert_id)
    .fetch_optional(&state.db)
    .await?;
    row.ok_or_else(|| {
        CallError::new(
            CERTIFICATE_NOT_FOUND,
            format!("The certificate `{cert_id}` does not exist; upload it with UploadCertificate first."),
        )
    })
}

/// `lc-` and 8 letters or digits: as short as Tencent's ids (`Wk1ZxYzA`),
/// and saying whose they are.
fn mint_cert_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let suffix: String = (0..8).map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char).collect();
    format!("lc-{suffix}")
}

pub async fn upload(state: &State, req: UploadCertificateRequest) -> Result<UploadCertificateResponse, CallError> {
    match req.certificate_type.as_deref() {
        None | Some(CERTIFICATE_TYPE_SERVER) => {}
        Some(CERTIFICATE_TYPE_CA) => {
            return Err(CallError::new(
                UNSUPPORTED_OPERATION,
                "localcloud keeps server certificates only (CertificateType SVR); CA certificates, used to \
                 authenticate clients, are not supported.",
            ));
        }
        Some(_) => return Err(CallError::invalid_value("CertificateType", "must be SVR or CA")),
    }
    let alias = req.alias.unwrap_or_default();
    rules::remark(&alias).map_err(|e| CloudError::invalid_value("Alias", e))?;
    let key = req.certificate_private_key.ok_or_else(|| {
        CallError::new(
            codes::MISSING_PARAMETER,
            "The parameter `CertificatePrivateKey` is missing: a server certificate is uploaded with its private key.",
        )
    })?;
    let now = crate::clock::now();
    // Every format, chain, key and validity check, in `shared` once (R-DOM-2).
    let checked = certs::check_upload(req.certificate_public_key.as_bytes(), key.expose().as_bytes(), now)
        .map_err(|e| refused(&e))?;
    // A key the checks pass but the TLS gateway cannot sign with (a
    // corrupt RSA key whose public half is right) would bind and then fail
    // every handshake: refused here instead.
    if let Err(why) = crate::runtime::tls::signing_key(&checked.key) {
        return Err(CallError::new(
            "InvalidParameter.PrivateKey",
            format!(
                "The private key cannot be used to serve HTTPS ({why}); export it again from your certificate authority's files."
            ),
        ));
    }
    let fingerprint = &checked.summary.fingerprint_sha256;

    let mut tx = crate::store::write_tx(&state.db).await?;
    if req.repeatable != Some(true) {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT cert_id FROM certificates WHERE fingerprint = ? ORDER BY created_at LIMIT 1")
                .bind(fingerprint)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(id) = existing {
            return Ok(UploadCertificateResponse { certificate_id: id.clone(), repeat_cert_id: Some(id) });
        }
    }
    let key_pem = checked.key.to_pem();
    let chain_pem = checked.chain.to_pem();
    let dns_names = serde_json::to_string(checked.chain.dns_names())?;
    let common_name = checked.chain.common_name().unwrap_or_default();
    let cert_id = loop {
        let id = mint_cert_id();
        // Sealed under its own id: a sealed key copied to another row does not open.
        let sealed = state.sealer.seal(&id, key_pem.as_bytes());
        let inserted = sqlx::query(
            "INSERT INTO certificates (cert_id, alias, chain_pem, key_sealed, fingerprint, common_name, dns_names,
                                       not_before, not_after, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cert_id) DO NOTHING",
        )
        .bind(&id)
        .bind(&alias)
        .bind(&chain_pem)
        .bind(&sealed)
        .bind(fingerprint)
        .bind(common_name)
        .bind(&dns_names)
        .bind(checked.chain.not_before())
        .bind(checked.chain.not_after())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            break id;
        }
    };
    tx.commit().await?;
    tracing::info!(cert.id = %cert_id, common_name, "certificate uploaded");
    Ok(UploadCertificateResponse { certificate_id: cert_id, repeat_cert_id: None })
}

pub async fn detail(
    state: &State,
    req: DescribeCertificateDetailRequest,
) -> Result<DescribeCertificateDetailResponse, CallError> {
    let row = find(state, &req.certificate_id).await?;
    let names = row.dns_names()?;
    let domain = if row.common_name.is_empty() { names.first().cloned().unwrap_or_default() } else { row.common_name };
    Ok(DescribeCertificateDetailResponse {
        certificate_id: row.cert_id,
        domain,
        subject_alt_name: names,
        cert_begin_time: cst_datetime(row.not_before),
        cert_end_time: cst_datetime(row.not_after),
        status: CERT_STATUS_ISSUED,
        alias: row.alias,
        certificate_type: CERTIFICATE_TYPE_SERVER.into(),
    })
}
