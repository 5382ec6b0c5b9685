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
    fn package_types() {
        assert!(package_type("Trial").is_ok());
        assert!(package_type("trial").is_err());
    }
}
