//! Reading the audit log: `/api/audit`, a page at a time, and
//! `/api/audit/export.csv`. Owners read their environment's entries, admins
//! read everything; filter, or export CSV.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use console_shared::dto::{AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, ApiError, AuditEntry, AuditPage};
use console_shared::permissions::Endpoint;
use console_shared::time::utc_datetime;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::authorize;
use crate::error::AppResult;
use crate::identity::AuthUser;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(export_csv))
}

/// Filters, all optional. Times are Unix seconds, `from` inclusive, `to` exclusive.
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    env: Option<String>,
    user: Option<String>,
    action: Option<String>,
    outcome: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    /// Only entries older than this id (the previous page's `next_before`).
    before: Option<i64>,
    limit: Option<i64>,
}

/// A page of the API, and the most one CSV export holds.
const EXPORT_MAX: i64 = 10_000;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    username: String,
    env_id: Option<String>,
    action: String,
    outcome: String,
    detail: String,
    request_id: Option<String>,
    via_token: Option<String>,
}

/// Owners may read their environment's log; the whole log is for admins.
async fn entries(state: &AppState, user: &AuthUser, f: &Filter, limit: i64) -> AppResult<Vec<AuditEntry>> {
    let env = f.env.as_deref().filter(|e| !e.is_empty());
    match env {
        Some(env) => authorize(state, user, Endpoint::ReadEnvAudit, Some(env)).await?,
        None => authorize(state, user, Endpoint::ReadAllAudit, None).await?,
    };
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, username, env_id, action, outcome, detail, request_id, via_token FROM audit_log
         WHERE (?1 IS NULL OR env_id = ?1)
           AND (?2 IS NULL OR username = ?2)
           AND (?3 IS NULL OR action = ?3)
           AND (?4 IS NULL OR outcome = ?4)
           AND (?5 IS NULL OR at >= ?5)
           AND (?6 IS NULL OR at < ?6)
           AND (?8 IS NULL OR id < ?8)
         ORDER BY id DESC LIMIT ?7",
    )
    .bind(env)
    .bind(f.user.as_deref().filter(|s| !s.is_empty()))
    .bind(f.action.as_deref().filter(|s| !s.is_empty()))
    .bind(f.outcome.as_deref().filter(|s| !s.is_empty()))
    .bind(f.from)
    .bind(f.to)
    .bind(limit)
    .bind(f.before)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            username: r.username,
            env_id: r.env_id,
            action: r.action,
            outcome: r.outcome,
            detail: r.detail,
            request_id: r.request_id,
            via_token: r.via_token,
        })
        .collect())
}

#[utoipa::path(get, path = "/api/audit", tag = "audit",
    description = "Audit entries, newest first, a page at a time (`limit` up to 500, default 100; `before` from the \
previous page's `next_before`). With `env`: needs owner there; without: admin.",
    params(("env" = Option<String>, Query), ("user" = Option<String>, Query), ("action" = Option<String>, Query),
        ("outcome" = Option<String>, Query, description = "allowed | denied | failed"),
        ("from" = Option<i64>, Query, description = "Unix seconds, inclusive"), ("to" = Option<i64>, Query, description = "Unix seconds, exclusive"),
        ("before" = Option<i64>, Query, description = "Only entries with a smaller id"),
        ("limit" = Option<i64>, Query)),
    responses((status = 200, body = AuditPage), (status = 403, body = ApiError)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(f): Query<Filter>,
) -> AppResult<Json<AuditPage>> {
    let limit = f.limit.unwrap_or(AUDIT_PAGE_DEFAULT).clamp(1, AUDIT_PAGE_MAX);
    // One more than asked tells whether an older page exists.
    let mut entries = entries(&state, &user, &f, limit + 1).await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(Json(AuditPage { entries, next_before }))
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is defused so a
/// spreadsheet never runs a cell as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

#[utoipa::path(get, path = "/api/audit/export.csv", tag = "audit",
    description = "The same entries as CSV (UTC times), up to 10 000 from `before`. Same filters and permissions as \
/api/audit.",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ApiError)))]
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    user: AuthUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let rows = entries(&state, &user, &f, f.limit.unwrap_or(EXPORT_MAX).clamp(1, EXPORT_MAX)).await?;
    let mut out = String::from("id,time_utc,user,via_token,environment,action,outcome,detail,request_id\r\n");
    for r in rows {
        let fields = [
            r.id.to_string(),
            format!("{}Z", utc_datetime(r.at).replace(' ', "T")),
            r.username,
            r.via_token.unwrap_or_default(),
            r.env_id.unwrap_or_default(),
            r.action,
            r.outcome,
            r.detail,
            r.request_id.unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
