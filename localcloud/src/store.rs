//! The SQLite store: WAL, foreign keys, embedded migrations.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub async fn open(path: &Path) -> Result<sqlx::SqlitePool, super::StartError> {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an accepted write survives a crash of the process or machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock at once (`BEGIN
/// IMMEDIATE`): a deferred one that reads first cannot upgrade when another
/// connection wrote meanwhile (`SQLITE_BUSY_SNAPSHOT`); an immediate one waits
/// its turn under the busy timeout instead.
pub async fn write_tx(db: &sqlx::SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}
