//! `cargo xtask bench`: figures, not pass/fail. What the login route sends
//! over the wire; the time from navigation to an interactive login form in
//! headless Chromium; what the BFF costs a signed call (latency and
//! throughput, each against localcloud directly in the same run), and the
//! `tcbr` CLI a command through the console against straight to localcloud
//! (`cli`); what the
//! embedded localcloud's gateway adds to a request, against the instance
//! directly, a cold start against a warm request, and a custom domain's TLS
//! handshake with its first answer against the same request over plain HTTP
//! (`gateway`); a runtime-log search over 1 000 000 stored lines against the
//! same search over 10 000 (`logs`); and the deploy-progress fan-out to
//! 10 000 subscribers of one task.
//!
//! Everything runs against 127.0.0.1 and every loop is bounded in time.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use std::time::{Duration, Instant};

use console_shared::tc3::{self, Credential};

use crate::Result;

mod cli;
mod fanout;
mod gateway;
mod logs;

/// Subscribers of the fan-out, all from this process and one address.
const SUBSCRIBERS: usize = 10_000;

/// Descriptors this process and the console need: a socket per subscriber
/// on each side, and the console's upstream connections.
const FILES_NEEDED: u64 = SUBSCRIBERS as u64 + 2_000;

/// Raises this process's open-file soft limit to the hard one; the console,
/// started from here, inherits it.
fn raise_file_limit() -> Result {
    let limit = rlimit::increase_nofile_limit(u64::MAX).map_err(|e| format!("raising the open-file limit: {e}"))?;
    if limit < FILES_NEEDED {
        return Err(format!(
            "the open-file limit is {limit}; the fan-out needs {FILES_NEEDED} (raise the hard limit, `ulimit -Hn`)"
        ));
    }
    Ok(())
}

/// A size, or `-` for a file that is not there.
fn size_of(path: &Path) -> String {
    std::fs::metadata(path).map_or_else(|_| "-".into(), |m| m.len().to_string())
}

/// The absolute paths a page references in quotes (`href="/…"`,
/// `import … from '/….js'`, `module_or_path: '/…_bg.wasm'`), in order.
fn referenced(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for quote in ['"', '\''] {
        // A path is a whole quoted part; what lies between two quoted
        // values has spaces or angle brackets, so it never looks like one.
        for part in html.split(quote) {
            if part.len() > 1
                && part.starts_with('/')
                && !part.starts_with("//")
                && !part.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
                && !found.iter().any(|f| f == part)
            {
                found.push(part.to_string());
            }
        }
    }
    found
}

/// The login route as a first visit loads it: the page, then each file it
/// references, with `Accept-Encoding: br`. Beside each, its size in dist/ and
/// the precompressed copies the build made; "served" is the response body
/// (headers not counted).
fn transfer(dist: &Path, url: &str) -> Result {
    let http = client()?;
    let get = |path: &str, accept: &str| -> Result<(Vec<u8>, String)> {
        let resp = http
            .get(format!("{url}{path}"))
            .header("accept-encoding", accept)
            .send()
            .map_err(|e| format!("{path}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("{path}: {}", resp.status()));
        }
        let coding =
            resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()).unwrap_or("identity").to_string();
        Ok((resp.bytes().map_err(|e| format!("{path}: {e}"))?.to_vec(), coding))
    };
    let (html, _) = get("/login", "identity")?;
    let html = String::from_utf8_lossy(&html).to_string();
    println!("\nThe login route over the wire (Accept-Encoding: br) beside the files in dist/");
    println!("{:<44} {:>9} {:>9} {:>9} {:>9}  encoding", "file", "raw", ".gz (9)", ".br (11)", "served");
    let (served, coding) = get("/login", "br")?;
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>9}  {coding} (per response: nonce)",
        "index.html",
        html.len(),
        "-",
        "-",
        served.len()
    );
    let (mut raw_total, mut served_total) = (html.len(), served.len());
    for path in referenced(&html) {
        let file = dist.join(path.trim_start_matches('/'));
        let with = |suffix: &str| {
            let mut p = file.as_os_str().to_owned();
            p.push(suffix);
            size_of(Path::new(&p))
        };
        let (served, coding) = get(&path, "br")?;
        let raw = std::fs::metadata(&file).map(|m| m.len() as usize).unwrap_or(0);
        let name = path.trim_start_matches('/');
        println!("{name:<44} {raw:>9} {:>9} {:>9} {:>9}  {coding}", with(".gz"), with(".br"), served.len());
        raw_total += raw;
        served_total += served.len();
    }
    println!(
        "{:<44} {raw_total:>9} {:>9} {:>9} {served_total:>9}  ({:.1}% of raw)",
        "total",
        "",
        "",
        served_total as f64 * 100.0 / raw_total.max(1) as f64
    );
    Ok(())
}

/// The console under test: its URL and its embedded localcloud's API and
/// gateway addresses.
struct Console {
    child: std::process::Child,
    url: String,
    localcloud: String,
    gateway: String,
    gateway_tls: String,
}

