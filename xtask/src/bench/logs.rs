//! Runtime-log search (R-OBS-3): tcbr `SearchClsLog` with a term query over
//! 1 000 000 stored lines of one environment, against the same search over
//! 10 000 lines of another, both in the embedded localcloud's `observe.db`
//! and timed in the same run (median of 20 signed calls each). The lines
//! are written straight into that database in one transaction each, as
//! localcloud's own writer stores them (its triggers index them).

use std::path::Path;
use std::time::{Duration, Instant};

use console_shared::tc3::{self, Credential};
use console_shared::time::cst_datetime;
use serde_json::{Value, json};

use super::{Console, async_client, percentile};
use crate::Result;

const BIG: i64 = 1_000_000;
const SMALL: i64 = 10_000;
/// Searches timed per size.
const SEARCHES: usize = 20;
/// The term searched for: one line in a hundred holds it.
const TERM: &str = "needle";

pub async fn log_search(console: &Console, data: &Path, cred: Credential) -> Result {
    let api = Api { http: async_client()?, host: &console.localcloud, cred: &cred };
    let big = api.env("logs-big").await?;
    let small = api.env("logs-small").await?;

    let path = data.join("localcloud/observe.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).busy_timeout(Duration::from_secs(60));
    let db = sqlx::SqlitePool::connect_with(options).await.map_err(|e| format!("{}: {e}", path.display()))?;
    let start = Instant::now();
    fill(&db, &big, BIG).await?;
    let filled = start.elapsed();
    fill(&db, &small, SMALL).await?;
    db.close().await;

    let over_big = api.median_search(&big).await?;
    let over_small = api.median_search(&small).await?;
    println!(
        "\nLog search: SearchClsLog QueryString \"{TERM}\" (1 line in 100), Limit 100, newest first, median of {SEARCHES}"
    );
    println!(
        "  over 1 000 000 lines   p50 {over_big:.3} ms   (stored in {:.1} s, one transaction)",
        filled.as_secs_f64()
    );
    println!("  over    10 000 lines   p50 {over_small:.3} ms");
    println!("  ratio (1M / 10k)       {:.2}x", over_big / over_small.max(1e-9));
    Ok(())
}

/// Stores `n` access lines of `env` over the last hour, one transaction.
async fn fill(db: &sqlx::SqlitePool, env: &str, n: i64) -> Result {
    let now_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_millis()
            as i64;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    sqlx::query(
        r#"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2)
           INSERT INTO log_lines (at_ms, env, service, version, instance, stream, level, text, status, method, path, type)
           SELECT ?3 - 3600000 + i * 3600000 / ?2, ?1, 'shop', 'shop-001', 'shop-001-bench', 'stdout', 'info',
                  printf('{"level":"info","type":"access","method":"GET","path":"/item/%d","status":%d,"ms":%d,"msg":"%s"}',
                         i % 1000, CASE WHEN i % 50 = 0 THEN 500 ELSE 200 END, i % 97,
                         CASE WHEN i % 100 = 7 THEN ?4 ELSE 'hay' END),
                  CASE WHEN i % 50 = 0 THEN '500' ELSE '200' END, 'GET', printf('/item/%d', i % 1000), 'access'
           FROM n"#,
    )
    .bind(env)
    .bind(n)
    .bind(now_ms)
    .bind(TERM)
    .execute(&mut *tx)
    .await
    .map_err(|e| format!("storing {n} lines: {e}"))?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// Signed tcbr calls straight to the embedded localcloud.
struct Api<'a> {
    http: reqwest::Client,
    host: &'a str,
    cred: &'a Credential,
}

impl Api<'_> {
    /// A call's `Response`, or its error's message.
    async fn call(&self, action: &str, body: &Value) -> Result<Value> {
        let bytes = body.to_string().into_bytes();
        let target = tc3::Target {
            service: "tcbr",
            host: self.host,
            action,
            version: "2022-02-17",
            region: Some("ap-shanghai"),
        };
        let signed = tc3::sign_json_post(self.cred, target, unix_secs()?, &bytes);
        let mut req = self.http.post(format!("http://{}/", self.host)).body(bytes);
        for (k, v) in signed.headers.into_iter().filter(|(k, _)| *k != "Host") {
            req = req.header(k, v);
        }
        let v: Value = req.send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        let response = v["Response"].clone();
        match response["Error"]["Message"].as_str() {
            Some(message) => Err(format!("{action}: {message}")),
            None => Ok(response),
        }
    }

    /// A new environment's id.
    async fn env(&self, alias: &str) -> Result<String> {
        let r = self.call("CreateCloudRunEnv", &json!({"PackageType": "Trial", "Alias": alias})).await?;
        r["EnvId"].as_str().map(str::to_string).ok_or_else(|| format!("CreateCloudRunEnv answered {r}"))
    }

    /// The median time of [`TERM`]'s search in `env`, after a warm-up, in ms.
    async fn median_search(&self, env: &str) -> Result<f64> {
        let now = unix_secs()?;
        let body = json!({"EnvId": env, "StartTime": cst_datetime(now - 7200), "EndTime": cst_datetime(now + 600),
                          "QueryString": TERM, "Limit": 100});
        for _ in 0..3 {
            self.call("SearchClsLog", &body).await?;
        }
        let mut times = Vec::with_capacity(SEARCHES);
        for _ in 0..SEARCHES {
            let start = Instant::now();
            let r = self.call("SearchClsLog", &body).await?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            let found = r["LogResults"]["Results"].as_array().map_or(0, Vec::len);
            if found != 100 {
                return Err(format!("the search in {env} found {found} lines, not 100"));
            }
        }
        times.sort_by(f64::total_cmp);
        Ok(percentile(&times, 0.5))
    }
}

fn unix_secs() -> Result<i64> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    Ok(now.as_secs() as i64)
}
