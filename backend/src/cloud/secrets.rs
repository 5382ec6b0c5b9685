//! Secret-looking variables (`secrets::looks_secret`, the same rule the SPA
//! uses) never travel in a plain read: the proxy masks them in every answer
//! for every role (`secrets::mask_secrets`). Whoever may change them
//! (developer and up) reads them through an explicit reveal, here, audited.

use axum::Json;
use axum::extract::{Path, State};
use console_shared::actions::{
    DescribeCloudRunServerDetail, DescribeVersionDetail, DescribeVersionDetailRequest, ServerRequest,
};
use console_shared::dto::{ApiError, RevealSecrets, RevealedSecrets};
use console_shared::permissions::Endpoint;
use console_shared::secrets;
use console_shared::wording::AuditDetail;
use serde_json::Value;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::cloud::envs::region_of;
use crate::error::AppResult;
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
