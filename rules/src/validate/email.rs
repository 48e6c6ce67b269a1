//! The WHATWG HTML "valid e-mail address", as `<input type=email>` checks it.
//!
//! <https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address>:
//! `1*( atext / "." ) "@" label *( "." label )`, where a label is 1 to 63 letters, digits
//! and hyphens that neither starts nor ends with a hyphen. ASCII only: a browser checks the
//! value it was *given* (`input.value = ...`); it only converts a Unicode domain to punycode
//! for text the user typed, so Unicode anywhere is invalid here. Quoted local parts, IP
//! literals and comments are invalid; leading, trailing and consecutive dots in the local
//! part are valid, and so is a domain without a dot (`a@b`). Hand-written, no regex crate.

use std::borrow::Cow;

/// Longest email the validators accept (the RFC 5321 path limit); a length rule, not validity.
pub const EMAIL_MAX_LEN: usize = 254;

/// Whether `s` is a valid e-mail address once sanitized as an `<input type=email>` does.
///
/// The value is first passed through [`sanitize_email`] (line breaks removed, surrounding
/// ASCII whitespace stripped), so `" a@b.c\n"` is valid, exactly as in Chromium. An empty
/// value is not an address (`false`), although a browser does not flag an empty, optional
/// input; the validators treat an empty email as "not given" before calling this.
pub fn is_valid_email(s: &str) -> bool {
    is_valid_sanitized_email(&sanitize_email(s))
}

/// [`is_valid_email`] for a value already passed through [`sanitize_email`].
pub fn is_valid_sanitized_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => is_local_part(local) && is_domain(domain),
        None => false,
    }
}

/// The HTML value sanitization of `<input type=email>`: strip CR and LF everywhere, then
/// leading and trailing ASCII whitespace (tab, LF, FF, CR, space).
pub fn sanitize_email(s: &str) -> Cow<'_, str> {
    let is_html_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r');
    if s.bytes().any(|b| b == b'\r' || b == b'\n') {
        let kept: String = s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        Cow::Owned(kept.trim_matches(is_html_space).to_owned())
    } else {
        Cow::Borrowed(s.trim_matches(is_html_space))
    }
}

/// One or more atext characters or dots.
fn is_local_part(local: &str) -> bool {
    !local.is_empty() && local.bytes().all(is_local_byte)
}

/// ALPHA / DIGIT / the atext symbols / ".".
fn is_local_byte(b: u8) -> bool {
    // `matches!`, not `[u8]::contains`: that calls memchr for every byte.
    b.is_ascii_alphanumeric()
        || matches!(b, b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'/' | b'=' | b'?' | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~' | b'.' | b'-')
}

/// One or more labels separated by single dots.
fn is_domain(domain: &str) -> bool {
    domain.as_bytes().split(|b| *b == b'.').all(is_label)
}

/// 1 to 63 letters, digits or hyphens, starting and ending with a letter or digit.
fn is_label(bytes: &[u8]) -> bool {
    let edges_ok = matches!((bytes.first(), bytes.last()), (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric());
    edges_ok && bytes.len() <= 63 && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        email: String,
        valid: bool,
    }

    #[test]
    fn reference_bad_value_is_invalid() {
        assert!(!is_valid_email("rgreswell0@@@@gravatar.com"));
        assert!(is_valid_email("toby.peters@web.place"));
    }

    #[test]
    fn sanitizes_like_a_browser() {
        assert_eq!(sanitize_email(" a@b.c \r\n"), "a@b.c");
        assert_eq!(sanitize_email("a@b\n.c"), "a@b.c");
        assert!(is_valid_email("\ta@b\n.c "));
        assert!(!is_valid_email("a@b.c\u{a0}"));
        assert!(!is_valid_email(""));
        assert!(!is_valid_email(" \n"));
    }

    #[test]
    fn label_length_limit_is_63() {
        let ok = format!("a@{}.com", "x".repeat(63));
        let long = format!("a@{}.com", "x".repeat(64));
        assert!(is_valid_email(&ok));
        assert!(!is_valid_email(&long));
    }

    #[test]
    fn corpus_matches_expected_verdicts() {
        let text = include_str!("../../../fixtures/emails.json");
        let cases: Vec<Case> = serde_json::from_str(text).expect("fixtures/emails.json is a list of cases");
        assert!(cases.len() >= 220, "corpus has {} cases", cases.len());
        let wrong: Vec<&str> = cases.iter().filter(|c| is_valid_email(&c.email) != c.valid).map(|c| c.email.as_str()).collect();
        assert!(wrong.is_empty(), "wrong verdicts: {wrong:?}");
    }
}