/// Starts the release console on free ports and a scratch data directory.
fn start_console(root: &Path, data: &Path) -> Result<Console> {
    // CONSOLE_BIN measures another build (an A/B against an older commit).
    let bin = std::env::var_os("CONSOLE_BIN").map_or_else(|| root.join("target/release/console"), PathBuf::from);
    let mut child = Command::new(bin)
        .env("CONSOLE_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_GATEWAY_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_GATEWAY_TLS_ADDR", "127.0.0.1:0")
        .env("CONSOLE_DATA_DIR", data)
        .env("CONSOLE_DIST_DIR", root.join("dist"))
        .env("CONSOLE_ADMIN_PASSWORD", BENCH_INITIAL_PASSWORD)
        // Every subscriber of the fan-out comes from this one address and user.
        .env("CONSOLE_MAX_CONNECTIONS", (SUBSCRIBERS + 256).to_string())
        .env("CONSOLE_MAX_CONNECTIONS_PER_ADDRESS", (SUBSCRIBERS + 256).to_string())
        .env("CONSOLE_MAX_STREAMS_PER_USER", SUBSCRIBERS.to_string())
        // Deploy steps long enough for every subscriber to be connected
        // while the task still runs, so later steps reach all of them live.
        .env("LOCALCLOUD_STEP_MS", STEP_MS.to_string())
        // The cold-start figure waits out this window before each start.
        .env("LOCALCLOUD_SCALE_TO_ZERO_AFTER_SECS", "1")
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
            let (localcloud, gateways) = rest.split_once(", gateway on http://").unwrap_or((rest, ""));
            let (gateway, gateway_tls) = gateways.split_once(", TLS gateway on https://").unwrap_or((gateways, ""));
            let [localcloud, gateway, gateway_tls] = [localcloud, gateway, gateway_tls].map(|a| a.trim().to_string());
            let url = url.take().ok_or("no console URL")?;
            // Keep reading what the console prints, so its log never hits a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return Ok(Console { child, url, localcloud, gateway, gateway_tls });
        }
    }
    let _ = child.kill();
    Err("the console exited before listening".into())
}

/// How long each step of the fan-out's deploy takes.
const STEP_MS: u64 = 4000;

