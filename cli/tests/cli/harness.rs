//! What every test here needs: the real `tcbr` binary run with only the
//! environment a test gives it, a console started in-process (token mode)
//! and a standalone localcloud (key mode), both on port 0, and the console's
//! account API to make users, environments and tokens.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use console_backend::clock::{Clock, ManualClock};
use console_shared::tc3::{self, Credential};
use serde_json::{Value, json};

/// The key pair the standalone localcloud accepts.
pub const SECRET_ID: &str = "AKIDtest";
pub const SECRET_KEY: &str = "test-secret-key";
/// What the console's first admin starts with, and changes it to.
pub const INITIAL_ADMIN_PASSWORD: &str = "initial-admin-password-for-tests";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// Members' passwords.
const MEMBER_PASSWORD: &str = "member-password-1";
/// Deploy steps short enough that a deploy is over between two of tcbr's polls.
const STEP_MS: u64 = 20;
/// No command here runs longer unless it hangs.
const TCBR_DEADLINE: Duration = Duration::from_secs(90);

/// A binary cargo built beside `tcbr` (the workspace's `console`, which
/// also runs localcloud's instances). `cargo test --workspace` builds it;
/// alone, `cargo build -p console-backend` does.
pub fn sibling_binary(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_tcbr")).with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is missing: build it first (cargo build -p console-backend)", path.display());
    path
}

/// How one `tcbr` run ended.
#[derive(Debug)]
pub struct Ran {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// Asserts the exit code, showing everything the run printed when it differs.
    #[track_caller]
    pub fn exits(self, code: i32) -> Ran {
        assert_eq!(
            self.code,
            code,
            "tcbr {} exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// The `--json` envelope: exactly one line on standard output.
    #[track_caller]
    pub fn envelope(&self) -> Value {
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "--json prints one line on stdout: {self:#?}");
        serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// A successful `--json` run's `data`.
    #[track_caller]
    pub fn data(&self) -> Value {
        let envelope = self.envelope();
        assert_eq!((envelope["code"].as_i64(), envelope["errmsg"].as_str()), (Some(0), Some("success")), "{self:#?}");
        envelope["data"].clone()
    }
}

/// The `tcbr` binary with exactly these environment variables: nothing of
/// the machine's own (proxies, keys, tokens) leaks in.
#[derive(Debug, Clone, Default)]
pub struct Tcbr {
    vars: Vec<(String, String)>,
}

impl Tcbr {
    /// Token mode: through the console at `base`.
    pub fn through_console(base: &str, token: &str) -> Tcbr {
        Tcbr::default().with("TCBR_CONSOLE", base).with("TCBR_TOKEN", token)
    }

    /// Key mode: straight to the cloud at `endpoint`.
    pub fn to_cloud(endpoint: &str) -> Tcbr {
        Tcbr::default()
            .with("TENCENTCLOUD_SECRETID", SECRET_ID)
            .with("TENCENTCLOUD_SECRETKEY", SECRET_KEY)
            .with("TCBR_ENDPOINT", endpoint)
    }

    pub fn with(mut self, name: &str, value: &str) -> Tcbr {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.into(), value.into()));
        self
    }

    pub fn without(mut self, name: &str) -> Tcbr {
        self.vars.retain(|(n, _)| n != name);
        self
    }

