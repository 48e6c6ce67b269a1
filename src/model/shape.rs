//! The read types the SDK only hands on to JS (doors, door states, fobs, credentials, the
//! credential summary, schedules): each record is read from its JSON value and written as the
//! JSON text JS receives in one pass, by a table of the type's fields. The values, the errors
//! and the key order are those of reading the record into its type and serializing that (the
//! tests hold every table to its type's serde derives), without code of its own per type.

use serde_json::Value;

use super::record::{self, try_map, Fields};

/// How one field is read and written.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    /// `u64`, required: a number or digit text (`lenient::id`).
    Id,
    /// `Option<u64>`, left out when absent (`lenient::opt_id`).
    OptId,
    /// `Option<String>` from text or a number (`lenient::opt_text`).
    OptText,
    /// `Option<String>`, `""` absent (`lenient::opt_time`).
    OptTime,
    /// `Option<bool>` (`lenient::opt_bool`).
    OptBool,
    /// `String`, `""` when absent.
    Text,
    /// `u8`, 0 when absent.
    Small,
    /// `u64`, 0 when absent.
    Count,
    /// `Option<f64>`.
    OptFloat,
    /// `Vec` of records of a shape, `[]` when absent or null (`lenient::list`).
    List(&'static Shape),
    /// A credential's holder: an object, or the first of a list (`credential::holder`).
    Holder(&'static Shape),
}

/// A read type's name and fields, in declaration order.
#[derive(Debug)]
pub struct Shape {
    /// The type's name, as serde's errors give it.
    pub name: &'static str,
    /// The fields, by wire name.
    pub fields: &'static [(&'static str, Field)],
    /// A struct whose fields come first (`#[serde(flatten)]`): serde reads the type from an
    /// object only, its own fields first, then the flattened struct's.
    pub flattens: Option<&'static Shape>,
}

/// Appends the JSON text of the record `v` read as `shape`, or says why it cannot be read.
pub fn write_record(v: &Value, shape: &Shape, out: &mut String) -> Result<(), String> {
    write_record_as(v, shape, out, false)
}

/// [`write_record`]; `buffered` when serde would read the record from its buffer (inside a
/// flattened struct).
fn write_record_as(v: &Value, shape: &Shape, out: &mut String, buffered: bool) -> Result<(), String> {
    let entries = match shape.flattens {
        None => read_fields(Fields::of(v, shape.name, shape.fields.len())?.buffered(buffered), shape.fields, buffered)?,
        Some(inner) => {
            let own = read_fields(Fields::of_object(v, shape.name)?, shape.fields, buffered)?;
            let mut entries = read_fields(Fields::of(v, inner.name, inner.fields.len())?, inner.fields, true)?;
            entries.extend(own);
            entries
        }
    };
    out.push('{');
    for (i, (key, json)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, key);
        out.push(':');
        out.push_str(json);
    }
    out.push('}');
    Ok(())
}

/// The fields written (key and JSON text), or the first error as serde would report it.
fn read_fields(mut f: Fields<'_>, fields: &[(&'static str, Field)], buffered: bool) -> Result<Vec<(&'static str, String)>, String> {
    let mut entries = Vec::new();
    for (key, field) in fields {
        let read = |v: &Value| value_json(v, *field, buffered);
        let json = match field {
            Field::Id => f.required_with(key, &read),
            _ => f.get_with(key, &read),
        };
        if let Some(json) = json.or_else(|| default_json(*field)) {
            entries.push((*key, json));
        }
    }
    f.finish(entries)
}

/// The JSON text of a list of records read as `shape`: `[...]`.
pub fn write_list(items: &[Value], shape: &Shape) -> Result<String, String> {
    write_list_as(items, shape, false)
}

fn write_list_as(items: &[Value], shape: &Shape, buffered: bool) -> Result<String, String> {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_record_as(item, shape, &mut out, buffered)?;
    }
    out.push(']');
    Ok(out)
}

/// The JSON text of a present field's value; `None` when it is left out (an optional field
/// that reads as absent).
fn value_json(v: &Value, field: Field, buffered: bool) -> Result<Option<String>, String> {
    let number = |n: u64| Some(n.to_string());
    Ok(match field {
        Field::Id => number(record::id(v)?),
        Field::OptId => record::opt_id(v)?.and_then(number),
        Field::OptText => record::opt_text(v)?.map(|s| string_json(&s)),
        Field::OptTime => record::opt_time(v)?.map(|s| string_json(&s)),
        Field::OptBool => record::opt_bool(v)?.map(|b| b.to_string()),
        Field::Text => Some(string_json(&record::text(v)?)),
        Field::Small => number(record::unsigned(v, u8::MAX.into(), "u8")?),
        Field::Count => number(record::unsigned(v, u64::MAX, "u64")?),
        Field::OptFloat => record::opt_float(v)?.map(|x| crate::json::to_text(&x).unwrap_or_default()),
        Field::List(shape) => Some(match v {
            Value::Array(items) => write_list_as(items, shape, buffered)?,
            _ => record::list::<Value>(v).map(|_| "[]".to_string())?,
        }),
        Field::Holder(shape) => holder_json(v, shape)?,
    })
}

