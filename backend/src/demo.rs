//! `console --demo`: on a fresh embedded cloud, seed an environment with a few
//! services and their deploy history, so a demonstration of the workflow
//! starts with something to show. Everything goes through the same signed API
//! calls a user's clicks make, and the services' traffic through the
//! gateway, as visitors' requests come; nothing is written behind the
//! cloud's back.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use console_shared::actions::{
    Action, CreateCloudRunEnv, CreateCloudRunEnvRequest, CreateCloudRunServer, CreateCloudRunServerRequest,
    CreateHTTPServiceRoute, DeployParam, DescribeCloudRunServers, DescribeCloudRunServersRequest,
    DescribeServerManageTask, DiffConfigItem, HttpServiceRouteRequest, ManageTaskRequest, ReleaseGray,
    ReleaseGrayRequest, UpdateCloudRunServer, UpdateCloudRunServerRequest, UploadCertificate, UploadCertificateRequest,
    VersionFlowInfo,
};
use console_shared::certs::PrivateKeyPem;
use console_shared::region::Region;
use console_shared::rules::PACKAGE_MAX_BYTES;
use console_shared::vocab::{ConfigKey, DeployType, DomainProtocol, ReleaseType, TaskStatus, TrafficType};

use crate::audit::{self, Event, Outcome};
use crate::cloud::envs::record_new_env;
use crate::cloud::packages;
use crate::cloud::timeline;
use crate::cloud::upstream::UpstreamError;
use crate::state::AppState;

/// The demo's code package: a small Node.js app with its Dockerfile.
const WEB_FILES: [(&str, &str); 3] = [
    (
        "Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm install --omit=dev\nCOPY . .\nEXPOSE 80\nCMD [\"node\", \"server.js\"]\n",
    ),
    ("package.json", "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"main\": \"server.js\"\n}\n"),
    ("server.js", "require('http').createServer((req, res) => res.end('hello from web')).listen(80);\n"),
];

fn web_zip() -> Result<Vec<u8>, zip::result::ZipError> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, text) in WEB_FILES {
        w.start_file(path, zip::write::SimpleFileOptions::default())?;
        w.write_all(text.as_bytes())?;
    }
    Ok(w.finish()?.into_inner())
}

/// `web`, built from a code package uploaded like the console uploads one.
async fn create_web(state: &AppState, admin: i64, env: &str) -> Result<(), UpstreamError> {
    let bytes = web_zip().map_err(|e| UpstreamError::Invalid(e.to_string()))?;
    let length = Some(bytes.len() as u64);
    let uploaded = packages::forward(state, env, "web", axum::body::Body::from(bytes), length, PACKAGE_MAX_BYTES)
        .await
        .map_err(|e| UpstreamError::Invalid(e.body.message))?;
    let req = CreateCloudRunServerRequest {
        server_config: None,
        env_id: env.into(),
        server_name: "web".into(),
        deploy_info: DeployParam {
            deploy_type: DeployType::Package,
            package_name: Some(uploaded.package_name),
            package_version: Some(uploaded.package_version),
            release_type: Some(ReleaseType::Full),
            ..Default::default()
        },
        items: None,
    };
    change::<CreateCloudRunServer>(state, admin, env, &req).await?;
    Ok(())
}

fn image(url: &str, release: ReleaseType) -> DeployParam {
    DeployParam {
        deploy_type: DeployType::Image,
        image_url: Some(url.into()),
        release_type: Some(release),
        ..Default::default()
    }
}

/// A seeded change, made as the admin and recorded in the audit log as the
/// proxy records a user's, so the services' timelines tell the demo's story.
async fn change<A: Action>(
    state: &AppState,
    admin: i64,
    env: &str,
    req: &A::Request,
) -> Result<A::Response, UpstreamError> {
    let result = state.upstream.call::<A>(Some(Region::Shanghai), req).await;
    let body = serde_json::to_value(req).unwrap_or_default();
    if let Some((service, detail)) = timeline::change_of(A::NAME, &body) {
        let outcome = if result.is_ok() { Outcome::Allowed } else { Outcome::Failed };
        let event = Event {
            user_id: Some(admin),
            username: "admin",
            env_id: Some(env),
            service: Some(service.as_str()).filter(|s| !s.is_empty()),
            action: A::NAME,
            outcome,
            detail,
            request_id: None,
            via_token: None,
        };
        audit::record(state, event).await;
    }
    result
}

