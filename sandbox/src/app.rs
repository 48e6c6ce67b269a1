//! Router, /api/v1 dispatch, auth, envelopes, write serialization and fault injection.

// The error side of these results is the ready HTTP answer.
#![allow(clippy::result_large_err)]

use crate::config::Config;
use crate::db::{self, UserFilter};
use crate::faults::{Fault, FaultKind, Faults};
use crate::validate::{parse_options, Options};
use crate::writes::{self, Kind, Record};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use tokio::sync::Notify;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

/// Maximum records per write call.
pub const MAX_BATCH: usize = 100;
/// The request log keeps at most this many entries (oldest dropped).
pub const MAX_LOGGED: usize = 20_000;

pub const MSG_NO_DATA: &str = "No data found or invalid JSON objects supplied. Could not parse input.";
pub const MSG_BATCH: &str = "Batch size exceeds maximum of 100 objects.";
pub const MSG_FAILED: &str = "Validation errors found. Batch has failed. Details provided.";
pub const MSG_PARTIAL: &str = "Validation errors found. Details provided.";
pub const MSG_DENIED: &str = "Access denied. Invalid API credentials.";
pub const MSG_CTYPE: &str = "Content-Type must be application/json";
pub const MSG_OVERLAP: &str = "Overlapping write rejected. Retry after the current write completes.";
pub const HTML_502: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// Set on a request by the connection loop: notifying it closes the connection
/// without a response.
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

/// Record count of a response, for the log.
#[derive(Clone, Copy)]
pub struct Records(pub usize);

#[derive(Serialize, Clone)]
pub struct RequestLog {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    /// null when the connection was dropped without an answer.
    pub status: Option<u16>,
    pub records: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    pub apiuser: Option<String>,
    pub apikey_ok: bool,
    pub content_type: Option<String>,
    pub body: Option<Box<RawValue>>,
}

pub struct AppState {
    pub cfg: Config,
    pub db: Arc<Mutex<Connection>>,
    pub writing: AtomicBool,
    pub faults: Faults,
    pub requests: Mutex<Vec<RequestLog>>,
    pub seq: AtomicU64,
    pub started: Instant,
}

struct WriteGuard<'a>(&'a AtomicBool);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl AppState {
    pub fn new(cfg: Config, conn: Connection) -> Self {
        AppState {
            cfg,
            db: Arc::new(Mutex::new(conn)),
            writing: AtomicBool::new(false),
            faults: Faults::default(),
            requests: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    fn try_write(&self) -> Option<WriteGuard<'_>> {
        self.writing.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).ok().map(|_| WriteGuard(&self.writing))
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Runs `f` on the database on the blocking pool.
    pub async fn with_db<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> T + Send + 'static) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut conn)
        })
        .await
        .expect("database task panicked")
    }
}

// ---------- envelopes ----------

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

#[derive(Serialize)]
struct ErrMsg {
    error: String,
}

#[derive(Serialize)]
struct Counts {
    submitted: usize,
    inserted: usize,
    updated: usize,
    errors: usize,
}

#[derive(Serialize)]
struct ErrItem<'a> {
    error: &'a [String],
    input_data: &'a RawValue,
}

#[derive(Serialize)]
struct WriteAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrItem<'a>>>,
}

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

fn list_response<T: Serialize>(items: rusqlite::Result<Vec<T>>) -> Response {
    match items {
        Ok(v) => json_response(StatusCode::OK, &Data { data: &v }, v.len()),
        Err(e) => internal(e),
    }
}

fn internal(e: impl std::fmt::Display) -> Response {
    error_response(StatusCode::INTERNAL_SERVER_ERROR, format!("Internal error: {e}"))
}

/// Batch-level 400 `{"result":[msg],"errors":[]}`.
fn batch_error(msg: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &WriteAnswer { data: None, result: Some(vec![msg.to_string()]), errors: Some(vec![]) }, 0)
}

fn html(status: StatusCode, body: String, ctype: &str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("text/html")));
    r
}

// ---------- router ----------

pub fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new().route("/api/v1", any(api)).route("/api/v1/", any(api)).route("/api/v1/{*rest}", any(api)).route("/__admin/{*rest}", any(crate::admin::admin));
    app = match &state.cfg.serve {
        Some(dir) => app.fallback_service(ServeDir::new(dir)),
        None => app.fallback(not_found),
    };
    let origins: Vec<HeaderValue> = state.cfg.cors_origin.iter().filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::HeaderName::from_static("apiuser"), header::HeaderName::from_static("apikey"), header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600));
    app.with_state(state).layer(cors).layer(middleware::from_fn(log_line))
}

async fn not_found(req: Request) -> Response {
    error_response(StatusCode::NOT_FOUND, format!("Not found: {}", req.uri().path()))
}

