//! Code packages (R-DEP-2): tcb `DescribeCloudBaseBuildService` hands out a
//! short-lived signed URL, the package is PUT there (streamed to disk, capped,
//! hashed), and a `DeployType: package` deploy builds from it.
//!
//! The URLs are signed with HMAC-SHA256 over method, path and expiry, with a
//! key kept in the database, like a presigned object-storage URL: whoever
//! holds one may upload that one package until it expires, and nothing else.
//!
//! An environment's stored packages are capped in bytes, uploads in progress
//! included (`crate::packages::receiving`), and few uploads run at once
//! (issue #8); how packages are stored and go away again is
//! `crate::packages`. This module is the API side: the upload slots, the
//! signed URLs, and the uploads and downloads through them.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use console_shared::actions::{DescribeCloudBaseBuildServiceRequest, DescribeCloudBaseBuildServiceResponse, KvPair};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::rules;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::envs;
use super::error::CallError;
use super::state::{SharedState, State};
use crate::packages::receiving::{MAX_PER_ENV, Upload};
use crate::packages::{Package, URL_TTL_SECS, used};

/// The only package format localcloud builds.
const SUFFIX: &str = ".zip";

/// The PUT and GET routes of the signed URLs, on the API listener.
pub fn routes() -> Router<SharedState> {
    Router::new().route("/packages/{env}/{version}/{name}", put(upload).get(download))
}

fn url_path(env: &str, version: &str, name: &str) -> String {
    format!("/packages/{env}/{version}/{name}")
}

/// Why a package does not fit the environment's quota, with the numbers;
/// `used` counts the uploads in progress too; `size` is what it would add,
/// when known. Kept under 300 characters, what the console passes on.
fn over_quota(used: u64, quota: u64, size: Option<(u64, &str)>) -> String {
    let why = match size {
        None => format!(
            "The environment's code packages, uploads in progress included, use {used} bytes of its \
             {quota}-byte quota: no room is left"
        ),
        Some((size, bound)) => format!(
            "A package of {bound}{size} bytes would bring the environment's code packages to {} bytes, past its \
             quota of {quota} bytes ({used} bytes used, uploads in progress included)",
            used.saturating_add(size)
        ),
    };
    format!("{why}. Delete versions or services that no longer need theirs; unused uploads expire on their own.")
}

fn signature(key: &[u8], method: &str, path: &str, expires: i64) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{method}\n{path}\n{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn signed_url(state: &State, method: &str, path: &str, expires: i64) -> String {
    let sign = signature(&state.url_key, method, path, expires);
    format!("{}{path}?expires={expires}&sign={sign}", state.api_url)
}

/// `DescribeCloudBaseBuildService`: a fresh upload slot for one package.
pub async fn build_service(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudBaseBuildServiceRequest,
) -> Result<DescribeCloudBaseBuildServiceResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    rules::service_name(&req.service_name).map_err(|e| CloudError::invalid_value("ServiceName", e))?;
    if let Some(b) = req.ci_business.as_deref().filter(|b| !b.is_empty())
        && !matches!(b, "cloudbaserun" | "framework-ci")
    {
        return Err(CallError::invalid_value("CIBusiness", "must be cloudbaserun or framework-ci"));
    }
    let suffix = req.suffix.as_deref().filter(|s| !s.is_empty()).unwrap_or(SUFFIX);
    if suffix != SUFFIX {
        return Err(CallError::invalid_value("Suffix", "must be .zip: localcloud builds zip packages only"));
    }
    let name = format!("{}{SUFFIX}", req.service_name);
    let now = crate::clock::now();
    let expires = now + URL_TTL_SECS;
    // PackageVersion is a timestamp, as Tencent's; bumped past any taken one.
    let mut tx = crate::store::write_tx(&state.db).await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(CAST(package_version AS INTEGER)) FROM packages WHERE env_id = ? AND package_name = ?",
    )
    .bind(&req.env_id)
    .bind(&name)
    .fetch_one(&mut *tx)
    .await?;
    let version = now.max(taken.map_or(0, |t| t + 1)).to_string();
    // Checked here too, not only at the upload, so a caller learns before
    // sending a byte (the size is not known yet: a package needs at least one).
    let used = used(&mut tx, &req.env_id).await?;
    let used = used.saturating_add(state.receiving.in_flight(&req.env_id));
    if used >= state.package_quota_bytes {
        return Err(CallError::new(codes::LIMIT_EXCEEDED, over_quota(used, state.package_quota_bytes, None)));
    }
    sqlx::query("INSERT INTO packages (env_id, package_name, package_version, expires_at) VALUES (?, ?, ?, ?)")
        .bind(&req.env_id)
        .bind(&name)
        .bind(&version)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let path = url_path(&req.env_id, &version, &name);
    Ok(DescribeCloudBaseBuildServiceResponse {
        upload_url: signed_url(state, "PUT", &path, expires),
        upload_headers: vec![KvPair { key: "Content-Type".into(), value: "application/zip".into() }],
        download_url: signed_url(state, "GET", &path, expires),
        download_headers: vec![],
        package_name: name,
        package_version: version,
        out_date: false,
    })
}

