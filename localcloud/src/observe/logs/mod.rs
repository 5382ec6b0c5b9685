//! Runtime logs (R-OBS-1, R-OBS-3): the instances push the lines they
//! collect into a [`LogSink`]; `writer` stores them in `observe.db` and
//! deletes them after the retention period; `search` finds them for
//! `SearchClsLog`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Where collected lines go; cheap to clone, never blocks.
#[derive(Clone)]
pub struct LogSink {
    tx: tokio::sync::mpsc::Sender<LogLine>,
    dropped: Arc<AtomicU64>,
}

/// The writer's end of a [`LogSink`].
pub struct LogLines {
    rx: tokio::sync::mpsc::Receiver<LogLine>,
    dropped: Arc<AtomicU64>,
}

impl LogSink {
    pub fn new() -> (LogSink, LogLines) {
        let (tx, rx) = tokio::sync::mpsc::channel(BACKLOG_MAX);
        let dropped = Arc::new(AtomicU64::new(0));
        (LogSink { tx, dropped: dropped.clone() }, LogLines { rx, dropped })
    }

    pub fn push(&self, line: LogLine) {
        if let Err(tokio::sync::mpsc::error::TrySendError::Full(_)) = self.tx.try_send(line) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl LogLines {
    /// Waits for lines and moves up to `limit` of them into `into`; 0 once
    /// every sink is gone.
    pub async fn recv_many(&mut self, into: &mut Vec<LogLine>, limit: usize) -> usize {
        self.rx.recv_many(into, limit).await
    }

    /// How many lines were lost to a full backlog since the last call.
    pub fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }
}

pub mod search;
pub mod writer;
