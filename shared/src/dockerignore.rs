//! `.dockerignore`: which files of a build context are not sent, with the
//! semantics of Docker's own reader and matcher, so a directory deployed by
//! `tcbr run deploy --path` carries what `docker build` would send:
//!
//! - reading the file is moby's `patternmatcher/ignorefile.ReadAll`: a UTF-8
//!   BOM is dropped; a line starting with `#` is a comment; each line is
//!   trimmed, empty ones skipped; `!` (then spaces) marks an exception; the
//!   pattern is `filepath.Clean`ed and a leading `/` removed (the context is
//!   the root);
//! - matching is moby's `patternmatcher` (the regular expression its
//!   `Pattern.compile` builds): `*` is any run of characters but `/`, `?` one
//!   character but `/`, `[…]` a character class (`^` negates, `a-z` ranges),
//!   `\` makes the next character literal, `**` any number of directories
//!   (`**/` and a `**` inside a pattern: `(.*/)?`; a trailing `**`: `.*`);
//!   everything else is literal;
//! - a file is excluded per `MatchesOrParentMatches`: the patterns are read
//!   in order, the last one that matches the file or one of its parent
//!   directories wins, an exception (`!`) re-including;
//! - the `.dockerignore` file and the Dockerfile are sent even when a pattern
//!   names them, as the Docker CLI's `TrimBuildFilesFromExcludes` does
//!   ([`DockerIgnore::keep_build_files`]).
//!
//! The matcher simulates the pattern as an automaton (a set of positions),
//! so one match costs at most O(pattern × path) whatever the `*`s, as the
//! `COPY` wildcards of [`crate::wildcard`] do (issue #8).

/// A `.dockerignore` that Docker would refuse, with its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: `{pattern}` {why}")]
pub struct PatternError {
    pub line: usize,
    pub pattern: String,
    pub why: &'static str,
}

/// The parsed patterns, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq)]
struct Pattern {
    /// `!`: re-includes what an earlier pattern excluded.
    exception: bool,
    /// The cleaned pattern, without its `!`.
    text: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `?`: one character other than `/`.
    Any,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `**` followed by more pattern: `(.*/)?`, zero or more whole directories.
    Dirs,
    /// `**` at the end: `.*`, anything at all.
    Rest,
    /// `[…]`: ranges (a single character is a range of one), `^` negating.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl DockerIgnore {
    /// Reads a `.dockerignore` as Docker does (see the module doc).
    pub fn parse(text: &str) -> Result<DockerIgnore, PatternError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            // A comment only when `#` is the line's first character, before trimming.
            if raw.starts_with('#') {
                continue;
            }
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, rest) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let error = |why| PatternError { line: i + 1, pattern: line.to_string(), why };
            if rest.is_empty() {
                return Err(error("is an exception with no pattern"));
            }
            let mut cleaned = clean(rest);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
            let tokens = compile(&cleaned).map_err(error)?;
            patterns.push(Pattern { exception, text: cleaned, tokens });
        }
        Ok(DockerIgnore { patterns })
    }

    /// Keeps `.dockerignore` and the Dockerfile (`dockerfile`, its path in
    /// the context) in the context even when a pattern excludes them: the
    /// builder needs both (docker/cli `TrimBuildFilesFromExcludes`, which
    /// appends `!.dockerignore` and `!<dockerfile>` when they are excluded).
    pub fn keep_build_files(&mut self, dockerfile: &str) {
        for file in [".dockerignore".to_string(), clean(dockerfile)] {
            if self.is_excluded(&file) {
                let tokens = compile(&file).unwrap_or_else(|_| file.chars().map(Token::Char).collect());
                self.patterns.push(Pattern { exception: true, text: file, tokens });
            }
        }
    }

    /// Whether the file at `path` (relative to the context, `/`-separated)
    /// is left out: moby's `MatchesOrParentMatches`.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        let dirs: Vec<&str> = path.split('/').collect();
        let parents = dirs.len().saturating_sub(1);
        let mut excluded = false;
        for p in &self.patterns {
            // An exclusion cannot change an excluded file, nor an exception a kept one.
            if p.exception != excluded {
                continue;
            }
            let hit = matches(&p.tokens, &path) || (1..=parents).any(|n| matches(&p.tokens, &dirs[..n].join("/")));
            if hit {
                excluded = !p.exception;
            }
        }
        excluded
    }

    /// Whether a walk must go into the excluded directory `dir`: only when an
    /// exception could re-include something inside it. As BuildKit's
    /// `fsutil` walker: an exception with a wildcard might match anywhere; a
    /// plain one only under its own prefix.
    pub fn may_reinclude_inside(&self, dir: &str) -> bool {
        let inside = format!("{}/", clean(dir));
        self.patterns.iter().filter(|p| p.exception).any(|p| {
            p.tokens.iter().any(|t| !matches!(t, Token::Char(_))) || format!("{}/", p.text).starts_with(&inside)
        })
    }

    /// Whether the file has no patterns at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// Go's `filepath.Clean` on `/`-separated paths: repeated `/` and `.`
