//! `cargo xtask bench`: figures, not pass/fail. The SPA's transfer size and
//! the time from navigation to an interactive login form in headless Chromium.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

use console_shared::tc3::{self, Credential};

use crate::Result;

fn gzip(data: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to memory");
    enc.finish().expect("finishing in memory").len()
}

fn brotli(data: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("compressing in memory");
    out.len()
}

fn sizes(dist: &Path) -> Result {
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e} (build first)", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "wasm" | "js" | "css") {
            let data = std::fs::read(&path).map_err(|e| e.to_string())?;
            rows.push((ext.to_string(), path.file_name().unwrap_or_default().to_string_lossy().to_string(), data));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("\nSPA transfer size (dist/)");
    println!("{:<52} {:>10} {:>10} {:>10}", "file", "raw", "gzip -9", "brotli 11");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for (_, name, data) in &rows {
        let (g, b) = (gzip(data), brotli(data));
        println!("{name:<52} {:>10} {g:>10} {b:>10}", data.len());
        raw += data.len();
        gz += g;
        br += b;
    }
    println!("{:<52} {raw:>10} {gz:>10} {br:>10}", "total (wasm + js + css)");
    Ok(())
}

/// The console under test: its URL and its embedded localcloud's API address.
struct Console {
    child: std::process::Child,
    url: String,
    localcloud: String,
}

/// Starts the release console on free ports and a scratch data directory.
fn start_console(root: &Path, data: &Path) -> Result<Console> {
    // CONSOLE_BIN measures another build (an A/B against an older commit).
    let bin = std::env::var_os("CONSOLE_BIN").map_or_else(|| root.join("target/release/console"), PathBuf::from);
    let mut child = Command::new(bin)
        .env("CONSOLE_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_GATEWAY_ADDR", "127.0.0.1:0")
        .env("CONSOLE_DATA_DIR", data)
        .env("CONSOLE_DIST_DIR", root.join("dist"))
        .env("CONSOLE_ADMIN_PASSWORD", BENCH_INITIAL_PASSWORD)
        // Every subscriber of the fan-out comes from this one address.
        .env("CONSOLE_MAX_CONNECTIONS", "2048")
        .env("CONSOLE_MAX_CONNECTIONS_PER_ADDRESS", "2048")
        .env("CONSOLE_MAX_STREAMS_PER_USER", "2048")
        // Deploy steps long enough for every subscriber to be connected.
        .env("LOCALCLOUD_STEP_MS", "1500")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the console: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut url = None;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(u) = line.strip_prefix("console listening on ") {
            url = Some(u.trim().to_string());
        }
        if let Some(rest) = line.strip_prefix("embedded localcloud API on http://") {
            let localcloud = rest.split(',').next().unwrap_or("").to_string();
            let url = url.take().ok_or("no console URL")?;
            // Keep reading what the console prints, so its log never hits a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return Ok(Console { child, url, localcloud });
        }
    }
    let _ = child.kill();
    Err("the console exited before listening".into())
}

pub fn run(root: &Path) -> Result {
    sizes(&root.join("dist"))?;
    let data = root.join("target/bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let mut console = start_console(root, &data)?;
    let result = choose_password(&console.url)
        .and_then(|()| crate::sh_in(&root.join("end2end"), "node", &["bench.mjs", &console.url], &[]))
        .and_then(|()| proxy_overhead(&console, &data))
        .and_then(|()| sse_fanout(&console));
    let _ = console.child.kill();
    let _ = console.child.wait();
    result
}

/// The first admin's password from the environment must be changed at the
/// first sign-in, as an operator's would be.
const BENCH_INITIAL_PASSWORD: &str = "bench-initial-password-1";
const BENCH_PASSWORD: &str = "bench-password-1";

fn choose_password(url: &str) -> Result {
    let http = client()?;
    let cookie = sign_in(&http, url, BENCH_INITIAL_PASSWORD)?;
    let resp = http
        .post(format!("{url}/api/account/password"))
        .header("x-console-request", "1")
        .header("cookie", cookie)
        .json(&serde_json::json!({"current_password": BENCH_INITIAL_PASSWORD, "new_password": BENCH_PASSWORD}))
        .send()
        .map_err(|e| e.to_string())?;
    if resp.status().is_success() { Ok(()) } else { Err(format!("choosing the admin password: {}", resp.status())) }
}

fn client() -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().map_err(|e| e.to_string())
}

