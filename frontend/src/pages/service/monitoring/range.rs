//! The time range the charts cover (R-OBS-2): a preset that follows the
//! clock, or a custom range the rules of `DescribeCurveData` accept
//! (`rules::curve_period`: at least 5 minutes, at most 180 days).
//!
//! Ranges are Unix seconds here; the request writes them in UTC+8, which is
//! how the API reads them whatever the browser's zone is.

use console_shared::rules::{CURVE_RANGE_MIN, CurveError, curve_period};
use console_shared::time::{cst_datetime, utc_datetime};

use crate::i18n::Msg;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The ranges offered, as the vendor consoles offer them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    LastHour,
    Today,
    Week,
    Month,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 5] = [Preset::LastHour, Preset::Today, Preset::Week, Preset::Month, Preset::Custom];

    pub fn label(self) -> Msg {
        match self {
            Preset::LastHour => Msg::MonLastHour,
            Preset::Today => Msg::MonToday,
            Preset::Week => Msg::MonWeek,
            Preset::Month => Msg::MonMonth,
            Preset::Custom => Msg::MonCustom,
        }
    }
}

/// A range, `start` to `end` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
}

impl Window {
    /// The granularity the API gives this range when none is asked.
    pub fn period(self) -> i64 {
        curve_period(self.start, self.end, None).unwrap_or(300)
    }

    /// `StartTime` and `EndTime` as the API reads them: `YYYY-MM-DD HH:MM:SS`, UTC+8.
    pub fn api_times(self) -> (String, String) {
        (cst_datetime(self.start), cst_datetime(self.end))
    }
}

/// The range a preset covers at `now`, with the browser `offset` seconds
/// east of UTC (where today began). `None` for a custom range. Just after
/// midnight "today" is still the shortest range the API takes.
pub fn preset_window(preset: Preset, now: i64, offset: i64) -> Option<Window> {
    let start = match preset {
        Preset::LastHour => now - HOUR,
        Preset::Today => now - (now + offset).rem_euclid(DAY),
        Preset::Week => now - 7 * DAY,
        Preset::Month => now - 30 * DAY,
        Preset::Custom => return None,
    };
    Some(Window { start, end: now.max(start + CURVE_RANGE_MIN) })
}

/// Why a custom range is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeProblem {
    /// A time is missing or not a time.
    Missing,
    /// The API's own rule refuses it.
    Rule(CurveError),
}

/// A custom range from the two inputs, read as Unix seconds; the same
/// rule localcloud enforces decides.
pub fn custom_window(start: Option<i64>, end: Option<i64>) -> Result<Window, RangeProblem> {
    let (Some(start), Some(end)) = (start, end) else { return Err(RangeProblem::Missing) };
    curve_period(start, end, None).map_err(RangeProblem::Rule)?;
    Ok(Window { start, end })
}

/// A time as a `datetime-local` input's value (`YYYY-MM-DDTHH:MM`) at
/// `offset` seconds east of UTC.
pub fn input_value(ts: i64, offset: i64) -> String {
    utc_datetime(ts + offset)[..16].replacen(' ', "T", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-16 00:00 in UTC+8 (CLOUD-API.md §10's example).
    const T: i64 = 1_773_590_400;
    const CST: i64 = 8 * HOUR;

    #[test]
    fn r_obs_2_presets_end_now() {
        let now = T + 10 * HOUR + 7 * 60;
        assert_eq!(preset_window(Preset::LastHour, now, CST), Some(Window { start: now - HOUR, end: now }));
        assert_eq!(preset_window(Preset::Week, now, 0), Some(Window { start: now - 7 * DAY, end: now }));
        assert_eq!(preset_window(Preset::Month, now, 0).map(|w| w.period()), Some(86_400));
        assert_eq!(preset_window(Preset::Custom, now, 0), None);
    }

    #[test]
    fn r_obs_2_today_starts_at_the_browsers_midnight() {
        let now = T + 10 * HOUR;
        assert_eq!(preset_window(Preset::Today, now, CST), Some(Window { start: T, end: now }));
        // In UTC it is 02:00 on the 16th: today began 8 hours after T.
        assert_eq!(preset_window(Preset::Today, now, 0).map(|w| w.start), Some(T + CST));
        // A minute after midnight the range is still the API's shortest.
        let just = preset_window(Preset::Today, T + 60, CST).unwrap();
        assert_eq!((just.start, just.end), (T, T + CURVE_RANGE_MIN));
        assert_eq!(curve_period(just.start, just.end, None), Ok(300));
    }

    #[test]
    fn r_obs_2_times_are_sent_in_utc_plus_8() {
        // T is midnight in China, 16:00 the day before in UTC.
        let w = Window { start: T, end: T + DAY - 300 };
        assert_eq!(w.api_times(), ("2026-03-16 00:00:00".to_string(), "2026-03-16 23:55:00".to_string()));
        assert_eq!(input_value(T, 0), "2026-03-15T16:00");
        assert_eq!(input_value(T, CST), "2026-03-16T00:00");
    }

    #[test]
    fn r_obs_2_a_custom_range_follows_the_api_rules() {
        assert_eq!(custom_window(Some(T), Some(T + HOUR)), Ok(Window { start: T, end: T + HOUR }));
        assert_eq!(custom_window(None, Some(T)), Err(RangeProblem::Missing));
        assert_eq!(custom_window(Some(T), None), Err(RangeProblem::Missing));
        // The end before the start is too short a range.
        assert_eq!(custom_window(Some(T), Some(T - HOUR)), Err(RangeProblem::Rule(CurveError::RangeTooShort)));
        assert_eq!(custom_window(Some(T), Some(T + 240)), Err(RangeProblem::Rule(CurveError::RangeTooShort)));
        assert_eq!(custom_window(Some(T), Some(T + 181 * DAY)), Err(RangeProblem::Rule(CurveError::RangeTooLong)));
        assert!(custom_window(Some(T), Some(T + 180 * DAY)).is_ok());
    }
}
