//! What a restart finds: the tasks that were running when localcloud
//! stopped, and the versions that served traffic, whose instances died with
//! the process.

use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::{ChangeType, ServiceStatus, Step, VersionRef};
use console_shared::wording::FailReason;

use super::instances_for;
use super::job::{DbResult, append, set_version_status};
use crate::deploy::Deployer;
use crate::packages::files;

/// After a restart: a task cannot resume (its instances died with the
/// process). One whose traffic had already moved ends finished; the task of
/// an open gray release keeps running, with its release order (R-UPD-6);
/// any other ends failed, never stuck "running". Every version with traffic
/// (the online ones, and the canaries of open gray releases) gets its
/// instances back.
pub async fn recover(state: &Deployer) -> DbResult<()> {
    let now = crate::clock::now();
    let mut tx = crate::store::write_tx(&state.db).await?;
    let stuck: Vec<(i64, String, String, String, String, bool, bool)> = sqlx::query_as(
        "SELECT t.id, t.env_id, t.server_name, t.version_name, t.change_type,
         EXISTS (SELECT 1 FROM task_steps s WHERE s.task_id = t.id AND s.name = ? AND s.status = 'finished'),
         EXISTS (SELECT 1 FROM release_orders o WHERE o.task_id = t.id AND o.status = 'open')
         FROM tasks t WHERE t.status = 'running'",
    )
    .bind(Step::Release.as_str())
    .fetch_all(&mut *tx)
    .await?;
    for (id, env, service, version, change_type, released, gray_open) in stuck {
        if gray_open {
            continue;
        }
        let at = VersionRef::from_cloud(&env, &service, &version);
        if released {
            // What was left (a rollback's scale down) happened with the
            // restart: the old version's instances are gone.
            sqlx::query(
                "UPDATE task_steps SET status = 'finished', started_at = COALESCE(started_at, ?1), ended_at = ?1
                 WHERE task_id = ?2 AND status IN ('todo', 'running')",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE tasks SET status = 'finished' WHERE id = ?").bind(id).execute(&mut *tx).await?;
            set_version_status(&mut *tx, &at, ServiceStatus::Normal.as_str()).await?;
            append(&mut *tx, id, None, "localcloud restarted after the traffic moved; the task is complete").await?;
            continue;
        }
        sqlx::query("UPDATE task_steps SET status = 'failed', ended_at = ?, fail_reason = ? WHERE task_id = ? AND status = 'running'")
            .bind(now)
            .bind(FailReason::Restarted.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tasks SET status = 'failed', fail_reason = ? WHERE id = ?")
            .bind(FailReason::RestartedDuringDeploy.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // A rollback's target existed before it and stays as it was.
        if ChangeType::from(change_type) != ChangeType::Rollback {
            set_version_status(&mut *tx, &at, ServiceStatus::DeployFailed.as_str()).await?;
        }
    }
    sqlx::query("UPDATE services SET status = CASE WHEN online_version IS NULL THEN 'create_failed' ELSE 'normal' END WHERE status IN ('creating', 'deploying')")
        .execute(&mut *tx)
        .await?;
    // No deploy runs now: a version not serving (failed just above, or
    // cancelled before a stop let its runner finish) holds no package.
    sqlx::query(
        "DELETE FROM package_uses WHERE (env_id, server_name, version_name) IN
         (SELECT env_id, server_name, version_name FROM versions WHERE status != 'normal')",
    )
    .execute(&mut *tx)
    .await?;
    let envs: Vec<String> = sqlx::query_scalar("SELECT env_id FROM envs").fetch_all(&mut *tx).await?;
    let mut released = vec![];
    for env in envs {
        let files = files::release_unused(&mut tx, &env).await?;
        released.push((env, files));
    }
    tx.commit().await?;
    for (env, files) in released {
        state.packages.remove_files(&env, files).await;
    }
    let serving: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT s.env_id, s.server_name, v.version_name, v.image, v.config FROM services s
         JOIN versions v ON v.env_id = s.env_id AND v.server_name = s.server_name AND v.version_name = s.online_version
         UNION
         SELECT o.env_id, o.server_name, v.version_name, v.image, v.config FROM release_orders o
         JOIN versions v ON v.env_id = o.env_id AND v.server_name = o.server_name AND v.version_name = o.canary_version
         WHERE o.status = 'open'",
    )
    .fetch_all(&state.db)
    .await?;
    for (env, service, version, image, config) in serving {
        let config: ServerBaseConfig = match serde_json::from_str(&config) {
            Ok(config) => config,
            Err(e) => {
                // Never a default configuration in place of the frozen one
                // (R-VER-3); its first request answers why it cannot start.
                tracing::warn!(error = %e, env.id = %env, %service, %version, "the version's stored configuration does not parse; not restarting it");
                continue;
            }
        };
        let at = VersionRef::from_cloud(&env, &service, &version);
        for _ in 0..instances_for(&config) {
            if let Err(e) = state.runtime.start_instance(&at, &image, &config).await {
                tracing::warn!(error = %e, "could not restart an instance");
            }
        }
    }
    Ok(())
}
