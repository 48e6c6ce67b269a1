//! Reading the fields of one input record: one rule per field, all issues collected.
//!
//! Per field the checks run in order type, length, characters, format, and only the first
//! failing one is reported. Text is trimmed (Unicode whitespace; email: the browser's
//! sanitization instead). `null` is an absent field; `""` (after trimming) is kept as `""`
//! ("clear this field") and skips the format rules, except for ids, where it means absent.

use std::borrow::Cow;
use std::cell::Cell;

use super::datetime::normalize_time;
use super::email::{is_valid_sanitized_email, sanitize_email, EMAIL_MAX_LEN};
use super::input::{Input, LevelEntry, Levels, Opaque, RecordView};
use super::{Issue, IssueCode};
use crate::model::AccessLevelInput;

/// Longest value echoed back in a message; longer values are cut with `…`.
const SHOWN_MAX: usize = 64;

/// One record being validated: its fields, and the issues and warnings found so far.
pub struct Fields<'v, 'a> {
    /// The record.
    record: &'v RecordView<'a>,

    /// The known fields, in order.
    order: &'static [&'static str],
    /// The issues found so far.
    issues: Vec<Issue>,
    /// The warnings (dropped fields) found so far.
    warnings: Vec<Issue>,
    /// Where the wire form differs from the input: (field position, wire value); `None` when
    /// the caller has no use for them (only the offline validators rebuild records from them).
    patches: Option<Vec<(usize, Patch<'a>)>>,
    /// The last field name looked up (its address and length) and its position: each rule
    /// asks for the same field several times in a row.
    last_slot: Cell<(usize, usize, Option<usize>)>,
}

/// A wire value that differs from the caller's, for rebuilding the record on the JS side.
#[derive(Debug, Clone, PartialEq)]
pub enum Patch<'a> {
    /// The field is left out of the wire form.
    Drop,
    /// Text.
    Text(Cow<'a, str>),
    /// A number (an id).
    Number(u64),
    /// Access levels.
    Levels(Vec<AccessLevelInput>),
}

