//! /__admin: only with `--admin` and only for loopback peers (404 otherwise).
//! No apikey needed. All bodies and answers are JSON.

use crate::app::{AppState, RequestLog};
use crate::faults::Fault;
use crate::seed::{self, Seed};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

fn reply(status: StatusCode, v: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
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

pub async fn admin(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let path = req.uri().path().to_string();
    if !st.cfg.admin || !peer.is_some_and(|p| p.ip().is_loopback()) {
        return crate::app::error_response(StatusCode::NOT_FOUND, format!("Not found: {path}"));
    }
    let method = req.method().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 16 << 20)
        .await
        .unwrap_or_default();
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
        (Method::DELETE, "faults") => {
            reply(StatusCode::OK, json!({ "cleared": st.faults.clear() }))
        }
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
                    Ok(ids) => reply(
                        StatusCode::OK,
                        json!({ "appended": ids.len(), "first_id": ids.first(), "last_id": ids.last() }),
                    ),
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
                Ok(()) => reply(
                    StatusCode::OK,
                    json!({ "reset": if seed == Seed::Demo { "demo" } else { "empty" } }),
                ),
                Err(e) => bad(e),
            }
        }
        _ => crate::app::error_response(StatusCode::NOT_FOUND, format!("Not found: {path}")),
    }
}
