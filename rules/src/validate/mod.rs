//! Client-side pre-validation: JS-like input records in, the API's wire form out.
//!
//! Every validator takes one `serde_json::Value` per record and never fails as a whole: each
//! record ends up in `valid` (normalized to the wire form, with its input index) or in
//! `invalid` (with all of its issues at once, in field order), and dropped unknown fields are
//! listed in `warnings`. No rule recurses into input values, indexes unchecked or unwraps,
//! so hostile input (huge strings, deep JSON, non-objects, `__proto__` keys) cannot panic;
//! the one recursive step is cloning an invalid record into `InvalidRecord::input`, which
//! goes no deeper than building the value did. Messages echo at most 64 characters of a value.
//!
//! Decisions, beyond the reference and API-ERRATA:
//! - Text is trimmed of surrounding whitespace; an email is instead sanitized exactly as
//!   `<input type=email>` does (line breaks removed, surrounding ASCII whitespace stripped).
//! - `null` is an absent field. `""` is kept as `""` (it clears the field on the server) and
//!   skips format rules, so it neither counts as given for the required fields nor repeats;
//!   for `id`, `user_id` and `enabled`, `""` means absent.
//! - Numbers are accepted where the API wants digit text or an id (`id`, `id_num`, `card_num`,
//!   `phone`, `pin`, `user_id`) and taken in decimal form, so `1.5` and `-3` fail the digit
//!   rules; other text fields take strings only (`InvalidType`).
//! - Control characters in free text (names, id_num, credential_key) are `ControlCharacter`.
//! - Required: a user needs one of first_name, last_name or id_num (the issue is on
//!   `first_name`); a fob needs card_num and one of name or id_num (the issue is on `name`);
//!   a reassignment needs id and user_id; a door needs a name; a reissue needs id.
//! - Repeated access levels within one record's list are dropped silently.
//! - Repeats within one input: users by id_num, email (ASCII case-insensitive) and card_num;
//!   fobs by card_num and id_num; reassignments and reissues by id; doors by name (case-
//!   insensitive). Every record after the first gets a `Duplicate` issue naming the first.

mod datetime;
mod email;
mod fields;
pub mod input;
mod lowercase;
mod records;
mod seen;
pub mod tape;
mod wire;

use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;

pub use datetime::normalize_time;
pub use email::{is_valid_email, sanitize_email, EMAIL_MAX_LEN};
pub use wire::{WireCredentialReissue, WireDoor, WireFob, WireFobAssignment, WireUser};

pub use fields::shown;
use fields::{Fields, Patch};
use input::RecordView;
use records::UniqueKey;
pub use records::USER_FIELDS;

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct Issue {
    /// The field's wire name, or `""` for the record as a whole.
    pub field: String,
    /// What is wrong, for programs.
    pub code: IssueCode,
    /// What is wrong, for people (the reference's wording where it has some).
    pub message: String,
}

/// Stable codes of validation issues and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// A required field is missing or blank.
    Required,
    /// The record is not a JSON object (field `""`).
    NotAnObject,
    /// The field has the wrong JSON type (e.g. an object where text belongs).
    InvalidType,
    /// `card_num` or `pin` is not digits only: `Non-Numeric card_num found: A8914`.
    NotNumeric,
    /// An id is not a positive integer or its digit text.
    NotPositiveInteger,
    /// Not a WHATWG valid e-mail address: `Invalid email address found: ...`.
    InvalidEmail,
    /// Not a real date in an accepted form: `Invalid date found: access_expires: 2022-02-30`.
    InvalidDate,
    /// `access_effective` is after `access_expires`.
    DateOrder,
    /// Longer than the field's limit.
    TooLong,
    /// A phone number with characters other than digits, spaces and `+ - ( ) . /`, and an
    /// extension written `x`, `ext` or `ext.` with its digits.
    InvalidPhone,
    /// Free text containing a control character (e.g. a newline in a name).
    ControlCharacter,
    /// An option that is neither a boolean nor `"true"`/`"false"`.
    InvalidBoolean,
    /// A value that must be unique already appears in an earlier record of the same input.
    Duplicate,
    /// Warning only: a field the API does not know; it was dropped from the wire form.
    UnknownField,
}

