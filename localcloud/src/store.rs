//! The SQLite store: WAL, foreign keys, embedded migrations; and the write
//! transaction every change takes.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Why the store cannot be opened (`StartError` says it to the caller).
#[derive(Debug)]
pub enum OpenError {
    /// A file of the database cannot be made private to this user.
    File(PathBuf, std::io::Error),
    Db(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for OpenError {
    fn from(e: sqlx::Error) -> Self {
        OpenError::Db(e)
    }
}

impl From<sqlx::migrate::MigrateError> for OpenError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        OpenError::Migrate(e)
    }
}

/// Opens (or creates) the state's database at `path`, private to this user,
/// and brings its schema up to date.
pub async fn open(path: &Path) -> Result<sqlx::SqlitePool, OpenError> {
    open_with(path, &sqlx::migrate!("./migrations")).await
}

/// Opens (or creates) a database at `path` as [`open`] does, with the schema
/// of `migrator`: the telemetry's database has its own.
pub async fn open_with(path: &Path, migrator: &sqlx::migrate::Migrator) -> Result<sqlx::SqlitePool, OpenError> {
    let private = |file: &Path, e| OpenError::File(file.to_path_buf(), e);
    crate::private::create_file(path).map_err(|e| private(path, e))?;
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an accepted write survives a crash of the process or machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
    migrator.run(&pool).await?;
    // Made with the database's mode, but a data directory from before that
    // was so may hold wider ones.
    for suffix in ["-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        crate::private::file(&file).map_err(|e| private(&file, e))?;
    }
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock at once (`BEGIN
/// IMMEDIATE`): a deferred one that reads first cannot upgrade when another
/// connection wrote meanwhile (`SQLITE_BUSY_SNAPSHOT`); an immediate one waits
/// its turn under the busy timeout instead.
pub async fn write_tx(db: &sqlx::SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}
