//! /__admin: only with `--admin` and only for loopback peers (404 otherwise).
//! No apikey needed. All bodies and answers are JSON.
//!
//! A web page must not reach it through the developer's browser: the `Host` must be loopback
//! (DNS rebinding sends the attacker's name), an `Origin`, when sent, must be the sandbox's own
//! (cross-site requests), and a POST must say `application/json` (a form or a `no-cors` fetch
//! cannot send that without a preflight). Anything else is a 403 or 415 and changes nothing.

use crate::api::{method_not_allowed, not_found};
use crate::app::{AppState, RequestLog};
use crate::faults::Fault;
use crate::layers::original_path;
use crate::reply::{is_json, not_found_at};
use crate::seed::{self, Seed};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Largest admin body read.
const MAX_BODY: usize = 16 << 20;

type St = State<Arc<AppState>>;

fn reply(status: StatusCode, v: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

fn bad(msg: impl std::fmt::Display) -> Response {
    reply(StatusCode::BAD_REQUEST, json!({ "error": msg.to_string() }))
}

#[derive(Deserialize)]
struct FaultsBody {
    faults: Vec<Fault>,
}

#[derive(Deserialize)]
struct EventsBody {
    count: usize,
}

#[derive(Deserialize, Default)]
struct ResetBody {
    seed: Option<String>,
}

/// Is `host` (a `Host` header value, port optional) loopback: 127.0.0.0/8, `localhost`
/// or `[::1]`?
fn is_loopback_host(host: &str) -> bool {
    let (loopback, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) => (ip.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback()), port),
            None => return false,
        },
        None => {
            let (name, port) = host.find(':').map_or((host, ""), |i| host.split_at(i));
            let loopback = name.eq_ignore_ascii_case("localhost") || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
            (loopback, port)
        }
    };
    let port_ok = port.is_empty() || port.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    loopback && port_ok
}

/// The refusal of what a web page could send through a developer's browser: a `Host` that
/// is not loopback (403), an `Origin` other than the sandbox's own (403), a POST that is not
/// `application/json` (415). `None`: the request may go on.
fn browser_refusal(method: &Method, headers: &HeaderMap) -> Option<Response> {
    let forbidden = |why: &str| reply(StatusCode::FORBIDDEN, json!({ "error": why }));
    // The header's value when it is sent once; Err when repeated or not text.
    let single = |name: header::HeaderName| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(v), None) => v.to_str().map(Some).map_err(|_| ()),
            (Some(_), Some(_)) => Err(()),
        }
    };
    let host = match single(header::HOST) {
        Ok(Some(host)) if is_loopback_host(host) => host,
        _ => return Some(forbidden("the admin API answers only a loopback Host")),
    };
    match single(header::ORIGIN) {
        Ok(None) => {}
        Ok(Some(origin)) if origin.eq_ignore_ascii_case(&format!("http://{host}")) => {}
        _ => return Some(forbidden("the admin API refuses requests from another origin")),
    }
    if method == Method::POST && !single(header::CONTENT_TYPE).is_ok_and(is_json) {
        return Some(reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({ "error": "admin POST bodies must be application/json" })));
    }
    None
}

/// Lets through only what the admin API may answer: with `--admin`, from a loopback peer
/// (404 otherwise, as if it did not exist), and nothing a web page could send
/// ([`browser_refusal`]).
pub async fn guard(State(st): St, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if !st.cfg.admin || !peer.is_some_and(|p| p.ip().is_loopback()) {
        return not_found_at(&original_path(&req));
    }
    match browser_refusal(req.method(), req.headers()) {
        Some(refusal) => refusal,
        None => next.run(req).await,
    }
}

/// The admin endpoints, relative to /__admin. Another path is a 404, another method a 405.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/faults", get(list_faults).post(add_faults).delete(clear_faults))
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/events", post(append_events))
        .route("/reset", post(reset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

async fn add_faults(State(st): St, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultsBody>(&body) {
        Ok(b) => {
            let n = b.faults.len();
            let queued = st.faults.push(b.faults);
            reply(StatusCode::OK, json!({ "added": n, "queued": queued }))
        }
        Err(e) => bad(e),
    }
}

async fn list_faults(State(st): St) -> Response {
    reply(StatusCode::OK, json!({ "faults": st.faults.list() }))
}

async fn clear_faults(State(st): St) -> Response {
    reply(StatusCode::OK, json!({ "cleared": st.faults.clear() }))
}

async fn list_requests(State(st): St) -> Response {
    let log: Vec<RequestLog> = st.requests.lock().unwrap().clone();
    reply(StatusCode::OK, json!({ "requests": log }))
}

async fn clear_requests(State(st): St) -> Response {
    let mut log = st.requests.lock().unwrap();
    let n = log.len();
    log.clear();
    reply(StatusCode::OK, json!({ "cleared": n }))
}

async fn append_events(State(st): St, body: Bytes) -> Response {
    match serde_json::from_slice::<EventsBody>(&body) {
        Ok(b) if b.count <= 100_000 => {
            let n = b.count;
            match st.with_db(move |c| seed::append_access_events(c, n)).await {
                Ok(ids) => reply(StatusCode::OK, json!({ "appended": ids.len(), "first_id": ids.first(), "last_id": ids.last() })),
                Err(e) => bad(e),
            }
        }
        Ok(_) => bad("count must be at most 100000"),
        Err(e) => bad(e),
    }
}

/// Wipes and seeds again; without a body (or `seed`), with the start seed.
async fn reset(State(st): St, body: Bytes) -> Response {
    let b: ResetBody = if body.iter().all(u8::is_ascii_whitespace) {
        ResetBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return bad(e),
        }
    };
    let seed: Seed = match b.seed.as_deref().map(str::parse).transpose() {
        Ok(s) => s.unwrap_or(st.cfg.seed),
        Err(e) => return bad(e),
    };
    match st.with_db(move |c| seed::reset(c, seed)).await {
        Ok(()) => reply(StatusCode::OK, json!({ "reset": if seed == Seed::Demo { "demo" } else { "empty" } })),
        Err(e) => bad(e),
    }
}