impl IssueCode {
    /// The code's name on the wire (`not_numeric`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::Required => "required",
            IssueCode::NotAnObject => "not_an_object",
            IssueCode::InvalidType => "invalid_type",
            IssueCode::NotNumeric => "not_numeric",
            IssueCode::NotPositiveInteger => "not_positive_integer",
            IssueCode::InvalidEmail => "invalid_email",
            IssueCode::InvalidDate => "invalid_date",
            IssueCode::DateOrder => "date_order",
            IssueCode::TooLong => "too_long",
            IssueCode::InvalidPhone => "invalid_phone",
            IssueCode::ControlCharacter => "control_character",
            IssueCode::InvalidBoolean => "invalid_boolean",
            IssueCode::Duplicate => "duplicate",
            IssueCode::UnknownField => "unknown_field",
        }
    }
}

/// A record that failed validation, with all of its issues.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct InvalidRecord {
    /// The record's index in the input.
    pub index: usize,
    /// The record as given.
    #[tsify(type = "unknown")]
    pub input: Value,
    /// Every issue found, in field order.
    pub issues: Vec<Issue>,
}

/// Something dropped from a record that is not an error (e.g. an unknown field).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct Warning {
    /// The record's index in the input.
    pub index: usize,
    /// The field concerned.
    pub field: String,
    /// What happened, for programs.
    pub code: IssueCode,
    /// What happened, for people.
    pub message: String,
}

/// The outcome of validating an input: every index is in exactly one of `valid` and `invalid`.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct Validation<W> {
    /// The valid records as `[index, wire form]`, in input order.
    pub valid: Vec<(usize, W)>,
    /// The invalid records, in input order.
    pub invalid: Vec<InvalidRecord>,
    /// What was dropped from records, valid or not.
    pub warnings: Vec<Warning>,
}

/// How to validate one record type: its known fields, its rules, and the values that must
/// not repeat within one input.
pub trait Kind {
    /// The wire form, borrowing the caller's text where it is kept as given.
    type Wire<'a>: Serialize;
    /// The known fields, in order.
    const FIELDS: &'static [&'static str];
    /// The per-record rules, producing the wire form.
    fn check<'a>(f: &mut Fields<'_, 'a>) -> Self::Wire<'a>;
    /// The values of `wire` that must not repeat within one input.
    fn keys<'a>(wire: &Self::Wire<'a>, keys: &mut Vec<UniqueKey<'a>>);
}

/// Declares a record kind over its rules in `records`.
macro_rules! kind {
    ($(#[$doc:meta])* $name:ident, $wire:ident$(<$a:lifetime>)?, $fields:expr, $check:path, $keys:path) => {
        $(#[$doc])*
        pub struct $name;
        impl Kind for $name {
            type Wire<'a> = $wire$(<$a>)?;
            const FIELDS: &'static [&'static str] = $fields;
            fn check<'a>(f: &mut Fields<'_, 'a>) -> Self::Wire<'a> {
                $check(f)
            }
            fn keys<'a>(wire: &Self::Wire<'a>, keys: &mut Vec<UniqueKey<'a>>) {
                $keys(wire, keys)
            }
        }
    };
}

kind!(/** Users for `POST /user`. */ Users, WireUser<'a>, USER_FIELDS, records::user, records::user_keys);
kind!(/** Fobs for `POST /fob`. */ Fobs, WireFob<'a>, records::FOB_FIELDS, records::fob, records::fob_keys);
kind!(/** Fob reassignments for `PUT /fob`. */ FobAssignments, WireFobAssignment<'a>, records::FOB_ASSIGNMENT_FIELDS, records::fob_assignment, records::fob_assignment_keys);
kind!(/** Doors for `POST /door`. */ Doors, WireDoor<'a>, records::DOOR_FIELDS, records::door, records::door_keys);
kind!(/** Credential reissues for `POST /credential`. */ CredentialReissues, WireCredentialReissue, records::CREDENTIAL_REISSUE_FIELDS, records::credential_reissue, records::credential_reissue_keys);

/// Validates users for `POST /user`.
pub fn validate_users(records: &[Value]) -> Validation<WireUser<'_>> {
    validate_all::<Users>(records)
}

/// The issues of one user form (no checks across records); cheap enough for every keystroke.
pub fn validate_user(record: &Value) -> Vec<Issue> {
    let Some(map) = record.as_object() else {
        return vec![not_an_object()];
    };
    user_form_issues(&RecordView::from_map(map, USER_FIELDS))
}

/// The issues of one user form, read from any source.
pub fn user_form_issues(view: &RecordView) -> Vec<Issue> {
    let mut fields = Fields::new(view, USER_FIELDS, false);
    records::user(&mut fields);
    fields.finish().0
}

/// Validates fobs for `POST /fob`.
pub fn validate_fobs(records: &[Value]) -> Validation<WireFob<'_>> {
    validate_all::<Fobs>(records)
}

/// Validates fob reassignments for `PUT /fob`.
pub fn validate_fob_assignments(records: &[Value]) -> Validation<WireFobAssignment<'_>> {
    validate_all::<FobAssignments>(records)
}

/// Validates doors for `POST /door`.
pub fn validate_doors(records: &[Value]) -> Validation<WireDoor<'_>> {
    validate_all::<Doors>(records)
}

