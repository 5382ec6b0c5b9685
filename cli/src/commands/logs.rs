//! `tcbr logs search`: runtime logs by tcbr `SearchClsLog` (CLOUD-API.md
//! §1.3, §11), newest first. The query is checked with the shared parser
//! before anything is sent, and `-s` keeps it to one service the way the
//! console's log tail does: `service:"name" AND (query)`.

use console_shared::actions::{LogObject, SearchClsLog, SearchClsLogRequest};
use console_shared::logquery::{self, LogQuery};
use console_shared::time::cst_datetime;
use serde_json::Value;

use crate::args::LogsCommand;
use crate::client::Client;
use crate::commands::{check_env, check_service};
use crate::error::{CliError, CliResult};
use crate::output::Out;

/// `SearchClsLog`'s largest `Limit`.
const LIMIT_MAX: i64 = 100;

pub async fn run(command: LogsCommand, client: &Client, out: Out) -> CliResult<()> {
    let LogsCommand::Search { env, service_name, query, time, limit } = command;
    let env = env.env_id;
    match &service_name {
        Some(service) => check_service(&env, service)?,
        None => check_env(&env)?,
    }
    let window = parse_window(&time).map_err(CliError::Usage)?;
    if !(1..=LIMIT_MAX).contains(&limit) {
        return Err(CliError::usage(format!("-n/--limit {limit}: at most {LIMIT_MAX} lines, at least 1.")));
    }
    let query_string = scoped_query(service_name.as_deref(), &query).map_err(CliError::Usage)?;
    let now = crate::client::unix_now();
    let answer = client
        .call::<SearchClsLog>(&SearchClsLogRequest {
            env_id: env,
            start_time: cst_datetime(now - window),
            end_time: cst_datetime(now),
            query_string,
            limit,
            context: None,
            sort: Some("desc".into()),
            use_lucene: None,
            log_type: None,
        })
        .await?;
    let mut results = answer.log_results.results.unwrap_or_default();
    // Straight to the cloud nothing masks secret values in the lines.
    for row in &mut results {
        if let Some(masked) = console_shared::secrets::mask_log_record(&row.content) {
            row.content = masked;
        }
    }
    out.done(&results, || {
        if results.is_empty() {
            vec![format!("No log lines in the last {}.", time.trim())]
        } else {
            results.iter().map(log_line).collect()
        }
    });
    Ok(())
}

/// `-t`: how far back, `30m`, `1h`, `24h`, `7d`, in seconds.
pub(crate) fn parse_window(text: &str) -> Result<i64, String> {
    let refused = || format!("-t/--time `{text}`: say how far back as a number and a unit, e.g. 30m, 1h, 24h or 7d.");
    let text = text.trim();
    let unit = text.chars().last().ok_or_else(refused)?;
    let seconds = match unit.to_ascii_lowercase() {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(refused()),
    };
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(refused());
    }
    // Beyond a year no log is kept; the bound also keeps the arithmetic small.
    match digits.parse::<i64>().ok().and_then(|n| n.checked_mul(seconds)) {
        Some(0) => Err(format!("-t/--time `{text}`: the time range must not be empty.")),
        Some(window) if window <= 366 * 86_400 => Ok(window),
        _ => Err(format!("-t/--time `{text}`: at most a year back (366d).")),
    }
}

/// The query sent: checked by the shared parser (the cloud's language), and
/// with `-s` kept to that service. The user's query stays one group, so a
/// stray `OR` cannot reach the environment's other services.
pub(crate) fn scoped_query(service: Option<&str>, query: &str) -> Result<String, String> {
    let refused = |e: logquery::LogQueryError| format!("-q/--query: {e}.");
    match service {
        Some(service) => logquery::for_service(service, query).map_err(refused),
        // The field is required: `*` is CLS's "every line", where an empty string may be refused.
        None => Ok(match logquery::parse(query).map_err(refused)? {
            LogQuery::All => "*".into(),
            _ => query.trim().to_string(),
        }),
    }
}

/// One result as a line: time, the instance (or version) that wrote it, and
/// what it wrote. `Content` is the record as a JSON string whose `log` is
/// the line; anything else is shown as it came.
pub(crate) fn log_line(object: &LogObject) -> String {
    let record = serde_json::from_str::<Value>(&object.content).ok().filter(Value::is_object);
    let field = |name: &str| {
        record.as_ref().and_then(|r| r.get(name)).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
    };
    let text = field("log").unwrap_or_else(|| object.content.clone());
    let from = field("instance").or_else(|| field("version")).unwrap_or_else(|| object.source.clone());
    format!("{}  {}  {}", object.timestamp, from, text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_a_number_and_a_unit() {
        assert_eq!(parse_window("30m"), Ok(1800));
        assert_eq!(parse_window("1h"), Ok(3600));
        assert_eq!(parse_window("24h"), Ok(86_400));
        assert_eq!(parse_window("7d"), Ok(604_800));
        assert_eq!(parse_window(" 2H "), Ok(7200));
        for bad in ["", "h", "1", "1.5h", "-1h", "+1h", "1 h", "1w", "1hh", "１h", "99999999999999999999d"] {
            assert!(parse_window(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_window("0m"), Err("-t/--time `0m`: the time range must not be empty.".into()));
        assert_eq!(parse_window("400d"), Err("-t/--time `400d`: at most a year back (366d).".into()));
    }

    #[test]
    fn queries_are_checked_and_kept_to_the_service() {
        assert_eq!(scoped_query(None, ""), Ok("*".into()));
        assert_eq!(scoped_query(None, " * "), Ok("*".into()));
        assert_eq!(scoped_query(None, "level:error"), Ok("level:error".into()));
        assert_eq!(scoped_query(Some("shop"), ""), Ok(r#"service:"shop""#.into()));
        assert_eq!(scoped_query(Some("shop"), "a OR b"), Ok(r#"service:"shop" AND (a OR b)"#.into()));
        assert_eq!(
            scoped_query(None, "(oops"),
            Err("-q/--query: the parenthesis opened at character 1 is not closed.".into())
        );
        assert!(scoped_query(Some("shop"), "colour:red").unwrap_err().contains("unknown field `colour`"));
    }

    #[test]
    fn a_result_reads_as_time_instance_and_line() {
        let object = |content: &str| LogObject {
            timestamp: "2026-01-28 23:52:00.200".into(),
            content: content.into(),
            source: "10.0.0.7".into(),
            ..Default::default()
        };
        let record = r#"{"log":"GET /hello 200\n","service":"shop","version":"shop-001","instance":"shop-001-abc","stream":"stdout"}"#;
        assert_eq!(log_line(&object(record)), "2026-01-28 23:52:00.200  shop-001-abc  GET /hello 200");
        let no_instance = r#"{"log":"ready","version":"shop-001"}"#;
        assert_eq!(log_line(&object(no_instance)), "2026-01-28 23:52:00.200  shop-001  ready");
        assert_eq!(log_line(&object("plain text")), "2026-01-28 23:52:00.200  10.0.0.7  plain text");
    }
}
