//! The Logs tab's pure parts (R-OBS-3): the time ranges, the query sent
//! with the page's filters, a `LogObject` read into what a line shows, and
//! where a query's words fall in a line. No browser here, so all of it is
//! tested natively.

use std::ops::Range;

use console_shared::actions::LogObject;
use console_shared::logquery::{self, LogField};
use console_shared::secrets::mask_log_line;
use console_shared::time::{cst_datetime, parse_cst};
use serde::Deserialize;

/// Lines a page of results holds (`Limit`, at most 100 in the API).
pub const PAGE: i64 = 50;

/// The time ranges offered; a relative one ends now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Span {
    #[default]
    Last15Min,
    LastHour,
    Last24Hours,
    Last7Days,
    Custom,
}

impl Span {
    pub const ALL: [Span; 5] = [Span::Last15Min, Span::LastHour, Span::Last24Hours, Span::Last7Days, Span::Custom];

    /// The value of its `<option>`.
    pub fn key(self) -> &'static str {
        match self {
            Span::Last15Min => "15m",
            Span::LastHour => "1h",
            Span::Last24Hours => "24h",
            Span::Last7Days => "7d",
            Span::Custom => "custom",
        }
    }

    pub fn from_key(key: &str) -> Span {
        Span::ALL.into_iter().find(|s| s.key() == key).unwrap_or(Span::Last15Min)
    }

    /// How far back a relative range reaches, in seconds.
    fn seconds(self) -> Option<i64> {
        match self {
            Span::Last15Min => Some(15 * 60),
            Span::LastHour => Some(3600),
            Span::Last24Hours => Some(86_400),
            Span::Last7Days => Some(7 * 86_400),
            Span::Custom => None,
        }
    }
}

/// The range searched, as `SearchClsLog` takes it: `YYYY-MM-DD HH:MM:SS`
/// in UTC+8. A custom range needs both ends, the start first; `None` else.
pub fn window(span: Span, now: i64, custom: (Option<i64>, Option<i64>)) -> Option<(String, String)> {
    let (start, end) = match (span.seconds(), custom) {
        (Some(back), _) => (now - back, now),
        (None, (Some(start), Some(end))) if start < end => (start, end),
        (None, _) => return None,
    };
    Some((cst_datetime(start), cst_datetime(end)))
}

/// `field:"value"`. The values come from the cloud (service, version and
/// instance names: letters, digits and `-`), but a quote or a backslash in
/// one would end the phrase early, so those are escaped.
fn field_term(field: &str, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{field}:\"{escaped}\"")
}

/// The query sent: what the user typed, kept to this service and the
/// chosen version and instance (`SearchClsLog` searches the whole
/// environment). The typed query is bracketed, so its `OR` cannot reach
/// past the filters.
pub fn with_filters(typed: &str, filters: &[(&str, &str)]) -> String {
    let typed = typed.trim();
    let everything = typed.is_empty() || typed == "*";
    let terms: Vec<String> =
        filters.iter().filter(|(_, value)| !value.is_empty()).map(|(field, value)| field_term(field, value)).collect();
    match (everything, terms.is_empty()) {
        (true, true) => "*".to_string(),
        (true, false) => terms.join(" AND "),
        (false, true) => typed.to_string(),
        (false, false) => format!("({typed}) AND {}", terms.join(" AND ")),
    }
}

/// A record as `Content` carries it (a JSON string in the `LogObject`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Record {
    log: String,
    service: String,
    version: String,
    instance: String,
    stream: String,
    level: String,
}

/// An access line in short: the method, path and query, its status and duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub request: String,
    pub status: i64,
    pub ms: Option<f64>,
}

/// One line as the list shows it. The text is masked again here: the
/// instance and the BFF mask it already, and a cloud that answers
/// unmasked must not show a secret either.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// `PkgLogId`: unique, so the list and the live tail agree on a line.
    pub id: String,
    /// Unix seconds (for the local time) and the milliseconds as written.
    pub at: Option<i64>,
    pub millis: String,
    pub service: String,
    pub version: String,
    pub instance: String,
    pub stream: String,
    pub level: String,
    pub text: String,
    pub access: Option<Access>,
}