/// Validates credential reissues (`{ id }`) for `POST /credential`.
pub fn validate_credential_reissues(records: &[Value]) -> Validation<WireCredentialReissue> {
    validate_all::<CredentialReissues>(records)
}

impl<W: Serialize> Validation<W> {
    /// The same validation with the valid records as JSON values (for the batch engine).
    pub fn into_values(self) -> Validation<Value> {
        let valid = self.valid.into_iter().map(|(i, w)| (i, serde_json::to_value(w).unwrap_or(Value::Null))).collect();
        Validation { valid, invalid: self.invalid, warnings: self.warnings }
    }
}

/// Runs `K`'s rules over every record, then the checks for repeats across records.
fn validate_all<K: Kind>(records: &[Value]) -> Validation<K::Wire<'_>> {
    let mut out = Validation { valid: Vec::new(), invalid: Vec::new(), warnings: Vec::new() };
    let mut checker = Checker::<K>::new(records.len());
    for (index, record) in records.iter().enumerate() {
        let checked = match record.as_object() {
            Some(map) => checker.check(index, &RecordView::from_map(map, K::FIELDS)),
            None => Checked::not_an_object(),
        };
        out.warnings.extend(checked.warnings);
        match checked.wire {
            Ok(wire) => out.valid.push((index, wire)),
            Err(issues) => out.invalid.push(InvalidRecord { index, input: record.clone(), issues }),
        }
    }
    out
}

/// One record's verdict: its wire form or all of its issues, its warnings, and where a valid
/// record's wire form differs from the input.
pub struct Checked<'a, W> {
    /// The wire form of a valid record, or the issues of an invalid one.
    pub wire: Result<W, Vec<Issue>>,
    /// What was dropped from the record.
    pub warnings: Vec<Warning>,
    /// Where a valid record's wire form differs from the input, when asked for (see [`start`]).
    pub patches: Vec<(usize, Patch<'a>)>,
}

impl<'a, W> Checked<'a, W> {
    /// The verdict on a record that is not an object.
    pub fn not_an_object() -> Self {
        Checked { wire: Err(vec![not_an_object()]), warnings: Vec::new(), patches: Vec::new() }
    }

    /// The verdict on a record with wire form `wire` (`None`: not an object) once its repeats
    /// are looked up.
    pub fn new(wire: Option<W>, verdict: Verdict<'a>) -> Self {
        let Verdict { issues, warnings, patches } = verdict;
        let wire = match wire {
            Some(wire) if issues.is_empty() => Ok(wire),
            _ => Err(issues),
        };
        Checked { wire, warnings, patches }
    }
}

/// Checks the records of one input in order: each on its own, then for repeats of the
/// values seen in the records before it. The values seen are borrowed from the input.
pub struct Checker<'a, K: Kind> {
    repeats: Repeats<'a>,
    kind: std::marker::PhantomData<K>,
}

impl<'a, K: Kind> Checker<'a, K> {
    /// A checker for `count` records.
    pub fn new(count: usize) -> Self {
        Checker { repeats: Repeats::new(count), kind: std::marker::PhantomData }
    }

    /// The verdict on record `index`.
    pub fn check(&mut self, index: usize, record: &RecordView<'a>) -> Checked<'a, K::Wire<'a>> {
        let (wire, pending) = start::<K>(&mut self.repeats, index, record, false);
        Checked::new(Some(wire), self.repeats.finish(pending, K::FIELDS))
    }
}

