//! The query language of runtime-log searches (R-OBS-3): tcbr
//! `SearchClsLog`'s `QueryString`, a small part of CLS's Lucene syntax.
//! localcloud parses it to search its index; the SPA parses it to check a
//! query as the user types and to highlight what matched.
//!
//! ```text
//! query    := "" | "*" | or
//! or       := and ("OR" and)*
//! and      := unary (["AND"] unary)*      two operands side by side: AND
//! unary    := "NOT" unary | primary
//! primary  := "(" or ")" | value | field ":" value
//! value    := word | word"*" (a prefix) | "quoted phrase"
//! field    := service | version | instance | stream | level | status | method | path | type
//! ```
//!
//! Operators are case-insensitive. A value matches the words of the line, or
//! of `path`, in order: letters and digits, so `"/hello-123"` matches the
//! words `hello 123`. The other fields hold one name or code each, and a
//! value there is the whole of it, case-insensitively (`service:shop` is not
//! `shop-api`; [`LogField::whole_value`]); a prefix (`status:5*`) matches
//! words anywhere. Parsing never panics and is bounded, whatever it is given.

use serde::{Deserialize, Serialize};

/// Longest query, in characters.
pub const QUERY_MAX_CHARS: usize = 1024;
/// Most values one query may hold.
pub const QUERY_MAX_TERMS: usize = 32;
/// Deepest nesting of parentheses and `NOT`s.
pub const QUERY_MAX_DEPTH: usize = 16;

/// A field of a stored log line that `field:value` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogField {
    Service,
    Version,
    Instance,
    /// `stdout`, `stderr`, or a custom log file's path.
    Stream,
    Level,
    /// The next four come from a JSON line's own fields.
    Status,
    Method,
    Path,
    Type,
}

impl LogField {
    pub const ALL: [LogField; 9] = [
        LogField::Service,
        LogField::Version,
        LogField::Instance,
        LogField::Stream,
        LogField::Level,
        LogField::Status,
        LogField::Method,
        LogField::Path,
        LogField::Type,
    ];

    /// The name a query writes.
    pub fn name(self) -> &'static str {
        match self {
            LogField::Service => "service",
            LogField::Version => "version",
            LogField::Instance => "instance",
            LogField::Stream => "stream",
            LogField::Level => "level",
            LogField::Status => "status",
            LogField::Method => "method",
            LogField::Path => "path",
            LogField::Type => "type",
        }
    }

    /// Whether `field:value` is the field's whole value rather than words of it.
    pub fn whole_value(self) -> bool {
        self != LogField::Path
    }

    pub fn parse(name: &str) -> Option<LogField> {
        LogField::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogQuery {
    /// Every line: an empty query or `*`.
    All,
    /// The words of `text`, in order, in `field` (the line itself when
    /// `None`); with `prefix`, the last word may go on (`hel*`).
    Match {
        field: Option<LogField>,
        text: String,
        prefix: bool,
    },
    Not(Box<LogQuery>),
    And(Vec<LogQuery>),
    Or(Vec<LogQuery>),
}

/// Why a query is refused; `at` is a character offset into the query.
/// `Display` is the English message localcloud answers with.
/// Positions (`at`) count characters from 0; the messages count from 1, as
/// a reader does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LogQueryError {
    #[error("the query must be at most {0} characters")]
    TooLong(usize),
    #[error("the query may hold at most {0} search values")]
    TooManyTerms(usize),
    #[error("the query nests parentheses and NOT more than {0} deep")]
    TooDeep(usize),
    #[error("the quote opened at character {} is not closed", at + 1)]
    UnclosedQuote { at: usize },
    #[error("the parenthesis opened at character {} is not closed", at + 1)]
    UnclosedParen { at: usize },
    #[error("the ')' at character {} closes nothing", at + 1)]
    UnexpectedParen { at: usize },
    #[error("the parentheses at character {} hold nothing", at + 1)]
    EmptyGroup { at: usize },
    #[error("{operator} at character {} needs something to search on both sides", at + 1)]
    MissingOperand { operator: String, at: usize },
    #[error("unknown field `{field}`: use service, version, instance, stream, level, status, method, path or type")]
    UnknownField { field: String },
    #[error("`{field}:` needs a value after the colon")]
    MissingValue { field: String },
    #[error("`*` at character {}: `*` alone matches every line, and inside a query it may only end a word", at + 1)]
    MisplacedStar { at: usize },
    #[error("`{text}` has no letters or digits to search for")]
    NoWords { text: String },
}

