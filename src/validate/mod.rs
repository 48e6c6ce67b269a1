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
mod records;
mod wire;

use std::collections::hash_map::{Entry, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;

pub use datetime::normalize_time;
pub use email::{is_valid_email, sanitize_email, EMAIL_MAX_LEN};
pub use wire::{WireCredentialReissue, WireDoor, WireFob, WireFobAssignment, WireUser};

pub(crate) use fields::shown;
use fields::Fields;
use records::UniqueKey;
pub(crate) use records::USER_FIELDS;

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
    /// A phone number with characters other than digits, spaces and `+ - ( ) .`.
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

/// How to validate one record type.
struct Kind<W> {
    /// The known fields, in order.
    fields: &'static [&'static str],
    /// The per-record rules, producing the wire form.
    check: fn(&mut Fields) -> W,
    /// The values that must not repeat within one input.
    keys: fn(&W) -> Vec<UniqueKey>,
}

/// Validates users for `POST /user`.
pub fn validate_users(records: &[Value]) -> Validation<WireUser> {
    validate_all(
        records,
        &Kind {
            fields: USER_FIELDS,
            check: records::user,
            keys: records::user_keys,
        },
    )
}

/// The issues of one user form (no checks across records); cheap enough for every keystroke.
pub fn validate_user(record: &Value) -> Vec<Issue> {
    let Some(map) = record.as_object() else {
        return vec![not_an_object()];
    };
    let mut fields = Fields::new(map, USER_FIELDS);
    records::user(&mut fields);
    fields.finish().0
}

/// Validates fobs for `POST /fob`.
pub fn validate_fobs(records: &[Value]) -> Validation<WireFob> {
    validate_all(
        records,
        &Kind {
            fields: records::FOB_FIELDS,
            check: records::fob,
            keys: records::fob_keys,
        },
    )
}

/// Validates fob reassignments for `PUT /fob`.
pub fn validate_fob_assignments(records: &[Value]) -> Validation<WireFobAssignment> {
    let kind = Kind {
        fields: records::FOB_ASSIGNMENT_FIELDS,
        check: records::fob_assignment,
        keys: records::fob_assignment_keys,
    };
    validate_all(records, &kind)
}

/// Validates doors for `POST /door`.
pub fn validate_doors(records: &[Value]) -> Validation<WireDoor> {
    validate_all(
        records,
        &Kind {
            fields: records::DOOR_FIELDS,
            check: records::door,
            keys: records::door_keys,
        },
    )
}

/// Validates credential reissues (`{ id }`) for `POST /credential`.
pub fn validate_credential_reissues(records: &[Value]) -> Validation<WireCredentialReissue> {
    let kind = Kind {
        fields: records::CREDENTIAL_REISSUE_FIELDS,
        check: records::credential_reissue,
        keys: records::credential_reissue_keys,
    };
    validate_all(records, &kind)
}

/// Runs `kind`'s rules over every record, then the checks for repeats across records.
fn validate_all<W>(records: &[Value], kind: &Kind<W>) -> Validation<W> {
    let mut out = Validation {
        valid: Vec::new(),
        invalid: Vec::new(),
        warnings: Vec::new(),
    };
    // Up to three keys a record; sized once so that it never rehashes.
    let mut first_seen: HashMap<(&'static str, String), usize, BuildHasherDefault<FxHasher>> =
        HashMap::with_capacity_and_hasher(records.len() * 3, BuildHasherDefault::default());
    for (index, record) in records.iter().enumerate() {
        let Some(map) = record.as_object() else {
            out.invalid.push(InvalidRecord {
                index,
                input: record.clone(),
                issues: vec![not_an_object()],
            });
            continue;
        };
        let mut fields = Fields::new(map, kind.fields);
        let wire = (kind.check)(&mut fields);
        for (field, key, shown) in (kind.keys)(&wire) {
            match first_seen.entry((field, key)) {
                Entry::Occupied(first) => {
                    let message =
                        format!("Duplicate {field} {shown}: also in record {}", first.get());
                    fields.push(field, IssueCode::Duplicate, message);
                }
                Entry::Vacant(slot) => {
                    slot.insert(index);
                }
            }
        }
        let (issues, warnings) = fields.finish();
        out.warnings.extend(warnings.into_iter().map(|w| Warning {
            index,
            field: w.field,
            code: w.code,
            message: w.message,
        }));
        if issues.is_empty() {
            out.valid.push((index, wire));
        } else {
            out.invalid.push(InvalidRecord {
                index,
                input: record.clone(),
                issues,
            });
        }
    }
    out
}

/// The Fx hash (rustc's) with a final mix (murmur3's): several times faster than SipHash for
/// the short keys of the duplicate check. Not DoS-resistant, which does not matter for the
/// caller's own input.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        // Fx alone leaves the low bits (the table's bucket) blind to the high input bytes.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The issue of a record that is not a JSON object.
fn not_an_object() -> Issue {
    Issue {
        field: String::new(),
        code: IssueCode::NotAnObject,
        message: "Record is not a JSON object".to_owned(),
    }
}

#[cfg(test)]
mod tests;