/// Checks record `index` on its own: its wire form, and what is left to do once the records
/// before it are finished ([`Repeats::finish`]). With `patches`, the verdict also says where
/// the wire form differs from the input. Only the kind's own rules are generic; the rest is
/// shared by every kind (one copy in the module).
pub fn start<'a, K: Kind>(repeats: &mut Repeats<'a>, index: usize, record: &RecordView<'a>, patches: bool) -> (K::Wire<'a>, Pending<'a>) {
    let mut fields = Fields::new(record, K::FIELDS, patches);
    let wire = K::check(&mut fields);
    K::keys(&wire, &mut repeats.keys);
    (wire, repeats.start(index, fields))
}

/// A record checked on its own whose repeats are not looked up yet (see [`start`]).
pub struct Pending<'a> {
    index: usize,
    /// Its issues so far, in field order.
    issues: Vec<Issue>,
    warnings: Vec<Warning>,
    patches: Vec<(usize, Patch<'a>)>,
    /// The values that must not repeat, each with its hash in the table of values seen.
    keys: Vec<(u64, UniqueKey<'a>)>,
}

impl Pending<'_> {
    /// A record that is not an object: one issue, nothing to look up.
    pub fn not_an_object(index: usize) -> Self {
        Pending { index, issues: vec![not_an_object()], warnings: Vec::new(), patches: Vec::new(), keys: Vec::new() }
    }

    /// The index of the record.
    pub fn index(&self) -> usize {
        self.index
    }
}

/// A record's issues, warnings and patches, its repeats included.
pub struct Verdict<'a> {
    issues: Vec<Issue>,
    warnings: Vec<Warning>,
    patches: Vec<(usize, Patch<'a>)>,
}

/// The values seen so far in one input, in a table sized for its records; not generic (one
/// copy in the module for every kind).
pub struct Repeats<'a> {
    seen: seen::Seen<'a>,
    /// The keys of the record being started.
    keys: Vec<UniqueKey<'a>>,
    /// Lists for the keys of records to start, kept from records finished (no allocation).
    spare: Vec<Vec<(u64, UniqueKey<'a>)>>,
}

impl<'a> Repeats<'a> {
    /// A table for `count` records.
    pub fn new(count: usize) -> Self {
        // Up to three keys a record; sized once so that it never grows.
        Repeats { seen: seen::Seen::with_capacity(count.saturating_mul(3)), keys: Vec::new(), spare: Vec::new() }
    }

    /// Record `index` checked on its own: its keys hashed, its issues, warnings and patches.
    #[inline(never)]
    fn start(&mut self, index: usize, mut fields: Fields<'_, 'a>) -> Pending<'a> {
        let mut keys = self.spare.pop().unwrap_or_default();
        keys.extend(self.keys.drain(..).map(|(field, key, given)| (seen::hash(field, &key), (field, key, given))));
        let patches = fields.take_patches();
        let (issues, warnings) = fields.finish();
        let warnings = warnings.into_iter().map(|w| Warning { index, field: w.field, code: w.code, message: w.message }).collect();
        Pending { index, issues, warnings, patches, keys }
    }

    /// Loads the places in the table of the keys of records started and not yet finished: a
    /// caller that holds several lets those loads, which usually miss the cache, overlap
    /// before [`Repeats::finish`] looks the keys up one after another.
    pub fn prepare(&self, pending: &[Pending<'a>]) {
        self.seen.touch(pending.iter().flat_map(|p| p.keys.iter().map(|(hash, _)| *hash)));
    }

    /// Looks record `pending`'s keys up among the values of the records finished before it,
    /// which they then join, adding an issue for each repeat (in the field order `order`).
    /// Records must be finished in input order.
    #[inline(never)]
    pub fn finish(&mut self, pending: Pending<'a>, order: &[&str]) -> Verdict<'a> {
        let Pending { index, mut issues, warnings, patches, mut keys } = pending;
        let before = issues.len();
        for (hash, (field, key, given)) in keys.drain(..) {
            if let Some(first) = self.seen.first_or_insert(hash, field, key, index) {
                let message = format!("Duplicate {field} {}: also in record {first}", shown(&given));
                issues.push(Issue { field: field.to_owned(), code: IssueCode::Duplicate, message });
            }
        }
        if issues.len() > before {
            fields::sort_issues(&mut issues, order);
        }
        self.spare.push(keys);
        Verdict { issues, warnings, patches }
    }
}

/// The issue of a record that is not a JSON object.
pub fn not_an_object() -> Issue {
    Issue { field: String::new(), code: IssueCode::NotAnObject, message: "Record is not a JSON object".to_owned() }
}

#[cfg(test)]
mod tests;
