//! Timestamps: every source's times become seconds since the epoch, UTC.
//!
//! GH Archive's Timeline era writes Pacific offsets (`2013-02-15T00:00:39-08:00`); later eras
//! write `Z`. Both are RFC 3339, so one parser serves, and the offset is applied.

use chrono::{DateTime, NaiveDate, Utc};

pub const DAY: i64 = 86_400;

/// Parses an RFC 3339 timestamp (any offset) to Unix seconds in UTC.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp())
}

/// Parses `2024-01-31` or a full RFC 3339 timestamp.
pub fn parse_date_or_time(s: &str) -> Option<i64> {
    if let Some(t) = parse_rfc3339(s) {
        return Some(t);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp())
}

/// Days since the epoch (UTC) of a Unix time.
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(DAY)
}

/// `YYYY-MM-DD` for a Unix time.
pub fn date_string(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time.
pub fn iso_string(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `YYYY-MM` for a Unix time.
pub fn month_string(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m").to_string())
        .unwrap_or_default()
}

pub fn now() -> i64 {
    Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacific_offsets_become_utc() {
        assert_eq!(
            parse_rfc3339("2013-02-15T00:00:39-08:00"),
            parse_rfc3339("2013-02-15T08:00:39Z")
        );
        assert_eq!(
            iso_string(parse_rfc3339("2012-10-13T00:00:17-07:00").unwrap()),
            "2012-10-13T07:00:17Z"
        );
    }

    #[test]
    fn dates_and_bad_input() {
        assert_eq!(parse_date_or_time("1970-01-02"), Some(DAY));
        assert_eq!(parse_date_or_time("yesterday"), None);
        assert_eq!(day_of(-1), -1);
        assert_eq!(month_string(0), "1970-01");
    }
}
