//! Runtime logs (R-OBS-1, R-OBS-3).

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

/// Where collected lines go; cheap to clone, never blocks.
#[derive(Clone)]
pub struct LogSink {
    tx: tokio::sync::mpsc::UnboundedSender<LogLine>,
}

impl LogSink {
    pub fn new() -> (LogSink, tokio::sync::mpsc::UnboundedReceiver<LogLine>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (LogSink { tx }, rx)
    }

    pub fn push(&self, line: LogLine) {
        let _ = self.tx.send(line);
    }
}
