//! Reading the API's records from their JSON values, field by field.
//!
//! Each read type says which of its fields it reads and how ([`FromRecord`]); the readers are
//! shared. They read exactly what the types' serde derives read, with the same error texts
//! (the tests below hold them to it): the derives stay as the reference, and for the types'
//! TypeScript, but their code (one visitor per type, with every lenient field and the untagged
//! enums inlined into it) no longer ships in the SDK module.

use serde_json::{Map, Number, Value};

use super::lenient::{number_text, Flag};
use crate::json::{invalid_type, unexpected};

/// A read type: built from one record of an API answer.
pub trait FromRecord: Sized {
    /// Reads the record, or says why it cannot, in serde's words.
    fn from_record(v: &Value) -> Result<Self, String>;
}

/// A raw record, as the batch engine's read-back compares it.
impl FromRecord for Value {
    fn from_record(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

/// Reads one field of a record, or says why it cannot.
pub(crate) type Reader<T> = fn(&Value) -> Result<T, String>;

/// The fields of one record, read in the type's declaration order. Like serde's derived
/// visitor, an object reports the error of the first failing field in its own key order, and a
/// missing required field only when no field failed; an array is read by position.
pub(crate) struct Fields<'a> {
    source: Source<'a>,
    what: &'static str,
    count: usize,
    next: usize,
    failed: Option<(usize, String)>,
    missing: Option<&'static str>,
    buffered: bool,
}

enum Source<'a> {
    Object(&'a Map<String, Value>),
    Array(&'a [Value]),
}

impl<'a> Fields<'a> {
    /// The fields of `v`, a record of type `what`, which has `count` fields.
    pub fn of(v: &'a Value, what: &'static str, count: usize) -> Result<Self, String> {
        let source = match v {
            Value::Object(record) => Source::Object(record),
            Value::Array(items) => Source::Array(items),
            other => return Err(refusal(other, what)),
        };
        Ok(Fields { source, what, count, next: 0, failed: None, missing: None, buffered: false })
    }

    /// Read as serde reads a record it has buffered (inside a flattened struct): an array with
    /// elements to spare is refused in the words of its buffer, not of `serde_json`.
    pub fn buffered(self, buffered: bool) -> Self {
        Fields { buffered, ..self }
    }

    /// The fields of `v`, which must be an object (a type serde reads as a map only).
    pub fn of_object(v: &'a Value, what: &'static str) -> Result<Self, String> {
        match v {
            Value::Object(_) => Self::of(v, what, 0),
            other => Err(refusal(other, what)),
        }
    }

    /// The field `key` read by `read`; the default when absent, or when reading fails.
    pub fn get<T: Default>(&mut self, key: &'static str, read: Reader<T>) -> T {
        self.read(key, &read, false)
    }

    /// The field `key`, which must be present.
    pub fn required<T: Default>(&mut self, key: &'static str, read: Reader<T>) -> T {
        self.read(key, &read, true)
    }

    /// [`Fields::get`] with a reader that is a closure.
    pub fn get_with<T: Default>(&mut self, key: &'static str, read: &dyn Fn(&Value) -> Result<T, String>) -> T {
        self.read(key, read, false)
    }

    /// [`Fields::required`] with a reader that is a closure.
    pub fn required_with<T: Default>(&mut self, key: &'static str, read: &dyn Fn(&Value) -> Result<T, String>) -> T {
        self.read(key, read, true)
    }

    fn read<T: Default>(&mut self, key: &'static str, read: &dyn Fn(&Value) -> Result<T, String>, required: bool) -> T {
        match self.value(key, required) {
            Some(value) => read(value).unwrap_or_else(|message| {
                self.fail_at(key, message);
                T::default()
            }),
            None => T::default(),
        }
    }

    /// The next field's value (`key`, or the next element of an array), noting a required
    /// one that is missing. The part of reading a field that is the same for every type.
    fn value(&mut self, key: &'static str, required: bool) -> Option<&'a Value> {
        let index = self.next;
        self.next += 1;
        let value = match self.source {
            Source::Object(record) => record.get(key),
            Source::Array(items) => items.get(index),
        };
        if value.is_none() && required {
            match self.source {
                Source::Object(_) => self.missing = self.missing.or(Some(key)),
                Source::Array(_) => {
                    let plural = if self.count == 1 { "" } else { "s" };
                    self.fail(index, format!("invalid length {index}, expected struct {} with {} element{plural}", self.what, self.count));
                }
            }
        }
        value
    }

    /// Notes that the field just read (`key`) failed: by its place in the object's key order,
    /// or its position in the array.
    fn fail_at(&mut self, key: &str, message: String) {
        let position = match self.source {
            Source::Object(record) => record.keys().position(|k| k == key).unwrap_or(usize::MAX),
            Source::Array(_) => self.next - 1,
        };
        self.fail(position, message);
    }

    fn fail(&mut self, position: usize, message: String) {
        match &self.failed {
            Some((first, _)) if *first <= position => {}
            _ => self.failed = Some((position, message)),
        }
    }

    /// The record read, or the first error.
    pub fn finish<T>(self, record: T) -> Result<T, String> {
        match (self.failed, self.missing, self.source) {
            (Some((_, message)), _, _) => Err(message),
            (None, Some(key), _) => Err(format!("missing field `{key}`")),
            (None, None, Source::Array(items)) if items.len() > self.count => Err(match (self.buffered, self.count) {
                (false, _) => format!("invalid length {}, expected fewer elements in array", items.len()),
                (true, 1) => format!("invalid length {}, expected 1 element in sequence", items.len()),
                (true, count) => format!("invalid length {}, expected {count} elements in sequence", items.len()),
            }),
            (None, None, _) => Ok(record),
        }
    }
}

/// serde's error for a value that is not a record of type `what`.
fn refusal(v: &Value, what: &'static str) -> String {
    invalid_type(&unexpected(v), &format!("struct {what}"))
}

/// A `String` as serde reads it.
pub(crate) fn text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid_type(&unexpected(other), "a string")),
    }
}

