//! Input validation helpers: e-mail, dates, numeric text and option values.
//!
//! Dates are stored and returned in the response form `YYYY-MM-DDTHH:MM:SS.sssZ`
//! (the reference's response timestamps); `""` means "not set".

use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// The WHATWG "valid e-mail address" production, written out by hand:
/// `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@label(\.label)*$` where a label is 1..=63
/// alphanumerics or hyphens that neither starts nor ends with a hyphen.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || !local.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c)) {
        return false;
    }
    domain.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty() && b.len() <= 63 && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') && b[0] != b'-' && b[b.len() - 1] != b'-'
    })
}

/// Digits only, at least one.
pub fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

fn num(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |a, d| a * 10 + i64::from(d - b'0')))
}

/// Parses one of the accepted input forms and returns the normalized response form.
/// Accepted: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
/// Impossible dates and times (2022-02-30, 25:00:00) are rejected.
pub fn parse_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if y < 1 || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let (mut h, mut mi, mut se, mut ms) = (0, 0, 0, 0);
    if b.len() > 10 {
        let sep = b[10];
        if b.len() < 19 || (sep != b' ' && sep != b'T') || b[13] != b':' || b[16] != b':' {
            return None;
        }
        h = num(&b[11..13])?;
        mi = num(&b[14..16])?;
        se = num(&b[17..19])?;
        if h > 23 || mi > 59 || se > 59 {
            return None;
        }
        let rest = &b[19..];
        if sep == b' ' {
            if !rest.is_empty() {
                return None;
            }
        } else {
            let rest = rest.strip_suffix(b"Z")?;
            if let Some(frac) = rest.strip_prefix(b".") {
                if frac.is_empty() || frac.len() > 9 || !frac.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let mut digits = frac[..frac.len().min(3)].to_vec();
                digits.resize(3, b'0');
                ms = num(&digits)?;
            } else if !rest.is_empty() {
                return None;
            }
        }
    }
    Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}.{ms:03}Z"))
}

/// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Milliseconds since the Unix epoch to `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn iso_from_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z", sod / 3600, (sod / 60) % 60, sod % 60)
}

pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A boolean given as JSON `true`/`false` or the strings `"true"`/`"false"`
/// (any ASCII case).
pub fn flexible_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// An integer id given as a JSON integer or as digit text.
pub fn flexible_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if is_numeric(s.trim()) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Shows a JSON value in a message the way a user typed it (strings without quotes).
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Removes the whitespace outside strings from a JSON text, keeping everything else
/// (key order, number spelling, string escapes) exactly as written.
pub fn compact_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_str, mut esc) = (false, false);
    for c in raw.chars() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

/// Processing options. Defaults: update_existing false, validate_fails_batch true,
/// replace_privileges true.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub update_existing: bool,
    pub validate_fails_batch: bool,
    pub replace_privileges: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { update_existing: false, validate_fails_batch: true, replace_privileges: true }
    }
}

/// Reads the `options` node. Missing or `null` options (or option values) take their
/// defaults; unknown option names are ignored; a value that is neither a boolean nor
/// `"true"`/`"false"` gives `Err(name)` (reported as `Invalid option value: <name>`).
pub fn parse_options(v: Option<&Value>) -> Result<Options, String> {
    let mut o = Options::default();
    let map = match v {
        None | Some(Value::Null) => return Ok(o),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("options".into()),
    };
    for (name, slot) in [("update_existing", &mut o.update_existing), ("validate_fails_batch", &mut o.validate_fails_batch), ("replace_privileges", &mut o.replace_privileges)] {
        match map.get(name) {
            None | Some(Value::Null) => {}
            Some(val) => *slot = flexible_bool(val).ok_or_else(|| name.to_string())?,
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_valid_email("toby.peters@web.place"));
        assert!(is_valid_email("a@b"));
        assert!(!is_valid_email("rgreswell0@@@@gravatar.com"));
        assert!(!is_valid_email("x@-a.com"));
        assert!(!is_valid_email("x@a..com"));
        assert!(!is_valid_email("@a.com"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2022-01-24 00:00:00").unwrap(), "2022-01-24T00:00:00.000Z");
        assert_eq!(parse_date("2022-05-05T09:00:00.5Z").unwrap(), "2022-05-05T09:00:00.500Z");
        assert_eq!(parse_date("2024-02-29").unwrap(), "2024-02-29T00:00:00.000Z");
        for bad in ["2022-02-30", "2023-02-29", "2022-01-01 25:00:00", "2022-01-01T10:00:00", "2022-13-01", "2022/01/01", "yesterday", "2022-01-01 10:00"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn compact() {
        assert_eq!(compact_json("{ \"a b\" : [1.50, \"x\\\" y\"],\n \"z\": null }"), "{\"a b\":[1.50,\"x\\\" y\"],\"z\":null}");
    }

    #[test]
    fn iso() {
        assert_eq!(iso_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_from_millis(1_637_282_829_651), "2021-11-19T00:47:09.651Z");
    }
}
