//! The signed cloud proxy: `POST /api/cloud/{product}/{Action}`.
//!
//! The browser names an action and sends its request JSON; the BFF checks the
//! allow-list and the caller's role in the target environment, signs the call
//! with TC3-HMAC-SHA256 and forwards it with the environment's own region. The
//! key pair never leaves this module.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::actions::{self, Action, DescribeEnvBaseInfo, EnvIdRequest, KvPair, Product};
use console_shared::api::{CloudError, ErrorResponse, codes};
use console_shared::dto::{ApiError, console_codes};
use console_shared::region::Region;
use console_shared::tc3::{self, Credential};
use serde::Deserialize;
use serde_json::Value;

use crate::audit::{self, Event, Outcome};
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{AppState, access};

/// Where and how the BFF calls the cloud.
pub struct Upstream {
    http: reqwest::Client,
    /// For package uploads: no overall deadline (a large package on a slow
    /// link takes what it takes), but connecting and each read are bounded.
    uploads: reqwest::Client,
    credential: Credential,
    /// `None`: Tencent Cloud's per-product hosts (`tcbr.tencentcloudapi.com`).
    endpoint: Option<String>,
    scheme: String,
}

/// What went wrong calling the cloud.
#[derive(Debug)]
pub enum UpstreamError {
    /// The cloud answered with its error envelope.
    Cloud {
        error: CloudError,
        request_id: String,
    },
    Unreachable(String),
    Timeout,
    Invalid(String),
}

impl Upstream {
    pub fn new(credential: Credential, endpoint: Option<String>, scheme: String, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .timeout(timeout)
            .build()
            .expect("a client with timeouts only always builds");
        let uploads = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .read_timeout(timeout)
            .build()
            .expect("a client with timeouts only always builds");
        Upstream { http, uploads, credential, endpoint, scheme }
    }

    fn host(&self, product: Product) -> String {
        self.endpoint.clone().unwrap_or_else(|| format!("{}.tencentcloudapi.com", product.name()))
    }

