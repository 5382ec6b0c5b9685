//! Private keys at rest: sealed with ChaCha20-Poly1305 under a key kept in
//! the data directory (`cert-seal.key`, 0600), apart from the database, so a
//! copy of `localcloud.db` alone holds no usable private key. The certificate
//! id is the associated data: a sealed key moved to another row does not open.

use std::path::Path;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

const KEY_LEN: usize = 32;

/// Seals and opens private keys.
pub struct Sealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<key>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot read or create the sealing key {0}: {1}")]
    Io(std::path::PathBuf, std::io::Error),
    #[error("the sealing key {0} is not {KEY_LEN} bytes: it was changed or truncated")]
    Corrupt(std::path::PathBuf),
}

impl Sealer {
    /// The key in `path`, made (random, owner-only) when there is none.
    pub fn load_or_create(path: &Path) -> Result<Sealer, SealError> {
        let io = |e| SealError::Io(path.to_path_buf(), e);
        let bytes = match std::fs::read(path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut fresh = Zeroizing::new(vec![0u8; KEY_LEN]);
                SystemRandom::new().fill(&mut fresh).map_err(|_| io(std::io::Error::other("no randomness")))?;
                // Written aside and renamed into place: a crash mid-write
                // leaves no short key file that would stop the next start.
                use std::io::Write;
                let aside = path.with_extension("new");
                let mut file = std::fs::OpenOptions::new();
                std::os::unix::fs::OpenOptionsExt::mode(file.write(true).create(true).truncate(true), 0o600);
                let mut file = file.open(&aside).map_err(io)?;
                file.write_all(&fresh).and_then(|()| file.sync_all()).map_err(io)?;
                std::fs::rename(&aside, path).map_err(io)?;
                fresh
            }
            Err(e) => return Err(io(e)),
        };
        crate::private::file(path).map_err(io)?;
        let unbound =
            UnboundKey::new(&CHACHA20_POLY1305, &bytes).map_err(|_| SealError::Corrupt(path.to_path_buf()))?;
        Ok(Sealer { key: LessSafeKey::new(unbound), rng: SystemRandom::new() })
    }

    /// `nonce || ciphertext || tag` of `secret`, bound to `cert_id`.
    pub fn seal(&self, cert_id: &str, secret: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        // The system's randomness does not fail on Linux once booted.
        self.rng.fill(&mut nonce).expect("system randomness");
        let mut out = Zeroizing::new(secret.to_vec());
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(cert_id.as_bytes()), &mut *out)
            .expect("a private key is far below ChaCha20-Poly1305's message limit");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&out);
        sealed
    }

    /// The secret sealed for `cert_id`; `None` when it was altered, moved
    /// from another row or sealed under another key.
    pub fn open(&self, cert_id: &str, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (nonce, body) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = Zeroizing::new(body.to_vec());
        let plain = self.key.open_in_place(nonce, Aad::from(cert_id.as_bytes()), &mut buf).ok()?.len();
        buf.truncate(plain);
        Some(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_for_their_row_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cert-seal.key");
        let sealer = Sealer::load_or_create(&path).unwrap();
        let sealed = sealer.seal("cert-1", b"-----BEGIN PRIVATE KEY-----");
        assert!(!sealed.windows(5).any(|w| w == b"BEGIN"), "not plaintext");
        assert_eq!(sealer.open("cert-1", &sealed).unwrap().as_slice(), b"-----BEGIN PRIVATE KEY-----");
        assert!(sealer.open("cert-2", &sealed).is_none(), "bound to its certificate id");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(sealer.open("cert-1", &altered).is_none());
        assert!(sealer.open("cert-1", &sealed[..5]).is_none());
        let again = Sealer::load_or_create(&path).unwrap();
        assert!(again.open("cert-1", &sealed).is_some(), "the key file is reused");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(Sealer::load_or_create(&path), Err(SealError::Corrupt(_))));
    }
}