/// segments dropped, `x/..` removed, no trailing `/`; empty reads `.`.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            // `/..` is `/`; a relative path keeps leading `..`s.
            ".." if rooted => {}
            seg => out.push(seg),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// A pattern as moby's `Pattern.compile` reads it; the syntax errors are
/// those Go's `filepath.Match` reports (moby calls it to validate).
fn compile(pattern: &str) -> Result<Vec<Token>, &'static str> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                // `**/` is read as `**`: the `/` is part of `(.*/)?`.
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                out.push(if i == chars.len() { Token::Rest } else { Token::Dirs });
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::Any),
            '\\' => match chars.get(i) {
                Some(next) => {
                    out.push(Token::Char(*next));
                    i += 1;
                }
                None => return Err("ends with a lone '\\'"),
            },
            '[' => {
                let (token, next) = class(&chars, i)?;
                out.push(token);
                i = next;
            }
            c => out.push(Token::Char(c)),
        }
    }
    Ok(out)
}

/// A character class starting after its `[` at `i`: the token and where the
/// pattern goes on after its `]`.
fn class(chars: &[char], mut i: usize) -> Result<(Token, usize), &'static str> {
    const UNCLOSED: &str = "has a '[' with no ']'";
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let one = |i: &mut usize| -> Result<char, &'static str> {
        let c = *chars.get(*i).ok_or(UNCLOSED)?;
        *i += 1;
        if c == '\\' {
            let escaped = *chars.get(*i).ok_or(UNCLOSED)?;
            *i += 1;
            return Ok(escaped);
        }
        Ok(c)
    };
    loop {
        match chars.get(i) {
            None => return Err(UNCLOSED),
            Some(']') if !ranges.is_empty() => return Ok((Token::Class { negated, ranges }, i + 1)),
            Some(']') => return Err("has an empty character class '[]'"),
            Some(_) => {
                let lo = one(&mut i)?;
                let hi = if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
                    i += 1;
                    one(&mut i)?
                } else {
                    lo
                };
                if hi < lo {
                    return Err("has a character range that runs backwards");
                }
                ranges.push((lo, hi));
            }
        }
    }
}

/// Whether the whole of `path` matches `tokens`, by running the pattern as
/// an automaton: `at[i]` says the text so far can stand before token `i`;
/// `inside[i]` that it can stand inside the `(.*/)?` of a [`Token::Dirs`] at `i`.
fn matches(tokens: &[Token], path: &str) -> bool {
    let n = tokens.len();
    let mut at = vec![false; n + 1];
    let mut inside = vec![false; n];
    at[0] = true;
    close(tokens, &mut at, &mut inside);
    for c in path.chars() {
        let mut next = vec![false; n + 1];
        let mut next_inside = vec![false; n];
        for i in 0..n {
            if inside[i] {
                // `.*` goes on over any character; a `/` may also end the group.
                next_inside[i] = true;
                if c == '/' {
                    next[i + 1] = true;
                }
            }
            if !at[i] {
                continue;
            }
            match &tokens[i] {
                Token::Char(want) if *want == c => next[i + 1] = true,
                Token::Any if c != '/' => next[i + 1] = true,
                Token::Class { negated, ranges }
                    if ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated =>
                {
                    next[i + 1] = true
                }
                Token::Star if c != '/' => next[i] = true,
                Token::Rest => next[i] = true,
                _ => {}
            }
        }
        close(tokens, &mut next, &mut next_inside);
        at = next;
        inside = next_inside;
        if !at.iter().any(|b| *b) && !inside.iter().any(|b| *b) {
            return false;
        }
    }
    at[n]
}

