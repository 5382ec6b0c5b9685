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
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub data: tempfile::TempDir,
    pub _dist: tempfile::TempDir,
    pub hub: Arc<console_backend::events::Hub>,
}

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
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> TestApp {
        let data = tempfile::tempdir().unwrap();
        let dist = dist();
        let mut config = Config::for_tests(data.path().to_path_buf(), dist.path().to_path_buf());
        edit(&mut config);
        let clock = Arc::new(ManualClock::new(1_800_000_000));
        let running = console_backend::start(config, clock.clone() as Arc<dyn Clock>).await.unwrap();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { base: format!("http://{}", running.addr), http, clock, data, _dist: dist, hub: running.hub.clone() }
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
            req = req.header("cookie", format!("console_session={c}"));
        }
        req
    }

    pub fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", format!("console_session={c}"));
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

    pub async fn cloud(&self, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self.post(&format!("/api/cloud/{path}"), Some(cookie)).json(&body).send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }
}

pub fn session_token(resp: &reqwest::Response) -> String {
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().strip_prefix("console_session=").unwrap().to_string()
}
