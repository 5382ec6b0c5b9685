//! Runtime logs as the console shows them (R-OBS-3): a service's live tail,
//! `GET /api/envs/{env}/services/{service}/logs/stream` (its feeds are the
//! `tail`'s), and the masking every log record gets before a browser sees
//! it, here and in the proxy's SearchClsLog answers.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_shared::actions::{DescribeCloudRunServerDetail, LogObject, ServerRequest};
use console_shared::api::codes;
use console_shared::dto::ApiError;
use console_shared::logquery;
use console_shared::permissions::Endpoint;
use console_shared::secrets::mask_log_record;
use console_shared::vocab::{EnvId, ServiceName};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::cloud::envs::region_of;
use crate::cloud::tail::{self, Key, Source};
use crate::error::{AppError, AppResult};
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(log_stream))
}

#[derive(Deserialize)]
pub(crate) struct TailQuery {
    #[serde(default)]
    q: String,
}

#[utoipa::path(get, path = "/api/envs/{env}/services/{service}/logs/stream", tag = "logs",
    description = "Server-Sent Events of a service's runtime log as it is written: each row an event `line` with \
`id:` its `PkgLogId` and the SearchClsLog `LogObject` as JSON, secret values masked. Reconnect with \
`Last-Event-ID` to resume after that row. Keep-alive comments every 15 s. Needs: viewer.",
    params(("env" = String, Path), ("service" = String, Path),
        ("q" = Option<String>, Query, description = "A SearchClsLog query within the service; empty for every row")),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 400, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
pub(crate) async fn log_stream(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service)): Path<(String, String)>,
    Query(TailQuery { q }): Query<TailQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    // Checked where they enter: the names go to the cloud and key the feeds.
    let env_id = EnvId::parse(&env).map_err(|e| AppError::invalid("The environment ID", e))?;
    let service_name = ServiceName::parse(&service).map_err(|e| AppError::invalid("The service name", e))?;
    authorize(&state, &user, Endpoint::LogTail, Some(&env)).await?;
    let region = region_of(&state, &env).await?;
    // A service that does not exist is not found, as its other pages say.
    let detail = ServerRequest { env_id: env.clone(), server_name: service.clone() };
    state.upstream.call::<DescribeCloudRunServerDetail>(region, &detail).await?;
    let key = Key { env: env_id, query: service_query(&service_name, &q)?, service: service_name };
    let source = Source { upstream: state.upstream.clone(), region };
    // The first search: the cloud's word on the query (a bad one is refused before the
    // stream opens), and where this subscriber starts.
    let newest = tail::newest(&source, &key).await?;
    let admitted = state.hub.admit(user.id)?;
    let had = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let (feed, live) = state.hub.tail(key, source, newest);
    Ok(crate::cloud::events::live_for(&state, &user, tail::stream(admitted, feed, live, had.unwrap_or(newest.id))))
}

/// The query a tail runs (`logquery::for_service`); a query that does not
/// parse is refused before the stream opens.
fn service_query(service: &ServiceName, q: &str) -> AppResult<String> {
    logquery::for_service(service.as_str(), q)
        .map_err(|e| AppError::new(StatusCode::BAD_REQUEST, codes::INVALID_PARAMETER, format!("QueryString: {e}.")))
}

/// A `LogObject` as a browser may see it: its `Content` masked.
pub fn mask_object(object: &mut LogObject) {
    if let Some(masked) = mask_log_record(&object.content) {
        object.content = masked;
    }
}

/// The log rows of a SearchClsLog answer, masked in place.
pub fn mask_answer(answer: &mut Value) {
    let Some(rows) = answer.pointer_mut("/LogResults/Results").and_then(Value::as_array_mut) else { return };
    for row in rows {
        if let Some(Value::String(content)) = row.get_mut("Content")
            && let Some(masked) = mask_log_record(content)
        {
            *content = masked;
        }
    }
}

#[cfg(test)]
mod tests {
    use console_shared::secrets::SECRET_MASK as M;
    use console_shared::vocab::ServiceName;

    use super::*;

    #[test]
    fn answers_are_masked_row_by_row() {
        let mut answer = serde_json::json!({"LogResults": {"ListOver": true, "Results": [
            {"Content": "{\"log\":\"SECRET=x1\"}", "PkgLogId": "1"},
            {"Content": "no secret", "PkgLogId": "2"}
        ]}});
        mask_answer(&mut answer);
        assert_eq!(answer["LogResults"]["Results"][0]["Content"], format!("{{\"log\":\"SECRET={M}\"}}"));
        assert_eq!(answer["LogResults"]["Results"][1]["Content"], "no secret");
        let mut empty = serde_json::json!({"LogResults": {"Results": null}});
        mask_answer(&mut empty);
        assert_eq!(empty["LogResults"]["Results"], Value::Null);
    }

    #[test]
    fn a_tail_stays_inside_its_service() {
        let shop = ServiceName::parse("shop").unwrap();
        assert_eq!(service_query(&shop, "").unwrap(), r#"service:"shop""#);
        assert_eq!(service_query(&shop, " * ").unwrap(), r#"service:"shop""#);
        assert_eq!(service_query(&shop, "level:error OR 500").unwrap(), r#"service:"shop" AND (level:error OR 500)"#);
        assert_eq!(service_query(&shop, r#"(a) AND "b)""#).unwrap(), r#"service:"shop" AND ((a) AND "b)")"#);
        for escape in ["a) OR (b", ")", "(a", "a) OR service:api OR (b", "\"a) OR (b"] {
            assert!(service_query(&shop, escape).is_err(), "{escape}");
        }
        let long = "a".repeat(logquery::QUERY_MAX_CHARS + 1);
        assert!(service_query(&shop, &long).unwrap_err().body.message.contains("at most"));
    }
}