/// Waits for the service's current deploy (TaskId 0, as the CLI finds it:
/// Create/Update answer TaskId 0) to end; a gray update's task runs on while
/// its release is open, so its deploy has ended once every step finished.
async fn wait(state: &AppState, env: &str, service: &str) -> Result<(), UpstreamError> {
    let req = ManageTaskRequest { env_id: env.into(), server_name: service.into(), task_id: 0, operator_remark: None };
    for _ in 0..600 {
        let t = state.upstream.call::<DescribeServerManageTask>(Some(Region::Shanghai), &req).await?;
        if t.task.status != TaskStatus::Running || t.task.gray_deployed() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(())
}

async fn create(state: &AppState, admin: i64, env: &str, name: &str, url: &str, min: i64) -> Result<(), UpstreamError> {
    let req = CreateCloudRunServerRequest {
        server_config: None,
        env_id: env.into(),
        server_name: name.into(),
        deploy_info: image(url, ReleaseType::Full),
        items: Some(vec![
            DiffConfigItem::int(ConfigKey::MinNum, min),
            DiffConfigItem::int(ConfigKey::MaxNum, 10),
            DiffConfigItem::string(
                ConfigKey::EnvParam,
                r#"{"GREETING":"hello from the demo","API_TOKEN":"not-shown"}"#,
            ),
        ]),
    };
    change::<CreateCloudRunServer>(state, admin, env, &req).await?;
    Ok(())
}

/// Seeds once: only when the console knows no environment yet. `gateway`
/// is where the embedded cloud serves the services.
pub async fn seed(state: AppState, gateway: SocketAddr) {
    match run(&state).await {
        Ok(Some(env)) => {
            println!(
                "demo: seeded the environment `demo` with the services shop (in a gray release at 30 %), api (with \
                 the custom domain {DEMO_DOMAIN}, its certificate expiring soon), legacy and web"
            );
            if let Err(e) = visit(&state, &env, gateway).await {
                tracing::warn!(error = ?e, "the demo's visits stopped");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = ?e, "demo seeding stopped"),
    }
}

/// `Some(env)` once seeded.
async fn run(state: &AppState) -> Result<Option<String>, UpstreamError> {
    let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM environments").fetch_one(&state.db).await.unwrap_or(1);
    let admin: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = 'admin'")
        .fetch_optional(&state.db)
        .await
        .unwrap_or(None);
    let Some(admin) = admin.filter(|_| known == 0) else { return Ok(None) };
    let req =
        CreateCloudRunEnvRequest { package_type: "Trial".into(), alias: Some("demo".into()), ..Default::default() };
    let env = state.upstream.call::<CreateCloudRunEnv>(Some(Region::Shanghai), &req).await?.env_id;
    if record_new_env(state, &env, Region::Shanghai, admin).await.is_err() {
        return Ok(None);
    }
    // Four services in parallel: two images that go live, one whose first
    // deploy fails, and one built from a code package.
    create(state, admin, &env, "shop", "nginx:1.27", 0).await?;
    create(state, admin, &env, "api", "nginx:1.27", 1).await?;
    create(state, admin, &env, "legacy", "localcloud/fail-health", 0).await?;
    create_web(state, admin, &env).await?;
    wait(state, &env, "api").await?;
    // A second version of `api` with another image and greeting, so its
    // history shows an update and a rollback to api-001 has a diff to show.
    let update = UpdateCloudRunServerRequest {
        server_config: None,
        env_id: env.clone(),
        server_name: "api".into(),
        deploy_info: image("nginx:1.28", ReleaseType::Full),
        items: Some(vec![DiffConfigItem::string(
            ConfigKey::EnvParam,
            r#"{"GREETING":"hello from the demo, second edition","API_TOKEN":"not-shown"}"#,
        )]),
    };
    change::<UpdateCloudRunServer>(state, admin, &env, &update).await?;
    for name in ["shop", "legacy", "web", "api"] {
        wait(state, &env, name).await?;
    }
    gray_release(state, admin, &env).await?;
    bind_domain(state, admin, &env).await?;
    Ok(Some(env))
}

/// What visitors ask each service for: mostly pages, some that fail
/// (R-OBS-2's HTTP errors), a slow one, and log lines of the application's
/// own (R-OBS-3), one of them printing a secret the logs show masked.
const VISITS: [(&str, &[&str]); 3] = [
    (
        "shop",
        &[
            "/",
            "/",
            "/products",
            "/products?page=2",
            "/cart",
            "/",
            "/products",
            "/checkout",
            "/",
            "/products",
            "/__demo/status/500",
            "/__demo/status/500",
            "/__demo/status/404",
            "/__demo/status/404",
            "/__demo/log/warn?msg=payment%20provider%20slow%20to%20answer%2C%20retrying",
        ],
    ),
    (
        "api",
        &[
            "/",
            "/v1/orders",
            "/v1/orders/1042",
            "/v1/users/me",
            "/",
            "/v1/orders",
            "/__demo/sleep/300",
            "/__demo/status/500",
            "/__demo/status/404",
            "/__demo/log/error?msg=order%201042%20failed%3A%20upstream%20timeout",
            "/__demo/log/info?msg=connecting%20with%20API_TOKEN%3Dnot-shown",
        ],
    ),
    ("web", &["/", "/", "/about", "/", "/__demo/status/404"]),
];

/// Visits the seeded services through the gateway, as a browser would, so
/// the Monitoring and Logs tabs of a demonstration are not empty.
async fn visit(state: &AppState, env: &str, gateway: SocketAddr) -> Result<(), UpstreamError> {
    let req = DescribeCloudRunServersRequest { env_id: env.into(), ..Default::default() };
    let services = state.upstream.call::<DescribeCloudRunServers>(Some(Region::Shanghai), &req).await?.server_list;
    // A gateway listening on every address answers on loopback.
    let ip = if gateway.ip().is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { gateway.ip() };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| UpstreamError::Invalid(e.to_string()))?;
    for (name, paths) in VISITS {
        let Some(service) = services.iter().find(|s| s.server_name == name) else { continue };
        // The default domain, `http://<name>-<env>.run.localhost:<port>`, is the Host.
        let host = service.default_domain_name.trim_start_matches("http://").trim_end_matches('/');
        let port = host.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).unwrap_or(gateway.port());
        for path in paths.iter() {
            let url = format!("http://{}{path}", SocketAddr::new(ip, port));
            if let Err(e) = http.get(url).header(reqwest::header::HOST, host).send().await {
                tracing::debug!(error = %e, service = name, "a demo visit failed");
            }
        }
    }
    Ok(())
}

