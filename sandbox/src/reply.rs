//! The answers the API gives: the documented messages and the JSON envelopes they travel in.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::value::RawValue;

pub const MSG_NO_DATA: &str = "No data found or invalid JSON objects supplied. Could not parse input.";
pub const MSG_BATCH: &str = "Batch size exceeds maximum of 100 objects.";
pub const MSG_FAILED: &str = "Validation errors found. Batch has failed. Details provided.";
pub const MSG_PARTIAL: &str = "Validation errors found. Details provided.";
pub const MSG_DENIED: &str = "Access denied. Invalid API credentials.";
pub const MSG_CTYPE: &str = "Content-Type must be application/json";
pub const MSG_OVERLAP: &str = "Overlapping write rejected. Retry after the current write completes.";
pub const HTML_502: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// Record count of a response, for the logs.
#[derive(Clone, Copy)]
pub struct Records(pub usize);

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

#[derive(Serialize)]
struct ErrMsg {
    error: String,
}

/// The counts of a write answer.
#[derive(Serialize)]
pub struct Counts {
    pub submitted: usize,
    pub inserted: usize,
    pub updated: usize,
    pub errors: usize,
}

/// One failed record of a write answer.
#[derive(Serialize)]
pub struct ErrItem<'a> {
    pub error: &'a [String],
    pub input_data: &'a RawValue,
}

/// A write answer: `data` (the counts), `result` (the messages) and `errors`, each when present.
#[derive(Serialize)]
pub struct WriteAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ErrItem<'a>>>,
}

/// `body` as JSON, noting `records` for the logs.
pub fn json_response(status: StatusCode, body: &impl Serialize, records: usize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut r = (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response();
    r.extensions_mut().insert(Records(records));
    r
}

/// GET error envelope `{"data":{"error":msg}}`.
pub fn error_response(status: StatusCode, msg: impl Into<String>) -> Response {
    json_response(status, &Data { data: ErrMsg { error: msg.into() } }, 0)
}

/// 404 `Not found: PATH`.
pub fn not_found_at(path: &str) -> Response {
    error_response(StatusCode::NOT_FOUND, format!("Not found: {path}"))
}

/// `{"data":[...]}`, or a 500 when the read failed.
pub fn list_response<T: Serialize>(items: rusqlite::Result<Vec<T>>) -> Response {
    match items {
        Ok(v) => json_response(StatusCode::OK, &Data { data: &v }, v.len()),
        Err(e) => internal(e),
    }
}

/// 500 with the error's text.
pub fn internal(e: impl std::fmt::Display) -> Response {
    error_response(StatusCode::INTERNAL_SERVER_ERROR, format!("Internal error: {e}"))
}

/// Batch-level 400 `{"result":[msg],"errors":[]}`.
pub fn batch_error(msg: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &WriteAnswer { data: None, result: Some(vec![msg.to_string()]), errors: Some(vec![]) }, 0)
}

/// A body that is not the API's JSON (what a proxy or a fault answers), with its content type.
pub fn html(status: StatusCode, body: String, ctype: &str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("text/html")));
    r
}

/// Is this `Content-Type` JSON (parameters such as `charset` allowed)?
pub fn is_json(ctype: Option<&str>) -> bool {
    ctype.and_then(|c| c.split(';').next()).is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}
