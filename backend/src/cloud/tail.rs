//! The live runtime log of a service: the machinery behind the log tail
//! (the route is `logs`).
//!
//! One upstream poller per environment, service and query, however many
//! browsers follow it (R-OBS-3): every second it asks SearchClsLog, newest
//! first, for the rows back to the newest it has seen, and fans them out in
//! memory, oldest first. It stops when its last subscriber leaves.
//!
//! An event's id is the row's `PkgLogId`, which grows as the cloud stores
//! rows, so "every row after this id" is a question the cloud itself can
//! answer: a subscriber that reconnects with `Last-Event-ID` gets what it
//! missed from the feed's recent rows, or from the cloud when they are older
//! than those (after a long absence, or from a console started since).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::sse::Event;
use console_shared::actions::{LogObject, LogResObject, SearchClsLog, SearchClsLogRequest};
use console_shared::region::Region;
use console_shared::time::{cst_datetime, parse_cst};
use console_shared::vocab::{EnvId, ServiceName};
use futures::Stream;
use tokio::sync::{broadcast, watch};

use crate::cloud::hub::{Hub, Subscribed};
use crate::cloud::logs::mask_object;
use crate::cloud::upstream::{Upstream, UpstreamError};

/// How often a poller asks the cloud.
const POLL: Duration = Duration::from_secs(1);
/// The rows a feed keeps for subscribers that reconnect.
const RECENT: usize = 1000;
/// A search's page, the most SearchClsLog gives.
const PAGE: i64 = 100;
/// Pages a search reads at most: the 10 000 rows it reaches.
const PAGES_MAX: usize = 100;
/// How far back a feed or a resume looks for rows.
const LOOK_BACK: i64 = 86_400;
/// Rows are stamped when their line is collected and numbered when stored,
/// so a row may be stored a little after a later-stamped one: a search
/// reaches this far past the row it reads back to, and the ids sort it out.
const SKEW: i64 = 2;
/// The cloud's clock may run a little ahead of the console's.
const AHEAD: i64 = 60;
/// Failed polls in a row after which the feed ends; its browsers reconnect
/// and learn why from the route's first search.
const FAILURES_MAX: u32 = 30;

/// What a feed follows: the query it runs holds the service.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub env: EnvId,
    pub service: ServiceName,
    /// The whole query sent to the cloud (`logs::service_query`).
    pub query: String,
}

/// Where the cloud and the console call a search from.
#[derive(Clone)]
pub struct Source {
    pub upstream: Arc<Upstream>,
    pub region: Option<Region>,
}

/// One row, its `Content` masked, with what orders it.
pub struct Line {
    id: u64,
    /// Unix seconds.
    at: i64,
    object: LogObject,
}

impl Line {
    /// `None` for a row without a numeric `PkgLogId`: it could not be
    /// resumed after, nor told apart from a row sent already.
    fn of(mut object: LogObject) -> Option<Line> {
        let id = object.pkg_log_id.parse().ok()?;
        let at = object.timestamp.get(..19).and_then(parse_cst)?;
        mask_object(&mut object);
        Some(Line { id, at, object })
    }

    fn event(&self) -> Event {
        Event::default()
            .id(self.id.to_string())
            .event("line")
            .json_data(&self.object)
            .unwrap_or_else(|_| Event::default().comment("unencodable"))
    }
}

/// The newest row a search had when a subscriber arrived: where its stream
/// starts, and where a new feed's poller does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Newest {
    /// 0 when there is none.
    pub id: u64,
}

/// The rows a feed keeps: every row after `floor` it has seen.
struct Recent {
    lines: VecDeque<Arc<Line>>,
    floor: u64,
}

/// One followed query: its recent rows and the channel live subscribers listen on.
pub struct Feed {
    key: Key,
    source: Source,
    recent: Mutex<Recent>,
    live: broadcast::Sender<Arc<Line>>,
    /// Set when the poller gave up: the streams end.
    over: watch::Sender<bool>,
}

