//! Scaling over real HTTP (R-INS-1..5, R-UPD-1): instances follow the load
//! between MinNum and MaxNum, an idle low-cost version scales to zero and the
//! next request cold-starts it, a version that lost its traffic drains, and
//! a full update fails no request.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Call, Cloud, code, create_env, detail, run_id, start_config, started, wait_task};
use console_shared::wording::{ScaleCause, ScaleEvent};
use serde_json::{Value, json};

/// The built-in image whose every answer takes 200 ms: concurrent requests
/// to it are real load.
const SLOW: &str = "localcloud/slow-answer";

/// A localcloud whose windows are `idle` and `drain`.
async fn cloud(idle: Duration, drain: Duration) -> Cloud {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), common::STEP);
    config.scale_to_zero_after = idle;
    config.drain_after = drain;
    let mut cloud = start_config(config).await;
    cloud.dir = Some(dir);
    cloud
}

const LONG: Duration = Duration::from_secs(1800);

/// Deploys `name` from `image` with these bounds; its default domain.
async fn deploy(cloud: &Cloud, env: &str, name: &str, image: &str, min: i64, max: i64) -> String {
    let created = Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": image},
               "Items": [{"Key": "Port", "IntValue": 8080}, {"Key": "MinNum", "IntValue": min}, {"Key": "MaxNum", "IntValue": max}]}),
    )
    .send(cloud)
    .await;
    let task = started(cloud, env, name, &created).await;
    assert_eq!(wait_task(cloud, env, name, task).await["Status"], "finished");
    detail(cloud, env, name).await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string()
}

/// The instances of the service, or of one version, as the pod list shows them.
async fn pods(cloud: &Cloud, env: &str, name: &str, version: Option<&str>) -> usize {
    let mut req = json!({"EnvId": env, "ServerName": name});
    if let Some(v) = version {
        req["VersionName"] = json!(v);
    }
    let r = Call::new("tcbr", "DescribeCloudRunPodList", req).send(cloud).await;
    assert_eq!(code(&r), "<no error>", "{r}");
    r["TotalCount"].as_u64().unwrap() as usize
}

