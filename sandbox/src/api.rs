//! /api/v1: one route per endpoint, and the handlers. Auth, logging, faults, the write
//! slot and latency are middleware ([`crate::layers`], [`crate::faults`]), set up in
//! [`crate::app::router`].

// The error side of these results is the ready HTTP answer.
#![allow(clippy::result_large_err)]

use crate::app::AppState;
use crate::db::{self, UserFilter};
use crate::reply::{
    batch_error, error_response, internal, json_response, list_response, not_found_at, Counts, ErrItem, WriteAnswer, MSG_BATCH, MSG_FAILED, MSG_NO_DATA, MSG_PARTIAL,
};
use crate::validate::{parse_options, Options};
use crate::writes::{self, Kind, Record};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, OriginalUri, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

/// Maximum records per write call.
pub const MAX_BATCH: usize = 100;

type St = State<Arc<AppState>>;

/// The endpoints of the reference. Paths are relative to /api/v1; a path that is not
/// here is a 404, a method an endpoint lacks a 405 with `Allow`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/user", get(users).post(|st: St, body: Bytes| write(st, Kind::Users, true, body)))
        // Validates like POST /user, then rolls back.
        .route("/uservalidate", post(|st: St, body: Bytes| write(st, Kind::Users, false, body)))
        .route("/door", get(|st: St| read(st, db::doors)).post(|st: St, body: Bytes| write(st, Kind::Doors, true, body)))
        .route(
            "/fob",
            get(|st: St| read(st, fobs)).post(|st: St, body: Bytes| write(st, Kind::FobsPost, true, body)).put(|st: St, body: Bytes| write(st, Kind::FobsPut, true, body)),
        )
        .route("/credential", get(|st: St| read(st, db::credentials)).post(|st: St, body: Bytes| write(st, Kind::Credentials, true, body)))
        .route("/credentialsummary", get(|st: St| read(st, credential_summary)))
        .route("/events", get(events))
        .route("/doorstate", get(|st: St| read(st, db::doorstates)))
        .route("/fobcheck", get(|st: St| read(st, db::fobcheck)))
        .route("/schedule", get(|st: St| read(st, db::schedules)))
        .route("/accesslevel", get(|st: St| read(st, db::accesslevels)))
        .route("/nextcardnum", get(|st: St| read(st, next_card_num)))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // The body was read (and bounded) by `layers::record`.
        .layer(DefaultBodyLimit::disable())
}

/// `Not found: PATH`, the path as sent.
pub async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    not_found_at(uri.path())
}

/// `Method not allowed: METHOD PATH`; axum adds the `Allow` header.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    error_response(StatusCode::METHOD_NOT_ALLOWED, format!("Method not allowed: {method} {}", uri.path()))
}

// ---------- reads ----------

/// A read that lists records: `{"data":[...]}`.
async fn read<T: Serialize + Send + 'static>(State(st): St, list: fn(&Connection) -> rusqlite::Result<Vec<T>>) -> Response {
    st.with_db(move |c| list_response(list(c))).await
}

fn fobs(c: &Connection) -> rusqlite::Result<Vec<db::PersonOut>> {
    db::list_persons(c, &UserFilter::Fobs)
}

fn credential_summary(c: &Connection) -> rusqlite::Result<Vec<db::SummaryOut>> {
    db::credential_summary(c).map(|s| vec![s])
}

#[derive(Serialize)]
struct NextCardNum {
    card_num: String,
}

fn next_card_num(c: &Connection) -> rusqlite::Result<Vec<NextCardNum>> {
    db::next_card_num(c).map(|card_num| vec![NextCardNum { card_num }])
}

/// Query parameters, percent-decoded (`+` is a space); the first value of a name wins.
pub struct Params(pub HashMap<String, String>);

impl<S: Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Params(parse_query(parts.uri.query().unwrap_or(""))))
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters (first value wins).
pub fn parse_query(q: &str) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        m.entry(percent_decode(k)).or_insert_with(|| percent_decode(v));
    }
    m
}

fn parse_id(v: &str) -> Result<i64, Response> {
    v.trim().parse::<i64>().map_err(|_| error_response(StatusCode::BAD_REQUEST, format!("Invalid id: {v}")))
}

