//! Lenient field readers for the API's loosely typed JSON (API-ERRATA #5, #6, #7, #14, #15).
//! The SDK reads API answers with their mirrors in `record` and `shape` (no serde visitor per
//! type ships); these serde readers stay the reference that their tests hold them to.

use serde::{Deserialize, Deserializer, Serialize};
use tsify::Tsify;

/// Text that callers may also give as a number (`card_num: 5599`, `id: "613297"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(untagged)]
#[tsify(type = "string | number")]
pub enum Text {
    /// A JSON string, kept as written.
    Str(String),
    /// A JSON number, kept in its shortest decimal form.
    Num(serde_json::Number),
}

impl Text {
    /// The value as text, numbers in their decimal form.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Text::Str(s) => s.as_str().into(),
            Text::Num(n) => number_text(n).into(),
        }
    }
}

/// A JSON number in its decimal form, as serde_json writes it.
pub fn number_text(n: &serde_json::Number) -> String {
    crate::json::to_text(n).unwrap_or_default()
}

/// A scalar JSON value as text, for comparing what was sent with what the API shows: strings
/// trimmed, numbers as JSON writes them, booleans as `true`/`false`; `None` for null, arrays
/// and objects.
pub fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(number_text(n)),
        serde_json::Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_string()),
        _ => None,
    }
}

/// A boolean the API may also write as the string `"true"` or `"false"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(untagged)]
#[tsify(type = "boolean | \"true\" | \"false\"")]
pub enum Flag {
    /// A JSON boolean.
    Bool(bool),
    /// A JSON string, meant to be `"true"` or `"false"`.
    Str(String),
}

impl Flag {
    /// The boolean meant, or `None` for a string other than `"true"`/`"false"`.
    pub fn value(&self) -> Option<bool> {
        match self {
            Flag::Bool(b) => Some(*b),
            Flag::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Flag::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Flag::Str(_) => None,
        }
    }
}

/// Reads an id given as a number or as digit text.
pub(crate) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Text::deserialize(d)? {
        Text::Num(n) => n.as_u64().ok_or_else(|| serde::de::Error::custom("id is not a non-negative integer")),
        Text::Str(s) => s.trim().parse().map_err(|_| serde::de::Error::custom("id is not digit text")),
    }
}

/// Reads an optional id given as a number, digit text, `""` or `null`.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<Text>::deserialize(d)? {
        None => Ok(None),
        Some(Text::Str(s)) if s.trim().is_empty() => Ok(None),
        Some(t) => id(serde::de::value::StrDeserializer::<D::Error>::new(&t.as_text())).map(Some),
    }
}

/// Reads optional text given as a string or a number; `null` is absent.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Text>::deserialize(d)?.map(|t| t.as_text().into_owned()))
}

/// Reads an optional date-time; `""` and `null` mean "not set" (API-ERRATA #7).
pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_text(d)?.filter(|s| !s.trim().is_empty()))
}

/// Reads an optional boolean given as `true`/`false`, `"true"`/`"false"`, `0`/`1` or `null`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Bool(bool),
        Num(u8),
        Str(String),
    }
    Ok(match Option::<Loose>::deserialize(d)? {
        None => None,
        Some(Loose::Bool(b)) => Some(b),
        Some(Loose::Num(n)) => Some(n != 0),
        Some(Loose::Str(s)) => Flag::Str(s).value(),
    })
}

/// Reads a list that may be absent or `null` as an empty list.
pub(crate) fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}
