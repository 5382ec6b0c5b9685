//! The instances of the versions, and the built-in workload each one runs.
//!
//! localcloud cannot run containers (there is no container engine behind it),
//! so every version runs as its built-in workload: a real HTTP listener on a
//! loopback port that answers with who it is and what it received. A few
//! built-in images fail on purpose, so failure paths can be shown:
//! - `localcloud/fail-health`: every instance answers 503; the health check fails.
//! - `localcloud/slow-start`: instances take several step lengths to start.
//! - `localcloud/missing`: the image cannot be pulled.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use console_shared::actions::ServerBaseConfig;
use console_shared::secrets::looks_secret;
use console_shared::vocab::{EnvId, ServiceName, VersionName, VersionRef};
use serde_json::json;
use tokio::sync::oneshot;

pub const IMAGE_FAIL_HEALTH: &str = "localcloud/fail-health";
pub const IMAGE_SLOW_START: &str = "localcloud/slow-start";
pub const IMAGE_MISSING: &str = "localcloud/missing";

struct Instance {
    id: String,
    started: i64,
    addr: SocketAddr,
    /// Dropping it stops the listener.
    _stop: oneshot::Sender<()>,
}

/// Instances per version, and a round-robin cursor.
#[derive(Default)]
pub struct Runtime {
    instances: Mutex<HashMap<VersionRef, Vec<Instance>>>,
    next: AtomicUsize,
}

impl Runtime {
    /// One instance's address for the version, taking turns.
    pub fn pick(&self, version: &VersionRef) -> Option<SocketAddr> {
        let map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.get(version)?;
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        list.get(i % list.len().max(1)).map(|inst| inst.addr)
    }

    pub fn count(&self, version: &VersionRef) -> usize {
        let map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        map.get(version).map_or(0, Vec::len)
    }

    /// `(instance id, start time)` of every instance of the service, or of one version.
    pub fn pods(&self, env: &EnvId, service: &ServiceName, version: Option<&VersionName>) -> Vec<(String, i64)> {
        let map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        let mut pods: Vec<(String, i64)> = map
            .iter()
            .filter(|(v, _)| &v.env == env && &v.service == service && version.is_none_or(|want| want == &v.version))
            .flat_map(|(_, list)| list.iter().map(|i| (i.id.clone(), i.started)))
            .collect();
        pods.sort();
        pods
    }

    /// Stops a version's instances (their listeners end).
    pub fn stop(&self, version: &VersionRef) {
        let mut map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(version);
    }

    /// A version lost all its traffic (R-UPD-1, R-UPD-3, R-RB-1): its
    /// instances keep serving what they hold until the drain window ends,
    /// then go. (Scaffold: the scaler that keeps the window replaces this.)
    pub fn retire(&self, version: &VersionRef) {
        self.stop(version);
    }

    /// Stops every version of a service.
    pub fn stop_service(&self, env: &EnvId, service: &ServiceName) {
        let mut map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|v, _| !(&v.env == env && &v.service == service));
    }

    /// Starts one instance of a version: a listener on a free loopback port.
    pub async fn start_instance(
        &self,
        version: &VersionRef,
        image: &str,
        config: &ServerBaseConfig,
    ) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let id = format!("{}-{}", version.version, hex_id());
        let vars: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&config.env_params).unwrap_or_default();
        let workload = Workload {
            service: version.service.to_string(),
            version: version.version.to_string(),
            image: image.into(),
            instance: id.clone(),
            env: vars.into_iter().filter(|(k, _)| !looks_secret(k)).collect(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let app = axum::Router::new().fallback(move |req: Request| answer(workload.clone(), req));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        let instance = Instance { id: id.clone(), started: crate::clock::now(), addr, _stop: stop };
        let mut map = self.instances.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(version.clone()).or_default().push(instance);
        Ok(id)
    }
}

/// What the built-in workload knows about itself.
#[derive(Clone)]
struct Workload {
    service: String,
    version: String,
    image: String,
    instance: String,
    /// Only the variables whose names do not look secret.
    env: serde_json::Map<String, serde_json::Value>,
}

async fn answer(workload: Workload, req: Request) -> axum::response::Response {
    if workload.image == IMAGE_FAIL_HEALTH {
        let body =
            json!({"error": "this built-in image fails its health check on purpose", "instance": workload.instance});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let headers: serde_json::Map<String, serde_json::Value> = req
        .headers()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "cookie" | "authorization"))
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").into()))
        .collect();
    Json(json!({
        "service": workload.service,
        "version": workload.version,
        "image": workload.image,
        "instance": workload.instance,
        "request": {"method": req.method().as_str(), "path": req.uri().path(), "query": req.uri().query(), "headers": headers},
        "env": workload.env,
        "note": "served by localcloud's built-in workload: localcloud does not run containers",
    }))
    .into_response()
}

fn hex_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}