    /// Signs and sends one call; returns the `Response` object on success.
    pub async fn call_raw(
        &self,
        product: Product,
        action: &str,
        region: Option<Region>,
        body: Vec<u8>,
    ) -> Result<Value, UpstreamError> {
        let host = self.host(product);
        let timestamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let target = tc3::Target {
            service: product.name(),
            host: &host,
            action,
            version: product.version(),
            region: region.map(Region::id),
        };
        let signed = tc3::sign_json_post(&self.credential, target, timestamp, &body);
        let mut request = self.http.post(format!("{}://{host}/", self.scheme)).body(body);
        for (name, value) in signed.headers {
            // reqwest derives Host from the URL: the same string that was signed.
            if name != "Host" {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() { UpstreamError::Timeout } else { UpstreamError::Unreachable(e.to_string()) }
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| {
            if e.is_timeout() { UpstreamError::Timeout } else { UpstreamError::Unreachable(e.to_string()) }
        })?;
        if !status.is_success() {
            return Err(UpstreamError::Invalid(format!("HTTP {status}")));
        }
        let mut envelope: Value =
            serde_json::from_slice(&bytes).map_err(|e| UpstreamError::Invalid(format!("not JSON: {e}")))?;
        let response = envelope
            .get_mut("Response")
            .map(Value::take)
            .ok_or_else(|| UpstreamError::Invalid("no Response".into()))?;
        if response.get("Error").is_some() {
            let err: ErrorResponse = serde_json::from_value(response)
                .map_err(|e| UpstreamError::Invalid(format!("bad error envelope: {e}")))?;
            return Err(UpstreamError::Cloud {
                error: CloudError::new(err.error.code, err.error.message),
                request_id: err.request_id,
            });
        }
        Ok(response)
    }

    /// PUTs a body to an upload URL the cloud handed out, with its headers.
    /// With `length` known the PUT carries a Content-Length, as object
    /// stores prefer; otherwise it goes chunked.
    pub async fn upload(
        &self,
        url: &str,
        headers: &[KvPair],
        length: Option<u64>,
        body: reqwest::Body,
    ) -> Result<(), UpstreamError> {
        let mut request = self.uploads.put(url).body(body);
        for h in headers {
            request = request.header(&h.key, &h.value);
        }
        if let Some(n) = length {
            request = request.header(reqwest::header::CONTENT_LENGTH, n);
        }
        // The URL is a credential: it must not reach the logs through the error.
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                UpstreamError::Timeout
            } else {
                UpstreamError::Unreachable(e.without_url().to_string())
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Object stores answer plain text or XML; keep a little for the log.
        let text: String = response.text().await.unwrap_or_default().chars().take(300).collect();
        // A full store (localcloud's per-environment quota) is the user's to
        // act on: pass its words on as the cloud's quota error.
        let quota = text.trim_start().starts_with("LimitExceeded:");
        if status == reqwest::StatusCode::INSUFFICIENT_STORAGE
            || (quota && status == reqwest::StatusCode::TOO_MANY_REQUESTS)
        {
            let message = text.trim().strip_prefix("LimitExceeded:").unwrap_or(&text).trim().to_string();
            return Err(UpstreamError::Cloud {
                error: CloudError::new(codes::LIMIT_EXCEEDED, message),
                request_id: String::new(),
            });
        }
        Err(UpstreamError::Invalid(format!("the upload URL answered HTTP {status}: {}", text.trim())))
    }

    /// A typed call, for the BFF's own needs.
    pub async fn call<A: Action>(
        &self,
        region: Option<Region>,
        request: &A::Request,
    ) -> Result<A::Response, UpstreamError> {
        let body = serde_json::to_vec(request).map_err(|e| UpstreamError::Invalid(e.to_string()))?;
        let value = self.call_raw(A::PRODUCT, A::NAME, region, body).await?;
        serde_json::from_value(value).map_err(|e| UpstreamError::Invalid(format!("unexpected response shape: {e}")))
    }
}

/// The HTTP status for a cloud error code, so the SPA can tell kinds apart.
fn status_for(code: &str) -> StatusCode {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "InvalidParameter"
        | "InvalidParameterValue"
        | "MissingParameter"
        | "UnsupportedRegion"
        | "UnknownParameter" => StatusCode::BAD_REQUEST,
        "ResourceNotFound" => StatusCode::NOT_FOUND,
        "ResourceInUse" => StatusCode::CONFLICT,
        // A quota is a property of the request, not a reason to retry later.
        "LimitExceeded" => StatusCode::BAD_REQUEST,
        "RequestLimitExceeded" => StatusCode::TOO_MANY_REQUESTS,
        "UnauthorizedOperation" | "OperationDenied" => StatusCode::FORBIDDEN,
        // The console's own key pair or clock is wrong, or the cloud failed:
        // not the user's request.
        "AuthFailure" | "InternalError" | "NoSuchVersion" | "InvalidAction" | "NoSuchProduct" => {
            StatusCode::BAD_GATEWAY
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<UpstreamError> for AppError {
    fn from(e: UpstreamError) -> Self {
        match e {
            UpstreamError::Cloud { error, request_id } => AppError {
                status: status_for(&error.code),
                body: ApiError { code: error.code, message: error.message, request_id: Some(request_id) },
                cause: None,
            },
            UpstreamError::Unreachable(cause) => AppError::new(
                StatusCode::BAD_GATEWAY,
                console_codes::UPSTREAM_UNREACHABLE,
                "The cloud API cannot be reached right now; nothing was changed. Try again shortly.",
            )
            .because(format!("cloud unreachable: {cause}")),
            UpstreamError::Timeout => AppError::new(
                StatusCode::GATEWAY_TIMEOUT,
                console_codes::UPSTREAM_TIMEOUT,
                "The cloud API did not answer in time. The operation may or may not have been applied; reload to check.",
            ),
            UpstreamError::Invalid(cause) => AppError::new(
                StatusCode::BAD_GATEWAY,
                console_codes::UPSTREAM_INVALID,
                "The cloud API answered something the console does not understand.",
            )
            .because(format!("cloud answered something unexpected: {cause}")),
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(proxy))
}

#[derive(Deserialize)]
pub(crate) struct ProxyQuery {
    region: Option<String>,
}

/// The region of `env_id`: remembered from its creation, or asked of the
/// cloud once and remembered (it can never change, R-ENV-4).
pub async fn region_of(state: &AppState, env_id: &str) -> AppResult<Option<Region>> {
    let known: Option<String> = sqlx::query_scalar("SELECT region FROM environments WHERE env_id = ?")
        .bind(env_id)
        .fetch_optional(&state.db)
        .await?;
    if let Some(region) = known {
        return Ok(Region::parse(&region));
    }
    let info = state.upstream.call::<DescribeEnvBaseInfo>(None, &EnvIdRequest { env_id: env_id.into() }).await?;
    let Some(region) = info.is_exist.then(|| Region::parse(&info.env_base_info.region)).flatten() else {
        return Ok(None);
    };
    sqlx::query("INSERT OR IGNORE INTO environments (env_id, region, created_at) VALUES (?, ?, ?)")
        .bind(env_id)
        .bind(region.id())
        .bind(state.clock.now())
        .execute(&state.db)
        .await?;
    Ok(Some(region))
}

fn not_allowed(product: &str, action: &str) -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        console_codes::NOT_ALLOWED_ACTION,
        format!("The console does not forward {product}:{action}."),
    )
}

#[utoipa::path(post, path = "/api/cloud/{product}/{action}", tag = "cloud",
    description = "Forwards an allow-listed cloud action, TC3-signed, with the environment's region. The body is the \
action's request JSON; `EnvId` in it names the environment whose role is checked. Needs: see the permission table.",
    params(("product" = String, Path, description = "tcbr | tcb | ssl"), ("action" = String, Path, description = "The action name"),
        ("region" = Option<String>, Query, description = "Only for CreateCloudRunEnv: ap-beijing | ap-shanghai | ap-guangzhou")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200, body = Object, description = "The cloud's `Response` object"),
        (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, body = ApiError), (status = 502, body = ApiError), (status = 504, body = ApiError)))]
