//! The embedded localcloud's gateway: what its hop costs a request against
//! calling the instance directly, at 16 concurrent connections; a cold
//! start, from a version scaled to zero to its first answer, against a warm
//! request through the same gateway; and a custom domain's TLS handshake with
//! its first answer against the same request over plain HTTP, each on a new
//! connection. The console runs with a 1 s observation window
//! (`LOCALCLOUD_SCALE_TO_ZERO_AFTER_SECS`), so the version is back at zero a
//! moment after each cold start.
//!
//! The gateway records every request it routes in the metrics (R-OBS-2), so
//! the overhead figure (against the instance called directly, in the same
//! run) is with recording on; the calls the metrics counted are read back,
//! so the figure is known to include them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use console_shared::tc3::{self, Credential};
use console_shared::time::cst_datetime;
use serde_json::{Value, json};

use super::{Console, async_client, percentile};
use crate::Result;

/// Concurrent connections of the overhead run.
const CLIENTS: usize = 16;
/// Cold starts measured.
const COLD_STARTS: usize = 20;
/// TLS handshakes measured, and as many plain requests.
const HANDSHAKES: usize = 50;
/// The custom domain of the TLS figure (resolved to the gateway by the client).
const DOMAIN: &str = "bench.example.com";

/// Signed calls straight to the embedded localcloud.
struct Cloud {
    http: reqwest::Client,
    host: String,
    cred: Credential,
}

impl Cloud {
    async fn call(&self, action: &str, region: Option<&str>, body: Value) -> Result<Value> {
        self.call_api(("tcbr", "2022-02-17"), action, region, body).await
    }

    /// A call to another product, `(service, version)`.
    async fn call_api(
        &self,
        (service, version): (&str, &str),
        action: &str,
        region: Option<&str>,
        body: Value,
    ) -> Result<Value> {
        let bytes = body.to_string().into_bytes();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
        let target = tc3::Target { service, host: &self.host, action, version, region };
        let signed = tc3::sign_json_post(&self.cred, target, now.as_secs() as i64, &bytes);
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

    /// Deploys `name` from an image with these instance bounds and waits for it.
    async fn deploy(&self, env: &str, name: &str, min: i64, max: i64) -> Result<String> {
        let items = json!([{"Key": "Port", "IntValue": 8080}, {"Key": "MinNum", "IntValue": min}, {"Key": "MaxNum", "IntValue": max}]);
        let deploy = json!({"DeployType": "image", "ImageUrl": "nginx"});
        let body = json!({"EnvId": env, "ServerName": name, "DeployInfo": deploy, "Items": items});
        self.call("CreateCloudRunServer", None, body).await?;
        let task = json!({"EnvId": env, "ServerName": name, "TaskId": 0});
        let id = self.call("DescribeServerManageTask", None, task).await?["Task"]["Id"].clone();
        let start = Instant::now();
        loop {
            let task = json!({"EnvId": env, "ServerName": name, "TaskId": id});
            let status = self.call("DescribeServerManageTask", None, task).await?["Task"]["Status"].clone();
            match status.as_str() {
                Some("running") if start.elapsed() < Duration::from_secs(180) => {}
                Some("finished") => break,
                _ => return Err(format!("the deploy of {name} ended {status}")),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let detail = self.call("DescribeCloudRunServerDetail", None, json!({"EnvId": env, "ServerName": name})).await?;
        let domain = detail["BaseInfo"]["DefaultDomainName"].as_str().ok_or("no default domain")?;
        Ok(domain.trim_start_matches("http://").to_string())
    }

    /// The calls the metrics counted for `name` in the last hour (tcb `DescribeCurveData`).
    async fn recorded_calls(&self, env: &str, name: &str) -> Result<i64> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
        let now = now.as_secs() as i64;
        let body = json!({"EnvId": env, "MetricName": "TkeInvokeNumService", "ResourceID": name,
                          "StartTime": cst_datetime(now - 3600), "EndTime": cst_datetime(now)});
        let curve = self.call_api(("tcb", "2018-06-08"), "DescribeCurveData", None, body).await?;
        let values = curve["Values"].as_array().ok_or("DescribeCurveData answered no Values")?;
        Ok(values.iter().filter_map(Value::as_i64).sum())
    }

    async fn pods(&self, env: &str, name: &str) -> Result<u64> {
        let r = self.call("DescribeCloudRunPodList", None, json!({"EnvId": env, "ServerName": name})).await?;
        r["TotalCount"].as_u64().ok_or_else(|| "no TotalCount".into())
    }
}

/// One GET, read to the end; milliseconds.
async fn get(req: reqwest::RequestBuilder) -> Result<f64> {
    let start = Instant::now();
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("answered {status}"));
    }
    Ok(start.elapsed().as_secs_f64() * 1000.0)
}