    /// Runs `tcbr args…` with no terminal (stdin, stdout and stderr are not
    /// ttys: a CI job), off the async runtime so the servers keep serving.
    pub async fn run(&self, args: &[&str]) -> Ran {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tcbr"))
            .env_clear()
            .envs(self.vars.iter().map(|(n, v)| (n, v)))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcbr starts");
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("tcbr can be waited for") {
                break status;
            }
            if started.elapsed() > TCBR_DEADLINE {
                let _ = child.kill();
                panic!("tcbr {} did not end within {TCBR_DEADLINE:?}", args.join(" "));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let text = |h: std::thread::JoinHandle<String>| h.join().expect("the pipe reader ends");
        let ran = Ran {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: status.code().unwrap_or(-1),
            stdout: text(stdout),
            stderr: text(stderr),
        };
        // No terminal: plain lines for a CI log, nothing redrawn, no colours.
        let redrawn = |s: &str| s.contains(['\r', '\x1b']);
        assert!(!redrawn(&ran.stdout) && !redrawn(&ran.stderr), "no terminal, yet redrawn lines: {ran:#?}");
        ran
    }
}

/// Reads a child's pipe to its end on a thread, so a full pipe never blocks it.
pub fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut p) = pipe {
            let mut bytes = vec![];
            let _ = p.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// A standalone localcloud on port 0 (key mode).
pub struct Cloud {
    pub addr: std::net::SocketAddr,
    /// `http://127.0.0.1:PORT`, for `TCBR_ENDPOINT`.
    pub endpoint: String,
    pub data: tempfile::TempDir,
}

impl Cloud {
    pub async fn start() -> Cloud {
        let data = tempfile::tempdir().unwrap();
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        let config = localcloud::Config {
            addr: any,
            gateway_addr: any,
            gateway_tls_addr: any,
            data_dir: data.path().to_path_buf(),
            credentials: vec![Credential { secret_id: SECRET_ID.into(), secret_key: SECRET_KEY.into() }],
            step_delay: Duration::from_millis(STEP_MS),
            package_max_bytes: 16 * 1024 * 1024,
            package_quota_bytes_per_env: localcloud::DEFAULT_PACKAGE_QUOTA_BYTES,
            scale_to_zero_after: Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
            drain_after: Duration::from_secs(localcloud::DEFAULT_WINDOW_SECS),
            instance_program: sibling_binary("console"),
            log_retention: Duration::from_secs(localcloud::DEFAULT_LOG_RETENTION_SECS),
        };
        let running = localcloud::start(config).await.unwrap();
        Cloud { addr: running.api_addr, endpoint: format!("http://{}", running.api_addr), data }
    }

    /// Where its code packages are kept.
    pub fn packages(&self) -> PathBuf {
        self.data.path().join("packages")
    }

    /// A signed call, as the test's own (not through tcbr).
    pub async fn call(&self, action: &str, body: Value) -> Value {
        let host = self.addr.to_string();
        let credential = Credential { secret_id: SECRET_ID.into(), secret_key: SECRET_KEY.into() };
        let body = body.to_string().into_bytes();
        let target =
            tc3::Target { service: "tcbr", host: &host, action, version: "2022-02-17", region: Some("ap-shanghai") };
        let signed = tc3::sign_json_post(&credential, target, unix_now(), &body);
        let mut request = reqwest::Client::new().post(format!("http://{host}/")).body(body);
        for (name, value) in signed.headers {
            request = request.header(name, value);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        let response = answer["Response"].clone();
        assert!(response.get("Error").is_none(), "{action}: {response}");
        response
    }

    pub async fn new_env(&self, alias: &str) -> String {
        let answer = self.call("CreateCloudRunEnv", json!({"PackageType": "Trial", "Alias": alias})).await;
        answer["EnvId"].as_str().unwrap_or_else(|| panic!("{answer}")).to_string()
    }

    /// The service's variables as the cloud keeps them (unmasked).
    pub async fn env_params(&self, env: &str, service: &str) -> String {
        let answer = self.call("DescribeCloudRunServerDetail", json!({"EnvId": env, "ServerName": service})).await;
        answer["ServerConfig"]["EnvParams"].as_str().unwrap_or_else(|| panic!("{answer}")).to_string()
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A console started in-process on port 0 with its embedded localcloud
/// (token mode), on a clock the test moves.
pub struct Console {
    pub api: Api,
    pub clock: Arc<ManualClock>,
    pub data: tempfile::TempDir,
    _dist: tempfile::TempDir,
}

impl Console {
    pub async fn start() -> Console {
        let data = tempfile::tempdir().unwrap();
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), "<!doctype html><title>console</title>").unwrap();
        let mut config =
            console_backend::config::Config::for_tests(data.path().to_path_buf(), dist.path().to_path_buf());
        config.admin_password = Some(INITIAL_ADMIN_PASSWORD.into());
        config.localcloud_step_ms = STEP_MS;
        let clock = Arc::new(ManualClock::new(unix_now()));
        let running = console_backend::start(config, clock.clone() as Arc<dyn Clock>).await.unwrap();
        let api = Api::new(&format!("http://{}", running.addr));
        Console { api, clock, data, _dist: dist }
    }

    /// Where the embedded localcloud keeps code packages.
    pub fn packages(&self) -> PathBuf {
        self.data.path().join("localcloud").join("packages")
    }
}

/// The console's HTTP API as the SPA uses it (a session cookie and the
/// same-origin headers), wherever the console runs.
pub struct Api {
    pub base: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Api {
        // Straight to the console: the test's own calls never take a proxy.
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        Api { base: base.into(), http }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, cookie: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-console-request", "1")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = cookie {
            request = request.header("cookie", format!("console_session={c}"));
        }
        if let Some(b) = body {
            request = request.json(&b);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let session = session_of(&response);
        let text = response.text().await.unwrap();
        Answer { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)), session }
    }

    pub async fn post(&self, path: &str, cookie: &str, body: Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(cookie), Some(body)).await
    }

    /// Signs in; returns the session.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let body = json!({"username": username, "password": password});
        let answer = self.send(reqwest::Method::POST, "/api/auth/login", None, Some(body)).await.expect(200);
        answer.session.unwrap_or_else(|| panic!("{username} got no session"))
    }

    /// The first admin's first sign-in, which must choose a new password; returns the session.
    pub async fn first_admin(&self) -> String {
        let first = self.sign_in("admin", INITIAL_ADMIN_PASSWORD).await;
        let change = json!({"current_password": INITIAL_ADMIN_PASSWORD, "new_password": ADMIN_PASSWORD});
        let answer = self.post("/api/account/password", &first, change).await.expect(200);
        answer.session.unwrap_or(first)
    }

    pub async fn new_env(&self, admin: &str, alias: &str) -> String {
        let body = json!({"PackageType": "Trial", "Alias": alias});
        let answer = self.post("/api/cloud/tcbr/CreateCloudRunEnv?region=ap-shanghai", admin, body).await.expect(200);
        answer.body["EnvId"].as_str().unwrap_or_else(|| panic!("{answer:?}")).to_string()
    }

    /// A user who has chosen their password, a member of `env` with `role`; returns their session.
    pub async fn member(&self, admin: &str, env: &str, username: &str, role: &str) -> String {
        let user = json!({"username": username, "display_name": username, "password": "initial-pass-1"});
        self.post("/api/users", admin, user).await.expect(201);
        let first = self.sign_in(username, "initial-pass-1").await;
        let change = json!({"current_password": "initial-pass-1", "new_password": MEMBER_PASSWORD});
        self.post("/api/account/password", &first, change).await.expect(200);
        let add = json!({"username": username, "role": role});
        self.post(&format!("/api/envs/{env}/members"), admin, add).await.expect(201);
        self.sign_in(username, MEMBER_PASSWORD).await
    }

    /// A personal access token of the session's user; returns the token.
    pub async fn token(&self, session: &str, name: &str, envs: &[&str], role: &str) -> String {
        let body = json!({"name": name, "envs": envs, "role": role, "expires_in_days": 30});
        let answer = self.post("/api/account/tokens", session, body).await.expect(201);
        answer.body["token"].as_str().unwrap_or_else(|| panic!("{answer:?}")).to_string()
    }

    /// Revokes the session user's token named `name`.
    pub async fn revoke(&self, session: &str, name: &str) {
        let listed = self.send(reqwest::Method::GET, "/api/account/tokens", Some(session), None).await.expect(200).body;
        let tokens = listed["tokens"].as_array().unwrap_or_else(|| panic!("{listed}"));
        let id =
            tokens.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{listed}"))["id"].as_i64().unwrap();
        let path = format!("/api/account/tokens/{id}");
        self.send(reqwest::Method::DELETE, &path, Some(session), None).await.expect(204);
    }
}

