//! Known devices: a browser that signed in to an account before carries a
//! device token (its own cookie, kept 30 days), and its later sign-ins to
//! that account are limited on their own (see `ratelimit`), so people behind
//! one address cannot lock each other out.

use axum::http::{HeaderMap, HeaderValue};

use crate::auth::cookies::{cookie, cookie_value, device_cookie_name};
use crate::auth::session::{new_token, token_hash};
use crate::error::AppResult;
use crate::state::AppState;

/// How long a device token vouches for its browser.
const DEVICE_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// The device token's hash, if the request carries one that `username`'s
/// earlier sign-in in this browser left.
pub async fn known_device(state: &AppState, headers: &HeaderMap, username: &str) -> AppResult<Option<String>> {
    let Some(token) = cookie_value(headers, device_cookie_name(state)) else { return Ok(None) };
    let hash = token_hash(&token);
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT u.username FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ? AND d.created_at > ?",
    )
    .bind(&hash)
    .bind(state.clock.now() - DEVICE_LIFETIME_SECS)
    .fetch_optional(&state.db)
    .await?;
    Ok(owner.filter(|o| o == username).map(|_| hash))
}

/// Vouches for this browser in `user_id`'s later sign-ins: a new token (the
/// old one, if any, ends), at most a few per user.
pub async fn new_device(state: &AppState, user_id: i64, old: Option<&str>) -> AppResult<HeaderValue> {
    let token = new_token();
    let mut tx = crate::db::write_tx(&state.db).await?;
    if let Some(old) = old {
        sqlx::query("DELETE FROM devices WHERE token_hash = ?").bind(old).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO devices (token_hash, user_id, created_at) VALUES (?, ?, ?)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(state.clock.now())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM devices WHERE user_id = ?1 AND token_hash NOT IN
         (SELECT token_hash FROM devices WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 20)",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(cookie(state, device_cookie_name(state), Some(&token), DEVICE_LIFETIME_SECS))
}
