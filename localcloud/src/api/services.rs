//! Services: create (with the first deploy), redeploy, list, detail,
//! instances, delete.

use console_shared::actions::{
    CreateCloudRunServerRequest, DeleteCloudRunServerRequest, DeployParam, DescribeCloudRunPodListRequest,
    DescribeCloudRunPodListResponse, DescribeCloudRunServerDetailResponse, DescribeCloudRunServersRequest,
    DescribeCloudRunServersResponse, OnlineVersionInfo, PODS_PAGE_SIZE_DEFAULT, PODS_PAGE_SIZE_MAX, ResultResponse,
    SERVERS_PAGE_SIZE_DEFAULT, SERVERS_PAGE_SIZE_MAX, ServerBaseConfig, ServerBaseInfo, ServerRequest, TaskIdResponse,
    UpdateCloudRunServerRequest, UpdateCloudRunServerResponse, VersionPodInstance,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::rules;
use console_shared::time::cst_datetime;
use console_shared::vocab::{DeployType, EnvId, ReleaseType, ServiceName, VersionName, VersionRef};

use super::error::CallError;
use super::service_config::{config_from, config_over};
use super::state::State;
use super::{envs, packages};
use crate::deploy::kind::Kind;
use crate::deploy::source::Source;
use crate::deploy::tasks::{self, job::Job};
use crate::packages::files;
use crate::runtime::traffic;

/// Services per environment (docs.cloudbase.net/run/limitation).
const MAX_SERVICES: i64 = 15;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ServiceRow {
    pub env_id: String,
    pub server_name: String,
    pub default_domain: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub config: String,
}

const COLUMNS: &str = "env_id, server_name, default_domain, status, created_at, updated_at, config";

fn not_found(name: &str) -> CallError {
    CallError::new(codes::SERVER_NOT_FOUND, format!("The service `{name}` does not exist."))
}

/// `DeployRemark` / `OperatorRemark`: short, one line (refused, not cut).
pub(crate) fn check_remark(field: &str, remark: Option<&str>) -> Result<(), CloudError> {
    remark.map_or(Ok(()), |r| rules::remark(r).map_err(|e| CloudError::invalid_value(field, e)))
}

/// A service is found only in its own environment: the key is (EnvId,
/// ServerName), and nothing ever changes a service's EnvId (R-ENV-5).
pub(crate) async fn find(
    state: &State,
    env: &str,
    name: &str,
    region: Option<Region>,
) -> Result<ServiceRow, CallError> {
    envs::find(state, env, region).await?;
    let row: Option<ServiceRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM services WHERE env_id = ? AND server_name = ?"))
            .bind(env)
            .bind(name)
            .fetch_optional(&state.db)
            .await?;
    row.ok_or_else(|| not_found(name))
}

/// `<service>-<env>` as a DNS label; after a deletion, `<service>-<n>-<env>`
/// (R-SVC-5: a re-created service gets a domain of its own).
async fn new_domain(state: &State, env: &str, name: &str) -> Result<String, CallError> {
    let label = name.to_ascii_lowercase().replace('_', "-");
    for n in 1.. {
        let host = if n == 1 { format!("{label}-{env}") } else { format!("{label}-{n}-{env}") };
        let domain = format!("http://{host}.{}:{}", crate::domains::OWN_ZONE, state.gateway_port);
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM retired_domains WHERE domain = ?1) + (SELECT COUNT(*) FROM services WHERE default_domain = ?1)",
        )
        .bind(&domain)
        .fetch_one(&state.db)
        .await?;
        if used == 0 {
            return Ok(domain);
        }
    }
    unreachable!("the loop returns")
}