/// One stderr line per request: method, path, status, ms, records. Never the apikey.
async fn log_line(req: Request, next: Next) -> Response {
    let t = Instant::now();
    let m = req.method().clone();
    let p = req.uri().path().to_string();
    let resp = next.run(req).await;
    let rec = resp.extensions().get::<Records>().map_or(0, |r| r.0);
    eprintln!("{m} {p} {} {:.1}ms records={rec}", resp.status().as_u16(), t.elapsed().as_secs_f64() * 1000.0);
    resp
}

// ---------- /api/v1 ----------

enum Answer {
    Respond(Response),
    Drop,
}

fn header_str(req: &axum::http::request::Parts, name: &str) -> Option<String> {
    req.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn auth_ok(cfg: &Config, user: Option<&str>, key: Option<&str>) -> bool {
    let (Some(u), Some(k)) = (user, key) else {
        return false;
    };
    let u_ok = u.as_bytes().ct_eq(cfg.api_user.as_bytes());
    let k_ok = k.as_bytes().ct_eq(cfg.api_key.as_bytes());
    (u_ok & k_ok).into()
}

async fn api(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let start_ms = st.elapsed_ms();
    let (parts, body) = req.into_parts();
    let kill = parts.extensions.get::<ConnKill>().cloned();
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let apiuser = header_str(&parts, "apiuser");
    let apikey = header_str(&parts, "apikey");
    let ctype = header_str(&parts, "content-type");
    let bytes = axum::body::to_bytes(body, 64 << 20).await.unwrap_or_default();
    let log_body = serde_json::from_slice::<Box<RawValue>>(&bytes).ok();
    let ok = auth_ok(&st.cfg, apiuser.as_deref(), apikey.as_deref());
    let answer = process(&st, &method, &path, &query, ctype.as_deref(), ok, bytes).await;
    let (status, records) = match &answer {
        Answer::Respond(r) => (Some(r.status().as_u16()), r.extensions().get::<Records>().map_or(0, |r| r.0)),
        Answer::Drop => (None, 0),
    };
    {
        let entry = RequestLog {
            seq: st.seq.fetch_add(1, Ordering::SeqCst) + 1,
            method: method.to_string(),
            path: path.clone(),
            query,
            status,
            records,
            start_ms,
            end_ms: st.elapsed_ms(),
            apiuser,
            apikey_ok: ok,
            content_type: ctype,
            body: log_body,
        };
        let mut log = st.requests.lock().unwrap();
        if log.len() >= MAX_LOGGED {
            log.remove(0);
        }
        log.push(entry);
    }
    match answer {
        Answer::Respond(r) => r,
        Answer::Drop => {
            eprintln!("{method} {path} dropped (connection closed without a response)");
            if let Some(k) = kill {
                k.0.notify_one();
                std::future::pending::<()>().await;
            }
            // Not served by our connection loop: best effort.
            let mut r = StatusCode::BAD_GATEWAY.into_response();
            r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            r
        }
    }
}

fn fault_status(f: &Fault) -> Response {
    let status = StatusCode::from_u16(f.status.unwrap_or(502)).unwrap_or(StatusCode::BAD_GATEWAY);
    let body = f.body.clone().unwrap_or_else(|| format!("<html><body><h1>{}</h1></body></html>", status.as_u16()));
    let mut r = html(status, body, f.content_type.as_deref().unwrap_or("text/html"));
    if status == StatusCode::TOO_MANY_REQUESTS {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

async fn process(st: &Arc<AppState>, method: &Method, path: &str, query: &str, ctype: Option<&str>, auth: bool, body: Bytes) -> Answer {
    let cfg = &st.cfg;
    let fault = st.faults.take(method.as_str(), path);
    if cfg.drop_rate > 0.0 && fastrand::f64() < cfg.drop_rate {
        return Answer::Drop;
    }
    if let Some(f) = fault.as_ref().filter(|f| !f.after_commit) {
        match f.kind {
            FaultKind::Drop => return Answer::Drop,
            FaultKind::Status => return Answer::Respond(fault_status(f)),
            _ => {}
        }
    }
    if cfg.fail_rate > 0.0 && fastrand::f64() < cfg.fail_rate {
        return Answer::Respond(html(StatusCode::BAD_GATEWAY, HTML_502.to_string(), "text/html"));
    }
    let delay = fault.as_ref().filter(|f| f.kind == FaultKind::Delay).map_or(0, |f| f.ms.unwrap_or(0));
    let resp = handle(st, method, path, query, ctype, auth, body, delay).await;
    let Some(f) = fault else {
        return Answer::Respond(resp);
    };
    let records = resp.extensions().get::<Records>().copied();
    let mut out = match f.kind {
        FaultKind::Status if f.after_commit => fault_status(&f),
        FaultKind::Drop if f.after_commit => return Answer::Drop,
        FaultKind::Truncate => {
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            (status, [(header::CONTENT_TYPE, "application/json")], half).into_response()
        }
        FaultKind::Empty => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::empty()).into_response(),
        FaultKind::ContentType => {
            let mut r = resp;
            let ct = f.content_type.as_deref().unwrap_or("text/plain");
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap_or(HeaderValue::from_static("text/plain")));
            r
        }
        _ => resp,
    };
    if let Some(r) = records {
        out.extensions_mut().insert(r);
    }
    Answer::Respond(out)
}

fn allowed_methods(name: &str) -> Option<&'static [Method]> {
    Some(match name {
        "user" | "credential" | "door" => &[Method::GET, Method::POST],
        "uservalidate" => &[Method::POST],
        "fob" => &[Method::GET, Method::POST, Method::PUT],
        "credentialsummary" | "events" | "doorstate" | "fobcheck" | "schedule" | "accesslevel" | "nextcardnum" => &[Method::GET],
        _ => return None,
    })
}