impl Feed {
    fn push(&self, line: Arc<Line>) {
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if recent.lines.len() >= RECENT
                && let Some(old) = recent.lines.pop_front()
            {
                recent.floor = old.id;
            }
            recent.lines.push_back(line.clone());
        }
        // Nobody listening is fine: the poller stops at its next turn.
        let _ = self.live.send(line);
    }

    /// Every row after `after` up to the newest this feed has, in id order:
    /// from memory, and from the cloud for what memory no longer holds.
    async fn after(&self, after: u64) -> Result<Vec<Arc<Line>>, UpstreamError> {
        let (floor, recent): (u64, Vec<Arc<Line>>) = {
            let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            (recent.floor, recent.lines.iter().filter(|l| l.id > after).cloned().collect())
        };
        let mut lines = if after < floor { self.older(after, floor).await? } else { Vec::new() };
        lines.extend(recent);
        Ok(lines)
    }

    /// The rows with `after < id <= upto`, read newest first back from now
    /// until the search has passed the row `after` (it has that row's time,
    /// which the id alone does not give), then put in id order.
    async fn older(&self, after: u64, upto: u64) -> Result<Vec<Arc<Line>>, UpstreamError> {
        let now = now();
        let mut lines = Vec::new();
        let mut context = None;
        let mut stop_before: Option<i64> = None;
        'pages: for _ in 0..PAGES_MAX {
            let page = search(&self.source, &self.key, now - LOOK_BACK, now, context).await?;
            for line in page.results.unwrap_or_default().into_iter().filter_map(Line::of) {
                if stop_before.is_some_and(|t| line.at < t) {
                    break 'pages;
                }
                if line.id <= after {
                    stop_before.get_or_insert(line.at - SKEW);
                } else if line.id <= upto {
                    lines.push(Arc::new(line));
                }
            }
            context = page.context.filter(|c| !c.is_empty());
            if page.list_over != Some(false) || context.is_none() {
                break;
            }
        }
        lines.sort_by_key(|l| l.id);
        Ok(lines)
    }
}

/// Every followed query, and counters for tests.
#[derive(Default)]
pub struct Tails {
    feeds: Mutex<HashMap<Key, Arc<Feed>>>,
    pub pollers_started: AtomicU64,
    pub polls: AtomicU64,
}

