//! Releases through the console (issue #10): a masked secret sent back in a
//! change keeps its value, the timeline tells who changed what (refused
//! changes included, by their kind), and the progress stream ends when a
//! gray update's deploy does.

mod common;

use std::time::Duration;

use common::TestApp;
use console_shared::dto::{TimelineEvent, TimelineKind};
use console_shared::secrets::SECRET_MASK;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Waits until the task's deploy is over (a gray one stays `running` while
/// its release is open) and answers its final description.
async fn settled(app: &TestApp, token: &str, env: &str, task: i64) -> Value {
    let body = json!({"EnvId": env, "ServerName": "shop", "TaskId": task});
    for _ in 0..400 {
        let (_, t) = app.cloud(token, "tcbr/DescribeServerManageTask", body.clone()).await;
        let steps = t["Task"]["Steps"].as_array().cloned().unwrap_or_default();
        let steps_done = !steps.is_empty() && steps.iter().all(|s| s["Status"] == "finished");
        if t["Task"]["Status"] != "running" || (t["Task"]["ReleaseType"] == "GRAY" && steps_done) {
            return t["Task"].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("task {task} never settled");
}

/// `shop` online from an image, with a secret and a plain variable.
async fn shop(app: &TestApp, token: &str) -> String {
    let env = app.new_env(token, "ap-shanghai", "rel").await;
    let create = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.27"},
        "Items": [{"Key": "EnvParam", "Value": r#"{"API_TOKEN":"s3cret-value","GREETING":"hi"}"#}]});
    let (status, answer) = app.cloud(token, "tcbr/CreateCloudRunServer", create).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let task = app.started(token, &env, "shop", &answer).await;
    assert_eq!(settled(app, token, &env, task).await["Status"], "finished");
    env
}

async fn revealed(app: &TestApp, token: &str, env: &str) -> Value {
    let resp = app.post(&format!("/api/envs/{env}/services/shop/secrets"), Some(token)).json(&json!({})).send();
    resp.await.unwrap().json::<Value>().await.unwrap()["env_params"].clone()
}

#[tokio::test]
async fn a_masked_secret_sent_back_keeps_its_value_and_an_unknown_one_is_refused() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 20).await;
    let token = app.login().await;
    let env = shop(&app, &token).await;

    // The settings page sends the variables back as it read them: masked.
    let (_, detail) =
        app.cloud(&token, "tcbr/DescribeCloudRunServerDetail", json!({"EnvId": env, "ServerName": "shop"})).await;
    let shown = detail["ServerConfig"]["EnvParams"].as_str().unwrap().to_string();
    assert!(shown.contains(SECRET_MASK) && !shown.contains("s3cret-value"), "{shown}");
    let edited = shown.replace("\"hi\"", "\"hello\"");
    let change = json!({"EnvId": env, "ServerName": "shop", "Items": [{"Key": "EnvParam", "Value": edited}]});
    let (status, answer) = app.cloud(&token, "tcbr/SubmitServerConfigChangeDiff", change).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let task = answer["TaskId"].as_i64().unwrap();
    assert!(task > 0, "a settings change answers its task: {answer}");
    assert_eq!(settled(&app, &token, &env, task).await["Status"], "finished");
    let vars = revealed(&app, &token, &env).await;
    assert_eq!(vars["API_TOKEN"], "s3cret-value", "the mask was never stored: {vars}");
    assert_eq!(vars["GREETING"], "hello");
    // The new version serves them too (its frozen configuration).
    let (_, version) = app
        .cloud(
            &token,
            "tcbr/DescribeVersionDetail",
            json!({"EnvId": env, "ServerName": "shop", "VersionName": "shop-002"}),
        )
        .await;
    assert!(version["EnvParams"].as_str().unwrap().contains("hello"), "{version}");

    // A masked name the settings do not hold cannot be restored.
    let unknown = json!({"EnvId": env, "ServerName": "shop",
        "Items": [{"Key": "EnvParam", "Value": format!(r#"{{"NEW_SECRET":"{SECRET_MASK}"}}"#)}]});
    let (status, body) = app.cloud(&token, "tcbr/SubmitServerConfigChangeDiff", unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("NEW_SECRET"), "{body}");
    // Nor can variables hidden as a whole.
    let whole = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.28"},
        "Items": [{"Key": "EnvParam", "Value": SECRET_MASK}]});
    let (status, body) = app.cloud(&token, "tcbr/UpdateCloudRunServer", whole).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(revealed(&app, &token, &env).await["API_TOKEN"], "s3cret-value");
}

#[tokio::test]
async fn the_timeline_tells_who_changed_what_refusals_included() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 20).await;
    let token = app.login().await;
    let env = shop(&app, &token).await;
    let gray = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.28", "ReleaseType": "GRAY"}});
    let (status, answer) = app.cloud(&token, "tcbr/UpdateCloudRunServer", gray).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let task = app.started(&token, &env, "shop", &answer).await;
    let gray_task = settled(&app, &token, &env, task).await;
    assert_eq!(gray_task["Status"], "running", "the release stays open: {gray_task}");

    // The progress stream ends with the deploy, naming the open release.
    let events = app.get(&format!("/api/envs/{env}/services/shop/tasks/{task}/events"), Some(&token)).send();
    let text = tokio::time::timeout(Duration::from_secs(20), async { events.await.unwrap().text().await.unwrap() })
        .await
        .expect("the stream ends");
    let done = text.lines().rev().find(|l| l.starts_with("data:") && l.contains("status")).unwrap();
    assert!(done.contains(r#""status":"running""#) && done.contains("shop-002"), "{done}");

    let split = json!({"EnvId": env, "ServerName": "shop", "GrayType": "gray", "TrafficType": "FLOW",
        "VersionFlowItems": [
            {"VersionName": "shop-001", "FlowRatio": 70, "IsDefaultPriority": true},
            {"VersionName": "shop-002", "FlowRatio": 30, "IsDefaultPriority": false}]});
    let (status, body) = app.cloud(&token, "tcbr/ReleaseGray", split).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Refused while the release is open (R-UPD-6): recorded as what it was.
    let rollback = json!({"EnvId": env, "ServerName": "shop",
        "CurrentVersionName": "shop-001", "RollbackVersionName": "shop-001"});
    let (status, _) = app.cloud(&token, "tcbr/SubmitServerRollback", rollback).await;
    assert!(status.is_client_error(), "{status}");
    let finish = json!({"EnvId": env, "ServerName": "shop", "TaskId": task, "OperateType": "done"});
    let (status, body) = app.cloud(&token, "tcbr/OperateServerManage", finish).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let resp = app.get(&format!("/api/envs/{env}/services/shop/timeline"), Some(&token)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let timeline: Vec<TimelineEvent> = resp.json().await.unwrap();
    let asked: Vec<(TimelineKind, bool)> =
        timeline.iter().filter(|e| e.who.as_deref() == Some("admin")).map(|e| (e.kind, e.failed)).collect();
    assert_eq!(
        asked,
        vec![
            (TimelineKind::GrayFinished, false),
            (TimelineKind::RollbackAsked, true),
            (TimelineKind::TrafficSplit, false),
            (TimelineKind::GrayAsked, false),
            (TimelineKind::DeployAsked, false),
        ],
        "newest first: {timeline:?}"
    );
    let split = timeline.iter().find(|e| e.kind == TimelineKind::TrafficSplit).unwrap();
    assert_eq!(split.detail, "shop-001 70% · shop-002 30%");
    let refused = timeline.iter().find(|e| e.kind == TimelineKind::RollbackAsked).unwrap();
    assert_eq!(refused.version.as_deref(), Some("shop-001"), "the target, not the error code: {refused:?}");
    assert!(timeline.iter().any(|e| e.kind == TimelineKind::VersionReady && e.version.as_deref() == Some("shop-001")));
    for e in &timeline {
        assert!(!e.detail.contains("s3cret"), "{e:?}");
    }
}