/// Follows the moves that read no character: past a `*` or a trailing `**`
/// (they may match nothing), and past or into a `(.*/)?`.
fn close(tokens: &[Token], at: &mut [bool], inside: &mut [bool]) {
    for i in 0..tokens.len() {
        if !at[i] {
            continue;
        }
        match tokens[i] {
            Token::Star | Token::Rest => at[i + 1] = true,
            Token::Dirs => {
                at[i + 1] = true;
                inside[i] = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::*;

    fn pattern_matches(pattern: &str, path: &str) -> bool {
        matches(&compile(&clean(pattern)).unwrap(), path)
    }

    /// moby/patternmatcher's `TestMatches` table (the cases on paths without
    /// a trailing `/`, which a walk never produces), on the bare pattern.
    #[test]
    fn agrees_with_mobys_pattern_table() {
        let cases = [
            ("**", "file", true),
            ("**", "dir/file", true),
            ("**/", "dir/file", true),
            ("**/**", "dir/file", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/dir2/file", true),
            ("**/dir", "dir", true),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**file", "file", true),
            ("**file", "dir/file", true),
            ("**/file", "dir/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true),
            ("**/file*", "dir/dir/file.txt", true),
            ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/file.txt", true),
            ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true),
            ("a[b-d]e", "ae", false),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abcdef", false),
            ("a\\\\", "a\\", true),
            ("**/foo/bar", "foo/bar", true),
            ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("abc/**", "abc", false),
            ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true),
            ("**/.foo", ".foo", true),
            ("**/.foo", "bar.foo", false),
            ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
            // `*` and `?` stop at `/`; a class does not (it is a regexp class).
            ("*", "a/b", false),
            ("a?b", "a/b", false),
            ("a[^x]b", "a/b", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
        ];
        for (pattern, path, want) in cases {
            assert_eq!(pattern_matches(pattern, path), want, "{pattern} against {path}");
        }
    }

    #[test]
    fn a_pattern_naming_a_directory_excludes_its_contents() {
        let ignore = DockerIgnore::parse("node_modules\n/build/\n*/tmp\n").unwrap();
        assert!(ignore.is_excluded("node_modules"));
        assert!(ignore.is_excluded("node_modules/left-pad/index.js"));
        assert!(ignore.is_excluded("build/out.bin"), "a leading / is the context's root");
        assert!(ignore.is_excluded("src/tmp/x"));
        assert!(!ignore.is_excluded("src/node_modules_notes.md"));
        assert!(!ignore.is_excluded("a/src/tmp/x"), "`*` is one level");
    }

    #[test]
    fn exceptions_reinclude_and_the_last_match_wins() {
        let ignore = DockerIgnore::parse("*.md\n!README.md\nREADME-secret.md\nlogs\n!logs/keep.log\n").unwrap();
        assert!(ignore.is_excluded("CHANGES.md"));
        assert!(!ignore.is_excluded("README.md"));
        assert!(ignore.is_excluded("README-secret.md"));
        assert!(!ignore.is_excluded("docs/guide.md"), "`*.md` is the root only");
        assert!(ignore.is_excluded("logs/a.log"));
        assert!(!ignore.is_excluded("logs/keep.log"));
        assert!(ignore.may_reinclude_inside("logs"));
        assert!(!ignore.may_reinclude_inside("node_modules"));
        // An exception after a later exclusion loses to it.
        let ignore = DockerIgnore::parse("!a.txt\n*.txt\n").unwrap();
        assert!(ignore.is_excluded("a.txt"));
        // A wildcard exception might match under any excluded directory.
        let ignore = DockerIgnore::parse("vendor\n!**/LICENSE\n").unwrap();
        assert!(ignore.may_reinclude_inside("vendor"));
        assert!(!ignore.is_excluded("vendor/x/LICENSE"));
        assert!(ignore.is_excluded("vendor/x/lib.go"));
    }

    #[test]
    fn reading_the_file_as_docker_does() {
        let text = "\u{feff}# a comment\n   \n  *.log  \n! keep.log\n #not a comment\n./tmp//x/../y\n/\n";
        let ignore = DockerIgnore::parse(text).unwrap();
        let texts: Vec<(&str, bool)> = ignore.patterns.iter().map(|p| (p.text.as_str(), p.exception)).collect();
        assert_eq!(
            texts,
            vec![("*.log", false), ("keep.log", true), ("#not a comment", false), ("tmp/y", false), ("/", false)]
        );
        assert!(ignore.is_excluded("a.log") && !ignore.is_excluded("keep.log"));
        assert!(ignore.is_excluded("tmp/y/z"));
        assert!(DockerIgnore::parse("").unwrap().is_empty());
    }

    #[test]
    fn malformed_patterns_are_refused_with_their_line() {
        let err = DockerIgnore::parse("ok\n[abc\n").unwrap_err();
        assert_eq!((err.line, err.pattern.as_str()), (2, "[abc"));
        assert!(DockerIgnore::parse("!\n").is_err());
        assert!(DockerIgnore::parse("a\\").is_err());
        assert!(DockerIgnore::parse("[]").is_err());
        assert!(DockerIgnore::parse("[z-a]").is_err());
        assert!(DockerIgnore::parse("[a-c]x").is_ok());
    }

    #[test]
    fn the_dockerignore_and_the_dockerfile_are_still_sent() {
        let mut ignore = DockerIgnore::parse("*\n!src\n").unwrap();
        ignore.keep_build_files("./api/Dockerfile.prod");
        assert!(!ignore.is_excluded(".dockerignore"));
        assert!(!ignore.is_excluded("api/Dockerfile.prod"));
        assert!(ignore.is_excluded("api/other"));
        assert!(!ignore.is_excluded("src/main.rs"));
        // Nothing is added when nothing excludes them.
        let mut plain = DockerIgnore::parse("*.log\n").unwrap();
        plain.keep_build_files("Dockerfile");
        assert_eq!(plain.patterns.len(), 1);
    }

    #[test]
    fn clean_is_gos() {
        for (input, want) in [
            ("", "."),
            ("./a/", "a"),
            ("a//b", "a/b"),
            ("a/./b/../c", "a/c"),
            ("../a", "../a"),
            ("/../a", "/a"),
            ("/", "/"),
            ("a/..", "."),
        ] {
            assert_eq!(clean(input), want, "{input}");
        }
    }

    /// A backtracking matcher of the same regular expression: exponential,
    /// but plainly right, on inputs small enough for it.
    fn reference(tokens: &[Token], text: &[char]) -> bool {
        match tokens.first() {
            None => text.is_empty(),
            Some(Token::Star) => {
                reference(&tokens[1..], text)
                    || (text.first().is_some_and(|c| *c != '/') && reference(tokens, &text[1..]))
            }
            Some(Token::Rest) => true,
            Some(Token::Dirs) => {
                reference(&tokens[1..], text)
                    || (0..text.len()).any(|k| text[k] == '/' && reference(&tokens[1..], &text[k + 1..]))
            }
            Some(t) => {
                let Some(c) = text.first() else { return false };
                let ok = match t {
                    Token::Char(w) => w == c,
                    Token::Any => *c != '/',
                    Token::Class { negated, ranges } => {
                        ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(c)) != *negated
                    }
                    _ => unreachable!("handled above"),
                };
                ok && reference(&tokens[1..], &text[1..])
            }
        }
    }

    proptest! {
        #[test]
        fn matches_like_the_reference(pattern in "[ab*?/\\[\\]^-]{0,10}", text in "[ab/]{0,10}") {
            if let Ok(tokens) = compile(&pattern) {
                let chars: Vec<char> = text.chars().collect();
                prop_assert_eq!(matches(&tokens, &text), reference(&tokens, &chars), "{} {:?}", pattern, tokens);
            }
        }

        #[test]
        fn any_pattern_and_path_take_under_50_ms(pattern in "[a-c*?/.]{0,400}", text in "[a-c/.]{0,400}") {
            let started = Instant::now();
            if let Ok(tokens) = compile(&pattern) {
                matches(&tokens, &text);
            }
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }
    }
}
