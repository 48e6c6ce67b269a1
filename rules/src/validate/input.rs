//! One input record as the rules read it, whatever it came from: a `serde_json::Value`
//! (native callers, the CSV import, the fuzz targets) or the field tape the JS walk hands to
//! wasm (`tape.rs`). Values borrow from their source; nothing is copied until a rule keeps it.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// A value that is neither text, a number nor a boolean: how it reads in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opaque {
    /// A JSON object.
    Object,
    /// A JSON array.
    List,
}

/// One field's value. `null` is [`Input::Absent`], as is a missing field.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<'a> {
    /// Missing, `null`, or a value JSON has no form for.
    Absent,
    /// A string.
    Text(Cow<'a, str>),
    /// A number, in serde_json's decimal form (`5`, `1.5`, `1e21`).
    Number(Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// An object or an array the field does not take.
    Opaque(Opaque),
}

/// One entry of an `accesslevels` list.
#[derive(Debug, Clone, PartialEq)]
pub enum LevelEntry<'a> {
    /// `{ id, name, ... }`: the values of `id` and `name`, the other keys (in key order), and
    /// how many keys it has in all.
    Object { id: Input<'a>, name: Input<'a>, unknown: Vec<Cow<'a, str>>, keys: usize },
    /// A bare id, name, boolean, `null` or nested structure.
    Value(Input<'a>),
}

impl LevelEntry<'_> {
    /// Whether this entry is already exactly `level`'s wire form (`{ id: 5 }`, `{ name }`).
    pub fn is_wire_form_of(&self, level: &crate::model::AccessLevelInput) -> bool {
        match (self, level.id, &level.name) {
            (LevelEntry::Object { id: Input::Number(n), keys: 1, .. }, Some(id), None) => n.parse::<u64>() == Ok(id),
            (LevelEntry::Object { name: Input::Text(n), keys: 1, .. }, None, Some(name)) => n == name,
            _ => false,
        }
    }
}

/// The `accesslevels` field: absent, a list of entries, or something else.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Levels<'a> {
    /// Missing or `null`.
    #[default]
    Absent,
    /// A list.
    List(Vec<LevelEntry<'a>>),
    /// Anything but a list.
    Other,
}

/// One record: the values of its known fields by position in the kind's field list, its
/// other keys, and its access levels when the kind has them.
#[derive(Debug, Clone, Default)]
pub struct RecordView<'a> {
    /// The known fields' values, indexed like the kind's field list.
    pub values: Vec<Input<'a>>,
    /// The keys that are not known fields, in key order (sorted, as a JSON map keeps them).
    pub unknown: Vec<Cow<'a, str>>,
    /// `accesslevels`, read apart because it is the one structured field.
    pub levels: Levels<'a>,
}

impl<'a> RecordView<'a> {
    /// The record `map` as seen through `fields` (the kind's known fields).
    pub fn from_map(map: &'a Map<String, Value>, fields: &[&str]) -> Self {
        let mut view = RecordView { values: vec![Input::Absent; fields.len()], ..RecordView::default() };
        for (key, value) in map {
            match fields.iter().position(|f| f == key) {
                Some(_) if key == "accesslevels" => view.levels = levels_of(value),
                Some(slot) => view.values[slot] = input_of(value),
                None => view.unknown.push(Cow::Borrowed(key.as_str())),
            }
        }
        view
    }
}

/// A JSON value as a field's input.
pub fn input_of(value: &Value) -> Input<'_> {
    match value {
        Value::Null => Input::Absent,
        Value::String(s) => Input::Text(Cow::Borrowed(s)),
        Value::Number(n) => Input::Number(Cow::Owned(crate::model::number_text(n))),
        Value::Bool(b) => Input::Bool(*b),
        Value::Array(_) => Input::Opaque(Opaque::List),
        Value::Object(_) => Input::Opaque(Opaque::Object),
    }
}