pub async fn create(
    state: &State,
    region: Option<Region>,
    req: CreateCloudRunServerRequest,
) -> Result<TaskIdResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    rules::service_name(&req.server_name).map_err(|e| CloudError::invalid_value("ServerName", e))?;
    let items = req.items.as_deref().unwrap_or_default();
    let config = config_from(&req.env_id, &req.server_name, req.server_config.as_ref(), items)?;
    if gray(&req.deploy_info)? {
        return Err(first_deploy_is_full());
    }
    let source = source_of(state, &req.env_id, &req.deploy_info).await?;
    let config = for_source(config, &source);
    let domain = new_domain(state, &req.env_id, &req.server_name).await?;
    let now = crate::clock::now();
    let version = format!("{}-001", req.server_name);
    let mut tx = crate::store::write_tx(&state.db).await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE env_id = ?")
        .bind(&req.env_id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_SERVICES {
        return Err(CallError::new(
            codes::LIMIT_EXCEEDED,
            format!("An environment holds at most {MAX_SERVICES} services."),
        ));
    }
    let mut stored = config.clone();
    stored.create_time = cst_datetime(now);
    let config_json = serde_json::to_string(&stored)?;
    let inserted = sqlx::query(
        "INSERT INTO services (env_id, server_name, default_domain, status, created_at, updated_at, config, next_version)
         VALUES (?, ?, ?, 'creating', ?, ?, ?, 2) ON CONFLICT DO NOTHING",
    )
    .bind(&req.env_id)
    .bind(&req.server_name)
    .bind(&domain)
    .bind(now)
    .bind(now)
    .bind(&config_json)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // R-SVC-3: unique in the environment.
        return Err(CallError::new(
            codes::RESOURCE_IN_USE,
            format!("A service named `{}` already exists.", req.server_name),
        ));
    }
    let remark = req.deploy_info.deploy_remark.clone().unwrap_or_default();
    let next = NewVersion {
        image: image_of(&req.env_id, &req.server_name, &version, &source),
        deploy_type: deploy_type_of(&source),
        at: VersionRef::from_cloud(&req.env_id, &req.server_name, &version),
        kind: Kind::Code { source, gray: false },
        config,
        pre: String::new(),
    };
    let task = begin_deploy(state, tx, next, &remark).await?;
    tracing::info!(env.id = %req.env_id, service = %req.server_name, task.id = task, "service created; first deploy started");
    // As the real API: TaskId is "not used for now" and 0; clients find the
    // running deploy with DescribeServerManageTask {TaskId: 0}.
    Ok(TaskIdResponse { task_id: 0 })
}

/// R-UPD-2: a gray release compares a new version with the online one.
fn first_deploy_is_full() -> CallError {
    CallError::new(
        codes::INVALID_PARAMETER,
        "A gray release needs a version online to compare with; the first deploy is always a full release (ReleaseType FULL).",
    )
}

/// A redeploy: a new version with the service's settings, changed by `Items`,
/// frozen into it (R-VER-3); one update at a time (R-SVC-4). A gray one
/// (R-UPD-2) opens a release order once the version is healthy.
pub async fn update(
    state: &State,
    region: Option<Region>,
    req: UpdateCloudRunServerRequest,
) -> Result<UpdateCloudRunServerResponse, CallError> {
    let service = find(state, &req.env_id, &req.server_name, region).await?;
    let gray = gray(&req.deploy_info)?;
    let source = source_of(state, &req.env_id, &req.deploy_info).await?;
    let current: ServerBaseConfig = serde_json::from_str(&service.config)?;
    let items = req.items.as_deref().unwrap_or_default();
    let config = for_source(config_over(current, req.server_config.as_ref(), items)?, &source);
    let config_json = serde_json::to_string(&config)?;
    let mut tx = crate::store::write_tx(&state.db).await?;
    refuse_while_busy(
        &mut tx,
        &req.env_id,
        &req.server_name,
        "Another update is running on this service; only one runs at a time (cancel it or wait).",
    )
    .await?;
    // Read under the write lock, as the release will find it.
    let online = online_version(&mut tx, &req.env_id, &req.server_name).await?;
    if gray && online.is_none() {
        return Err(first_deploy_is_full());
    }
    let version = next_version(&mut tx, &req.env_id, &req.server_name, &config_json).await?;
    let remark = req.deploy_info.deploy_remark.clone().unwrap_or_default();
    let next = NewVersion {
        image: image_of(&req.env_id, &req.server_name, &version, &source),
        deploy_type: deploy_type_of(&source),
        at: VersionRef::from_cloud(&req.env_id, &req.server_name, &version),
        kind: Kind::Code { source, gray },
        config,
        pre: online.unwrap_or_default(),
    };
    let task = begin_deploy(state, tx, next, &remark).await?;
    tracing::info!(env.id = %req.env_id, service = %req.server_name, task.id = task, gray, "redeploy started");
    Ok(UpdateCloudRunServerResponse { env_id: req.env_id, task_id: 0 })
}

/// The service's online version, read in `conn` (under the write lock).
pub(crate) async fn online_version(
    conn: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
) -> Result<Option<String>, CallError> {
    Ok(sqlx::query_scalar("SELECT online_version FROM services WHERE env_id = ? AND server_name = ?")
        .bind(env)
        .bind(service)
        .fetch_one(&mut *conn)
        .await?)
}

