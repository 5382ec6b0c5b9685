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
use crate::deploy::source::Source;
use crate::deploy::tasks::{self, job::Job};
use crate::packages::files;

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
    pub online_version: Option<String>,
}

const COLUMNS: &str = "env_id, server_name, default_domain, status, created_at, updated_at, config, online_version";

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
        let domain = format!("http://{host}.run.localhost:{}", state.gateway_port);
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
        env: req.env_id.clone(),
        service: req.server_name.clone(),
        version,
        source,
        config,
        pre: String::new(),
    };
    let task = begin_deploy(state, tx, next, &remark).await?;
    tracing::info!(env.id = %req.env_id, service = %req.server_name, task.id = task, "service created; first deploy started");
    // As the real API: TaskId is "not used for now" and 0; clients find the
    // running deploy with DescribeServerManageTask {TaskId: 0}.
    Ok(TaskIdResponse { task_id: 0 })
}

/// A redeploy: a new version with the service's settings, changed by `Items`,
/// frozen into it (R-VER-3); one update at a time (R-SVC-4).
pub async fn update(
    state: &State,
    region: Option<Region>,
    req: UpdateCloudRunServerRequest,
) -> Result<UpdateCloudRunServerResponse, CallError> {
    let service = find(state, &req.env_id, &req.server_name, region).await?;
    let source = source_of(state, &req.env_id, &req.deploy_info).await?;
    let current: ServerBaseConfig = serde_json::from_str(&service.config)?;
    let items = req.items.as_deref().unwrap_or_default();
    let config = for_source(config_over(current, req.server_config.as_ref(), items)?, &source);
    let config_json = serde_json::to_string(&config)?;
    let now = crate::clock::now();
    let mut tx = crate::store::write_tx(&state.db).await?;
    refuse_while_deploying(
        &mut tx,
        &req.env_id,
        &req.server_name,
        "Another update is running on this service; only one runs at a time (cancel it or wait).",
    )
    .await?;
    // R-VER-1: numbers only go up, even past deleted or failed versions.
    let number: i64 = sqlx::query_scalar(
        "UPDATE services SET next_version = next_version + 1, config = ?, updated_at = ? WHERE env_id = ? AND server_name = ?
         RETURNING next_version - 1",
    )
    .bind(&config_json)
    .bind(now)
    .bind(&req.env_id)
    .bind(&req.server_name)
    .fetch_one(&mut *tx)
    .await?;
    let version = format!("{}-{number:03}", req.server_name);
    let pre = service.online_version.clone().unwrap_or_default();
    let remark = req.deploy_info.deploy_remark.clone().unwrap_or_default();
    let next = NewVersion { env: req.env_id.clone(), service: req.server_name.clone(), version, source, config, pre };
    let task = begin_deploy(state, tx, next, &remark).await?;
    tracing::info!(env.id = %req.env_id, service = %req.server_name, task.id = task, "redeploy started");
    Ok(UpdateCloudRunServerResponse { env_id: req.env_id, task_id: 0 })
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
        .map(|(id, started)| VersionPodInstance {
            // localcloud has no shell into its built-in workload.
            webshell: String::new(),
            pod_id: id,
            status: "Running".into(),
            create_time: cst_datetime(started),
        })
        .collect();
    Ok(DescribeCloudRunPodListResponse { pod_list, total_count })
}

/// R-SVC-4: one update at a time; `why` says what is refused.
async fn refuse_while_deploying(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    why: &str,
) -> Result<(), CallError> {
    let running: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE env_id = ? AND server_name = ? AND status = 'running'")
            .bind(env)
            .bind(service)
            .fetch_one(&mut *tx)
            .await?;
    if running > 0 { Err(CallError::new(codes::RESOURCE_IN_USE, why)) } else { Ok(()) }
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
    match &deploy.release_type {
        None | Some(ReleaseType::Full) => {}
        Some(ReleaseType::Other(empty)) if empty.is_empty() => {}
        Some(ReleaseType::Gray) => {
            return Err(CallError::invalid_value(
                "DeployInfo.ReleaseType",
                "`GRAY` asks for a gray release, which localcloud does not run yet: deploy with `FULL`",
            ));
        }
        Some(ReleaseType::Other(other)) => {
            return Err(CallError::invalid_value("DeployInfo.ReleaseType", format!("`{other}` must be GRAY or FULL")));
        }
    }
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
struct NewVersion {
    env: String,
    service: String,
    version: String,
    source: Source,
    config: ServerBaseConfig,
    /// The version online before, if any.
    pre: String,
}

/// Records the version and its task in `tx`, commits, and starts the pipeline.
async fn begin_deploy(
    state: &State,
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    v: NewVersion,
    remark: &str,
) -> Result<i64, CallError> {
    let config_json = serde_json::to_string(&v.config)?;
    let image = match &v.source {
        Source::Image(url) => url.clone(),
        // Where the build pushes the version's image.
        Source::Package(_) => format!("registry.localcloud/{}/{}:{}", v.env, v.service.to_ascii_lowercase(), v.version),
    };
    sqlx::query(
        "INSERT INTO versions (env_id, server_name, version_name, image, config, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'deploying', ?)",
    )
    .bind(&v.env)
    .bind(&v.service)
    .bind(&v.version)
    .bind(&image)
    .bind(&config_json)
    .bind(crate::clock::now())
    .execute(&mut *tx)
    .await?;
    if let Source::Package(p) = &v.source {
        packages::take(&mut tx, &v.env, p, &v.service, &v.version).await?;
    }
    let task = tasks::create(&mut tx, &v.env, &v.service, &v.version, &v.pre, remark, &v.source).await?;
    tx.commit().await?;
    let at = VersionRef::from_cloud(&v.env, &v.service, &v.version);
    tasks::spawn(state.deployer.clone(), Job::new(task, at, image, v.source, v.config));
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
    let server_config: ServerBaseConfig = serde_json::from_str(&r.config)?;
    let mut online_version_infos = vec![];
    if let Some(v) = &r.online_version {
        let image: String =
            sqlx::query_scalar("SELECT image FROM versions WHERE env_id = ? AND server_name = ? AND version_name = ?")
                .bind(&r.env_id)
                .bind(&r.server_name)
                .bind(v)
                .fetch_one(&state.db)
                .await?;
        online_version_infos.push(OnlineVersionInfo {
            version_name: v.clone(),
            image_url: image,
            flow_ratio: "100".into(),
        });
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
    refuse_while_deploying(
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
