//! Personal access tokens (R-CLI-3): what the CLI and CI jobs hold instead
//! of a password or the cloud's key pair. A token belongs to one user, reaches
//! only the environments it was given, with a role no higher than its
//! owner's there, and expires. The rules live here once: the BFF enforces
//! them, the SPA's Account page checks them as the user types.

use serde::{Deserialize, Serialize};

use crate::permissions::{Need, Role, Rule};

/// Every token starts with this, so a leaked one is recognisable (secret
/// scanners, log masking) and a console can tell it from a session id.
pub const PREFIX: &str = "tcbr_pat_";

/// The environment variable the CLI reads a token from.
pub const ENV_VAR: &str = "TCBR_TOKEN";

/// Longest name, in characters.
pub const NAME_MAX: usize = 64;
/// Active (unexpired) tokens one user may hold.
pub const PER_USER_MAX: usize = 20;
/// Expiry choices the Account page offers, in days; any value from 1 to
/// [`EXPIRY_DAYS_MAX`] is accepted.
pub const EXPIRY_CHOICES: [u32; 4] = [7, 30, 90, 365];
pub const EXPIRY_DAYS_DEFAULT: u32 = 30;
/// No token lives longer than a year: a forgotten CI secret ends by itself.
pub const EXPIRY_DAYS_MAX: u32 = 365;

/// `POST /api/account/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateToken {
    pub name: String,
    /// The environments it reaches (at least one).
    pub envs: Vec<String>,
    /// Its role in each of them: no higher than the owner's own role there.
    pub role: Role,
    /// Days until it expires, 1 to 365.
    pub expires_in_days: u32,
}

/// A token as its owner sees it listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub envs: Vec<String>,
    pub role: Role,
    /// Unix seconds (UTC).
    pub created_at: i64,
    pub expires_at: i64,
    /// When it was last used (to the minute), if ever.
    pub last_used_at: Option<i64>,
    /// The address it was last used from.
    pub last_used_ip: Option<String>,
}

/// `GET /api/account/tokens`: the caller's tokens, and what a new one may reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tokens {
    /// Newest first; expired ones stay listed (marked by `expires_at`) until revoked.
    pub tokens: Vec<TokenInfo>,
    /// The environments the caller may give a token, each with the highest role it may carry there.
    pub grantable: Vec<Grantable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grantable {
    pub env_id: String,
    /// The caller's own role there: a token's role may be this or lower.
    pub role: Role,
}

/// The answer to a creation: the token, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// The secret (`tcbr_pat_…`): the console keeps only its hash.
    pub token: String,
    pub info: TokenInfo,
}

/// Why a token cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRuleError {
    #[error("Give the token a name.")]
    NameEmpty,
    #[error("A token's name has at most {NAME_MAX} characters.")]
    NameTooLong,
    #[error("A token's name cannot contain control or invisible characters.")]
    NameControl,
    #[error("Choose at least one environment for the token.")]
    NoEnv,
    #[error("A token expires after 1 to {EXPIRY_DAYS_MAX} days.")]
    Expiry,
}

impl TokenRuleError {
    /// The form field the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            TokenRuleError::NameEmpty | TokenRuleError::NameTooLong | TokenRuleError::NameControl => "name",
            TokenRuleError::NoEnv => "envs",
            TokenRuleError::Expiry => "expires_in_days",
        }
    }
}

/// The checks that need nothing but the request (the roles are the BFF's to check).
pub fn check(req: &CreateToken) -> Result<(), TokenRuleError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(TokenRuleError::NameEmpty);
    }
    if name.chars().count() > NAME_MAX {
        return Err(TokenRuleError::NameTooLong);
    }
    if name.chars().any(|c| c.is_control() || invisible(c)) {
        return Err(TokenRuleError::NameControl);
    }
    if req.envs.iter().all(|e| e.trim().is_empty()) {
        return Err(TokenRuleError::NoEnv);
    }
    if !(1..=EXPIRY_DAYS_MAX).contains(&req.expires_in_days) {
        return Err(TokenRuleError::Expiry);
    }
    Ok(())
}

/// Zero-width and direction-changing characters: a name holding them could
/// read as another in the audit log.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether a call made with a token may pass `rule` at all. A token acts
/// inside the environments it was given: the account itself (its password,
/// sessions and tokens, `Need::Session`) and the platform (`Need::Admin`)
/// need the console, signed in.
pub fn token_may(rule: Rule) -> bool {
    !matches!(rule.need, Need::Session | Need::Admin)
}

/// A token's role in an environment: its own, capped by what its owner is
/// there now (a demoted or removed owner takes their tokens down with them).
pub fn effective_role(token_role: Role, owner_role: Option<Role>) -> Option<Role> {
    owner_role.map(|r| r.min(token_role))
}

/// Whether `text` looks like one of our tokens (for masking and for telling
/// a pasted token from a typo).
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() >= 40 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::{read, write};

    fn req(name: &str, envs: &[&str], days: u32) -> CreateToken {
        CreateToken {
            name: name.into(),
            envs: envs.iter().map(|s| s.to_string()).collect(),
            role: Role::Developer,
            expires_in_days: days,
        }
    }

    #[test]
    fn r_cli_3_a_token_needs_a_name_an_environment_and_an_expiry() {
        assert_eq!(check(&req("ci", &["env-1"], 30)), Ok(()));
        assert_eq!(check(&req("  ", &["env-1"], 30)), Err(TokenRuleError::NameEmpty));
        assert_eq!(check(&req(&"x".repeat(65), &["env-1"], 30)), Err(TokenRuleError::NameTooLong));
        assert_eq!(check(&req("a\nb", &["env-1"], 30)), Err(TokenRuleError::NameControl));
        assert_eq!(check(&req("ci\u{202E}yolp", &["env-1"], 30)), Err(TokenRuleError::NameControl));
        assert_eq!(check(&req("ci", &[], 30)), Err(TokenRuleError::NoEnv));
        assert_eq!(check(&req("ci", &["env-1"], 0)), Err(TokenRuleError::Expiry));
        assert_eq!(check(&req("ci", &["env-1"], 366)), Err(TokenRuleError::Expiry));
        assert_eq!(TokenRuleError::NoEnv.field(), "envs");
    }

    #[test]
    fn r_cli_3_a_token_never_outranks_its_owner_and_stays_in_its_environments() {
        assert_eq!(effective_role(Role::Owner, Some(Role::Developer)), Some(Role::Developer));
        assert_eq!(effective_role(Role::Viewer, Some(Role::Owner)), Some(Role::Viewer));
        assert_eq!(effective_role(Role::Developer, None), None);
        assert!(token_may(read(Need::EnvRole(Role::Viewer))));
        assert!(token_may(write(Need::EnvRole(Role::Owner))));
        assert!(token_may(read(Need::SignedIn)), "the environments it reaches, listed");
        assert!(!token_may(read(Need::Session)), "the account's sessions and tokens need the console");
        assert!(!token_may(write(Need::Session)), "so do its password and new tokens");
        assert!(!token_may(write(Need::Admin)));
    }

    #[test]
    fn tokens_are_recognised_by_their_prefix_and_length() {
        assert!(looks_like_token(&format!("{PREFIX}{}", "a".repeat(43))));
        assert!(!looks_like_token("tcbr_pat_short"));
        assert!(!looks_like_token(&"a".repeat(52)));
    }
}
