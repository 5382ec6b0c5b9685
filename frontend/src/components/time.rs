//! Times, one rule everywhere: the browser's local time, with its zone shown
//! as an offset from UTC ("UTC+8"), in column headers and notes. The cloud
//! API writes its times in China Standard Time and the BFF in Unix seconds;
//! both are converted here, so lists, the audit log and sessions agree.

use console_shared::time::{parse_cst, parse_utc, utc_datetime};
use wasm_bindgen::JsValue;

/// Minutes east of UTC of the browser's zone at `ts` (daylight saving included).
pub fn offset_at(ts: i64) -> i64 {
    let date = js_sys::Date::new(&JsValue::from_f64(ts as f64 * 1000.0));
    -(date.get_timezone_offset() as i64)
}

/// Unix seconds, by the browser's clock.
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// "UTC", "UTC+8", "UTC+5:30", "UTC-3".
pub fn zone_label(offset_minutes: i64) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let (h, m) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
    match (offset_minutes, m) {
        (0, _) => "UTC".into(),
        (_, 0) => format!("UTC{sign}{h}"),
        _ => format!("UTC{sign}{h}:{m:02}"),
    }
}

/// `ts` as `YYYY-MM-DD HH:MM:SS`, `offset_minutes` east of UTC.
pub fn format_at(ts: i64, offset_minutes: i64) -> String {
    utc_datetime(ts + offset_minutes * 60)
}

/// The zone times are shown in, as of now.
pub fn zone() -> String {
    zone_label(offset_at(now()))
}

/// A label with the zone: "Created (UTC+8)".
pub fn zoned(label: &str) -> String {
    format!("{label} ({})", zone())
}

/// Unix seconds in the browser's zone. A time on the other side of a
/// daylight-saving change than now names its own offset.
pub fn local_time(ts: i64) -> String {
    let offset = offset_at(ts);
    let text = format_at(ts, offset);
    if offset == offset_at(now()) { text } else { format!("{text} ({})", zone_label(offset)) }
}

/// A time from the cloud API (China Standard Time) in the browser's zone;
/// anything that is not such a time passes through as it is.
pub fn cloud_time(text: &str) -> String {
    parse_cst(text).map(local_time).unwrap_or_else(|| text.to_string())
}

/// A log line as the cloud writes it, `YYYY-MM-DD HH:MM:SS` (China Standard
/// Time) then the text, with its time in the browser's zone like every other
/// time on the page; any other line passes through as it is.
pub fn local_log_line(line: &str) -> String {
    match (line.get(..19), line.get(19..)) {
        (Some(at), Some(rest)) => match parse_cst(at) {
            Some(ts) => format!("{}{rest}", local_time(ts)),
            None => line.to_string(),
        },
        _ => line.to_string(),
    }
}

/// A `datetime-local` input's value, read in the browser's zone, to Unix seconds.
pub fn parse_local(value: &str) -> Option<i64> {
    let as_if_utc = parse_utc(value)?;
    // The offset that applies at that wall-clock time: first guess with the
    // offset at the same instant in UTC, then correct once (DST edges).
    let guess = as_if_utc - offset_at(as_if_utc) * 60;
    Some(as_if_utc - offset_at(guess) * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_named_by_their_offset() {
        assert_eq!(zone_label(0), "UTC");
        assert_eq!(zone_label(480), "UTC+8");
        assert_eq!(zone_label(330), "UTC+5:30");
        assert_eq!(zone_label(-180), "UTC-3");
        assert_eq!(zone_label(-570), "UTC-9:30");
    }

    #[test]
    fn a_time_is_written_at_its_offset() {
        // 2019-02-25 16:44:25 UTC is 2019-02-26 00:44:25 in China.
        assert_eq!(format_at(1_551_113_065, 0), "2019-02-25 16:44:25");
        assert_eq!(format_at(1_551_113_065, 480), "2019-02-26 00:44:25");
        assert_eq!(format_at(1_551_113_065, 330), "2019-02-25 22:14:25");
    }
}