/// The name of the service's next version, with `config` as its settings
/// from now on.
pub(crate) async fn next_version(
    conn: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    config_json: &str,
) -> Result<String, CallError> {
    let now = crate::clock::now();
    // R-VER-1: numbers only go up, even past deleted or failed versions.
    let number: i64 = sqlx::query_scalar(
        "UPDATE services SET next_version = next_version + 1, config = ?, updated_at = ? WHERE env_id = ? AND server_name = ?
         RETURNING next_version - 1",
    )
    .bind(config_json)
    .bind(now)
    .bind(env)
    .bind(service)
    .fetch_one(&mut *conn)
    .await?;
    Ok(format!("{service}-{number:03}"))
}

/// R-INS-1: the instances running now, of the service or of one version.
pub async fn pods(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudRunPodListRequest,
) -> Result<DescribeCloudRunPodListResponse, CallError> {
    find(state, &req.env_id, &req.server_name, region).await?;
    let size = page_size(req.page_size, PODS_PAGE_SIZE_DEFAULT, PODS_PAGE_SIZE_MAX)?;
    let page = req.page_num.unwrap_or(1).max(1);
    let version = req.version_name.as_deref().filter(|v| !v.is_empty()).map(VersionName::from_cloud);
    let all = state.runtime.pods(
        &EnvId::from_cloud(&req.env_id),
        &ServiceName::from_cloud(&req.server_name),
        version.as_ref(),
    );
    let total_count = all.len() as i64;
    let pod_list = all
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|pod| VersionPodInstance {
            // localcloud has no shell into its built-in workload.
            webshell: String::new(),
            pod_id: pod.id,
            status: pod.phase.into(),
            create_time: cst_datetime(pod.started),
        })
        .collect();
    Ok(DescribeCloudRunPodListResponse { pod_list, total_count })
}

/// R-SVC-4, R-UPD-6: one update at a time, and none while a gray release
/// is open; `why` says what is refused while a task runs.
pub(crate) async fn refuse_while_busy(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    why: &str,
) -> Result<(), CallError> {
    let (running, gray): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM tasks WHERE env_id = ?1 AND server_name = ?2 AND status = 'running'),
                (SELECT COUNT(*) FROM release_orders WHERE env_id = ?1 AND server_name = ?2 AND status = 'open')",
    )
    .bind(env)
    .bind(service)
    .fetch_one(&mut *tx)
    .await?;
    if gray > 0 {
        Err(CallError::new(
            codes::RESOURCE_IN_USE,
            "A gray release is open on this service: finish it (done) or abandon it (go_back) first.",
        ))
    } else if running > 0 {
        Err(CallError::new(codes::RESOURCE_IN_USE, why))
    } else {
        Ok(())
    }
}

/// Paging as Tencent documents it: 0 or none means the default, more than the
/// cap is clamped, a negative size is refused.
fn page_size(asked: Option<i64>, default: i64, max: i64) -> Result<i64, CloudError> {
    match asked.unwrap_or(0) {
        0 => Ok(default),
        n if n < 0 => Err(CloudError::invalid_value("PageSize", "must not be negative")),
        n => Ok(n.min(max)),
    }
}

/// What a deploy builds or pulls: an image URL, or an uploaded code package
/// (R-DEP-2). Other deploy types of Tencent's are refused.
async fn source_of(state: &State, env: &str, deploy: &DeployParam) -> Result<Source, CallError> {
    let required = |v: &Option<String>, field: &str| {
        v.clone().filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            CloudError::new(codes::MISSING_PARAMETER, format!("The parameter `DeployInfo.{field}` is missing."))
        })
    };
    check_remark("DeployInfo.DeployRemark", deploy.deploy_remark.as_deref())?;
    match &deploy.deploy_type {
        DeployType::Image => {
            let image = required(&deploy.image_url, "ImageUrl")?;
            rules::image_reference(&image).map_err(|e| CloudError::invalid_value("DeployInfo.ImageUrl", e))?;
            Ok(Source::Image(image))
        }
        DeployType::Package => {
            let name = required(&deploy.package_name, "PackageName")?;
            let version = required(&deploy.package_version, "PackageVersion")?;
            let package = state.packages.find(env, &name, &version).await?.ok_or_else(|| {
                CloudError::invalid_value(
                    "DeployInfo.PackageVersion",
                    format!("names no uploaded package: `{name}` version `{version}` was never PUT to its upload URL"),
                )
            })?;
            Ok(Source::Package(package))
        }
        other => Err(CallError::invalid_value(
            "DeployInfo.DeployType",
            format!("`{other}` is not supported by localcloud; use image or package"),
        )),
    }
}