/// GET /user, `?id=N` or `?idnum=TEXT` (an empty idnum matches nobody).
async fn users(State(st): St, Params(q): Params) -> Response {
    let filter = if let Some(v) = q.get("id") {
        match parse_id(v) {
            Ok(id) => UserFilter::Id(id),
            Err(r) => return r,
        }
    } else if let Some(v) = q.get("idnum") {
        if v.is_empty() {
            return list_response::<()>(Ok(vec![]));
        }
        UserFilter::IdNum(v.clone())
    } else {
        UserFilter::All
    };
    st.with_db(move |c| list_response(db::list_persons(c, &filter))).await
}

/// GET /events: the newest first; `?id=N`: those after N, ascending (the overlap and
/// order flags change that).
async fn events(State(st): St, Params(q): Params) -> Response {
    let after = match q.get("id").map(|v| parse_id(v)) {
        Some(Ok(id)) => Some(id),
        Some(Err(r)) => return r,
        None => None,
    };
    let overlap = i64::try_from(st.cfg.events_overlap).unwrap_or(i64::MAX);
    let newest_first = st.cfg.events_newest_first;
    st.with_db(move |c| {
        list_response(match after {
            Some(id) => db::events_after(c, id.saturating_sub(overlap)).map(|mut v| {
                if newest_first {
                    v.reverse();
                }
                v
            }),
            None => db::events_newest(c),
        })
    })
    .await
}

// ---------- writes ----------

/// Splits a write body into its records. Errors are the batch-level 400 answers.
pub fn parse_batch(body: &[u8], kind: Kind) -> Result<(Vec<Record>, Options), Response> {
    let top: HashMap<String, Box<RawValue>> = serde_json::from_slice(body).map_err(|_| batch_error(MSG_NO_DATA))?;
    let node = top.get(kind.node()).ok_or_else(|| batch_error(MSG_NO_DATA))?;
    let raws: Vec<Box<RawValue>> = serde_json::from_str(node.get()).map_err(|_| batch_error(MSG_NO_DATA))?;
    if raws.is_empty() {
        return Err(batch_error(MSG_NO_DATA));
    }
    if raws.len() > MAX_BATCH {
        return Err(batch_error(MSG_BATCH));
    }
    let mut records = Vec::with_capacity(raws.len());
    for raw in raws {
        let raw = RawValue::from_string(crate::validate::compact_json(raw.get())).map_err(|_| batch_error(MSG_NO_DATA))?;
        let obj: Map<String, Value> = serde_json::from_str(raw.get()).map_err(|_| batch_error(MSG_NO_DATA))?;
        records.push(Record { raw, obj });
    }
    let opts_value: Option<Value> = match top.get("options") {
        Some(raw) => Some(serde_json::from_str(raw.get()).map_err(|_| batch_error(MSG_NO_DATA))?),
        None => None,
    };
    let opts = parse_options(opts_value.as_ref()).map_err(|name| batch_error(&format!("Invalid option value: {name}")))?;
    Ok((records, opts))
}

/// A batch write of `kind`; `commit` false validates and rolls back.
async fn write(State(st): St, kind: Kind, commit: bool, body: Bytes) -> Response {
    let (records, opts) = match parse_batch(&body, kind) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (records, outcome) = st
        .with_db(move |c| {
            let o = writes::run(c, kind, &records, &opts, commit);
            (records, o)
        })
        .await;
    let o = match outcome {
        Ok(o) => o,
        Err(e) => return internal(e),
    };
    let counts = Counts { submitted: o.submitted, inserted: o.inserted, updated: o.updated, errors: o.errors };
    let items: Vec<ErrItem> = o.failures.iter().map(|(i, msgs)| ErrItem { error: msgs, input_data: &records[*i].raw }).collect();
    let n = o.submitted;
    if items.is_empty() {
        json_response(StatusCode::OK, &WriteAnswer { data: Some(counts), result: None, errors: None }, n)
    } else if opts.validate_fails_batch {
        json_response(StatusCode::BAD_REQUEST, &WriteAnswer { data: None, result: Some(vec![MSG_FAILED.into()]), errors: Some(items) }, n)
    } else {
        json_response(StatusCode::OK, &WriteAnswer { data: Some(counts), result: Some(vec![MSG_PARTIAL.into()]), errors: Some(items) }, n)
    }
}