/// An unsigned integer up to `max` as serde reads it into the type named `what` (`u8`, `u64`).
pub(crate) fn unsigned(v: &Value, max: u64, what: &str) -> Result<u64, String> {
    match v {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u <= max => Ok(u),
            (Some(_), _) | (None, Some(_)) => Err(format!("invalid value: {}, expected {what}", unexpected(v))),
            (None, None) => Err(invalid_type(&unexpected(v), what)),
        },
        other => Err(invalid_type(&unexpected(other), what)),
    }
}

/// An `Option<i64>` as serde reads it.
pub(crate) fn opt_signed(v: &Value) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match (n.as_i64(), n.is_u64()) {
            (Some(i), _) => Ok(Some(i)),
            (None, true) => Err(format!("invalid value: {}, expected i64", unexpected(v))),
            (None, false) => Err(invalid_type(&unexpected(v), "i64")),
        },
        other => Err(invalid_type(&unexpected(other), "i64")),
    }
}

/// An `Option<f64>` as serde reads it.
pub(crate) fn opt_float(v: &Value) -> Result<Option<f64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        other => Err(invalid_type(&unexpected(other), "f64")),
    }
}

/// Text or a number, as the untagged enum `Text` reads it.
fn text_or_number(v: &Value) -> Result<TextOrNumber<'_>, String> {
    match v {
        Value::String(s) => Ok(TextOrNumber::Text(s)),
        Value::Number(n) => Ok(TextOrNumber::Number(n)),
        _ => Err("data did not match any variant of untagged enum Text".to_string()),
    }
}

enum TextOrNumber<'a> {
    Text(&'a str),
    Number(&'a Number),
}

impl TextOrNumber<'_> {
    fn into_text(self) -> String {
        match self {
            TextOrNumber::Text(s) => s.to_string(),
            TextOrNumber::Number(n) => number_text(n),
        }
    }
}

/// An id given as a number or as digit text (`lenient::id`).
pub(crate) fn id(v: &Value) -> Result<u64, String> {
    match text_or_number(v)? {
        TextOrNumber::Number(n) => n.as_u64().ok_or_else(|| "id is not a non-negative integer".to_string()),
        TextOrNumber::Text(s) => digit_text(s),
    }
}