impl<'v, 'a> Fields<'v, 'a> {
    /// Starts on `record`, whose known fields are `order`; other keys become warnings. With
    /// `patches`, notes where the wire form differs from the input ([`Fields::take_patches`]).
    pub(super) fn new(record: &'v RecordView<'a>, order: &'static [&'static str], patches: bool) -> Self {
        let warnings = record.unknown.iter().map(|k| unknown(k, k)).collect();
        Fields { record, order, issues: Vec::new(), warnings, patches: patches.then(Vec::new), last_slot: Cell::new((0, 0, None)) }
    }

    /// The fields whose wire value differs from the input (valid records only mean anything).
    pub(super) fn take_patches(&mut self) -> Vec<(usize, Patch<'a>)> {
        self.patches.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Notes a text wire value: a patch unless the caller gave exactly this text.
    pub(super) fn keep_text(&mut self, field: &str, out: Option<Cow<'a, str>>) -> Option<Cow<'a, str>> {
        if self.patches.is_none() {
            return out;
        }
        let same = match (self.value(field), &out) {
            (None, None) => true,
            (Some(Input::Text(given)), Some(out)) => given.as_ref() == out.as_ref(),
            _ => false,
        };
        if !same {
            self.patch(field, out.clone().map_or(Patch::Drop, Patch::Text));
        }
        out
    }

    /// Notes a numeric wire value (an id): a patch unless the caller gave this number.
    pub(super) fn keep_number(&mut self, field: &str, out: Option<u64>) -> Option<u64> {
        if self.patches.is_none() {
            return out;
        }
        let same = match (self.value(field), out) {
            (None, None) => true,
            (Some(Input::Number(given)), Some(out)) => positive(given) == Some(out),
            _ => false,
        };
        if !same {
            self.patch(field, out.map_or(Patch::Drop, Patch::Number));
        }
        out
    }

    fn patch(&mut self, field: &str, patch: Patch<'a>) {
        if let (Some(slot), Some(patches)) = (self.slot(field), &mut self.patches) {
            patches.push((slot, patch));
        }
    }

    /// The issues in field order (record-level first), and the warnings.
    pub(super) fn finish(mut self) -> (Vec<Issue>, Vec<Issue>) {
        sort_issues(&mut self.issues, self.order);
        (self.issues, self.warnings)
    }

    /// Records an issue.
    pub(super) fn push(&mut self, field: &str, code: IssueCode, message: String) {
        self.issues.push(Issue { field: field.to_owned(), code, message });
    }

    /// Whether the caller gave the field a value: not absent, `null` or blank text.
    pub(super) fn has(&self, field: &str) -> bool {
        match self.value(field) {
            Some(Input::Text(s)) => !s.trim().is_empty(),
            Some(_) => true,
            None => false,
        }
    }

    /// Free text up to `max` characters, without control characters; numbers too if `numbers`.
    pub(super) fn text(&mut self, field: &str, max: usize, numbers: bool) -> Option<Cow<'a, str>> {
        let trimmed = trimmed(self.raw(field, numbers)?);
        let value = &*trimmed;
        if self.too_long(field, value, max) {
            return None;
        }
        let printable_ascii = value.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !printable_ascii && value.chars().any(char::is_control) {
            self.push(field, IssueCode::ControlCharacter, format!("{field} contains a control character"));
            return None;
        }
        self.keep_text(field, Some(trimmed))
    }

    /// Digit text up to `max` digits (`card_num`, `pin`); a number is taken in decimal form.
    pub(super) fn digits(&mut self, field: &str, max: usize) -> Option<Cow<'a, str>> {
        let trimmed = trimmed(self.raw(field, true)?);
        let value = &*trimmed;
        if self.too_long(field, value, max) {
            return None;
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            self.push(field, IssueCode::NotNumeric, format!("Non-Numeric {field} found: {}", shown(value)));
            return None;
        }
        self.keep_text(field, Some(trimmed))
    }

    /// A phone number as people type it: digits, spaces and `+ - ( ) . /`, with at least one
    /// digit, then optionally an extension written `x`, `ext` or `ext.` and its digits
    /// (`+1 (555) 123-4567 ext. 89`, `555-1234 x12`); at most `max` characters in all.
    pub(super) fn phone(&mut self, field: &str, max: usize) -> Option<Cow<'a, str>> {
        let trimmed = trimmed(self.raw(field, true)?);
        let value = &*trimmed;
        if self.too_long(field, value, max) {
            return None;
        }
        if !value.is_empty() && !is_phone(value) {
            self.push(field, IssueCode::InvalidPhone, format!("Invalid phone number found: {}", shown(value)));
            return None;
        }
        self.keep_text(field, Some(trimmed))
    }

    /// An email address: sanitized as `<input type=email>` does, then the WHATWG rule.
    pub(super) fn email(&mut self, field: &str) -> Option<Cow<'a, str>> {
        let raw = self.raw(field, false)?;
        let value = map_cow(raw, sanitize_email);
        if self.too_long(field, &value, EMAIL_MAX_LEN) {
            return None;
        }
        if !value.is_empty() && !is_valid_sanitized_email(&value) {
            self.push(field, IssueCode::InvalidEmail, format!("Invalid email address found: {}", shown(&value)));
            return None;
        }
        self.keep_text(field, Some(value))
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
            self.push(field, IssueCode::NotPositiveInteger, format!("{field} must be a positive integer: {}", shown(value)));
        }
        id
    }

    /// A timestamp in the wire form, or `""` when the caller gave blank text.
    pub(super) fn date(&mut self, field: &str) -> Option<Cow<'a, str>> {
        let raw = self.raw(field, false)?;
        let normalized = match &raw {
            // Text already in the wire form stays the caller's own.
            Cow::Borrowed(text) => normalize_time(text),
            Cow::Owned(text) => normalize_time(text).map(|t| t.map(|t| Cow::Owned(t.into_owned()))),
        };
        match normalized {
            Ok(time) => self.keep_text(field, Some(time.unwrap_or(Cow::Borrowed("")))),
            Err(()) => {
                let message = format!("Invalid date found: {field}: {}", shown(raw.trim()));
                self.push(field, IssueCode::InvalidDate, message);
                None
            }
        }
    }

    /// Flags `access_effective` when it is after `access_expires` (both set).
    pub(super) fn date_order(&mut self, effective: &Option<Cow<'a, str>>, expires: &Option<Cow<'a, str>>) {
        if let (Some(from), Some(to)) = (effective, expires) {
            // The wire form sorts as text.
            if !from.is_empty() && !to.is_empty() && from > to {
                let message = "access_effective is after access_expires".to_owned();
                self.push("access_effective", IssueCode::DateOrder, message);
            }
        }
    }

    /// An option: a boolean or `"true"`/`"false"` in any case, sent as `"true"`/`"false"`.
    pub(super) fn flag(&mut self, field: &str) -> Option<Cow<'a, str>> {
        let value = self.value(field)?;
        let flag = match value {
            Input::Bool(b) => Some(*b),
            Input::Text(s) if s.trim().is_empty() => return self.keep_text(field, None),
            Input::Text(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Input::Text(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        if flag.is_none() {
            let message = format!("{field} must be true or false: {}", shown_input(value));
            self.push(field, IssueCode::InvalidBoolean, message);
        }
        let out = flag.map(|b| Cow::Borrowed(if b { "true" } else { "false" }));
        self.keep_text(field, out)
    }

    /// Access levels: `{id}`, `{name}`, a bare id or a bare name each; repeats dropped.
    pub(super) fn accesslevels(&mut self, field: &str) -> Option<Vec<AccessLevelInput>> {
        let record = self.record;
        let entries = match &record.levels {
            Levels::Absent => return None,
            Levels::List(entries) => entries,
            Levels::Other => {
                self.push(field, IssueCode::InvalidType, format!("{field} must be a list of access levels"));
                return None;
            }
        };
        let mut levels: Vec<AccessLevelInput> = Vec::new();
        let mut ok = true;
        let mut same = true;
        for (i, entry) in entries.iter().enumerate() {
            match self.level(field, i, entry) {
                Some(level) if !levels.contains(&level) => {
                    same &= entry.is_wire_form_of(&level);
                    levels.push(level);
                }
                Some(_) => same = false,
                None => ok = false,
            }
        }
        if ok && !same && self.patches.is_some() {
            self.patch(field, Patch::Levels(levels.clone()));
        }
        ok.then_some(levels)
    }

    /// One access level entry, or `None` after recording its issue.
    fn level(&mut self, field: &str, i: usize, entry: &LevelEntry<'a>) -> Option<AccessLevelInput> {
        let (id, name) = match entry {
            LevelEntry::Object { id, name, unknown, .. } => {
                self.unknown_level_keys(field, i, unknown);
                (Some(id).filter(|v| **v != Input::Absent), Some(name))
            }
            LevelEntry::Value(v @ Input::Number(_)) => (Some(v), None),
            LevelEntry::Value(v @ Input::Text(_)) => (None, Some(v)),
            LevelEntry::Value(_) => (None, None),
        };
        match (id, name) {
            (Some(id), _) => self.level_id(field, i, id),
            (None, Some(Input::Text(n))) if !n.trim().is_empty() => Some(AccessLevelInput { id: None, name: Some(n.trim().to_owned()) }),
            _ => {
                let message = format!("{field}[{i}] must be an access level id or name");
                self.push(field, IssueCode::InvalidType, message);
                None
            }
        }
    }

    /// The id of an access level entry: a positive integer or its digit text.
    fn level_id(&mut self, field: &str, i: usize, id: &Input<'a>) -> Option<AccessLevelInput> {
        let text = match id {
            Input::Number(n) => Cow::Borrowed(n.as_ref()),
            Input::Text(s) => Cow::Borrowed(s.trim()),
            other => Cow::Owned(shown_input(other)),
        };
        let id = positive(&text);
        if id.is_none() {
            let message = format!("{field}[{i}] id must be a positive integer: {}", shown(&text));
            self.push(field, IssueCode::NotPositiveInteger, message);
        }
        id.map(|id| AccessLevelInput { id: Some(id), name: None })
    }

    /// Warns about keys of an access level entry other than `id` and `name`.
    fn unknown_level_keys(&mut self, field: &str, i: usize, keys: &[Cow<'a, str>]) {
        for key in keys {
            self.warnings.push(unknown(field, &format!("{field}[{i}].{key}")));
        }
    }

    /// The field's value, `null` counting as absent.
    fn slot(&self, field: &str) -> Option<usize> {
        let (address, len, slot) = self.last_slot.get();
        if address == field.as_ptr() as usize && len == field.len() {
            return slot;
        }
        // Lengths first: the names of one kind mostly differ in length.
        let slot = self.order.iter().position(|f| f.len() == field.len() && f.as_bytes() == field.as_bytes());
        self.last_slot.set((field.as_ptr() as usize, field.len(), slot));
        slot
    }

    fn value(&self, field: &str) -> Option<&'v Input<'a>> {
        let slot = self.slot(field)?;
        self.record.values.get(slot).filter(|v| **v != Input::Absent)
    }

    /// The field as text: a string as given, or a number in decimal form when `numbers`.
    fn raw(&mut self, field: &str, numbers: bool) -> Option<Cow<'a, str>> {
        match self.value(field)? {
            Input::Text(s) => Some(s.clone()),
            Input::Number(n) if numbers => Some(n.clone()),
            _ => {
                let kind = if numbers { "text or a number" } else { "text" };
                self.push(field, IssueCode::InvalidType, format!("{field} must be {kind}"));
                None
            }
        }
    }

    /// Records a `TooLong` issue when `value` has more than `max` characters.
    fn too_long(&mut self, field: &str, value: &str, max: usize) -> bool {
        // A character takes at least one byte.
        if value.len() <= max {
            return false;
        }
        let len = value.chars().count();
        if len > max {
            let message = format!("{field} is too long: {len} characters, at most {max}");
            self.push(field, IssueCode::TooLong, message);
        }
        len > max
    }
}

/// The phone rule of [`Fields::phone`].
fn is_phone(value: &str) -> bool {
    // The last `ext` (any case), found by bytes: `rfind("ext")` would link the panic's
    // formatting of a char (Unicode's printable tables) into the module.
    let bytes = value.as_bytes();
    let (number, extension) = if let Some(at) = bytes.windows(3).rposition(|w| w.eq_ignore_ascii_case(b"ext")) {
        let after = value.get(at + 3..).unwrap_or_default();
        (value.get(..at).unwrap_or_default(), Some(after.strip_prefix('.').unwrap_or(after)))
    } else if let Some(at) = bytes.iter().rposition(|b| b.eq_ignore_ascii_case(&b'x')) {
        (value.get(..at).unwrap_or_default(), Some(value.get(at + 1..).unwrap_or_default()))
    } else {
        (value, None)
    };
    let number = number.trim_end();
    let number_ok = number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-' | b'(' | b')' | b'.' | b'/')) && number.bytes().any(|b| b.is_ascii_digit());
    let extension_ok = extension.map(str::trim_start).map_or(true, |e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()));
    number_ok && extension_ok
}

