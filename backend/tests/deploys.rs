//! Live deploy progress through the BFF: one poller per task for any number
//! of subscribers, resume with `Last-Event-ID` (also on a console started
//! since), membership enforced.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::{Sse, TestApp, parse};
use console_backend::FirstAdmin;
use console_backend::clock::ManualClock;
use console_backend::config::Config;
use console_shared::tc3::Credential;
use serde_json::{Value, json};

/// What the deploy tests call: the shared harness, or a console they stop and start again.
trait Api {
    fn post(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder;
}

impl Api for TestApp {
    fn post(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
        TestApp::post(self, path, cookie)
    }
}

async fn cloud(app: &impl Api, token: &str, path: &str, body: Value) -> Value {
    app.post(&format!("/api/cloud/{path}"), Some(token)).json(&body).send().await.unwrap().json().await.unwrap()
}

/// An environment with a service whose first deploy just started.
async fn deploying(app: &impl Api, token: &str) -> (String, i64) {
    let env = cloud(
        app,
        token,
        "tcbr/CreateCloudRunEnv?region=ap-guangzhou",
        json!({"PackageType": "Trial", "Alias": "live"}),
    )
    .await;
    let env = env["EnvId"].as_str().unwrap_or_else(|| panic!("{env}")).to_string();
    let created = cloud(
        app,
        token,
        "tcbr/CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "shop", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
    )
    .await;
    // Create answers TaskId 0, as the real API does; the deploy is the current task.
    assert_eq!(created["TaskId"], 0, "{created}");
    let current = json!({"EnvId": env, "ServerName": "shop", "TaskId": 0});
    let task = cloud(app, token, "tcbr/DescribeServerManageTask", current).await;
    (env, task["Task"]["Id"].as_i64().unwrap_or_else(|| panic!("{task}")))
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

    // Every event has its own id; steps go live one by one; it ends with `done`.
    let ids: std::collections::HashSet<&str> = a.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), a.len(), "{a:?}");
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
    assert_eq!(last.id, "end");

    // A finished task replays its record to a late subscriber.
    let late = parse(&app.get(&path, Some(&token)).send().await.unwrap().text().await.unwrap());
    assert_eq!(late, a);
}

#[tokio::test]
async fn last_event_id_resumes_without_loss_or_duplicates() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 150).await;
    let token = app.login().await;
    let (env, task) = deploying(&app, &token).await;
    let path = events_path(&env, task);

    // Read three events, then drop the connection as a flaky network would.
    let first = app.get(&path, Some(&token)).send().await.unwrap();
    let before = read_until(first, |seen| seen.len() >= 3).await;
    let before = &before[..3];

    let rest = app.get(&path, Some(&token)).header("last-event-id", &before[2].id).send().await.unwrap();
    let after = parse(&rest.text().await.unwrap());
    assert_eq!(after.last().unwrap().event, "done");
    let whole = parse(&app.get(&path, Some(&token)).send().await.unwrap().text().await.unwrap());
    let joined: Vec<Sse> = before.iter().chain(after.iter()).cloned().collect();
    assert_eq!(joined, whole, "no loss, no duplicate");
}

