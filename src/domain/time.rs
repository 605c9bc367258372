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

#[cfg(test)]
mod tests {
    use super::*;

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
