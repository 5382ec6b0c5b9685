//! No query makes the log-query parser panic (R-OBS-3): it runs on whatever
//! the SPA's search box, the BFF or an SDK sends, and what it accepts is
//! bounded in size and depth.

use console_shared::logquery::{self, LogQuery, QUERY_MAX_DEPTH, QUERY_MAX_TERMS};
use proptest::prelude::*;

fn size(q: &LogQuery, depth: usize) -> (usize, usize) {
    match q {
        LogQuery::All => (0, depth),
        LogQuery::Match { .. } => (1, depth),
        LogQuery::Not(inner) => size(inner, depth + 1),
        LogQuery::And(qs) | LogQuery::Or(qs) => {
            qs.iter().map(|q| size(q, depth + 1)).fold((0, depth), |(n, d), (m, e)| (n + m, d.max(e)))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn any_text_parses_or_is_refused(s in "\\PC{0,200}|[a-z():\" *\\\\]{0,80}|((AND|OR|NOT|and|\\(|\\)|\"|:|path:|status:|x|\\*| ){0,40})") {
        if let Ok(q) = logquery::parse(&s) {
            let (terms, depth) = size(&q, 0);
            prop_assert!(terms <= QUERY_MAX_TERMS, "{s:?}");
            // Every operator level adds one; parentheses and NOT are bounded.
            prop_assert!(depth <= 3 * QUERY_MAX_DEPTH + 2, "{s:?}");
            let _ = q.highlights();
        }
    }

    /// Plain words side by side always parse, as an AND of them.
    #[test]
    fn plain_words_parse(ws in proptest::collection::vec("[a-z0-9]{1,8}", 1..8)) {
        let text = ws.iter().map(|w| format!("w{w}")).collect::<Vec<_>>().join(" ");
        let q = logquery::parse(&text);
        prop_assert!(q.is_ok(), "{text:?}: {q:?}");
    }
}
