//! Which reads made with a personal access token were audited lately: a
//! leaf the state holds and the permission check consults (apart from
//! `audit`, which itself needs the state).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::identity::AuthUser;

/// Calls made with a personal access token are audited, reads included
/// (R-CLI-3); but a CLI watching a deploy reads every second, so a read is
/// written once per user, token, action and environment a minute: enough to
/// say which token read what, and when, without a row per poll.
#[derive(Default)]
pub struct TokenReads(Mutex<HashMap<(i64, String, String, String), i64>>);

impl TokenReads {
    const EVERY_SECS: i64 = 60;

    /// Whether this read is the first of its kind this minute (and so is written).
    pub fn first_this_minute(&self, user: &AuthUser, action: &str, env: Option<&str>, now: i64) -> bool {
        let Some(token) = &user.token else { return false };
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, at| now - *at < Self::EVERY_SECS);
        }
        let key = (user.id, token.name.clone(), action.to_string(), env.unwrap_or("").to_string());
        match seen.get(&key) {
            Some(at) if now - at < Self::EVERY_SECS => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }
}
