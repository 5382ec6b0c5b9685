//! Storing collected lines (R-OBS-1): a task drains the sink and writes the
//! lines in batches, one transaction each, so a line is searchable within
//! about [`FLUSH_EVERY`] of being read; another deletes the lines older than
//! the retention period, a batch at a time, so neither holds the write lock
//! long.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::{LogLine, LogLines};
use crate::store;

/// Most lines one transaction writes.
const BATCH_MAX: usize = 500;
/// How often a busy sink commits: a line waits at most this long for
/// others to share its transaction (and not at all after a quiet spell).
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Longest line stored, in bytes; the rest is cut (at a character boundary).
pub const LINE_MAX_BYTES: usize = 64 * 1024;
/// Most lines one retention transaction deletes.
const PRUNE_BATCH: u64 = 2_000;
/// How often retention runs, at most.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Writes every line `lines` receives into `db`, until every sink is dropped.
pub fn spawn_writer(db: sqlx::SqlitePool, lines: LogLines) {
    tokio::spawn(write(db, lines));
}

async fn write(db: sqlx::SqlitePool, mut lines: LogLines) {
    let mut batch = Vec::with_capacity(BATCH_MAX);
    let mut last_flush: Option<Instant> = None;
    loop {
        if lines.recv_many(&mut batch, BATCH_MAX).await == 0 {
            return;
        }
        let until = last_flush.map_or_else(Instant::now, |t| t + FLUSH_EVERY);
        while batch.len() < BATCH_MAX {
            let room = BATCH_MAX - batch.len();
            match tokio::time::timeout_at(until, lines.recv_many(&mut batch, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if let Err(e) = insert(&db, &batch).await {
            tracing::error!(error = %e, lines = batch.len(), "cannot store runtime log lines");
        }
        batch.clear();
        last_flush = Some(Instant::now());
        let dropped = lines.take_dropped();
        if dropped > 0 {
            tracing::warn!(dropped, "runtime log lines came faster than they could be stored; the excess was lost");
        }
    }
}

/// Writes `lines` in one transaction.
pub async fn insert(db: &sqlx::SqlitePool, lines: &[LogLine]) -> Result<(), sqlx::Error> {
    let mut tx = store::write_tx(db).await?;
    for line in lines {
        let text = cut(&line.text);
        let f = Fields::of(text, &line.stream);
        sqlx::query(
            "INSERT INTO log_lines (at_ms, env, service, version, instance, stream, level, text, status, method, path, type)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(line.at_ms)
        .bind(line.version.env.as_str())
        .bind(line.version.service.as_str())
        .bind(line.version.version.as_str())
        .bind(&line.instance)
        .bind(&line.stream)
        .bind(f.level)
        .bind(text)
        .bind(f.status)
        .bind(f.method)
        .bind(f.path)
        .bind(f.kind)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

fn cut(text: &str) -> &str {
    if text.len() <= LINE_MAX_BYTES {
        return text;
    }
    let mut end = LINE_MAX_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The searchable fields of a line: a JSON line's own `level`, `status`,
/// `method`, `path` and `type`; any other line's level is its stream's
/// (`error` on stderr, `info` elsewhere).
struct Fields {
    level: String,
    status: Option<String>,
    method: Option<String>,
    path: Option<String>,
    kind: Option<String>,
}

impl Fields {
    fn of(text: &str, stream: &str) -> Fields {
        let json = match text.trim_start().starts_with('{') {
            true => serde_json::from_str::<serde_json::Map<String, Value>>(text).ok(),
            false => None,
        };
        let field = |name: &str| match json.as_ref().and_then(|o| o.get(name)) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let level = field("level")
            .map(|l| l.to_lowercase())
            .unwrap_or_else(|| if stream == "stderr" { "error" } else { "info" }.into());
        Fields { level, status: field("status"), method: field("method"), path: field("path"), kind: field("type") }
    }
}

/// Deletes lines older than `keep` now, then every hour (or every `keep`
/// when that is shorter).
pub fn spawn_retention(db: sqlx::SqlitePool, keep: Duration) {
    let every = keep.clamp(Duration::from_secs(1), PRUNE_EVERY);
    tokio::spawn(async move {
        loop {
            if let Err(e) = prune(&db, keep).await {
                tracing::warn!(error = %e, "cannot delete old runtime log lines");
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// Deletes the lines read more than `keep` ago, in short transactions; how many.
pub async fn prune(db: &sqlx::SqlitePool, keep: Duration) -> Result<u64, sqlx::Error> {
    let keep_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_ms().saturating_sub(keep_ms);
    let mut deleted = 0;
    loop {
        let mut tx = store::write_tx(db).await?;
        let n = sqlx::query(
            "DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines WHERE at_ms < ? ORDER BY at_ms LIMIT ?)",
        )
        .bind(cutoff)
        .bind(PRUNE_BATCH as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        deleted += n;
        if n < PRUNE_BATCH {
            return Ok(deleted);
        }
        // Let the writer take the lock between batches.
        tokio::task::yield_now().await;
    }
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