/// Latencies of `CLIENTS` callers, each sending its next request when the
/// last is answered, for `period`.
async fn latencies(make: Arc<dyn Fn() -> reqwest::RequestBuilder + Send + Sync>, period: Duration) -> Result<Vec<f64>> {
    let start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let make = make.clone();
            tokio::spawn(async move {
                let mut times = vec![];
                while start.elapsed() < period {
                    times.push(get(make()).await?);
                }
                Ok::<_, String>(times)
            })
        })
        .collect();
    let mut all = vec![];
    for w in workers {
        all.extend(w.await.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

pub async fn gateway(console: &Console, cred: Credential) -> Result {
    let http = async_client()?;
    let cloud = Cloud { http: http.clone(), host: console.localcloud.clone(), cred };
    let env =
        cloud.call("CreateCloudRunEnv", Some("ap-shanghai"), json!({"PackageType": "Trial", "Alias": "bench"})).await?;
    let env = env["EnvId"].as_str().ok_or("no EnvId")?.to_string();
    // One instance exactly, so the direct calls and the gateway's reach the same one.
    let (steady, cold) = tokio::join!(cloud.deploy(&env, "steady", 1, 1), cloud.deploy(&env, "cold", 0, 1));
    let (steady, cold) = (steady?, cold?);

    let gateway = console.gateway.clone();
    let via = |host: String| -> Arc<dyn Fn() -> reqwest::RequestBuilder + Send + Sync> {
        let (http, gateway) = (http.clone(), gateway.clone());
        Arc::new(move || http.get(format!("http://{gateway}/bench")).header("host", host.as_str()))
    };
    let through = via(steady.clone());
    let first: Value = through().send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
    let instance = first["address"].as_str().ok_or("the workload did not say where it listens")?.to_string();
    let direct: Arc<dyn Fn() -> reqwest::RequestBuilder + Send + Sync> = {
        let http = http.clone();
        Arc::new(move || http.get(format!("http://{instance}/bench")))
    };
    const ROUNDS: u32 = 3;
    const ROUND: Duration = Duration::from_secs(2);
    let warm_up = latencies(through.clone(), Duration::from_secs(1)).await?.len();
    latencies(direct.clone(), Duration::from_secs(1)).await?;
    let (mut gw, mut raw) = (vec![], vec![]);
    for _ in 0..ROUNDS {
        gw.extend(latencies(through.clone(), ROUND).await?);
        raw.extend(latencies(direct.clone(), ROUND).await?);
    }
    gw.sort_by(f64::total_cmp);
    raw.sort_by(f64::total_cmp);
    let (g50, g99, r50, r99) =
        (percentile(&gw, 0.5), percentile(&gw, 0.99), percentile(&raw, 0.5), percentile(&raw, 0.99));
    println!(
        "\nGateway overhead: GET through the gateway and straight to the instance, {CLIENTS} concurrent connections, {ROUNDS} alternating rounds of {} s",
        ROUND.as_secs()
    );
    println!("  through the gateway  p50 {g50:.3} ms   p99 {g99:.3} ms   ({} requests)", gw.len());
    println!("  instance directly    p50 {r50:.3} ms   p99 {r99:.3} ms   ({} requests)", raw.len());
    let (ratio50, ratio99) = (g50 / r50.max(1e-9), g99 / r99.max(1e-9));
    println!("  ratio                p50 {ratio50:.2}x   p99 {ratio99:.2}x   (metrics recording on)");
    // The first request, the warm-up and the rounds, all to `steady`.
    let sent = 1 + warm_up + gw.len();
    let recorded = cloud.recorded_calls(&env, "steady").await?;
    println!("  calls the metrics counted: {recorded} of the {sent} sent through the gateway");

    let to_cold = via(cold);
    let (mut colds, mut warms) = (vec![], vec![]);
    for _ in 0..COLD_STARTS {
        let start = Instant::now();
        while cloud.pods(&env, "cold").await? > 0 {
            if start.elapsed() > Duration::from_secs(60) {
                return Err("the version did not scale to zero within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        colds.push(get(to_cold()).await?);
        warms.push(get(to_cold()).await?);
    }
    colds.sort_by(f64::total_cmp);
    warms.sort_by(f64::total_cmp);
    let (c50, w50) = (percentile(&colds, 0.5), percentile(&warms, 0.5));
    println!("\nCold start: from zero instances to the first answer through the gateway, {COLD_STARTS} times");
    println!("  cold (first request) median {c50:.3} ms   max {:.3} ms", colds.last().copied().unwrap_or(0.0));
    println!("  warm (the next one)  median {w50:.3} ms");
    println!("  ratio (median)       {:.2}x", c50 / w50.max(1e-9));
    tls_handshake(&cloud, &env, "steady", console).await
}

/// A certificate for [`DOMAIN`] from a throwaway CA: the chain and key to
/// upload, and the CA's DER for the client to trust.
fn certificate() -> Result<(String, String, Vec<u8>)> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let e = |e: rcgen::Error| e.to_string();
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "localcloud bench CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(e)?).map_err(e)?;
    let key = KeyPair::generate().map_err(e)?;
    let leaf = CertificateParams::new(vec![DOMAIN.to_string()]).map_err(e)?.signed_by(&key, &ca).map_err(e)?;
    Ok((format!("{}{}", leaf.pem(), ca.pem()), key.serialize_pem(), ca.der().to_vec()))
}

/// A custom domain bound to `service` for HTTP and HTTPS; then the same GET
/// over TLS (TCP connection, full handshake, first answer) and over plain
/// HTTP (TCP connection, answer), each on a new connection, alternating.
/// The TLS client resumes no session, so every handshake is a full one.
async fn tls_handshake(cloud: &Cloud, env: &str, service: &str, console: &Console) -> Result {
    let (chain, key, ca) = certificate()?;
    let upload = json!({"CertificatePublicKey": chain, "CertificatePrivateKey": key, "Alias": "bench"});
    let cert = cloud.call_api(("ssl", "2019-12-05"), "UploadCertificate", None, upload).await?;
    let cert = cert["CertificateId"].as_str().ok_or("no CertificateId")?;
    let routes = json!([{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": service}]);
    let domain = json!({"Domain": DOMAIN, "Protocol": "HTTP_AND_HTTPS", "CertId": cert, "Routes": routes});
    let bind = json!({"EnvId": env, "Domain": domain});
    cloud.call_api(("tcb", "2018-06-08"), "CreateHTTPServiceRoute", None, bind).await?;

    let tls_at: SocketAddr = console.gateway_tls.parse().map_err(|_| "the console did not print its TLS gateway")?;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(ca)).map_err(|e| e.to_string())?;
    let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.resumption = rustls::client::Resumption::disabled();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    // No idle connection is kept: each request opens its own.
    let https = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .resolve(DOMAIN, tls_at)
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().map_err(|e| e.to_string())?;
    let over_tls = || https.get(format!("https://{DOMAIN}:{}/bench", tls_at.port()));
    let over_http = || http.get(format!("http://{}/bench", console.gateway)).header("host", DOMAIN);
    for _ in 0..5 {
        get(over_tls()).await?;
        get(over_http()).await?;
    }
    let (mut secure, mut plain) = (vec![], vec![]);
    for _ in 0..HANDSHAKES {
        secure.push(get(over_tls()).await?);
        plain.push(get(over_http()).await?);
    }
    secure.sort_by(f64::total_cmp);
    plain.sort_by(f64::total_cmp);
    let (s50, p50) = (percentile(&secure, 0.5), percentile(&plain, 0.5));
    println!("\nCustom domain over TLS: a new connection, a full handshake and the first answer, {HANDSHAKES} times");
    println!("  TLS (handshake + answer) median {s50:.3} ms   max {:.3} ms", secure.last().copied().unwrap_or(0.0));
    println!("  plain HTTP (same request) median {p50:.3} ms   max {:.3} ms", plain.last().copied().unwrap_or(0.0));
    println!("  ratio (median)           {:.2}x", s50 / p50.max(1e-9));
    Ok(())
}
