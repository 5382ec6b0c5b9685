//! What an instance writes, collected into the log sink (R-OBS-1): its
//! standard output and standard error line by line, or its custom log file,
//! followed across the workload's rotations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use console_shared::vocab::VersionRef;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::observe::logs::{LogLine, LogSink};

/// How often a custom log file is read for new lines.
const TAIL_EVERY: Duration = Duration::from_millis(200);

/// The longest line collected; longer ones are cut.
const LINE_MAX: usize = 16 * 1024;

/// Where an instance's lines of one stream go.
pub(super) struct Collector {
    pub(super) logs: LogSink,
    pub(super) version: VersionRef,
    pub(super) instance: String,
    pub(super) stream: String,
}

impl Collector {
    fn push(&self, line: &[u8]) {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut text = String::from_utf8_lossy(&line[..line.len().min(LINE_MAX)]).into_owned();
        // A cut in the middle of a character leaves a replacement mark; drop it.
        if line.len() > LINE_MAX {
            text.truncate(text.trim_end_matches('\u{FFFD}').len());
        }
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        self.logs.push(LogLine {
            at_ms,
            version: self.version.clone(),
            instance: self.instance.clone(),
            stream: self.stream.clone(),
            text,
        });
    }
}

/// Reads a pipe to its end, line by line: the first line says the process
/// is `ready`; each line goes to `to` when collected, and the last one is
/// kept in `last` (for a process that ends before it listens).
pub(super) async fn read_lines(
    pipe: impl AsyncRead + Unpin,
    to: Option<Collector>,
    mut ready: Option<oneshot::Sender<()>>,
    last: Option<Arc<Mutex<String>>>,
) {
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        if let Some(to) = &to {
            to.push(&line);
        }
        if let Some(last) = &last {
            let text = String::from_utf8_lossy(&line[..line.len().min(LINE_MAX)]);
            *last.lock().unwrap_or_else(|p| p.into_inner()) = console_shared::secrets::mask_log_line(text.trim_end());
        }
    }
}

/// Follows a custom log file until `stop`, then reads it one last time.
/// The file is held open and read to its end; when the workload has rotated
/// it (a new file at the path, `instance::LOG_FILE_ROTATE_BYTES`), the old
/// one is read to its end once more (its last lines may have come after the
/// previous read) before the new one is followed from its start.
pub(super) async fn tail(path: PathBuf, to: Collector, stop: CancellationToken) {
    let mut open: Option<tokio::fs::File> = None;
    let mut partial = Vec::new();
    loop {
        let stopping = tokio::select! {
            () = stop.cancelled() => true,
            () = tokio::time::sleep(TAIL_EVERY) => false,
        };
        if let Err(e) = follow(&path, &mut open, &mut partial, &to).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, path = %path.display(), "cannot read an instance's custom log file");
        }
        if stopping {
            break;
        }
    }
}

/// One turn of [`tail`]: what is new in the open file, then a switch to the
/// path's file if it is another (rotated) one.
async fn follow(
    path: &Path,
    open: &mut Option<tokio::fs::File>,
    partial: &mut Vec<u8>,
    to: &Collector,
) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if open.is_none() {
        *open = Some(tokio::fs::File::open(path).await?);
    }
    let Some(file) = open.as_mut() else { return Ok(()) };
    read_new(file, partial, to).await?;
    let held = file.metadata().await?.ino();
    match tokio::fs::metadata(path).await {
        Ok(now) if now.ino() != held => {
            // Rotated: the old file's last lines, then the new file.
            read_new(file, partial, to).await?;
            flush_partial(partial, to);
            let fresh = open.insert(tokio::fs::File::open(path).await?);
            read_new(fresh, partial, to).await
        }
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The complete lines written to `file` since the last read (the handle's
/// position).
async fn read_new(file: &mut tokio::fs::File, partial: &mut Vec<u8>, to: &Collector) -> std::io::Result<()> {
    let mut fresh = Vec::new();
    file.read_to_end(&mut fresh).await?;
    partial.extend_from_slice(&fresh);
    while let Some(end) = partial.iter().position(|b| *b == b'\n') {
        let line: Vec<u8> = partial.drain(..=end).collect();
        to.push(&line);
    }
    if partial.len() > LINE_MAX {
        flush_partial(partial, to);
    }
    Ok(())
}

/// A line without its end (too long, or the last of a rotated file), as it is.
fn flush_partial(partial: &mut Vec<u8>, to: &Collector) {
    if !partial.is_empty() {
        to.push(&std::mem::take(partial));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_rotated_custom_log_is_read_to_its_end_then_the_new_file_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let (logs, mut rx) = LogSink::new();
        let to = Collector {
            logs,
            version: VersionRef::from_cloud("env", "svc", "svc-001"),
            instance: "svc-001-a".into(),
            stream: "/app.log".into(),
        };
        let write = |path: &Path, text: &str| {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).create(true).open(path).unwrap();
            f.write_all(text.as_bytes()).unwrap();
        };
        write(&path, "one\ntw");
        let (mut open, mut partial) = (None, Vec::new());
        follow(&path, &mut open, &mut partial, &to).await.unwrap();
        // The workload finishes its line, then rotates and writes on.
        write(&path, "o\nthree\n");
        std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
        write(&path, "four\n");
        follow(&path, &mut open, &mut partial, &to).await.unwrap();
        write(&path, "five\n");
        follow(&path, &mut open, &mut partial, &to).await.unwrap();
        let mut got = vec![];
        rx.recv_many(&mut got, 100).await;
        let got: Vec<String> = got.into_iter().map(|l| l.text).collect();
        assert_eq!(got, ["one", "two", "three", "four", "five"], "each line once, in order");
    }
}
