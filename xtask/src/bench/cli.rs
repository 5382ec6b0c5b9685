//! What the console route costs the CLI: `tcbr run service:list --json`,
//! started afresh each time as a CI step starts it, through the console
//! with a personal access token, against the same command straight to the
//! embedded localcloud with its key pair, measured in the same run.

use std::path::Path;
use std::process::Command;

use super::{BENCH_PASSWORD, Console, client, localcloud_credential, percentile, sign_in, timed};
use crate::Result;

/// Runs of each route measured, after a few to warm up.
const RUNS: usize = 30;

pub fn cli(root: &Path, console: &Console, data: &Path) -> Result {
    let http = client()?;
    let cookie = sign_in(&http, &console.url, BENCH_PASSWORD)?;
    let post = |path: &str, body: serde_json::Value| -> Result<serde_json::Value> {
        let r = http
            .post(format!("{}{path}", console.url))
            .header("x-console-request", "1")
            .header("cookie", &cookie)
            .json(&body)
            .send()
            .map_err(|e| e.to_string())?;
        let status = r.status();
        let body: serde_json::Value = r.json().map_err(|e| e.to_string())?;
        if status.is_success() { Ok(body) } else { Err(format!("{path} answered {status}: {body}")) }
    };
    let env = post(
        "/api/cloud/tcbr/CreateCloudRunEnv?region=ap-shanghai",
        serde_json::json!({"PackageType": "Trial", "Alias": "bench-cli"}),
    )?["EnvId"]
        .as_str()
        .ok_or("no EnvId")?
        .to_string();
    let made = post(
        "/api/account/tokens",
        serde_json::json!({"name": "bench", "envs": [env], "role": "viewer", "expires_in_days": 1}),
    )?;
    let token = made["token"].as_str().ok_or("no token")?.to_string();
    let cred = localcloud_credential(data)?;
    let bin = root.join("target/release/tcbr");
    // Only what each route needs: no proxy or key from this machine's environment.
    let tcbr = |vars: &[(&str, &str)]| -> Result {
        let out = Command::new(&bin)
            .args(["run", "service:list", "-e", &env, "--json"])
            .env_clear()
            .envs(vars.iter().copied())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("tcbr failed: {}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    let through = || tcbr(&[("TCBR_CONSOLE", &console.url), ("TCBR_TOKEN", &token)]);
    let endpoint = format!("http://{}", console.localcloud);
    let direct = || {
        tcbr(&[
            ("TENCENTCLOUD_SECRETID", &cred.secret_id),
            ("TENCENTCLOUD_SECRETKEY", &cred.secret_key),
            ("TCBR_ENDPOINT", &endpoint),
        ])
    };
    timed(5, through)?;
    timed(5, direct)?;
    let via = timed(RUNS, through)?;
    let raw = timed(RUNS, direct)?;
    let (v50, r50) = (percentile(&via, 0.5), percentile(&raw, 0.5));
    println!("\nCLI: `tcbr run service:list --json`, a new process each time, {RUNS} runs each");
    println!("  through the console (token) median {v50:.2} ms   max {:.2} ms", via.last().copied().unwrap_or(0.0));
    println!("  straight to localcloud (key)  median {r50:.2} ms   max {:.2} ms", raw.last().copied().unwrap_or(0.0));
    println!("  ratio (median)                {:.2}x", v50 / r50.max(1e-9));
    Ok(())
}
