//! `--json` outputs locked as files under `tests/snapshots/`: a change to
//! what scripts read shows up as a diff. What differs from run to run (the
//! environment's id, ids, times, ports) is replaced by placeholders first.
//! After an intended change: `UPDATE_SNAPSHOTS=1 cargo test -p tcbr --test cli`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// Keys whose values are ids that change from run to run: each distinct
/// value becomes `<Key-n>`, numbered in order of appearance, so that the
/// snapshot still shows which outputs name the same task or run.
const IDS: [&str; 5] = ["TaskId", "RunId", "BuildId", "RequestId", "Id"];
/// Ids this long are also replaced inside sentences (a run id in an error's
/// hint); shorter ones (task numbers) could match anything.
const LONG_ID: usize = 8;

/// Replaces what changes between runs in the outputs of one scenario: the
/// environment's id, ids, times and ports.
pub struct Normaliser {
    env: String,
    /// Each id key's distinct values, in order of appearance.
    ids: BTreeMap<String, Vec<String>>,
}

fn id_text(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!raw.is_empty() && raw != "0").then_some(raw)
}

/// `2025-01-31 12:00:00` or `2025-01-31T12:00:00…`.
fn is_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b' ' | b'T'))
        && digits(11..13)
}

impl Normaliser {
    /// Learns the ids of all of `outputs` first, so an id named in a
    /// sentence before its own field appears is still replaced.
    pub fn new(env: &str, outputs: &Value) -> Normaliser {
        let mut n = Normaliser { env: env.into(), ids: BTreeMap::new() };
        n.learn(None, outputs);
        n
    }

    fn learn(&mut self, key: Option<&str>, value: &Value) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| self.learn(Some(k), v)),
            Value::Array(items) => items.iter().for_each(|v| self.learn(key, v)),
            _ => {
                if let (Some(k), Some(raw)) = (key.filter(|k| IDS.contains(k)), id_text(value)) {
                    let seen = self.ids.entry(k.into()).or_default();
                    if !seen.contains(&raw) {
                        seen.push(raw);
                    }
                }
            }
        }
    }

    fn placeholder(&self, key: &str, raw: &str) -> Option<String> {
        let n = self.ids.get(key)?.iter().position(|s| s == raw)?;
        Some(format!("<{key}-{}>", n + 1))
    }

    pub fn normalise(&self, value: &Value) -> Value {
        self.walk(None, value)
    }

    fn walk(&self, key: Option<&str>, value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.walk(Some(k), v))).collect()),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.walk(key, v)).collect()),
            _ if key.is_some_and(|k| IDS.contains(&k)) => id_text(value)
                .and_then(|raw| self.placeholder(key.unwrap_or_default(), &raw))
                .map_or_else(|| value.clone(), Value::String),
            Value::String(s) if is_time(s) => Value::String("<time>".into()),
            Value::String(s) => {
                let mut text = s.replace(&self.env, "<env>");
                for (k, values) in &self.ids {
                    for (i, raw) in values.iter().enumerate().filter(|(_, raw)| raw.len() >= LONG_ID) {
                        text = text.replace(raw, &format!("<{k}-{}>", i + 1));
                    }
                }
                Value::String(ports(&text))
            }
            other => other.clone(),
        }
    }
}

/// `127.0.0.1:PORT` and `localhost:PORT` with the port replaced.
fn ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = ["127.0.0.1:", "localhost:"].iter().filter_map(|h| rest.find(h).map(|i| i + h.len())).min() {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push_str(if digits > 0 { "<port>" } else { "" });
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Compares `value` with the snapshot `name` (pretty JSON), or writes it
/// when `UPDATE_SNAPSHOTS` is set.
#[track_caller]
pub fn assert_snapshot(name: &str, value: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Two tests may lock the same snapshot: each writes whole files.
        static WRITES: AtomicUsize = AtomicUsize::new(0);
        let partial = path.with_extension(format!("json.{}", WRITES.fetch_add(1, Ordering::SeqCst)));
        std::fs::write(&partial, &text).unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    let locked = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert!(
        locked == text,
        "the --json output differs from {}; review the diff and rerun with UPDATE_SNAPSHOTS=1 if intended\n--- now:\n{text}",
        path.display()
    );
}

#[test]
fn times_are_recognised() {
    assert!(is_time("2026-12-01 10:57:01") && is_time("2026-12-01T10:57:01+08:00"));
    assert!(!is_time("2026-12-01") && !is_time("shop-001"));
}

#[test]
fn ports_are_replaced_wherever_they_are() {
    assert_eq!(ports("http://127.0.0.1:4566/x and localhost:80"), "http://127.0.0.1:<port>/x and localhost:<port>");
    assert_eq!(ports("127.0.0.1: no port"), "127.0.0.1: no port");
}
