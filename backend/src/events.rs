//! Live deploy progress: `GET /api/envs/{env}/services/{service}/tasks/{task}/events`.
//!
//! One upstream poller per task, however many browsers watch: the poller
//! turns changes of DescribeServerManageTask and DescribeCloudRunProcessLog
//! into numbered events, keeps them, and fans them out in memory. A
//! subscriber that reconnects with `Last-Event-ID` gets exactly what it
//! missed; one that arrives after the end gets the whole record replayed.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use console_shared::actions::{
    DescribeCloudRunProcessLog, DescribeServerManageTask, ManageTaskRequest, ProcessLogRequest, ServerManageTaskInfo,
};
use console_shared::dto::{ApiError, DeployEvent, HubStats, console_codes};
use console_shared::permissions::Endpoint;
use console_shared::region::Region;
use futures::Stream;
use tokio::sync::broadcast;

use crate::AppState;
use crate::access::authorize;
use crate::auth::AuthUser;
use crate::cloud::{Upstream, region_of};
use crate::error::{AppError, AppResult};

/// How often a poller asks the cloud.
const POLL: Duration = Duration::from_millis(400);
/// How long a finished task's events stay in memory for late subscribers.
const LINGER: Duration = Duration::from_secs(60);

type Key = (String, String, i64);

/// The events of one task so far, and the channel live subscribers listen on.
struct Feed {
    history: Mutex<Vec<(u64, DeployEvent)>>,
    live: broadcast::Sender<(u64, DeployEvent)>,
}

impl Feed {
    fn push(&self, event: DeployEvent) {
        let mut history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        let id = history.len() as u64 + 1;
        history.push((id, event.clone()));
        // Nobody listening is fine: the history keeps it.
        let _ = self.live.send((id, event));
    }
}

