//! Docker's wildcards in `COPY`/`ADD` sources, as Go's `filepath.Match`
//! reads them (character classes aside, which the build does not check): `*`
//! is any run of characters within one path segment, `?` one character other
//! than `/`, and `\` makes the next character literal (`\*` is a `*`).
//!
//! localcloud's builder checks `COPY`/`ADD` sources with it; it lives here so
//! every crate that reads a build context means the same by a wildcard (the
//! `.dockerignore` matcher, in `dockerignore.rs`, adds the `**` and
//! character classes of moby's patternmatcher on top of the same rules).
//!
//! A pattern is matched segment by segment with the greedy two-pointer
//! algorithm: on a mismatch it only retries from the last `*`, one character
//! further on, so one match costs at most O(pattern × text). The recursive
//! matcher it replaces backtracked over every `*`: `*a*a…*a*b` against a long
//! name of `a`s took days and pinned a core (issue #8).

/// One element of a pattern, escapes resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Star,
    Any,
    Char(char),
}

/// Whether Docker expands `source` as a wildcard: it has a `*`, `?` or `[`
/// that no `\` escapes (moby's `containsWildcards`). Any other source is a
/// plain path, backslashes and all.
pub fn has_wildcards(source: &str) -> bool {
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Whether `path` (a build-context path, `/`-separated) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let Some(tokens) = tokens(pattern) else { return false };
    // An escaped `/` still separates segments, as in Go: `*` never crosses it.
    let mut patterns = tokens.split(|t| *t == Token::Char('/'));
    let mut names = path.split('/');
    loop {
        match (patterns.next(), names.next()) {
            (None, None) => return true,
            (Some(p), Some(name)) if segment(p, &name.chars().collect::<Vec<_>>()) => {}
            _ => return false,
        }
    }
}

/// The pattern's tokens; `None` when it ends in a lone `\`, a pattern Go
/// refuses, so it matches nothing.
fn tokens(pattern: &str) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Token::Star,
            '?' => Token::Any,
            '\\' => Token::Char(chars.next()?),
            c => Token::Char(c),
        });
    }
    Some(out)
}

/// One segment: no `/` on either side.
fn segment(p: &[Token], t: &[char]) -> bool {
    // A pattern needing more characters than the name has cannot match; this
    // also bounds the work below by the name's length, however long the pattern.
    if p.iter().filter(|c| **c != Token::Star).count() > t.len() {
        return false;
    }
    let (mut pi, mut ti) = (0, 0);
    // After the last `*` seen: where the pattern goes on, and how much of the
    // name that `*` has absorbed so far.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Token::Star) => {
                pi += 1;
                star = Some((pi, ti));
            }
            Some(Token::Any) => {
                pi += 1;
                ti += 1;
            }
            Some(Token::Char(c)) if *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                // The last `*` takes one more character; earlier ones never
                // need to, which is what keeps this polynomial.
                Some((after, absorbed)) => {
                    pi = after;
                    ti = absorbed + 1;
                    star = Some((after, absorbed + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == Token::Star)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn agrees_with_dockers_wildcards() {
        let cases = [
            ("*.json", "package.json", true),
            ("*.json", "package-lock.json", true),
            ("*.json", "src/package.json", false),
            ("*", "src", true),
            ("*", "src/main.js", false),
            ("src/*", "src/main.js", true),
            ("src/*.js", "src/lib/main.js", false),
            ("*/main.js", "src/main.js", true),
            ("?", "a", true),
            ("?", "ab", false),
            ("?", "/", false),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("?.txt", "é.txt", true),
            ("**", "a", true),
            ("**", "a/b", false),
            ("*", "", true),
            ("", "", true),
            ("a*", "", false),
            ("*.txt", "notes.md", false),
            ("app/**/x", "app/y/x", true),
            // Escapes: the next character is literal.
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("a\\?c", "a?c", true),
            ("a\\?c", "abc", false),
            ("\\\\", "\\", true),
            ("\\a*", "abc", true),
            ("a\\/b", "a/b", true),
            ("a\\", "a\\", false),
        ];
        for (pattern, path, want) in cases {
            assert_eq!(matches(pattern, path), want, "{pattern} against {path}");
        }
    }

    #[test]
    fn the_issue_8_bomb_is_quick() {
        let pattern = format!("{}*b", "*a".repeat(16));
        let started = Instant::now();
        assert!(!matches(&pattern, &"a".repeat(48)));
        assert!(!matches(&pattern, &"a".repeat(255)));
        assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
    }

    /// The matcher this one replaced: exponential, but the reference for what
    /// Docker's wildcards mean here, on inputs small enough for it.
    fn reference(pattern: &[u8], text: &[u8]) -> bool {
        match (pattern.first(), text.first()) {
            (None, None) => true,
            (Some(b'\\'), _) => {
                pattern.len() > 1 && text.first() == Some(&pattern[1]) && reference(&pattern[2..], &text[1..])
            }
            (Some(b'*'), _) => {
                reference(&pattern[1..], text)
                    || (text.first().is_some_and(|c| *c != b'/') && reference(pattern, &text[1..]))
            }
            (Some(b'?'), Some(c)) if *c != b'/' => reference(&pattern[1..], &text[1..]),
            (Some(p), Some(c)) if p == c => reference(&pattern[1..], &text[1..]),
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn matches_like_the_reference_on_small_inputs(pattern in "[ab*?/\\\\]{0,10}", text in "[ab*/\\\\]{0,10}") {
            prop_assert_eq!(matches(&pattern, &text), reference(pattern.as_bytes(), text.as_bytes()));
        }

        #[test]
        fn any_pattern_and_path_take_under_50_ms(pattern in "[a-c*?/.\\\\]{0,600}", text in "[a-c/.]{0,600}") {
            let started = Instant::now();
            matches(&pattern, &text);
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }

        #[test]
        fn star_heavy_patterns_against_long_names_take_under_50_ms(stars in 1usize..200, n in 0usize..256) {
            let pattern = format!("{}*b", "*a".repeat(stars));
            let started = Instant::now();
            matches(&pattern, &"a".repeat(n));
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }
    }
}
