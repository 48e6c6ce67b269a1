//! The SDK's one error type, and the one function that maps an HTTP answer to an error kind.

use serde::Serialize;
use tsify::Tsify;

/// What went wrong, for programs. Every failure of the SDK carries exactly one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The client was set up wrongly (bad base URL, missing keys, bad option values).
    Config,
    /// The API refused the credentials (401/403).
    Auth,
    /// The API could not process the request (400 without per-record details).
    BadRequest,
    /// Records failed validation, on the client or the server; see `details`.
    Validation,
    /// The resource does not exist (404).
    NotFound,
    /// The API rejected an overlapping write or asked to slow down (429).
    RateLimited,
    /// The API or a proxy in front of it failed (50X, or Lockt's own failure texts).
    Server,
    /// The request did not get an answer (connection refused or dropped, DNS, CORS, redirect).
    Network,
    /// No answer came within `timeoutMs`.
    Timeout,
    /// The caller's `signal` aborted the request.
    Aborted,
    /// The answer was not the JSON the API documents (HTML, truncated, empty, wrong shape).
    Decode,
    /// A defect in the SDK itself; please report it.
    Internal,
}

impl ErrorKind {
    /// The kind's wire name, as JS sees it in `error.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Auth => "auth",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Decode => "decode",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A record the API (or the client's validation) refused, with the index of the record in
/// the caller's input.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct RecordError {
    /// Index of the record in the caller's input, when it could be matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub index: Option<usize>,
    /// The messages for this record, in the API's words.
    pub messages: Vec<String>,
    /// The record as the API echoed it back (`input_data`), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown>")]
    pub input_data: Option<serde_json::Value>,
}

/// A failure of the SDK, before it becomes a JS `LocktError`.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// One sentence for people.
    pub message: String,
    /// The API's own messages, verbatim.
    pub messages: Vec<String>,
    /// Per-record problems of a failed write.
    pub details: Vec<RecordError>,
    /// What the runtime threw, for a request that got no answer (`fetch`'s own error).
    pub cause: Option<wasm_bindgen::JsValue>,
}

/// Lockt's documented texts for a failure of the customer's own Lockt instance: a server-side
/// fault that may pass, whatever status carries it.
const INSTANCE_FAILURES: [&str; 2] = ["Unable to enumerate dependant record", "Unable to locate template"];

