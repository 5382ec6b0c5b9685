//! Where traffic may go: which version serves a request during a gray
//! release (R-UPD-2, R-UPD-4), and which versions a rollback may give it to
//! (R-RB-2). One rule each for localcloud and for the console (the "which
//! version serves this URL?" tester, the rollback list), so they never disagree.

/// A URL-parameter rule: requests whose query string has `key` with a value
/// matching `value` go to the rule's version; `*` in `value` matches any run
/// of characters (the empty run too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlRule {
    pub key: String,
    pub value: String,
}

impl UrlRule {
    /// Whether a query string (`a=1&b=2`, without `?`) is claimed by the rule.
    /// Names and values are compared after percent-decoding, `+` as a space.
    pub fn claims(&self, query: &str) -> bool {
        query.split('&').filter(|pair| !pair.is_empty()).any(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            decode(name) == self.key && star_match(&self.value, &decode(value))
        })
    }
}

/// How a gray release splits: by percentage, or by a URL rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// The canary's share, 0..=100.
    Percent(u8),
    /// Requests the rule claims go to `to_canary == true ? canary : stable`;
    /// every other request to the other one (the default version).
    Url { rule: UrlRule, to_canary: bool },
}

/// Whether the canary (true) or the stable version (false) serves a request
/// with `query`; `roll` is a uniform random number in 0..100 the caller draws.
pub fn to_canary(split: &Split, query: Option<&str>, roll: u8) -> bool {
    match split {
        Split::Percent(canary) => roll < *canary,
        Split::Url { rule, to_canary } => rule.claims(query.unwrap_or("")) == *to_canary,
    }
}

/// A version's number: `shop-003` is 3 (R-VER-1 names versions so).
pub fn version_number(version: &str) -> Option<u64> {
    version.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

/// R-RB-2: whether `target` is older than `online`, so a rollback may go to
/// it (going forward is an update). Versions compare by number; a name
/// without one (the cloud's to choose) by `made_first`: whether `target` was
/// made before `online`.
pub fn is_older(target: &str, online: &str, made_first: impl FnOnce() -> bool) -> bool {
    match (version_number(target), version_number(online)) {
        (Some(t), Some(o)) => t < o,
        _ => made_first(),
    }
}

/// `*` matches any run of characters; everything else matches itself. Greedy
/// two-pointer matching: on a mismatch it only retries from the last `*`, so
/// a match costs at most O(pattern × text), whatever the pattern.
pub fn star_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Percent-decoding of a query component (`+` is a space); a malformed
/// escape stays as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                // Hex digits read as bytes: slicing the text could cut a character.
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(key: &str, value: &str) -> UrlRule {
        UrlRule { key: key.into(), value: value.into() }
    }

    #[test]
    fn a_rule_claims_its_parameter_value_and_wildcards() {
        assert!(rule("env", "beta").claims("a=1&env=beta"));
        assert!(!rule("env", "beta").claims("env=betamax"));
        assert!(rule("env", "beta*").claims("env=betamax"));
        assert!(rule("uid", "*7").claims("uid=1007"));
        assert!(rule("uid", "*").claims("uid="));
        assert!(!rule("env", "beta").claims(""));
        assert!(!rule("env", "beta").claims("xenv=beta"));
        assert!(rule("name", "a b").claims("name=a+b"));
        assert!(rule("name", "é").claims("name=%C3%A9"));
        assert!(rule("p", "%zz").claims("p=%zz"), "a malformed escape stays as written");
        assert!(rule("p", "%aé").claims("p=%aé"), "never cuts a character");
        assert!(rule("beta", "x").claims("be%74a=x"), "names are decoded too");
        assert!(rule("beta", "100%").claims("beta=100%"));
        assert!(!rule("beta", "user-*").claims("beta=admin-42"));
    }

    #[test]
    fn the_split_sends_by_percentage_or_by_rule() {
        assert!(to_canary(&Split::Percent(30), None, 29));
        assert!(!to_canary(&Split::Percent(30), None, 30));
        assert!(!to_canary(&Split::Percent(0), None, 0));
        assert!(to_canary(&Split::Percent(100), None, 99));
        let url = Split::Url { rule: rule("v", "2"), to_canary: true };
        assert!(to_canary(&url, Some("v=2"), 0));
        assert!(!to_canary(&url, Some("v=1"), 0));
        assert!(!to_canary(&url, None, 0));
        let reversed = Split::Url { rule: rule("v", "1"), to_canary: false };
        assert!(!to_canary(&reversed, Some("v=1"), 0));
        assert!(to_canary(&reversed, Some("x=1"), 0));
    }

    #[test]
    fn only_older_versions_are_rollback_targets() {
        assert!(is_older("shop-001", "shop-002", || false), "the number decides");
        assert!(!is_older("shop-003", "shop-002", || true));
        assert!(!is_older("shop-002", "shop-002", || false));
        assert!(is_older("shop-9", "shop-10", || false), "numbers, not text");
        assert!(is_older("legacy", "shop-002", || true), "no number: by when each was made");
        assert_eq!(version_number("my-shop-012"), Some(12));
    }

    #[test]
    fn star_matching_stays_linear_on_hostile_patterns() {
        let text = "a".repeat(5000);
        let pattern = format!("{}b", "*a".repeat(200));
        assert!(!star_match(&pattern, &text));
        assert!(star_match("**", ""));
        for (pattern, text, want) in [
            ("a*c", "abbbc", true),
            ("a*c", "ac", true),
            ("a*c", "acb", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("exact", "exactly", false),
        ] {
            assert_eq!(star_match(pattern, text), want, "{pattern} {text}");
        }
    }
}
