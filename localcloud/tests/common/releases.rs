//! Releases as the tests drive them: gray updates, splits, rollbacks and
//! settings changes, and requests through the gateway counted by version.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};

use super::{Call, Cloud, detail, run_id, started, wait_task};

pub fn call(action: &str, body: Value) -> Call<'_> {
    Call::new("tcbr", action, body)
}

pub fn items(greeting: &str) -> Value {
    json!([
        {"Key": "Port", "IntValue": 8080},
        {"Key": "EnvParam", "Value": json!({"GREETING": greeting}).to_string()},
    ])
}

/// Creates `name` from `image` and waits for its first deploy; its domain.
pub async fn create(cloud: &Cloud, env: &str, name: &str, image: &str, greeting: &str) -> String {
    let r = call(
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": image}, "Items": items(greeting)}),
    )
    .send(cloud)
    .await;
    let task = started(cloud, env, name, &r).await;
    assert_eq!(wait_task(cloud, env, name, task).await["Status"], "finished");
    detail(cloud, env, name).await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string()
}

pub fn update_call<'a>(env: &str, name: &str, image: &str, release: &str, greeting: &str) -> Call<'a> {
    call(
        "UpdateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "Items": items(greeting),
               "DeployInfo": {"DeployType": "image", "ImageUrl": image, "ReleaseType": release}}),
    )
}

/// A full update, waited for; the task.
pub async fn full_update(cloud: &Cloud, env: &str, name: &str, image: &str, greeting: &str) -> Value {
    let r = update_call(env, name, image, "FULL", greeting).send(cloud).await;
    let task = started(cloud, env, name, &r).await;
    wait_task(cloud, env, name, task).await
}

/// A gray update; once its release order is open, the gray task's id.
pub async fn gray_update(cloud: &Cloud, env: &str, name: &str, image: &str) -> i64 {
    let r = update_call(env, name, image, "GRAY", "gray").send(cloud).await;
    let task = started(cloud, env, name, &r).await;
    for _ in 0..300 {
        let o = order(cloud, env, name, Some("open")).await;
        if o["IsExist"] == true {
            return task;
        }
        let t = call("DescribeServerManageTask", json!({"EnvId": env, "ServerName": name, "TaskId": task}))
            .send(cloud)
            .await;
        assert_eq!(t["Task"]["Status"], "running", "the gray deploy ended: {t}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no release order opened");
}

pub async fn order(cloud: &Cloud, env: &str, name: &str, status: Option<&str>) -> Value {
    let mut body = json!({"EnvId": env, "ServerName": name});
    if let Some(s) = status {
        body["Status"] = json!(s);
    }
    call("DescribeReleaseOrder", body).send(cloud).await
}

pub async fn release_gray(cloud: &Cloud, env: &str, name: &str, split: Value) -> Value {
    let mut body = json!({"EnvId": env, "ServerName": name, "GrayType": "gray"});
    body.as_object_mut().unwrap().extend(split.as_object().unwrap().clone());
    call("ReleaseGray", body).send(cloud).await
}

pub fn flow(stable: (&str, i64), canary: (&str, i64)) -> Value {
    json!({"TrafficType": "FLOW", "GrayFlowRatio": canary.1, "VersionFlowItems": [
        {"VersionName": stable.0, "FlowRatio": stable.1, "IsDefaultPriority": true, "Priority": 1},
        {"VersionName": canary.0, "FlowRatio": canary.1, "IsDefaultPriority": false, "Priority": 2},
    ]})
}

pub fn url_rule(default: &str, routed: &str, key: &str, value: &str) -> Value {
    json!({"TrafficType": "URL_PARAMS", "VersionFlowItems": [
        {"VersionName": default, "IsDefaultPriority": true},
        {"VersionName": routed, "IsDefaultPriority": false, "UrlParam": {"Key": key, "Value": value}, "Priority": 1},
    ]})
}

pub async fn operate(cloud: &Cloud, env: &str, name: &str, task: i64, how: &str) -> Value {
    call("OperateServerManage", json!({"EnvId": env, "ServerName": name, "TaskId": task, "OperateType": how}))
        .send(cloud)
        .await
}

pub async fn task(cloud: &Cloud, env: &str, name: &str, id: i64) -> Value {
    call("DescribeServerManageTask", json!({"EnvId": env, "ServerName": name, "TaskId": id})).send(cloud).await["Task"]
        .clone()
}

/// `(version, flow ratio)` of the service detail.
pub async fn online(cloud: &Cloud, env: &str, name: &str) -> Vec<(String, String)> {
    let d = detail(cloud, env, name).await;
    d["OnlineVersionInfos"]
        .as_array()
        .unwrap_or_else(|| panic!("{d}"))
        .iter()
        .map(|v| (v["VersionName"].as_str().unwrap().into(), v["FlowRatio"].as_str().unwrap().into()))
        .collect()
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(v, r)| (v.to_string(), r.to_string())).collect()
}

/// One request through the gateway; `(status, version that answered, body)`.
pub async fn get(client: &reqwest::Client, cloud: &Cloud, domain: &str, path: &str) -> (u16, String, Value) {
    let host = domain.trim_start_matches("http://");
    let r = client.get(format!("http://{}{path}", cloud.gateway)).header("host", host).send().await.unwrap();
    let status = r.status().as_u16();
    let version = r.headers().get("x-localcloud-version").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, version, body)
}

/// `n` requests to `path`, 16 at a time: how many each version answered.
pub async fn hits(cloud: &Cloud, domain: &str, path: &str, n: usize) -> HashMap<String, usize> {
    let client = reqwest::Client::new();
    let answers: Vec<_> =
        futures::stream::iter(0..n).map(|_| get(&client, cloud, domain, path)).buffer_unordered(16).collect().await;
    let mut by_version = HashMap::new();
    for (status, version, body) in answers {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["version"], version.as_str(), "the header names the version that answered");
        *by_version.entry(version).or_default() += 1;
    }
    by_version
}

pub fn only(version: &str, n: usize) -> HashMap<String, usize> {
    HashMap::from([(version.to_string(), n)])
}

pub async fn records(cloud: &Cloud, env: &str, name: &str) -> Vec<Value> {
    let r = call("DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": name})).send(cloud).await;
    r["DeployRecords"].as_array().unwrap_or_else(|| panic!("{r}")).clone()
}

pub async fn process_log(cloud: &Cloud, env: &str, name: &str, version: &str) -> String {
    let run = run_id(cloud, env, name, version).await;
    let r = call("DescribeCloudRunProcessLog", json!({"EnvId": env, "RunId": run})).send(cloud).await;
    r["Logs"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

pub fn rollback_call<'a>(env: &str, name: &str, current: &str, target: &str) -> Call<'a> {
    call(
        "SubmitServerRollback",
        json!({"EnvId": env, "ServerName": name, "CurrentVersionName": current, "RollbackVersionName": target}),
    )
}

pub fn settings_call<'a>(env: &str, name: &str, items: Value) -> Call<'a> {
    call("SubmitServerConfigChangeDiff", json!({"EnvId": env, "ServerName": name, "Items": items}))
}

/// Requests go on, one after the other, until `stop`; the failures.
pub fn keep_visiting(cloud: &Cloud, domain: &str, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(usize, usize)> {
    let (gateway, host) = (cloud.gateway, domain.trim_start_matches("http://").to_string());
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let (sent, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        while !stop.load(Ordering::Relaxed) {
            sent.fetch_add(1, Ordering::Relaxed);
            let ok = client
                .get(format!("http://{gateway}/"))
                .header("host", &host)
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if !ok {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        (sent.into_inner(), failed.into_inner())
    })
}
