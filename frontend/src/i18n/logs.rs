//! Texts with values for the Logs tab and the observed traffic.

use console_shared::logquery::LogQueryError;

use super::Lang;

/// The bar over a live tail the user scrolled away from.
pub fn logs_paused(new_lines: usize, lang: Lang) -> String {
    match (lang, new_lines) {
        (Lang::En, 1) => "Paused — 1 new line".into(),
        (Lang::En, n) => format!("Paused — {n} new lines"),
        (Lang::Zh, n) => format!("已暂停 — {n} 条新日志"),
    }
}

/// Said (politely) to screen readers now and then while lines arrive.
pub fn logs_arrived(new_lines: usize, lang: Lang) -> String {
    match (lang, new_lines) {
        (Lang::En, 1) => "1 new log line".into(),
        (Lang::En, n) => format!("{n} new log lines"),
        (Lang::Zh, n) => format!("{n} 条新日志"),
    }
}

/// After a search: how many lines the list shows, and whether there are more.
pub fn logs_found(lines: usize, more: bool, lang: Lang) -> String {
    match (lang, lines, more) {
        (Lang::En, 1, false) => "1 line".into(),
        (Lang::En, n, false) => format!("{n} lines"),
        (Lang::En, n, true) => format!("{n} lines shown, older ones can be loaded"),
        (Lang::Zh, n, false) => format!("共 {n} 条日志"),
        (Lang::Zh, n, true) => format!("已显示 {n} 条日志，可以加载更早的日志"),
    }
}

/// A duration in milliseconds.
pub fn millis_text(ms: f64, lang: Lang) -> String {
    let shown = if ms < 10.0 { format!("{ms:.1}") } else { format!("{ms:.0}") };
    let shown = shown.strip_suffix(".0").unwrap_or(&shown).to_string();
    match lang {
        Lang::En => format!("{shown} ms"),
        Lang::Zh => format!("{shown} 毫秒"),
    }
}

/// A share or a rate, in percent with one decimal at most: "12.5%", "0%".
pub fn percent_text(fraction: f64) -> String {
    let p = format!("{:.1}", fraction * 100.0);
    format!("{}%", p.strip_suffix(".0").unwrap_or(&p))
}

/// Why a query cannot be searched, said before it is sent: the same
/// checks localcloud makes, whose English message is the error's own.
pub fn query_error_text(e: &LogQueryError, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{}.", uppercase_first(&e.to_string()));
    }
    // Character offsets count from 1 for a reader.
    match e {
        LogQueryError::TooLong(n) => format!("查询语句最多 {n} 个字符。"),
        LogQueryError::TooManyTerms(n) => format!("查询语句最多包含 {n} 个搜索值。"),
        LogQueryError::TooDeep(n) => format!("括号与取反的嵌套不能超过 {n} 层。"),
        LogQueryError::UnclosedQuote { at } => format!("第 {} 个字符处的引号没有闭合。", at + 1),
        LogQueryError::UnclosedParen { at } => format!("第 {} 个字符处的括号没有闭合。", at + 1),
        LogQueryError::UnexpectedParen { at } => format!("第 {} 个字符处的“)”没有对应的“(”。", at + 1),
        LogQueryError::EmptyGroup { at } => format!("第 {} 个字符处的括号内没有内容。", at + 1),
        LogQueryError::MissingOperand { operator, at } => {
            format!("第 {} 个字符处的 {operator} 两侧都需要搜索内容。", at + 1)
        }
        LogQueryError::UnknownField { field } => {
            format!("未知字段“{field}”：可用的字段列在查询框下方。")
        }
        LogQueryError::MissingValue { field } => format!("“{field}:”的冒号后面需要一个值。"),
        LogQueryError::MisplacedStar { at } => {
            format!("第 {} 个字符处的“*”：单独的“*”匹配所有日志，在查询中只能放在词尾。", at + 1)
        }
        LogQueryError::NoWords { text } => format!("“{text}”中没有可搜索的字母或数字。"),
    }
}

fn uppercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::tests::untranslated_words;
    use super::*;

    #[test]
    fn r_obs_3_log_texts_read_in_both_languages() {
        assert_eq!(logs_paused(1, Lang::En), "Paused — 1 new line");
        assert_eq!(logs_paused(12, Lang::En), "Paused — 12 new lines");
        assert_eq!(logs_paused(12, Lang::Zh), "已暂停 — 12 条新日志");
        assert_eq!(millis_text(3.0, Lang::En), "3 ms");
        assert_eq!(millis_text(2.25, Lang::Zh), "2.2 毫秒");
        assert_eq!(millis_text(123.4, Lang::En), "123 ms");
        assert_eq!(percent_text(0.0), "0%");
        let errors = [
            LogQueryError::TooLong(1024),
            LogQueryError::TooManyTerms(32),
            LogQueryError::TooDeep(16),
            LogQueryError::UnclosedQuote { at: 2 },
            LogQueryError::UnclosedParen { at: 0 },
            LogQueryError::UnexpectedParen { at: 1 },
            LogQueryError::EmptyGroup { at: 2 },
            LogQueryError::MissingOperand { operator: "AND".into(), at: 2 },
            LogQueryError::UnknownField { field: "foo".into() },
            LogQueryError::MissingValue { field: "path".into() },
            LogQueryError::MisplacedStar { at: 2 },
            LogQueryError::NoWords { text: "--".into() },
        ];
        let mut samples: Vec<(String, String)> =
            errors.iter().map(|e| (query_error_text(e, Lang::En), query_error_text(e, Lang::Zh))).collect();
        for (n, more) in [(1, false), (7, false), (50, true)] {
            samples.push((logs_found(n, more, Lang::En), logs_found(n, more, Lang::Zh)));
            samples.push((logs_arrived(n, Lang::En), logs_arrived(n, Lang::Zh)));
        }
        for (en, zh) in samples {
            assert_ne!(en, zh);
            // The user's own words (a field, an operator) are quoted back as typed.
            let zh = zh.replace("AND", "").replace("foo", "");
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
        // English is the server's own sentence, as a sentence.
        assert_eq!(
            query_error_text(&LogQueryError::MissingValue { field: "path".into() }, Lang::En),
            "`path:` needs a value after the colon."
        );
        assert_eq!(
            query_error_text(&LogQueryError::TooDeep(16), Lang::En),
            "The query nests parentheses and NOT more than 16 deep."
        );
    }
}