/// The letters-and-digits words of `text`, as the index splits a line:
/// matching compares these, case-insensitively.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The query for one service's rows, and of those what `query` asks (`*`
/// or nothing: all of them), as the console's log tail and `tcbr logs
/// search -s` send it. `query` must parse on its own, as the cloud parses
/// it: then it is one group, and a stray `)` cannot take it to the
/// environment's other services.
pub fn for_service(service: &str, query: &str) -> Result<String, LogQueryError> {
    Ok(match parse(query)? {
        LogQuery::All => format!("service:\"{service}\""),
        _ => format!("service:\"{service}\" AND ({})", query.trim()),
    })
}

/// Parses a query.
pub fn parse(query: &str) -> Result<LogQuery, LogQueryError> {
    if query.chars().count() > QUERY_MAX_CHARS {
        return Err(LogQueryError::TooLong(QUERY_MAX_CHARS));
    }
    let trimmed = query.trim();
    if trimmed.is_empty() || trimmed == "*" {
        return Ok(LogQuery::All);
    }
    let tokens = lex(query)?;
    let values = tokens.iter().filter(|t| matches!(t.kind, Kind::Value { .. })).count();
    if values > QUERY_MAX_TERMS {
        return Err(LogQueryError::TooManyTerms(QUERY_MAX_TERMS));
    }
    let mut parser = Parser { tokens, next: 0 };
    let query = parser.or(0)?;
    match parser.peek() {
        None => Ok(query),
        Some(Token { at, kind: Kind::Close }) => Err(LogQueryError::UnexpectedParen { at: *at }),
        // `or` stops only at the end or at a ')'.
        Some(t) => Err(LogQueryError::UnexpectedParen { at: t.at }),
    }
}

impl LogQuery {
    /// The values a matching line holds (those not under a `NOT`), for
    /// highlighting: `(field, text, prefix)`.
    pub fn highlights(&self) -> Vec<(Option<LogField>, &str, bool)> {
        let mut out = Vec::new();
        self.collect(false, &mut out);
        out
    }

    fn collect<'a>(&'a self, negated: bool, out: &mut Vec<(Option<LogField>, &'a str, bool)>) {
        match self {
            LogQuery::All => {}
            LogQuery::Match { field, text, prefix } => {
                if !negated {
                    out.push((*field, text, *prefix));
                }
            }
            LogQuery::Not(q) => q.collect(!negated, out),
            LogQuery::And(qs) | LogQuery::Or(qs) => qs.iter().for_each(|q| q.collect(negated, out)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    And,
    Or,
    Not,
    Value { field: Option<LogField>, text: String, prefix: bool },
}

#[derive(Debug, Clone)]
struct Token {
    at: usize,
    kind: Kind,
}

fn lex(query: &str) -> Result<Vec<Token>, LogQueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == ')' {
            tokens.push(Token { at: i, kind: if c == '(' { Kind::Open } else { Kind::Close } });
            i += 1;
        } else if c == '"' {
            let (text, end) = quoted(&chars, i)?;
            tokens.push(Token { at: i, kind: value(None, text, false)? });
            i = end;
        } else {
            let start = i;
            let word_end =
                |j: usize| j >= chars.len() || chars[j].is_whitespace() || matches!(chars[j], '(' | ')' | '"');
            while !word_end(i) && chars[i] != ':' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                let field =
                    LogField::parse(&word).ok_or_else(|| LogQueryError::UnknownField { field: word.clone() })?;
                i += 1;
                if i < chars.len() && chars[i] == '"' {
                    let (text, end) = quoted(&chars, i)?;
                    tokens.push(Token { at: start, kind: value(Some(field), text, false)? });
                    i = end;
                } else {
                    let value_start = i;
                    while !word_end(i) {
                        i += 1;
                    }
                    if i == value_start {
                        return Err(LogQueryError::MissingValue { field: field.name().into() });
                    }
                    tokens.push(Token { at: start, kind: bare(Some(field), &chars[value_start..i], value_start)? });
                }
            } else {
                let kind = match word.to_ascii_uppercase().as_str() {
                    "AND" => Kind::And,
                    "OR" => Kind::Or,
                    "NOT" => Kind::Not,
                    _ => bare(None, &chars[start..i], start)?,
                };
                tokens.push(Token { at: start, kind });
            }
        }
    }
    Ok(tokens)
}

