//! The /api/v1 middleware. Before routing, outermost first: [`hang_up`] closes the
//! connection of a request that must go unanswered, [`record`] keeps the request log,
//! [`crate::faults::inject`] plays the scripted and random faults, [`authorize`] answers
//! 401, [`trim_slashes`] routes `/user/` as `/user`. After routing, on the endpoints
//! only (not on 404 / 405), [`gate`] checks a write's content type, takes the write slot
//! and waits the configured latency.

use crate::app::{AppState, RequestLog};
use crate::config::Config;
use crate::reply::{error_response, is_json, Records, MSG_CTYPE, MSG_DENIED, MSG_OVERLAP};
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::sync::Notify;

/// Largest /api/v1 body read; a larger one counts as empty.
const MAX_BODY: usize = 64 << 20;

/// Set on a request by the connection loop: notifying it closes the connection
/// without a response.
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

/// Whether the request carried the configured key pair, decided once by [`record`]
/// (the log keeps it) and enforced by [`authorize`].
#[derive(Clone, Copy)]
pub struct Caller {
    pub authorized: bool,
}

/// Marks a response that must not be sent: [`hang_up`] closes the connection instead.
#[derive(Clone, Copy)]
pub struct HangUp;

/// The extra wait of a `delay` fault, added to the latency by [`gate`].
#[derive(Clone, Copy)]
pub struct FaultDelay(pub u64);

/// The answer for a connection to close without one. Outside our own connection loop it
/// is sent as it is (best effort): a bare 502 with `Connection: close`.
pub fn hang_up_response() -> Response {
    let mut r = StatusCode::BAD_GATEWAY.into_response();
    r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    r.extensions_mut().insert(HangUp);
    r
}

/// The path as the client sent it, before nesting stripped the prefix.
pub fn original_path(req: &Request) -> String {
    req.extensions().get::<OriginalUri>().map_or_else(|| req.uri().path().to_string(), |u| u.path().to_string())
}

/// Closes the connection instead of sending a response marked [`HangUp`].
pub async fn hang_up(req: Request, next: Next) -> Response {
    let kill = req.extensions().get::<ConnKill>().cloned();
    let (method, path) = (req.method().clone(), original_path(&req));
    let resp = next.run(req).await;
    if resp.extensions().get::<HangUp>().is_none() {
        return resp;
    }
    eprintln!("{method} {path} dropped (connection closed without a response)");
    if let Some(kill) = kill {
        kill.0.notify_one();
        std::future::pending::<()>().await;
    }
    resp
}

fn credentials_match(cfg: &Config, user: Option<&str>, key: Option<&str>) -> bool {
    let (Some(u), Some(k)) = (user, key) else {
        return false;
    };
    let u_ok = u.as_bytes().ct_eq(cfg.api_user.as_bytes());
    let k_ok = k.as_bytes().ct_eq(cfg.api_key.as_bytes());
    (u_ok & k_ok).into()
}

/// Reads the body, decides the [`Caller`], and appends the request and its outcome to the
/// request log (`GET /__admin/requests`). Never the apikey.
pub async fn record(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let start_ms = st.elapsed_ms();
    let path = original_path(&req);
    let (mut parts, body) = req.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (apiuser, apikey, content_type) = (header("apiuser"), header("apikey"), header("content-type"));
    let authorized = credentials_match(&st.cfg, apiuser.as_deref(), apikey.as_deref());
    parts.extensions.insert(Caller { authorized });
    let (method, query) = (parts.method.to_string(), parts.uri.query().unwrap_or("").to_string());
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let logged_body = serde_json::from_slice::<Box<RawValue>>(&bytes).ok();
    let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (status, records) = match resp.extensions().get::<HangUp>() {
        Some(_) => (None, 0),
        None => (Some(resp.status().as_u16()), resp.extensions().get::<Records>().map_or(0, |r| r.0)),
    };
    st.log_request(RequestLog { seq: 0, method, path, query, status, records, start_ms, end_ms: st.elapsed_ms(), apiuser, apikey_ok: authorized, content_type, body: logged_body });
    resp
}

/// 401 unless the [`Caller`] is authorized.
pub async fn authorize(req: Request, next: Next) -> Response {
    if req.extensions().get::<Caller>().is_some_and(|c| c.authorized) {
        next.run(req).await
    } else {
        error_response(StatusCode::UNAUTHORIZED, MSG_DENIED)
    }
}

/// Routes a path with extra slashes at either end (`/user/`, `//user`) as the plain one.
pub async fn trim_slashes(mut req: Request) -> Request {
    let trimmed = format!("/{}", req.uri().path().trim_matches('/'));
    if trimmed != req.uri().path() {
        let path_and_query = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed,
        };
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = path_and_query.parse().ok();
        if let Ok(uri) = Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
    req
}

async fn sleep_ms(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// Before an endpoint runs: a read waits the latency (plus a `delay` fault); a write must
/// be JSON (400), takes the tenant's one write slot (429 while another write holds it) and
/// holds it through the latency, the write hold and its own processing.
pub async fn gate(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let wait = st.cfg.latency_ms + req.extensions().get::<FaultDelay>().map_or(0, |d| d.0);
    if !matches!(*req.method(), Method::POST | Method::PUT) {
        sleep_ms(wait).await;
        return next.run(req).await;
    }
    if !is_json(req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())) {
        return error_response(StatusCode::BAD_REQUEST, MSG_CTYPE);
    }
    let Some(_slot) = st.try_write() else {
        let mut r = error_response(StatusCode::TOO_MANY_REQUESTS, MSG_OVERLAP);
        if !st.cfg.no_retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        return r;
    };
    sleep_ms(wait + st.cfg.write_hold_ms).await;
    next.run(req).await
}