/// Polls the pod list until it shows `want` instances (bounded).
async fn wait_pods(cloud: &Cloud, env: &str, name: &str, version: Option<&str>, want: usize, within: Duration) {
    let start = Instant::now();
    loop {
        let now = pods(cloud, env, name, version).await;
        if now == want {
            return;
        }
        assert!(start.elapsed() < within, "{name}: {now} instance(s), not {want}, after {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The scaling events in the process log of `version`'s deploy, as
/// `(from, to, cause)`.
async fn events(cloud: &Cloud, env: &str, name: &str, version: &str) -> Vec<(usize, usize, ScaleCause)> {
    let run = run_id(cloud, env, name, version).await;
    let r = Call::new("tcbr", "DescribeCloudRunProcessLog", json!({"EnvId": env, "RunId": run})).send(cloud).await;
    r["Logs"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .filter_map(|l| ScaleEvent::parse(l.as_str().unwrap()))
        .map(|e| {
            assert_eq!(e.version, version);
            (e.from, e.to, e.cause)
        })
        .collect()
}

fn gateway_get(cloud: &Cloud, http: &reqwest::Client, domain: &str) -> reqwest::RequestBuilder {
    http.get(format!("http://{}/hello", cloud.gateway)).header("host", domain.trim_start_matches("http://"))
}

/// `clients` callers sending one request after another through the gateway
/// until `stop`; each answer's status and version.
fn load(
    cloud: &Cloud,
    domain: &str,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(u16, String)>>> {
    let http = reqwest::Client::new();
    (0..clients)
        .map(|_| {
            let req = gateway_get(cloud, &http, domain);
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut seen = vec![];
                while !stop.load(Ordering::Relaxed) {
                    let resp = req.try_clone().unwrap().send().await.unwrap();
                    let version = resp.headers().get("x-localcloud-version").map_or("", |v| v.to_str().unwrap());
                    seen.push((resp.status().as_u16(), version.to_string()));
                }
                seen
            })
        })
        .collect()
}

async fn answers(workers: Vec<tokio::task::JoinHandle<Vec<(u16, String)>>>) -> Vec<(u16, String)> {
    let mut all = vec![];
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all
}

#[tokio::test]
async fn r_ins_4_an_idle_version_scales_to_zero_and_the_next_requests_share_one_cold_start() {
    let cloud = cloud(Duration::from_secs(1), LONG).await;
    let env = create_env(&cloud, "ap-shanghai", "zero").await;
    let domain = deploy(&cloud, &env, "cold", "nginx", 0, 5).await;
    // R-DEP-4: one instance from the deploy, gone after the observation window.
    assert_eq!(pods(&cloud, &env, "cold", None).await, 1);
    wait_pods(&cloud, &env, "cold", None, 0, Duration::from_secs(10)).await;
    assert_eq!(events(&cloud, &env, "cold", "cold-001").await, [(1, 0, ScaleCause::Idle)]);

    // Five requests at once find nothing running: they wait for one cold start.
    let http = reqwest::Client::new();
    let waiting: Vec<_> = (0..5).map(|_| gateway_get(&cloud, &http, &domain).send()).collect();
    for resp in futures::future::join_all(waiting).await {
        let resp = resp.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-localcloud-version"], "cold-001");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["version"], "cold-001");
    }
    assert_eq!(pods(&cloud, &env, "cold", Some("cold-001")).await, 1, "one instance for all the waiters");
    assert_eq!(
        events(&cloud, &env, "cold", "cold-001").await,
        [(1, 0, ScaleCause::Idle), (0, 1, ScaleCause::ColdStart)]
    );

    // And again after the next quiet window.
    wait_pods(&cloud, &env, "cold", None, 0, Duration::from_secs(10)).await;
    assert_eq!(gateway_get(&cloud, &http, &domain).send().await.unwrap().status(), 200);
    assert_eq!(events(&cloud, &env, "cold", "cold-001").await.len(), 4);
}

#[tokio::test]
async fn r_ins_1_instances_follow_the_load_out_and_back_in_never_below_min_num() {
    let cloud = cloud(Duration::from_secs(1), LONG).await;
    let env = create_env(&cloud, "ap-guangzhou", "load").await;
    let domain = deploy(&cloud, &env, "busy", SLOW, 1, 10).await;
    // 16 callers on 200 ms answers keep 16 requests in flight: four times
    // what one instance carries.
    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&cloud, &domain, 16, stop.clone());
    let start = Instant::now();
    let mut peak = 0;
    while start.elapsed() < Duration::from_secs(4) {
        peak = peak.max(pods(&cloud, &env, "busy", None).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let seen = answers(workers).await;
    assert!(seen.iter().all(|(status, _)| *status == 200), "no request failed while scaling out");
    assert!(peak >= 3, "scaled out under load: peak {peak}");

    // Quiet again: back in, one at a time, to MinNum and no further (R-INS-5),
    // however long the quiet lasts.
    wait_pods(&cloud, &env, "busy", None, 1, Duration::from_secs(20)).await;
    for _ in 0..15 {
        assert_eq!(pods(&cloud, &env, "busy", None).await, 1, "MinNum 1 never goes to zero");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = events(&cloud, &env, "busy", "busy-001").await;
    let outs: Vec<_> = log.iter().filter(|e| e.2 == ScaleCause::Load).collect();
    let ins: Vec<_> = log.iter().filter(|e| e.2 == ScaleCause::Calm).collect();
    assert!(outs.len() >= 2 && outs.iter().all(|(from, to, _)| to == &(from + 1)), "{log:?}");
    assert!(!ins.is_empty() && ins.iter().all(|(from, to, _)| from == &(to + 1)), "{log:?}");
    assert_eq!(log.last().map(|e| e.1), Some(1), "{log:?}");
    assert!(log.iter().all(|e| e.2 != ScaleCause::Idle), "{log:?}");
}

#[tokio::test]
async fn r_ins_1_max_num_is_never_exceeded() {
    let cloud = cloud(LONG, LONG).await;
    let env = create_env(&cloud, "ap-beijing", "cap").await;
    let domain = deploy(&cloud, &env, "capped", SLOW, 0, 2).await;
    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&cloud, &domain, 16, stop.clone());
    let start = Instant::now();
    let mut counts = vec![];
    while start.elapsed() < Duration::from_secs(3) {
        counts.push(pods(&cloud, &env, "capped", None).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    assert!(answers(workers).await.iter().all(|(status, _)| *status == 200));
    assert_eq!(counts.iter().max(), Some(&2), "reached MaxNum 2 and never more: {counts:?}");
    let log = events(&cloud, &env, "capped", "capped-001").await;
    assert_eq!(log, [(1, 2, ScaleCause::Load)], "one scale-out, to the cap");
}

#[tokio::test]
async fn r_ins_5_high_availability_keeps_min_num_with_no_traffic() {
    let cloud = cloud(Duration::from_secs(1), LONG).await;
    let env = create_env(&cloud, "ap-beijing", "ha").await;
    deploy(&cloud, &env, "ha", "nginx", 2, 5).await;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        assert_eq!(pods(&cloud, &env, "ha", None).await, 2, "MinNum 2 with no traffic past the window");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(events(&cloud, &env, "ha", "ha-001").await, []);
}

async fn update(cloud: &Cloud, env: &str, name: &str, image: &str) -> i64 {
    let r = Call::new(
        "tcbr",
        "UpdateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": image, "ReleaseType": "FULL"}}),
    )
    .send(cloud)
    .await;
    started(cloud, env, name, &r).await
}

#[tokio::test]
async fn r_upd_1_a_version_that_lost_its_traffic_serves_until_the_drain_window_ends() {
    let drain = Duration::from_secs(2);
    let cloud = cloud(LONG, drain).await;
    let env = create_env(&cloud, "ap-shanghai", "drain").await;
    let domain = deploy(&cloud, &env, "web", SLOW, 0, 5).await;
    let http = reqwest::Client::new();
    let first: Value = gateway_get(&cloud, &http, &domain).send().await.unwrap().json().await.unwrap();
    let old = format!("http://{}/direct", first["address"].as_str().unwrap());

    // A request straight to the old instance is under way as the update starts.
    let in_flight = tokio::spawn(http.get(&old).send());
    let task = update(&cloud, &env, "web", SLOW).await;
    assert_eq!(wait_task(&cloud, &env, "web", task).await["Status"], "finished");
    let retired = Instant::now();
    assert_eq!(in_flight.await.unwrap().unwrap().status(), 200);
    let resp = gateway_get(&cloud, &http, &domain).send().await.unwrap();
    assert_eq!(resp.headers()["x-localcloud-version"], "web-002", "all the traffic moved");

    // The old instance keeps answering whatever still reaches it, until the
    // window ends; then it is gone from the pod list and stops listening.
    // A fresh connection each time: the end shows as the listener refusing.
    let direct = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut last_answer = None;
    loop {
        match direct.get(&old).send().await {
            Ok(resp) => {
                assert_eq!(resp.status(), 200, "an answer is whole until the end");
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["version"], "web-001");
                last_answer = Some(retired.elapsed());
            }
            // No answer started: the instance has stopped. One that started
            // is whole (above), however close to the end it came.
            Err(_) => break,
        }
        assert!(retired.elapsed() < drain * 5, "the drain never ended");
    }
    let served_for = last_answer.expect("answered after losing its traffic");
    assert!(served_for >= drain - Duration::from_millis(500), "served only {served_for:?} of the {drain:?} window");
    wait_pods(&cloud, &env, "web", Some("web-001"), 0, Duration::from_secs(2)).await;
    assert_eq!(pods(&cloud, &env, "web", Some("web-002")).await, 1);
    assert_eq!(events(&cloud, &env, "web", "web-001").await, [(1, 0, ScaleCause::Drained)]);
}

#[tokio::test]
async fn r_upd_1_no_request_fails_during_a_full_update() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), Duration::from_millis(100));
    config.drain_after = Duration::from_secs(1);
    let cloud = start_config(config).await;
    let env = create_env(&cloud, "ap-guangzhou", "update").await;
    let domain = deploy(&cloud, &env, "shop", "nginx:1", 0, 5).await;

    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&cloud, &domain, 4, stop.clone());
    let task = update(&cloud, &env, "shop", "nginx:2").await;
    assert_eq!(wait_task(&cloud, &env, "shop", task).await["Status"], "finished");
    // On past the old version's drain, which must not touch the new one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let seen = answers(workers).await;
    let failed: Vec<_> = seen.iter().filter(|(status, _)| *status != 200).collect();
    assert!(failed.is_empty(), "{} of {} requests failed: {failed:?}", failed.len(), seen.len());
    assert!(seen.iter().any(|(_, v)| v == "shop-001") && seen.iter().any(|(_, v)| v == "shop-002"));
    assert!(seen.iter().rev().take(20).all(|(_, v)| v == "shop-002"), "the new version took all the traffic");
}