fn digit_text(s: &str) -> Result<u64, String> {
    s.trim().parse().map_err(|_| "id is not digit text".to_string())
}

/// An optional id: a number, digit text, `""` or `null` (`lenient::opt_id`).
pub(crate) fn opt_id(v: &Value) -> Result<Option<u64>, String> {
    if v.is_null() {
        return Ok(None);
    }
    match text_or_number(v)? {
        TextOrNumber::Text(s) if s.trim().is_empty() => Ok(None),
        t => digit_text(&t.into_text()).map(Some),
    }
}

/// Optional text given as a string or a number; `null` is absent (`lenient::opt_text`).
pub(crate) fn opt_text(v: &Value) -> Result<Option<String>, String> {
    if v.is_null() {
        return Ok(None);
    }
    text_or_number(v).map(|t| Some(t.into_text()))
}

/// An optional date-time; `""` and `null` are absent (`lenient::opt_time`).
pub(crate) fn opt_time(v: &Value) -> Result<Option<String>, String> {
    Ok(opt_text(v)?.filter(|s| !s.trim().is_empty()))
}

/// An optional boolean: `true`/`false`, `"true"`/`"false"`, a number 0-255 or `null`
/// (`lenient::opt_bool`).
pub(crate) fn opt_bool(v: &Value) -> Result<Option<bool>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) if n.as_u64().is_some_and(|n| n <= u64::from(u8::MAX)) => Ok(Some(n.as_u64() != Some(0))),
        Value::String(s) => Ok(Flag::Str(s.clone()).value()),
        _ => Err("data did not match any variant of untagged enum Loose".to_string()),
    }
}

/// A list that may be absent or `null` (`lenient::list`).
pub(crate) fn list<T: FromRecord>(v: &Value) -> Result<Vec<T>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => try_map(items, T::from_record),
        other => Err(invalid_type(&unexpected(other), "a sequence")),
    }
}

