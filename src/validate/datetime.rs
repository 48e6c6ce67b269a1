//! Request timestamps (API-ERRATA #7), parsed with the `time` crate.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, PrimitiveDateTime};

/// The request form: `2022-01-24 00:00:00`.
const SPACED: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
/// The response form: `2022-05-05T09:00:00.000Z` (fraction and `Z` optional).
const ISO: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][optional [Z]]"
);
/// A date alone: `2022-01-24`, meaning midnight.
const DAY: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// Normalizes a timestamp to the wire form `YYYY-MM-DD HH:MM:SS`.
///
/// Accepts `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[.fff][Z]` and `YYYY-MM-DD` (midnight),
/// surrounding whitespace ignored. Only real calendar dates and times pass (`2022-02-30`,
/// `24:00:00` and leap seconds fail). The wall time is kept as written: a `Z` is dropped, not
/// converted, and a fraction is truncated, so a date read from the API round-trips unchanged.
/// Blank text is `Ok(None)` ("not set"); anything else that does not parse is `Err(())`.
#[allow(clippy::result_unit_err)]
pub fn normalize_time(s: &str) -> Result<Option<String>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // `[year]` would also take a sign; the API's forms never have one.
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(());
    }
    let parsed = PrimitiveDateTime::parse(s, SPACED)
        .or_else(|_| PrimitiveDateTime::parse(s, ISO))
        .or_else(|_| Date::parse(s, DAY).map(Date::midnight))
        .map_err(|_| ())?;
    Ok(Some(wire_form(parsed)))
}

/// `YYYY-MM-DD HH:MM:SS`.
fn wire_form(t: PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::normalize_time;

    fn ok(s: &str) -> String {
        normalize_time(s).expect("valid").expect("set")
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(ok("2022-01-24 00:00:00"), "2022-01-24 00:00:00");
        assert_eq!(ok("2022-05-05T09:00:00.000Z"), "2022-05-05 09:00:00");
        assert_eq!(ok("2022-05-05T09:00:00"), "2022-05-05 09:00:00");
        assert_eq!(ok("2022-05-05T09:00:00Z"), "2022-05-05 09:00:00");
        assert_eq!(ok("2022-05-05T09:00:00.5"), "2022-05-05 09:00:00");
        assert_eq!(ok("2022-06-10"), "2022-06-10 00:00:00");
        assert_eq!(ok("  2022-06-10 08:00:00 "), "2022-06-10 08:00:00");
    }

    #[test]
    fn blank_is_unset() {
        assert_eq!(normalize_time(""), Ok(None));
        assert_eq!(normalize_time("   "), Ok(None));
    }

    #[test]
    fn leap_years() {
        assert_eq!(ok("2024-02-29"), "2024-02-29 00:00:00");
        assert_eq!(ok("2000-02-29 12:00:00"), "2000-02-29 12:00:00");
        assert!(normalize_time("2023-02-29").is_err());
        assert!(normalize_time("1900-02-29").is_err());
    }

    #[test]
    fn rejects_impossible_and_malformed_values() {
        for bad in [
            "2022-02-30",
            "2022-04-31 00:00:00",
            "2022-13-01",
            "2022-00-10",
            "2022-01-00",
            "2022-01-24 24:00:00",
            "2022-01-24 12:60:00",
            "2022-01-24 12:00:60",
            "2022-1-24",
            "22-01-24",
            "20222-01-24",
            "+2022-01-24",
            "-2022-01-24",
            "2022/01/24",
            "2022-01-24 00:00",
            "2022-01-24T00:00:00+02:00",
            "2022-01-24 00:00:00Z",
            "2022-01-24T00:00:00.Z",
            "2022-01-24x",
            "tomorrow",
            "２０２２-01-24",
        ] {
            assert!(normalize_time(bad).is_err(), "{bad} should be rejected");
        }
    }
}
