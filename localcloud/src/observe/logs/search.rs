//! Searching stored lines (R-OBS-3): a parsed query becomes one FTS5 `MATCH`
//! with every value quoted (never the caller's own FTS syntax), walked by
//! the index in id order and joined to the lines for the environment and
//! time range. A query FTS5 cannot say alone (a `NOT` with nothing positive
//! beside it) filters the environment's lines by id sets instead.
//!
//! Lines are ordered by id, the order they arrived in: it follows their
//! time to within the collectors' skew, and a cursor on it never skips a
//! line that is stored after the cursor was handed out.

use console_shared::logquery::{LogField, LogQuery};

/// One stored line, as a search returns it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub at_ms: i64,
    pub service: String,
    pub version: String,
    pub instance: String,
    pub stream: String,
    pub level: String,
    pub text: String,
}

/// What to look for.
pub struct Search<'a> {
    pub env: &'a str,
    /// Unix milliseconds, both inclusive.
    pub from_ms: i64,
    pub to_ms: i64,
    pub query: &'a LogQuery,
    /// Newest first.
    pub desc: bool,
    /// Only lines past this id, in the search's direction.
    pub after: Option<i64>,
    pub limit: u32,
}

/// The matching lines, at most `limit`, in the search's order.
pub async fn search(db: &sqlx::SqlitePool, s: &Search<'_>) -> Result<Vec<Row>, sqlx::Error> {
    let (cmp, order, edge) = if s.desc { ("<", "DESC", i64::MAX) } else { (">", "ASC", i64::MIN) };
    const COLUMNS: &str = "l.id, l.at_ms, l.service, l.version, l.instance, l.stream, l.level, l.text";
    let mut binds = Binds(Vec::new());
    let Plan { matches, filter } = plan(s.env, s.query, &mut binds);
    let sql = match matches {
        // CROSS JOIN keeps the index outermost: it yields ids in order, so
        // the walk stops after `limit` lines of this environment and range.
        Some(matches) => format!(
            "SELECT {COLUMNS} FROM log_fts f CROSS JOIN log_lines l ON l.id = f.rowid
             WHERE f.log_fts MATCH {matches} AND f.rowid {cmp} ?4 AND l.env = ?1 AND l.at_ms BETWEEN ?2 AND ?3
                   AND ({filter})
             ORDER BY f.rowid {order} LIMIT ?5"
        ),
        None => format!(
            "SELECT {COLUMNS} FROM log_lines l INDEXED BY log_lines_env
             WHERE l.env = ?1 AND l.at_ms BETWEEN ?2 AND ?3 AND l.id {cmp} ?4 AND ({filter})
             ORDER BY l.id {order} LIMIT ?5"
        ),
    };
    let mut q = sqlx::query_as::<_, Row>(&sql)
        .bind(s.env)
        .bind(s.from_ms)
        .bind(s.to_ms)
        .bind(s.after.unwrap_or(edge))
        .bind(i64::from(s.limit));
    for b in binds.0 {
        q = q.bind(b);
    }
    q.fetch_all(db).await
}

/// The values a query binds after the five every search has.
struct Binds(Vec<String>);

impl Binds {
    /// Binds `value`; its placeholder.
    fn push(&mut self, value: String) -> String {
        self.0.push(value);
        format!("?{}", self.0.len() + 5)
    }
}

/// How a search finds its lines: walking the FTS5 matches of `matches`
/// (a placeholder), or the environment's lines; `filter` decides on each.
struct Plan {
    matches: Option<String>,
    filter: String,
}

/// A value that must be a field's whole value (`LogField::whole_value`):
/// `service:shop` is not `shop-api`. A prefix (`status:5*`) matches words.
fn whole(query: &LogQuery) -> Option<(LogField, &str)> {
    match query {
        LogQuery::Match { field: Some(f), text, prefix: false } if f.whole_value() => Some((*f, text)),
        _ => None,
    }
}

/// The parts every matching line has: the operands of the top `AND`s.
fn conjuncts<'a>(query: &'a LogQuery, out: &mut Vec<&'a LogQuery>) {
    match query {
        LogQuery::And(items) => items.iter().for_each(|q| conjuncts(q, out)),
        q => out.push(q),
    }
}

/// A whole value required of every line is also a phrase the index narrows
/// the walk with; the rest goes to the index when FTS5 can say it, to the
/// filter when not.
fn plan(env: &str, query: &LogQuery, binds: &mut Binds) -> Plan {
    let mut parts = Vec::new();
    conjuncts(query, &mut parts);
    let (mut narrowing, mut conditions) = (Vec::new(), Vec::new());
    let mut rest = Vec::new();
    for q in parts {
        match whole(q) {
            Some((field, text)) => {
                narrowing.push(phrase(field.name(), text, false));
                conditions.push(equal(field, text, binds));
            }
            None if matches!(q, LogQuery::All) => {}
            None => rest.push(q.clone()),
        }
    }
    let rest = match rest.len() {
        0 => None,
        1 => rest.pop(),
        _ => Some(LogQuery::And(rest)),
    };
    match rest.as_ref().map(|q| fts(q).ok_or(q)) {
        None => {}
        Some(Ok(expr)) => narrowing.push(expr),
        Some(Err(q)) => conditions.push(filter(env, q, binds)),
    }
    let matches = (!narrowing.is_empty()).then(|| binds.push(in_env(env, &narrowing.join(" AND "))));
    let filter = if conditions.is_empty() { "1".into() } else { conditions.join(" AND ") };
    Plan { matches, filter }
}

