//! Services: the list (DescribeCloudRunServers).

use console_shared::actions::{
    DescribeCloudRunServersRequest, DescribeCloudRunServersResponse, SERVERS_PAGE_SIZE_DEFAULT,
    SERVERS_PAGE_SIZE_MAX, ServerBaseInfo,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::time::cst_datetime;

use crate::protocol::internal;
use crate::{State, envs};

#[derive(sqlx::FromRow)]
struct ServiceRow {
    server_name: String,
    default_domain: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

pub async fn describe(
    state: &State,
    region: Option<Region>,
    req: DescribeCloudRunServersRequest,
) -> Result<DescribeCloudRunServersResponse, CloudError> {
    let env = envs::find(state, &req.env_id, region).await?;
    // Paging as documented: 0 means the default, more than the cap is clamped.
    let size = match req.page_size.unwrap_or(0) {
        0 => SERVERS_PAGE_SIZE_DEFAULT,
        n if n < 0 => {
            return Err(CloudError::new(
                codes::INVALID_PARAMETER_VALUE,
                "The parameter `PageSize` must not be negative.",
            ));
        }
        n => n.min(SERVERS_PAGE_SIZE_MAX),
    };
    let page = match req.page_num.unwrap_or(0) {
        0 => 1,
        n if n < 0 => {
            return Err(CloudError::new(
                codes::INVALID_PARAMETER_VALUE,
                "The parameter `PageNum` must not be negative.",
            ));
        }
        n => n,
    };
    let name = req.server_name.unwrap_or_default();
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM services WHERE env_id = ? AND (?2 = '' OR server_name = ?2)",
    )
    .bind(env.env_id())
    .bind(&name)
    .fetch_one(&state.db)
    .await
    .map_err(|e| internal(&e))?;
    let rows: Vec<ServiceRow> = sqlx::query_as(
        "SELECT server_name, default_domain, status, created_at, updated_at FROM services
         WHERE env_id = ?1 AND (?2 = '' OR server_name = ?2) ORDER BY created_at, server_name LIMIT ?3 OFFSET ?4",
    )
    .bind(env.env_id())
    .bind(&name)
    .bind(size)
    .bind((page - 1).saturating_mul(size))
    .fetch_all(&state.db)
    .await
    .map_err(|e| internal(&e))?;
    let server_list = rows
        .into_iter()
        .map(|r| ServerBaseInfo {
            server_name: r.server_name,
            default_domain_name: r.default_domain,
            custom_domain_name: String::new(),
            status: r.status,
            update_time: cst_datetime(r.updated_at),
            access_types: vec!["PUBLIC".into()],
            custom_domain_names: vec![],
            server_type: Some("container".into()),
            traffic_type: Some("FLOW".into()),
            create_time: Some(cst_datetime(r.created_at)),
        })
        .collect();
    Ok(DescribeCloudRunServersResponse { server_list, total })
}
