//! R-CLI-3 through tcbr: a developer's token for one environment works
//! there and nowhere else, and cannot manage members; an expired or revoked
//! token is refused with a sentence saying so (exit 1); and the token never
//! shows in the console's log, even at trace level.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Api, Console, INITIAL_ADMIN_PASSWORD, Tcbr, project, sibling_binary};

/// Days past a 30-day token's expiry.
const PAST_EXPIRY: i64 = 31 * 86_400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_3_a_developer_token_for_one_environment_stays_there() {
    let console = Console::start().await;
    let api = &console.api;
    let admin = api.first_admin().await;
    let own = api.new_env(&admin, "own").await;
    let foreign = api.new_env(&admin, "foreign").await;
    let dev = api.member(&admin, &own, "dev", "developer").await;
    let token = api.token(&dev, "ci", &[&own], "developer").await;
    let t = Tcbr::through_console(&api.base, &token);

    t.run(&["run", "service:list", "-e", &own]).await.exits(0);
    let deploy = ["-s", "shop", "--custom_image", "nginx:1.27", "--noConfirm"];
    t.run(&[&["run", "deploy", "-e", &own][..], &deploy].concat()).await.exits(0);

    // Another environment: refused by the console, exit 1, nothing made there.
    let listed = t.run(&["run", "service:list", "-e", &foreign]).await.exits(1);
    assert!(listed.stderr.contains("Error:"), "{listed:#?}");
    t.run(&[&["run", "deploy", "-e", &foreign][..], &deploy].concat()).await.exits(1);
    t.run(&["cloudrun", "detail", "-e", &foreign, "-s", "shop"]).await.exits(1);
    let seen = api.post("/api/cloud/tcbr/DescribeCloudRunServers", &admin, json!({"EnvId": foreign})).await.expect(200);
    assert_eq!(seen.body["ServerList"], json!([]), "{}", seen.body);

    // Members: tcbr has no command for them, and the same token is refused
    // by the console's member management.
    let add = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/api/envs/{own}/members", api.base))
        .bearer_auth(&token)
        .json(&json!({"username": "admin", "role": "owner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), 403);

    // A viewer's token reads, and deploys nothing.
    let viewer = api.token(&dev, "read only", &[&own], "viewer").await;
    let v = Tcbr::through_console(&api.base, &viewer);
    v.run(&["cloudrun", "detail", "-e", &own, "-s", "shop"]).await.exits(0);
    let refused = v.run(&[&["run", "deploy", "-e", &own][..], &deploy].concat()).await.exits(1);
    assert!(!refused.stderr.contains(&viewer), "{refused:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_3_expired_and_revoked_tokens_are_refused_with_a_clear_sentence() {
    let console = Console::start().await;
    let api = &console.api;
    let admin = api.first_admin().await;
    let env = api.new_env(&admin, "own").await;
    let list = ["run", "service:list", "-e", &env, "--json"];

    let revoked = api.token(&admin, "revoked", &[&env], "developer").await;
    let t = Tcbr::through_console(&api.base, &revoked);
    t.run(&list).await.exits(0);
    api.revoke(&admin, "revoked").await;
    let refused = t.run(&list).await.exits(1);
    let envelope = refused.envelope();
    assert_eq!(envelope["code"], 1, "{envelope}");
    assert_eq!(envelope["data"]["Code"], "Console.TokenInvalid", "{envelope}");
    assert!(refused.stderr.contains("Error: "), "{refused:#?}");
    assert!(!refused.stderr.contains(&revoked) && !refused.stdout.contains(&revoked), "{refused:#?}");

    let expiring = api.token(&admin, "expiring", &[&env], "developer").await;
    let t = Tcbr::through_console(&api.base, &expiring);
    t.run(&list).await.exits(0);
    console.clock.advance(PAST_EXPIRY);
    let refused = t.run(&list).await.exits(1);
    assert_eq!(refused.envelope()["data"]["Code"], "Console.TokenExpired", "{refused:#?}");
    assert!(refused.stderr.to_lowercase().contains("expired"), "the sentence says it expired: {refused:#?}");
}

/// The `console` binary, its standard output and error captured whole.
struct ConsoleProcess {
    child: Child,
    log: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    base: String,
}

impl ConsoleProcess {
    async fn start(data: &std::path::Path) -> ConsoleProcess {
        let dist = data.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>console</title>").unwrap();
        let any = "127.0.0.1:0";
        let mut child = Command::new(sibling_binary("console"))
            .env_clear()
            .env("CONSOLE_ADMIN_PASSWORD", INITIAL_ADMIN_PASSWORD)
            .env("RUST_LOG", "trace")
            .args(["--addr", any, "--localcloud-addr", any, "--localcloud-gateway-addr", any])
            .args(["--localcloud-gateway-tls-addr", any, "--localcloud-step-ms", "20"])
            .arg("--data-dir")
            .arg(data.join("data"))
            .arg("--dist-dir")
            .arg(&dist)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("console starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stdout = collect(child.stdout.take().expect("piped"), Arc::clone(&log));
        let stderr = collect(child.stderr.take().expect("piped"), Arc::clone(&log));
        let readers = vec![stdout, stderr];
        let started = Instant::now();
        let base = loop {
            let text = log.lock().unwrap().clone();
            if let Some(at) = text.find("console listening on http://") {
                let rest = &text[at + "console listening on ".len()..];
                break rest.lines().next().unwrap().trim().to_string();
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("the console did not say where it listens:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        ConsoleProcess { child, log, readers, base }
    }

    /// Stops it (SIGTERM, as a service manager would) and returns all it printed.
    fn stop(&mut self) -> String {
        let stopped = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if !stopped.is_ok_and(|s| s.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.log.lock().unwrap().clone()
    }
}

/// Appends a pipe's lines to `log` as they come.
fn collect(pipe: impl std::io::Read + Send + 'static, log: Arc<Mutex<String>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    })
}

/// A test that fails half-way leaves no console running.
impl Drop for ConsoleProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_3_a_token_never_appears_in_the_console_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = ConsoleProcess::start(dir.path()).await;
    let api = Api::new(&console.base);
    let admin = api.first_admin().await;
    let env = api.new_env(&admin, "own").await;
    let token = api.token(&admin, "ci", &[&env], "developer").await;
    let t = Tcbr::through_console(&api.base, &token);

    // Calls, an upload, a deploy followed to its end, a refusal.
    let site = project("site/");
    let deploy = ["run", "deploy", "-e", &env, "-s", "shop", "--noConfirm", "--path", site.path().to_str().unwrap()];
    t.run(&deploy).await.exits(0);
    t.run(&["cloudrun", "record", "list", "-e", &env, "-s", "shop"]).await.exits(0);
    t.run(&["run", "service:list", "-e", "env-00000000"]).await.exits(1);
    // And once revoked: the refused token is not logged either.
    api.revoke(&admin, "ci").await;
    t.run(&["run", "service:list", "-e", &env]).await.exits(1);

    let log = plain(&console.stop());
    assert!(log.contains(" TRACE "), "RUST_LOG=trace took effect:\n{log}");
    for logged in ["path=/api/cloud/tcbr/DescribeCloudRunServers", "/package", "status=401"] {
        assert!(log.contains(logged), "the log shows {logged}:\n{log}");
    }
    let secret = token.trim_start_matches(console_shared::tokens::PREFIX);
    assert!(!log.contains(secret), "the token is in the console's log");
    // Nor is it written anywhere in the data directory in the clear.
    for entry in walk(&dir.path().join("data")) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "the token is in {}", entry.display());
    }
}

/// The log without its colours: a value split by escape codes would not be found.
fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters… final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}
