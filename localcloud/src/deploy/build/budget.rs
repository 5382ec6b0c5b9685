//! How long build work may go on, and how much of what a package holds a
//! reason or a log line may quote: the bounds every piece of build work
//! keeps (issue #8).

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

/// The most of a name from the package a reason quotes: enough to recognise
/// it, and a reason (kept as the task's `FailReason`) stays small whatever
/// the package holds.
pub const NAME_ECHO: usize = 200;

/// How long build work may go on, and whether its deploy still wants it. The
/// loops over a package's entries and a Dockerfile's sources ask between
/// items, so a cancel (R-DEP-3), a stop of localcloud or the step's time limit
/// ends them however large the package (issue #8).
#[derive(Debug, Clone)]
pub struct Budget {
    deadline: Instant,
    limit: Duration,
    stop: CancellationToken,
}

impl Budget {
    pub fn new(limit: Duration, stop: CancellationToken) -> Self {
        Budget { deadline: Instant::now() + limit, limit, stop }
    }

    /// The reason to stop now, if there is one.
    pub fn check(&self) -> Result<(), String> {
        if self.stop.is_cancelled() {
            Err("the build was stopped".into())
        } else if Instant::now() > self.deadline {
            Err(over_time(self.limit))
        } else {
            Ok(())
        }
    }
}

/// Why a build step that ran out of time failed.
pub fn over_time(limit: Duration) -> String {
    format!("the build step took longer than {} s", limit.as_secs())
}

/// `text`, cut to `max` characters with `…` when longer.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_character() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "abc…");
        assert_eq!(shorten("ééé", 2), "éé…");
    }
}