/// Every task being watched, and counters for tests and the benchmark.
#[derive(Default)]
pub struct Hub {
    feeds: Mutex<HashMap<Key, Arc<Feed>>>,
    pub pollers_started: AtomicU64,
    pub polls: AtomicU64,
    pub subscribers: AtomicU64,
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

/// Counts a subscriber for as long as its stream lives.
struct Subscribed(Arc<Hub>);

impl Drop for Subscribed {
    fn drop(&mut self) {
        self.0.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Hub {
    /// The task's feed; the first caller also starts its one poller.
    fn feed(self: &Arc<Self>, key: Key, upstream: Arc<Upstream>, region: Option<Region>) -> Arc<Feed> {
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
    let (env, service, task) = key;
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut lines = 0usize;
    let mut failures = 0;
    loop {
        hub.polls.fetch_add(1, Ordering::Relaxed);
        let req = ManageTaskRequest {
            env_id: env.clone(),
            server_name: service.clone(),
            task_id: *task,
            operator_remark: None,
        };
        let info: ServerManageTaskInfo = match upstream.call::<DescribeServerManageTask>(region, &req).await {
            Ok(r) if r.is_exist => r.task,
            Ok(_) => {
                feed.push(DeployEvent::Done {
                    status: "failed".into(),
                    fail_reason: "the task no longer exists".into(),
                    version: String::new(),
                });
                return;
            }
            Err(e) => {
                // A passing cloud hiccup is retried; a lasting one ends the stream with the reason.
                failures += 1;
                if failures >= 10 {
                    let message = AppError::from(e).body.message;
                    feed.push(DeployEvent::Done {
                        status: "unknown".into(),
                        fail_reason: message,
                        version: String::new(),
                    });
                    return;
                }
                tokio::time::sleep(POLL).await;
                continue;
            }
        };
        failures = 0;
        for (index, s) in info.steps.iter().enumerate() {
            let seen = steps.get(index).map(|(_, status)| status.as_str());
            if seen != Some(s.status.as_str()) {
                feed.push(DeployEvent::Step {
                    index,
                    name: s.name.clone(),
                    status: s.status.clone(),
                    start_time: s.start_time.clone(),
                    end_time: s.end_time.clone(),
                    fail_reason: s.fail_reason.clone(),
                });
            }
        }
        steps = info.steps.iter().map(|s| (s.name.clone(), s.status.clone())).collect();
        let run = ProcessLogRequest { env_id: env.clone(), run_id: format!("run-{}", info.version_name) };
        if let Ok(log) = upstream.call::<DescribeCloudRunProcessLog>(region, &run).await {
            for line in log.logs.iter().skip(lines) {
                feed.push(DeployEvent::Log { line: line.clone() });
            }
            lines = lines.max(log.logs.len());
        }
        if info.status != "running" {
            feed.push(DeployEvent::Done {
                status: info.status,
                fail_reason: info.fail_reason,
                version: info.version_name,
            });
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/envs/{env}/services/{service}/tasks/{task}/events", get(events))
        .route("/api/admin/hub", get(stats))
}

#[utoipa::path(get, path = "/api/admin/hub", tag = "deploys",
    description = "Counters of the deploy-progress hub: watched tasks, subscribers, pollers, polls. Needs: admin.",
    responses((status = 200, body = HubStats), (status = 403, body = ApiError)))]
pub(crate) async fn stats(State(state): State<AppState>, user: AuthUser) -> AppResult<axum::Json<HubStats>> {
    authorize(&state, &user, Endpoint::HubStats, None).await?;
    Ok(axum::Json(state.hub.stats()))
}

fn kind(e: &DeployEvent) -> &'static str {
    match e {
        DeployEvent::Step { .. } => "step",
        DeployEvent::Log { .. } => "log",
        DeployEvent::Done { .. } => "done",
    }
}

fn to_sse((id, e): &(u64, DeployEvent)) -> Event {
    Event::default()
        .id(id.to_string())
        .event(kind(e))
        .json_data(e)
        .unwrap_or_else(|_| Event::default().comment("unencodable"))
}

/// The stream for one subscriber: what it missed after `after`, then live
/// events, without a gap or a duplicate; it ends after `done`.
fn stream(hub: Arc<Hub>, feed: Arc<Feed>, after: u64) -> impl Stream<Item = Result<Event, Infallible>> {
    hub.subscribers.fetch_add(1, Ordering::Relaxed);
    let mut closing = hub.closing.0.subscribe();
    let guard = Subscribed(hub);
    // Subscribe before reading the history, so nothing falls between the two.
    let mut live = feed.live.subscribe();
    let backlog: Vec<(u64, DeployEvent)> = {
        let history = feed.history.lock().unwrap_or_else(|p| p.into_inner());
        history.iter().filter(|(id, _)| *id > after).cloned().collect()
    };
    async_stream::stream! {
        let _counted = guard;
        let mut last = after;
        for item in backlog {
            last = item.0;
            let done = matches!(item.1, DeployEvent::Done { .. });
            yield Ok(to_sse(&item));
            if done { return; }
        }
        loop {
            let next = tokio::select! {
                next = live.recv() => next,
                _ = closing.wait_for(|c| *c) => return,
            };
            match next {
                Ok(item) if item.0 <= last => continue,
                Ok(item) => {
                    last = item.0;
                    let done = matches!(item.1, DeployEvent::Done { .. });
                    yield Ok(to_sse(&item));
                    if done { return; }
                }
                // Fell behind the buffer: catch up from the history.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let missed: Vec<(u64, DeployEvent)> = {
                        let history = feed.history.lock().unwrap_or_else(|p| p.into_inner());
                        history.iter().filter(|(id, _)| *id > last).cloned().collect()
                    };
                    for item in missed {
                        last = item.0;
                        let done = matches!(item.1, DeployEvent::Done { .. });
                        yield Ok(to_sse(&item));
                        if done { return; }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

#[utoipa::path(get, path = "/api/envs/{env}/services/{service}/tasks/{task}/events", tag = "deploys",
    description = "Server-Sent Events of a deploy task: `step`, `log` and a final `done` (JSON `DeployEvent`), each with \
an `id:`; reconnect with `Last-Event-ID` to resume. Keep-alive comments every 15 s. Needs: viewer.",
    params(("env" = String, Path), ("service" = String, Path), ("task" = i64, Path)),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 403, body = ApiError),
        (status = 404, body = ApiError)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    user: AuthUser,
    Path((env, service, task)): Path<(String, String, i64)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    // Membership is checked like any other call.
    authorize(&state, &user, Endpoint::DeployEvents, Some(&env)).await?;
    let region = region_of(&state, &env).await?;
    let req =
        ManageTaskRequest { env_id: env.clone(), server_name: service.clone(), task_id: task, operator_remark: None };
    let exists = state.upstream.call::<DescribeServerManageTask>(region, &req).await?.is_exist;
    if !exists {
        return Err(AppError::new(
            axum::http::StatusCode::NOT_FOUND,
            console_codes::NOT_FOUND,
            "There is no such deploy task.",
        ));
    }
    let after =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    let feed = state.hub.feed((env, service, task), state.upstream.clone(), region);
    let mut response = Sse::new(stream(state.hub.clone(), feed, after))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keep-alive"))
        .into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies such as nginx must pass events through as they come.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}
