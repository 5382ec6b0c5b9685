//! The code-package store (R-DEP-2): an uploaded package is a row in the
//! database and a file in its environment's directory. Here: what a deploy
//! finds of a package and the bytes an environment stores; when packages go
//! away again (`files`); the uploads in progress, counted against the quota
//! (`receiving`). The API that hands out the upload URLs and takes the
//! uploads is `api::packages`.

pub mod files;
pub mod receiving;

use std::path::PathBuf;

/// How long an upload or download URL stays valid.
pub const URL_TTL_SECS: i64 = 600;

/// An uploaded package as a deploy finds it.
#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
}

/// Where the packages are kept: their rows in `db`, their files under `dir`,
/// one directory per environment.
#[derive(Clone)]
pub struct Store {
    db: sqlx::SqlitePool,
    dir: PathBuf,
}

impl Store {
    pub fn new(db: sqlx::SqlitePool, dir: PathBuf) -> Self {
        Store { db, dir }
    }

    /// The directory of `env`'s package files.
    pub fn env_dir(&self, env: &str) -> PathBuf {
        self.dir.join(env)
    }

    /// Where a stored package's file is.
    pub fn path(&self, env: &str, version: &str, name: &str) -> PathBuf {
        self.env_dir(env).join(file_name(version, name))
    }

    /// An uploaded package, for a deploy: `None` when that slot was never filled.
    pub async fn find(&self, env: &str, name: &str, version: &str) -> Result<Option<Package>, sqlx::Error> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT size, sha256 FROM packages
             WHERE env_id = ? AND package_name = ? AND package_version = ? AND uploaded_at IS NOT NULL",
        )
        .bind(env)
        .bind(name)
        .bind(version)
        .fetch_optional(&self.db)
        .await?;
        Ok(row.map(|(size, sha256)| Package {
            name: name.into(),
            version: version.into(),
            path: self.path(env, version, name),
            size: size.max(0) as u64,
            sha256,
        }))
    }
}

/// A stored package's file name in its environment's directory.
pub fn file_name(version: &str, name: &str) -> String {
    format!("{version}-{name}")
}

/// Bytes of the packages stored for `env`.
pub async fn used(tx: &mut sqlx::SqliteConnection, env: &str) -> Result<u64, sqlx::Error> {
    let used: i64 =
        sqlx::query_scalar("SELECT COALESCE(SUM(size), 0) FROM packages WHERE env_id = ? AND uploaded_at IS NOT NULL")
            .bind(env)
            .fetch_one(&mut *tx)
            .await?;
    Ok(used.max(0) as u64)
}
