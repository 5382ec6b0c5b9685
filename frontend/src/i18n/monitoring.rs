//! Texts with values for the Monitoring tab and its charts.

use console_shared::rules::CurveError;

use super::Lang;
use crate::components::{Summary, format_value};

/// What a chart shows, in words, for a screen reader: "Calls (requests):
/// 12 points from … to …; max 5, min 0, average 1.5."
pub fn chart_alt(
    title: &str,
    unit: &str,
    stats: Option<Summary>,
    points: usize,
    from: &str,
    to: &str,
    lang: Lang,
) -> String {
    let (max, min, avg) = match stats {
        Some(s) => (format_value(s.max), format_value(s.min), format_value(s.avg)),
        None => return no_points(title, unit, from, to, lang),
    };
    match lang {
        Lang::En => {
            format!("{title} ({unit}): {points} points from {from} to {to}; max {max}, min {min}, average {avg}.")
        }
        Lang::Zh => {
            format!("{title}（{unit}）：{from} 至 {to} 共 {points} 个数据点；最大 {max}，最小 {min}，平均 {avg}。")
        }
    }
}

fn no_points(title: &str, unit: &str, from: &str, to: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{title} ({unit}): no data from {from} to {to}."),
        Lang::Zh => format!("{title}（{unit}）：{from} 至 {to} 没有数据。"),
    }
}

/// Why a custom range is refused, by the API's own rule.
pub fn curve_error_text(e: &CurveError, lang: Lang) -> String {
    match (e, lang) {
        (CurveError::RangeTooShort, Lang::En) => "The start must be at least 5 minutes before the end.".into(),
        (CurveError::RangeTooShort, Lang::Zh) => "开始时间必须比结束时间早至少 5 分钟。".into(),
        (CurveError::RangeTooLong, Lang::En) => "A range can be at most 180 days long.".into(),
        (CurveError::RangeTooLong, Lang::Zh) => "时间范围最长为 180 天。".into(),
        (CurveError::NotAPeriod(p) | CurveError::PeriodForRange { period: p, .. }, Lang::En) => {
            format!("Points every {p} seconds are not available for this range.")
        }
        (CurveError::NotAPeriod(p) | CurveError::PeriodForRange { period: p, .. }, Lang::Zh) => {
            format!("该时间范围不支持每 {p} 秒一个数据点。")
        }
    }
}

/// A scaling threshold's label on a utilisation chart: "Scale out at 60%".
pub fn threshold_label(percent: u64, default: bool, lang: Lang) -> String {
    match (default, lang) {
        (false, Lang::En) => format!("Scale out at {percent}%"),
        (false, Lang::Zh) => format!("{percent}% 时扩容"),
        (true, Lang::En) => format!("Scale out at {percent}% (default)"),
        (true, Lang::Zh) => format!("{percent}% 时扩容（默认）"),
    }
}

/// How fine the charts are: "One point per 5 minutes."
pub fn granularity_text(period: i64, lang: Lang) -> String {
    match (period, lang) {
        (86_400, Lang::En) => "One point per day.".into(),
        (86_400, Lang::Zh) => "每天一个数据点。".into(),
        (3600, Lang::En) => "One point per hour.".into(),
        (3600, Lang::Zh) => "每小时一个数据点。".into(),
        (p, Lang::En) => format!("One point per {} minutes.", p / 60),
        (p, Lang::Zh) => format!("每 {} 分钟一个数据点。", p / 60),
    }
}

/// When the charts were last brought up to date: "Updated 14:30:05".
pub fn updated_at(time: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Updated {time}"),
        Lang::Zh => format!("更新于 {time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Msg;
    use super::super::tests::untranslated_words;
    use super::*;

    #[test]
    fn r_obs_2_monitoring_texts_are_translated() {
        let stats = Some(Summary { max: 5.0, min: 0.0, avg: 1.5 });
        let (from, to) = ("2026-03-16 00:00:00", "2026-03-16 01:00:00");
        let mut samples: Vec<(String, String)> = Vec::new();
        let mut both = |f: &dyn Fn(Lang) -> String| samples.push((f(Lang::En), f(Lang::Zh)));
        both(&|l| chart_alt(Msg::MonCalls.text(l), Msg::MonUnitRequests.text(l), stats, 12, from, to, l));
        both(&|l| chart_alt(Msg::MonCalls.text(l), Msg::MonUnitRequests.text(l), None, 0, from, to, l));
        for e in [
            CurveError::RangeTooShort,
            CurveError::RangeTooLong,
            CurveError::NotAPeriod(60),
            CurveError::PeriodForRange { period: 300, range: 10 },
        ] {
            both(&|l| curve_error_text(&e, l));
        }
        both(&|l| threshold_label(60, true, l));
        both(&|l| threshold_label(75, false, l));
        for period in [300, 3600, 86_400] {
            both(&|l| granularity_text(period, l));
        }
        both(&|l| updated_at("14:30:05", l));
        for (en, zh) in samples {
            assert_ne!(en, zh);
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
        assert_eq!(
            chart_alt("Calls", "requests", stats, 12, from, to, Lang::En),
            "Calls (requests): 12 points from 2026-03-16 00:00:00 to 2026-03-16 01:00:00; max 5, min 0, average 1.5."
        );
    }
}
