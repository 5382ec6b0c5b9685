//! Secret-looking variables (`secrets::looks_secret`, the same rule the SPA
//! uses) never travel in a plain read: the proxy masks them in every answer
//! for every role (`secrets::mask_secrets`). Whoever may change them
//! (developer and up) reads them through an explicit reveal, here, audited;
//! and a change that sends a mask back gets the real value restored here.

use axum::Json;
use axum::extract::{Path, State};
use console_shared::actions::{
    DescribeCloudRunServerDetail, DescribeVersionDetail, DescribeVersionDetailRequest, ServerRequest,
};
use console_shared::api::codes;
use console_shared::dto::{ApiError, RevealSecrets, RevealedSecrets};
use console_shared::permissions::Endpoint;
use console_shared::region::Region;
use console_shared::secrets;
use console_shared::wording::AuditDetail;
use serde_json::Value;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::cloud::envs::region_of;
use crate::cloud::upstream::UpstreamError;
use crate::error::{AppError, AppResult};
use crate::http::json::AppJson;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reveal))
}

#[utoipa::path(post, path = "/api/envs/{env}/services/{service}/secrets", tag = "deploys",
    description = "Reveals the service's variables unmasked: the online configuration, or one version's with \
`version`. Audited. Needs: developer.",
    params(("env" = String, Path), ("service" = String, Path)), request_body = RevealSecrets,
    responses((status = 200, body = RevealedSecrets), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn reveal(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service)): Path<(String, String)>,
    AppJson(req): AppJson<RevealSecrets>,
) -> AppResult<Json<RevealedSecrets>> {
    authorize(&state, &user, Endpoint::RevealSecrets, Some(&env)).await?;
    let region = region_of(&state, &env).await?;
    let env_params = match &req.version {
        Some(version) => {
            let request = DescribeVersionDetailRequest {
                env_id: env.clone(),
                server_name: service.clone(),
                version_name: version.clone(),
                channel: None,
            };
            state.upstream.call::<DescribeVersionDetail>(region, &request).await?.env_params
        }
        None => {
            let request = ServerRequest { env_id: env.clone(), server_name: service.clone() };
            state.upstream.call::<DescribeCloudRunServerDetail>(region, &request).await?.server_config.env_params
        }
    };
    let vars: serde_json::Map<String, Value> = serde_json::from_str(&env_params).unwrap_or_default();
    let env_params: std::collections::BTreeMap<String, String> = vars
        .into_iter()
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k, text)
        })
        .collect();
    let names = env_params.keys().filter(|k| secrets::looks_secret(k)).map(String::as_str).collect();
    let detail = AuditDetail::SecretsRevealed { service: &service, version: req.version.as_deref(), names }.to_string();
    audit::record(
        &state,
        Event::by(&user, Endpoint::RevealSecrets.name(), Outcome::Allowed).env(Some(&env)).detail(detail),
    )
    .await;
    Ok(Json(RevealedSecrets { env_params }))
}

/// A change may send a secret value back as the mask it was shown as (the
/// settings form does, for a variable the user did not retype): the value
/// is restored here from the service's current settings, so a mask never
/// overwrites a secret. A masked value the settings do not hold is refused.
pub(crate) async fn restore_masked(state: &AppState, region: Option<Region>, request: &mut Value) -> AppResult<()> {
    let mut held: Option<serde_json::Map<String, Value>> = None;
    let (env, service) = (
        request.get("EnvId").and_then(Value::as_str).unwrap_or("").to_string(),
        request.get("ServerName").and_then(Value::as_str).unwrap_or("").to_string(),
    );
    for slot in env_param_slots(request) {
        if slot.as_str() == Some(secrets::SECRET_MASK) {
            // What a plain read shows for variables it could not read name by name.
            return Err(AppError::bad_request(format!(
                "The variables are hidden ({}): send them as a JSON object of names and values.",
                secrets::SECRET_MASK
            )));
        }
        let Some(Ok(mut vars)) = slot.as_str().map(serde_json::from_str::<serde_json::Map<String, Value>>) else {
            continue;
        };
        let masked: Vec<String> =
            vars.iter().filter(|(_, v)| v.as_str() == Some(secrets::SECRET_MASK)).map(|(k, _)| k.clone()).collect();
        if masked.is_empty() {
            continue;
        }
        if held.is_none() {
            let request = ServerRequest { env_id: env.clone(), server_name: service.clone() };
            // A new service has no settings yet: nothing to restore from. Any
            // other failure is the cloud's, and says so.
            let current = match state.upstream.call::<DescribeCloudRunServerDetail>(region, &request).await {
                Ok(detail) => detail.server_config.env_params,
                Err(UpstreamError::Cloud { error, .. }) if codes::family(&error.code) == codes::RESOURCE_NOT_FOUND => {
                    String::new()
                }
                Err(e) => return Err(e.into()),
            };
            held = Some(serde_json::from_str(&current).unwrap_or_default());
        }
        let known = held.clone().unwrap_or_default();
        for name in masked {
            let value = known.get(&name).cloned().ok_or_else(|| {
                AppError::bad_request(format!(
                    "The value of `{name}` is still hidden ({}): type its value.",
                    secrets::SECRET_MASK
                ))
            })?;
            vars.insert(name, value);
        }
        *slot = Value::String(Value::Object(vars).to_string());
    }
    Ok(())
}

/// Every place a change carries variables: the `EnvParam` items, and the
/// deprecated `Conf.StrParams` and `ServerConfig.EnvParams`.
fn env_param_slots(request: &mut Value) -> Vec<&mut Value> {
    let mut slots = Vec::new();
    let Some(object) = request.as_object_mut() else { return slots };
    for (key, value) in object.iter_mut() {
        match (key.as_str(), value) {
            ("Items", Value::Array(items)) => {
                for item in items.iter_mut().filter(|i| i.get("Key").and_then(Value::as_str) == Some("EnvParam")) {
                    if let Some(v) = item.get_mut("Value") {
                        slots.push(v);
                    }
                }
            }
            ("Conf", Value::Object(conf)) => {
                if let Some(Value::Array(params)) = conf.get_mut("StrParams") {
                    for p in params.iter_mut().filter(|p| p.get("Key").and_then(Value::as_str) == Some("EnvParam")) {
                        if let Some(v) = p.get_mut("Value") {
                            slots.push(v);
                        }
                    }
                }
            }
            ("ServerConfig", Value::Object(config)) => {
                if let Some(v) = config.get_mut("EnvParams") {
                    slots.push(v);
                }
            }
            _ => {}
        }
    }
    slots
}
