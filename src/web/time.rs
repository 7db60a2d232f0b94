//! Times as people in the district read them: Asia/Ho_Chi_Minh, shown with the zone. Vietnam
//! has kept UTC+07:00 without daylight saving since 1975, so a fixed offset is the whole zone
//! rule and no time-zone database is needed.

use time::macros::{format_description, offset};
use time::{OffsetDateTime, UtcOffset};

const VIETNAM: UtcOffset = offset!(+7);
pub const ZONE_LABEL: &str = "UTC+07:00";

fn local(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .map(|t| t.to_offset(VIETNAM))
}

/// `07/10/2022 08:00` in Vietnam's time.
pub fn date_time(ms: i64) -> String {
    local(ms)
        .and_then(|t| {
            t.format(format_description!("[day]/[month]/[year] [hour]:[minute]"))
                .ok()
        })
        .unwrap_or_default()
}

/// `10:42:07` in Vietnam's time.
pub fn clock_time(ms: i64) -> String {
    local(ms)
        .and_then(|t| {
            t.format(format_description!("[hour]:[minute]:[second]"))
                .ok()
        })
        .unwrap_or_default()
}

/// `10:55` in Vietnam's time.
pub fn hour_minute(ms: i64) -> String {
    local(ms)
        .and_then(|t| t.format(format_description!("[hour]:[minute]")).ok())
        .unwrap_or_default()
}

/// The value of an `<input type="datetime-local">` for an instant: `2026-12-07T08:00`.
pub fn input_value(ms: i64) -> String {
    local(ms)
        .and_then(|t| {
            t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
                .ok()
        })
        .unwrap_or_default()
}

/// The instant (UTC ms) a `datetime-local` field's value names in Vietnam's time. Browsers send
/// `2026-12-07T08:00`, or with seconds when a step asks for them; anything else is `None`.
pub fn parse_input(text: &str) -> Option<i64> {
    let text = text.trim();
    let parsed = time::PrimitiveDateTime::parse(
        text,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    )
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            text,
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        )
    })
    .ok()?;
    let nanos = parsed.assume_offset(VIETNAM).unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).ok()
}

/// A duration as `12:05` (minutes:seconds) or `1:02:05`.
pub fn duration(ms: i64) -> String {
    let total = ms.max(0) / 1000;
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn datetime_local_round_trip() {
        let ms = super::parse_input("2022-10-01T08:00").expect("a local time");
        assert_eq!(ms, 1_664_586_000_000);
        assert_eq!(super::input_value(ms), "2022-10-01T08:00");
        assert_eq!(super::parse_input("2022-10-01T08:00:30"), Some(ms + 30_000));
        assert_eq!(super::parse_input("01/10/2022 08:00"), None);
        assert_eq!(super::parse_input("2022-13-01T08:00"), None);
    }

    #[test]
    fn vietnam_time() {
        // 2022-10-01T01:00:00Z is 08:00 in Hanoi.
        assert_eq!(super::date_time(1_664_586_000_000), "01/10/2022 08:00");
        assert_eq!(super::clock_time(1_664_586_007_000), "08:00:07");
        assert_eq!(super::hour_minute(1_664_586_007_000), "08:00");
        assert_eq!(super::duration(725_000), "12:05");
        assert_eq!(super::duration(3_725_000), "1:02:05");
    }
}
