//! /__admin: only with `--admin` and only for loopback peers (404 otherwise).
//! No apikey needed. All bodies and answers are JSON.
//!
//! A web page must not reach it through the developer's browser: the `Host` must be loopback
//! (DNS rebinding sends the attacker's name), an `Origin`, when sent, must be the sandbox's own
//! (cross-site requests), and a POST must say `application/json` (a form or a `no-cors` fetch
//! cannot send that without a preflight). Anything else is a 403 or 415 and changes nothing.

use crate::app::{AppState, RequestLog};
use crate::faults::Fault;
use crate::seed::{self, Seed};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

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
    let json_body =
        single(header::CONTENT_TYPE).is_ok_and(|ct| ct.and_then(|ct| ct.split(';').next()).is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json")));
    if method == Method::POST && !json_body {
        return Some(reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({ "error": "admin POST bodies must be application/json" })));
    }
    None
}

pub async fn admin(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let path = req.uri().path().to_string();
    if !st.cfg.admin || !peer.is_some_and(|p| p.ip().is_loopback()) {
        return crate::app::error_response(StatusCode::NOT_FOUND, format!("Not found: {path}"));
    }
    if let Some(refusal) = browser_refusal(req.method(), req.headers()) {
        return refusal;
    }
    let method = req.method().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 16 << 20).await.unwrap_or_default();
    let what = path.trim_start_matches("/__admin/").trim_end_matches('/');
    match (method, what) {
        (Method::POST, "faults") => match serde_json::from_slice::<FaultsBody>(&body) {
            Ok(b) => {
                let n = b.faults.len();
                let queued = st.faults.push(b.faults);
                reply(StatusCode::OK, json!({ "added": n, "queued": queued }))
            }
            Err(e) => bad(e),
        },
        (Method::GET, "faults") => reply(StatusCode::OK, json!({ "faults": st.faults.list() })),
        (Method::DELETE, "faults") => reply(StatusCode::OK, json!({ "cleared": st.faults.clear() })),
        (Method::GET, "requests") => {
            let log: Vec<RequestLog> = st.requests.lock().unwrap().clone();
            reply(StatusCode::OK, json!({ "requests": log }))
        }
        (Method::DELETE, "requests") => {
            let mut log = st.requests.lock().unwrap();
            let n = log.len();
            log.clear();
            reply(StatusCode::OK, json!({ "cleared": n }))
        }
        (Method::POST, "events") => match serde_json::from_slice::<EventsBody>(&body) {
            Ok(b) if b.count <= 100_000 => {
                let n = b.count;
                match st.with_db(move |c| seed::append_access_events(c, n)).await {
                    Ok(ids) => reply(StatusCode::OK, json!({ "appended": ids.len(), "first_id": ids.first(), "last_id": ids.last() })),
                    Err(e) => bad(e),
                }
            }
            Ok(_) => bad("count must be at most 100000"),
            Err(e) => bad(e),
        },
        (Method::POST, "reset") => {
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
        _ => crate::app::error_response(StatusCode::NOT_FOUND, format!("Not found: {path}")),
    }
}