/// A JSON line's fields the short form needs.
#[derive(Deserialize)]
struct AccessFields {
    #[serde(rename = "type")]
    kind: String,
    method: String,
    path: String,
    #[serde(default)]
    query: String,
    status: i64,
    #[serde(default)]
    ms: Option<f64>,
    #[serde(default)]
    level: String,
}

fn access_of(text: &str) -> Option<(Access, String)> {
    let fields: AccessFields = serde_json::from_str(text).ok()?;
    if fields.kind != "access" {
        return None;
    }
    let request = if fields.query.is_empty() {
        format!("{} {}", fields.method, fields.path)
    } else {
        format!("{} {}?{}", fields.method, fields.path, fields.query)
    };
    Some((Access { request, status: fields.status, ms: fields.ms }, fields.level))
}

/// A JSON line's own `level`, for a record that does not name one.
fn level_in(text: &str) -> String {
    #[derive(Deserialize)]
    struct Level {
        level: String,
    }
    serde_json::from_str::<Level>(text).map(|l| l.level).unwrap_or_default()
}

impl Line {
    pub fn of(object: &LogObject) -> Line {
        // A `Content` that is not the record is still a line: shown as it is.
        let record = serde_json::from_str::<Record>(&object.content)
            .unwrap_or_else(|_| Record { log: object.content.clone(), ..Record::default() });
        let text = mask_log_line(&record.log);
        let (access, json_level) = match access_of(&text) {
            Some((access, level)) => (Some(access), level),
            None => (None, level_in(&text)),
        };
        let level = if record.level.is_empty() { json_level } else { record.level };
        let stream = if record.stream.is_empty() { object.file_name.clone() } else { record.stream };
        let stamp = object.timestamp.as_str();
        Line {
            id: object.pkg_log_id.clone(),
            at: stamp.get(..19).and_then(parse_cst),
            millis: stamp.get(19..).unwrap_or_default().to_string(),
            service: record.service,
            version: record.version,
            instance: record.instance,
            stream,
            level: level.to_ascii_lowercase(),
            text,
            access,
        }
    }
}

/// The service, version and instance a search is kept to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub service: String,
    /// Empty: any.
    pub version: String,
    pub instance: String,
}

impl Scope {
    /// The query sent for `typed` (see [`with_filters`]).
    pub fn query(&self, typed: &str) -> String {
        with_filters(typed, &[("service", &self.service), ("version", &self.version), ("instance", &self.instance)])
    }

    /// Whether `line` is of this scope. A `field:"value"` search matches
    /// the value's words anywhere in the field, so `service:"shop"` also
    /// finds the lines of `my-shop`; those are left out here. A record
    /// that does not name a field is kept.
    pub fn holds(&self, line: &Line) -> bool {
        let same = |wanted: &str, got: &str| wanted.is_empty() || got.is_empty() || wanted == got;
        same(&self.service, &line.service) && same(&self.version, &line.version) && same(&self.instance, &line.instance)
    }
}

/// How a level looks: a badge class, from the words programs use.
pub fn level_class(level: &str) -> &'static str {
    match level {
        "error" | "err" | "fatal" | "critical" | "panic" => "badge bad",
        "warn" | "warning" => "badge warn",
        "debug" | "trace" => "badge muted",
        _ => "badge",
    }
}

/// What a query looks for in a line's text, for highlighting: the words
/// of each value not under a `NOT`, lower-cased, in order; with `prefix`,
/// the last word may go on. Values of the fields shown beside the text
/// (service, version, instance, stream) are not looked for in it. A query
/// that does not parse highlights nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Needle {
    words: Vec<String>,
    prefix: bool,
}

pub fn needles(query: &str) -> Vec<Needle> {
    let Ok(parsed) = logquery::parse(query) else { return Vec::new() };
    parsed
        .highlights()
        .into_iter()
        .filter(|(field, _, _)| {
            !matches!(field, Some(LogField::Service | LogField::Version | LogField::Instance | LogField::Stream))
        })
        .map(|(_, text, prefix)| Needle { words: logquery::words(text).map(str::to_lowercase).collect(), prefix })
        .filter(|n| !n.words.is_empty())
        .collect()
}