/// Marks `package` as taken by the deploy of `service`'s `version`, in the
/// deploy's transaction, after the version's row: the sweep of unused uploads
/// leaves it alone from now on, and it stays while a version that did not
/// fail uses it (`crate::packages::files`). Fails when it went meanwhile.
pub async fn take(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    package: &Package,
    service: &str,
    version: &str,
) -> Result<(), CallError> {
    let taken = sqlx::query(
        "UPDATE packages SET deployed_by = ? WHERE env_id = ? AND package_name = ? AND package_version = ?
         AND uploaded_at IS NOT NULL",
    )
    .bind(service)
    .bind(env)
    .bind(&package.name)
    .bind(&package.version)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Err(CallError::new(
            codes::INVALID_PARAMETER_VALUE,
            format!(
                "The package `{}` version `{}` is no longer stored; upload it again.",
                package.name, package.version
            ),
        ));
    }
    sqlx::query(
        "INSERT INTO package_uses (env_id, server_name, version_name, package_name, package_version)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(env)
    .bind(service)
    .bind(version)
    .bind(&package.name)
    .bind(&package.version)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Signed {
    expires: i64,
    sign: String,
}

/// Why an upload or download is refused, as plain text with its status
/// (these URLs are plain HTTP, not API 3.0).
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.1)).into_response()
    }
}

fn refuse(status: StatusCode, why: &str) -> Refusal {
    Refusal(status, why.to_string())
}

/// Past the environment's quota: 507, with Tencent's code leading the numbers.
fn refuse_quota(why: String) -> Refusal {
    Refusal(StatusCode::INSUFFICIENT_STORAGE, format!("{}: {why}", codes::LIMIT_EXCEEDED))
}

/// Too many uploads to one environment at once: 429, with Tencent's code.
fn refuse_busy() -> Refusal {
    Refusal(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "{}: The environment has {MAX_PER_ENV} uploads in progress, the most it takes at once; wait for one \
             to end and try again.",
            codes::LIMIT_EXCEEDED
        ),
    )
}

/// What an upload may store: at most `max` bytes, and no more than the
/// environment's quota leaves room for besides its `stored` bytes (read when
/// the upload began) and the other uploads in progress.
#[derive(Clone, Copy)]
struct Limits {
    max: u64,
    stored: u64,
    quota: u64,
}

impl Limits {
    /// Reserves room for a package that has `size` bytes (`bound` "at least "
    /// when still arriving), or says why there is none.
    fn reserve(&self, upload: &mut Upload<'_>, size: u64, bound: &str) -> Result<(), Refusal> {
        if size > self.max {
            return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, &format!("A package holds at most {} bytes.", self.max)));
        }
        upload
            .reserve(size, self.stored, self.quota)
            .map_err(|used| refuse_quota(over_quota(used, self.quota, Some((size, bound)))))
    }
}

