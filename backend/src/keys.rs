//! The key pair the console and its embedded localcloud share: generated once
//! and kept in the data directory, readable by the owner only.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use console_shared::tc3::Credential;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Stored {
    secret_id: String,
    secret_key: String,
}

pub fn load_or_create(path: &Path) -> std::io::Result<Credential> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let stored: Stored = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        return Ok(Credential { secret_id: stored.secret_id, secret_key: stored.secret_key });
    }
    let id: [u8; 12] = rand::random();
    let key: [u8; 24] = rand::random();
    let stored = Stored {
        secret_id: format!("AKIDlocal{}", hex::encode(id)),
        secret_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(serde_json::to_string(&stored).map_err(std::io::Error::other)?.as_bytes())?;
    file.sync_all()?;
    Ok(Credential { secret_id: stored.secret_id, secret_key: stored.secret_key })
}
