//! Reads a caller's options object into its typed struct with errors in plain words: an
//! unknown key names the nearest known one, a wrong type names the option and the type it
//! must have. The options arrive as a [`Given`] tree (the wasm layer builds it from the JS
//! object); each type reads itself from it ([`FromGiven`]), option structs key by key.
//!
//! No serde here: its derived code, once per struct, cost the module ~12 kB gzip; this
//! reader is a few hundred bytes per struct.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::Error;

/// An option value as the caller gave it, by JS type. Functions and signals carry nothing: the
/// wasm layer keeps the values themselves and hands them over once the options are read.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// `undefined`: not given.
    Undefined,
    /// `null`: not given, like `undefined`.
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// A `Date`, as epoch milliseconds (NaN for an invalid date).
    Date(f64),
    Function,
    Signal,
    /// A plain object's own enumerable keys and values, in order.
    Object(Vec<(String, Given)>),
    /// Anything else, described for messages: "an array", "a bigint", ...
    Other(&'static str),
}

impl Given {
    /// What the caller gave, in words, never quoting the value (it may be a secret pasted
    /// into the wrong option).
    pub(crate) fn described(&self) -> &'static str {
        match self {
            Given::Undefined => "undefined",
            Given::Null => "null",
            Given::Bool(_) => "a boolean",
            Given::Number(n) => number_described(*n),
            Given::Text(_) => "a string",
            Given::Date(ms) if ms.is_finite() => "a Date",
            Given::Date(_) => "an invalid Date",
            Given::Function => "a function",
            Given::Signal => "an AbortSignal",
            Given::Object(_) => "an object",
            Given::Other(what) => what,
        }
    }
}

fn number_described(n: f64) -> &'static str {
    if n.is_nan() {
        "NaN"
    } else if n.is_infinite() {
        "an infinite number"
    } else if n < 0.0 {
        "a negative number"
    } else if n.fract() != 0.0 {
        "a fractional number"
    } else {
        "a number"
    }
}

/// A type that reads itself from an option value.
pub trait FromGiven: Sized {
    /// The value, or why `given` is not one (its path filled in by the caller).
    fn from_given(given: Given) -> Result<Self, OptionError>;
}

/// Reads `given` (the options object, or `Undefined`) into `T`. `method` names the call in
/// messages (`users.save`). Every error is of kind `config`.
pub fn read<T: FromGiven>(given: Given, method: &str) -> Result<T, Error> {
    T::from_given(options_object(given, method)?).map_err(|e| config_error(&e, method))
}

/// The options object (`{}` when none was given), or the error that it is not one.
fn options_object(given: Given, method: &str) -> Result<Given, Error> {
    match given {
        Given::Undefined | Given::Null => Ok(Given::Object(Vec::new())),
        object @ Given::Object(_) => Ok(object),
        other => Err(Error::config(format!("{method}: options must be an object, got {}", other.described()))),
    }
}

fn config_error(e: &OptionError, method: &str) -> Error {
    Error::config(format!("{method}: {e}"))
}

/// The keys of an options object being read into a struct.
pub struct Entries(Vec<(String, Given)>);

impl Entries {
    /// The entries of `given`, an object whose every key is one of `known`.
    pub fn of(given: Given, known: &'static [&'static str]) -> Result<Entries, OptionError> {
        let Given::Object(entries) = given else { return Err(OptionError::expected("an object", &given)) };
        if let Some((key, _)) = entries.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(OptionError::new(Problem::Unknown { key: key.clone(), known }));
        }
        Ok(Entries(entries))
    }

    /// The option `key`: `None` when absent, `undefined` or `null`.
    pub fn take<T: FromGiven>(&mut self, key: &str) -> Result<Option<T>, OptionError> {
        self.remove(key).map(|given| T::from_given(given).map_err(|e| e.within(key))).transpose()
    }

    fn remove(&mut self, key: &str) -> Option<Given> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1).filter(|given| !matches!(given, Given::Undefined | Given::Null))
    }
}

/// Why options could not be read, and where (boxed: a small `Err` keeps every reader small).
#[derive(Debug)]
pub struct OptionError(Box<Failure>);

/// The problem, under `path`, which runs from the outermost key.
#[derive(Debug)]
struct Failure {
    path: Vec<String>,
    problem: Problem,
}

#[derive(Debug)]
enum Problem {
    Unknown { key: String, known: &'static [&'static str] },
    Expected { what: &'static str, got: &'static str },
}

impl OptionError {
    fn new(problem: Problem) -> Self {
        OptionError(Box::new(Failure { path: Vec::new(), problem }))
    }

    pub(crate) fn expected(what: &'static str, got: &Given) -> Self {
        Self::new(Problem::Expected { what, got: got.described() })
    }

