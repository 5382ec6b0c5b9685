//! The console's errors. One type for every handler: a status, a code and a
//! message the user can read; an internal cause rides along in the
//! response's extensions and is logged once, by the request's trace span
//! (`log_response` in lib.rs), never sent. And why the console could not start.

use std::net::SocketAddr;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use console_shared::dto::{ApiError, console_codes};

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub body: ApiError,
    /// What went wrong inside, for the log only.
    pub cause: Option<String>,
}

/// The internal cause of an error response, for the one log line about it.
#[derive(Debug, Clone)]
pub struct Cause(pub String);

impl AppError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        AppError {
            status,
            body: ApiError { code: code.into(), message: message.into(), request_id: None },
            cause: None,
        }
    }

    /// Keeps `cause` for the log.
    pub fn because(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, console_codes::UNAUTHENTICATED, "Please sign in.")
    }

    pub fn session_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            console_codes::SESSION_EXPIRED,
            "Your session has ended; please sign in again.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, console_codes::FORBIDDEN, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, console_codes::BAD_REQUEST, message)
    }

    /// `field` breaks a SPEC rule (`console_shared::rules`): "The username …".
    pub fn invalid(field: &str, e: console_shared::rules::RuleError) -> Self {
        Self::bad_request(format!("{field} {e}."))
    }

    /// The database file is missing or damaged: nothing can be kept.
    pub fn database_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            console_codes::DATABASE_UNAVAILABLE,
            "The console cannot store anything right now (its database is missing or damaged); nothing was \
             changed. An administrator must restart it.",
        )
    }

    /// A generic 500; the cause goes to the log only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            console_codes::INTERNAL,
            "Something went wrong on the server; nothing was changed.",
        )
        .because(cause)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_READONLY_DBMOVED: the file
        // itself is gone or damaged, which no retry fixes; say so.
        let code = e.as_database_error().and_then(|d| d.code()).unwrap_or_default();
        if matches!(code.as_ref(), "11" | "26" | "1032") {
            return AppError::database_unavailable()
                .because(format!("{e}: the database file is damaged or was moved; see README, Backups"));
        }
        AppError::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(Cause(cause));
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Why the console could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory: {0}")]
    DataDir(std::io::Error),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("embedded localcloud: {0}")]
    LocalCloud(#[from] localcloud::StartError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("the key pair for the embedded cloud: {0}")]
    Keys(std::io::Error),
    #[error("{0}")]
    Config(String),
    #[error("cannot create the first admin: {0}")]
    FirstAdmin(String),
    #[error("{0}")]
    Damaged(String),
}
