//! Custom domain names (R-DOM-1) and whether a certificate's names cover one.

use serde::{Deserialize, Serialize};

use crate::rules::shown;

/// Longest domain name DNS can carry (RFC 1035 §2.3.4, without the final dot).
pub const DOMAIN_MAX: usize = 253;
/// Longest label between two dots (RFC 1035 §2.3.4).
pub const LABEL_MAX: usize = 63;

/// Why a text is not a domain that can be bound. `Display` is the English
/// message localcloud puts after `InvalidParameter.Domain` ([`DomainError::CODE`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {DOMAIN_MAX} characters")]
    TooLong,
    /// Browsers send the punycode form; converting would need Unicode tables
    /// (the `idna` crate) in the SPA for a rare case.
    #[error("must be ASCII: write an internationalised name in its punycode form (xn--…)")]
    NotAscii,
    #[error("must be one host name, not a wildcard: bind each name, and use a wildcard certificate for them")]
    Wildcard,
    #[error("may contain only letters, digits, '-' and '.' (found {})", shown(*.0))]
    InvalidChar(char),
    #[error("must not have an empty label: no leading, trailing or double '.'")]
    EmptyLabel,
    #[error("each label (the parts between dots) must be at most {LABEL_MAX} characters")]
    LabelTooLong,
    #[error("a label must not start or end with '-'")]
    LabelHyphen,
    #[error("must be a full domain such as www.example.com, with at least one '.'")]
    SingleLabel,
    #[error("must end with a top-level domain such as .com; IP addresses cannot be bound")]
    NumericTld,
}

impl DomainError {
    /// The cloud error code for every variant.
    pub const CODE: &'static str = "InvalidParameter.Domain";
}

/// R-DOM-1: `domain` is a host name a route can be bound to, registered with
/// any provider: dot-separated labels of letters, digits and `-` (RFC 1123),
/// at least two labels, a top-level domain that is not a number. Returns the
/// name in lower case, the form to store and compare (DNS ignores case), so
/// "one service per domain" cannot be dodged with capitals.
pub fn domain_name(domain: &str) -> Result<String, DomainError> {
    if domain.is_empty() {
        return Err(DomainError::Empty);
    }
    if !domain.is_ascii() {
        return Err(DomainError::NotAscii);
    }
    if domain.len() > DOMAIN_MAX {
        return Err(DomainError::TooLong);
    }
    if domain.contains('*') {
        return Err(DomainError::Wildcard);
    }
    if let Some(bad) = domain.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
        return Err(DomainError::InvalidChar(bad));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(DomainError::EmptyLabel);
        }
        if label.len() > LABEL_MAX {
            return Err(DomainError::LabelTooLong);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::LabelHyphen);
        }
    }
    if labels.len() < 2 {
        return Err(DomainError::SingleLabel);
    }
    if labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DomainError::NumericTld);
    }
    Ok(domain.to_ascii_lowercase())
}

/// Whether one certificate name (a DNS subjectAltName) covers `domain`, as
/// browsers match them (RFC 6125 §6.4.3, CA/Browser Forum): equal ignoring
/// case, or a wildcard `*.example.com` standing for exactly one whole label,
/// so it covers `a.example.com` but neither `example.com` nor
/// `a.b.example.com`. Partial wildcards (`a*.example.com`) cover nothing.
pub fn name_covers(name: &str, domain: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if name.is_empty() || domain.is_empty() {
        return false;
    }
    match name.strip_prefix("*.") {
        Some(parent) => {
            // Only a wildcard with at least two labels after it: `*.com` would
            // cover a whole top-level domain, which no browser accepts.
            if parent.contains('*') || !parent.contains('.') {
                return false;
            }
            match domain.split_once('.') {
                Some((first, rest)) => !first.is_empty() && first != "*" && rest.eq_ignore_ascii_case(parent),
                None => false,
            }
        }
        None => !name.contains('*') && name.eq_ignore_ascii_case(domain),
    }
}

/// Whether any of a certificate's DNS names covers `domain` ([`name_covers`]).
/// Takes the names as stored (`DescribeCertificateDetail.SubjectAltName`), so
/// binding a stored certificate needs no parsing.
pub fn names_cover<S: AsRef<str>>(names: &[S], domain: &str) -> bool {
    names.iter().any(|name| name_covers(name.as_ref(), domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_dom_1_valid_domains() {
        for ok in
            ["example.com", "www.example.com", "a-b.example.co.uk", "xn--fiqs8s.cn", "1.example.com", "A.Example.COM"]
        {
            assert!(domain_name(ok).is_ok(), "{ok}");
        }
        assert_eq!(domain_name("API.Example.com").as_deref(), Ok("api.example.com"));
        assert_eq!(domain_name(&format!("{}.com", "a".repeat(63))).map(|d| d.len()), Ok(67));
    }

    #[test]
    fn r_dom_1_invalid_domains() {
        use DomainError::*;
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        let cases: &[(&str, DomainError)] = &[
            ("", Empty),
            (&long, TooLong),
            ("例子.cn", NotAscii),
            ("*.example.com", Wildcard),
            ("exa_mple.com", InvalidChar('_')),
            ("example.com/path", InvalidChar('/')),
            ("https://example.com", InvalidChar(':')),
            (" example.com", InvalidChar(' ')),
            ("example..com", EmptyLabel),
            ("example.com.", EmptyLabel),
            (".example.com", EmptyLabel),
            (&format!("{}.com", "a".repeat(64)), LabelTooLong),
            ("-a.example.com", LabelHyphen),
            ("a-.example.com", LabelHyphen),
            ("localhost", SingleLabel),
            ("192.168.0.1", NumericTld),
        ];
        for (input, want) in cases {
            assert_eq!(domain_name(input).as_ref(), Err(want), "{input:?}");
        }
        assert_eq!(InvalidChar('\n').to_string(), "may contain only letters, digits, '-' and '.' (found U+000A)");
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(name_covers("*.example.com", "a.example.com"));
        assert!(name_covers("*.Example.com", "A.example.COM"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.b.example.com"));
        assert!(!name_covers("*.example.com", ".example.com"));
        assert!(!name_covers("*.com", "example.com"));
        assert!(!name_covers("a*.example.com", "ab.example.com"));
        assert!(!name_covers("*.*.example.com", "a.b.example.com"));
    }

    #[test]
    fn exact_names_cover_only_themselves() {
        assert!(name_covers("example.com", "example.com"));
        assert!(name_covers("example.com.", "EXAMPLE.com"));
        assert!(!name_covers("example.com", "www.example.com"));
        assert!(!name_covers("www.example.com", "example.com"));
        assert!(!name_covers("", ""));
        assert!(names_cover(&["example.com", "*.example.com"], "api.example.com"));
        assert!(!names_cover::<&str>(&[], "example.com"));
    }
}