/// The demo's custom domain: under `localhost`, which browsers resolve to
/// this machine, so it opens through the gateway with no DNS record.
const DEMO_DOMAIN: &str = "api.demo.localhost";

/// `api` on [`DEMO_DOMAIN`], HTTP redirected to HTTPS, with a self-signed
/// certificate that expires in 20 days: the Domains tab, the overview and
/// the services list flag it for renewal.
async fn bind_domain(state: &AppState, admin: i64, env: &str) -> Result<(), UpstreamError> {
    let made = || -> Result<(String, String), rcgen::Error> {
        let key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(vec![DEMO_DOMAIN.to_string()])?;
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(70);
        params.not_after = now + time::Duration::days(20);
        Ok((params.self_signed(&key)?.pem(), key.serialize_pem()))
    };
    let (chain, key) = made().map_err(|e| UpstreamError::Invalid(format!("the demo's certificate: {e}")))?;
    let upload = UploadCertificateRequest {
        certificate_public_key: chain,
        certificate_private_key: Some(PrivateKeyPem::new(key)),
        alias: Some("demo".into()),
        ..Default::default()
    };
    let cert_id = state.upstream.call::<UploadCertificate>(Some(Region::Shanghai), &upload).await?.certificate_id;
    let bind = HttpServiceRouteRequest::whole_domain(
        env.into(),
        DEMO_DOMAIN.into(),
        "api".into(),
        DomainProtocol::HttpToHttps,
        Some(cert_id),
    );
    change::<CreateHTTPServiceRoute>(state, admin, env, &bind).await?;
    Ok(())
}

/// `shop` in a gray release: its second version takes 30 % of the traffic,
/// so the traffic panel has something to show.
async fn gray_release(state: &AppState, admin: i64, env: &str) -> Result<(), UpstreamError> {
    let update = UpdateCloudRunServerRequest {
        server_config: None,
        env_id: env.into(),
        server_name: "shop".into(),
        deploy_info: image("nginx:1.28", ReleaseType::Gray),
        items: None,
    };
    change::<UpdateCloudRunServer>(state, admin, env, &update).await?;
    wait(state, env, "shop").await?;
    let share = |name: &str, ratio: i64, default: bool| VersionFlowInfo {
        version_name: name.into(),
        is_default_priority: default,
        flow_ratio: Some(ratio),
        url_param: None,
        priority: Some(if default { 1 } else { 2 }),
    };
    let split = ReleaseGrayRequest {
        env_id: env.into(),
        server_name: "shop".into(),
        gray_type: "gray".into(),
        traffic_type: TrafficType::Flow,
        version_flow_items: Some(vec![share("shop-001", 70, true), share("shop-002", 30, false)]),
        gray_flow_ratio: Some(30),
        ..Default::default()
    };
    change::<ReleaseGray>(state, admin, env, &split).await?;
    Ok(())
}
