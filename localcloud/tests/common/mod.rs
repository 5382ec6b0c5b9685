//! Signed calls to a localcloud on port 0, shared by the test files.

#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod domains;
pub mod packages;
pub mod releases;

use std::path::Path;
use std::time::Duration;

use console_shared::tc3::{self, Credential};
use serde_json::{Value, json};

pub const ID: &str = "AKIDtest";
pub const KEY: &str = "test-secret-key";

pub struct Cloud {
    pub addr: std::net::SocketAddr,
    pub gateway: std::net::SocketAddr,
    /// The scratch data directory, when this cloud owns it.
    pub dir: Option<tempfile::TempDir>,
}

/// Deploy steps short enough for tests that only wait for the outcome.
pub const STEP: Duration = Duration::from_millis(20);

/// The package cap of test clouds: small, so the over-the-cap case is cheap.
pub const PACKAGE_MAX: u64 = 64 * 1024;

/// The settings of a test localcloud on `data_dir` whose deploy steps take `step`.
pub fn config(data_dir: &Path, step: Duration) -> localcloud::Config {
    localcloud::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        gateway_addr: "127.0.0.1:0".parse().unwrap(),
        gateway_tls_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.to_path_buf(),
        credentials: vec![Credential { secret_id: ID.into(), secret_key: KEY.into() }],
        step_delay: step,
        package_max_bytes: PACKAGE_MAX,
        package_quota_bytes_per_env: localcloud::DEFAULT_PACKAGE_QUOTA_BYTES,
        // The product's windows: no test sees a version scale to zero or a
        // drain end unless it shortens them (tests/scaling.rs does).
        scale_to_zero_after: Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
        drain_after: Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
        instance_program: env!("CARGO_BIN_EXE_localcloud").into(),
        log_retention: Duration::from_secs(localcloud::DEFAULT_LOG_RETENTION_SECS),
    }
}

/// A localcloud with these settings.
pub async fn start_config(config: localcloud::Config) -> Cloud {
    let running = localcloud::start(config).await.unwrap();
    Cloud { addr: running.api_addr, gateway: running.gateway_addr, dir: None }
}

/// A localcloud on `data_dir` whose deploy steps take `step`.
pub async fn start_on(data_dir: &Path, step: Duration) -> Cloud {
    start_config(config(data_dir, step)).await
}

impl Cloud {
    /// Keeps `dir` alive as long as this cloud.
    fn owning(mut self, dir: tempfile::TempDir) -> Self {
        self.dir = Some(dir);
        self
    }
}

/// A localcloud on a fresh scratch directory it owns, with steps of `step`.
pub async fn start_with_steps(step: Duration) -> Cloud {
    let dir = tempfile::tempdir().unwrap();
    start_on(dir.path(), step).await.owning(dir)
}

pub async fn start_in(dir: tempfile::TempDir) -> Cloud {
    start_on(dir.path(), STEP).await.owning(dir)
}

pub async fn start() -> Cloud {
    start_in(tempfile::tempdir().unwrap()).await
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Options for one raw call, so each test can break exactly one thing.
pub struct Call<'a> {
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: Option<&'a str>,
    pub body: Vec<u8>,
    pub timestamp: i64,
    pub secret_id: &'a str,
    pub secret_key: &'a str,
}

impl<'a> Call<'a> {
    pub fn new(service: &'a str, action: &'a str, body: Value) -> Self {
        let version = if service == "tcb" { "2018-06-08" } else { "2022-02-17" };
        Call {
            service,
            action,
            version,
            region: None,
            body: body.to_string().into_bytes(),
            timestamp: now(),
            secret_id: ID,
            secret_key: KEY,
        }
    }