/// What a field that is absent writes: the default of its type, or nothing.
fn default_json(field: Field) -> Option<String> {
    match field {
        Field::Text => Some("\"\"".into()),
        Field::Small | Field::Count => Some("0".into()),
        Field::List(_) => Some("[]".into()),
        _ => None,
    }
}

/// A credential's holder as `credential::holder` reads it: an object, or the first of a
/// list of them; `null` is none.
fn holder_json(v: &Value, shape: &Shape) -> Result<Option<String>, String> {
    if v.is_null() {
        return Ok(None);
    }
    let mut one = String::new();
    if write_record(v, shape, &mut one).is_ok() {
        return Ok(Some(one));
    }
    if let Value::Array(items) = v {
        if let Ok(list) = try_map(items, |item| record_text(item, shape)) {
            return Ok(list.into_iter().next());
        }
    }
    Err("data did not match any variant of untagged enum OneOrList".to_string())
}

/// The JSON text of one record read as `shape`.
fn record_text(v: &Value, shape: &Shape) -> Result<String, String> {
    let mut out = String::new();
    write_record(v, shape, &mut out).map(|()| out)
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn string_json(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, s);
    out
}

fn push_string(out: &mut String, s: &str) {
    out.push_str(&crate::json::to_text(s).unwrap_or_default());
}

/// A read type's [`FromRecord`](super::FromRecord) through its shape: the record written as
/// JSON text, which its serde derive then reads (for native callers and tests; the SDK module
/// hands the text to JS as it is).
macro_rules! from_record_by_shape {
    ($type:ty, $shape:expr) => {
        impl super::FromRecord for $type {
            fn from_record(v: &serde_json::Value) -> Result<Self, String> {
                let mut text = String::new();
                super::shape::write_record(v, &$shape, &mut text)?;
                serde_json::from_str(&text).map_err(|e| e.to_string())
            }
        }
    };
}
pub(crate) use from_record_by_shape;

/// A record's id field.
const ID: (&str, Field) = ("id", Field::Id);

/// `Door`.
pub const DOOR: Shape = Shape {
    name: "Door",
    fields: &[ID, ("type", Field::OptText), ("name", Field::Text), ("location", Field::OptText), ("enabled", Field::OptBool), ("controller", Field::OptText)],
    flattens: None,
};

/// `DoorState`.
pub const DOOR_STATE: Shape = Shape { name: "DoorState", fields: &[ID, ("name", Field::Text), ("battery_level", Field::OptFloat)], flattens: None };

/// `AccessLevelRef`, inside a fob.
const ACCESS_LEVEL_REF: Shape = Shape { name: "AccessLevelRef", fields: &[ID, ("name", Field::OptText)], flattens: None };

/// `Fob`.
pub const FOB: Shape = Shape {
    name: "Fob",
    fields: &[
        ID,
        ("id_num", Field::OptText),
        ("name", Field::OptText),
        ("card_num", Field::OptText),
        ("credential_key", Field::OptText),
        ("enabled", Field::OptBool),
        ("access_effective", Field::OptTime),
        ("access_expires", Field::OptTime),
        ("user_id", Field::OptId),
        ("accesslevels", Field::List(&ACCESS_LEVEL_REF)),
    ],
    flattens: None,
};

/// `CredentialHolder`.
const CREDENTIAL_HOLDER: Shape = Shape { name: "CredentialHolder", fields: &[ID, ("name", Field::Text)], flattens: None };

/// `Credential`.
pub const CREDENTIAL: Shape = Shape {
    name: "Credential",
    fields: &[ID, ("card_num", Field::OptText), ("credential_key", Field::OptText), ("claim_status", Field::OptText), ("user", Field::Holder(&CREDENTIAL_HOLDER))],
    flattens: None,
};

/// `Schedule`.
pub const SCHEDULE: Shape = Shape {
    name: "Schedule",
    fields: &[
        ID,
        ("name", Field::Text),
        ("d0", Field::Small),
        ("d1", Field::Small),
        ("d2", Field::Small),
        ("d3", Field::Small),
        ("d4", Field::Small),
        ("d5", Field::Small),
        ("d6", Field::Small),
        ("start", Field::Text),
        ("stop", Field::Text),
    ],
    flattens: None,
};

/// `CredentialSummary`.
pub const CREDENTIAL_SUMMARY: Shape =
    Shape { name: "CredentialSummary", fields: &[("claimed", Field::Count), ("unclaimed", Field::Count), ("total", Field::Count)], flattens: None };

/// `FobActivity`: a fob and its `last_activity`.
pub const FOB_ACTIVITY: Shape = Shape { name: "FobActivity", fields: &[("last_activity", Field::OptTime)], flattens: Some(&FOB) };
