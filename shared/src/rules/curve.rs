//! The time rules of tcb `DescribeCurveData` (CLOUD-API.md §10, R-OBS-2),
//! once: localcloud refuses a request that breaks them with
//! `InvalidParameter`, and the SPA picks the granularity a range gets.
//!
//! ```text
//! EndTime − StartTime          ≥ 5 minutes, ≤ 180 days
//! Period omitted               ≤ 1 day → 300; ≤ 15 days → 3600; else 86400
//! Period given                 one of 300, 3600, 86400, and for the range:
//!                              ≤ 1 day: 300 | 3600; ≤ 3 days: any; > 3 days: 3600 | 86400
//! ```

use serde::{Deserialize, Serialize};

/// The granularities a curve has, in seconds: 5 minutes, an hour, a day.
pub const CURVE_PERIODS: [i64; 3] = [300, 3600, 86_400];

const MINUTE: i64 = 60;
const DAY: i64 = 86_400;
/// The shortest range asked for.
pub const CURVE_RANGE_MIN: i64 = 5 * MINUTE;
/// The longest range asked for.
pub const CURVE_RANGE_MAX: i64 = 180 * DAY;

/// Why a curve's times or period are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CurveError {
    #[error("StartTime must be at least 5 minutes before EndTime")]
    RangeTooShort,
    #[error("the range from StartTime to EndTime must be at most 180 days")]
    RangeTooLong,
    #[error("Period must be 300, 3600 or 86400 (seconds), not {0}")]
    NotAPeriod(i64),
    /// A period the range does not allow: 86400 for up to a day, 300 for
    /// more than three days.
    #[error("Period {period} is not allowed for a range of {range} seconds: {}", allowed(*range))]
    PeriodForRange { period: i64, range: i64 },
}

fn allowed(range: i64) -> &'static str {
    if range <= DAY {
        "up to a day takes 300 or 3600"
    } else if range <= 3 * DAY {
        "up to three days takes 300, 3600 or 86400"
    } else {
        "more than three days takes 3600 or 86400"
    }
}

/// The period of a curve from `start` to `end` (Unix seconds): `asked`
/// when the range allows it, or the range's default when none is asked.
pub fn curve_period(start: i64, end: i64, asked: Option<i64>) -> Result<i64, CurveError> {
    let range = end.saturating_sub(start);
    if range < CURVE_RANGE_MIN {
        return Err(CurveError::RangeTooShort);
    }
    if range > CURVE_RANGE_MAX {
        return Err(CurveError::RangeTooLong);
    }
    let Some(period) = asked else {
        return Ok(if range <= DAY {
            300
        } else if range <= 15 * DAY {
            3600
        } else {
            86_400
        });
    };
    if !CURVE_PERIODS.contains(&period) {
        return Err(CurveError::NotAPeriod(period));
    }
    let fits = match period {
        300 => range <= 3 * DAY,
        3600 => true,
        _ => range > DAY,
    };
    if fits { Ok(period) } else { Err(CurveError::PeriodForRange { period, range }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_773_590_400;

    #[test]
    fn r_obs_2_an_omitted_period_follows_the_range() {
        assert_eq!(curve_period(T, T + 5 * MINUTE, None), Ok(300));
        assert_eq!(curve_period(T, T + DAY, None), Ok(300));
        assert_eq!(curve_period(T, T + DAY + 1, None), Ok(3600));
        assert_eq!(curve_period(T, T + 15 * DAY, None), Ok(3600));
        assert_eq!(curve_period(T, T + 15 * DAY + 1, None), Ok(86_400));
        assert_eq!(curve_period(T, T + 180 * DAY, None), Ok(86_400));
    }

    #[test]
    fn r_obs_2_a_given_period_must_suit_the_range() {
        assert_eq!(curve_period(T, T + DAY, Some(3600)), Ok(3600));
        assert_eq!(
            curve_period(T, T + DAY, Some(86_400)),
            Err(CurveError::PeriodForRange { period: 86_400, range: DAY })
        );
        assert_eq!(curve_period(T, T + 3 * DAY, Some(300)), Ok(300));
        assert_eq!(curve_period(T, T + 3 * DAY, Some(86_400)), Ok(86_400));
        assert_eq!(
            curve_period(T, T + 3 * DAY + 1, Some(300)),
            Err(CurveError::PeriodForRange { period: 300, range: 3 * DAY + 1 })
        );
        assert_eq!(curve_period(T, T + 30 * DAY, Some(3600)), Ok(3600));
        assert_eq!(curve_period(T, T + DAY, Some(60)), Err(CurveError::NotAPeriod(60)));
    }

    #[test]
    fn r_obs_2_ranges_are_five_minutes_to_180_days() {
        assert_eq!(curve_period(T, T + 5 * MINUTE - 1, None), Err(CurveError::RangeTooShort));
        assert_eq!(curve_period(T, T - DAY, None), Err(CurveError::RangeTooShort));
        assert_eq!(curve_period(T, T + 180 * DAY + 1, None), Err(CurveError::RangeTooLong));
        assert_eq!(curve_period(i64::MIN, i64::MAX, None), Err(CurveError::RangeTooLong));
        assert!(CurveError::PeriodForRange { period: 300, range: 4 * DAY }.to_string().contains("3600 or 86400"));
    }
}
