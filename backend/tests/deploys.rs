//! Live deploy progress through the BFF: one poller per task for any number
//! of subscribers, resume with `Last-Event-ID`, membership enforced.

mod common;

use std::sync::atomic::Ordering;

use common::TestApp;
use serde_json::{Value, json};

/// One parsed Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
struct Sse {
    id: u64,
    event: String,
    data: Value,
}

fn parse(text: &str) -> Vec<Sse> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut event = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            Some(Sse { id: id?, event, data: serde_json::from_str(&data).ok()? })
        })
        .collect()
}

async fn cloud(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    app.post(&format!("/api/cloud/{path}"), Some(token)).json(&body).send().await.unwrap().json().await.unwrap()
}

/// An environment with a service whose first deploy just started.
async fn deploying(app: &TestApp, token: &str) -> (String, i64) {
    let env = cloud(
        app,
        token,
        "tcbr/CreateCloudRunEnv?region=ap-guangzhou",
        json!({"PackageType": "Trial", "Alias": "live"}),
    )
    .await["EnvId"]
        .as_str()
        .unwrap()
        .to_string();
    let created = cloud(
        app,
        token,
        "tcbr/CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "shop", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
    )
    .await;
    (env, created["TaskId"].as_i64().unwrap_or_else(|| panic!("{created}")))
}

fn events_path(env: &str, task: i64) -> String {
    format!("/api/envs/{env}/services/shop/tasks/{task}/events")
}

#[tokio::test]
async fn two_subscribers_share_one_poller_and_see_the_same_stream() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 150).await;
    let token = app.login().await;
    let (env, task) = deploying(&app, &token).await;
    let path = events_path(&env, task);
    let (a, b) = tokio::join!(app.get(&path, Some(&token)).send(), app.get(&path, Some(&token)).send());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.headers()["content-type"], "text/event-stream");
    assert_eq!(a.headers()["cache-control"], "no-store");
    assert_eq!(a.headers()["x-accel-buffering"], "no");
    let (a, b) = tokio::join!(a.text(), b.text());
    let (a, b) = (parse(&a.unwrap()), parse(&b.unwrap()));
    assert_eq!(a, b, "both browsers see the same events");
    assert_eq!(app.hub.pollers_started.load(Ordering::Relaxed), 1, "one upstream poller per task");

    // Ids count up from 1 with no gap; steps go live one by one; it ends with `done`.
    assert!(a.iter().enumerate().all(|(i, e)| e.id == i as u64 + 1));
    // Every step ends finished, in order. A poll may skip a short step's
    // "running"; the stream starts while the first step is still under way.
    let finished: Vec<u64> = a
        .iter()
        .filter(|e| e.event == "step" && e.data["status"] == "finished")
        .map(|e| e.data["index"].as_u64().unwrap())
        .collect();
    assert_eq!(finished, vec![0, 1, 2, 3, 4]);
    assert!(a.iter().any(|e| e.event == "step" && e.data["status"] == "running"), "seen live");
    assert!(a.iter().any(|e| e.event == "log" && e.data["line"].as_str().unwrap().contains("pulling nginx")));
    let last = a.last().unwrap();
    assert_eq!((last.event.as_str(), last.data["status"].as_str()), ("done", Some("finished")));
    assert_eq!(last.data["version"], "shop-001");

    // A finished task replays its record to a late subscriber.
    let late = parse(&app.get(&path, Some(&token)).send().await.unwrap().text().await.unwrap());
    assert_eq!(late.last().unwrap().event, "done");
}

