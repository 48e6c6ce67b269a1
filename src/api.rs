//! Request building and response parsing for every endpoint: pure Rust, no I/O.
//!
//! The engine's transport (`engine::Transport`) sends an [`ApiRequest`] and hands back a
//! [`RawResponse`]; everything the API documents about paths, bodies and envelopes lives here.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind, RecordError};
use crate::model::shape::{write_list, write_record, Shape};
use crate::model::{scalar_text, try_map, BatchSummary, FromRecord};
use crate::validate::tape::WriteJson;
use crate::validate::{WireCredentialReissue, WireDoor, WireFob, WireFobAssignment, WireUser};

/// The production base URL (API-ERRATA #16: the same host and path for every endpoint).
pub const DEFAULT_BASE_URL: &str = "https://cloudapi.lockt.com/api/v1";

/// The most records the API takes in one write call.
pub const MAX_BATCH: usize = 100;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Creates and updates.
    Post,
    /// Fob reassignment.
    Put,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One call to the API, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// The HTTP method.
    pub method: Method,
    /// Path and query below the base URL, e.g. `user?idnum=ABC123`.
    pub path: String,
    /// The JSON body of a write.
    pub body: Option<String>,
}

impl ApiRequest {
    /// A GET of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        ApiRequest { method: Method::Get, path: path.into(), body: None }
    }

    /// A write of `records` under `node` (`users`, `doors`, `fobs`, `credentials`), with the
    /// options in the documented string form (API-ERRATA #5). The one place a write's body is
    /// built: each record's JSON is written straight into it (no intermediate `Value`). `node`
    /// and the option names are wire names, which need no escaping.
    pub fn write<'a, R: WireRecord + 'a>(method: Method, path: &str, node: &str, records: impl IntoIterator<Item = &'a R>, options: &[(&str, bool)]) -> Self {
        let records = records.into_iter();
        let mut body = Vec::with_capacity(256 * records.size_hint().0 + 128);
        push_text(&mut body, &["{\"", node, "\":["]);
        for (i, record) in records.enumerate() {
            push_text(&mut body, &[if i > 0 { "," } else { "" }]);
            record.write_json(&mut body);
        }
        push_text(&mut body, &["]"]);
        for (i, (k, v)) in options.iter().enumerate() {
            let open = if i > 0 { ",\"" } else { ",\"options\":{\"" };
            push_text(&mut body, &[open, k, "\":\"", if *v { "true" } else { "false" }, "\""]);
        }
        push_text(&mut body, &[if options.is_empty() { "}" } else { "}}" }]);
        ApiRequest { method, path: path.to_string(), body: Some(String::from_utf8(body).unwrap_or_default()) }
    }

    /// `true` for calls that change state (never retried once they may have been applied).
    pub fn is_write(&self) -> bool {
        self.method != Method::Get
    }
}

/// Appends `parts` to a body under construction.
fn push_text(body: &mut Vec<u8>, parts: &[&str]) {
    for part in parts {
        body.extend_from_slice(part.as_bytes());
    }
}

/// A record as a write carries it. Its JSON goes into the request body as written; its JSON
/// value serves only the rare paths that compare it with what the API shows (matching the
/// API's per-record errors, reading back after an unanswered call). Every serializable record
/// is one; a record type that holds its wire text already can implement it to write that text
/// as is.
pub trait WireRecord {
    /// Appends the record's JSON text to a request body.
    fn write_json(&self, body: &mut Vec<u8>);
    /// The record as a JSON value.
    fn to_value(&self) -> Value;
}