pub fn run(root: &Path) -> Result {
    raise_file_limit()?;
    let data = root.join("target/bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("tokio runtime: {e}"))?;
    // The throughput's callers on one thread, leaving a core to the console.
    let one_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let mut console = start_console(root, &data)?;
    let result = choose_password(&console.url)
        .and_then(|()| transfer(&root.join("dist"), &console.url))
        .and_then(|()| crate::sh_in(&root.join("end2end"), "node", &["bench.mjs", &console.url], &[]))
        .and_then(|()| proxy_overhead(&console, &data))
        .and_then(|()| cli::cli(root, &console, &data))
        .and_then(|()| one_thread.block_on(proxy_throughput(&console, &data)))
        .and_then(|()| localcloud_credential(&data))
        .and_then(|cred| one_thread.block_on(gateway::gateway(&console, cred)))
        .and_then(|()| localcloud_credential(&data))
        .and_then(|cred| one_thread.block_on(logs::log_search(&console, &data, cred)))
        .and_then(|()| runtime.block_on(fanout::sse_fanout(&console)));
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

/// The key pair the console made for its embedded localcloud.
fn localcloud_credential(data: &Path) -> Result<Credential> {
    let creds: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("localcloud-credentials.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    Ok(Credential {
        secret_id: creds["secret_id"].as_str().unwrap_or("").into(),
        secret_key: creds["secret_key"].as_str().unwrap_or("").into(),
    })
}

/// The headers of a DescribeCloudRunEnvs signed now, as an SDK sends it to `host`.
fn signed_read(cred: &Credential, host: &str, body: &[u8]) -> Result<Vec<(&'static str, String)>> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    let target =
        tc3::Target { service: "tcbr", host, action: "DescribeCloudRunEnvs", version: "2022-02-17", region: None };
    let signed = tc3::sign_json_post(cred, target, now.as_secs() as i64, body);
    Ok(signed.headers.into_iter().filter(|(k, _)| *k != "Host").collect())
}

/// The same read, through the BFF (session, role check, signing, forwarding)
/// and straight to localcloud with a signature: the ratio is what the BFF adds.
fn proxy_overhead(console: &Console, data: &Path) -> Result {
    let http = client()?;
    let cookie = sign_in(&http, &console.url, BENCH_PASSWORD)?;
    let cred = localcloud_credential(data)?;
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
        let mut req = http.post(format!("http://{}/", console.localcloud)).body(body.to_vec());
        for (k, v) in signed_read(&cred, &console.localcloud, body)? {
            req = req.header(k, v);
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

fn async_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(usize::MAX)
        .build()
        .map_err(|e| e.to_string())
}

async fn sign_in_async(http: &reqwest::Client, url: &str) -> Result<String> {
    let resp = http
        .post(format!("{url}/api/auth/login"))
        .header("x-console-request", "1")
        .json(&serde_json::json!({"username": "admin", "password": BENCH_PASSWORD}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).ok_or("no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or("").to_string())
}

/// Where a throughput run sends its calls.
#[derive(Clone, Copy)]
enum Route {
    Bff,
    Direct,
}

struct Caller {
    http: reqwest::Client,
    console: String,
    cookie: String,
    localcloud: String,
    cred: Credential,
}

impl Caller {
    async fn call(&self, route: Route) -> Result {
        let req = match route {
            Route::Bff => self
                .http
                .post(format!("{}/api/cloud/tcbr/DescribeCloudRunEnvs", self.console))
                .header("x-console-request", "1")
                .header("cookie", &self.cookie)
                .json(&serde_json::json!({})),
            Route::Direct => {
                let body = b"{}";
                let mut req = self.http.post(format!("http://{}/", self.localcloud)).body(body.to_vec());
                for (k, v) in signed_read(&self.cred, &self.localcloud, body)? {
                    req = req.header(k, v);
                }
                req
            }
        };
        let resp = req.timeout(Duration::from_secs(30)).send().await.map_err(|e| e.to_string())?;
        let status = resp.status();
        // Read the whole answer, as a client would.
        resp.bytes().await.map_err(|e| e.to_string())?;
        if status.is_success() { Ok(()) } else { Err(format!("answered {status}")) }
    }

    /// Calls completed by `clients` callers, each sending its next call when
    /// the last is answered, for `period`; and the seconds that took.
    async fn run_for(self: &Arc<Self>, route: Route, clients: usize, period: Duration) -> Result<(u64, f64)> {
        let start = Instant::now();
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let caller = self.clone();
                tokio::spawn(async move {
                    let mut done = 0u64;
                    while start.elapsed() < period {
                        caller.call(route).await?;
                        done += 1;
                    }
                    Ok::<u64, String>(done)
                })
            })
            .collect();
        let mut total = 0;
        for w in workers {
            total += w.await.map_err(|e| e.to_string())??;
        }
        Ok((total, start.elapsed().as_secs_f64()))
    }
}

/// CPU seconds a process has used (user + system; `/proc` counts in
/// USER_HZ, 100 a second on Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command name, which is in parentheses, utime and stime are the 12th and 13th fields.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Signed calls per second at 32 concurrent clients, through the BFF and
/// straight to localcloud, and the console's CPU time per call (the BFF and
/// its embedded localcloud are one process, so the difference is what the
/// BFF costs). After a warm-up of each, the two alternate in rounds, so a
/// drift of the machine weighs on both alike. The callers run on one thread:
/// on a small machine they share the cores with the console, and calls per
/// second are then bounded by the client as much as by the server.
async fn proxy_throughput(console: &Console, data: &Path) -> Result {
    const CLIENTS: usize = 32;
    const ROUNDS: u32 = 3;
    const ROUND: Duration = Duration::from_secs(2);
    let http = async_client()?;
    let caller = Arc::new(Caller {
        cookie: sign_in_async(&http, &console.url).await?,
        http,
        console: console.url.clone(),
        localcloud: console.localcloud.clone(),
        cred: localcloud_credential(data)?,
    });
    let routes = [Route::Bff, Route::Direct];
    for route in routes {
        caller.run_for(route, CLIENTS, Duration::from_secs(1)).await?;
    }
    let pid = console.child.id();
    // Per route: calls, seconds, console CPU seconds.
    let mut totals = [(0u64, 0.0, 0.0); 2];
    for _ in 0..ROUNDS {
        for (i, route) in routes.into_iter().enumerate() {
            let cpu = cpu_seconds(pid);
            let (calls, secs) = caller.run_for(route, CLIENTS, ROUND).await?;
            totals[i].0 += calls;
            totals[i].1 += secs;
            totals[i].2 += cpu_seconds(pid) - cpu;
        }
    }
    let [bff, direct] = totals.map(|(calls, secs, cpu)| (calls as f64 / secs, cpu * 1e6 / calls.max(1) as f64));
    println!(
        "\nProxy throughput: DescribeCloudRunEnvs, {CLIENTS} concurrent clients, {ROUNDS} alternating rounds of {} s",
        ROUND.as_secs()
    );
    println!("{:<22} {:>10} {:>22}", "", "calls/s", "console CPU per call");
    println!("  through the BFF      {:>10.0} {:>19.0} µs", bff.0, bff.1);
    println!("  localcloud directly  {:>10.0} {:>19.0} µs", direct.0, direct.1);
    println!("  ratio (BFF/direct)   {:>9.2}x {:>20.2}x", bff.0 / direct.0.max(1e-9), bff.1 / direct.1.max(1e-9));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::referenced;

    #[test]
    fn the_login_page_references_its_assets() {
        let html = r#"<script type="module" nonce="n">
import init, * as bindings from '/app-0123.js';
const wasm = await init({ module_or_path: '/app-0123_bg.wasm' });
</script>
<link rel="stylesheet" href="/main-1.css" integrity="sha384-x"/>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="modulepreload" href="/app-0123.js"><a href="//elsewhere.example/x">it's</a>"#;
        assert_eq!(referenced(html), ["/main-1.css", "/favicon.svg", "/app-0123.js", "/app-0123_bg.wasm"]);
    }
}
