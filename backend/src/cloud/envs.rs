//! What the console remembers of each environment: its region, fixed at
//! creation (R-ENV-4) and needed to sign every later call for it, and, for
//! one created through the console, its creator as its first owner.

use console_shared::actions::{DescribeEnvBaseInfo, EnvIdRequest};
use console_shared::region::Region;

use crate::error::AppResult;
use crate::state::AppState;

/// The region of `env_id`: remembered from its creation, or asked of the
/// cloud once and remembered (it can never change, R-ENV-4).
pub async fn region_of(state: &AppState, env_id: &str) -> AppResult<Option<Region>> {
    let known: Option<String> = sqlx::query_scalar("SELECT region FROM environments WHERE env_id = ?")
        .bind(env_id)
        .fetch_optional(&state.db)
        .await?;
    if let Some(region) = known {
        return Ok(Region::parse(&region));
    }
    let info = state.upstream.call::<DescribeEnvBaseInfo>(None, &EnvIdRequest { env_id: env_id.into() }).await?;
    let Some(region) = info.is_exist.then(|| Region::parse(&info.env_base_info.region)).flatten() else {
        return Ok(None);
    };
    sqlx::query("INSERT OR IGNORE INTO environments (env_id, region, created_at) VALUES (?, ?, ?)")
        .bind(env_id)
        .bind(region.id())
        .bind(state.clock.now())
        .execute(&state.db)
        .await?;
    Ok(Some(region))
}

/// The creator owns the new environment.
pub async fn record_new_env(state: &AppState, env_id: &str, region: Region, user_id: i64) -> AppResult<()> {
    let mut tx = crate::db::write_tx(&state.db).await?;
    sqlx::query("INSERT OR IGNORE INTO environments (env_id, region, created_by, created_at) VALUES (?, ?, ?, ?)")
        .bind(env_id)
        .bind(region.id())
        .bind(user_id)
        .bind(state.clock.now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT OR REPLACE INTO members (env_id, user_id, role) VALUES (?, ?, 'owner')")
        .bind(env_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
