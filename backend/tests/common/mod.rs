//! The harness every backend test uses: a real console on port 0 with its
//! embedded localcloud, a scratch data directory and a clock tests can move.

#![allow(dead_code)] // each test binary uses its own part of the harness

use std::sync::Arc;

use console_backend::clock::{Clock, ManualClock};
use console_backend::config::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct TestApp {
    pub base: String,
    /// `__Host-console_session` over TLS, `console_session` otherwise.
    pub cookie_name: &'static str,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub data: tempfile::TempDir,
    pub _dist: tempfile::TempDir,
    pub hub: Arc<console_backend::Hub>,
}

/// What the first admin starts with (from CONSOLE_ADMIN_PASSWORD, so it must
/// be changed at the first sign-in), and what the harness changes it to.
pub const INITIAL_ADMIN_PASSWORD: &str = "initial-admin-password-for-tests";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const INDEX: &str = r#"<!doctype html><html><head><link rel="modulepreload" href="/console-frontend-0123456789abcdef.js"><script type="module" nonce="{{__TRUNK NONCE__}}">import init from '/console-frontend-0123456789abcdef.js';init();</script></head><body></body></html>"#;

pub fn dist() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dist.path().join("console-frontend-0123456789abcdef.js"), "export default function init() {}")
        .unwrap();
    std::fs::write(dist.path().join("robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
    dist
}

impl TestApp {
    /// A console whose first admin has already chosen `ADMIN_PASSWORD`.
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> TestApp {
        let app = Self::start_fresh(edit).await;
        let resp = app.login_with("admin", INITIAL_ADMIN_PASSWORD, None).await;
        assert_eq!(resp.status(), 200, "the first admin signs in");
        let token = session_token(&resp);
        let body = json!({"current_password": INITIAL_ADMIN_PASSWORD, "new_password": ADMIN_PASSWORD});
        let changed = app.post("/api/account/password", Some(&token)).json(&body).send().await.unwrap();
        assert_eq!(changed.status(), 200, "the first admin chooses a password");
        let session = session_token(&changed);
        app.post("/api/auth/logout", Some(&session)).send().await.unwrap();
        app
    }

    /// A console as its operator first starts it.
    pub async fn start_fresh(edit: impl FnOnce(&mut Config)) -> TestApp {
        let data = tempfile::tempdir().unwrap();
        let dist = dist();
        let mut config = Config::for_tests(data.path().to_path_buf(), dist.path().to_path_buf());
        config.admin_password = Some(INITIAL_ADMIN_PASSWORD.into());
        edit(&mut config);
        let tls = config.behind_tls || config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let cookie_name = if tls { "__Host-console_session" } else { "console_session" };
        let clock = Arc::new(ManualClock::new(1_800_000_000));
        let running = console_backend::start(config, clock.clone() as Arc<dyn Clock>).await.unwrap();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp {
            base: format!("http://{}", running.addr),
            cookie_name,
            http,
            clock,
            data,
            _dist: dist,
            hub: running.hub.clone(),
        }
    }

    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    /// A POST as the SPA sends it: same-origin, with the console header.
    pub fn post(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-console-request", "1")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = cookie {
            req = req.header("cookie", format!("{}={c}", self.cookie_name));
        }
        req
    }

    pub fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", format!("{}={c}", self.cookie_name));
        }
        req
    }

    pub async fn login_with(&self, username: &str, password: &str, old: Option<&str>) -> reqwest::Response {
        self.post("/api/auth/login", old)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Logs the admin in and returns the session token.
    pub async fn login(&self) -> String {
        let resp = self.login_with("admin", ADMIN_PASSWORD, None).await;
        assert_eq!(resp.status(), 200);
        session_token(&resp)
    }

    /// Creates a Trial environment named `alias` in `region`; returns its EnvId.
    pub async fn new_env(&self, cookie: &str, region: &str, alias: &str) -> String {
        let path = format!("tcbr/CreateCloudRunEnv?region={region}");
        let (_, r) = self.cloud(cookie, &path, json!({"PackageType": "Trial", "Alias": alias})).await;
        r["EnvId"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
    }

    /// The deploy that Create/UpdateCloudRunServer started, given its answer:
    /// both answer TaskId 0, as the real API does, so the task is found as
    /// the console and the CLI find it (DescribeServerManageTask, TaskId 0).
    pub async fn started(&self, cookie: &str, env: &str, service: &str, answer: &Value) -> i64 {
        assert_eq!(answer["TaskId"], 0, "{answer}");
        let current = json!({"EnvId": env, "ServerName": service, "TaskId": 0});
        let (_, r) = self.cloud(cookie, "tcbr/DescribeServerManageTask", current).await;
        assert_eq!(r["IsExist"], true, "{r}");
        r["Task"]["Id"].as_i64().unwrap_or_else(|| panic!("{r}"))
    }

    pub async fn cloud(&self, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self.post(&format!("/api/cloud/{path}"), Some(cookie)).json(&body).send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }
}

/// The session token a response set (either cookie name).
pub fn session_token(resp: &reqwest::Response) -> String {
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap();
    let token = pair.strip_prefix("console_session=").or_else(|| pair.strip_prefix("__Host-console_session="));
    token.unwrap_or_else(|| panic!("no session cookie in {cookie}")).to_string()
}

/// One parsed Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub id: String,
    pub event: String,
    pub data: Value,
}

/// The complete events of an event stream's text (comments and events
/// without an id or JSON data skipped).
pub fn parse(text: &str) -> Vec<Sse> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut event = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().to_string());
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
