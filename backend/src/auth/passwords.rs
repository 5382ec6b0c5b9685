//! Passwords: argon2id hashing within the bound on password work, the
//! common-password check, the size of a body that carries one, and the
//! first admin.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::StatusCode;
use base64::Engine;
use console_shared::dto::console_codes;

use crate::auth::ratelimit;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A sign-in or password body is a few short strings: anything larger is an
/// attack on the parser or the audit log.
pub const CREDENTIALS_BODY_MAX: usize = 4 * 1024;

/// argon2id with OWASP's baseline (m = 19 MiB, t = 2, p = 1).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn busy() -> AppError {
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        console_codes::BUSY,
        "The console is checking many passwords right now; try again in a few seconds.",
    )
}

/// Hashes on the blocking pool, within the bound on password work.
pub async fn hash_password(password: String) -> AppResult<String> {
    ratelimit::password_work(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .ok_or_else(busy)?
    .map_err(AppError::internal)
}

/// `None`: too much password work is running or waiting.
pub async fn verify_password(password: String, hash: String) -> Option<bool> {
    ratelimit::password_work(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
}

/// The top of zxcvbn's list of the passwords most often found in breaches.
const COMMON_PASSWORDS_CHECKED: usize = 10_000;

/// Refuses a password among the 10 000 most common ones (in any letter case,
/// or with the usual letter-for-digit swaps), since those are tried first.
pub fn refuse_common(password: &str) -> AppResult<()> {
    use zxcvbn::matching::patterns::MatchPattern;
    let Ok(entropy) = std::panic::catch_unwind(|| zxcvbn::zxcvbn(password, &[])) else { return Ok(()) };
    let common = match entropy.sequence() {
        [only] => matches!(&only.pattern, MatchPattern::Dictionary(d)
            // The dictionary's type is not exported; its name is stable API.
            if format!("{:?}", d.dictionary_name) == "Passwords" && d.rank <= COMMON_PASSWORDS_CHECKED),
        _ => false,
    };
    if common {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            console_codes::COMMON_PASSWORD,
            "That password is one of the most commonly used ones, which attackers try first. Choose another.",
        ));
    }
    Ok(())
}

/// A hash of no one's password: unknown usernames are verified against it so
/// they take as long as a wrong password and cannot be told apart by timing.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn dummy_hash() -> String {
    DUMMY_HASH
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            argon2().hash_password(b"no-such-user", &salt).map(|h| h.to_string()).unwrap_or_default()
        })
        .clone()
}

/// Verifies `password` against the stored hash of `user_id`; `None` when
/// the console is too busy checking passwords.
pub async fn password_matches(state: &AppState, user_id: i64, password: String) -> AppResult<Option<bool>> {
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?").bind(user_id).fetch_one(&state.db).await?;
    Ok(verify_password(password, hash).await)
}

/// How the first admin's password came about, for the operator's one message.
pub enum FirstAdmin {
    /// Generated here; shown to the operator once.
    Generated(String),
    /// Taken from CONSOLE_ADMIN_PASSWORD.
    FromEnv,
}

/// Creates the first admin when there is no user at all. A password from
/// the environment has been in a shell history or a unit file: it must be
/// changed at the first sign-in. A generated one was shown only once, to the
/// operator's terminal.
pub async fn ensure_first_admin(
    db: &sqlx::SqlitePool,
    configured: Option<String>,
    now: i64,
) -> AppResult<Option<FirstAdmin>> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db).await?;
    if users > 0 {
        return Ok(None);
    }
    let (password, outcome) = match configured {
        Some(p) => (p, FirstAdmin::FromEnv),
        None => {
            let bytes: [u8; 15] = rand::random();
            let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            (p.clone(), FirstAdmin::Generated(p))
        }
    };
    let must_change = matches!(outcome, FirstAdmin::FromEnv);
    let hash = hash_password(password).await?;
    sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, is_admin, must_change_password, created_at)
         VALUES ('admin', 'Administrator', ?, 1, ?, ?)",
    )
    .bind(hash)
    .bind(must_change)
    .bind(now)
    .execute(db)
    .await?;
    Ok(Some(outcome))
}
