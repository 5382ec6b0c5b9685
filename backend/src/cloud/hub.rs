//! The deploy-progress hub: the machinery behind the live events of a deploy
//! task (the route is `events`).
//!
//! One upstream poller per task, however many browsers watch: the poller
//! turns changes of DescribeServerManageTask and DescribeCloudRunProcessLog
//! into events, keeps them, and fans them out in memory. A subscriber that
//! reconnects with `Last-Event-ID` gets exactly what it missed, even from a
//! console started since; one that arrives after the end, or with an id the
//! task cannot continue from, gets the whole record replayed.
//!
//! An event id is not a counter of this process but what the browser has been
//! told of the task's own state (see [`Cursor`]): each step's stage and how
//! many log lines, or `end` after the final event. A restarted console polls
//! the same upstream state, so it can answer "everything after this id"
//! although its poller saw other intermediate transitions, or none.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::sse::Event;
use console_shared::actions::{
    DeployRecord, DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, DescribeServerManageTask,
    ManageTaskRequest, ProcessLogRequest, ServerManageTaskInfo, ServerRequest,
};
use console_shared::dto::{DeployEvent, HubStats, console_codes};
use console_shared::region::Region;
use console_shared::vocab::{EnvId, ServiceName, Step, StepStatus, TaskId, TaskStatus};
use console_shared::wording::FailReason;
use futures::Stream;
use tokio::sync::broadcast;

use crate::cloud::tail::Tails;
use crate::cloud::upstream::Upstream;
use crate::error::AppError;

/// How often a poller asks the cloud.
const POLL: Duration = Duration::from_millis(400);
/// How long a finished task's events stay in memory for late subscribers.
const LINGER: Duration = Duration::from_secs(60);

/// A task: its environment, service and id.
/// The deploy task a feed follows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub env: EnvId,
    pub service: ServiceName,
    pub task: TaskId,
}

/// Where an event stands in its task, read from the task's state alone.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mark {
    /// Step `index` reached `stage` (see [`stage`]).
    Step { index: usize, stage: u8 },
    /// The log line at this offset of DescribeCloudRunProcessLog.
    Log(usize),
    /// The final event.
    End,
}

/// A step status's place in the order statuses go through. A status this
/// console does not know counts as under way: at worst a resume skips it, but
/// it never hides the finished or failed state that follows.
fn stage(status: &StepStatus) -> u8 {
    match status {
        StepStatus::Todo => 1,
        StepStatus::Finished | StepStatus::Failed | StepStatus::Cancelled => 3,
        StepStatus::Running | StepStatus::Other(_) => 2,
    }
}

/// What a subscriber knows of a task: per step, the highest stage it was
/// told (0 for none yet), and how many log lines. It only grows as events go
/// out, and its text form is the event id: `s` and one digit per step, `l`
/// and the line count, e.g. `s3320l7`. A stream resumes from it by sending
/// whatever the cursor does not cover, whichever process keeps the feed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cursor {
    stages: Vec<u8>,
    logs: usize,
}

/// The id of the final event: nothing follows it.
const END_ID: &str = "end";

impl Cursor {
    /// `None` for anything but a cursor's text form: an old per-process
    /// number, `end`, garbage.
    pub fn parse(id: &str) -> Option<Cursor> {
        let (stages, logs) = id.strip_prefix('s')?.split_once('l')?;
        let stages = stages.bytes().map(|b| matches!(b, b'0'..=b'3').then(|| b - b'0')).collect::<Option<_>>()?;
        Some(Cursor { stages, logs: logs.parse().ok()? })
    }

    fn id(&self) -> String {
        let stages: String = self.stages.iter().map(|s| char::from(b'0' + s)).collect();
        format!("s{stages}l{}", self.logs)
    }

    /// Whether the subscriber already has what `mark` says.
    fn covers(&self, mark: Mark) -> bool {
        match mark {
            Mark::Step { index, stage } => self.stages.get(index).is_some_and(|s| *s >= stage),
            Mark::Log(offset) => offset < self.logs,
            Mark::End => false,
        }
    }

    fn advance(&mut self, mark: Mark) {
        match mark {
            Mark::Step { index, stage } => {
                if self.stages.len() <= index {
                    self.stages.resize(index + 1, 0);
                }
                self.stages[index] = self.stages[index].max(stage);
            }
            Mark::Log(offset) => self.logs = self.logs.max(offset + 1),
            Mark::End => {}
        }
    }

    /// Whether everything this cursor claims is also in `reached`.
    fn within(&self, reached: &Cursor) -> bool {
        self.logs <= reached.logs
            && self.stages.iter().enumerate().all(|(i, s)| *s <= reached.stages.get(i).copied().unwrap_or(0))
    }
}