/// Checks a URL's signature and expiry: the reason it is refused, if it is.
fn verify(key: &[u8], method: &str, path: &str, q: &Signed, now: i64) -> Result<(), &'static str> {
    let want = signature(key, method, path, q.expires);
    let same: bool = subtle::ConstantTimeEq::ct_eq(want.as_bytes(), q.sign.as_bytes()).into();
    if !same {
        Err("The URL's signature does not match.")
    } else if q.expires < now {
        Err("The URL has expired; ask for a new one.")
    } else {
        Ok(())
    }
}

fn check(state: &State, method: &str, path: &str, q: &Signed) -> Result<(), Refusal> {
    verify(&state.url_key, method, path, q, crate::clock::now()).map_err(|why| refuse(StatusCode::FORBIDDEN, why))
}

async fn upload(
    AxState(state): AxState<SharedState>,
    Path((env, version, name)): Path<(String, String, String)>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let path = url_path(&env, &version, &name);
    check(&state, "PUT", &path, &q)?;
    let broke = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "cannot store a package");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "The package could not be stored.")
    };
    // Held to the end, whatever it is: its reservation and place go back then.
    let mut upload = state.receiving.begin(&env).ok_or_else(refuse_busy)?;
    let mut db = state.db.acquire().await.map_err(|e| broke(&e))?;
    // Read without a lock, to refuse early; `commit` checks again under it.
    let stored = used(&mut db, &env).await.map_err(|e| broke(&e))?;
    drop(db);
    let limits = Limits { max: state.package_max_bytes, stored, quota: state.package_quota_bytes };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if let Some(declared) = declared {
        // The whole declared size at once: a slow sender holds its room from
        // the start instead of racing the others for it.
        limits.reserve(&mut upload, declared, "")?;
    }
    let dir = state.packages.env_dir(&env);
    let made = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || crate::private::dir(&dir)
    })
    .await;
    if let Err(e) = made.map_err(std::io::Error::other).and_then(|r| r) {
        return Err(broke(&e));
    }
    // A unique partial file: a failed or concurrent upload never leaves a
    // half-written package under the final name.
    let part = dir.join(format!(".{version}-{name}.{:08x}.part", rand::random::<u32>()));
    let received = receive(&part, body, limits, &mut upload).await;
    let committed = match received {
        Ok((size, sha256)) => {
            let file = Received { part: &part, size, sha256: &sha256 };
            commit(&state, &env, &version, &name, file, &mut upload).await.map(|()| (size, sha256))
        }
        Err(r) => Err(r),
    };
    let (size, sha256) = match committed {
        Ok(done) => done,
        Err(r) => {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(r);
        }
    };
    tracing::info!(env.id = %env, package = %name, version = %version, size, "package uploaded");
    Ok((StatusCode::OK, [(header::ETAG, format!("\"{sha256}\""))]).into_response())
}

/// Streams the body to `part` (private to this user), hashing as it goes and
/// reserving room for what arrived; refuses once past the limits.
async fn receive(
    part: &std::path::Path,
    body: Body,
    limits: Limits,
    upload: &mut Upload<'_>,
) -> Result<(u64, String), Refusal> {
    let fail = |e: std::io::Error| {
        tracing::error!(error = %e, "cannot write a package");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "The package could not be stored.")
    };
    let mut file = crate::private::new_file_options().open(part).await.map_err(fail)?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| refuse(StatusCode::BAD_REQUEST, "The upload broke off."))?;
        size += chunk.len() as u64;
        limits.reserve(upload, size, "at least ")?;
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(fail)?;
    }
    if size == 0 {
        return Err(refuse(StatusCode::BAD_REQUEST, "The package is empty."));
    }
    file.sync_all().await.map_err(fail)?;
    Ok((size, hex::encode(hasher.finalize())))
}