/// Signs in as the admin; returns the session cookie.
fn sign_in(http: &reqwest::blocking::Client, url: &str, password: &str) -> Result<String> {
    let resp = http
        .post(format!("{url}/api/auth/login"))
        .header("x-console-request", "1")
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .map_err(|e| e.to_string())?;
    let cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).ok_or("no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or("").to_string())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn timed(n: usize, mut call: impl FnMut() -> Result) -> Result<Vec<f64>> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        call()?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// The same read, through the BFF (session, role check, signing, forwarding)
/// and straight to localcloud with a signature: the ratio is what the BFF adds.
fn proxy_overhead(console: &Console, data: &Path) -> Result {
    let http = client()?;
    let cookie = sign_in(&http, &console.url, BENCH_PASSWORD)?;
    let creds: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("localcloud-credentials.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let cred = Credential {
        secret_id: creds["secret_id"].as_str().unwrap_or("").into(),
        secret_key: creds["secret_key"].as_str().unwrap_or("").into(),
    };
    let via_bff = || -> Result {
        let r = http
            .post(format!("{}/api/cloud/tcbr/DescribeCloudRunEnvs", console.url))
            .header("x-console-request", "1")
            .header("cookie", &cookie)
            .json(&serde_json::json!({}))
            .send()
            .map_err(|e| e.to_string())?;
        if r.status().is_success() { Ok(()) } else { Err(format!("BFF answered {}", r.status())) }
    };
    let direct = || -> Result {
        let body = b"{}";
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
        let target = tc3::Target {
            service: "tcbr",
            host: &console.localcloud,
            action: "DescribeCloudRunEnvs",
            version: "2022-02-17",
            region: None,
        };
        let signed = tc3::sign_json_post(&cred, target, now.as_secs() as i64, body);
        let mut req = http.post(format!("http://{}/", console.localcloud)).body(body.to_vec());
        for (k, v) in signed.headers {
            if k != "Host" {
                req = req.header(k, v);
            }
        }
        let r = req.send().map_err(|e| e.to_string())?;
        if r.status().is_success() { Ok(()) } else { Err(format!("localcloud answered {}", r.status())) }
    };
    timed(30, via_bff)?;
    timed(30, direct)?;
    let n = 300;
    let bff = timed(n, via_bff)?;
    let raw = timed(n, direct)?;
    let (b50, r50) = (percentile(&bff, 0.5), percentile(&raw, 0.5));
    println!("\nProxy overhead: DescribeCloudRunEnvs, {n} sequential calls each");
    println!("  through the BFF     p50 {b50:.3} ms   p99 {:.3} ms", percentile(&bff, 0.99));
    println!("  localcloud directly p50 {r50:.3} ms   p99 {:.3} ms", percentile(&raw, 0.99));
    println!("  ratio (p50)         {:.2}x", b50 / r50.max(1e-9));
    Ok(())
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn hub(http: &reqwest::blocking::Client, url: &str, cookie: &str) -> Result<serde_json::Value> {
    http.get(format!("{url}/api/admin/hub"))
        .header("cookie", cookie)
        .send()
        .and_then(|r| r.json())
        .map_err(|e| e.to_string())
}

/// Many subscribers on one deploy task: one upstream poller, the spread of
/// each event's arrival across subscribers, and memory per subscriber.
fn sse_fanout(console: &Console) -> Result {
    const SUBSCRIBERS: usize = 200;
    let http = client()?;
    let cookie = sign_in(&http, &console.url, BENCH_PASSWORD)?;
    let post = |path: &str, body: serde_json::Value| -> Result<serde_json::Value> {
        http.post(format!("{}{path}", console.url))
            .header("x-console-request", "1")
            .header("cookie", &cookie)
            .json(&body)
            .send()
            .and_then(|r| r.json())
            .map_err(|e| e.to_string())
    };
    let env = post(
        "/api/cloud/tcbr/CreateCloudRunEnv?region=ap-shanghai",
        serde_json::json!({"PackageType": "Trial", "Alias": "bench"}),
    )?["EnvId"]
        .as_str()
        .ok_or("no EnvId")?
        .to_string();
    let before = rss_kib(console.child.id());
    let task = post(
        "/api/cloud/tcbr/CreateCloudRunServer",
        serde_json::json!({"EnvId": env, "ServerName": "fanout", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
    )?["TaskId"]
        .as_i64()
        .ok_or("no TaskId")?;
    let path = format!("{}/api/envs/{env}/services/fanout/tasks/{task}/events", console.url);
    let started = Instant::now();
    let handles: Vec<_> = (0..SUBSCRIBERS)
        .map(|_| {
            let (path, cookie) = (path.clone(), cookie.clone());
            std::thread::spawn(move || -> Vec<(String, Instant)> {
                let Ok(http) = client() else { return vec![] };
                let Ok(resp) = http.get(&path).header("cookie", cookie).send() else { return vec![] };
                let mut seen = Vec::new();
                for line in BufReader::new(resp).lines().map_while(std::result::Result::ok) {
                    if let Some(id) = line.strip_prefix("id:") {
                        seen.push((id.trim().to_string(), Instant::now()));
                    }
                }
                seen
            })
        })
        .collect();
    // Memory once everyone is connected.
    let mut peak = before;
    let mut stats = hub(&http, &console.url, &cookie)?;
    while stats["subscribers"].as_u64().unwrap_or(0) < SUBSCRIBERS as u64 && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(50));
        stats = hub(&http, &console.url, &cookie)?;
    }
    peak = peak.max(rss_kib(console.child.id()));
    let results: Vec<Vec<(String, Instant)>> = handles.into_iter().map(|h| h.join().unwrap_or_default()).collect();
    let elapsed = started.elapsed().as_secs_f64();
    let stats = hub(&http, &console.url, &cookie)?;
    let mut spread = Vec::new();
    // Event ids are cursors over the task's state (events.rs): each distinct one is one event.
    let ids: std::collections::BTreeSet<&str> =
        results.iter().flat_map(|r| r.iter().map(|(id, _)| id.as_str())).collect();
    let events = ids.len();
    for id in &ids {
        let times: Vec<Instant> =
            results.iter().filter_map(|r| r.iter().find(|(i, _)| i == id).map(|(_, t)| *t)).collect();
        if let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) {
            spread.push(last.duration_since(*first).as_secs_f64() * 1000.0);
        }
    }
    spread.sort_by(f64::total_cmp);
    let complete = results.iter().filter(|r| r.len() == events).count();
    println!("\nSSE fan-out: {SUBSCRIBERS} subscribers on one deploy task ({events} events, {elapsed:.1} s)");
    println!("  subscribers that got every event   {complete}/{SUBSCRIBERS}");
    println!("  upstream pollers started           {} (one per task)", stats["pollers_started"].as_u64().unwrap_or(0));
    println!("  upstream polls per second          {:.2}", stats["polls"].as_u64().unwrap_or(0) as f64 / elapsed);
    println!(
        "  delivery spread across subscribers p50 {:.2} ms   p99 {:.2} ms",
        percentile(&spread, 0.5),
        percentile(&spread, 0.99)
    );
    println!(
        "  memory per subscriber              {:.1} KiB (RSS)",
        peak.saturating_sub(before) as f64 / SUBSCRIBERS as f64
    );
    Ok(())
}