/// `expr` within `env`'s lines: the index then intersects the two, and a
/// search never walks another environment's matches (`l.env` still decides).
fn in_env(env: &str, expr: &str) -> String {
    format!("{} AND {expr}", phrase("env", env, false))
}

/// A quoted FTS5 phrase in `column`: whatever the value holds stays inside it.
/// FTS5 reads its query as a C string, so a NUL would end it inside the
/// phrase (a syntax error, not a search); it separates words, as a space does.
fn phrase(column: &str, text: &str, prefix: bool) -> String {
    let text = text.replace('"', "\"\"").replace('\0', " ");
    format!("{column} : \"{text}\"{}", if prefix { " *" } else { "" })
}

/// `field` is `text`, whole and case-insensitively; a line without the field is not.
fn equal(field: LogField, text: &str, binds: &mut Binds) -> String {
    format!("IFNULL(l.{}, '') = {} COLLATE NOCASE", field.name(), binds.push(text.to_string()))
}

/// `query` as one FTS5 expression, when FTS5 can say it: its `NOT` is
/// binary, so a negation needs a positive operand beside it, and a whole
/// value is the filter's.
fn fts(query: &LogQuery) -> Option<String> {
    if whole(query).is_some() {
        return None;
    }
    match query {
        LogQuery::All | LogQuery::Not(_) => None,
        LogQuery::Match { field, text, prefix } => Some(phrase(field.map_or("text", LogField::name), text, *prefix)),
        LogQuery::Or(items) => {
            let parts: Option<Vec<String>> = items.iter().map(fts).collect();
            Some(format!("({})", parts?.join(" OR ")))
        }
        LogQuery::And(items) => {
            let (negated, positive): (Vec<&LogQuery>, Vec<&LogQuery>) =
                items.iter().partition(|q| matches!(q, LogQuery::Not(_)));
            if positive.is_empty() {
                return None;
            }
            let parts: Option<Vec<String>> = positive.into_iter().map(fts).collect();
            let mut expr = format!("({})", parts?.join(" AND "));
            for n in negated {
                let LogQuery::Not(inner) = n else { continue };
                expr = format!("({expr} NOT {})", fts(inner)?);
            }
            Some(expr)
        }
    }
}

/// `query` as an SQL condition on `l`: each part FTS5 can say is an id set.
fn filter(env: &str, query: &LogQuery, binds: &mut Binds) -> String {
    if let Some(expr) = fts(query) {
        return format!("l.id IN (SELECT rowid FROM log_fts WHERE log_fts MATCH {})", binds.push(in_env(env, &expr)));
    }
    match query {
        LogQuery::All => "1".into(),
        LogQuery::Not(inner) => format!("NOT ({})", filter(env, inner, binds)),
        LogQuery::And(items) => join(env, items, " AND ", binds),
        LogQuery::Or(items) => join(env, items, " OR ", binds),
        LogQuery::Match { field, text, .. } => match field {
            Some(f) => equal(*f, text, binds),
            // A value of the line is always said by FTS5 above.
            None => "0".into(),
        },
    }
}

fn join(env: &str, items: &[LogQuery], op: &str, binds: &mut Binds) -> String {
    let parts: Vec<String> = items.iter().map(|q| format!("({})", filter(env, q, binds))).collect();
    parts.join(op)
}

#[cfg(test)]
mod tests {
    use console_shared::logquery::parse;
    use console_shared::vocab::VersionRef;

    use super::*;
    use crate::observe::logs::LogLine;
    use crate::observe::logs::writer::insert;

    fn expr(q: &str) -> Option<String> {
        fts(&parse(q).unwrap())
    }

