//! What can go wrong, and the exit code each ends with, so a CI job can
//! tell a refused option from a failed deploy.

/// The process's exit codes (also in the README).
pub mod exit {
    pub const OK: u8 = 0;
    /// The cloud or the console refused the call, or could not be reached.
    pub const FAILED: u8 = 1;
    /// Refused before anything changed: a wrong option, a product rule, or
    /// a state the command checks first (no open gray release, no such service).
    pub const USAGE: u8 = 2;
    /// The deploy ran and failed, or was cancelled.
    pub const DEPLOY_FAILED: u8 = 3;
    /// Ctrl-C stopped the watching (the task goes on): a shell's 128 + SIGINT.
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Wrong or missing options, a product rule broken, or a state checked
    /// first that forbids it: nothing was changed.
    #[error("{0}")]
    Usage(String),
    /// The cloud (or the console in front of it) answered with an error.
    #[error("{message} ({code})")]
    Cloud { code: String, message: String, request_id: Option<String> },
    /// Nothing answered, or what answered was not understood.
    #[error("{0}")]
    Network(String),
    /// Ctrl-C while watching: the task goes on; how to look again.
    #[error("{0}")]
    Interrupted(String),
    /// A deploy ended, but not online; `data` says which (for `--json`).
    #[error("{message}")]
    Deploy { message: String, data: serde_json::Value },
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage(message.into())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Cloud { .. } | CliError::Network(_) => exit::FAILED,
            CliError::Deploy { .. } => exit::DEPLOY_FAILED,
            CliError::Interrupted(_) => exit::INTERRUPTED,
        }
    }

    /// The cloud's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CliError::Cloud { code, .. } => Some(code),
            _ => None,
        }
    }
}

pub type CliResult<T> = Result<T, CliError>;
