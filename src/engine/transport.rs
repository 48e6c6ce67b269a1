//! What the engine needs from the outside world: one request sent, a wait, and the time. The
//! wasm bindings implement it with `fetch` and timers; the native tests with a scripted server
//! and a fake clock.

use crate::api::{ApiRequest, RawResponse};
use crate::error::{Error, ErrorKind};

/// An answer to one send, with the headers the engine reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Status, content type and body text.
    pub response: RawResponse,
    /// The `Retry-After` header, as sent.
    pub retry_after: Option<String>,
}

/// How the client retries: its settings, read once when it is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries of a read after a network error, 502, 503 or 504.
    pub max_retries: u32,
    /// How long one request may wait in total for its turn after 429 answers.
    pub max_wait_ms: f64,
}

/// One call's access to the API: the client's connection together with the caller's abort
/// signal. Futures need not be `Send`: wasm futures are not.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Held while a write is in flight: the API rejects overlapping writes.
    type WriteTurn;

    /// Sends `req` once (`attempt` counts from 1, for the caller's hooks). Any HTTP answer is
    /// `Ok`; no answer is an error of kind `network`, `timeout` or `aborted`.
    async fn send(&self, req: &ApiRequest, attempt: u32) -> Result<Reply, Error>;

    /// Waits `ms`, or fails as `aborted` when the caller's signal fires first.
    async fn sleep(&self, ms: f64) -> Result<(), Error>;

    /// Waits until no other write of this client (or origin) is in flight.
    async fn write_turn(&self) -> Self::WriteTurn;

    /// Whether the caller's signal has fired.
    fn is_aborted(&self) -> bool;

    /// Milliseconds since the Unix epoch.
    fn now(&self) -> f64;

    /// A number in `0..1`, for jitter.
    fn random(&self) -> f64;

    /// The client's retry settings.
    fn policy(&self) -> RetryPolicy;

    /// Told before each wait for a resend (the caller's `retry` hook): `attempt` failed with
    /// `status` (when an answer came) and the call is sent again after `wait_ms`.
    fn retrying(&self, req: &ApiRequest, attempt: u32, status: Option<u16>, reason: ErrorKind, wait_ms: f64);
}