fn is_json(ctype: Option<&str>) -> bool {
    ctype.and_then(|c| c.split(';').next()).is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

#[allow(clippy::too_many_arguments)]
async fn handle(st: &Arc<AppState>, method: &Method, path: &str, query: &str, ctype: Option<&str>, auth: bool, body: Bytes, delay_ms: u64) -> Response {
    if !auth {
        return error_response(StatusCode::UNAUTHORIZED, MSG_DENIED);
    }
    let rest = path.strip_prefix("/api/v1").unwrap_or("");
    let name = rest.trim_start_matches('/').trim_end_matches('/');
    let Some(allowed) = allowed_methods(name) else {
        return error_response(StatusCode::NOT_FOUND, format!("Not found: {path}"));
    };
    if !allowed.contains(method) {
        let mut r = error_response(StatusCode::METHOD_NOT_ALLOWED, format!("Method not allowed: {method} {path}"));
        let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
        if let Ok(v) = HeaderValue::from_str(&allow) {
            r.headers_mut().insert(header::ALLOW, v);
        }
        return r;
    }
    let wait = st.cfg.latency_ms + delay_ms;
    if *method == Method::GET {
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
        return get(st, name, query).await;
    }
    if !is_json(ctype) {
        return error_response(StatusCode::BAD_REQUEST, MSG_CTYPE);
    }
    let Some(_guard) = st.try_write() else {
        let mut r = error_response(StatusCode::TOO_MANY_REQUESTS, MSG_OVERLAP);
        if !st.cfg.no_retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        return r;
    };
    let hold = wait + st.cfg.write_hold_ms;
    if hold > 0 {
        tokio::time::sleep(Duration::from_millis(hold)).await;
    }
    let (kind, commit) = match (method.as_str(), name) {
        ("POST", "user") => (Kind::Users, true),
        ("POST", "uservalidate") => (Kind::Users, false),
        ("POST", "door") => (Kind::Doors, true),
        ("POST", "fob") => (Kind::FobsPost, true),
        ("PUT", "fob") => (Kind::FobsPut, true),
        _ => (Kind::Credentials, true),
    };
    write(st, kind, commit, &body).await
}

// ---------- GET ----------

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

async fn get(st: &Arc<AppState>, name: &str, query: &str) -> Response {
    let q = parse_query(query);
    match name {
        "user" => {
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
        "events" => {
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
        "credential" => st.with_db(|c| list_response(db::credentials(c))).await,
        "credentialsummary" => st.with_db(|c| list_response(db::credential_summary(c).map(|s| vec![s]))).await,
        "door" => st.with_db(|c| list_response(db::doors(c))).await,
        "doorstate" => st.with_db(|c| list_response(db::doorstates(c))).await,
        "fob" => st.with_db(|c| list_response(db::list_persons(c, &UserFilter::Fobs))).await,
        "fobcheck" => st.with_db(|c| list_response(db::fobcheck(c))).await,
        "schedule" => st.with_db(|c| list_response(db::schedules(c))).await,
        "accesslevel" => st.with_db(|c| list_response(db::accesslevels(c))).await,
        "nextcardnum" => {
            #[derive(Serialize)]
            struct Next {
                card_num: String,
            }
            st.with_db(|c| list_response(db::next_card_num(c).map(|card_num| vec![Next { card_num }]))).await
        }
        _ => error_response(StatusCode::NOT_FOUND, format!("Not found: /api/v1/{name}")),
    }
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

async fn write(st: &Arc<AppState>, kind: Kind, commit: bool, body: &[u8]) -> Response {
    let (records, opts) = match parse_batch(body, kind) {
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
