//! The signed cloud proxy: `POST /api/cloud/{product}/{Action}`.
//!
//! The browser names an action and sends its request JSON; the BFF checks the
//! allow-list and the caller's role in the target environment, signs the call
//! with TC3-HMAC-SHA256 and forwards it with the environment's own region.
//! The few actions the console acts around (choosing a new environment's
//! region, forgetting a destroyed one, hiding environments a caller is not a
//! member of) are decoded once, from the action the allow-list found.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_shared::actions::{
    self, ActionInfo, CreateCloudRunEnv, CreateCloudRunServer, DescribeCloudRunEnvs, DestroyEnv, Product, SearchClsLog,
    SubmitServerConfigChangeDiff, UpdateCloudRunServer, UploadCertificate,
};
use console_shared::api::codes;
use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::Need;
use console_shared::region::Region;
use console_shared::wording::AuditDetail;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{check, visible_envs};
use crate::audit::{self, Event, Outcome};
use crate::cloud::envs::{record_new_env, region_of};
use crate::cloud::upstream::UpstreamError;
use crate::cloud::{certificates, logs, secrets, timeline};
use crate::error::{AppError, AppResult};
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(proxy))
}

#[derive(Deserialize)]
pub(crate) struct ProxyQuery {
    region: Option<String>,
}

fn not_allowed(product: &str, action: &str) -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        console_codes::NOT_ALLOWED_ACTION,
        format!("The console does not forward {product}:{action}."),
    )
}

/// What the console does around a forwarded call, besides checking, signing
/// and auditing it: decoded once from the action, and matched in full
/// wherever the proxy acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Around {
    /// tcbr CreateCloudRunEnv: the caller chooses the region (R-ENV-4), and
    /// becomes the new environment's owner.
    CreateEnv,
    /// tcb DestroyEnv: the console forgets the environment.
    DestroyEnv,
    /// tcbr DescribeCloudRunEnvs: a non-admin sees only the environments
    /// they are a member of (a token: only its own).
    ListEnvs,
    /// A change that carries variables: a secret sent back masked gets its
    /// value restored from the service's settings (`secrets::restore_masked`).
    Unmask,
    /// ssl UploadCertificate: capped and checked here first (`certificates`),
    /// and audited with the certificate's name, never its key.
    UploadCertificate,
    /// tcbr SearchClsLog: each log record's secret values are masked
    /// (`logs::mask_answer`), as the live tail masks them.
    SearchLogs,
    /// Any other action: sent with the environment's own region, nothing after.
    Plain,
}

impl Around {
    /// Decodes `info`, an action the allow-list found, by comparing it with
    /// the typed actions the console acts around.
    fn of(info: &ActionInfo) -> Around {
        if *info == ActionInfo::of::<CreateCloudRunEnv>() {
            Around::CreateEnv
        } else if *info == ActionInfo::of::<DestroyEnv>() {
            Around::DestroyEnv
        } else if *info == ActionInfo::of::<DescribeCloudRunEnvs>() {
            Around::ListEnvs
        } else if *info == ActionInfo::of::<UploadCertificate>() {
            Around::UploadCertificate
        } else if *info == ActionInfo::of::<SearchClsLog>() {
            Around::SearchLogs
        } else if [
            ActionInfo::of::<CreateCloudRunServer>(),
            ActionInfo::of::<UpdateCloudRunServer>(),
            ActionInfo::of::<SubmitServerConfigChangeDiff>(),
        ]
        .contains(info)
        {
            Around::Unmask
        } else {
            Around::Plain
        }
    }
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
    let around = Around::of(info);
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