/// `text` without surrounding whitespace, borrowed where `text` was.
fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    map_cow(text, |s| Cow::Borrowed(s.trim()))
}

/// `f` applied to `text`, borrowing from the caller's text where `f` borrows.
fn map_cow<'a>(text: Cow<'a, str>, f: impl for<'x> Fn(&'x str) -> Cow<'x, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(s) => f(s),
        Cow::Owned(s) => Cow::Owned(f(&s).into_owned()),
    }
}

/// A positive integer written in ASCII digits only (no sign), within `u64`.
pub(super) fn positive(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse::<u64>().ok()).flatten().filter(|id| *id > 0)
}

/// `value` for a message, cut to [`SHOWN_MAX`] characters.
pub fn shown(value: &str) -> Cow<'_, str> {
    if value.chars().nth(SHOWN_MAX).is_some() {
        Cow::Owned(value.chars().take(SHOWN_MAX).chain(['…']).collect())
    } else {
        Cow::Borrowed(value)
    }
}

/// Sorts a record's issues into field order (the record's own issues first), keeping the
/// order of each field's issues.
pub(super) fn sort_issues(issues: &mut [Issue], order: &[&str]) {
    super::input::sort_small_by_key(issues, |i| order.iter().position(|f| *f == i.field).map_or(0, |p| p + 1));
}

/// A value for a message: text unquoted, numbers and booleans in JSON form, cut short.
fn shown_input(value: &Input<'_>) -> String {
    match value {
        Input::Text(s) => shown(s).into_owned(),
        Input::Number(n) => n.to_string(),
        Input::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Input::Opaque(Opaque::List) => "a list".to_owned(),
        Input::Opaque(Opaque::Object) => "an object".to_owned(),
        Input::Absent => "null".to_owned(),
    }
}

/// The warning for a dropped key.
fn unknown(field: &str, key: &str) -> Issue {
    Issue { field: shown(field).into_owned(), code: IssueCode::UnknownField, message: format!("Unknown field dropped: {}", shown(key)) }
}