/// `f` of each item, or the first error: a plain loop, where `collect` into a `Result` would
/// add an iterator adapter per item type to the module.
pub(crate) fn try_map<T, E>(items: &[Value], f: impl Fn(&Value) -> Result<T, E>) -> Result<Vec<T>, E> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;
    use crate::model::shape::{self, write_record, Shape};
    use crate::model::*;

    /// Odd values a server might put in any field.
    fn odd_values() -> Vec<Value> {
        let mut values = vec![
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!(255),
            json!(256),
            json!(-1),
            json!(1.5),
            json!(2.0),
            json!(1e21),
            json!(18446744073709551615u64),
            json!(-9223372036854775808i64),
            json!(""),
            json!("  "),
            json!(" 12 "),
            json!("abc"),
            json!("true"),
            json!("FALSE"),
            json!("2022-05-05T09:00:00.000Z"),
            json!("q\"uote\n\u{7f}é"),
            json!([]),
            json!([1]),
            json!([{ "id": 1, "name": "A" }]),
            json!([{ "id": "x" }]),
            json!([[1, "a", "b"]]),
            json!([[1]]),
            json!({}),
            json!({ "id": 2, "name": "B" }),
            json!({ "id": -2 }),
        ];
        values.push(json!([{ "id": 1 }, "two"]));
        values
    }

    /// Records of type `T`: every field of `base` (and some it lacks) set to every odd value
    /// and left out, two fields at once too, and the record itself replaced by odd values.
    fn corpus(base: Value) -> Vec<Value> {
        let Value::Object(base) = base else { panic!("an object") };
        let mut keys: Vec<String> = base.keys().cloned().collect();
        keys.extend(["zzz", "aaa"].map(String::from));
        let mut out = vec![Value::Object(base.clone())];
        for key in &keys {
            let mut without = base.clone();
            without.remove(key);
            out.push(Value::Object(without));
            for odd in odd_values() {
                let mut with = base.clone();
                with.insert(key.clone(), odd.clone());
                out.push(Value::Object(with.clone()));
                for other in &keys {
                    for second in [json!("bad"), json!({}), json!(-7)] {
                        let mut both = with.clone();
                        both.insert(other.clone(), second);
                        out.push(Value::Object(both));
                    }
                }
            }
        }
        out.extend(odd_values());
        out.push(json!([1, "a", "b", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]));
        out.push(json!([1, "a"]));
        out
    }

    /// The reader and the serde derive agree on every record of the corpus, errors included.
    fn agree<T: FromRecord + DeserializeOwned + PartialEq + std::fmt::Debug>(base: Value) {
        for record in corpus(base) {
            let derived = T::deserialize(&record).map_err(|e| e.to_string());
            assert_eq!(T::from_record(&record), derived, "{record}");
        }
    }

    /// The shape writes the JSON text that serde writes after reading the record into `T`,
    /// or the same error, for every record of the corpus.
    fn agree_shape<T: DeserializeOwned + serde::Serialize>(shape: &Shape, base: Value) {
        for record in corpus(base) {
            let derived = T::deserialize(&record).map(|t| serde_json::to_string(&t).unwrap()).map_err(|e| e.to_string());
            let mut written = String::new();
            assert_eq!(write_record(&record, shape, &mut written).map(|()| written), derived, "{record}");
        }
    }

    #[test]
    fn the_readers_read_as_the_serde_derives() {
        let level = json!({ "id": 1, "name": "L" });
        agree::<User>(json!({
            "id": 1, "id_num": "A1", "first_name": "F", "last_name": "L", "name": "N", "card_num": "12",
            "credential_key": "K", "email": "e@x.io", "phone": "1", "pin": "0986", "access_effective": "",
            "access_expires": "2022-01-24 00:00:00", "enabled": "true", "accesslevels": [level]
        }));
        agree::<AccessLevel>(json!({ "id": "3", "name": "L", "doors": [{ "id": 1, "name": "D" }] }));
        agree::<Event>(json!({
            "id": 1, "device": "D", "code": 48, "code_text": "T", "subcode": 104, "subcode_text": "S", "schedule": "S",
            "controller": "C", "location": "L", "card_num": 1, "user": "U", "category": 2, "category_text": "C",
            "hw_time": "2021-11-17T13:58:01.000Z", "event_time": "", "db_time": "x"
        }));
        agree::<NextCardNumber>(json!({ "card_num": 123 }));
        agree::<Door>(json!({ "id": 1, "type": "T", "name": "D", "location": "L", "enabled": 1, "controller": "C" }));
        agree::<Credential>(json!({ "id": 1, "user": [{ "id": 300, "name": "User, Test" }] }));
    }

    #[test]
    fn the_shapes_read_and_write_as_the_serde_derives() {
        agree_shape::<Door>(&shape::DOOR, json!({ "id": 1, "type": "T", "name": "D", "location": "L", "enabled": 1, "controller": "C" }));
        agree_shape::<DoorState>(&shape::DOOR_STATE, json!({ "id": 1, "name": "D", "battery_level": 0.5 }));
        let fob = json!({
            "id": 1, "id_num": "A", "name": "F", "card_num": 5599, "credential_key": "K", "enabled": false,
            "access_effective": "", "access_expires": "x", "user_id": "12", "accesslevels": [{ "id": 1, "name": "L" }]
        });
        agree_shape::<Fob>(&shape::FOB, fob.clone());
        let mut activity = fob;
        activity["last_activity"] = json!("2022-05-05T09:00:00.000Z");
        agree_shape::<FobActivity>(&shape::FOB_ACTIVITY, activity);
        agree_shape::<Credential>(
            &shape::CREDENTIAL,
            json!({ "id": 1, "card_num": "1", "credential_key": "K", "claim_status": "Claimed", "user": [{ "id": 300, "name": "User, Test" }] }),
        );
        agree_shape::<Credential>(&shape::CREDENTIAL, json!({ "id": 1, "user": { "id": 300, "name": "User, Test" } }));
        agree_shape::<CredentialSummary>(&shape::CREDENTIAL_SUMMARY, json!({ "claimed": 1, "unclaimed": 2, "total": 3 }));
        agree_shape::<Schedule>(
            &shape::SCHEDULE,
            json!({ "id": 1, "name": "S", "d0": 1, "d1": 0, "d2": 1, "d3": 0, "d4": 1, "d5": 0, "d6": 1, "start": "08:00:00", "stop": "17:00:00" }),
        );
    }
}