/// One answer of the console's API.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// The session cookie it set, if any.
    pub session: Option<String>,
}

impl Answer {
    #[track_caller]
    pub fn expect(self, status: u16) -> Answer {
        assert_eq!(self.status, status, "{}", self.body);
        self
    }
}

fn session_of(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|c| {
        let pair = c.to_str().ok()?.split(';').next()?;
        pair.strip_prefix("console_session=").filter(|v| !v.is_empty()).map(str::to_string)
    })
}

/// The files in each code package stored for `env` under `packages`.
pub fn stored_packages(packages: &Path, env: &str) -> Vec<Vec<String>> {
    let dir = packages.join(env);
    let mut found = vec![];
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let file = std::fs::File::open(&path).unwrap();
        let zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{} is not a zip: {e}", path.display()));
        let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        names.sort();
        found.push(names);
    }
    found
}

/// A build context as a user's project holds it: what `.dockerignore`
/// leaves out (a secret, logs) and what is always left out (`.git`), beside
/// what the Dockerfile copies. `copy` is the Dockerfile's `COPY` source.
pub fn project(copy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Dockerfile", &format!("FROM nginx:1.27\nCOPY {copy} /usr/share/nginx/html/\nEXPOSE 80\n"));
    write(".dockerignore", "# not for the image\nsecret.env\n*.log\n");
    write("site/index.html", "<h1>shop</h1>\n");
    write("secret.env", "API_KEY=do-not-ship\n");
    write("debug.log", "noise\n");
    write("site/old.log", "noise\n");
    write(".git/config", "[core]\n");
    dir
}