/// Whether the deploy is a gray release (R-UPD-2); no `ReleaseType` is FULL.
fn gray(deploy: &DeployParam) -> Result<bool, CallError> {
    match &deploy.release_type {
        None | Some(ReleaseType::Full) => Ok(false),
        Some(ReleaseType::Other(empty)) if empty.is_empty() => Ok(false),
        Some(ReleaseType::Gray) => Ok(true),
        Some(ReleaseType::Other(other)) => {
            Err(CallError::invalid_value("DeployInfo.ReleaseType", format!("`{other}` must be GRAY or FULL")))
        }
    }
}

/// The image a deploy from `source` makes the version run.
fn image_of(env: &str, service: &str, version: &str, source: &Source) -> String {
    match source {
        Source::Image(url) => url.clone(),
        // Where the build pushes the version's image.
        Source::Package(_) => format!("registry.localcloud/{env}/{}:{version}", service.to_ascii_lowercase()),
    }
}

fn deploy_type_of(source: &Source) -> DeployType {
    match source {
        Source::Image(_) => DeployType::Image,
        Source::Package(_) => DeployType::Package,
    }
}

/// How a version was made, from its first task (the deploy that made it).
#[derive(Debug, Default, sqlx::FromRow)]
pub(crate) struct MadeBy {
    pub deploy_type: String,
    pub build_id: i64,
    pub run_id: String,
}

/// The first task of a version: how its image was made; `None` for a
/// version no task made.
pub(crate) async fn made_by(
    db: impl sqlx::SqliteExecutor<'_>,
    env: &str,
    service: &str,
    version: &str,
) -> Result<Option<MadeBy>, sqlx::Error> {
    sqlx::query_as(
        "SELECT deploy_type, build_id, run_id FROM tasks WHERE env_id = ? AND server_name = ? AND version_name = ?
         ORDER BY id LIMIT 1",
    )
    .bind(env)
    .bind(service)
    .bind(version)
    .fetch_optional(db)
    .await
}

/// How an existing version's image was made: its deploy's `DeployType`.
pub(crate) async fn deploy_type_of_version(
    conn: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    version: &str,
) -> Result<DeployType, CallError> {
    let made = made_by(&mut *conn, env, service, version).await?;
    Ok(made.map_or(DeployType::Image, |m| DeployType::from(m.deploy_type)))
}

/// A package build reads its Dockerfile from `<BuildDir>/<Dockerfile>`; the
/// CLI's defaults fill what the caller left empty.
fn for_source(mut c: ServerBaseConfig, source: &Source) -> ServerBaseConfig {
    // Says how the version was made: the console starts a redeploy from it.
    c.has_dockerfile = matches!(source, Source::Package(_));
    if c.has_dockerfile {
        if c.dockerfile.is_empty() {
            c.dockerfile = "Dockerfile".into();
        }
        if c.build_dir.is_empty() {
            c.build_dir = ".".into();
        }
    }
    c
}

/// A version about to be deployed, with its frozen configuration (R-VER-3).
pub(crate) struct NewVersion {
    pub at: VersionRef,
    /// The image it runs.
    pub image: String,
    /// How that image was made.
    pub deploy_type: DeployType,
    /// A code deploy or a settings change.
    pub kind: Kind,
    pub config: ServerBaseConfig,
    /// The version online before, if any.
    pub pre: String,
}

/// Records the version and its task in `tx`, commits, and starts the pipeline.
pub(crate) async fn begin_deploy(
    state: &State,
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    v: NewVersion,
    remark: &str,
) -> Result<i64, CallError> {
    let config_json = serde_json::to_string(&v.config)?;
    let (env, service, version) = (v.at.env.as_str(), v.at.service.as_str(), v.at.version.as_str());
    sqlx::query(
        "INSERT INTO versions (env_id, server_name, version_name, image, config, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'deploying', ?)",
    )
    .bind(env)
    .bind(service)
    .bind(version)
    .bind(&v.image)
    .bind(&config_json)
    .bind(crate::clock::now())
    .execute(&mut *tx)
    .await?;
    if let Some(Source::Package(p)) = v.kind.source() {
        packages::take(&mut tx, env, p, service, version).await?;
    }
    let task = tasks::create(&mut tx, &v.at, &v.pre, remark, &v.kind, &v.deploy_type).await?;
    tx.commit().await?;
    tasks::spawn(state.deployer.clone(), Job::new(task, v.at, v.image, v.kind, v.config));
    Ok(task)
}

