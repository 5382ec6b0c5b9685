//! Environments: CreateCloudRunEnv, DescribeCloudRunEnvs, DescribeEnvBaseInfo
//! (tcbr) and DestroyEnv (tcb).

use console_shared::actions::{
    CreateCloudRunEnvRequest, CreateCloudRunEnvResponse, DescribeCloudRunEnvsRequest, DescribeCloudRunEnvsResponse,
    DescribeEnvBaseInfoResponse, DestroyEnvRequest, Empty, EnvBaseInfo, EnvIdRequest, EnvInfo,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::rules;
use console_shared::time::cst_datetime;

use super::error::CallError;
use super::state::State;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct EnvRow {
    env_id: String,
    alias: String,
    region: String,
    package_type: String,
    source: String,
    channel: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

const CHANNELS: [&str; 3] = ["wechat", "cloud", "weda"];

fn one_of(field: &str, value: &Option<String>, allowed: &[&str]) -> Result<(), CloudError> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(CloudError::invalid_value(field, format!("must be one of {}", allowed.join(", "))))
        }
        _ => Ok(()),
    }
}

/// The environment `env_id`, if it exists in `region` (when one was named).
/// An environment in another region does not exist for that region's endpoint.
pub(crate) async fn find(state: &State, env_id: &str, region: Option<Region>) -> Result<EnvRow, CallError> {
    let row: Option<EnvRow> =
        sqlx::query_as("SELECT * FROM envs WHERE env_id = ?").bind(env_id).fetch_optional(&state.db).await?;
    row.filter(|r| region.is_none_or(|reg| r.region == reg.id()))
        .ok_or_else(|| CallError::new(codes::RESOURCE_NOT_FOUND, format!("The environment `{env_id}` does not exist.")))
}

async fn id_taken(state: &State, env_id: &str) -> Result<bool, CallError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM envs WHERE env_id = ?1) + (SELECT COUNT(*) FROM retired_env_ids WHERE env_id = ?1)",
    )
    .bind(env_id)
    .fetch_one(&state.db)
    .await?;
    Ok(n > 0)
}

/// `<alias>-<8 base36>`: readable like Tencent's ids, and never reused.
fn mint_env_id(alias: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let prefix: String = if alias.is_empty() { "env".into() } else { alias.chars().take(20).collect() };
    let prefix = prefix.trim_end_matches('-');
    let suffix: String = (0..8).map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char).collect();
    format!("{prefix}-{suffix}")
}

pub async fn create(
    state: &State,
    region: Option<Region>,
    req: CreateCloudRunEnvRequest,
) -> Result<CreateCloudRunEnvResponse, CallError> {
    // R-ENV-4: the region is the X-TC-Region of this call and nothing else.
    let region = region.ok_or_else(|| {
        CloudError::new(
            codes::MISSING_PARAMETER,
            "The region (X-TC-Region) is missing: an environment's region is chosen at creation and can never change.",
        )
    })?;
    rules::package_type(&req.package_type).map_err(|e| CloudError::invalid_value("PackageType", e))?;
    let alias = req.alias.clone().unwrap_or_default();
    if !alias.is_empty() {
        rules::env_alias(&alias).map_err(|e| CloudError::invalid_value("Alias", e))?;
    }
    one_of("FreeQuota", &req.free_quota.clone().filter(|q| !q.is_empty()), &["basic"])?;
    one_of("Source", &req.source, &CHANNELS)?;
    one_of("Channel", &req.channel, &CHANNELS)?;

    // ReqKey de-duplicates retries of the same creation.
    if let Some(key) = req.req_key.as_deref().filter(|k| !k.is_empty()) {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT env_id FROM envs WHERE req_key = ?").bind(key).fetch_optional(&state.db).await?;
        if let Some(env_id) = existing {
            return Ok(CreateCloudRunEnvResponse { env_id, tran_id: String::new() });
        }
    }

    let env_id = match req.env_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => {
            rules::env_alias(id).map_err(|e| CloudError::invalid_value("EnvId", e))?;
            if id_taken(state, id).await? {
                return Err(CallError::new(codes::RESOURCE_IN_USE, format!("The EnvId `{id}` is already taken.")));
            }
            id.to_string()
        }
        None => {
            let mut id = mint_env_id(&alias);
            while id_taken(state, &id).await? {
                id = mint_env_id(&alias);
            }
            id
        }
    };
    let now = crate::clock::now();
    sqlx::query(
        "INSERT INTO envs (env_id, alias, region, package_type, source, channel, status, req_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'qcloud', ?, 'NORMAL', ?, ?, ?)",
    )
    .bind(&env_id)
    .bind(&alias)
    .bind(region.id())
    .bind(&req.package_type)
    .bind(req.channel.as_deref().unwrap_or("cloud"))
    .bind(req.req_key.as_deref().filter(|k| !k.is_empty()))
    .bind(now)
    .bind(now)
    .execute(&state.db)
    .await?;
    tracing::info!(env.id = %env_id, region = %region, "environment created");
    Ok(CreateCloudRunEnvResponse { env_id, tran_id: String::new() })
}