#[tokio::test]
async fn r_upd_1_a_version_retired_under_load_drains_and_no_scale_out_brings_it_back() {
    let drain = Duration::from_secs(1);
    let cloud = cloud(LONG, drain).await;
    let env = create_env(&cloud, "ap-guangzhou", "busy-drain").await;
    let domain = deploy(&cloud, &env, "web", SLOW, 1, 10).await;
    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&cloud, &domain, 16, stop.clone());
    let start = Instant::now();
    while pods(&cloud, &env, "web", Some("web-001")).await < 2 {
        assert!(start.elapsed() < Duration::from_secs(5), "never scaled out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The update retires web-001 while the scaler still sees it loaded.
    let task = update(&cloud, &env, "web", SLOW).await;
    assert_eq!(wait_task(&cloud, &env, "web", task).await["Status"], "finished");
    // The load goes on, on web-002; web-001 drains, stops, and stays stopped.
    wait_pods(&cloud, &env, "web", Some("web-001"), 0, drain * 6).await;
    for _ in 0..10 {
        assert_eq!(pods(&cloud, &env, "web", Some("web-001")).await, 0, "nothing brings it back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let seen = answers(workers).await;
    assert!(seen.iter().all(|(status, _)| *status == 200), "no request failed");
    assert!(seen.iter().rev().take(5).all(|(_, v)| v == "web-002"), "the load moved to web-002");
    let log = events(&cloud, &env, "web", "web-001").await;
    assert_eq!(log.last().map(|e| (e.1, e.2)), Some((0, ScaleCause::Drained)), "{log:?}");
}
