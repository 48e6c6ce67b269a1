//! Reading the fields of one input record: one rule per field, all issues collected.
//!
//! Per field the checks run in order type, length, characters, format, and only the first
//! failing one is reported. Text is trimmed (Unicode whitespace; email: the browser's
//! sanitization instead). `null` is an absent field; `""` (after trimming) is kept as `""`
//! ("clear this field") and skips the format rules, except for ids, where it means absent.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::datetime::normalize_time;
use super::email::{is_valid_email, sanitize_email, EMAIL_MAX_LEN};
use super::{Issue, IssueCode};
use crate::model::AccessLevelInput;

/// Longest value echoed back in a message; longer values are cut with `…`.
const SHOWN_MAX: usize = 64;

/// One record being validated: its fields, and the issues and warnings found so far.
pub(super) struct Fields<'a> {
    /// The record.
    map: &'a Map<String, Value>,
    /// The known fields, in order.
    order: &'static [&'static str],
    /// The issues found so far.
    issues: Vec<Issue>,
    /// The warnings (dropped fields) found so far.
    warnings: Vec<Issue>,
}

impl<'a> Fields<'a> {
    /// Starts on `map`, whose known fields are `order`; other keys become warnings.
    pub(super) fn new(map: &'a Map<String, Value>, order: &'static [&'static str]) -> Self {
        let warnings = map
            .keys()
            .filter(|k| !order.contains(&k.as_str()))
            .map(|k| unknown(k, k))
            .collect();
        Fields {
            map,
            order,
            issues: Vec::new(),
            warnings,
        }
    }

    /// The issues in field order (record-level first), and the warnings.
    pub(super) fn finish(mut self) -> (Vec<Issue>, Vec<Issue>) {
        let order = self.order;
        self.issues.sort_by_key(|i| {
            order
                .iter()
                .position(|f| *f == i.field)
                .map_or(0, |p| p + 1)
        });
        (self.issues, self.warnings)
    }

    /// Records an issue.
    pub(super) fn push(&mut self, field: &str, code: IssueCode, message: String) {
        self.issues.push(Issue {
            field: field.to_owned(),
            code,
            message,
        });
    }

    /// Whether the caller gave the field a value: not absent, `null` or blank text.
    pub(super) fn has(&self, field: &str) -> bool {
        match self.value(field) {
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
            None => false,
        }
    }

    /// Free text up to `max` characters, without control characters; numbers too if `numbers`.
    pub(super) fn text(&mut self, field: &str, max: usize, numbers: bool) -> Option<String> {
        let value = self.raw(field, numbers)?;
        let value = value.trim();
        if self.too_long(field, value, max) {
            return None;
        }
        if value.chars().any(char::is_control) {
            self.push(
                field,
                IssueCode::ControlCharacter,
                format!("{field} contains a control character"),
            );
            return None;
        }
        Some(value.to_owned())
    }

    /// Digit text up to `max` digits (`card_num`, `pin`); a number is taken in decimal form.
    pub(super) fn digits(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.raw(field, true)?;
        let value = value.trim();
        if self.too_long(field, value, max) {
            return None;
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            self.push(
                field,
                IssueCode::NotNumeric,
                format!("Non-Numeric {field} found: {}", shown(value)),
            );
            return None;
        }
        Some(value.to_owned())
    }

    /// A phone number: digits, spaces and `+ - ( ) .`, with at least one digit.
    pub(super) fn phone(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.raw(field, true)?;
        let value = value.trim();
        if self.too_long(field, value, max) {
            return None;
        }
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let has_digit = value.bytes().any(|b| b.is_ascii_digit());
        if !value.is_empty() && (!allowed || !has_digit) {
            self.push(
                field,
                IssueCode::InvalidPhone,
                format!("Invalid phone number found: {}", shown(value)),
            );
            return None;
        }
        Some(value.to_owned())
    }

    /// An email address: sanitized as `<input type=email>` does, then the WHATWG rule.
    pub(super) fn email(&mut self, field: &str) -> Option<String> {
        let raw = self.raw(field, false)?;
        let value = sanitize_email(&raw);
        if self.too_long(field, &value, EMAIL_MAX_LEN) {
            return None;
        }
        if !value.is_empty() && !is_valid_email(&value) {
            self.push(
                field,
                IssueCode::InvalidEmail,
                format!("Invalid email address found: {}", shown(&value)),
            );
            return None;
        }
        Some(value.into_owned())
    }

    /// A system id: a positive integer or its digit text; blank is absent.
    pub(super) fn id(&mut self, field: &str) -> Option<u64> {
        let value = self.raw(field, true)?;
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let id = positive(value);
        if id.is_none() {
            self.push(
                field,
                IssueCode::NotPositiveInteger,
                format!("{field} must be a positive integer: {}", shown(value)),
            );
        }
        id
    }

    /// A timestamp in the wire form, or `""` when the caller gave blank text.
    pub(super) fn date(&mut self, field: &str) -> Option<String> {
        let value = self.raw(field, false)?;
        match normalize_time(&value) {
            Ok(time) => Some(time.unwrap_or_default()),
            Err(()) => {
                let message = format!("Invalid date found: {field}: {}", shown(value.trim()));
                self.push(field, IssueCode::InvalidDate, message);
                None
            }
        }
    }

    /// Flags `access_effective` when it is after `access_expires` (both set).
    pub(super) fn date_order(&mut self, effective: &Option<String>, expires: &Option<String>) {
        if let (Some(from), Some(to)) = (effective, expires) {
            // The wire form sorts as text.
            if !from.is_empty() && !to.is_empty() && from > to {
                let message = "access_effective is after access_expires".to_owned();
                self.push("access_effective", IssueCode::DateOrder, message);
            }
        }
    }

    /// An option: a boolean or `"true"`/`"false"` in any case, sent as `"true"`/`"false"`.
    pub(super) fn flag(&mut self, field: &str) -> Option<String> {
        let flag = match self.value(field)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        if flag.is_none() {
            let message = format!(
                "{field} must be true or false: {}",
                shown_value(self.value(field))
            );
            self.push(field, IssueCode::InvalidBoolean, message);
        }
        flag.map(|b| b.to_string())
    }

    /// Access levels: `{id}`, `{name}`, a bare id or a bare name each; repeats dropped.
    pub(super) fn accesslevels(&mut self, field: &str) -> Option<Vec<AccessLevelInput>> {
        let Value::Array(entries) = self.value(field)? else {
            self.push(
                field,
                IssueCode::InvalidType,
                format!("{field} must be a list of access levels"),
            );
            return None;
        };
        let mut levels: Vec<AccessLevelInput> = Vec::new();
        let mut ok = true;
        for (i, entry) in entries.iter().enumerate() {
            match self.level(field, i, entry) {
                Some(level) if !levels.contains(&level) => levels.push(level),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(levels)
    }

    /// One access level entry, or `None` after recording its issue.
    fn level(&mut self, field: &str, i: usize, entry: &Value) -> Option<AccessLevelInput> {
        let (id, name) = match entry {
            Value::Object(o) => {
                self.unknown_level_keys(field, i, o);
                (o.get("id").filter(|v| !v.is_null()), o.get("name"))
            }
            Value::Number(_) => (Some(entry), None),
            Value::String(_) => (None, Some(entry)),
            _ => (None, None),
        };
        match (id, name) {
            (Some(id), _) => self.level_id(field, i, id),
            (None, Some(Value::String(n))) if !n.trim().is_empty() => Some(AccessLevelInput {
                id: None,
                name: Some(n.trim().to_owned()),
            }),
            _ => {
                let message = format!("{field}[{i}] must be an access level id or name");
                self.push(field, IssueCode::InvalidType, message);
                None
            }
        }
    }

    /// The id of an access level entry: a positive integer or its digit text.
    fn level_id(&mut self, field: &str, i: usize, id: &Value) -> Option<AccessLevelInput> {
        let text = match id {
            Value::Number(n) => Cow::Owned(crate::model::number_text(n)),
            Value::String(s) => Cow::Borrowed(s.trim()),
            other => Cow::Owned(shown_value(Some(other))),
        };
        let id = positive(&text);
        if id.is_none() {
            let message = format!(
                "{field}[{i}] id must be a positive integer: {}",
                shown(&text)
            );
            self.push(field, IssueCode::NotPositiveInteger, message);
        }
        id.map(|id| AccessLevelInput {
            id: Some(id),
            name: None,
        })
    }

    /// Warns about keys of an access level entry other than `id` and `name`.
    fn unknown_level_keys(&mut self, field: &str, i: usize, entry: &Map<String, Value>) {
        for key in entry.keys().filter(|k| *k != "id" && *k != "name") {
            self.warnings
                .push(unknown(field, &format!("{field}[{i}].{key}")));
        }
    }

    /// The field's value, `null` counting as absent.
    fn value(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// The field as text: a string as given, or a number in decimal form when `numbers`.
    fn raw(&mut self, field: &str, numbers: bool) -> Option<Cow<'a, str>> {
        match self.value(field)? {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) if numbers => Some(Cow::Owned(crate::model::number_text(n))),
            _ => {
                let kind = if numbers { "text or a number" } else { "text" };
                self.push(
                    field,
                    IssueCode::InvalidType,
                    format!("{field} must be {kind}"),
                );
                None
            }
        }
    }

    /// Records a `TooLong` issue when `value` has more than `max` characters.
    fn too_long(&mut self, field: &str, value: &str, max: usize) -> bool {
        let len = value.chars().count();
        if len > max {
            let message = format!("{field} is too long: {len} characters, at most {max}");
            self.push(field, IssueCode::TooLong, message);
        }
        len > max
    }
}

/// A positive integer written in ASCII digits only (no sign), within `u64`.
pub(super) fn positive(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .filter(|id| *id > 0)
}

/// `value` for a message, cut to [`SHOWN_MAX`] characters.
pub(crate) fn shown(value: &str) -> Cow<'_, str> {
    if value.chars().nth(SHOWN_MAX).is_some() {
        Cow::Owned(value.chars().take(SHOWN_MAX).chain(['…']).collect())
    } else {
        Cow::Borrowed(value)
    }
}

/// A JSON value for a message: strings unquoted, others in JSON form, cut short.
fn shown_value(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => shown(s).into_owned(),
        Some(Value::Array(_)) => "a list".to_owned(),
        Some(Value::Object(_)) => "an object".to_owned(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The warning for a dropped key.
fn unknown(field: &str, key: &str) -> Issue {
    Issue {
        field: shown(field).into_owned(),
        code: IssueCode::UnknownField,
        message: format!("Unknown field dropped: {}", shown(key)),
    }
}