fn base_info(r: &ServiceRow) -> ServerBaseInfo {
    ServerBaseInfo {
        server_name: r.server_name.clone(),
        default_domain_name: r.default_domain.clone(),
        custom_domain_name: String::new(),
        status: r.status.as_str().into(),
        update_time: cst_datetime(r.updated_at),
        access_types: vec!["PUBLIC".into()],
        custom_domain_names: vec![],
        server_type: Some("container".into()),
        traffic_type: Some("FLOW".into()),
        create_time: Some(cst_datetime(r.created_at)),
    }
}

pub async fn describe(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudRunServersRequest,
) -> Result<DescribeCloudRunServersResponse, CallError> {
    envs::find(state, &req.env_id, region).await?;
    let size = page_size(req.page_size, SERVERS_PAGE_SIZE_DEFAULT, SERVERS_PAGE_SIZE_MAX)?;
    let page = match req.page_num.unwrap_or(0) {
        0 => 1,
        n if n < 0 => return Err(CallError::invalid_value("PageNum", "must not be negative")),
        n => n,
    };
    let name = req.server_name.unwrap_or_default();
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE env_id = ?1 AND (?2 = '' OR server_name = ?2)")
            .bind(&req.env_id)
            .bind(&name)
            .fetch_one(&state.db)
            .await?;
    let rows: Vec<ServiceRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM services WHERE env_id = ?1 AND (?2 = '' OR server_name = ?2)
         ORDER BY created_at, server_name LIMIT ?3 OFFSET ?4"
    ))
    .bind(&req.env_id)
    .bind(&name)
    .bind(size)
    .bind((page - 1).saturating_mul(size))
    .fetch_all(&state.db)
    .await?;
    Ok(DescribeCloudRunServersResponse { server_list: rows.iter().map(base_info).collect(), total })
}

pub async fn detail(
    state: &State,
    region: Option<Region>,
    req: ServerRequest,
) -> Result<DescribeCloudRunServerDetailResponse, CallError> {
    let r = find(state, &req.env_id, &req.server_name, region).await?;
    // The settings the next update uses; after a rollback the service runs
    // the target's frozen configuration instead (R-RB-3).
    let server_config: ServerBaseConfig = serde_json::from_str(&r.config)?;
    let mut online_version_infos = vec![];
    // One read for the split, so the shares always add up to 100.
    if let Some(split) = traffic::of_service(&state.db, &r.env_id, &r.server_name).await? {
        for (version, share) in traffic::shares(&split.stable, split.order.as_ref()) {
            let image: String = sqlx::query_scalar(
                "SELECT image FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?",
            )
            .bind(&r.env_id)
            .bind(&r.server_name)
            .bind(version.as_str())
            .fetch_one(&state.db)
            .await?;
            online_version_infos.push(OnlineVersionInfo {
                version_name: version.into(),
                image_url: image,
                flow_ratio: share.to_string(),
            });
        }
    }
    Ok(DescribeCloudRunServerDetailResponse { base_info: base_info(&r), server_config, online_version_infos })
}

pub async fn delete(
    state: &State,
    region: Option<Region>,
    req: DeleteCloudRunServerRequest,
) -> Result<ResultResponse, CallError> {
    check_remark("OperatorRemark", req.operator_remark.as_deref())?;
    let r = find(state, &req.env_id, &req.server_name, region).await?;
    let mut tx = crate::store::write_tx(&state.db).await?;
    // R-SVC-4: not while an update runs.
    refuse_while_busy(
        &mut tx,
        &r.env_id,
        &r.server_name,
        "A deploy is running on this service; cancel it or wait for it to end.",
    )
    .await?;
    let packages = remove(&mut tx, &r).await?;
    tx.commit().await?;
    state.runtime.stop_service(&EnvId::from_cloud(&r.env_id), &ServiceName::from_cloud(&r.server_name));
    state.packages.remove_files(&r.env_id, packages).await;
    tracing::info!(env.id = %r.env_id, service = %r.server_name, "service deleted");
    Ok(ResultResponse { result: "success".into() })
}

/// R-SVC-5: the domain dies forever; versions, tasks and logs go with the
/// service, and so do its own uploads and the code packages no other
/// service's version uses: the files to remove once `tx` commits are
/// returned (issue #8).
pub(crate) async fn remove(tx: &mut sqlx::SqliteConnection, r: &ServiceRow) -> Result<Vec<String>, CallError> {
    sqlx::query("INSERT OR IGNORE INTO retired_domains (domain, retired_at) VALUES (?, ?)")
        .bind(&r.default_domain)
        .bind(crate::clock::now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM services WHERE env_id = ? AND server_name = ?")
        .bind(&r.env_id)
        .bind(&r.server_name)
        .execute(&mut *tx)
        .await?;
    Ok(files::forget_service(tx, &r.env_id, &r.server_name).await?)
}