    // What belongs to the account (certificates) names no environment; an
    // `EnvId` sent along is not looked up, and the cloud refuses it.
    let env_id = request
        .get("EnvId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && !matches!(rule.need, Need::AnyEnvRole(_)))
        .map(str::to_string);
    check(&state, &user, rule, &action, env_id.as_deref()).await?;

    let region = match around {
        Around::CreateEnv => {
            // R-ENV-4: the region is chosen here, once.
            let wanted = query.region.as_deref().unwrap_or("");
            Some(Region::parse(wanted).filter(|r| r.id() == wanted).ok_or_else(|| {
                AppError::new(
                    StatusCode::BAD_REQUEST,
                    codes::UNSUPPORTED_REGION,
                    "Choose the region: ap-beijing, ap-shanghai or ap-guangzhou.",
                )
            })?)
        }
        Around::DestroyEnv
        | Around::ListEnvs
        | Around::Unmask
        | Around::UploadCertificate
        | Around::SearchLogs
        | Around::Plain => match &env_id {
            Some(env) => region_of(&state, env).await?,
            None => None,
        },
    };

    let certificate = match around {
        Around::UploadCertificate => Some(certificates::precheck_upload(&request, state.clock.now())?),
        _ => None,
    };
    if around == Around::Unmask {
        secrets::restore_masked(&state, region, &mut request).await?;
    }
    // R-DEP-5: the change says who made it, in the field the action has for that.
    let body = match (info.remark, around) {
        (None, Around::Unmask) => serde_json::to_vec(&request).map_err(AppError::internal)?,
        (Some(path), _) => {
            sign_remark(&mut request, path, &user.username);
            serde_json::to_vec(&request).map_err(AppError::internal)?
        }
        (None, _) => body.to_vec(),
    };
    let result = state.upstream.call_raw(product, &action, region, body).await;
    if rule.mutating {
        let change = timeline::change_of(&action, &request);
        let asked = change.as_ref().map(|(_, detail)| detail.as_str()).or(certificate.as_deref());
        let (outcome, request_id, detail) = match &result {
            Ok(r) => {
                (Outcome::Allowed, r.get("RequestId").and_then(Value::as_str), timeline::audit_detail(asked, None))
            }
            Err(UpstreamError::Cloud { error, request_id }) => {
                (Outcome::Failed, Some(request_id.as_str()), timeline::audit_detail(asked, Some(&error.code)))
            }
            Err(_) => (Outcome::Failed, None, AuditDetail::CloudUnreachable.to_string()),
        };
        let env =
            env_id.as_deref().or_else(|| result.as_ref().ok().and_then(|r| r.get("EnvId")).and_then(Value::as_str));
        let service = change.as_ref().map(|(service, _)| service.as_str()).filter(|s| !s.is_empty());
        let event = Event::by(&user, &action, outcome).env(env).service(service).request_id(request_id).detail(detail);
        audit::record(&state, event).await;
    }
    let mut response = result?;

    match around {
        Around::CreateEnv => {
            if let (Some(env), Some(region)) = (response.get("EnvId").and_then(Value::as_str), region) {
                record_new_env(&state, env, region, user.id).await?;
            }
        }
        Around::DestroyEnv => {
            if let Some(env) = &env_id {
                sqlx::query("DELETE FROM environments WHERE env_id = ?").bind(env).execute(&state.db).await?;
            }
        }
        Around::ListEnvs => {
            if let Some(mine) = visible_envs(&state, &user).await?
                && let Some(list) = response.get_mut("EnvList").and_then(Value::as_array_mut)
            {
                list.retain(|env| {
                    env.get("EnvId").and_then(Value::as_str).is_some_and(|id| mine.iter().any(|m| m == id))
                });
            }
        }
        Around::SearchLogs => logs::mask_answer(&mut response),
        Around::Unmask | Around::UploadCertificate | Around::Plain => {}
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

#[cfg(test)]
mod tests {
    use console_shared::actions::{self, Product};

    use super::Around;

    #[test]
    fn the_actions_the_proxy_acts_around_are_decoded_from_the_allow_list() {
        let around = |product, name| actions::forwarded(product, name).map(Around::of);
        assert_eq!(around(Product::Tcbr, "CreateCloudRunEnv"), Some(Around::CreateEnv));
        assert_eq!(around(Product::Tcb, "DestroyEnv"), Some(Around::DestroyEnv));
        assert_eq!(around(Product::Tcbr, "DescribeCloudRunEnvs"), Some(Around::ListEnvs));
        assert_eq!(around(Product::Tcbr, "DescribeCloudRunServers"), Some(Around::Plain));
        assert_eq!(around(Product::Tcbr, "SubmitServerConfigChangeDiff"), Some(Around::Unmask));
        assert_eq!(around(Product::Tcbr, "SearchClsLog"), Some(Around::SearchLogs));
        assert_eq!(around(Product::Tcb, "DescribeCloudRunEnvs"), None, "the product counts");
    }
}