pub(crate) async fn proxy(
    State(state): State<AppState>,
    user: AuthUser,
    Path((product_name, action)): Path<(String, String)>,
    Query(query): Query<ProxyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let product = Product::parse(&product_name).ok_or_else(|| not_allowed(&product_name, &action))?;
    let info = actions::forwarded(product, &action).ok_or_else(|| not_allowed(&product_name, &action))?;
    let rule = info.rule.ok_or_else(|| not_allowed(&product_name, &action))?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            console_codes::BAD_REQUEST,
            "Send the body as application/json.",
        ));
    }
    let mut request: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    if !request.is_object() {
        return Err(AppError::bad_request("The request body must be a JSON object."));
    }

    let env_id = request.get("EnvId").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    access::check(&state, &user, rule, &action, env_id.as_deref()).await?;

    let is_create = product == Product::Tcbr && action == "CreateCloudRunEnv";
    let region = if is_create {
        // R-ENV-4: the region is chosen here, once.
        let wanted = query.region.as_deref().unwrap_or("");
        Some(Region::parse(wanted).filter(|r| r.id() == wanted).ok_or_else(|| {
            AppError::new(
                StatusCode::BAD_REQUEST,
                codes::UNSUPPORTED_REGION,
                "Choose the region: ap-beijing, ap-shanghai or ap-guangzhou.",
            )
        })?)
    } else {
        match &env_id {
            Some(env) => region_of(&state, env).await?,
            None => None,
        }
    };

    // R-DEP-5: the change says who made it, in the field the action has for that.
    let body = match info.remark {
        Some(path) => {
            sign_remark(&mut request, path, &user.username);
            serde_json::to_vec(&request).map_err(AppError::internal)?
        }
        None => body.to_vec(),
    };
    let result = state.upstream.call_raw(product, &action, region, body).await;
    if rule.mutating {
        let (outcome, request_id, detail) = match &result {
            Ok(r) => (Outcome::Allowed, r.get("RequestId").and_then(Value::as_str), String::new()),
            Err(UpstreamError::Cloud { error, request_id }) => {
                (Outcome::Failed, Some(request_id.as_str()), error.code.clone())
            }
            Err(_) => (Outcome::Failed, None, "cloud unreachable or timed out".to_string()),
        };
        let env =
            env_id.as_deref().or_else(|| result.as_ref().ok().and_then(|r| r.get("EnvId")).and_then(Value::as_str));
        let event = Event::by(&user, &action, outcome).env(env).request_id(request_id).detail(detail);
        audit::record(&state, event).await;
    }
    let mut response = result?;

    if is_create {
        if let (Some(env), Some(region)) = (response.get("EnvId").and_then(Value::as_str), region) {
            record_new_env(&state, env, region, user.id).await?;
        }
    } else if product == Product::Tcb && action == "DestroyEnv" {
        if let Some(env) = &env_id {
            sqlx::query("DELETE FROM environments WHERE env_id = ?").bind(env).execute(&state.db).await?;
        }
    } else if action == "DescribeCloudRunEnvs" && !user.is_admin {
        filter_visible_envs(&state, user.id, &mut response).await?;
    }
    console_shared::secrets::mask_secrets(&mut response);
    tracing::info!(user.id = user.id, env.id = env_id.as_deref().unwrap_or(""), action, "cloud call forwarded");
    Ok(Json(response).into_response())
}

/// Puts `username` in front of the remark at `path` (dotted), creating it;
/// a path through something that is not an object is left alone (the cloud
/// refuses such a request anyway).
fn sign_remark(request: &mut Value, path: &str, username: &str) {
    let mut at = request;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(object) = at.as_object_mut() else { return };
        if parts.peek().is_none() {
            let given = object.get(part).and_then(Value::as_str).unwrap_or("");
            let signed = console_shared::rules::signed_remark(username, given);
            object.insert(part.to_string(), Value::String(signed));
            return;
        }
        at = object.entry(part).or_insert_with(|| Value::Object(Default::default()));
    }
}

/// The creator owns the new environment.
pub async fn record_new_env(state: &AppState, env_id: &str, region: Region, user_id: i64) -> AppResult<()> {
    let mut tx = crate::db::write_tx(&state.db).await?;
    sqlx::query("INSERT OR IGNORE INTO environments (env_id, region, created_by, created_at) VALUES (?, ?, ?, ?)")
        .bind(env_id)
        .bind(region.id())
        .bind(user_id)
        .bind(state.clock.now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT OR REPLACE INTO members (env_id, user_id, role) VALUES (?, ?, 'owner')")
        .bind(env_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps only the environments the caller is a member of.
async fn filter_visible_envs(state: &AppState, user_id: i64, response: &mut Value) -> AppResult<()> {
    let mine: Vec<String> =
        sqlx::query_scalar("SELECT env_id FROM members WHERE user_id = ?").bind(user_id).fetch_all(&state.db).await?;
    if let Some(list) = response.get_mut("EnvList").and_then(Value::as_array_mut) {
        list.retain(|env| env.get("EnvId").and_then(Value::as_str).is_some_and(|id| mine.iter().any(|m| m == id)));
    }
    Ok(())
}