    #[test]
    fn r_obs_3_values_are_quoted_phrases() {
        assert_eq!(expr("error").as_deref(), Some(r#"text : "error""#));
        assert_eq!(expr(r#"path:"/a" OR "x y""#).as_deref(), Some(r#"(path : "/a" OR text : "x y")"#));
        assert_eq!(expr("service:shop OR x"), None, "a whole value is the filter's");
        assert_eq!(expr("status:5*").as_deref(), Some(r#"status : "5" *"#));
        assert_eq!(expr(r#"NEAR(a b)"#).as_deref(), Some(r#"(text : "NEAR" AND (text : "a" AND text : "b"))"#));
        assert_eq!(expr(r#"a NOT b NOT c"#).as_deref(), Some(r#"(((text : "a") NOT text : "b") NOT text : "c")"#));
        assert_eq!(expr("st*").as_deref(), Some(r#"text : "st" *"#));
        assert_eq!(
            expr(r#""say \"hi\"""#).as_deref(),
            Some(r#"text : "say ""hi""""#),
            "a quote stays inside its phrase"
        );
        assert_eq!(expr("a\u{0}b").as_deref(), Some(r#"text : "a b""#), "a NUL cannot end the query");
        assert_eq!(expr("NOT a"), None);
        assert_eq!(expr("a OR NOT b"), None);
    }

    async fn db() -> (tempfile::TempDir, sqlx::SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::observe::open(dir.path()).await.unwrap();
        (dir, db)
    }

    fn line(at_ms: i64, env: &str, text: &str) -> LogLine {
        LogLine {
            at_ms,
            version: VersionRef::from_cloud(env, "shop", "shop-001"),
            instance: "shop-001-abc".into(),
            stream: "stdout".into(),
            text: text.into(),
        }
    }

    async fn ids(db: &sqlx::SqlitePool, env: &str, q: &str, desc: bool) -> Vec<i64> {
        let query = parse(q).unwrap();
        let s = Search { env, from_ms: 0, to_ms: i64::MAX, query: &query, desc, after: None, limit: 100 };
        search(db, &s).await.unwrap().into_iter().map(|r| r.id).collect()
    }

    #[tokio::test]
    async fn r_obs_3_every_form_of_query_runs_against_the_index() {
        let (_dir, db) = db().await;
        let lines = [
            line(1, "e1", r#"{"level":"info","type":"access","method":"GET","path":"/hello-1","status":200}"#),
            line(2, "e1", r#"{"level":"error","type":"access","method":"POST","path":"/hello-2","status":500}"#),
            line(3, "e1", "plain words: connection refused"),
            line(4, "e2", "connection refused elsewhere"),
            line(5, "e1", r#"a "quoted" word and ünïcode"#),
            LogLine { version: VersionRef::from_cloud("e1", "shop-api", "shop-api-001"), ..line(6, "e1", "api words") },
        ];
        insert(&db, &lines).await.unwrap();
        assert_eq!(ids(&db, "e1", "", true).await, [6, 5, 3, 2, 1]);
        assert_eq!(ids(&db, "e1", "", false).await, [1, 2, 3, 5, 6]);
        assert_eq!(ids(&db, "e1", "service:shop", true).await, [5, 3, 2, 1], "a whole value, not a word of it");
        assert_eq!(ids(&db, "e1", "service:SHOP-API", true).await, [6]);
        assert_eq!(ids(&db, "e1", "service:shop words", true).await, [3]);
        assert_eq!(ids(&db, "e1", "NOT service:shop", true).await, [6]);
        assert_eq!(ids(&db, "e1", "service:shop* AND words", true).await, [6, 3], "a prefix matches words");
        assert_eq!(ids(&db, "e1", "connection", true).await, [3], "another environment's lines stay out");
        assert_eq!(
            ids(&db, "e1", r#""refused connection""#, true).await,
            Vec::<i64>::new(),
            "a phrase keeps its order"
        );
        assert_eq!(ids(&db, "e1", r#"path:"/hello-2""#, true).await, [2]);
        assert_eq!(
            ids(&db, "e1", "status:500 OR level:info", true).await,
            [6, 5, 3, 2, 1],
            "plain lines on stdout are info"
        );
        assert_eq!(ids(&db, "e1", "method:get", true).await, [1]);
        assert_eq!(ids(&db, "e1", "type:access NOT status:200", true).await, [2]);
        assert_eq!(ids(&db, "e1", "NOT type:access", true).await, [6, 5, 3]);
        assert_eq!(ids(&db, "e1", "hello OR NOT access", true).await, [6, 5, 3, 2, 1]);
        assert_eq!(ids(&db, "e1", "NOT hello NOT words", false).await, [5]);
        assert_eq!(ids(&db, "e1", "hel*", true).await, [2, 1]);
        assert_eq!(ids(&db, "e1", r#"quoted AND unicode"#, true).await, [5], "accents fold");
        assert_eq!(ids(&db, "e1", r#"NEAR OR "AND""#, true).await, [5]);
        assert_eq!(ids(&db, "e1", "connection\u{0}refused", true).await, [3], "a NUL separates words");
        assert_eq!(ids(&db, "e1", "NOT \"connection\u{0}refused\"", true).await, [6, 5, 2, 1]);
        // Retention deletes them from the index too.
        assert_eq!(crate::observe::logs::writer::prune(&db, std::time::Duration::ZERO).await.unwrap(), 6);
        assert_eq!(ids(&db, "e2", "connection", true).await, Vec::<i64>::new());
        sqlx::query("INSERT INTO log_fts (log_fts) VALUES ('integrity-check')").execute(&db).await.unwrap();
    }
}
