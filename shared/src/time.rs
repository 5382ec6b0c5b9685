//! Calendar arithmetic without a date crate, so `shared` stays small in wasm.

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The UTC date `YYYY-MM-DD` of a Unix timestamp: the TC3 credential date.
pub fn utc_date(timestamp: i64) -> String {
    let (y, m, d) = civil_from_days(timestamp.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, the shape of the cloud API's time strings.
pub fn utc_datetime(timestamp: i64) -> String {
    let secs = timestamp.rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02}", utc_date(timestamp), secs / 3600, secs % 3600 / 60, secs % 60)
}

/// China Standard Time (UTC+8), in which Tencent Cloud writes `CreateTime`
/// and friends (`"2022-04-11 14:00:28"`, CLOUD-API.md §1.0).
pub fn cst_datetime(timestamp: i64) -> String {
    utc_datetime(timestamp + 8 * 3600)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD[ T]HH:MM[:SS]` (or a bare date) read as UTC, to Unix seconds.
pub fn parse_utc(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (hh, mm) = if s.len() >= 16 { (num(11..13)?, num(14..16)?) } else { (0, 0) };
    let ss = if s.len() >= 19 { num(17..19)? } else { 0 };
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// A China Standard Time string from the cloud API, to Unix seconds.
pub fn parse_cst(s: &str) -> Option<i64> {
    parse_utc(s).map(|t| t - 8 * 3600)
}

/// Exactly `YYYY-MM-DD HH:MM:SS` in UTC+8 (what the monitoring and log
/// actions take), to Unix seconds: a time that reads back the same, so no
/// other shape and no date that rolls over (`2026-02-30`).
pub fn parse_cst_exact(s: &str) -> Option<i64> {
    parse_cst(s).filter(|t| cst_datetime(*t) == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_times_have_one_shape() {
        assert_eq!(parse_cst_exact("2026-03-16 00:00:00"), Some(1_773_590_400));
        for bad in ["2026-03-16", "2026-03-16T00:00:00", "2026-02-30 00:00:00", "2026-03-16 24:00:00", "１２", ""] {
            assert_eq!(parse_cst_exact(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn credential_date_is_the_utc_date() {
        // 2019-02-26 00:44 in UTC+8 is still the 25th in UTC (CLOUD-API.md §3.1).
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_datetime(1_551_113_065), "2019-02-25 16:44:25");
    }

    #[test]
    fn parsing_inverts_formatting() {
        for t in [0, 951_782_400, 1_551_113_065, 1_800_000_000] {
            assert_eq!(parse_utc(&utc_datetime(t)), Some(t));
            assert_eq!(parse_cst(&cst_datetime(t)), Some(t));
        }
        assert_eq!(parse_utc("2019-02-25T16:44"), Some(1_551_113_040));
        assert_eq!(parse_utc("2000-03-01"), Some(951_868_800));
        assert_eq!(parse_utc("garbage"), None);
        assert_eq!(parse_utc("2020-13-01"), None);
    }
}