fn levels_of(value: &Value) -> Levels<'_> {
    match value {
        Value::Null => Levels::Absent,
        Value::Array(entries) => Levels::List(
            entries
                .iter()
                .map(|entry| match entry {
                    Value::Object(o) => LevelEntry::Object {
                        id: o.get("id").map_or(Input::Absent, input_of),
                        name: o.get("name").map_or(Input::Absent, input_of),
                        unknown: o.keys().filter(|k| *k != "id" && *k != "name").map(|k| Cow::Borrowed(k.as_str())).collect(),
                        keys: o.len(),
                    },
                    other => LevelEntry::Value(input_of(other)),
                })
                .collect(),
        ),
        _ => Levels::Other,
    }
}

/// serde_json's decimal form of a number that JS wrote with `String(n)` (finite): integers
/// that fit `u64`/`i64` as they are, everything else as serde_json's float writer lays out
/// the same shortest digits (`1e+21`, `1.5e-7`, `0.0001`, `100.0`, `1.8446744073709552e+19`).
pub fn number_from_js(text: &str) -> Cow<'_, str> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let plain_integer = !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    if plain_integer {
        let fits = if negative { text.parse::<i64>().is_ok() } else { body.parse::<u64>().is_ok() };
        if fits {
            return Cow::Borrowed(text);
        }
    }
    // Shortest digits and the decimal exponent `kk`: value = 0.DIGITS × 10^kk.
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int_part.chars().chain(frac_part.chars()).collect();
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    if digits.is_empty() {
        return Cow::Borrowed(if negative { "-0.0" } else { "0.0" });
    }
    let kk = int_part.len() as i32 - leading as i32 + exponent;
    let n = digits.len() as i32;
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if kk - n >= 0 && kk <= 16 {
        out.push_str(digits);
        out.extend(std::iter::repeat('0').take((kk - n) as usize));
        out.push_str(".0");
    } else if 0 < kk && kk <= 16 {
        out.push_str(digits.get(..kk as usize).unwrap_or_default());
        out.push('.');
        out.push_str(digits.get(kk as usize..).unwrap_or_default());
    } else if (-4..=0).contains(&kk) {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-kk) as usize));
        out.push_str(digits);
    } else {
        out.push_str(digits.get(..1).unwrap_or_default());
        if n > 1 {
            out.push('.');
            out.push_str(digits.get(1..).unwrap_or_default());
        }
        out.push('e');
        if kk > 1 {
            out.push('+');
        }
        push_int(&mut out, i64::from(kk - 1));
    }
    Cow::Owned(out)
}

/// A stable insertion sort: the lists sorted here (a record's issues, its unknown keys) are
/// a handful of items, and the standard sorts would add kilobytes of code to the module.
pub fn sort_small_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Appends `n` in decimal without `core::fmt`.
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

/// Appends `n` in decimal without `core::fmt`.
pub fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev().map(|d| *d as char));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_number_text_becomes_serde_json_text() {
        // What serde_json prints for the number JS wrote (exactly that double: serde_json's
        // own text-to-float parse can be one unit off for integers past u64).
        for js in [
            "0",
            "5",
            "-3",
            "1.5",
            "-0.25",
            "1e+21",
            "1.5e-7",
            "0.0001",
            "0.000001",
            "123456789012345680000",
            "18446744073709552000",
            "18446744073709551615",
            "-9223372036854775808",
            "1e+300",
            "5e-324",
            "100",
            "12345678901234567",
            "0.00001",
            "1e-7",
            "1000000000000000",
            "10000000000000000",
            "1.25e+21",
        ] {
            let value: f64 = js.parse().unwrap();
            let json = match (js.parse::<u64>(), js.parse::<i64>()) {
                (Ok(_), _) | (_, Ok(_)) => js.to_owned(),
                _ => serde_json::to_string(&value).unwrap(),
            };
            assert_eq!(number_from_js(js), json, "{js}");
        }
    }
}
