//! Calendar arithmetic on epoch milliseconds, by hand (no `core::fmt`): the wire form of a
//! time, and the HTTP date of a `Retry-After` header.

const MS_PER_DAY: i64 = 86_400_000;
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The UTC time `ms` after the epoch in the wire form `YYYY-MM-DD HH:MM:SS`.
pub fn wire_time(ms: f64) -> String {
    let ms = ms as i64;
    let (days, in_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY) / 1000);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(19);
    for (n, width, sep) in [(y, 4, "-"), (m, 2, "-"), (d, 2, " "), (in_day / 3600, 2, ":"), (in_day / 60 % 60, 2, ":"), (in_day % 60, 2, "")] {
        push_padded(&mut out, n, width);
        out.push_str(sep);
    }
    out
}

/// Writes `n` (not negative) in decimal, zero-padded to `width` digits.
fn push_padded(out: &mut String, n: i64, width: u32) {
    let mut scale = 10i64.pow(width - 1);
    while scale > 1 && scale > n {
        out.push('0');
        scale /= 10;
    }
    let mut scale = 1;
    while scale * 10 <= n {
        scale *= 10;
    }
    while scale > 0 {
        out.push(char::from(b'0' + (n / scale % 10) as u8));
        scale /= 10;
    }
}

/// An HTTP date in the IMF-fixdate form every sender must use (`Sun, 06 Nov 1994 08:49:37
/// GMT`, RFC 9110 5.6.7), as epoch milliseconds.
pub fn http_date_ms(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let number = |t: &str| t.bytes().all(|b| b.is_ascii_digit()).then(|| t.parse::<i64>().ok()).flatten();
    let (day, year) = (number(day)?, number(year)?);
    let hms: Vec<i64> = time.split(':').map(number).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else { return None };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s;
    Some(seconds as f64 * 1000.0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_time_reads_epoch_milliseconds() {
        assert_eq!(wire_time(0.0), "1970-01-01 00:00:00");
        assert_eq!(wire_time(784_111_777_999.0), "1994-11-06 08:49:37");
        assert_eq!(wire_time(1_709_164_800_000.0), "2024-02-29 00:00:00");
    }

    #[test]
    fn http_dates_in_the_imf_fixdate_form() {
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000.0));
        assert_eq!(http_date_ms("Thu, 29 Feb 2024 00:00:00 GMT"), Some(1_709_164_800_000.0));
        for bad in ["", "120", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49 GMT"] {
            assert_eq!(http_date_ms(bad), None, "{bad}");
        }
    }
}