impl<T: Serialize> WireRecord for T {
    fn write_json(&self, body: &mut Vec<u8>) {
        let _ = crate::json::write_text(body, self);
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A record whose wire JSON is already written: validated once, serialized once, and copied
/// into each request body that carries it as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireText(String);

impl WireText {
    /// The JSON text of `wire` (a validator's typed wire form).
    pub fn of<W: WireJson>(wire: &W) -> Self {
        WireText(wire.wire_json())
    }

    /// The record's JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl WireRecord for WireText {
    fn write_json(&self, body: &mut Vec<u8>) {
        body.extend_from_slice(self.0.as_bytes());
    }

    fn to_value(&self) -> Value {
        crate::json::parse(&self.0).unwrap_or(Value::Null)
    }
}

/// A validator's wire form as JSON text. Users, the bulk of the writes, are written by the
/// validators' own writer (the one behind the CSV report: serde's text, faster); the other
/// kinds, and a JSON value (a user whose access levels were resolved to ids), by serde.
pub trait WireJson {
    /// The record as a JSON object.
    fn wire_json(&self) -> String;
}

impl WireJson for WireUser<'_> {
    fn wire_json(&self) -> String {
        let mut out = String::with_capacity(WIRE_USER_CAPACITY);
        WriteJson::write_json(self, &mut out);
        out
    }
}

/// Room for a typical user's wire JSON, so that writing it seldom grows the string.
const WIRE_USER_CAPACITY: usize = 320;

/// Wire kinds written by serde.
macro_rules! wire_json_by_serde {
    ($($wire:ty),*) => {$(
        impl WireJson for $wire {
            fn wire_json(&self) -> String {
                // The wire types serialise without errors.
                crate::json::to_text(self).unwrap_or_default()
            }
        }
    )*};
}
wire_json_by_serde!(WireFob<'_>, WireFobAssignment<'_>, WireDoor<'_>, WireCredentialReissue, Value);

/// `GET /user?id=N`.
pub fn user_by_id(id: u64) -> ApiRequest {
    ApiRequest::get(format!("user?id={id}"))
}

/// `GET /user?idnum=X`, with X percent-encoded.
pub fn user_by_idnum(idnum: &str) -> ApiRequest {
    ApiRequest::get(format!("user?idnum={}", encode_query_value(idnum)))
}

/// `GET /events?id=N`: events after N.
pub fn events_after(id: u64) -> ApiRequest {
    ApiRequest::get(format!("events?id={id}"))
}

/// `text.split_once(separator)` by a plain scan: the standard library's substring search (the
/// two-way algorithm, 2 kB of the module) for a handful of short, rare searches.
pub fn split_once_text<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let at = match separator.len() {
        0 => 0,
        len => text.as_bytes().windows(len).position(|w| w == separator.as_bytes())?,
    };
    Some((text.get(..at)?, text.get(at + separator.len()..)?))
}

/// `parts` joined by `separator`, as `[String]::join` joins them, without its generic copy
/// loop in the module.
pub fn joined<S: AsRef<str>>(parts: impl IntoIterator<Item = S>, separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// Percent-encodes a query value: everything but RFC 3986 unreserved characters.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The parts of a base URL as the runtime's WHATWG `URL` parser reads them (the wasm layer
/// fills this in with the platform's own `URL`, so the check sees what `fetch` will use).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlParts {
    /// `protocol`, such as `"https:"`.
    pub protocol: String,
    /// `username` and `password` joined: non-empty when the URL carries credentials.
    pub userinfo: String,
    /// `hostname`: lower case, IPv4 in dotted decimal, IPv6 in brackets.
    pub hostname: String,
    /// `origin`, such as `"https://cloudapi.lockt.com"`.
    pub origin: String,
    /// `pathname`, such as `"/api/v1"`.
    pub pathname: String,
}

/// What a base URL may hold before it is parsed at all: no whitespace, no control character
/// and no backslash (URL parsers drop tabs and newlines and read `\` as `/`, so `/\evil` is
/// `//evil`), no query and no fragment. Returns the text without trailing slashes.
pub fn precheck_base_url(raw: &str) -> Result<&str, Error> {
    if raw.is_empty() {
        return Err(Error::config("baseUrl is empty"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return Err(Error::config("baseUrl must not contain whitespace, control characters or backslashes"));
    }
    if raw.contains(['?', '#']) {
        return Err(Error::config("baseUrl must not have a query or a fragment"));
    }
    let trimmed = raw.trim_end_matches('/');
    Ok(if trimmed.is_empty() { raw } else { trimmed })
}

/// Decides a parsed base URL. `page_origin` is the origin of the page a path-form base URL
/// (`/lockt`) was resolved against, `None` for an absolute one. Accepted: HTTPS; plain HTTP
/// only to a host that is literally loopback; a path form only when it stays on the page's
/// origin. Returns the URL requests are built on, without a trailing slash.
pub fn decide_base_url(parts: &UrlParts, page_origin: Option<&str>) -> Result<String, Error> {
    if !parts.userinfo.is_empty() {
        return Err(Error::config("baseUrl must not carry credentials"));
    }
    if let Some(page) = page_origin {
        if parts.origin != page {
            return Err(Error::config("a path-form baseUrl must stay on the page's own origin"));
        }
    }
    match parts.protocol.as_str() {
        "https:" => {}
        "http:" if is_loopback_host(&parts.hostname) => {}
        "http:" if page_origin.is_some() => {}
        "http:" => return Err(Error::config("baseUrl must use https:// (plain http is allowed only for localhost, 127.0.0.0/8 and [::1])")),
        _ => return Err(Error::config("baseUrl must be an https:// URL")),
    }
    if parts.hostname.is_empty() {
        return Err(Error::config("baseUrl has no host"));
    }
    Ok(format!("{}{}", parts.origin, parts.pathname.trim_end_matches('/')))
}

/// A host that is literally loopback, as a WHATWG parser normalises it: `localhost` or a
/// name under `.localhost`, an IPv4 address in 127.0.0.0/8, or `[::1]`.
pub fn is_loopback_host(hostname: &str) -> bool {
    let host = hostname.to_ascii_lowercase();
    if host == "localhost" || (host.ends_with(".localhost") && host.len() > ".localhost".len()) || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// An answer from the API, as the transport received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body as text.
    pub body: String,
}

impl RawResponse {
    fn is_json(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        ct.starts_with("application/json") || split_once_text(&ct, "+json").is_some()
    }

    fn json(&self) -> Result<Value, Error> {
        if self.body.trim().is_empty() {
            return Err(Error::decode(self.status, "the body is empty"));
        }
        crate::json::parse(&self.body).map_err(|e| Error::decode(self.status, &format!("not JSON ({e})")))
    }

    /// The error for a non-2xx answer, with the API's messages when the body has any.
    fn failure(&self) -> Error {
        let body = self.json().ok();
        let (messages, errors) = body.as_ref().map(messages_of).unwrap_or_default();
        let details = errors.into_iter().map(|e| RecordError { index: None, messages: e.messages, input_data: e.input_data }).collect();
        Error::from_status(self.status, messages, details)
    }

    /// The JSON body of a 2xx answer, or the error this answer means.
    fn success_json(&self) -> Result<Value, Error> {
        if !(200..300).contains(&self.status) {
            return Err(self.failure());
        }
        if !self.is_json() {
            return Err(Error::decode(self.status, &format!("expected JSON, got content type {:?}", self.content_type)));
        }
        let body = self.json()?;
        let (messages, _) = messages_of(&body);
        if messages.iter().any(|m| m.starts_with("Unable to ")) {
            return Err(Error::from_status(self.status, messages, Vec::new()));
        }
        Ok(body)
    }
}

/// A record the server refused, as its `errors` node gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRecordError {
    /// The messages for the record.
    pub messages: Vec<String>,
    /// The record as the server echoed it.
    pub input_data: Option<Value>,
}

/// The messages (`result`, `data.error`) and per-record errors of any envelope (API-ERRATA #2, #4).
fn messages_of(body: &Value) -> (Vec<String>, Vec<ServerRecordError>) {
    let mut messages = strings(body.get("result"));
    if let Some(e) = body.get("data").and_then(|d| d.get("error")) {
        messages.extend(strings(Some(e)));
    }
    if let Some(e) = body.get("error") {
        if body.get("input_data").is_none() {
            messages.extend(strings(Some(e)));
        }
    }
    let mut errors: Vec<ServerRecordError> = match body.get("errors") {
        Some(Value::Array(list)) => list.iter().filter_map(record_error).collect(),
        _ => Vec::new(),
    };
    // The reference also shows a bare `{"error": [...], "input_data": {...}}`.
    if body.get("input_data").is_some() {
        errors.extend(record_error(body));
    }
    (messages, errors)
}

fn record_error(v: &Value) -> Option<ServerRecordError> {
    let messages = strings(v.get("error").or_else(|| v.get("errors")).or_else(|| v.get("message")));
    let input_data = v.get("input_data").cloned();
    (!messages.is_empty() || input_data.is_some()).then_some(ServerRecordError { messages, input_data })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list.iter().filter_map(|m| m.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Parses a read: `{"data": [records]}` (API-ERRATA #1). A `data` object with an `error`
/// is the error envelope (API-ERRATA #2); an empty array is an empty list.
pub fn parse_list<T: FromRecord>(resp: &RawResponse) -> Result<Vec<T>, Error> {
    try_map(&data_list(resp)?, |item| record(resp.status, item))
}

/// The records of a read's `data` list, not yet read into their type (the part of
/// [`parse_list`] that is the same for every type).
fn data_list(resp: &RawResponse) -> Result<Vec<Value>, Error> {
    let mut body = resp.success_json()?;
    if let Some(Value::Array(items)) = body.get_mut("data") {
        return Ok(std::mem::take(items));
    }
    match body.get("data") {
        Some(Value::Object(obj)) if obj.contains_key("error") => Err(resp_error(resp.status, &body)),
        Some(Value::Null) => Ok(Vec::new()),
        _ => Err(Error::decode(resp.status, "expected {\"data\": [...]}")),
    }
}

/// Parses a read of one record: the first of the list, or `None` for an empty list
/// (API-ERRATA #8).
pub fn parse_one<T: FromRecord>(resp: &RawResponse) -> Result<Option<T>, Error> {
    Ok(parse_list(resp)?.into_iter().next())
}

/// Parses a read of one object for the pending-release endpoints whose shape the reference
/// leaves open (API-ERRATA #20): `data` may be the object or an array of one.
pub fn parse_single<T: FromRecord>(resp: &RawResponse) -> Result<T, Error> {
    record(resp.status, &data_single(resp)?)
}

/// The record of a read of one object, not yet read into its type.
fn data_single(resp: &RawResponse) -> Result<Value, Error> {
    let mut body = resp.success_json()?;
    if matches!(body.get("data"), Some(Value::Object(obj)) if obj.contains_key("error")) {
        return Err(resp_error(resp.status, &body));
    }
    match body.get_mut("data").map(Value::take) {
        Some(Value::Array(items)) => items.into_iter().next().ok_or_else(|| Error::decode(resp.status, "the data list is empty")),
        Some(obj @ Value::Object(_)) => Ok(obj),
        _ => Err(Error::decode(resp.status, "expected {\"data\": ...}")),
    }
}

/// [`parse_list`] for a type the SDK only hands on: the JSON text of its records as `shape`
/// reads and writes them (the text of `Vec<T>` serialized).
pub fn parse_list_text(resp: &RawResponse, shape: &Shape) -> Result<String, Error> {
    write_list(&data_list(resp)?, shape).map_err(|e| unexpected_shape(resp.status, &e))
}

/// [`parse_single`] as JSON text, as [`parse_list_text`].
pub fn parse_single_text(resp: &RawResponse, shape: &Shape) -> Result<String, Error> {
    let mut text = String::new();
    write_record(&data_single(resp)?, shape, &mut text).map_err(|e| unexpected_shape(resp.status, &e))?;
    Ok(text)
}

fn resp_error(status: u16, body: &Value) -> Error {
    let (messages, _) = messages_of(body);
    let status = if status == 200 { 400 } else { status };
    Error::from_status(status, messages, Vec::new())
}

fn record<T: FromRecord>(status: u16, item: &Value) -> Result<T, Error> {
    T::from_record(item).map_err(|e| unexpected_shape(status, &e))
}

fn unexpected_shape(status: u16, why: &str) -> Error {
    Error::decode(status, &format!("a record has an unexpected shape ({why})"))
}

/// What the server said about one write call.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOutcome {
    /// The server's counts (zero when it gave none, as with a failed batch).
    pub summary: BatchSummary,
    /// `true` when the server applied the records it did not list in `errors`.
    pub applied: bool,
    /// The server's general messages (`result`).
    pub messages: Vec<String>,
    /// The records the server refused.
    pub errors: Vec<ServerRecordError>,
}

/// Parses a write's answer. A 200 is applied (its `errors`, if any, were refused); a 400
/// carrying per-record errors or `result` messages is a refused batch (nothing applied);
/// anything else is an [`Error`].
pub fn parse_write(resp: &RawResponse) -> Result<WriteOutcome, Error> {
    if resp.status == 400 {
        let body = resp.json().map_err(|_| resp.failure())?;
        let (messages, errors) = messages_of(&body);
        if messages.iter().any(|m| m.starts_with("Unable to ")) || (errors.is_empty() && body.get("result").is_none()) {
            return Err(resp.failure());
        }
        if errors.is_empty() {
            return Err(Error::from_status(400, messages, Vec::new()));
        }
        return Ok(WriteOutcome { summary: BatchSummary::default(), applied: false, messages, errors });
    }
    let body = resp.success_json()?;
    let (messages, errors) = messages_of(&body);
    let summary = match body.get("data") {
        Some(d @ Value::Object(obj)) if obj.contains_key("submitted") => {
            BatchSummary::deserialize_lenient(d).ok_or_else(|| Error::decode(resp.status, "the batch summary has an unexpected shape"))?
        }
        _ if !errors.is_empty() => BatchSummary::default(),
        _ => return Err(Error::decode(resp.status, "expected {\"data\": {\"submitted\": ...}}")),
    };
    Ok(WriteOutcome { summary, applied: true, messages, errors })
}

impl BatchSummary {
    fn deserialize_lenient(v: &Value) -> Option<Self> {
        let n = |k: &str| match v.get(k) {
            None | Some(Value::Null) => Some(0),
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        Some(BatchSummary { submitted: n("submitted")?, inserted: n("inserted")?, updated: n("updated")?, errors: n("errors")? })
    }
}

/// Matches the server's per-record errors to the records sent, by the echoed `input_data`:
/// the same JSON first, then the same key field (`id`, `id_num`, `email`, `card_num`,
/// `name`). Returns, for each error, the position in `sent` it belongs to, if any; no
/// position is given twice.
pub fn match_errors(sent: &[Value], errors: &[ServerRecordError]) -> Vec<Option<usize>> {
    let mut taken = vec![false; sent.len()];
    let mut claim = |pred: &dyn Fn(&Value) -> bool| -> Option<usize> {
        let i = sent.iter().enumerate().position(|(i, r)| !taken[i] && pred(r))?;
        taken[i] = true;
        Some(i)
    };
    let mut out = vec![None; errors.len()];
    for (slot, e) in out.iter_mut().zip(errors) {
        if let Some(input) = &e.input_data {
            *slot = claim(&|r| same_record(r, input));
        }
    }
    for (slot, e) in out.iter_mut().zip(errors) {
        if let (None, Some(input)) = (*slot, &e.input_data) {
            for key in ["id", "id_num", "email", "card_num", "name", "user_id"] {
                let Some(want) = input.get(key).and_then(scalar_text).filter(|s| !s.is_empty()) else { continue };
                *slot = claim(&|r| r.get(key).and_then(scalar_text).as_deref() == Some(want.as_str()));
                if slot.is_some() {
                    break;
                }
            }
        }
    }
    out
}

/// Two records are the same when every field sent has the same text in the echo.
fn same_record(sent: &Value, echoed: &Value) -> bool {
    match (sent, echoed) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| match (scalar_text(v), b.get(k).and_then(scalar_text)) {
            (Some(x), Some(y)) => x == y,
            _ => b.get(k) == Some(v),
        }),
        _ => sent == echoed,
    }
}

/// Message for a refused record in a failed batch that had nothing wrong of its own.
pub const NOT_COMMITTED_BATCH_FAILED: &str = "Not committed: another record in the same call failed validation and validateFailsBatch is true";

/// The kind for an error the transport raised before any answer came.
pub fn transport_error(kind: ErrorKind, detail: &str) -> Error {
    let message = match kind {
        ErrorKind::Timeout => format!("No answer from the API within the timeout{detail}"),
        ErrorKind::Aborted => "The request was aborted by the caller's signal".to_string(),
        _ => format!("The API could not be reached: {detail}"),
    };
    Error::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::{joined, split_once_text};

    #[test]
    fn joins_as_the_standard_join_does() {
        for parts in [vec![], vec!["a"], vec!["a", "", "ü"], vec!["", ""]] {
            for separator in ["", ", ", "; "] {
                assert_eq!(joined(&parts, separator), parts.join(separator), "{parts:?} by {separator:?}");
            }
        }
    }

    #[test]
    fn splits_where_the_standard_split_once_does() {
        let texts = ["", "a", "https://h/x", "a, expected b at line 1 column 2", "äö://ü", "::", "ab+json", "x\"records\":[]y\"records\":[]"];
        for text in texts {
            for separator in ["", "://", ", expected ", " at line ", "+json", "\"records\":[]", "ü", ":", "a", "zz"] {
                assert_eq!(split_once_text(text, separator), text.split_once(separator), "{text:?} by {separator:?}");
            }
        }
    }
}
