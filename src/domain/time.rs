//! Time zones and instants as the API shows them (API.md §0, time).

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The time zone of a new account unless told otherwise.
pub const DEFAULT_TIMEZONE: &str = "Europe/Minsk";

/// Checks an IANA time zone name.
pub fn parse_timezone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name)
        .map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as Europe/Minsk)"))
}

/// Now, as Unix seconds (how instants are stored).
pub fn now_unix() -> i64 {
    Timestamp::now().as_second()
}

/// Now, as Unix milliseconds (webhook deliveries retry a second apart).
pub fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}

/// An instant as RFC 3339 with the account's offset, to the second (`2023-05-25T11:46:00+03:00`).
pub fn format_rfc3339(unix: i64, tz: &TimeZone) -> String {
    match Timestamp::from_second(unix) {
        Ok(ts) => ts
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        Err(_) => unix.to_string(),
    }
}

/// Parses an input instant (API.md §0, time): `2018-11-05T05:00+02:00` (or `Z`) as given;
/// `2018-06-13 14:28`, `2018-11-05T05:00[:ss]` and `2018-11-05` (midnight) as wall-clock time
/// in `naive_zone` (UTC for invoice dates, as the vendor documents them). Unix seconds.
pub fn parse_instant(text: &str, naive_zone: &TimeZone) -> Result<i64, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "{text:?} is not a date (use 2018-11-05, 2018-11-05 14:28 or 2018-11-05T14:28+03:00)"
        )
    };
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.as_second());
    }
    let civil = match text.parse::<jiff::civil::DateTime>() {
        Ok(dt) if text.len() > 10 => dt,
        _ => text
            .parse::<jiff::civil::Date>()
            .map_err(|_| bad())?
            .to_datetime(jiff::civil::Time::midnight()),
    };
    let zoned = civil.to_zoned(naive_zone.clone()).map_err(|_| bad())?;
    Ok(zoned.timestamp().as_second())
}

fn date(text: &str) -> Result<jiff::civil::Date, String> {
    text.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

/// A calendar day as `YYYY-MM-DD`, checked.
pub fn parse_day(text: &str) -> Result<String, String> {
    date(text).map(|d| d.to_string())
}

/// The calendar day (`YYYY-MM-DD`) of an instant in `zone`.
pub fn day_of(unix: i64, zone: &TimeZone) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_zoned(zone.clone()).date().to_string())
        .unwrap_or_default()
}

/// The local time of day (`HH:MM:SS`) of an instant in `zone`.
pub fn time_of(unix: i64, zone: &TimeZone) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| {
            t.to_zoned(zone.clone())
                .time()
                .strftime("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The first second of calendar day `date` (`YYYY-MM-DD`) in `zone`.
pub fn day_start(date_text: &str, zone: &TimeZone) -> Result<i64, String> {
    let day = date(date_text)?;
    let zoned = day.to_zoned(zone.clone()).map_err(|e| e.to_string())?;
    Ok(zoned.timestamp().as_second())
}

/// The first second after calendar day `date` in `zone`.
pub fn day_end(date_text: &str, zone: &TimeZone) -> Result<i64, String> {
    let day = date(date_text)?;
    let next = day.tomorrow().map_err(|e| e.to_string())?;
    let zoned = next.to_zoned(zone.clone()).map_err(|e| e.to_string())?;
    Ok(zoned.timestamp().as_second())
}

/// Noon, in `zone`, of the calendar day `days` days before the local day of `now` (the
/// demo cafe's past days: "yesterday" is the local yesterday whatever the hour in UTC).
pub fn noon_days_before(now: i64, days: i64, zone: &TimeZone) -> i64 {
    jiff::Timestamp::from_second(now)
        .ok()
        .and_then(|t| {
            t.to_zoned(zone.clone())
                .date()
                .checked_sub(jiff::Span::new().days(days))
                .ok()
        })
        .and_then(|day| day.at(12, 0, 0, 0).to_zoned(zone.clone()).ok())
        .map_or(now - days * 86_400, |noon| noon.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noon_days_before_counts_local_days_not_utc_ones() {
        let minsk = parse_timezone("Europe/Minsk").expect("zone");
        // 21:07 UTC on the 23rd is already 00:07 on the 24th in Minsk
        let now = parse_instant("2026-11-23T21:07:00Z", &minsk).expect("now");
        let yesterday = noon_days_before(now, 1, &minsk);
        assert_eq!(day_of(yesterday, &minsk), "2026-11-23");
        assert_eq!(time_of(yesterday, &minsk), "12:00:00");
        assert_eq!(
            day_of(noon_days_before(now, 30, &minsk), &minsk),
            "2026-10-25"
        );
    }

    #[test]
    fn input_instants_in_every_documented_form() {
        let utc = TimeZone::UTC;
        let minsk = parse_timezone("Europe/Minsk").expect("zone");
        let at = |s: &str, z: &TimeZone| parse_instant(s, z).map(|u| format_rfc3339(u, &minsk));
        assert_eq!(
            at("2018-06-13 14:28", &utc),
            Ok("2018-06-13T17:28:00+03:00".into())
        );
        assert_eq!(
            at("2018-11-05", &minsk),
            Ok("2018-11-05T00:00:00+03:00".into())
        );
        assert_eq!(
            at("2018-11-05T05:00", &minsk),
            Ok("2018-11-05T05:00:00+03:00".into())
        );
        assert_eq!(
            at("2018-11-05T05:00+02:00", &utc),
            Ok("2018-11-05T06:00:00+03:00".into())
        );
        assert_eq!(
            at("2018-11-05T05:00:30Z", &utc),
            Ok("2018-11-05T08:00:30+03:00".into())
        );
        assert!(at("yesterday", &utc).is_err());
        assert!(at("2018-13-45", &utc).is_err());
    }

    #[test]
    fn calendar_days_are_in_the_account_zone() {
        let minsk = parse_timezone("Europe/Minsk").expect("zone");
        let start = day_start("2023-05-25", &minsk).expect("day");
        assert_eq!(format_rfc3339(start, &minsk), "2023-05-25T00:00:00+03:00");
        assert_eq!(day_end("2023-05-25", &minsk).map(|e| e - start), Ok(86_400));
    }

    #[test]
    fn instants_show_the_account_offset() {
        let minsk = parse_timezone("Europe/Minsk").expect("bundled zone");
        assert_eq!(
            format_rfc3339(1_685_004_360, &minsk),
            "2023-05-25T11:46:00+03:00"
        );
    }

    #[test]
    fn unknown_zone_is_refused() {
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