impl Error {
    /// An error of `kind` with a message and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, status: None, message: message.into(), messages: Vec::new(), details: Vec::new(), cause: None }
    }

    /// A `config` error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// A `decode` error for an answer that is not the documented JSON.
    pub fn decode(status: u16, what: &str) -> Self {
        Error { status: Some(status), ..Self::new(ErrorKind::Decode, format!("The API's answer (HTTP {status}) could not be read: {what}")) }
    }

    /// Maps a failed HTTP answer to an error: status to kind here and nowhere else.
    pub fn from_status(status: u16, messages: Vec<String>, details: Vec<RecordError>) -> Self {
        let kind = match status {
            _ if is_instance_failure(&messages) => ErrorKind::Server,
            400 if !details.is_empty() => ErrorKind::Validation,
            400 | 405 | 409 | 413 | 415 | 422 => ErrorKind::BadRequest,
            401 | 403 => ErrorKind::Auth,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            _ => ErrorKind::Server,
        };
        let summary = match kind {
            ErrorKind::Auth => "The API refused the credentials (check apiUser and apiKey)".to_string(),
            ErrorKind::RateLimited => "The API rejected the request because another write was in progress".to_string(),
            ErrorKind::NotFound => "The API has no such resource".to_string(),
            ErrorKind::Validation => "The API rejected records of the batch".to_string(),
            ErrorKind::Server => format!("The API failed with HTTP {status}"),
            _ => format!("The API could not process the request (HTTP {status})"),
        };
        let message = match messages.first() {
            Some(first) => format!("{summary}: {first}"),
            None => summary,
        };
        Error { kind, status: Some(status), message, messages, details, cause: None }
    }

    /// Whether trying again later may succeed (JS: `error.retryable`): no answer came, the API
    /// asked to slow down, or it failed in a way that passes (500, a gateway's 502/503/504,
    /// Lockt's instance failures). The one place that decides it.
    pub fn is_transient(&self) -> bool {
        match self.kind {
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::RateLimited => true,
            ErrorKind::Server => is_instance_failure(&self.messages) || matches!(self.status, Some(500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// Whether a write that failed this way may have been applied by the server: its answer
    /// was lost or unreadable, or the caller aborted it in flight. Not when the API refused it
    /// unprocessed, nor when it was aborted while waiting after a 429 (status 429 kept). The
    /// one place that decides it.
    pub fn may_have_applied(&self) -> bool {
        match self.kind {
            ErrorKind::Aborted => self.status != Some(429),
            kind => matches!(kind, ErrorKind::Server | ErrorKind::Decode | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Internal),
        }
    }
}

/// Whether the API's messages report a failure of the customer's own Lockt instance.
fn is_instance_failure(messages: &[String]) -> bool {
    messages.iter().any(|m| INSTANCE_FAILURES.iter().any(|t| m.starts_with(t)))
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind.as_str())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_maps_to_kind() {
        let kind = |s| Error::from_status(s, vec![], vec![]).kind;
        assert_eq!(kind(400), ErrorKind::BadRequest);
        assert_eq!(kind(401), ErrorKind::Auth);
        assert_eq!(kind(403), ErrorKind::Auth);
        assert_eq!(kind(404), ErrorKind::NotFound);
        assert_eq!(kind(429), ErrorKind::RateLimited);
        assert_eq!(kind(500), ErrorKind::Server);
        assert_eq!(kind(502), ErrorKind::Server);
    }

    #[test]
    fn record_details_make_a_validation_error() {
        let detail = RecordError { index: Some(0), messages: vec!["Non-Numeric card_num found: A8914".into()], input_data: None };
        let e = Error::from_status(400, vec!["Validation errors found. Batch has failed. Details provided.".into()], vec![detail]);
        assert_eq!(e.kind, ErrorKind::Validation);
        assert!(!e.is_transient());
        assert!(e.message.contains("Batch has failed"));
    }

    #[test]
    fn lockt_instance_failures_are_retryable_server_errors() {
        let e = Error::from_status(400, vec!["Unable to locate template. Batch has been terminated and exception flagged.".into()], vec![]);
        assert_eq!(e.kind, ErrorKind::Server);
        assert!(e.is_transient());
        let e = Error::from_status(200, vec!["Unable to enumerate dependant record. Batch has been terminated and exception flagged.".into()], vec![]);
        assert_eq!(e.kind, ErrorKind::Server);
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504] {
            assert!(Error::from_status(s, vec![], vec![]).is_transient(), "{s}");
        }
        for s in [400, 401, 404, 501] {
            assert!(!Error::from_status(s, vec![], vec![]).is_transient(), "{s}");
        }
        for kind in [ErrorKind::Network, ErrorKind::Timeout] {
            assert!(Error::new(kind, "").is_transient());
        }
        for kind in [ErrorKind::Decode, ErrorKind::Aborted, ErrorKind::Server, ErrorKind::Config] {
            assert!(!Error::new(kind, "").is_transient());
        }
    }

    #[test]
    fn may_have_applied_unless_refused_unprocessed() {
        for kind in [ErrorKind::Server, ErrorKind::Decode, ErrorKind::Timeout, ErrorKind::Network, ErrorKind::Internal, ErrorKind::Aborted] {
            assert!(Error::new(kind, "").may_have_applied(), "{kind:?}");
        }
        for s in [400, 401, 404, 429] {
            assert!(!Error::from_status(s, vec![], vec![]).may_have_applied(), "{s}");
        }
        let aborted_waiting = Error { status: Some(429), ..Error::new(ErrorKind::Aborted, "") };
        assert!(!aborted_waiting.may_have_applied());
    }
}
