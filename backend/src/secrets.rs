//! Secret-looking variables (`rules::looks_secret`, the same rule the SPA
//! uses) never travel in a plain read: the proxy masks their values in
//! DescribeCloudRunServerDetail and DescribeVersionDetail for every role.
//! Whoever may change them (developer and up) reads them through an explicit
//! reveal, which is audited.

use axum::Json;
use axum::extract::{Path, State};
use console_shared::actions::{
    DescribeCloudRunServerDetail, DescribeVersionDetail, DescribeVersionDetailRequest, ServerRequest,
};
use console_shared::dto::{ApiError, RevealSecrets, RevealedSecrets};
use console_shared::permissions::Endpoint;
use console_shared::rules;
use serde_json::Value;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::access::authorize;
use crate::audit::{self, Event, Outcome};
use crate::auth::AuthUser;
use crate::cloud::region_of;
use crate::error::AppResult;

/// Masks the secret values in any proxied answer, in place: every
/// `EnvParams`/`EnvParam` string wherever it sits (the real cloud may add
/// fields), and the `Value` of every `{"Key": "EnvParam", …}` item.
pub fn mask(response: &mut Value) {
    match response {
        Value::Object(map) => {
            let is_env_item = map.get("Key").and_then(Value::as_str) == Some("EnvParam");
            for (key, value) in map.iter_mut() {
                let holds_vars = key == "EnvParams" || key == "EnvParam" || (is_env_item && key == "Value");
                match value {
                    Value::String(text) if holds_vars => *text = rules::mask_env_params(text),
                    other => mask(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reveal))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::mask;

    #[test]
    fn every_place_variables_travel_is_masked() {
        let mut answer = json!({
            "ServerConfig": {"EnvParams": "{\"DB_PASSWORD\":\"hunter2\",\"A\":\"b\"}"},
            "Records": [{"Items": [{"Key": "EnvParam", "Value": "{\"API_TOKEN\":\"t0k\"}"}]}],
            "Other": {"EnvParams": "DB_PASSWORD=hunter2"}
        });
        mask(&mut answer);
        let text = answer.to_string();
        assert!(!text.contains("hunter2") && !text.contains("t0k"), "{text}");
        assert!(text.contains(r#"\"A\":\"b\""#), "other values stay: {text}");
    }
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
    crate::json::AppJson(req): crate::json::AppJson<RevealSecrets>,
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
    let names: Vec<&String> = env_params.keys().filter(|k| rules::looks_secret(k)).collect();
    let what = req.version.as_deref().unwrap_or("online configuration");
    let detail = if names.is_empty() {
        format!("{service} {what}: no secret-looking variables")
    } else {
        format!("{service} {what}: {}", names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "))
    };
    audit::record(
        &state,
        Event::by(&user, Endpoint::RevealSecrets.name(), Outcome::Allowed).env(Some(&env)).detail(detail),
    )
    .await;
    Ok(Json(RevealedSecrets { env_params }))
}