/// A package received in full, under its partial name.
struct Received<'a> {
    part: &'a std::path::Path,
    size: u64,
    sha256: &'a str,
}

/// Fills the slot once: the file takes its final name and the row says so.
async fn commit(
    state: &State,
    env: &str,
    version: &str,
    name: &str,
    file: Received<'_>,
    upload: &mut Upload<'_>,
) -> Result<(), Refusal> {
    let Received { part, size, sha256 } = file;
    let broke = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "cannot record a package");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "The package could not be stored.")
    };
    let mut tx = crate::store::write_tx(&state.db).await.map_err(|e| broke(&e))?;
    let slot: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT uploaded_at FROM packages WHERE env_id = ? AND package_name = ? AND package_version = ?",
    )
    .bind(env)
    .bind(name)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| broke(&e))?;
    match slot {
        None => return Err(refuse(StatusCode::NOT_FOUND, "No such upload slot.")),
        // A package a deploy may already have built from never changes.
        Some(Some(_)) => return Err(refuse(StatusCode::CONFLICT, "This package was already uploaded.")),
        Some(None) => {}
    }
    // Under the write lock: concurrent uploads cannot together pass the quota.
    let stored = used(&mut tx, env).await.map_err(|e| broke(&e))?;
    let (used, quota) = (stored.saturating_add(upload.others_in_flight()), state.package_quota_bytes);
    if used.saturating_add(size) > quota {
        return Err(refuse_quota(over_quota(used, quota, Some((size, "")))));
    }
    tokio::fs::rename(part, state.packages.path(env, version, name)).await.map_err(|e| broke(&e))?;
    sqlx::query(
        "UPDATE packages SET size = ?, sha256 = ?, uploaded_at = ?
         WHERE env_id = ? AND package_name = ? AND package_version = ?",
    )
    .bind(size as i64)
    .bind(sha256)
    .bind(crate::clock::now())
    .bind(env)
    .bind(name)
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(|e| broke(&e))?;
    upload.stored();
    tx.commit().await.map_err(|e| broke(&e))
}

async fn download(
    AxState(state): AxState<SharedState>,
    Path((env, version, name)): Path<(String, String, String)>,
    Query(q): Query<Signed>,
) -> Result<Response, Refusal> {
    let path = url_path(&env, &version, &name);
    check(&state, "GET", &path, &q)?;
    let nothing = || refuse(StatusCode::NOT_FOUND, "No package was uploaded there.");
    let found = state.packages.find(&env, &name, &version).await;
    let found = found.inspect_err(|e| tracing::error!(error = %e, "localcloud internal error"));
    let package = found.ok().flatten().ok_or_else(nothing)?;
    let file = tokio::fs::File::open(&package.path).await.map_err(|_| nothing())?;
    let chunks = futures::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    Ok((
        [(header::CONTENT_TYPE, "application/zip".to_string()), (header::CONTENT_LENGTH, package.size.to_string())],
        Body::from_stream(chunks),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_good_for_its_method_path_and_lifetime_only() {
        let key = b"k";
        let path = url_path("env-1", "1700000000", "api.zip");
        let q = Signed { expires: 1000, sign: signature(key, "PUT", &path, 1000) };
        assert_eq!(verify(key, "PUT", &path, &q, 1000), Ok(()));
        assert_eq!(verify(key, "PUT", &path, &q, 1001), Err("The URL has expired; ask for a new one."));
        assert!(verify(key, "GET", &path, &q, 999).is_err(), "an upload URL does not download");
        assert!(verify(b"other", "PUT", &path, &q, 999).is_err());
        let stretched = Signed { expires: 5000, sign: q.sign.clone() };
        assert!(verify(key, "PUT", &path, &stretched, 999).is_err(), "the expiry is signed");
    }
}
