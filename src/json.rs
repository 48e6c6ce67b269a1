//! JSON text read as serde_json reads it, without serde_json's deserializer: the API's answers
//! into serde_json's [`Value`], and the few arguments that cross as JSON text (`users.apply`'s
//! plan, `assignAccessLevels`' levels, a roster's rows) into their types. The same values, the
//! same refusals and the same error texts, line and column included (the tests below hold it to
//! serde_json over a corpus of odd texts). serde_json's deserializer is generic code copied for
//! every type it reads (tens of kB of the SDK module); this reader is written once.

use std::fmt;

use serde_json::{Map, Number, Value};

/// How deep arrays and objects may nest, as serde_json allows.
const DEPTH_LIMIT: u8 = 128;

// serde_json's error texts.
const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const OUT_OF_RANGE: &str = "number out of range";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_NOT_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const HEX_ESCAPE_END: &str = "unexpected end of hex escape";
const TOO_DEEP: &str = "recursion limit exceeded";

/// Why a text was refused, as serde_json's `Error` displays it.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    message: String,
    /// Line and column as serde_json counts them (column in bytes); `None` until known.
    position: Option<(usize, usize)>,
}

impl JsonError {
    /// An error of the value read (a wrong type, a missing field), placed by the reader later.
    fn unplaced(message: String) -> Self {
        JsonError { message, position: None }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{} at line {line} column {column}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The text `value` as serde_json reads it into a [`Value`] (`serde_json::from_str`).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    from_text(text)
}

/// The text as serde_json reads it into `T` (`serde_json::from_str::<T>`).
pub fn from_text<T: FromJson>(text: &str) -> Result<T, JsonError> {
    let mut reader = Reader { text, bytes: text.as_bytes(), index: 0, remaining_depth: DEPTH_LIMIT };
    let value = T::read(&mut reader)?;
    match reader.whitespace() {
        Some(_) => Err(reader.peek_error(TRAILING_CHARACTERS)),
        None => Ok(value),
    }
}

/// A type read from JSON text as its serde derive reads it through serde_json.
pub trait FromJson: Sized {
    /// Reads one value at the reader's place.
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError>;
}

impl FromJson for Value {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.value()
    }
}

impl FromJson for String {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.string()
    }
}

impl FromJson for u64 {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.unsigned(u64::MAX, "u64")
    }
}

impl FromJson for usize {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        // usize::MAX fits in u64 on every target this crate builds for.
        reader.unsigned(usize::MAX as u64, "usize").map(|n| n as usize)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut items = Vec::new();
        reader.seq(&mut |r| {
            items.push(T::read(r)?);
            Ok(())
        })?;
        Ok(items)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        if reader.whitespace() == Some(b'n') {
            reader.index += 1;
            reader.ident(b"ull")?;
            return Ok(None);
        }
        T::read(reader).map(Some)
    }
}

/// What a value that is not of the expected type is, in serde_json's words ("integer `5`").
pub fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn number_unexpected(n: &Number) -> String {
    // The number's text as its `Display` writes it, floats by `float_text`.
    let text = to_text(n).unwrap_or_default();
    if n.is_f64() {
        format!("floating point `{text}`")
    } else {
        format!("integer `{text}`")
    }
}

/// serde's "invalid type" error: `what` was given where `expected` was wanted.
pub fn invalid_type(what: &str, expected: &str) -> String {
    format!("invalid type: {what}, expected {expected}")
}

/// A number as serde_json's parser first reads it.
enum Parsed {
    U64(u64),
    I64(i64),
    F64(f64),
}

