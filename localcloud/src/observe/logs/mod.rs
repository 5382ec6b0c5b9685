//! Runtime logs (R-OBS-1, R-OBS-3): the instances push the lines they
//! collect into a [`LogSink`]; `writer` stores them in `observe.db` and
//! deletes them after the retention period; `search` finds them for
//! `SearchClsLog`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use console_shared::vocab::VersionRef;

/// One line an instance wrote.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// Unix milliseconds, when localcloud read it.
    pub at_ms: i64,
    pub version: VersionRef,
    pub instance: String,
    /// `stdout`, `stderr`, or the path of a custom log file (`LogType: custom`).
    pub stream: String,
    pub text: String,
}

/// Most lines waiting for the writer. A workload that writes faster than
/// they can be stored loses the excess (counted, and said in localcloud's
/// own log) rather than localcloud's memory growing without bound.
pub const BACKLOG_MAX: usize = 100_000;

/// Most bytes of text waiting for the writer: a line may be many
/// kilobytes (a visitor's long query string, written back in the access
/// line), and the count alone would then let the backlog reach gigabytes.
pub const BACKLOG_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Where collected lines go; cheap to clone, never blocks.
#[derive(Clone)]
pub struct LogSink {
    tx: tokio::sync::mpsc::Sender<LogLine>,
    dropped: Arc<AtomicU64>,
    /// Bytes of text of the lines waiting.
    queued: Arc<AtomicUsize>,
}

/// The writer's end of a [`LogSink`].
pub struct LogLines {
    rx: tokio::sync::mpsc::Receiver<LogLine>,
    dropped: Arc<AtomicU64>,
    queued: Arc<AtomicUsize>,
}

impl LogSink {
    pub fn new() -> (LogSink, LogLines) {
        let (tx, rx) = tokio::sync::mpsc::channel(BACKLOG_MAX);
        let dropped = Arc::new(AtomicU64::new(0));
        let queued = Arc::new(AtomicUsize::new(0));
        (LogSink { tx, dropped: dropped.clone(), queued: queued.clone() }, LogLines { rx, dropped, queued })
    }

    pub fn push(&self, line: LogLine) {
        let size = line.text.len();
        if self.queued.fetch_add(size, Ordering::Relaxed) + size > BACKLOG_MAX_BYTES {
            self.queued.fetch_sub(size, Ordering::Relaxed);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Err(e) = self.tx.try_send(line) {
            self.queued.fetch_sub(size, Ordering::Relaxed);
            if let tokio::sync::mpsc::error::TrySendError::Full(_) = e {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

impl LogLines {
    /// Waits for lines and moves up to `limit` of them into `into`; 0 once
    /// every sink is gone.
    pub async fn recv_many(&mut self, into: &mut Vec<LogLine>, limit: usize) -> usize {
        let n = self.rx.recv_many(into, limit).await;
        let bytes: usize = into[into.len() - n..].iter().map(|l| l.text.len()).sum();
        self.queued.fetch_sub(bytes, Ordering::Relaxed);
        n
    }

    /// How many lines were lost to a full backlog since the last call.
    pub fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }
}

pub mod search;
pub mod writer;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn r_obs_1_the_backlog_is_bounded_in_bytes_too() {
        let (sink, mut lines) = LogSink::new();
        let line = |text: String| LogLine {
            at_ms: 0,
            version: VersionRef::from_cloud("env", "shop", "shop-001"),
            instance: "shop-001-a".into(),
            stream: "stdout".into(),
            text,
        };
        let big = "x".repeat(1024 * 1024);
        let fits = BACKLOG_MAX_BYTES / big.len();
        for _ in 0..fits + 3 {
            sink.push(line(big.clone()));
        }
        assert_eq!(lines.take_dropped(), 3, "the lines past the bytes are lost");
        let mut got = Vec::new();
        assert_eq!(lines.recv_many(&mut got, 10).await, 10);
        // What the writer took makes room again.
        for _ in 0..11 {
            sink.push(line(big.clone()));
        }
        assert_eq!(lines.take_dropped(), 1);
    }
}
