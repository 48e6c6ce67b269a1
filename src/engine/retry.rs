//! The retry policy: which failed sends are sent again, and after how long. A 429 (the API
//! processed nothing) is waited out, reads and writes alike, within the client's patience;
//! a read is also retried after a network error or a gateway's 502, 503 or 504.

use super::clock::http_date_ms;
use super::transport::{Reply, Transport};
use crate::api::{ApiRequest, RawResponse};
use crate::error::{Error, ErrorKind};

/// The first backoff term after a 429, before doubling.
const RATE_LIMIT_BASE_MS: f64 = 100.0;
/// The largest backoff term after repeated 429s.
const RATE_LIMIT_CAP_MS: f64 = 1_000.0;
/// The first wait before retrying a read after a fault, before doubling.
const FAULT_BASE_MS: f64 = 250.0;

/// Sends `req` until it gets an answer worth returning. Writes wait their turn first (one in
/// flight per client). `on_wait` hears of each wait after a 429 before it starts. A signal that
/// fires while waiting ends the call at once; after a 429 its error keeps status 429, so the
/// caller knows nothing was applied.
pub async fn call<T: Transport>(io: &T, req: &ApiRequest, on_wait: &dyn Fn(f64)) -> Result<RawResponse, Error> {
    let _turn = if req.is_write() { Some(io.write_turn().await) } else { None };
    let policy = io.policy();
    let (mut attempt, mut faults, mut throttled, mut waited) = (1, 0, 0, 0.0);
    loop {
        let result = io.send(req, attempt).await;
        let status = result.as_ref().ok().map(|r| r.response.status);
        let (reason, wait) = match &result {
            Ok(Reply { response, retry_after }) if response.status == 429 => {
                let retry_after_s = retry_after.as_deref().and_then(|v| parse_retry_after(v, io.now()));
                match rate_limit_wait(throttled, retry_after_s, policy.max_wait_ms - waited, io.random()) {
                    Some(wait) => (ErrorKind::RateLimited, wait),
                    None => return result.map(|r| r.response),
                }
            }
            _ => match read_fault(req, &result) {
                Some(reason) if faults < policy.max_retries => {
                    faults += 1;
                    (reason, fault_backoff(faults, io.random()))
                }
                _ => return result.map(|r| r.response),
            },
        };
        io.retrying(req, attempt, status, reason, wait);
        if reason == ErrorKind::RateLimited {
            throttled += 1;
            waited += wait;
            on_wait(wait);
        }
        io.sleep(wait).await.map_err(|e| Error { status, ..e })?;
        attempt += 1;
    }
}

/// Why a read that ended this way is sent again, if it is: a network error, or a gateway's
/// 502, 503 or 504. Not a 500 (the API's own failure), a timeout (the API may be stuck on
/// it) or an unreadable answer. Writes are never resent here: the batch engine reads back.
fn read_fault(req: &ApiRequest, result: &Result<Reply, Error>) -> Option<ErrorKind> {
    if req.is_write() {
        return None;
    }
    match result {
        Err(e) if e.kind == ErrorKind::Network => Some(ErrorKind::Network),
        Ok(r) if matches!(r.response.status, 502..=504) => Some(ErrorKind::Server),
        _ => None,
    }
}

/// The wait before resending after the `throttled`+1-th 429 of a call, with `patience_ms`
/// left: `Retry-After` (when sent) plus full jitter, uniform in 0..min(cap, base * 2^n). The
/// jitter comes on top of `Retry-After` so that writers told the same delay do not all come
/// back at once. `None` when the patience is used up or `Retry-After` asks for more than is left.
pub fn rate_limit_wait(throttled: i32, retry_after_s: Option<f64>, patience_ms: f64, random: f64) -> Option<f64> {
    let ceiling = (RATE_LIMIT_BASE_MS * 2f64.powi(throttled.min(30))).min(RATE_LIMIT_CAP_MS);
    let floor = retry_after_s.map_or(0.0, |s| s * 1000.0);
    (patience_ms > 0.0 && floor <= patience_ms).then(|| (floor + random * ceiling).min(patience_ms))
}

/// The wait before the `n`-th retry of a read after a fault: exponential, half jittered.
pub fn fault_backoff(n: u32, random: f64) -> f64 {
    FAULT_BASE_MS * 2f64.powi(n as i32 - 1) * (0.5 + random / 2.0)
}

/// `Retry-After` in seconds: delta-seconds, or an HTTP date measured from `now_ms`.
pub fn parse_retry_after(v: &str, now_ms: f64) -> Option<f64> {
    if let Ok(s) = v.trim().parse::<u32>() {
        return Some(f64::from(s));
    }
    http_date_ms(v).map(|at| ((at - now_ms) / 1000.0).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_waits_at_least_retry_after_within_the_patience() {
        assert_eq!(rate_limit_wait(0, Some(1.0), 5_000.0, 0.0), Some(1_000.0));
        assert_eq!(rate_limit_wait(0, Some(1.0), 5_000.0, 0.5), Some(1_050.0));
        assert_eq!(rate_limit_wait(10, None, 5_000.0, 0.999), Some(999.0), "the jitter is capped");
        assert_eq!(rate_limit_wait(0, Some(2.0), 1_500.0, 0.0), None, "Retry-After beyond the patience");
        assert_eq!(rate_limit_wait(0, None, 0.0, 0.0), None, "no patience left");
        assert_eq!(rate_limit_wait(3, Some(1.0), 1_200.0, 0.9), Some(1_200.0), "never past the patience");
    }

    #[test]
    fn fault_backoff_doubles_half_jittered() {
        assert_eq!(fault_backoff(1, 0.0), 125.0);
        assert_eq!(fault_backoff(1, 1.0), 250.0);
        assert_eq!(fault_backoff(3, 1.0), 1_000.0);
    }

    #[test]
    fn retry_after_as_seconds_or_a_date() {
        assert_eq!(parse_retry_after(" 3 ", 0.0), Some(3.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_775_000.0), Some(2.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_999_000.0), Some(0.0), "a date passed");
        assert_eq!(parse_retry_after("soon", 0.0), None);
    }
}
