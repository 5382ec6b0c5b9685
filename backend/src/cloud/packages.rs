//! Code-package uploads: `PUT /api/envs/{env}/services/{service}/package`.
//!
//! The browser sends the zip here, never to the cloud: the upload URL that
//! tcb `DescribeCloudBaseBuildService` hands out is a credential, so the BFF
//! asks for it and streams the body through to it, chunk by chunk, counting
//! bytes against the cap. The package is never held whole in memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use console_shared::actions::{DescribeCloudBaseBuildService, DescribeCloudBaseBuildServiceRequest};
use console_shared::dto::{ApiError, UploadedPackage, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::rules;
use console_shared::wording::AuditDetail;
use futures::StreamExt;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::cloud::envs::region_of;
use crate::error::{AppError, AppResult};
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    // A slow link may take long, but a body dripping a byte at a time (each
    // read within the per-read deadline) must still end.
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, UPLOAD_DEADLINE))
}

/// The longest a package upload may take: 100 MiB at about 60 KiB/s.
const UPLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The types browsers give a `.zip` (Windows says `x-zip-compressed`).
const ZIP_TYPES: [&str; 4] =
    ["application/zip", "application/x-zip-compressed", "application/x-zip", "application/octet-stream"];

fn too_large(max: u64) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        console_codes::PACKAGE_TOO_LARGE,
        format!("A code package holds at most {} MiB; nothing was stored.", max / (1024 * 1024)),
    )
}

#[utoipa::path(put, path = "/api/envs/{env}/services/{service}/package", tag = "deploys",
    description = "Stores a code package (a .zip with a Dockerfile) for a `DeployType: package` deploy: the body is \
streamed to the cloud's upload URL, which the browser never sees. Deploy with the returned names as \
`DeployInfo.PackageName`/`PackageVersion`. Needs: developer.",
    params(("env" = String, Path), ("service" = String, Path, description = "The service the package is for (R-SVC-3)")),
    request_body(content = Vec<u8>, content_type = "application/zip"),
    responses((status = 200, body = UploadedPackage), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 415, body = ApiError), (status = 502, body = ApiError)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<UploadedPackage>> {
    authorize(&state, &user, Endpoint::UploadPackage, Some(&env)).await?;
    rules::service_name(&service).map_err(|e| AppError::bad_request(format!("The service name {e}.")))?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !ZIP_TYPES.contains(&mime.as_str()) {
        return Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            console_codes::BAD_REQUEST,
            "Send the package as application/zip.",
        ));
    }
    let max = state.upload_max_bytes;
    let declared: Option<u64> =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    if declared == Some(0) {
        return Err(AppError::bad_request("The package is empty."));
    }
    let result = forward(&state, &env, &service, body, declared, max).await;
    let (outcome, detail) = match &result {
        Ok(p) => (
            Outcome::Allowed,
            AuditDetail::PackageUploaded { name: &p.package_name, version: &p.package_version, bytes: p.size }
                .to_string(),
        ),
        Err(e) => (Outcome::Failed, e.body.code.clone()),
    };
    audit::record(&state, Event::by(&user, Endpoint::UploadPackage.name(), outcome).env(Some(&env)).detail(detail))
        .await;
    let package = result?;
    tracing::info!(user.id = user.id, env.id = %env, service = %service, size = package.size, "package uploaded");
    Ok(Json(package))
}

/// Asks the cloud for an upload slot and streams the body (of `length`
/// bytes, when the client said) into it.
pub(crate) async fn forward(
    state: &AppState,
    env: &str,
    service: &str,
    body: Body,
    length: Option<u64>,
    max: u64,
) -> AppResult<UploadedPackage> {
    let region = region_of(state, env).await?;
    let slot_request = DescribeCloudBaseBuildServiceRequest {
        env_id: env.into(),
        service_name: service.into(),
        ci_business: Some("cloudbaserun".into()),
        service_version: None,
        suffix: Some(".zip".into()),
    };
    let slot = state.upstream.call::<DescribeCloudBaseBuildService>(region, &slot_request).await?;

    let received = Arc::new(AtomicU64::new(0));
    let over = Arc::new(AtomicBool::new(false));
    let (count, flag) = (received.clone(), over.clone());
    let counted = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()))?;
        let total = count.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
        if total > max {
            // Ending the stream with an error aborts the upstream request:
            // the cloud never stores a truncated package.
            flag.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("the package is over the size cap"));
        }
        Ok(chunk)
    });
    let body = reqwest::Body::wrap_stream(counted);
    let sent = state.upstream.upload(&slot.upload_url, &slot.upload_headers, length, body).await;
    if over.load(Ordering::Relaxed) {
        return Err(too_large(max));
    }
    let size = received.load(Ordering::Relaxed);
    if size == 0 {
        return Err(AppError::bad_request("The package is empty."));
    }
    sent?;
    Ok(UploadedPackage { package_name: slot.package_name, package_version: slot.package_version, size })
}