/// One event as the feed keeps it: `seq` orders it within this process only,
/// to join the history and the live channel without a gap or a duplicate.
#[derive(Clone)]
struct Entry {
    seq: u64,
    mark: Mark,
    event: DeployEvent,
}

/// The events of one task so far, and the channel live subscribers listen on.
pub struct Feed {
    history: Mutex<Vec<Entry>>,
    live: broadcast::Sender<Entry>,
}

impl Feed {
    fn push(&self, mark: Mark, event: DeployEvent) {
        let mut history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        let entry = Entry { seq: history.len() as u64 + 1, mark, event };
        history.push(entry.clone());
        // Nobody listening is fine: the history keeps it.
        let _ = self.live.send(entry);
    }
}

/// Every task being watched, and counters for tests and the benchmark.
/// Services' live logs (`tail`) are followed here too: they share the
/// per-user limit on live streams and end with the others when the console stops.
pub struct Hub {
    feeds: Mutex<HashMap<Key, Arc<Feed>>>,
    pub logs: Tails,
    pub pollers_started: AtomicU64,
    pub polls: AtomicU64,
    pub subscribers: AtomicU64,
    /// Live streams per user: each holds a connection, which has no deadline.
    per_user: Mutex<HashMap<i64, usize>>,
    /// At most this many per user (`CONSOLE_MAX_STREAMS_PER_USER`).
    streams_per_user: usize,
    closing: Closing,
}

/// Set when the console stops: every live stream ends.
struct Closing(tokio::sync::watch::Sender<bool>);

impl Default for Closing {
    fn default() -> Self {
        Closing(tokio::sync::watch::Sender::new(false))
    }
}

impl Hub {
    /// Live streams one user may hold at once (tabs, devices); more would let
    /// any viewer hold the console's connections open for good.
    pub fn new(streams_per_user: usize) -> Hub {
        Hub {
            feeds: Mutex::default(),
            logs: Tails::default(),
            pollers_started: AtomicU64::default(),
            polls: AtomicU64::default(),
            subscribers: AtomicU64::default(),
            per_user: Mutex::default(),
            streams_per_user: streams_per_user.max(1),
            closing: Closing::default(),
        }
    }

    /// Ends every live stream, for a graceful stop: an SSE response would
    /// otherwise keep the server waiting until its task ends.
    pub fn close(&self) {
        let _ = self.closing.0.send(true);
    }

    pub fn stats(&self) -> HubStats {
        HubStats {
            feeds: self.feeds.lock().unwrap_or_else(|p| p.into_inner()).len() as u64,
            subscribers: self.subscribers.load(Ordering::Relaxed),
            pollers_started: self.pollers_started.load(Ordering::Relaxed),
            polls: self.polls.load(Ordering::Relaxed),
        }
    }
}

/// Counts a subscriber, and its user's streams, for as long as its stream lives.
pub struct Subscribed(Arc<Hub>, i64);

impl Hub {
    /// A place for one more of `user`'s live streams (a deploy's or a
    /// log's), if they have one left.
    pub fn admit(self: &Arc<Self>, user: i64) -> Result<Subscribed, AppError> {
        let mut per_user = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        let n = per_user.entry(user).or_default();
        if *n >= self.streams_per_user {
            return Err(AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                console_codes::RATE_LIMITED,
                "You are following too many live pages at once; close some pages and try again.",
            ));
        }
        *n += 1;
        self.subscribers.fetch_add(1, Ordering::Relaxed);
        Ok(Subscribed(self.clone(), user))
    }
}

impl Subscribed {
    /// Set once the console stops: the stream must end.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.0.closing.0.subscribe()
    }
}

impl Drop for Subscribed {
    fn drop(&mut self) {
        self.0.subscribers.fetch_sub(1, Ordering::Relaxed);
        let mut per_user = self.0.per_user.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = per_user.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                per_user.remove(&self.1);
            }
        }
    }
}

impl Hub {
    /// The task's feed; the first caller also starts its one poller.
    pub fn feed(self: &Arc<Self>, key: Key, upstream: Arc<Upstream>, region: Option<Region>) -> Arc<Feed> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(feed) = feeds.get(&key) {
            return feed.clone();
        }
        let (live, _) = broadcast::channel(1024);
        let feed = Arc::new(Feed { history: Mutex::new(Vec::new()), live });
        feeds.insert(key.clone(), feed.clone());
        self.pollers_started.fetch_add(1, Ordering::Relaxed);
        let hub = self.clone();
        let poller_feed = feed.clone();
        tokio::spawn(async move {
            poll(&hub, &key, &poller_feed, &upstream, region).await;
            tokio::time::sleep(LINGER).await;
            hub.feeds.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
        });
        feed
    }
}