/// The words of `text` (letters and digits, as the index splits a line)
/// with their byte ranges.
fn word_spans(text: &str) -> Vec<(Range<usize>, String)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s..i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    spans
}

/// Where the needles match in `text`, as the search matches (a value's
/// words, in order, one after the other, case ignored), overlapping
/// matches merged, in order. Ranges run from a match's first word to its
/// last, so a phrase is marked whole.
pub fn highlights(text: &str, needles: &[Needle]) -> Vec<Range<usize>> {
    let spans = word_spans(text);
    let mut found: Vec<Range<usize>> = Vec::new();
    for needle in needles {
        let n = needle.words.len();
        for at in 0..spans.len().saturating_sub(n - 1) {
            let hit = needle.words.iter().enumerate().all(|(k, want)| {
                let word = &spans[at + k].1;
                if needle.prefix && k == n - 1 { word.starts_with(want.as_str()) } else { word == want }
            });
            if hit {
                found.push(spans[at].0.start..spans[at + n - 1].0.end);
            }
        }
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text` cut at `marks`: each piece, and whether it is a match.
pub fn pieces<'a>(text: &'a str, marks: &[Range<usize>]) -> Vec<(&'a str, bool)> {
    let mut out = Vec::with_capacity(marks.len() * 2 + 1);
    let mut at = 0;
    for m in marks {
        if m.start > at {
            out.push((&text[at..m.start], false));
        }
        out.push((&text[m.clone()], true));
        at = m.end;
    }
    if at < text.len() {
        out.push((&text[at..], false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(content: serde_json::Value) -> LogObject {
        LogObject {
            timestamp: "2026-11-30 23:52:00.200".into(),
            content: content.to_string(),
            file_name: "stdout".into(),
            pkg_log_id: "42".into(),
            ..LogObject::default()
        }
    }

    #[test]
    fn r_obs_3_ranges_end_now_and_a_custom_one_needs_its_start_first() {
        // 2026-11-30 15:52:00 UTC is 23:52:00 in UTC+8.
        let now = 1_796_053_920;
        assert_eq!(
            window(Span::Last15Min, now, (None, None)),
            Some(("2026-11-30 23:37:00".into(), "2026-11-30 23:52:00".into()))
        );
        assert_eq!(window(Span::Last7Days, now, (None, None)).unwrap().0, "2026-11-23 23:52:00");
        assert_eq!(window(Span::Custom, now, (Some(now - 60), None)), None);
        assert_eq!(window(Span::Custom, now, (Some(now), Some(now - 60))), None);
        assert_eq!(
            window(Span::Custom, now, (Some(now - 60), Some(now))),
            Some(("2026-11-30 23:51:00".into(), "2026-11-30 23:52:00".into()))
        );
        for span in Span::ALL {
            assert_eq!(Span::from_key(span.key()), span);
        }
    }

    #[test]
    fn r_obs_3_filters_narrow_the_typed_query_without_changing_it() {
        let service = [("service", "shop"), ("version", ""), ("instance", "")];
        assert_eq!(with_filters("", &service), r#"service:"shop""#);
        assert_eq!(with_filters(" * ", &service), r#"service:"shop""#);
        assert_eq!(with_filters("level:error", &service), r#"(level:error) AND service:"shop""#);
        // The typed OR stays inside its brackets.
        let all = [("service", "shop"), ("version", "shop-002"), ("instance", "shop-002-ab12")];
        assert_eq!(
            with_filters("timeout OR status:500", &all),
            r#"(timeout OR status:500) AND service:"shop" AND version:"shop-002" AND instance:"shop-002-ab12""#
        );
        assert_eq!(with_filters("", &[]), "*");
        assert_eq!(with_filters("a", &[]), "a");
        assert_eq!(with_filters("", &[("version", r#"a"b\"#)]), r#"version:"a\"b\\""#);
    }

    #[test]
    fn r_obs_3_a_scope_keeps_only_its_own_lines() {
        let scope = Scope { service: "shop".into(), version: "shop-001".into(), instance: String::new() };
        assert_eq!(scope.query("error"), r#"(error) AND service:"shop" AND version:"shop-001""#);
        let line = |service: &str, version: &str| {
            Line::of(&object(serde_json::json!({
                "log": "x", "service": service, "version": version, "instance": "i-1"
            })))
        };
        assert!(scope.holds(&line("shop", "shop-001")));
        // Found by the words of the values, but another service's.
        assert!(!scope.holds(&line("my-shop", "my-shop-001")));
        assert!(!scope.holds(&line("shop", "shop-0011")));
        assert!(scope.holds(&line("", "")), "a record that does not say is kept");
    }

    #[test]
    fn r_obs_3_a_record_is_read_from_its_content_and_masked_again() {
        let line = Line::of(&object(serde_json::json!({
            "log": "connecting with DB_PASSWORD=hunter2", "service": "shop", "version": "shop-001",
            "instance": "shop-001-ab12", "stream": "stderr", "level": "WARN"
        })));
        assert_eq!((line.id.as_str(), line.at, line.millis.as_str()), ("42", Some(1_796_053_920), ".200"));
        assert_eq!((line.version.as_str(), line.instance.as_str()), ("shop-001", "shop-001-ab12"));
        assert_eq!((line.stream.as_str(), line.level.as_str()), ("stderr", "warn"));
        assert!(!line.text.contains("hunter2"), "{}", line.text);
        assert_eq!(line.access, None);
    }

    #[test]
    fn r_obs_3_an_access_line_has_a_short_form() {
        let access = r#"{"time":"2026-11-30T23:52:00.200+08:00","level":"info","type":"access","method":"HEAD","path":"/shop","query":"a=1","status":500,"ms":3,"instance":"i"}"#;
        let line = Line::of(&object(serde_json::json!({"log": access, "stream": "stdout"})));
        assert_eq!(line.access, Some(Access { request: "HEAD /shop?a=1".into(), status: 500, ms: Some(3.0) }));
        // No level in the record: the JSON line's own.
        assert_eq!(line.level, "info");
        let app = Line::of(&object(serde_json::json!({"log": r#"{"level":"error","type":"app","msg":"x"}"#})));
        assert_eq!((app.access, app.level.as_str(), app.stream.as_str()), (None, "error", "stdout"));
        // Content that is not a record is the line itself.
        let bare = Line::of(&LogObject { content: "plain text".into(), ..LogObject::default() });
        assert_eq!((bare.text.as_str(), bare.at), ("plain text", None));
    }

    #[test]
    fn r_obs_3_matches_are_marked_as_the_search_finds_them() {
        let text = "GET /api/Orders timeout; api-v2 retry";
        assert_eq!(highlights(text, &needles("API")), vec![5..8, 25..28]);
        // A phrase's words in order, marked whole; a prefix goes on to the word's end.
        assert_eq!(highlights(text, &needles(r#"path:"api/orders" retr*"#)), vec![5..15, 32..37]);
        assert_eq!(highlights(text, &needles("api orders")), vec![5..8, 9..15, 25..28]);
        // Not part of a word, nor negated, nor a field shown beside the text.
        assert_eq!(highlights(text, &needles("ap time")), Vec::<Range<usize>>::new());
        assert_eq!(highlights(text, &needles("NOT timeout version:api")), Vec::<Range<usize>>::new());
        assert_eq!(highlights(text, &needles("status:500 OR (unclosed")), Vec::<Range<usize>>::new());
        assert_eq!(highlights("a a a", &needles(r#""a a""#)), vec![0..5]);
        // Multi-byte text: ranges stay on character boundaries.
        let zh = "错误 error 错误";
        let marks = highlights(zh, &needles("错误"));
        assert_eq!(pieces(zh, &marks), vec![("错误", true), (" error ", false), ("错误", true)]);
        assert_eq!(pieces("abc", &[]), vec![("abc", false)]);
    }

    #[test]
    fn levels_get_the_badge_of_their_severity() {
        assert_eq!(level_class("error"), "badge bad");
        assert_eq!(level_class("warn"), "badge warn");
        assert_eq!(level_class("info"), "badge");
        assert_eq!(level_class("debug"), "badge muted");
    }
}
