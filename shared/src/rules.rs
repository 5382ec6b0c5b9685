//! The product rules of SPEC.md as functions: localcloud enforces them, the
//! SPA runs the same functions to explain a field as the user types.

use serde::{Deserialize, Serialize};

/// Why a value breaks a rule. The SPA translates each variant; `Display`
/// is the English text localcloud puts in its error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RuleError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must start with a lower-case letter a-z")]
    MustStartWithLowercase,
    #[error("may contain only a-z, 0-9 and '-' (found '{0}')")]
    InvalidChar(char),
    #[error("must not end with '-'")]
    TrailingHyphen,
    #[error("must be one of {0}")]
    NotOneOf(String),
}

/// Longest environment alias. Tencent documents the character set but no
/// length; 32 keeps the minted EnvId and the service domains readable.
pub const ENV_ALIAS_MAX: usize = 32;

/// `CreateCloudRunEnv.Alias`: must start with a–z; only a–z, 0–9 and `-`
/// (CLOUD-API.md §1.1). We also refuse a trailing `-`, because the alias
/// becomes the EnvId's prefix and ends up inside domain names.
pub fn env_alias(alias: &str) -> Result<(), RuleError> {
    let mut chars = alias.chars();
    let Some(first) = chars.next() else {
        return Err(RuleError::Empty);
    };
    if alias.chars().count() > ENV_ALIAS_MAX {
        return Err(RuleError::TooLong(ENV_ALIAS_MAX));
    }
    if !first.is_ascii_lowercase() {
        return Err(RuleError::MustStartWithLowercase);
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(RuleError::InvalidChar(bad));
    }
    if alias.ends_with('-') {
        return Err(RuleError::TrailingHyphen);
    }
    Ok(())
}

/// `CreateCloudRunEnv.PackageType`.
pub const PACKAGE_TYPES: [&str; 4] = ["Trial", "Standard", "Professional", "Enterprise"];

pub fn package_type(value: &str) -> Result<(), RuleError> {
    if PACKAGE_TYPES.contains(&value) {
        Ok(())
    } else {
        Err(RuleError::NotOneOf(PACKAGE_TYPES.join(", ")))
    }
}

/// Console usernames: 3–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter.
pub fn username(name: &str) -> Result<(), RuleError> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(RuleError::Empty);
    };
    if name.chars().count() > 32 {
        return Err(RuleError::TooLong(32));
    }
    if !first.is_ascii_lowercase() {
        return Err(RuleError::MustStartWithLowercase);
    }
    if let Some(bad) = chars
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(RuleError::InvalidChar(bad));
    }
    if name.chars().count() < 3 {
        return Err(RuleError::TooShort(3));
    }
    Ok(())
}

/// Passwords: long enough to resist guessing (NIST 800-63B asks for at least
/// 8; we ask 10), short enough that hashing stays bounded.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

pub fn password(pw: &str) -> Result<(), RuleError> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN {
        Err(RuleError::TooShort(PASSWORD_MIN))
    } else if n > PASSWORD_MAX {
        Err(RuleError::TooLong(PASSWORD_MAX))
    } else {
        Ok(())
    }
}

/// Display names: 1–64 characters, no control characters.
pub fn display_name(name: &str) -> Result<(), RuleError> {
    let name = name.trim();
    if name.is_empty() {
        Err(RuleError::Empty)
    } else if name.chars().count() > 64 {
        Err(RuleError::TooLong(64))
    } else if let Some(c) = name.chars().find(|c| c.is_control()) {
        Err(RuleError::InvalidChar(c))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_alias_table() {
        let cases: &[(&str, Result<(), RuleError>)] = &[
            ("prod", Ok(())),
            ("tenant-42", Ok(())),
            ("a", Ok(())),
            ("", Err(RuleError::Empty)),
            ("1prod", Err(RuleError::MustStartWithLowercase)),
            ("Prod", Err(RuleError::MustStartWithLowercase)),
            ("pro_d", Err(RuleError::InvalidChar('_'))),
            ("测试", Err(RuleError::MustStartWithLowercase)),
            ("prod-", Err(RuleError::TrailingHyphen)),
            (&"a".repeat(ENV_ALIAS_MAX), Ok(())),
            (
                &"a".repeat(ENV_ALIAS_MAX + 1),
                Err(RuleError::TooLong(ENV_ALIAS_MAX)),
            ),
        ];
        for (alias, want) in cases {
            assert_eq!(&env_alias(alias), want, "{alias:?}");
        }
    }

    #[test]
    fn usernames_passwords_display_names() {
        assert!(username("dev.li").is_ok());
        assert_eq!(username("ab"), Err(RuleError::TooShort(3)));
        assert_eq!(username("Dev"), Err(RuleError::MustStartWithLowercase));
        assert_eq!(username("de v"), Err(RuleError::InvalidChar(' ')));
        assert_eq!(password("short"), Err(RuleError::TooShort(PASSWORD_MIN)));
        assert!(password("long enough pw").is_ok());
        assert_eq!(
            password(&"x".repeat(PASSWORD_MAX + 1)),
            Err(RuleError::TooLong(PASSWORD_MAX))
        );
        assert!(display_name("李雷").is_ok());
        assert_eq!(display_name("  "), Err(RuleError::Empty));
    }

    #[test]
    fn package_types() {
        assert!(package_type("Trial").is_ok());
        assert!(package_type("trial").is_err());
    }
}
