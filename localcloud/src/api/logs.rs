//! tcbr `SearchClsLog` (CLOUD-API.md §1.3, §11; R-OBS-3): an environment's
//! runtime logs by a CLS-style query (`console_shared::logquery`), a time
//! range in UTC+8, newest or oldest first, with `Context` paging over at most
//! [`REACHABLE_MAX`] lines. Each result is a `LogObject` whose `Content` is
//! the record as a JSON string.

use console_shared::actions::{LogObject, LogResObject, SearchClsLogRequest, SearchClsLogResponse};
use console_shared::api::codes;
use console_shared::logquery;
use console_shared::region::Region;
use console_shared::time::cst_datetime;

use super::envs;
use super::error::CallError;
use super::state::State;
use crate::observe::logs::search::{Row, Search, search as find};

/// The most lines one chain of `Context` pages reaches, as CLS allows.
pub const REACHABLE_MAX: i64 = 10_000;
/// The largest `Limit`.
pub const LIMIT_MAX: i64 = 100;

pub async fn search(
    state: &State,
    region: Option<Region>,
    req: SearchClsLogRequest,
) -> Result<SearchClsLogResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let from = CallError::cst_time("StartTime", &req.start_time)?;
    let to = CallError::cst_time("EndTime", &req.end_time)?;
    if from > to {
        return Err(invalid("StartTime must not be after EndTime."));
    }
    if !(1..=LIMIT_MAX).contains(&req.limit) {
        return Err(invalid(format!("Limit must be between 1 and {LIMIT_MAX}, not {}.", req.limit)));
    }
    let desc = match req.sort.as_deref().unwrap_or("") {
        "" => true,
        s if s.eq_ignore_ascii_case("desc") => true,
        s if s.eq_ignore_ascii_case("asc") => false,
        s => return Err(invalid(format!("Sort must be asc or desc, not `{s}`."))),
    };
    let query = logquery::parse(&req.query_string).map_err(|e| invalid(format!("QueryString: {e}.")))?;
    let context = req.context.filter(|c| !c.is_empty());
    let (after, served) = match &context {
        None => (None, 0),
        Some(c) => {
            let (id, served) = Cursor::parse(c).ok_or_else(|| invalid("Context is not one a search returned."))?;
            (Some(id), served)
        }
    };
    let room = (REACHABLE_MAX - served).min(req.limit);
    let mut rows = if room > 0 {
        let s = Search {
            env: &req.env_id,
            // The whole of EndTime's second is in the range.
            from_ms: from.saturating_mul(1000),
            to_ms: to.saturating_mul(1000).saturating_add(999),
            query: &query,
            desc,
            after,
            limit: (room + 1) as u32,
        };
        find(&state.observe, &s).await?
    } else {
        Vec::new()
    };
    let more = rows.len() as i64 > room;
    rows.truncate(room.max(0) as usize);
    let served = served + rows.len() as i64;
    let next = rows.last().map(|r| Cursor::format(r.id, served)).or(context);
    let topic_id = format!("{}-cloudrun-logs", req.env_id);
    let topic_name = format!("cloudrun-{}", req.env_id);
    let results = rows.into_iter().map(|r| object(r, &topic_id, &topic_name)).collect();
    Ok(SearchClsLogResponse {
        log_results: LogResObject {
            context: next,
            list_over: Some(!more || served >= REACHABLE_MAX),
            results: Some(results),
        },
    })
}

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(codes::INVALID_PARAMETER, message)
}

/// The `Context` a page hands out: the last line's id and how many lines the
/// chain of pages has returned, so paging stops at [`REACHABLE_MAX`].
struct Cursor;

impl Cursor {
    fn format(id: i64, served: i64) -> String {
        format!("{id:x}-{served:x}")
    }

    fn parse(text: &str) -> Option<(i64, i64)> {
        let (id, served) = text.split_once('-')?;
        let hex = |s: &str| i64::from_str_radix(s, 16).ok().filter(|n| *n >= 0 && !s.starts_with('+'));
        Some((hex(id)?, hex(served)?))
    }
}

fn object(r: Row, topic_id: &str, topic_name: &str) -> LogObject {
    let content = serde_json::json!({
        "log": r.text,
        "service": r.service,
        "version": r.version,
        "instance": r.instance,
        "stream": r.stream,
        "level": r.level,
    });
    LogObject {
        topic_id: topic_id.into(),
        topic_name: topic_name.into(),
        timestamp: format!("{}.{:03}", cst_datetime(r.at_ms.div_euclid(1000)), r.at_ms.rem_euclid(1000)),
        content: content.to_string(),
        file_name: r.stream,
        source: "127.0.0.1".into(),
        pkg_log_id: r.id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        assert_eq!(Cursor::parse(&Cursor::format(42, 100)), Some((42, 100)));
        for bad in ["", "42", "-1-1", "zz-1", "+1-1", "1-"] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }
}