/// The phrase of the quote at `open`, with `\"` and `\\` escapes, and the index after it.
fn quoted(chars: &[char], open: usize) -> Result<(String, usize), LogQueryError> {
    let mut text = String::new();
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((text, i + 1)),
            '\\' if i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(LogQueryError::UnclosedQuote { at: open })
}

/// An unquoted value: a trailing `*` makes it a prefix; any other `*` is misplaced.
fn bare(field: Option<LogField>, chars: &[char], at: usize) -> Result<Kind, LogQueryError> {
    let (body, prefix) = match chars.split_last() {
        Some(('*', rest)) => (rest, true),
        _ => (chars, false),
    };
    if let Some(star) = body.iter().position(|c| *c == '*') {
        return Err(LogQueryError::MisplacedStar { at: at + star });
    }
    if body.is_empty() {
        return Err(LogQueryError::MisplacedStar { at });
    }
    value(field, body.iter().collect(), prefix)
}

fn value(field: Option<LogField>, text: String, prefix: bool) -> Result<Kind, LogQueryError> {
    if words(&text).next().is_none() {
        return Err(LogQueryError::NoWords { text });
    }
    Ok(Kind::Value { field, text, prefix })
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn operand_follows(&self) -> bool {
        matches!(self.peek().map(|t| &t.kind), Some(Kind::Open | Kind::Not | Kind::Value { .. }))
    }

    fn missing(&self, operator: &str, at: usize) -> LogQueryError {
        LogQueryError::MissingOperand { operator: operator.into(), at }
    }

    fn or(&mut self, depth: usize) -> Result<LogQuery, LogQueryError> {
        let mut items = vec![self.and(depth)?];
        while let Some(Token { at, kind: Kind::Or }) = self.peek() {
            let at = *at;
            self.next += 1;
            if !self.operand_follows() {
                return Err(self.missing("OR", at));
            }
            items.push(self.and(depth)?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { LogQuery::Or(items) })
    }

    fn and(&mut self, depth: usize) -> Result<LogQuery, LogQueryError> {
        let mut items = vec![self.unary(depth)?];
        loop {
            match self.peek() {
                Some(Token { at, kind: Kind::And }) => {
                    let at = *at;
                    self.next += 1;
                    if !self.operand_follows() {
                        return Err(self.missing("AND", at));
                    }
                }
                _ if self.operand_follows() => {}
                _ => break,
            }
            items.push(self.unary(depth)?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { LogQuery::And(items) })
    }

    fn unary(&mut self, depth: usize) -> Result<LogQuery, LogQueryError> {
        if depth >= QUERY_MAX_DEPTH {
            return Err(LogQueryError::TooDeep(QUERY_MAX_DEPTH));
        }
        let Some(token) = self.peek().cloned() else {
            // Callers check that an operand follows; an empty query never gets here.
            return Err(self.missing("the query", 0));
        };
        self.next += 1;
        match token.kind {
            Kind::Not => {
                if !self.operand_follows() {
                    return Err(self.missing("NOT", token.at));
                }
                Ok(LogQuery::Not(Box::new(self.unary(depth + 1)?)))
            }
            Kind::Open => {
                if let Some(Token { kind: Kind::Close, .. }) = self.peek() {
                    return Err(LogQueryError::EmptyGroup { at: token.at });
                }
                let inner = self.or(depth + 1)?;
                match self.peek() {
                    Some(Token { kind: Kind::Close, .. }) => {
                        self.next += 1;
                        Ok(inner)
                    }
                    _ => Err(LogQueryError::UnclosedParen { at: token.at }),
                }
            }
            Kind::Value { field, text, prefix } => Ok(LogQuery::Match { field, text, prefix }),
            Kind::Close => Err(LogQueryError::UnexpectedParen { at: token.at }),
            Kind::And => Err(self.missing("AND", token.at)),
            Kind::Or => Err(self.missing("OR", token.at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(field: Option<LogField>, text: &str) -> LogQuery {
        LogQuery::Match { field, text: text.into(), prefix: false }
    }

    #[test]
    fn r_obs_3_terms_phrases_fields_and_operators() {
        assert_eq!(parse(""), Ok(LogQuery::All));
        assert_eq!(parse("  * "), Ok(LogQuery::All));
        assert_eq!(parse("error"), Ok(m(None, "error")));
        assert_eq!(parse("timeout error"), Ok(LogQuery::And(vec![m(None, "timeout"), m(None, "error")])));
        assert_eq!(parse(r#""connection refused""#), Ok(m(None, "connection refused")));
        assert_eq!(parse(r#"path:"/hello-123""#), Ok(m(Some(LogField::Path), "/hello-123")));
        assert_eq!(parse("status:500"), Ok(m(Some(LogField::Status), "500")));
        assert_eq!(parse("Level:warn"), Ok(m(Some(LogField::Level), "warn")));
        assert_eq!(parse("path:/a:b"), Ok(m(Some(LogField::Path), "/a:b")));
        assert_eq!(
            parse("hel*"),
            Ok(LogQuery::Match { field: None, text: "hel".into(), prefix: true }),
            "a trailing star is a prefix"
        );
        assert_eq!(
            parse("a or b AND not c"),
            Ok(LogQuery::Or(vec![
                m(None, "a"),
                LogQuery::And(vec![m(None, "b"), LogQuery::Not(Box::new(m(None, "c")))])
            ]))
        );
        assert_eq!(
            parse("(a OR b) c"),
            Ok(LogQuery::And(vec![LogQuery::Or(vec![m(None, "a"), m(None, "b")]), m(None, "c")]))
        );
        assert_eq!(parse(r#""say \"hi\"""#), Ok(m(None, r#"say "hi""#)));
        assert_eq!(parse(r#""AND""#), Ok(m(None, "AND")), "a quoted keyword is a value");
        assert_eq!(parse("日志"), Ok(m(None, "日志")));
    }

    #[test]
    fn r_obs_3_bad_queries_name_their_problem() {
        let cases: &[(&str, LogQueryError)] = &[
            ("foo:bar", LogQueryError::UnknownField { field: "foo".into() }),
            ("path:", LogQueryError::MissingValue { field: "path".into() }),
            (r#"a "b"#, LogQueryError::UnclosedQuote { at: 2 }),
            ("(a OR b", LogQueryError::UnclosedParen { at: 0 }),
            ("a)", LogQueryError::UnexpectedParen { at: 1 }),
            (")", LogQueryError::UnexpectedParen { at: 0 }),
            ("a ()", LogQueryError::EmptyGroup { at: 2 }),
            ("a AND", LogQueryError::MissingOperand { operator: "AND".into(), at: 2 }),
            ("OR b", LogQueryError::MissingOperand { operator: "OR".into(), at: 0 }),
            ("NOT", LogQueryError::MissingOperand { operator: "NOT".into(), at: 0 }),
            ("a OR OR b", LogQueryError::MissingOperand { operator: "OR".into(), at: 2 }),
            ("a * b", LogQueryError::MisplacedStar { at: 2 }),
            ("a*b", LogQueryError::MisplacedStar { at: 1 }),
            ("--", LogQueryError::NoWords { text: "--".into() }),
            (r#""""#, LogQueryError::NoWords { text: "".into() }),
        ];
        for (query, want) in cases {
            assert_eq!(&parse(query).unwrap_err(), want, "{query:?}");
        }
        assert_eq!(parse(&"a ".repeat(QUERY_MAX_TERMS + 1)), Err(LogQueryError::TooManyTerms(QUERY_MAX_TERMS)));
        assert_eq!(parse(&"(".repeat(QUERY_MAX_DEPTH + 1)), Err(LogQueryError::TooDeep(QUERY_MAX_DEPTH)));
        assert_eq!(parse(&"NOT ".repeat(40).to_string()), Err(LogQueryError::TooDeep(QUERY_MAX_DEPTH)));
        assert_eq!(parse(&"x".repeat(QUERY_MAX_CHARS + 1)), Err(LogQueryError::TooLong(QUERY_MAX_CHARS)));
        assert!(parse("foo:bar").unwrap_err().to_string().contains("unknown field `foo`"));
        assert!(LogField::Service.whole_value() && !LogField::Path.whole_value());
    }

    #[test]
    fn highlights_skip_what_is_negated() {
        let q = parse("error NOT (timeout OR NOT path:/x) status:50*").unwrap();
        assert_eq!(
            q.highlights(),
            vec![(None, "error", false), (Some(LogField::Path), "/x", false), (Some(LogField::Status), "50", true)]
        );
        assert_eq!(words("GET /hello-123?x=1").collect::<Vec<_>>(), ["GET", "hello", "123", "x", "1"]);
    }
}
