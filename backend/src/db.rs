//! The console's SQLite database: WAL, foreign keys, embedded migrations;
//! kept private (a 0700 directory, 0600 files), watched so that a file
//! removed or replaced under the running console stops the writes instead
//! of acknowledging ones that would vanish at restart; and an online
//! backup. The probes, and the refusal of API calls while the file is lost,
//! are `http::health`.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::StartError;

/// SQLite's companions of a database file.
fn family(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

/// The identity of the file the pool opened, and whether it is still there.
pub struct Health {
    path: PathBuf,
    identity: (u64, u64),
    lost: AtomicBool,
}

fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path)?;
    Ok((m.dev(), m.ino()))
}

impl Health {
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }

    /// Compares the file at the path with the one opened; once lost, stays lost.
    fn check(&self) -> bool {
        if self.is_lost() {
            return false;
        }
        let same = identity(&self.path).is_ok_and(|id| id == self.identity);
        if !same {
            self.lost.store(true, Ordering::Relaxed);
            tracing::error!(
                path = %self.path.display(),
                "the database file was removed or replaced while the console ran; refusing every API request \
                 until a restart (restore it from a backup if it is gone: see README, Backups)"
            );
        }
        same
    }
}

/// Looks at the file every second.
pub async fn watch(health: Arc<Health>) {
    while health.check() {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn options(path: &Path) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a write the console acknowledged survives a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true))
}

pub async fn open(path: &Path) -> Result<(sqlx::SqlitePool, Arc<Health>), StartError> {
    // Created private before SQLite opens it; SQLite gives -wal and -shm the
    // database file's mode.
    localcloud::private::create_file(path).map_err(StartError::DataDir)?;
    for file in family(path) {
        localcloud::private::file(&file).map_err(StartError::DataDir)?;
    }
    // A damaged file is named as such, with what to do, not as a bare SQL error.
    let damaged = |why: String| {
        StartError::Damaged(format!(
            "{} is damaged ({why}). Stop here, move it aside and restore the latest backup \
             (`console backup` makes them; see README, Backups).",
            path.display()
        ))
    };
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options(path)?).await.map_err(|e| {
        match e.as_database_error().and_then(|d| d.code()).as_deref() {
            Some("11" | "26") => damaged(e.to_string()),
            _ => e.into(),
        }
    })?;
    let check: Result<String, sqlx::Error> = sqlx::query_scalar("PRAGMA quick_check").fetch_one(&pool).await;
    match check {
        Ok(ok) if ok == "ok" => {}
        Ok(report) => return Err(damaged(report)),
        Err(e) => return Err(damaged(e.to_string())),
    }
    sqlx::migrate!("./migrations").run(&pool).await?;
    let health = Health {
        path: path.to_path_buf(),
        identity: identity(path).map_err(StartError::DataDir)?,
        lost: AtomicBool::new(false),
    };
    Ok((pool, Arc::new(health)))
}

/// `console backup FILE`: a consistent copy of the live database (SQLite's
/// `VACUUM INTO`, which reads one snapshot while the console keeps writing).
pub async fn backup(data_dir: &Path, file: &Path) -> Result<(), String> {
    let source = data_dir.join("console.db");
    if !source.exists() {
        return Err(format!("there is no database at {}", source.display()));
    }
    if file.exists() {
        return Err(format!("{} exists already; choose a new file", file.display()));
    }
    let options = options(&source).map_err(|e| e.to_string())?;
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(|e| e.to_string())?;
    let target = file.to_str().ok_or("the backup path must be UTF-8")?;
    // Private from its first byte: VACUUM INTO writes into an empty file.
    let mut create = std::fs::OpenOptions::new();
    std::os::unix::fs::OpenOptionsExt::mode(create.write(true).create_new(true), 0o600);
    create.open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    sqlx::query("VACUUM INTO ?").bind(target).execute(&pool).await.map_err(|e| format!("backup failed: {e}"))?;
    pool.close().await;
    localcloud::private::file(file).map_err(|e| e.to_string())
}

/// A write transaction that takes SQLite's write lock at once (`BEGIN
/// IMMEDIATE`): a deferred one that reads first cannot upgrade when another
/// connection wrote meanwhile (`SQLITE_BUSY_SNAPSHOT`); an immediate one waits
/// its turn under the busy timeout instead.
pub async fn write_tx(db: &sqlx::SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}
