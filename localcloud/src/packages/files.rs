//! When stored code packages go away (issue #8): a package a deploy took
//! once no version that did not fail uses it (its versions deleted, its
//! deploys failed or cancelled, its service deleted), an upload no deploy took
//! once it has outlived its URL, and, at start, any file no row accounts for
//! (an upload a stop cut off, a file a crash left behind). Without this, every
//! zip ever uploaded stayed forever.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use super::{Store, URL_TTL_SECS, file_name};

/// How often unused uploads are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// How long after its URL expired an upload no deploy took is kept: one more
/// URL lifetime, so a deploy that follows its upload closely is never caught
/// out by the sweep.
const UNUSED_GRACE_SECS: i64 = URL_TTL_SECS;

/// Deletes, in `tx`, the rows of the packages of `env` that deploys took and
/// no version uses any more (`package_uses`, which loses a version's row when
/// the version goes or its deploy fails). Returns their files, for
/// [`Store::remove_files`] once the transaction committed.
pub async fn release_unused(tx: &mut sqlx::SqliteConnection, env: &str) -> Result<Vec<String>, sqlx::Error> {
    let gone: Vec<(String, String)> = sqlx::query_as(
        "DELETE FROM packages WHERE env_id = ?1 AND deployed_by IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM package_uses u WHERE u.env_id = packages.env_id
             AND u.package_name = packages.package_name AND u.package_version = packages.package_version)
         RETURNING package_version, package_name",
    )
    .bind(env)
    .fetch_all(&mut *tx)
    .await?;
    // A deploy takes only uploaded packages: each has its file.
    Ok(gone.into_iter().map(|(v, n)| file_name(&v, &n)).collect())
}

/// After a deploy that failed or was cancelled, or a gray release that was
/// abandoned, in its transaction: the version never serves (again), so it
/// no longer holds its package. Returns the files
/// to remove, as [`release_unused`].
pub async fn release_version(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
    version: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("DELETE FROM package_uses WHERE env_id = ? AND server_name = ? AND version_name = ?")
        .bind(env)
        .bind(service)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    release_unused(tx, env).await
}

/// In a deleted service's transaction, after its row (and by cascade its
/// versions) went: deletes its own uploads no deploy took and the packages no
/// version uses any more. Returns their files, as [`release_unused`].
pub async fn forget_service(
    tx: &mut sqlx::SqliteConnection,
    env: &str,
    service: &str,
) -> Result<Vec<String>, sqlx::Error> {
    // Upload slots are named `<service>.zip` (api::packages::build_service).
    let own = format!("{service}.zip");
    let unused: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "DELETE FROM packages WHERE env_id = ? AND deployed_by IS NULL AND package_name = ?
         RETURNING package_version, package_name, uploaded_at",
    )
    .bind(env)
    .bind(own)
    .fetch_all(&mut *tx)
    .await?;
    let mut files: Vec<String> =
        unused.into_iter().filter(|(_, _, uploaded)| uploaded.is_some()).map(|(v, n, _)| file_name(&v, &n)).collect();
    files.extend(release_unused(tx, env).await?);
    Ok(files)
}

impl Store {
    /// Removes an environment's package files whose rows are gone.
    pub async fn remove_files(&self, env: &str, files: Vec<String>) {
        let dir = self.env_dir(env);
        for file in files {
            match tokio::fs::remove_file(dir.join(&file)).await {
                Ok(()) => tracing::info!(env.id = %env, file, "package removed"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                // The start sweep removes it, as a file no row accounts for.
                Err(e) => tracing::warn!(error = %e, env.id = %env, file, "could not remove a package"),
            }
        }
    }

    /// Deletes the uploads no deploy took whose URL expired over
    /// [`UNUSED_GRACE_SECS`] ago, rows and files.
    pub async fn sweep_unused(&self) -> Result<(), sqlx::Error> {
        let gone: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(
            "DELETE FROM packages WHERE deployed_by IS NULL AND expires_at < ?
             RETURNING env_id, package_version, package_name, uploaded_at",
        )
        .bind(crate::clock::now() - UNUSED_GRACE_SECS)
        .fetch_all(&self.db)
        .await?;
        for (env, version, name, uploaded) in gone {
            if uploaded.is_some() {
                self.remove_files(&env, vec![file_name(&version, &name)]).await;
            } else {
                tracing::debug!(env.id = %env, package = %name, version = %version, "unused upload slot expired");
            }
        }
        Ok(())
    }

    /// Sweeps unused uploads every [`SWEEP_EVERY`], for as long as the runtime runs.
    pub fn sweep_periodically(self) {
        tokio::spawn(async move {
            // The start sweep just ran: the first is one period away.
            let mut every = tokio::time::interval_at(tokio::time::Instant::now() + SWEEP_EVERY, SWEEP_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(e) = self.sweep_unused().await {
                    tracing::warn!(error = %e, "could not sweep unused uploads");
                }
            }
        });
    }

    /// At start, before the API serves: sweeps unused uploads, then removes every
    /// file no stored package accounts for (partial uploads a stop cut off, whose
    /// slots stay usable, and files a crash left), and makes what stays private.
    pub async fn sweep_at_start(&self) -> Result<(), sqlx::Error> {
        self.sweep_unused().await?;
        let stored: Vec<(String, String, String)> =
            sqlx::query_as("SELECT env_id, package_version, package_name FROM packages WHERE uploaded_at IS NOT NULL")
                .fetch_all(&self.db)
                .await?;
        let stored: HashSet<(String, String)> =
            stored.into_iter().map(|(env, version, name)| (env, file_name(&version, &name))).collect();
        let dir = self.dir.clone();
        let swept = tokio::task::spawn_blocking(move || sweep_dir(&dir, &stored)).await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "could not sweep the package directory");
        }
        Ok(())
    }
}

fn sweep_dir(packages_dir: &Path, stored: &HashSet<(String, String)>) {
    let Ok(envs) = std::fs::read_dir(packages_dir) else { return };
    for env in envs.flatten() {
        let env_name = env.file_name().to_string_lossy().into_owned();
        if let Err(e) = crate::private::dir(&env.path()) {
            tracing::warn!(error = %e, env.id = %env_name, "could not make a package directory private");
        }
        let Ok(files) = std::fs::read_dir(env.path()) else { continue };
        for file in files.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let outcome = if stored.contains(&(env_name.clone(), name.clone())) {
                crate::private::file(&file.path())
            } else {
                std::fs::remove_file(file.path())
            };
            if let Err(e) = outcome {
                tracing::warn!(error = %e, env.id = %env_name, file = %name, "could not sweep a package file");
            }
        }
    }
}
