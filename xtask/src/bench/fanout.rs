//! The deploy-progress fan-out: `SUBSCRIBERS` browsers on one task, one
//! upstream poller, how evenly each event reaches them, and what each costs
//! the console in memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Console, SUBSCRIBERS, async_client, percentile, sign_in_async};
use crate::Result;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// What one subscriber saw: when its stream opened, and each event id with
/// the time its bytes arrived.
#[derive(Default)]
struct Seen {
    connected: Option<Instant>,
    events: Vec<(String, Instant)>,
}

/// One browser watching the task, until the stream ends or `deadline`.
/// `gate` bounds how many connect at once (the console's accept backlog).
async fn subscribe(
    http: reqwest::Client,
    url: Arc<String>,
    cookie: Arc<String>,
    gate: Arc<tokio::sync::Semaphore>,
    settled: Arc<AtomicUsize>,
    deadline: tokio::time::Instant,
) -> Seen {
    let mut seen = Seen::default();
    let permit = gate.acquire_owned().await;
    let opened =
        tokio::time::timeout_at(deadline, http.get(url.as_str()).header("cookie", cookie.as_str()).send()).await;
    drop(permit);
    settled.fetch_add(1, Ordering::Relaxed);
    let Ok(Ok(mut resp)) = opened else { return seen };
    if !resp.status().is_success() {
        return seen;
    }
    seen.connected = Some(Instant::now());
    let mut pending: Vec<u8> = Vec::new();
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, resp.chunk()).await {
        let now = Instant::now();
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            if let Some(id) = line.strip_prefix(b"id:") {
                seen.events.push((String::from_utf8_lossy(id).trim().to_string(), now));
            }
        }
    }
    seen
}

async fn hub(http: &reqwest::Client, url: &str, cookie: &str) -> Result<serde_json::Value> {
    let resp =
        http.get(format!("{url}/api/admin/hub")).header("cookie", cookie).send().await.map_err(|e| e.to_string())?;
    resp.json().await.map_err(|e| e.to_string())
}

/// Many subscribers on one deploy task: one upstream poller, the spread of
/// each event's arrival across subscribers, and memory per subscriber.
pub(super) async fn sse_fanout(console: &Console) -> Result {
    const CONNECTING_AT_ONCE: usize = 256;
    let http = async_client()?;
    let cookie = sign_in_async(&http, &console.url).await?;
    let post = |path: &str, body: serde_json::Value| {
        let req = http
            .post(format!("{}{path}", console.url))
            .header("x-console-request", "1")
            .header("cookie", &cookie)
            .json(&body);
        async move {
            let resp = req.send().await.map_err(|e| e.to_string())?;
            resp.json::<serde_json::Value>().await.map_err(|e| e.to_string())
        }
    };
    let env = post(
        "/api/cloud/tcbr/CreateCloudRunEnv?region=ap-shanghai",
        serde_json::json!({"PackageType": "Trial", "Alias": "bench"}),
    )
    .await?["EnvId"]
        .as_str()
        .ok_or("no EnvId")?
        .to_string();
    let stats_before = hub(&http, &console.url, &cookie).await?;
    let before = rss_kib(console.child.id());
    let created = post(
        "/api/cloud/tcbr/CreateCloudRunServer",
        serde_json::json!({"EnvId": env, "ServerName": "fanout", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
    )
    .await?;
    // Tencent documents the TaskId returned here as unused (often 0): the
    // running task is the one DescribeServerManageTask {TaskId: 0} names.
    let task = match created["TaskId"].as_i64() {
        Some(id) if id > 0 => id,
        _ => post(
            "/api/cloud/tcbr/DescribeServerManageTask",
            serde_json::json!({"EnvId": env, "ServerName": "fanout", "TaskId": 0}),
        )
        .await?["Task"]["Id"]
            .as_i64()
            .ok_or("no running task")?,
    };
    let url = Arc::new(format!("{}/api/envs/{env}/services/fanout/tasks/{task}/events", console.url));
    let cookie_arc = Arc::new(cookie.clone());
    let gate = Arc::new(tokio::sync::Semaphore::new(CONNECTING_AT_ONCE));
    let settled = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|_| {
            tokio::spawn(subscribe(
                http.clone(),
                url.clone(),
                cookie_arc.clone(),
                gate.clone(),
                settled.clone(),
                deadline,
            ))
        })
        .collect();
    // Memory when the most subscribers are connected at once.
    let (mut peak, mut peak_rss) = (0u64, before);
    while settled.load(Ordering::Relaxed) < SUBSCRIBERS && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = hub(&http, &console.url, &cookie).await?["subscribers"].as_u64().unwrap_or(0);
        if now > peak {
            (peak, peak_rss) = (now, rss_kib(console.child.id()));
        }
    }
    let connect_time = started.elapsed().as_secs_f64();
    let now = hub(&http, &console.url, &cookie).await?["subscribers"].as_u64().unwrap_or(0);
    if now > peak {
        (peak, peak_rss) = (now, rss_kib(console.child.id()));
    }
    let mut results = Vec::with_capacity(SUBSCRIBERS);
    for s in subscribers {
        results.push(s.await.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let stats = hub(&http, &console.url, &cookie).await?;
    let counter =
        |name: &str| stats[name].as_u64().unwrap_or(0).saturating_sub(stats_before[name].as_u64().unwrap_or(0));

    // Event ids are cursors over the task's state (events.rs): each distinct one is one event.
    let mut arrivals: HashMap<&str, Vec<Instant>> = HashMap::new();
    for r in &results {
        for (id, at) in &r.events {
            arrivals.entry(id.as_str()).or_default().push(*at);
        }
    }
    let events = arrivals.len();
    let connected = results.iter().filter(|r| r.connected.is_some()).count();
    let complete = results.iter().filter(|r| r.connected.is_some() && r.events.len() == events).count();
    // The spread counts events sent live to everyone: those that first
    // arrived after the last subscriber connected (earlier ones reach late
    // subscribers as a replay, whose timing says nothing about the fan-out).
    let all_in = results.iter().filter_map(|r| r.connected).max();
    let mut spread: Vec<f64> = arrivals
        .values()
        .filter_map(|times| {
            let (first, last) = (times.iter().min()?, times.iter().max()?);
            (all_in.is_some_and(|t| *first > t) && times.len() == connected)
                .then(|| last.duration_since(*first).as_secs_f64() * 1000.0)
        })
        .collect();
    spread.sort_by(f64::total_cmp);

    println!("\nSSE fan-out: {SUBSCRIBERS} subscribers on one deploy task ({events} events, {elapsed:.1} s)");
    println!(
        "  connected                          {connected}/{SUBSCRIBERS} in {connect_time:.1} s, {peak} at once at most"
    );
    println!("  subscribers that got every event   {complete}/{SUBSCRIBERS}");
    println!("  upstream pollers started           {} (one per task)", counter("pollers_started"));
    println!("  upstream polls per second          {:.2}", counter("polls") as f64 / elapsed);
    if spread.is_empty() {
        println!("  delivery spread                    no event went out live to everyone (the deploy ended first)");
    } else {
        println!(
            "  delivery spread across subscribers p50 {:.1} ms   p99 {:.1} ms   ({} live events)",
            percentile(&spread, 0.5),
            percentile(&spread, 0.99),
            spread.len()
        );
    }
    println!(
        "  memory per subscriber              {:.1} KiB (console RSS, {peak} subscribers)",
        peak_rss.saturating_sub(before) as f64 / peak.max(1) as f64
    );
    Ok(())
}
