//! Request timestamps (API-ERRATA #7): three fixed forms, read by hand (no `core::fmt`, no
//! parser tables) and checked against the `time` crate's reading of the same forms in tests.

use std::borrow::Cow;

/// Normalizes a timestamp to the wire form `YYYY-MM-DD HH:MM:SS`.
///
/// Accepts `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[.fff][Z]` and `YYYY-MM-DD` (midnight),
/// surrounding whitespace ignored. Only real calendar dates and times pass (`2022-02-30`,
/// `24:00:00` and leap seconds fail). The wall time is kept as written: a `Z` is dropped, not
/// converted, and a fraction is truncated, so a date read from the API
/// round-trips unchanged. Blank text is `Ok(None)` ("not set"); anything else that does not
/// parse is `Err(())`. Text already in the wire form comes back borrowed.
#[allow(clippy::result_unit_err)]
pub fn normalize_time(s: &str) -> Result<Option<Cow<'_, str>>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let b = s.as_bytes();
    let date = b.get(..10).ok_or(())?;
    let (year, month, day) = (number(&date[0..4])?, number(&date[5..7])?, number(&date[8..10])?);
    if date[4] != b'-' || date[7] != b'-' || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(());
    }
    let rest = &b[10..];
    if rest.is_empty() {
        let mut wire = String::with_capacity(19);
        wire.push_str(s);
        wire.push_str(" 00:00:00");
        return Ok(Some(Cow::Owned(wire)));
    }
    let time = rest.get(1..9).ok_or(())?;
    let (hour, minute, second) = (number(&time[0..2])?, number(&time[3..5])?, number(&time[6..8])?);
    if time[2] != b':' || time[5] != b':' || hour > 23 || minute > 59 || second > 59 {
        return Err(());
    }
    let tail = &rest[9..];
    match rest[0] {
        b' ' if tail.is_empty() => Ok(Some(Cow::Borrowed(s))),
        b'T' if iso_tail(tail) => {
            let mut wire = String::with_capacity(19);
            // `get`, not indexing: the text is ASCII here, and an index would link the panic's
            // formatting of a char (Unicode's printable tables).
            wire.push_str(s.get(..10).unwrap_or_default());
            wire.push(' ');
            wire.push_str(s.get(11..19).unwrap_or_default());
            Ok(Some(Cow::Owned(wire)))
        }
        _ => Err(()),
    }
}

/// What may follow the seconds of the ISO form: `[.digits][Z]`.
fn iso_tail(tail: &[u8]) -> bool {
    let tail = tail.strip_suffix(b"Z").unwrap_or(tail);
    match tail.split_first() {
        None => true,
        Some((b'.', digits)) => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// ASCII digits as a number.
fn number(digits: &[u8]) -> Result<u32, ()> {
    digits.iter().try_fold(0, |n, d| if d.is_ascii_digit() { Ok(n * 10 + u32::from(d - b'0')) } else { Err(()) })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::normalize_time;

    fn ok(s: &str) -> String {
        normalize_time(s).expect("valid").expect("set").into_owned()
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

    /// The `time` crate's reading of the three forms, as this module used before.
    fn by_time_crate(s: &str) -> Result<Option<String>, ()> {
        use time::macros::format_description;
        use time::{Date, PrimitiveDateTime};
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if !s.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(());
        }
        let spaced = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        let iso = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][optional [Z]]");
        let day = format_description!("[year]-[month]-[day]");
        let t = PrimitiveDateTime::parse(s, spaced).or_else(|_| PrimitiveDateTime::parse(s, iso)).or_else(|_| Date::parse(s, day).map(Date::midnight)).map_err(|_| ())?;
        let pad = |n: u32, w: usize| format!("{n:0w$}");
        let (y, mo, d) = (t.year() as u32, u8::from(t.month()) as u32, t.day() as u32);
        Ok(Some(format!("{}-{}-{} {}:{}:{}", pad(y, 4), pad(mo, 2), pad(d, 2), pad(t.hour() as u32, 2), pad(t.minute() as u32, 2), pad(t.second() as u32, 2))))
    }

    #[test]
    fn agrees_with_the_time_crate() {
        // Every mix of a few good and bad parts, in every form.
        let years = ["2024", "2023", "1900", "2000", "0000", "9999", "202", "20244", "+202", "２０２"];
        let months = ["01", "02", "04", "12", "13", "00", "1", "1a"];
        let days = ["01", "28", "29", "30", "31", "32", "00", "9"];
        let times = [
            "",
            " 00:00:00",
            " 23:59:59",
            " 24:00:00",
            " 12:60:00",
            " 12:00:60",
            "T09:00:00",
            "T09:00:00.000Z",
            "T09:00:00.5",
            "T09:00:00Z",
            "T09:00:00.",
            "T09:00:00.1234567891",
            "T09:00:00.123456789Z",
            "T09:00:00+02:00",
            " 00:00",
            "T00:00:00ZZ",
            " 00:00:00Z",
            "x",
            " 1:00:00",
        ];
        let mut checked = 0;
        for y in years {
            for m in months {
                for d in days {
                    for t in times {
                        for pad in ["", " "] {
                            let text = format!("{pad}{y}-{m}-{d}{t}{pad}");
                            assert_eq!(normalize_time(&text).map(|o| o.map(Cow::into_owned)), by_time_crate(&text), "{text:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }
}