impl Tails {
    /// Feeds whose poller runs now.
    pub fn running(&self) -> usize {
        self.feeds.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Forgets `feed` if nobody listens to it any more: its poller then stops.
    /// Under the same lock as [`Hub::tail`] subscribes, so a subscriber never
    /// joins a feed whose poller has stopped.
    fn retire(&self, feed: &Arc<Feed>, ended: bool) -> bool {
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if !ended && feed.live.receiver_count() > 0 {
            return false;
        }
        if feeds.get(&feed.key).is_some_and(|f| Arc::ptr_eq(f, feed)) {
            feeds.remove(&feed.key);
        }
        true
    }
}

impl Hub {
    /// Follows `key`: its feed and a place in it from now on. The first
    /// subscriber starts the one poller, from `newest`.
    pub fn tail(
        self: &Arc<Self>,
        key: Key,
        source: Source,
        newest: Newest,
    ) -> (Arc<Feed>, broadcast::Receiver<Arc<Line>>) {
        let mut feeds = self.logs.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(feed) = feeds.get(&key) {
            return (feed.clone(), feed.live.subscribe());
        }
        let (live, listening) = broadcast::channel(1024);
        let feed = Arc::new(Feed {
            key: key.clone(),
            source,
            recent: Mutex::new(Recent { lines: VecDeque::new(), floor: newest.id }),
            live,
            over: watch::Sender::new(false),
        });
        feeds.insert(key, feed.clone());
        self.logs.pollers_started.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(poll(self.clone(), feed.clone(), newest));
        (feed, listening)
    }
}

/// Polls while anyone listens, pushing each row once, in id order.
async fn poll(hub: Arc<Hub>, feed: Arc<Feed>, newest: Newest) {
    let mut last = newest.id;
    let mut failures = 0;
    loop {
        tokio::time::sleep(POLL).await;
        if hub.logs.retire(&feed, false) {
            return;
        }
        hub.logs.polls.fetch_add(1, Ordering::Relaxed);
        // Newest first, back to the newest row pushed: a poll reads the new
        // rows, and those of the last one's seconds (`SKEW`). Oldest first
        // from a time, it would read again every row of that time before the
        // new ones, and a log faster than the 10 000 rows a search reaches
        // in those seconds would never get past them. (Over 10 000 new rows
        // in one second, the newest 10 000 are shown.)
        match feed.older(last, u64::MAX).await {
            Ok(lines) => {
                failures = 0;
                for line in lines {
                    last = line.id;
                    feed.push(line);
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= FAILURES_MAX {
                    tracing::warn!(env.id = %feed.key.env, error = ?e, "a log tail stopped: the cloud keeps failing");
                    hub.logs.retire(&feed, true);
                    feed.over.send_replace(true);
                    return;
                }
            }
        }
    }
}

/// The newest row of `key`'s query: also how the route checks the query
/// before a stream opens (the cloud's error is the answer).
pub async fn newest(source: &Source, key: &Key) -> Result<Newest, UpstreamError> {
    let now = now();
    let req = request(key, now - LOOK_BACK, now, None, 1);
    let page = source.upstream.call::<SearchClsLog>(source.region, &req).await?.log_results;
    let top = page.results.unwrap_or_default().into_iter().find_map(Line::of);
    Ok(Newest { id: top.map_or(0, |l| l.id) })
}

async fn search(
    source: &Source,
    key: &Key,
    from: i64,
    now: i64,
    context: Option<String>,
) -> Result<LogResObject, UpstreamError> {
    let req = request(key, from, now, context, PAGE);
    Ok(source.upstream.call::<SearchClsLog>(source.region, &req).await?.log_results)
}

/// A search of `key`'s rows, newest first: every search here reads back from now.
fn request(key: &Key, from: i64, now: i64, context: Option<String>, limit: i64) -> SearchClsLogRequest {
    SearchClsLogRequest {
        env_id: key.env.to_string(),
        start_time: cst_datetime(from),
        end_time: cst_datetime(now + AHEAD),
        query_string: key.query.clone(),
        limit,
        context,
        sort: Some("desc".into()),
        ..Default::default()
    }
}

/// Rows are stamped by the cloud's clock, not the console's (which tests move).
fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The stream for one subscriber: every row after `after`, then live rows,
/// each once and in id order. It ends when the console stops or the feed
/// gives up, or when a row it missed cannot be fetched: the browser then
/// reconnects with its `Last-Event-ID`, and loses nothing.
pub fn stream(
    guard: Subscribed,
    feed: Arc<Feed>,
    mut live: broadcast::Receiver<Arc<Line>>,
    after: u64,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let mut closing = guard.closing();
    let mut over = feed.over.subscribe();
    async_stream::stream! {
        let _counted = guard;
        let mut sent = after;
        let Ok(missed) = feed.after(sent).await else { return };
        for line in missed {
            if line.id > sent {
                sent = line.id;
                yield Ok(line.event());
            }
        }
        loop {
            let next = tokio::select! {
                next = live.recv() => next,
                _ = closing.wait_for(|c| *c) => return,
                _ = over.wait_for(|o| *o) => return,
            };
            match next {
                Ok(line) => {
                    if line.id > sent {
                        sent = line.id;
                        yield Ok(line.event());
                    }
                }
                // Fell behind the channel: catch up from the feed.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let Ok(missed) = feed.after(sent).await else { return };
                    for line in missed {
                        if line.id > sent {
                            sent = line.id;
                            yield Ok(line.event());
                        }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