/// Polls until the task ends, emitting what changed.
async fn poll(hub: &Hub, key: &Key, feed: &Feed, upstream: &Upstream, region: Option<Region>) {
    let (env, service) = (key.env.to_string(), key.service.to_string());
    let mut steps: Vec<(Step, StepStatus)> = Vec::new();
    let mut lines = 0usize;
    let mut failures = 0;
    let mut run_id: Option<String> = None;
    loop {
        hub.polls.fetch_add(1, Ordering::Relaxed);
        let req = ManageTaskRequest {
            env_id: env.clone(),
            server_name: service.clone(),
            task_id: key.task.0,
            operator_remark: None,
        };
        let info: ServerManageTaskInfo = match upstream.call::<DescribeServerManageTask>(region, &req).await {
            Ok(r) if r.is_exist => r.task,
            Ok(_) => {
                feed.push(
                    Mark::End,
                    DeployEvent::Done {
                        status: TaskStatus::Failed.to_string(),
                        fail_reason: FailReason::TaskGone.to_string(),
                        version: String::new(),
                    },
                );
                return;
            }
            Err(e) => {
                // A passing cloud hiccup is retried; a lasting one ends the stream with the reason.
                failures += 1;
                if failures >= 10 {
                    let message = AppError::from(e).body.message;
                    feed.push(
                        Mark::End,
                        DeployEvent::Done { status: "unknown".into(), fail_reason: message, version: String::new() },
                    );
                    return;
                }
                tokio::time::sleep(POLL).await;
                continue;
            }
        };
        failures = 0;
        for (index, s) in info.steps.iter().enumerate() {
            let seen = steps.get(index).map(|(_, status)| status);
            if seen != Some(&s.status) {
                let mark = Mark::Step { index, stage: stage(&s.status) };
                feed.push(
                    mark,
                    DeployEvent::Step {
                        index,
                        name: s.name.to_string(),
                        status: s.status.to_string(),
                        start_time: s.start_time.clone(),
                        end_time: s.end_time.clone(),
                        fail_reason: s.fail_reason.clone(),
                    },
                );
            }
        }
        steps = info.steps.iter().map(|s| (s.name.clone(), s.status.clone())).collect();
        if run_id.is_none() {
            run_id = run_of(upstream, region, &env, &service, &info).await;
        }
        if let Some(run_id) = run_id.clone() {
            let run = ProcessLogRequest { env_id: env.clone(), run_id };
            if let Ok(log) = upstream.call::<DescribeCloudRunProcessLog>(region, &run).await {
                for (offset, line) in log.logs.iter().enumerate().skip(lines) {
                    feed.push(Mark::Log(offset), DeployEvent::Log { line: line.clone() });
                }
                lines = lines.max(log.logs.len());
            }
        }
        // A gray update's task runs on after its steps, until the release is
        // finished or abandoned (CLOUD-API.md §12): its deploy is over then.
        if info.status != TaskStatus::Running || info.gray_deployed() {
            feed.push(
                Mark::End,
                DeployEvent::Done {
                    status: info.status.to_string(),
                    fail_reason: info.fail_reason,
                    version: info.version_name,
                },
            );
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The task's RunId, the key of its log. The cloud's RunIds are opaque, so
/// it is read from the task's deploy record: the one of its version that
/// started when the task did (a rollback adds a record to a version that
/// has one already), else the version's newest.
async fn run_of(
    upstream: &Upstream,
    region: Option<Region>,
    env: &str,
    service: &str,
    task: &ServerManageTaskInfo,
) -> Option<String> {
    let req = ServerRequest { env_id: env.to_string(), server_name: service.to_string() };
    let records = upstream.call::<DescribeCloudRunDeployRecord>(region, &req).await.ok()?.deploy_records;
    let mine = |r: &&DeployRecord| r.deploy_id == task.version_name && !r.run_id.is_empty();
    let same_start = records.iter().filter(mine).find(|r| r.deploy_time == task.create_time);
    same_start.or_else(|| records.iter().find(mine)).map(|r| r.run_id.clone())
}

fn kind(e: &DeployEvent) -> &'static str {
    match e {
        DeployEvent::Step { .. } => "step",
        DeployEvent::Log { .. } => "log",
        DeployEvent::Done { .. } => "done",
    }
}

/// One subscriber's place in a feed.
struct Reader {
    /// What the browser had before this connection: not sent again.
    had: Cursor,
    /// What it has now, sent as each event's id.
    has: Cursor,
    /// The last entry of this process's feed looked at.
    seq: u64,
}

impl Reader {
    /// The event to send for `entry`, if the subscriber lacks it.
    fn read(&mut self, entry: &Entry) -> Option<Event> {
        if entry.seq <= self.seq {
            return None;
        }
        self.seq = entry.seq;
        if self.had.covers(entry.mark) {
            return None;
        }
        self.has.advance(entry.mark);
        let id = if entry.mark == Mark::End { END_ID.to_string() } else { self.has.id() };
        Some(
            Event::default()
                .id(id)
                .event(kind(&entry.event))
                .json_data(&entry.event)
                .unwrap_or_else(|_| Event::default().comment("unencodable")),
        )
    }
}

/// The stream for one subscriber: what it lacks beyond `had`, then live
/// events, without a gap or a duplicate; it ends after `done`.
pub fn stream(
    guard: Subscribed,
    feed: Arc<Feed>,
    had: Option<Cursor>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let mut closing = guard.closing();
    // Subscribe before reading the history, so nothing falls between the two.
    let mut live = feed.live.subscribe();
    let (backlog, had) = {
        let history = feed.history.lock().unwrap_or_else(|p| p.into_inner());
        // An id that a finished task never reached (forged, from another
        // task) cannot be continued from; without a full replay the browser
        // would wait for a `done` that went out before it.
        let finished = history.last().is_some_and(|e| e.mark == Mark::End);
        let reached = history.iter().fold(Cursor::default(), |mut c, e| {
            c.advance(e.mark);
            c
        });
        let had = had.filter(|c| !finished || c.within(&reached)).unwrap_or_default();
        (history.clone(), had)
    };
    async_stream::stream! {
        let _counted = guard;
        let mut reader = Reader { has: had.clone(), had, seq: 0 };
        for entry in backlog {
            if let Some(event) = reader.read(&entry) {
                yield Ok(event);
            }
            if entry.mark == Mark::End { return; }
        }
        loop {
            let next = tokio::select! {
                next = live.recv() => next,
                _ = closing.wait_for(|c| *c) => return,
            };
            match next {
                Ok(entry) => {
                    if let Some(event) = reader.read(&entry) {
                        yield Ok(event);
                    }
                    if entry.mark == Mark::End { return; }
                }
                // Fell behind the buffer: catch up from the history.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let missed: Vec<Entry> = {
                        let history = feed.history.lock().unwrap_or_else(|p| p.into_inner());
                        history.iter().filter(|e| e.seq > reader.seq).cloned().collect()
                    };
                    for entry in missed {
                        if let Some(event) = reader.read(&entry) {
                            yield Ok(event);
                        }
                        if entry.mark == Mark::End { return; }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, Mark};

    #[test]
    fn a_cursor_reads_back_what_it_writes_and_nothing_else() {
        let c = Cursor { stages: vec![3, 3, 2, 1, 1], logs: 17 };
        assert_eq!(c.id(), "s33211l17");
        assert_eq!(Cursor::parse(&c.id()), Some(c));
        assert_eq!(Cursor::parse("sl0"), Some(Cursor::default()));
        for id in ["", "3", "17", "end", "s", "s3", "s33l", "s34l1", "s33l-1", "s33l1x", "x33l1", "s3 3l1"] {
            assert_eq!(Cursor::parse(id), None, "{id:?}");
        }
    }

    #[test]
    fn a_cursor_grows_with_every_mark_and_covers_what_came_before() {
        let mut c = Cursor::default();
        let marks = [
            Mark::Step { index: 0, stage: 2 },
            Mark::Step { index: 1, stage: 1 },
            Mark::Log(0),
            Mark::Step { index: 0, stage: 3 },
            Mark::Log(1),
        ];
        let mut ids = Vec::new();
        for (i, mark) in marks.iter().enumerate() {
            assert!(!c.covers(*mark));
            c.advance(*mark);
            assert!(marks[..=i].iter().all(|m| c.covers(*m)), "covers everything up to {mark:?}");
            ids.push(c.id());
        }
        assert_eq!(ids, ["s2l0", "s21l0", "s21l1", "s31l1", "s31l2"]);
        // A restarted poller that sees step 0 finished at once needs nothing that the cursor has.
        assert!(c.covers(Mark::Step { index: 0, stage: 3 }) && !c.covers(Mark::Step { index: 1, stage: 3 }));
        assert!(!c.covers(Mark::End));
        assert!(c.within(&Cursor { stages: vec![3, 3], logs: 2 }));
        assert!(!c.within(&Cursor { stages: vec![3], logs: 9 }), "a step the task never reached");
        assert!(!c.within(&Cursor { stages: vec![3, 3], logs: 1 }), "a log line past the end");
    }
}