    /// The error, under the option `key` of the object it was found in.
    fn within(mut self, key: &str) -> Self {
        self.0.path.insert(0, key.to_string());
        self
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Failure { path, problem } = &*self.0;
        let prefix: String = path.iter().map(|k| format!("{k}.")).collect();
        match problem {
            Problem::Unknown { key, known } => match nearest(key, known) {
                Some(near) => write!(f, "unknown option `{prefix}{key}`; did you mean `{prefix}{near}`?"),
                None => write!(f, "unknown option `{prefix}{key}`; the options are {}", quoted_list(known, "`", ", ")),
            },
            Problem::Expected { what, got } => write!(f, "option `{}` must be {what}, got {got}", crate::api::joined(path, ".")),
        }
    }
}

fn quoted_list(items: &[&str], quote: &str, separator: &str) -> String {
    crate::api::joined(items.iter().map(|i| format!("{quote}{i}{quote}")), separator)
}

/// The known key closest to `key`, when it is close enough to be a typo: an edit distance
/// (bytes, with transpositions, ignoring ASCII case) of at most a third of the key's length, and at least 2.
pub fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (key.len() / 3).max(2);
    known.iter().map(|k| (edit_distance(key.as_bytes(), k.as_bytes()), *k)).filter(|(d, _)| *d <= limit).min_by_key(|(d, _)| *d).map(|(_, k)| k)
}

/// Levenshtein distance where swapping two neighbours counts as one edit.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let same = |x: u8, y: u8| x.eq_ignore_ascii_case(&y);
    let mut rows = vec![(0..=b.len()).collect::<Vec<usize>>()];
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(!same(a[i - 1], b[j - 1]));
            row[j] = (rows[i - 1][j] + 1).min(row[j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) {
                row[j] = row[j].min(rows[i - 2][j - 2] + 1);
            }
        }
        rows.push(row);
    }
    rows[a.len()][b.len()]
}

impl Given {
    /// A whole number from 0 to `max`.
    fn whole(self, max: f64) -> Result<f64, OptionError> {
        match self {
            Given::Number(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n),
            other => Err(OptionError::expected("a whole number >= 0", &other)),
        }
    }
}

impl FromGiven for bool {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        match given {
            Given::Bool(b) => Ok(b),
            other => Err(OptionError::expected("true or false", &other)),
        }
    }
}

impl FromGiven for f64 {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        match given {
            Given::Number(n) => Ok(n),
            other => Err(OptionError::expected("a number", &other)),
        }
    }
}

impl FromGiven for u32 {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        given.whole(u32::MAX.into()).map(|n| n as u32)
    }
}

impl FromGiven for String {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        match given {
            Given::Text(s) => Ok(s),
            other => Err(OptionError::expected("a string", &other)),
        }
    }
}

/// Text values by name, in name order, a name at most once: the `headers` option and the
/// headers hooks see. A sorted list rather than a `BTreeMap`, whose insertion code the module
/// would otherwise carry for this one key and value type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextMap(Vec<(String, String)>);

impl TextMap {
    /// Sets `name` to `value`, replacing an earlier value of that name.
    pub fn insert(&mut self, name: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&name)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }
}

impl IntoIterator for TextMap {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
impl std::ops::Index<&str> for TextMap {
    type Output = String;

    fn index(&self, name: &str) -> &String {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(name)).expect("no such name in the TextMap");
        &self.0[i].1
    }
}

/// Serialised as a map, as a `BTreeMap` is.
impl Serialize for TextMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// An object of text values (`headers`).
impl FromGiven for TextMap {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        let Given::Object(entries) = given else { return Err(OptionError::expected("an object", &given)) };
        let mut headers = TextMap::default();
        for (name, value) in entries {
            let value = String::from_given(value).map_err(|e| e.within(&name))?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_map_keeps_names_in_order_and_the_last_value_of_a_name() {
        let mut map = TextMap::default();
        for (k, v) in [("x-b", "1"), ("x-a", "2"), ("x-c", "3"), ("x-b", "4")] {
            map.insert(k.into(), v.into());
        }
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"x-a":"2","x-b":"4","x-c":"3"}"#);
        assert_eq!(map.into_iter().map(|(k, _)| k).collect::<Vec<_>>(), ["x-a", "x-b", "x-c"]);
    }

    #[test]
    fn typos_find_the_nearest_key() {
        let known = ["updateExisting", "validateFailsBatch", "replacePrivileges", "signal", "onProgress"];
        assert_eq!(nearest("updateExsting", &known), Some("updateExisting"));
        assert_eq!(nearest("UpdateExisting", &known), Some("updateExisting"));
        assert_eq!(nearest("update_existing", &known), Some("updateExisting"));
        assert_eq!(nearest("singal", &known), Some("signal"));
        assert_eq!(nearest("afer", &["after", "intervalMs", "signal", "onGap"]), Some("after"));
        assert_eq!(nearest("kye", &["key", "disableMissing", "signal"]), Some("key"));
        assert_eq!(nearest("color", &known), None);
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance(b"kye", b"key"), 1);
        assert_eq!(edit_distance(b"", b"abc"), 3);
        assert_eq!(edit_distance(b"After", b"after"), 0);
    }
}