impl Parsed {
    fn into_value(self) -> Value {
        match self {
            Parsed::U64(n) => Value::Number(n.into()),
            Parsed::I64(n) => Value::Number(n.into()),
            Parsed::F64(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
        }
    }
}

/// A place in a JSON text, read as serde_json's `Deserializer` over a `&str` reads it.
pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    index: usize,
    remaining_depth: u8,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.index).copied()
    }

    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.index += 1;
        Some(b)
    }

    fn position_of(&self, index: usize) -> (usize, usize) {
        let before = &self.bytes[..index];
        let start_of_line = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        (1 + before[..start_of_line].iter().filter(|&&b| b == b'\n').count(), index - start_of_line)
    }

    /// An error at the reader's place (after the byte just read).
    fn error(&self, message: &str) -> JsonError {
        JsonError { message: message.into(), position: Some(self.position_of(self.index)) }
    }

    /// An error at the byte peeked.
    fn peek_error(&self, message: &str) -> JsonError {
        JsonError { message: message.into(), position: Some(self.position_of((self.index + 1).min(self.bytes.len()))) }
    }

    /// Places an error of the value read at the reader's place.
    fn fix(&self, e: JsonError) -> JsonError {
        match e.position {
            Some(_) => e,
            None => JsonError { position: Some(self.position_of(self.index)), ..e },
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.index += 1;
        }
        self.peek()
    }

    /// The first byte of the next value, not consumed.
    fn value_start(&mut self) -> Result<u8, JsonError> {
        self.whitespace().ok_or_else(|| self.peek_error(EOF_VALUE))
    }

    fn ident(&mut self, rest: &[u8]) -> Result<(), JsonError> {
        for expected in rest {
            match self.next() {
                None => return Err(self.error(EOF_VALUE)),
                Some(b) if b != *expected => return Err(self.error(EXPECTED_IDENT)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Any value (`Value::deserialize`).
    pub fn value(&mut self) -> Result<Value, JsonError> {
        let value = match self.value_start()? {
            b'n' => self.literal(b"ull", Value::Null)?,
            b't' => self.literal(b"rue", Value::Bool(true))?,
            b'f' => self.literal(b"alse", Value::Bool(false))?,
            b'-' => {
                self.index += 1;
                self.integer(false)?.into_value()
            }
            b'0'..=b'9' => self.integer(true)?.into_value(),
            b'"' => {
                self.index += 1;
                Value::String(self.string_body()?)
            }
            b'[' => {
                let mut items = Vec::new();
                self.nested(b'[', &mut |r| {
                    while r.has_next_element(items.is_empty())? {
                        items.push(r.value()?);
                    }
                    Ok(())
                })?;
                Value::Array(items)
            }
            b'{' => {
                let mut entries = Map::new();
                self.nested(b'{', &mut |r| {
                    while r.has_next_key(entries.is_empty())? {
                        let key = r.key()?;
                        r.colon()?;
                        entries.insert(key, r.value()?);
                    }
                    Ok(())
                })?;
                Value::Object(entries)
            }
            _ => return Err(self.peek_error(EXPECTED_VALUE)),
        };
        Ok(value)
    }

    fn literal(&mut self, rest: &[u8], value: Value) -> Result<Value, JsonError> {
        self.index += 1;
        self.ident(rest)?;
        Ok(value)
    }

    /// An array or object opened by `open` (at the reader's place), its contents read by
    /// `contents`, then closed: one level deeper, within the depth limit.
    fn nested(&mut self, open: u8, contents: &mut dyn FnMut(&mut Self) -> Result<(), JsonError>) -> Result<(), JsonError> {
        self.remaining_depth -= 1;
        if self.remaining_depth == 0 {
            return Err(self.peek_error(TOO_DEEP));
        }
        self.index += 1;
        let read = contents(self);
        self.remaining_depth += 1;
        let closed = if open == b'[' { self.end_seq() } else { self.end_map() };
        read.and(closed)
    }

    fn has_next_element(&mut self, first: bool) -> Result<bool, JsonError> {
        match self.whitespace() {
            None => Err(self.peek_error(EOF_LIST)),
            Some(b']') => Ok(false),
            Some(_) if first => Ok(true),
            Some(b',') => {
                self.index += 1;
                match self.whitespace() {
                    Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
                    Some(_) => Ok(true),
                    None => Err(self.peek_error(EOF_VALUE)),
                }
            }
            Some(_) => Err(self.peek_error(EXPECTED_LIST_END)),
        }
    }

    fn has_next_key(&mut self, first: bool) -> Result<bool, JsonError> {
        match self.whitespace() {
            None => Err(self.peek_error(EOF_OBJECT)),
            Some(b'}') => Ok(false),
            Some(b'"') if first => Ok(true),
            Some(_) if first => Err(self.peek_error(KEY_NOT_STRING)),
            Some(b',') => {
                self.index += 1;
                match self.whitespace() {
                    Some(b'"') => Ok(true),
                    Some(b'}') => Err(self.peek_error(TRAILING_COMMA)),
                    Some(_) => Err(self.peek_error(KEY_NOT_STRING)),
                    None => Err(self.peek_error(EOF_VALUE)),
                }
            }
            Some(_) => Err(self.peek_error(EXPECTED_OBJECT_END)),
        }
    }

    /// An object's key (the reader is at its opening quote).
    fn key(&mut self) -> Result<String, JsonError> {
        self.index += 1;
        self.string_body()
    }

    fn colon(&mut self) -> Result<(), JsonError> {
        match self.whitespace() {
            Some(b':') => {
                self.index += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_error(EXPECTED_COLON)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    fn end_seq(&mut self) -> Result<(), JsonError> {
        match self.whitespace() {
            Some(b']') => {
                self.index += 1;
                Ok(())
            }
            Some(b',') => {
                self.index += 1;
                match self.whitespace() {
                    Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
                    _ => Err(self.peek_error(TRAILING_CHARACTERS)),
                }
            }
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_LIST)),
        }
    }

    fn end_map(&mut self) -> Result<(), JsonError> {
        match self.whitespace() {
            Some(b'}') => {
                self.index += 1;
                Ok(())
            }
            Some(b',') => Err(self.peek_error(TRAILING_COMMA)),
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    /// A string (`String::deserialize`).
    pub fn string(&mut self) -> Result<String, JsonError> {
        let read = match self.value_start()? {
            b'"' => {
                self.index += 1;
                return self.string_body();
            }
            _ => Err(self.peek_invalid_type("a string")),
        };
        read.map_err(|e| self.fix(e))
    }

    /// An unsigned integer up to `max` (`u64` or `usize`), `what` in errors.
    fn unsigned(&mut self, max: u64, what: &str) -> Result<u64, JsonError> {
        let parsed = match self.value_start()? {
            b'-' => {
                self.index += 1;
                self.integer(false)?
            }
            b'0'..=b'9' => self.integer(true)?,
            _ => return Err(self.peek_invalid_type(what)),
        };
        let read = match parsed {
            Parsed::U64(n) if n <= max => Ok(n),
            Parsed::U64(n) => Err(format!("invalid value: integer `{n}`, expected {what}")),
            Parsed::I64(n) => Err(format!("invalid value: integer `{n}`, expected {what}")),
            float => Err(invalid_type(&unexpected(&float.into_value()), what)),
        };
        read.map_err(|message| self.fix(JsonError::unplaced(message)))
    }

    /// The error for a value that is not `expected`, as serde_json words it after reading the
    /// value's start (a string or number whole).
    fn peek_invalid_type(&mut self, expected: &str) -> JsonError {
        let what = match self.peek_or_null() {
            b'n' => self.literal(b"ull", Value::Null),
            b't' => self.literal(b"rue", Value::Bool(true)),
            b'f' => self.literal(b"alse", Value::Bool(false)),
            b'-' => {
                self.index += 1;
                self.integer(false).map(Parsed::into_value)
            }
            b'0'..=b'9' => self.integer(true).map(Parsed::into_value),
            b'"' => {
                self.index += 1;
                self.string_body().map(Value::String)
            }
            b'[' => Ok(Value::Array(Vec::new())),
            b'{' => Ok(Value::Object(Map::new())),
            _ => return self.peek_error(EXPECTED_VALUE),
        };
        match what {
            Ok(v) => self.fix(JsonError::unplaced(invalid_type(&unexpected(&v), expected))),
            Err(e) => e,
        }
    }

    /// A sequence (`Vec::deserialize`), each element read by `element`.
    pub fn seq(&mut self, element: &mut dyn FnMut(&mut Self) -> Result<(), JsonError>) -> Result<(), JsonError> {
        let read = match self.value_start()? {
            b'[' => self.nested(b'[', &mut |r| {
                let mut first = true;
                while r.has_next_element(first)? {
                    first = false;
                    element(r)?;
                }
                Ok(())
            }),
            _ => Err(self.peek_invalid_type("a sequence")),
        };
        read.map_err(|e| self.fix(e))
    }

    /// A struct as serde's derive reads it (`name`, its `fields` in declaration order, each
    /// with whether it is required): from an object, by key (unknown keys skipped, a repeated
    /// one refused, the first missing required one named), or from an array, by position.
    /// `field` reads the value of the field with the index it is given.
    pub fn record(&mut self, name: &str, fields: &[(&str, bool)], field: &mut dyn FnMut(&mut Self, usize) -> Result<(), JsonError>) -> Result<(), JsonError> {
        let read = match self.value_start()? {
            b'{' => self.nested(b'{', &mut |r| {
                let mut seen = vec![false; fields.len()];
                let mut first = true;
                while r.has_next_key(first)? {
                    first = false;
                    let key = r.key()?;
                    match fields.iter().position(|(name, _)| *name == key) {
                        Some(i) if seen[i] => return Err(JsonError::unplaced(format!("duplicate field `{key}`"))),
                        Some(i) => {
                            seen[i] = true;
                            r.colon()?;
                            field(r, i)?;
                        }
                        None => {
                            r.colon()?;
                            r.ignore()?;
                        }
                    }
                }
                match fields.iter().zip(&seen).find(|((_, required), seen)| *required && !**seen) {
                    Some(((name, _), _)) => Err(JsonError::unplaced(format!("missing field `{name}`"))),
                    None => Ok(()),
                }
            }),
            b'[' => self.nested(b'[', &mut |r| {
                for (i, (_, required)) in fields.iter().enumerate() {
                    if r.has_next_element(i == 0)? {
                        field(r, i)?;
                    } else if *required {
                        let plural = if fields.len() == 1 { "" } else { "s" };
                        return Err(JsonError::unplaced(format!("invalid length {i}, expected struct {name} with {} element{plural}", fields.len())));
                    }
                }
                Ok(())
            }),
            _ => Err(self.peek_invalid_type(&format!("struct {name}"))),
        };
        read.map_err(|e| self.fix(e))
    }

    /// A number after its sign (`-` already read when not `positive`).
    fn integer(&mut self, positive: bool) -> Result<Parsed, JsonError> {
        match self.next() {
            None => Err(self.error(EOF_VALUE)),
            Some(b'0') => match self.peek_or_null() {
                b'0'..=b'9' => Err(self.peek_error(INVALID_NUMBER)),
                _ => self.number(positive, 0),
            },
            Some(c @ b'1'..=b'9') => {
                let mut significand = u64::from(c - b'0');
                while let c @ b'0'..=b'9' = self.peek_or_null() {
                    let digit = u64::from(c - b'0');
                    if overflows(significand, digit, u64::MAX) {
                        return self.long_integer(positive, significand).map(Parsed::F64);
                    }
                    self.index += 1;
                    significand = significand * 10 + digit;
                }
                self.number(positive, significand)
            }
            Some(_) => Err(self.error(INVALID_NUMBER)),
        }
    }

    fn number(&mut self, positive: bool, significand: u64) -> Result<Parsed, JsonError> {
        Ok(match self.peek_or_null() {
            b'.' => Parsed::F64(self.decimal(positive, significand, 0)?),
            b'e' | b'E' => Parsed::F64(self.exponent(positive, significand, 0)?),
            _ if positive => Parsed::U64(significand),
            _ => {
                let negative = (significand as i64).wrapping_neg();
                // A float when it underflows i64, or for `-0`.
                if negative >= 0 {
                    Parsed::F64(-(significand as f64))
                } else {
                    Parsed::I64(negative)
                }
            }
        })
    }

    fn decimal(&mut self, positive: bool, mut significand: u64, exponent_before_point: i32) -> Result<f64, JsonError> {
        self.index += 1;
        let mut exponent_after_point = 0;
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            let digit = u64::from(c - b'0');
            if overflows(significand, digit, u64::MAX) {
                // Digits past what a u64 holds are ignored.
                while let b'0'..=b'9' = self.peek_or_null() {
                    self.index += 1;
                }
                let exponent = exponent_before_point + exponent_after_point;
                return match self.peek_or_null() {
                    b'e' | b'E' => self.exponent(positive, significand, exponent),
                    _ => self.f64_from_parts(positive, significand, exponent),
                };
            }
            self.index += 1;
            significand = significand * 10 + digit;
            exponent_after_point -= 1;
        }
        if exponent_after_point == 0 {
            return Err(self.peek_error(if self.peek().is_some() { INVALID_NUMBER } else { EOF_VALUE }));
        }
        let exponent = exponent_before_point + exponent_after_point;
        match self.peek_or_null() {
            b'e' | b'E' => self.exponent(positive, significand, exponent),
            _ => self.f64_from_parts(positive, significand, exponent),
        }
    }

    fn exponent(&mut self, positive: bool, significand: u64, starting_exponent: i32) -> Result<f64, JsonError> {
        self.index += 1;
        let positive_exponent = match self.peek_or_null() {
            b'+' => {
                self.index += 1;
                true
            }
            b'-' => {
                self.index += 1;
                false
            }
            _ => true,
        };
        let mut exponent = match self.next() {
            None => return Err(self.error(EOF_VALUE)),
            Some(c @ b'0'..=b'9') => i32::from(c - b'0'),
            Some(_) => return Err(self.error(INVALID_NUMBER)),
        };
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            self.index += 1;
            let digit = i32::from(c - b'0');
            if overflows(exponent as u64, digit as u64, i32::MAX as u64) {
                // Infinity is refused; a vanishing number is zero.
                if significand != 0 && positive_exponent {
                    return Err(self.error(OUT_OF_RANGE));
                }
                while let b'0'..=b'9' = self.peek_or_null() {
                    self.index += 1;
                }
                return Ok(if positive { 0.0 } else { -0.0 });
            }
            exponent = exponent * 10 + digit;
        }
        let exponent = if positive_exponent { starting_exponent.saturating_add(exponent) } else { starting_exponent.saturating_sub(exponent) };
        self.f64_from_parts(positive, significand, exponent)
    }

    /// An integer too long for a u64: its first digits, scaled (serde_json's reading).
    fn long_integer(&mut self, positive: bool, significand: u64) -> Result<f64, JsonError> {
        let mut exponent = 0;
        loop {
            match self.peek_or_null() {
                b'0'..=b'9' => {
                    self.index += 1;
                    exponent += 1;
                }
                b'.' => return self.decimal(positive, significand, exponent),
                b'e' | b'E' => return self.exponent(positive, significand, exponent),
                _ => return self.f64_from_parts(positive, significand, exponent),
            }
        }
    }

    /// `significand` × 10^`exponent` as serde_json computes it (without its `float_roundtrip`).
    fn f64_from_parts(&mut self, positive: bool, significand: u64, mut exponent: i32) -> Result<f64, JsonError> {
        let mut f = significand as f64;
        loop {
            match pow10(exponent.unsigned_abs()) {
                Some(pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error(OUT_OF_RANGE));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error(OUT_OF_RANGE));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(if positive { f } else { -f })
    }

    /// A string's contents after its opening quote, escapes decoded, through its closing quote.
    fn string_body(&mut self) -> Result<String, JsonError> {
        let mut out = String::new();
        loop {
            // Plain text runs to a quote, a backslash or a control character: all ASCII, so
            // the run ends on a character boundary.
            let rest = &self.text[self.index..];
            let plain = rest.bytes().position(|b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
            out.push_str(&rest[..plain]);
            self.index += plain;
            match self.next() {
                None => return Err(self.error(EOF_STRING)),
                Some(b'"') => return Ok(out),
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error(CONTROL_CHARACTER)),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let plain = match self.next() {
            None => return Err(self.error(EOF_STRING)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(out),
            Some(_) => return Err(self.error(INVALID_ESCAPE)),
        };
        out.push(plain);
        Ok(())
    }

    /// A `\u` escape (just read): a character, or a pair of surrogates, which must pair.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let lead = self.hex_escape()?;
        if (0xDC00..=0xDFFF).contains(&lead) {
            return Err(self.error(LONE_SURROGATE));
        }
        let code = if (0xD800..=0xDBFF).contains(&lead) {
            for expected in [b'\\', b'u'] {
                match self.next() {
                    None => return Err(self.error(EOF_STRING)),
                    Some(b) if b != expected => return Err(self.error(HEX_ESCAPE_END)),
                    Some(_) => {}
                }
            }
            let trail = self.hex_escape()?;
            if !(0xDC00..=0xDFFF).contains(&trail) {
                return Err(self.error(LONE_SURROGATE));
            }
            ((u32::from(lead - 0xD800) << 10) | u32::from(trail - 0xDC00)) + 0x1_0000
        } else {
            u32::from(lead)
        };
        out.push(char::from_u32(code).unwrap_or_default());
        Ok(())
    }

    fn hex_escape(&mut self) -> Result<u16, JsonError> {
        let Some(digits) = self.bytes.get(self.index..self.index + 4) else {
            self.index = self.bytes.len();
            return Err(self.error(EOF_STRING));
        };
        self.index += 4;
        let value = digits.iter().try_fold(0u16, |acc, &d| Some(acc << 4 | char::from(d).to_digit(16)? as u16));
        value.ok_or_else(|| self.error(INVALID_ESCAPE))
    }

    /// Skips any value, as serde_json skips a field nothing reads: strings are not decoded
    /// (a lone surrogate passes), and nesting has no limit.
    fn ignore(&mut self) -> Result<(), JsonError> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // One value, or the opening of an array or object.
            match self.value_start()? {
                b'n' => self.literal(b"ull", Value::Null).map(drop)?,
                b't' => self.literal(b"rue", Value::Null).map(drop)?,
                b'f' => self.literal(b"alse", Value::Null).map(drop)?,
                b'-' => {
                    self.index += 1;
                    self.ignore_number()?;
                }
                b'0'..=b'9' => self.ignore_number()?,
                b'"' => {
                    self.index += 1;
                    self.ignore_string()?;
                }
                frame @ (b'[' | b'{') => {
                    self.index += 1;
                    open.push(frame);
                    let close = if frame == b'[' { b']' } else { b'}' };
                    match self.whitespace() {
                        None => return Err(self.peek_error(if frame == b'[' { EOF_LIST } else { EOF_OBJECT })),
                        Some(b) if b != close => {
                            self.ignore_key(frame)?;
                            continue;
                        }
                        Some(_) => {
                            self.index += 1;
                            open.pop();
                        }
                    }
                }
                _ => return Err(self.peek_error(EXPECTED_VALUE)),
            }
            // Close what the value completes; after a comma, the next value.
            loop {
                let Some(&frame) = open.last() else { return Ok(()) };
                match self.whitespace() {
                    Some(b',') => {
                        self.index += 1;
                        self.ignore_key(frame)?;
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) => return Err(self.peek_error(if frame == b'[' { EXPECTED_LIST_END } else { EXPECTED_OBJECT_END })),
                    None => return Err(self.peek_error(if frame == b'[' { EOF_LIST } else { EOF_OBJECT })),
                }
                self.index += 1;
                open.pop();
            }
        }
    }

    /// In an object (`frame` is `{`), skips the key and colon before the next value.
    fn ignore_key(&mut self, frame: u8) -> Result<(), JsonError> {
        if frame != b'{' {
            return Ok(());
        }
        match self.whitespace() {
            Some(b'"') => self.index += 1,
            Some(_) => return Err(self.peek_error(KEY_NOT_STRING)),
            None => return Err(self.peek_error(EOF_OBJECT)),
        }
        self.ignore_string()?;
        self.colon()
    }

    fn ignore_number(&mut self) -> Result<(), JsonError> {
        match self.next().unwrap_or(0) {
            b'0' => {
                if let b'0'..=b'9' = self.peek_or_null() {
                    return Err(self.peek_error(INVALID_NUMBER));
                }
            }
            b'1'..=b'9' => self.skip_digits(),
            _ => return Err(self.error(INVALID_NUMBER)),
        }
        if self.peek_or_null() == b'.' {
            self.index += 1;
            if !self.peek_or_null().is_ascii_digit() {
                return Err(self.peek_error(INVALID_NUMBER));
            }
            self.skip_digits();
        }
        if let b'e' | b'E' = self.peek_or_null() {
            self.index += 1;
            if let b'+' | b'-' = self.peek_or_null() {
                self.index += 1;
            }
            if !self.next().unwrap_or(0).is_ascii_digit() {
                return Err(self.error(INVALID_NUMBER));
            }
            self.skip_digits();
        }
        Ok(())
    }

    fn skip_digits(&mut self) {
        while let b'0'..=b'9' = self.peek_or_null() {
            self.index += 1;
        }
    }

    fn ignore_string(&mut self) -> Result<(), JsonError> {
        loop {
            match self.next() {
                None => return Err(self.error(EOF_STRING)),
                Some(b'"') => return Ok(()),
                Some(b'\\') => match self.next() {
                    None => return Err(self.error(EOF_STRING)),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                    Some(b'u') => drop(self.hex_escape()?),
                    Some(_) => return Err(self.error(INVALID_ESCAPE)),
                },
                Some(b) if b < 0x20 => return Err(self.error(CONTROL_CHARACTER)),
                Some(_) => {}
            }
        }
    }
}

/// Whether `a * 10 + b` passes `max`.
fn overflows(a: u64, b: u64, max: u64) -> bool {
    a >= max / 10 && (a > max / 10 || b > max % 10)
}

/// The JSON text of `value` as `serde_json::to_string` writes it, floats written by
/// [`float_text`].
pub fn to_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    write_text(&mut out, value)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Appends the JSON text of `value` to `out`, as `serde_json::to_writer` does, floats written
/// by [`float_text`].
pub fn write_text<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, FloatsByText))
}

/// serde_json's compact text with [`float_text`] for floats.
struct FloatsByText;

impl serde_json::ser::Formatter for FloatsByText {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, value: f64) -> std::io::Result<()> {
        writer.write_all(float_text(value).as_bytes())
    }
}

/// A finite float as serde_json writes it (`1.5`, `100.0`, `-0.0`, `1e+21`). In the module the
/// runtime's shortest digits (JS `String(n)`) are laid out as serde_json lays them out
/// (`number_from_js`), so that serde_json's own float writer and its tables (4 kB) stay out;
/// natively, serde_json's writer.
pub fn float_text(value: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        if value == 0.0 {
            // `String(-0)` is "0".
            return if value.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
        }
        let mut js = js_sys::Number::from(value).to_string_with_radix(10).map(String::from).unwrap_or_default();
        // serde_json writes a whole float with a fraction: `100.0`, where JS writes `100`.
        if js.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            js.push_str(".0");
        }
        lockt_rules::validate::input::number_from_js(&js).into_owned()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use serde_json::ser::Formatter;
        let mut out = Vec::new();
        let _ = serde_json::ser::CompactFormatter.write_f64(&mut out, value);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// 10^`n` rounded to the nearest `f64`, as the literal `1e<n>` is; `None` past 1e308. Computed
/// rather than read from a table of 309 floats (2.5 kB of the module): up to 1e22 it is exact
/// by multiplying; beyond, 5^`n` is worked out in whole numbers, its top 53 bits rounded half
/// to even, and scaled by 2^`n`. Only numbers with a large exponent take that path.
fn pow10(n: u32) -> Option<f64> {
    if n > 308 {
        return None;
    }
    if n <= 22 {
        return Some((0..n).fold(1.0, |p, _| p * 10.0));
    }
    // 5^n in 32-bit limbs, least significant first.
    let mut limbs = vec![1u32];
    for _ in 0..n {
        let mut carry = 0u64;
        for limb in &mut limbs {
            let v = u64::from(*limb) * 5 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    let bit = |i: u32| (limbs[(i / 32) as usize] >> (i % 32)) & 1 == 1;
    let bits = limbs.len() as u32 * 32 - limbs.last().map_or(0, |top| top.leading_zeros());
    // 5^23 and beyond have more than 53 bits: the top 53, rounded half to even on the rest (a
    // carry to 2^53 is still exact as a float).
    let shift = bits - 53;
    let top = (shift..bits).rev().fold(0u64, |m, i| m << 1 | u64::from(bit(i)));
    let round_up = bit(shift - 1) && ((0..shift - 1).any(bit) || top & 1 == 1);
    let mantissa = top + u64::from(round_up);
    // 2^(shift + n) is at most 2^1023 for n <= 308.
    Some(mantissa as f64 * f64::from_bits(u64::from(shift + n + 1023) << 52))
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::path::Path;

    use serde::de::DeserializeOwned;

    use super::*;
    use crate::engine::roster::SyncPlan;

    /// Reads `text` as `T` both ways: the same value (to the sign of a zero) or the same error.
    fn agree<T: FromJson + DeserializeOwned + Debug>(text: &str) {
        let ours = from_text::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
        let theirs = serde_json::from_str::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{text:?}");
    }

    /// `seed` cut short at every character, and with each byte replaced by a few that matter
    /// to JSON (where the result is still text).
    fn mutations(seed: &str) -> Vec<String> {
        let mut out: Vec<String> = (0..seed.len()).filter(|&i| seed.is_char_boundary(i)).map(|i| seed[..i].to_string()).collect();
        for i in 0..seed.len() {
            for b in *b"\"\\{}[],:0-.eEn x\n\x01" {
                let mut bytes = seed.as_bytes().to_vec();
                bytes[i] = b;
                out.extend(String::from_utf8(bytes));
            }
        }
        out
    }

    /// Texts that probe every rule of serde_json's reading.
    fn odd_texts() -> Vec<String> {
        let texts = [
            "",
            " ",
            "\n\t\r ",
            "null",
            "nul",
            "nulx",
            "true",
            "tru",
            "trux",
            "false",
            "fals",
            "0",
            "-0",
            "-0.0",
            "-",
            "--1",
            "+1",
            ".5",
            "01",
            "00",
            "1.",
            "1.x",
            "1.e5",
            "1e",
            "1e+",
            "1e-",
            "1ex",
            "1E5",
            "1e+5",
            "-1.5e-3",
            "1e400",
            "-1e400",
            "1e-400",
            "0e99999999999",
            "1e99999999999",
            "1e-99999999999",
            "-0e-99999999999",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "123456789012345678901234567890.5e-3",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "2.2250738585072014e-308",
            "4.9e-324",
            "2e-324",
            "0.1",
            "0.30000000000000004",
            "3.141592653589793238462643383279",
            "1e22",
            "1e23",
            "NaN",
            "Infinity",
            "-Infinity",
            "\"\"",
            "\"a\"",
            "\"\\u00e9\"",
            "\"\\u00E9\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ud83dx\"",
            "\"\\ud83d\\\"",
            "\"\\ud83d\\u0041\"",
            "\"\\ude00\"",
            "\"\\u12\"",
            "\"\\u12",
            "\"\\uZZZZ\"",
            "\"\\x\"",
            "\"\\",
            "\"abc",
            "\"\t\"",
            "\"\u{1}\"",
            "\"é ✓ 😀\"",
            "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
            "[]",
            "[",
            "[1",
            "[1,",
            "[1,]",
            "[1 2]",
            "[,1]",
            "[1,,2]",
            "[]]",
            "{}",
            "{",
            "{\"a\"",
            "{\"a\"}",
            "{\"a\":",
            "{\"a\":}",
            "{\"a\":1",
            "{\"a\":1,",
            "{\"a\":1,}",
            "{1:2}",
            "{\"a\":1 \"b\":2}",
            "{,}",
            "{\"a\":1,\"a\":2}",
            "{\"b\":1,\"a\":2,\"c\":{\"d\":[true,false,null]}}",
            " [ 1 , { \"x\" : [ ] } ] ",
            "1 2",
            "1 ",
            "\n\n  [1,\n x]",
            "\u{feff}{}",
            "<html><body><h1>502</h1></body></html>",
            "{\"errors\":[\"bad\"]}",
            "[\"a\",\"b\"]",
            "{\"\":0}",
            "{\"\\u0000\":\"\\u0000\"}",
        ];
        let mut out: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        for depth in [127, 128, 129, 300] {
            out.push("[".repeat(depth) + &"]".repeat(depth));
            out.push("{\"a\":".repeat(depth) + "1" + &"}".repeat(depth));
        }
        out
    }

    /// Every JSON file under `fixtures/` (the reference's examples, as the sandbox answers).
    fn fixtures() -> Vec<String> {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.extend(std::fs::read_to_string(&path));
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut out);
        assert!(out.len() > 20, "the fixtures are there");
        out
    }

    /// Numbers of every length and form, from a fixed pseudo-random sequence.
    fn numbers() -> Vec<String> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        (0..20_000)
            .map(|_| {
                let digits = |count: u64, next: &mut dyn FnMut(u64) -> u64| (0..count).map(|_| char::from(b'0' + next(10) as u8)).collect::<String>();
                let mut t = if next(4) == 0 { "-".to_string() } else { String::new() };
                let whole = digits(1 + next(25), &mut next);
                t.push_str(whole.trim_start_matches('0'));
                if t.is_empty() || t == "-" {
                    t.push('0');
                }
                if next(2) == 0 {
                    t.push('.');
                    t.push_str(&digits(1 + next(25), &mut next));
                }
                if next(2) == 0 {
                    t.push(['e', 'E'][next(2) as usize]);
                    t.push_str(["", "+", "-"][next(3) as usize]);
                    t.push_str(&digits(1 + next(4), &mut next));
                }
                t
            })
            .collect()
    }

    #[test]
    fn powers_of_ten_are_the_nearest_floats() {
        for n in 0..=308 {
            assert_eq!(pow10(n), Some(format!("1e{n}").parse::<f64>().unwrap()), "1e{n}");
        }
        assert_eq!(pow10(309), None);
    }

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        for text in odd_texts().iter().chain(&fixtures()) {
            agree::<Value>(text);
        }
        for text in numbers() {
            agree::<Value>(&text);
        }
        let seeds = ["{\"a\":[1,-2,3.5e-2,\"x\\u00e9\\n\",true,null,{}],\"b\":{\"c\":\"d\"}}", "[\"\\ud83d\\ude00\",0,1e5]"];
        for text in seeds.iter().flat_map(|s| mutations(s)) {
            agree::<Value>(&text);
        }
        for text in fixtures().iter().filter(|t| t.len() < 2_000).flat_map(|t| mutations(t)) {
            agree::<Value>(&text);
        }
    }

    #[test]
    fn reads_the_arguments_as_their_serde_derives() {
        let rows = ["[1,2,3]", "[]", "[-1]", "[1.5]", "[1e2]", "[\"1\"]", "[null]", "[18446744073709551615]", "{}", "null", "\"x, expected y\"", "[1,[2]]"];
        for text in rows.iter().map(|t| t.to_string()).chain(mutations("[0,12,345]")) {
            agree::<Vec<usize>>(&text);
        }
        for text in mutations("[\"Staff\",7,{\"id\":2}]") {
            agree::<Vec<Value>>(&text);
        }
        let plan = concat!(
            "{\"key\":\"id_num\",\"create\":[{\"id_num\":\"A1\",\"first_name\":\"Ann\"}],",
            "\"update\":[{\"id\":7,\"record\":{\"id_num\":\"B\"},\"changes\":[{\"field\":\"email\",\"from\":\"\",\"to\":\"b@x.io\"}]}],",
            "\"disable\":[{\"id\":9,\"record\":{\"access_expires\":\"2026-01-01 00:00:00\"}}],\"unchanged\":3,",
            "\"problems\":[{\"index\":4,\"row\":6,\"messages\":[\"Missing id_num\"]},{\"index\":5,\"messages\":[]}]}"
        );
        let plans = [
            "{}",
            "[]",
            "null",
            "[\"id_num\",[],[],[],0,[]]",
            "[\"id_num\",[],[],[],0,[],1]",
            "[\"id_num\",[],[],[],0]",
            "{\"key\":\"email\",\"create\":[],\"update\":[],\"disable\":[],\"unchanged\":0,\"problems\":[[1],[2,null,[\"m\"]],[3,4]]}",
            "{\"key\":\"email\",\"create\":[],\"update\":[],\"disable\":[],\"unchanged\":0,\"problems\":[{\"index\":1,\"row\":null,\"messages\":[]}]}",
            "{\"key\":\"email\",\"key\":\"id_num\"}",
            "{\"extra\":{\"deep\":[[[\"\\ud800\"]]]},\"key\":\"id_num\"}",
            "{\"key\":5,\"create\":[],\"update\":[],\"disable\":[],\"unchanged\":0,\"problems\":[]}",
            "{\"key\":\"id_num\",\"create\":[],\"update\":[{\"id\":-1}],\"disable\":[],\"unchanged\":0,\"problems\":[]}",
            "{\"key\":\"id_num\",\"create\":[],\"update\":[{\"id\":1,\"record\":{},\"changes\":[]}],\"disable\":[],\"unchanged\":1.5,\"problems\":[]}",
            "{\"key\":\"a, expected b\\\"\",\"create\":{}}",
        ];
        let deep = format!("{{\"key\":\"id_num\",\"ignored\":{},\"create\":[{}]}}", "[".repeat(200) + &"]".repeat(200), "[".repeat(130) + &"]".repeat(130));
        for text in plans.iter().map(|t| t.to_string()).chain([plan.to_string(), deep]).chain(mutations(plan)) {
            agree::<SyncPlan>(&text);
        }
    }
}
