//! Localcloud's files are its user's alone: a 0700 data directory and 0600
//! files (issue #8). They hold the key that signs upload URLs, every
//! environment's state and the code people uploaded. Modes are set file by
//! file: a restrictive umask would be process-wide and change the embedding
//! console's files too.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `dir` (and its parents) for the owner only, and makes an existing
/// one so.
pub fn dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Makes `path`, if it exists, readable and writable by the owner only.
pub fn file(path: &Path) -> std::io::Result<()> {
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Creates `path` empty and private unless it exists, and makes it private
/// if it does: SQLite then gives its -wal and -shm files the same mode.
pub fn create_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(path)?;
    file(path)
}

/// Options that create a new file for the owner only.
pub fn new_file_options() -> tokio::fs::OpenOptions {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}