#[tokio::test]
async fn last_event_id_resumes_without_loss_or_duplicates() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 150).await;
    let token = app.login().await;
    let (env, task) = deploying(&app, &token).await;
    let path = events_path(&env, task);

    // Read until event 3, then drop the connection as a flaky network would.
    let mut first = app.get(&path, Some(&token)).send().await.unwrap();
    let mut seen = String::new();
    while parse(&seen).iter().all(|e| e.id < 3) {
        let chunk = first.chunk().await.unwrap().expect("the stream goes on until done");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(first);
    let before: Vec<Sse> = parse(&seen).into_iter().filter(|e| e.id <= 3).collect();

    let rest = app.get(&path, Some(&token)).header("last-event-id", "3").send().await.unwrap().text().await.unwrap();
    let after = parse(&rest);
    assert_eq!(after.first().unwrap().id, 4, "resumes right after the last id seen");
    let all: Vec<u64> = before.iter().chain(after.iter()).map(|e| e.id).collect();
    assert_eq!(all, (1..=all.len() as u64).collect::<Vec<_>>(), "no loss, no duplicate");
    assert_eq!(after.last().unwrap().event, "done");
}

#[tokio::test]
async fn a_subscriber_from_another_environment_is_refused() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, task) = deploying(&app, &admin).await;
    let body = json!({"username": "outsider", "display_name": "Out Sider", "password": "initial-pass-1"});
    assert_eq!(app.post("/api/users", Some(&admin)).json(&body).send().await.unwrap().status(), 201);
    let resp = app.login_with("outsider", "initial-pass-1", None).await;
    let first = common::session_token(&resp);
    let change = json!({"current_password": "initial-pass-1", "new_password": "outsider-pass-1"});
    let resp = app.post("/api/account/password", Some(&first)).json(&change).send().await.unwrap();
    let token = common::session_token(&resp);
    let refused = app.get(&events_path(&env, task), Some(&token)).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(app.get(&events_path(&env, task), None).send().await.unwrap().status(), 401);
    assert_eq!(app.get(&events_path(&env, 999), Some(&admin)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn demo_mode_seeds_an_environment_with_services_and_history() {
    let app = TestApp::start_with(|c| c.demo = true).await;
    let token = app.login().await;
    let mut services = Value::Null;
    for _ in 0..200 {
        let list = cloud(&app, &token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
        if let Some(env) = list["EnvList"].as_array().and_then(|l| l.first()) {
            let env = env["EnvId"].as_str().unwrap().to_string();
            services = cloud(&app, &token, "tcbr/DescribeCloudRunServers", json!({"EnvId": env})).await;
            let records =
                cloud(&app, &token, "tcbr/DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": "api"}))
                    .await;
            let api_done =
                records["DeployRecords"].as_array().is_some_and(|r| r.len() == 2 && r[0]["Status"] == "running");
            let web_live = services["ServerList"]
                .as_array()
                .is_some_and(|l| l.iter().any(|s| s["ServerName"] == "web" && s["Status"] == "normal"));
            if services["Total"] == 4 && api_done && web_live {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut names: Vec<&str> =
        services["ServerList"].as_array().unwrap().iter().map(|s| s["ServerName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, vec!["api", "legacy", "shop", "web"], "{services}");
    let legacy = services["ServerList"].as_array().unwrap().iter().find(|s| s["ServerName"] == "legacy").unwrap();
    assert_eq!(legacy["Status"], "create_failed", "the demo shows a failed deploy too");
    let web = services["ServerList"].as_array().unwrap().iter().find(|s| s["ServerName"] == "web").unwrap();
    assert_eq!(web["Status"], "normal", "the demo's code package built and went live");
}

#[tokio::test]
async fn a_stopping_console_ends_live_streams_so_it_can_drain() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 2_000).await;
    let token = app.login().await;
    let (env, task) = deploying(&app, &token).await;
    let mut resp = app.get(&events_path(&env, task), Some(&token)).send().await.unwrap();
    // The stream is live: the first event has arrived, the task runs on.
    let first = resp.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("id:"), "{first:?}");

    app.hub.close();
    let rest = tokio::time::timeout(std::time::Duration::from_secs(5), resp.text())
        .await
        .expect("the stream ends when the hub closes")
        .unwrap();
    assert!(!rest.contains("event: done"), "it ends without claiming an outcome: {rest}");
}