fn env_info(r: EnvRow) -> EnvInfo {
    EnvInfo {
        env_id: r.env_id,
        source: r.source,
        alias: r.alias,
        create_time: cst_datetime(r.created_at),
        update_time: cst_datetime(r.updated_at),
        status: r.status,
        is_auto_degrade: false,
        env_channel: r.channel,
        pay_mode: "postpaid".into(),
        is_default: false,
        region: r.region,
        env_type: "tcbr".into(),
        databases: vec![],
        storages: vec![],
        functions: vec![],
        log_services: vec![],
        static_storages: vec![],
        tags: vec![],
        custom_log_services: vec![],
        package_id: r.package_type.to_ascii_lowercase(),
        package_name: r.package_type,
    }
}

pub async fn describe(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudRunEnvsRequest,
) -> Result<DescribeCloudRunEnvsResponse, CallError> {
    let rows: Vec<EnvRow> =
        sqlx::query_as("SELECT * FROM envs ORDER BY created_at, env_id").fetch_all(&state.db).await?;
    let channels = req.channels.unwrap_or_default();
    let env_list = rows
        .into_iter()
        .filter(|r| req.env_id.as_deref().is_none_or(|id| id.is_empty() || r.env_id == id))
        .filter(|r| region.is_none_or(|reg| r.region == reg.id()))
        // IsVisible: Channels is an allow-list (true) or a deny-list (false).
        .filter(|r| match req.is_visible {
            Some(allow) if !channels.is_empty() => channels.contains(&r.channel) == allow,
            _ => true,
        })
        .map(env_info)
        .collect();
    Ok(DescribeCloudRunEnvsResponse { env_list })
}

pub async fn base_info(
    state: &State,
    region: Option<Region>,
    req: EnvIdRequest,
) -> Result<DescribeEnvBaseInfoResponse, CallError> {
    // Like the official example for a missing task, an unknown environment is
    // `IsExist: false` with empty fields, not an error.
    let (info, is_exist) = match find(state, &req.env_id, region).await {
        Ok(r) => (
            EnvBaseInfo {
                env_id: r.env_id,
                package_type: r.package_type,
                vpc_id: String::new(),
                create_time: cst_datetime(r.created_at),
                alias: r.alias,
                status: r.status.to_ascii_lowercase(),
                region: r.region,
                env_type: "tcbr".into(),
                subnet_ids: String::new(),
                recycle: None,
            },
            true,
        ),
        Err(CallError::Refused(e)) if e.code == codes::RESOURCE_NOT_FOUND => (
            EnvBaseInfo {
                env_id: req.env_id,
                package_type: String::new(),
                vpc_id: String::new(),
                create_time: String::new(),
                alias: String::new(),
                status: String::new(),
                region: String::new(),
                env_type: String::new(),
                subnet_ids: String::new(),
                recycle: None,
            },
            false,
        ),
        Err(e) => return Err(e),
    };
    Ok(DescribeEnvBaseInfoResponse { env_base_info: info, is_exist })
}

pub async fn destroy(state: &State, region: Option<Region>, req: DestroyEnvRequest) -> Result<Empty, CallError> {
    let env = find(state, &req.env_id, region).await?;
    let mut tx = crate::store::write_tx(&state.db).await?;
    let services: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE env_id = ?")
        .bind(&env.env_id)
        .fetch_one(&mut *tx)
        .await?;
    // R-ENV-6: only an empty environment can be deleted.
    if services > 0 {
        return Err(CallError::new(
            codes::RESOURCE_IN_USE,
            format!("The environment `{}` still holds {services} service(s); delete them first.", env.env_id),
        ));
    }
    // Its custom domains can lead nowhere any more (their services are
    // gone, R-SVC-5): they are unbound with it, free to bind elsewhere.
    sqlx::query("DELETE FROM custom_domains WHERE env_id = ?").bind(&env.env_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM envs WHERE env_id = ?").bind(&env.env_id).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO retired_env_ids (env_id, retired_at) VALUES (?, ?)")
        .bind(&env.env_id)
        .bind(crate::clock::now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Its uploaded packages go with it (their rows went by cascade).
    if let Err(e) = tokio::fs::remove_dir_all(state.packages.env_dir(&env.env_id)).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, env.id = %env.env_id, "could not remove the environment's packages");
    }
    tracing::info!(env.id = %env.env_id, "environment destroyed");
    Ok(Empty {})
}