    pub async fn send_with(
        self,
        cloud: &Cloud,
        edit: impl FnOnce(&mut Vec<(&'static str, String)>),
    ) -> (reqwest::StatusCode, String, Value) {
        let host = cloud.addr.to_string();
        let cred = Credential { secret_id: self.secret_id.into(), secret_key: self.secret_key.into() };
        let target = tc3::Target {
            service: self.service,
            host: &host,
            action: self.action,
            version: self.version,
            region: self.region,
        };
        let mut signed = tc3::sign_json_post(&cred, target, self.timestamp, &self.body);
        edit(&mut signed.headers);
        let mut req = reqwest::Client::new().post(format!("http://{host}/")).body(self.body);
        for (k, v) in signed.headers {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        let v: Value = resp.json().await.unwrap();
        (status, ct, v)
    }

    pub async fn send(self, cloud: &Cloud) -> Value {
        let (status, ct, v) = self.send_with(cloud, |_| {}).await;
        assert_eq!(status, 200, "API 3.0 answers 200 even for errors");
        assert_eq!(ct, "application/json", "exactly application/json, no charset");
        assert!(v["Response"]["RequestId"].is_string(), "{v}");
        v["Response"].clone()
    }
}

pub fn code(resp: &Value) -> &str {
    resp["Error"]["Code"].as_str().unwrap_or("<no error>")
}

pub async fn create_env(cloud: &Cloud, region: &str, alias: &str) -> String {
    let mut call = Call::new("tcbr", "CreateCloudRunEnv", json!({"PackageType": "Trial", "Alias": alias}));
    call.region = Some(region);
    let r = call.send(cloud).await;
    r["EnvId"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
}

/// The deploy that Create/UpdateCloudRunServer started, given its answer:
/// both answer TaskId 0, as the real API does, so the task is found as the
/// CLI finds it (DescribeServerManageTask with TaskId 0).
pub async fn started(cloud: &Cloud, env: &str, name: &str, answer: &Value) -> i64 {
    assert_eq!(answer["TaskId"], 0, "{answer}");
    let r = Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": name, "TaskId": 0}))
        .send(cloud)
        .await;
    assert_eq!(r["IsExist"], true, "{r}");
    r["Task"]["Id"].as_i64().unwrap_or_else(|| panic!("{r}"))
}

/// The RunId of `version`'s deploy, read from its deploy record: RunIds are
/// opaque, as the real cloud's are.
pub async fn run_id(cloud: &Cloud, env: &str, name: &str, version: &str) -> String {
    let r =
        Call::new("tcbr", "DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": name})).send(cloud).await;
    let records = r["DeployRecords"].as_array().unwrap_or_else(|| panic!("{r}"));
    let record = records.iter().find(|d| d["DeployId"] == version).unwrap_or_else(|| panic!("no {version} in {r}"));
    record["RunId"].as_str().unwrap_or_else(|| panic!("{record}")).to_string()
}

/// Polls the task until it ends (bounded).
pub async fn wait_task(cloud: &Cloud, env: &str, name: &str, task: i64) -> Value {
    for _ in 0..300 {
        let r =
            Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": name, "TaskId": task}))
                .send(cloud)
                .await;
        if r["Task"]["Status"] != "running" {
            return r["Task"].clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task {task} did not end");
}

/// A task's steps as `(name, status)`, in order.
pub fn steps(task: &Value) -> Vec<(&str, &str)> {
    let steps = task["Steps"].as_array().unwrap_or_else(|| panic!("{task}"));
    steps.iter().map(|s| (s["Name"].as_str().unwrap(), s["Status"].as_str().unwrap())).collect()
}

/// The store of a cloud on a scratch directory, opened beside it: for tests
/// that break what localcloud keeps, as a broken disk or an old bug would.
pub async fn store(cloud: &Cloud) -> sqlx::SqlitePool {
    let path = cloud.dir.as_ref().expect("a cloud on a scratch directory").path().join("localcloud.db");
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap()
}

pub async fn detail(cloud: &Cloud, env: &str, name: &str) -> Value {
    Call::new("tcbr", "DescribeCloudRunServerDetail", json!({"EnvId": env, "ServerName": name})).send(cloud).await
}

/// A request to a service's default domain through the gateway.
pub async fn visit(cloud: &Cloud, domain: &str) -> reqwest::Response {
    let host = domain.trim_start_matches("http://");
    reqwest::Client::new().get(format!("http://{}/hello?x=1", cloud.gateway)).header("host", host).send().await.unwrap()
}