/// Reads a live stream until `enough` says so; the connection then drops.
async fn read_until(mut resp: reqwest::Response, enough: impl Fn(&[Sse]) -> bool) -> Vec<Sse> {
    let mut text = String::new();
    while !enough(&parse(&text)) {
        let chunk = resp.chunk().await.unwrap().expect("the stream goes on until done");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    // Only whole events: the last block may be cut off mid-line.
    let whole = text.rfind("\n\n").map_or("", |end| &text[..end + 2]);
    parse(whole)
}

/// A console in front of a standalone cloud, as in production: stopping it
/// leaves the cloud and its deploys running.
struct Console {
    base: String,
    /// The first admin's password, when this start created it.
    admin_password: Option<String>,
    http: reqwest::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<()>,
}

impl Api for Console {
    fn post(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-console-request", "1")
            .header("sec-fetch-site", "same-origin");
        match cookie {
            Some(c) => req.header("cookie", format!("console_session={c}")),
            None => req,
        }
    }
}

const CLOUD: (&str, &str) = ("AKIDrestart", "restart-secret");

impl Console {
    async fn start(data: &Path, dist: &Path, cloud: SocketAddr) -> Console {
        let mut config = Config::for_tests(data.to_path_buf(), dist.to_path_buf());
        config.cloud_endpoint = Some(cloud.to_string());
        config.cloud_scheme = "http".into();
        config.cloud_secret_id = Some(CLOUD.0.into());
        config.cloud_secret_key = Some(CLOUD.1.into());
        // A generated password, unlike one from the environment, needs no change before use.
        config.admin_password = None;
        let running = console_backend::start(config, Arc::new(ManualClock::new(1_800_000_000))).await.unwrap();
        let base = format!("http://{}", running.addr);
        let admin_password = match &running.first_admin {
            Some(FirstAdmin::Generated(password)) => Some(password.clone()),
            _ => None,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(running.serve_until(async {
            let _ = stopped.await;
        }));
        Console { base, admin_password, http: reqwest::Client::new(), stop, served }
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.served.await.unwrap();
    }

    fn events(&self, path: &str, token: &str, last_event_id: Option<&str>) -> reqwest::RequestBuilder {
        let req = self.http.get(format!("{}{path}", self.base)).header("cookie", format!("console_session={token}"));
        match last_event_id {
            Some(id) => req.header("last-event-id", id),
            None => req,
        }
    }
}

#[tokio::test]
async fn a_browser_resumes_on_a_restarted_console_without_repeats_or_gaps() {
    let cloud = tempfile::tempdir().unwrap();
    let cloud = localcloud::start(localcloud::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        gateway_addr: "127.0.0.1:0".parse().unwrap(),
        gateway_tls_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: cloud.path().to_path_buf(),
        credentials: vec![Credential { secret_id: CLOUD.0.into(), secret_key: CLOUD.1.into() }],
        // Over two of the hub's 400 ms polls, so it always sees step 2 running.
        step_delay: std::time::Duration::from_millis(900),
        package_max_bytes: 1 << 20,
        package_quota_bytes_per_env: localcloud::DEFAULT_PACKAGE_QUOTA_BYTES,
        scale_to_zero_after: std::time::Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
        drain_after: std::time::Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
        instance_program: env!("CARGO_BIN_EXE_console").into(),
        log_retention: std::time::Duration::from_secs(localcloud::DEFAULT_LOG_RETENTION_SECS),
    })
    .await
    .unwrap();
    let (data, dist) = (tempfile::tempdir().unwrap(), common::dist());
    let first = Console::start(data.path(), dist.path(), cloud.api_addr).await;
    let password = first.admin_password.clone().expect("the first start creates the admin");
    let login = first.post("/api/auth/login", None).json(&json!({"username": "admin", "password": password}));
    let token = common::session_token(&login.send().await.unwrap());
    let (env, task) = deploying(&first, &token).await;
    let path = events_path(&env, task);

    // Watch until the second step runs, then the console goes away mid-deploy.
    let live = first.events(&path, &token, None).send().await.unwrap();
    let running = |seen: &[Sse]| seen.iter().any(|e| e.data["index"] == 1 && e.data["status"] == "running");
    let before = read_until(live, running).await;
    first.stop().await;

    // The browser's EventSource reconnects to the new process with the last id it got.
    let second = Console::start(data.path(), dist.path(), cloud.api_addr).await;
    let last_id = &before.last().unwrap().id;
    let resumed = second.events(&path, &token, Some(last_id)).send().await.unwrap();
    assert_eq!(resumed.status(), 200, "the session lives in the data directory");
    let after = tokio::time::timeout(std::time::Duration::from_secs(20), resumed.text())
        .await
        .expect("the resumed stream ends rather than idling on keep-alives")
        .unwrap();
    let after = parse(&after);
    let done = after.last().unwrap();
    assert_eq!((done.event.as_str(), done.data["status"].as_str()), ("done", Some("finished")), "{after:?}");

    // Every step reaches its end exactly once across both connections, in order,
    // and no step state the browser already had comes again.
    let steps = |events: &[Sse]| -> Vec<(u64, String)> {
        events
            .iter()
            .filter(|e| e.event == "step")
            .map(|e| (e.data["index"].as_u64().unwrap(), e.data["status"].as_str().unwrap().to_string()))
            .collect()
    };
    let (had, got) = (steps(&before), steps(&after));
    assert!(got.iter().all(|s| !had.contains(s)), "repeated: {had:?} then {got:?}");
    let finished: Vec<u64> =
        had.iter().chain(got.iter()).filter(|(_, status)| status == "finished").map(|(i, _)| *i).collect();
    assert_eq!(finished, vec![0, 1, 2, 3, 4]);
    assert!(got.first().is_some_and(|(index, _)| *index == 1), "it picks up at the running step: {got:?}");

    // The log, too: what came before and after the restart is the whole log, once.
    let lines = |events: &[Sse]| -> Vec<String> {
        events.iter().filter(|e| e.event == "log").map(|e| e.data["line"].as_str().unwrap().to_string()).collect()
    };
    let whole = parse(&second.events(&path, &token, None).send().await.unwrap().text().await.unwrap());
    let joined: Vec<String> = lines(&before).into_iter().chain(lines(&after)).collect();
    assert_eq!(joined, lines(&whole));
    assert!(!lines(&before).is_empty() && !lines(&after).is_empty(), "the log goes on across the restart");
    second.stop().await;
}

#[tokio::test]
async fn an_id_a_finished_task_cannot_continue_from_gets_a_full_replay() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (env, task) = deploying(&app, &token).await;
    let path = events_path(&env, task);
    let whole = parse(&app.get(&path, Some(&token)).send().await.unwrap().text().await.unwrap());
    assert_eq!(whole.last().unwrap().event, "done");
    let steps =
        whole.iter().filter(|e| e.event == "step").map(|e| e.data["index"].as_u64().unwrap()).max().unwrap() + 1;
    let logs = whole.iter().filter(|e| e.event == "log").count();
    // Well-formed, but past the end: a step the task does not have, a line it never logged.
    let too_many_steps = format!("s{}l0", "3".repeat(steps as usize + 1));
    let too_many_lines = format!("s{}l{}", "3".repeat(steps as usize), logs + 1);
    for id in ["bogus", "3", "18446744073709551615", "end", "s9l0", too_many_steps.as_str(), too_many_lines.as_str()] {
        let resp = app.get(&path, Some(&token)).header("last-event-id", id).send().await.unwrap();
        let replay = tokio::time::timeout(std::time::Duration::from_secs(10), resp.text())
            .await
            .unwrap_or_else(|_| panic!("{id}: no silence"))
            .unwrap();
        assert_eq!(parse(&replay), whole, "{id}: the whole record, ending in done");
    }
    // An id inside the record resumes from there: the last line leaves only `done`.
    let before_done = &whole[whole.len() - 2].id;
    let rest = app.get(&path, Some(&token)).header("last-event-id", before_done).send().await.unwrap();
    let rest = parse(&rest.text().await.unwrap());
    assert_eq!(rest, whole[whole.len() - 1..]);
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

    // Last, `api` gets a custom domain whose certificate is due for renewal.
    let envs = cloud(&app, &token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
    let env = envs["EnvList"][0]["EnvId"].as_str().unwrap().to_string();
    let mut domains = Value::Null;
    for _ in 0..200 {
        domains = cloud(&app, &token, "tcb/DescribeHTTPServiceRoute", json!({"EnvId": env})).await;
        if domains["TotalCount"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let bound = &domains["Domains"][0];
    assert_eq!(
        (bound["Domain"].as_str(), bound["Protocol"].as_str()),
        (Some("api.demo.localhost"), Some("HTTP_TO_HTTPS"))
    );
    assert_eq!(bound["Routes"][0]["UpstreamResourceName"], "api", "{domains}");
    let cert = cloud(&app, &token, "ssl/DescribeCertificateDetail", json!({"CertificateId": bound["CertId"]})).await;
    let ends = console_shared::time::parse_cst(cert["CertEndTime"].as_str().unwrap()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(console_shared::certs::expires_soon(ends, now), "flagged for renewal: {cert}");
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

/// R-DEP-5: records say who made each change: the console signs the remark
/// with the signed-in user, in front of what they wrote.
#[tokio::test]
async fn r_dep_5_records_name_who_deployed() {
    let app = TestApp::start_with(|c| c.localcloud_step_ms = 20).await;
    let token = app.login().await;
    let (env, first) = deploying(&app, &token).await;
    let update = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.27", "DeployRemark": "hotfix\u{202E} 2"}});
    // The first deploy may still run (R-SVC-4): retry until the update is taken.
    let mut second = None;
    for _ in 0..100 {
        let (status, body) = app.cloud(&token, "tcbr/UpdateCloudRunServer", update.clone()).await;
        if status == 200 {
            second = Some(app.started(&token, &env, "shop", &body).await);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let remark = |task: i64| {
        let body = json!({"EnvId": env, "ServerName": "shop", "TaskId": task});
        let app = &app;
        let token = &token;
        async move {
            let (_, t) = app.cloud(token, "tcbr/DescribeServerManageTask", body).await;
            t["Task"]["OperatorRemark"].as_str().unwrap_or_default().to_string()
        }
    };
    assert_eq!(remark(first).await, "admin");
    assert_eq!(remark(second.expect("the update was taken")).await, "admin: hotfix  2", "one line, no bidi override");
}
