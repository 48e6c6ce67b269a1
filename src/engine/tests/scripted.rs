//! A scripted Lockt server behind the engine's [`Transport`], with a fake clock that never
//! really sleeps and a tiny executor. The server keeps a ledger of every record it applies, so
//! a test can prove nothing was applied twice.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake};

use serde_json::{json, Map, Value};

use crate::api::{ApiRequest, Method, RawResponse};
use crate::engine::{Reply, RetryPolicy, Transport};
use crate::error::{Error, ErrorKind};

/// Runs a future to completion. The scripted transport never pends, so one poll loop does.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Arc::new(Noop).into();
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// What a fault does to the request it matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultKind {
    /// An HTML error page with this status.
    Status(u16),
    /// The connection drops: no answer.
    Drop,
    /// No answer within the client's timeout (the server abandons an uncommitted request).
    Timeout,
    /// The JSON answer cut short (the call itself is processed).
    Truncate,
    /// A `text/html` content type on the JSON answer (the call itself is processed).
    ContentType,
    /// An empty body (the call itself is processed).
    Empty,
    /// 401 with the API's JSON message.
    Unauthorized,
    /// 429 with `Retry-After: 1`: another writer holds the write slot.
    TooMany,
    /// The caller's signal fires while the request is in flight.
    Abort,
    /// Lets the request through (and the next fault waits for the next request).
    Pass,
}

/// One scripted fault, for the next request with this method on this endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    pub method: Method,
    pub path: &'static str,
    pub kind: FaultKind,
    /// Apply the call, then answer with the fault (only for `Status`, `Drop`, `Timeout`, `Abort`:
    /// an unreadable answer always follows a processed call, a 401 or 429 never does).
    pub after_commit: bool,
}

impl Fault {
    pub fn on(method: Method, path: &'static str, kind: FaultKind) -> Self {
        Fault { method, path, kind, after_commit: false }
    }

    pub fn after_commit(self) -> Self {
        Fault { after_commit: true, ..self }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub method: Method,
    pub path: String,
    /// The status answered, `None` when no answer went back.
    pub status: Option<u16>,
    /// Records in the body of a write.
    pub records: usize,
}

/// The server's state: users, doors, access levels, events, faults, the request log and the
/// ledger of applied records.
#[derive(Debug, Default)]
pub struct Server {
    pub users: Vec<Map<String, Value>>,
    pub doors: Vec<Value>,
    pub levels: Vec<Value>,
    pub events: Vec<Value>,
    pub faults: VecDeque<Fault>,
    pub log: Vec<Logged>,
    /// How many times each record (by `id_num` or door `name`) was inserted or updated.
    pub ledger: BTreeMap<String, usize>,
    next_id: u64,
}

/// The server's refusal text for a record whose last name is `Refused`.
pub const REFUSED: &str = "Refused by the server";

impl Server {
    /// A server with a few access levels and no users.
    pub fn new() -> Self {
        let levels = vec![json!({"id": 512, "name": "Housekeeping"}), json!({"id": 574, "name": "Cardholder"})];
        Server { levels, next_id: 1000, ..Server::default() }
    }

    /// Adds a user as if created earlier (not in the ledger).
    pub fn seed_user(&mut self, record: Value) -> u64 {
        let Value::Object(mut user) = record else { panic!("a user is an object") };
        self.next_id += 1;
        user.insert("id".into(), json!(self.next_id));
        self.users.push(user);
        self.next_id
    }

    /// The requests logged for `method` on `path` (query ignored).
    pub fn sent(&self, method: Method, path: &str) -> Vec<&Logged> {
        self.log.iter().filter(|l| l.method == method && l.path.split('?').next() == Some(path)).collect()
    }

    /// Handles one request, faults included.
    fn handle(&mut self, req: &ApiRequest, timeout_ms: f64, clock: &Cell<f64>) -> Result<Reply, Error> {
        let endpoint = req.path.split('?').next().unwrap_or_default().to_string();
        let records = req.body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok()).and_then(|b| b.as_object()?.values().find_map(|v| v.as_array().map(Vec::len)));
        let at = self.faults.iter().position(|f| f.method == req.method && f.path == endpoint);
        let fault = at.and_then(|i| self.faults.remove(i)).filter(|f| f.kind != FaultKind::Pass);
        let processes = fault.map_or(true, |f| match f.kind {
            FaultKind::Status(_) | FaultKind::Drop | FaultKind::Timeout | FaultKind::Abort => f.after_commit,
            FaultKind::Truncate | FaultKind::ContentType | FaultKind::Empty => true,
            FaultKind::Unauthorized | FaultKind::TooMany | FaultKind::Pass => false,
        });
        let answer = if processes { self.process(req) } else { json_reply(200, json!({})) };
        let result = match fault.map(|f| f.kind) {
            None => Ok(answer),
            Some(FaultKind::Status(status)) => Ok(reply(status, "text/html", &format!("<html><body><h1>{status} Oops</h1><p>upstream</p></body></html>"), None)),
            Some(FaultKind::Drop) => Err(crate::api::transport_error(ErrorKind::Network, "TypeError: fetch failed")),
            Some(FaultKind::Timeout) => {
                clock.set(clock.get() + timeout_ms);
                Err(crate::api::transport_error(ErrorKind::Timeout, ""))
            }
            Some(FaultKind::Truncate) => {
                let body = &answer.response.body;
                Ok(reply(answer.response.status, "application/json", &body[..body.len() / 2], None))
            }
            Some(FaultKind::ContentType) => Ok(reply(answer.response.status, "text/html; charset=utf-8", &answer.response.body, None)),
            Some(FaultKind::Empty) => Ok(reply(answer.response.status, "application/json", "", None)),
            Some(FaultKind::Unauthorized) => Ok(json_reply(401, json!({"result": ["Access denied. Invalid API credentials."]}))),
            Some(FaultKind::TooMany) => Ok(reply(429, "application/json", r#"{"result":["Another batch is in progress"]}"#, Some("1"))),
            Some(FaultKind::Abort) => Err(crate::api::transport_error(ErrorKind::Aborted, "")),
            Some(FaultKind::Pass) => unreachable!("filtered out above"),
        };
        let status = result.as_ref().ok().map(|r| r.response.status);
        self.log.push(Logged { method: req.method, path: req.path.clone(), status, records: records.unwrap_or(0) });
        result
    }

    /// The API's answer to a request that goes through.
    fn process(&mut self, req: &ApiRequest) -> Reply {
        let (endpoint, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let body: Value = req.body.as_deref().map_or(Value::Null, |b| serde_json::from_str(b).expect("the engine sends JSON"));
        match (req.method, endpoint) {
            (Method::Get, "user") => {
                let matches = |u: &&Map<String, Value>| match query.split_once('=') {
                    Some(("id", id)) => u.get("id").and_then(Value::as_u64).map(|n| n.to_string()).as_deref() == Some(id),
                    Some(("idnum", idnum)) => u.get("id_num").and_then(Value::as_str) == Some(idnum),
                    _ => true,
                };
                json_reply(200, json!({ "data": self.users.iter().filter(matches).collect::<Vec<_>>() }))
            }
            (Method::Get, "accesslevel") => json_reply(200, json!({ "data": self.levels })),
            (Method::Get, "door") => json_reply(200, json!({ "data": self.doors })),
            (Method::Get, "events") => {
                let after: u64 = query.strip_prefix("id=").and_then(|n| n.parse().ok()).unwrap_or(0);
                let mut events: Vec<&Value> = self.events.iter().filter(|e| e["id"].as_u64() > Some(after)).collect();
                events.sort_by_key(|e| std::cmp::Reverse(e["id"].as_u64()));
                events.truncate(crate::engine::tail::EVENT_WINDOW);
                json_reply(200, json!({ "data": events }))
            }
            (Method::Post, "user") => self.write_users(&body, true),
            (Method::Post, "uservalidate") => self.write_users(&body, false),
            (Method::Post, "door") => self.write_doors(&body),
            (Method::Post, "credential") => {
                let n = body["credentials"].as_array().map_or(0, Vec::len);
                json_reply(200, json!({ "data": { "submitted": n, "inserted": 0, "updated": n, "errors": 0 } }))
            }
            _ => json_reply(404, json!({ "result": ["No such endpoint"] })),
        }
    }

    /// `POST /user`: records whose last name is `Refused` are refused; with
    /// `validate_fails_batch` one refusal fails the call; an existing user (same `id` or
    /// `id_num`) is updated only with `update_existing`, else silently ignored.
    fn write_users(&mut self, body: &Value, commit: bool) -> Reply {
        let option = |k: &str, default: bool| body["options"][k].as_str().map_or(default, |v| v == "true");
        let (update_existing, fails_batch) = (option("update_existing", false), option("validate_fails_batch", true));
        let records = body["users"].as_array().cloned().unwrap_or_default();
        let refused: Vec<&Value> = records.iter().filter(|r| r["last_name"] == REFUSED).collect();
        let errors: Vec<Value> = refused.iter().map(|r| json!({ "error": [format!("{REFUSED}: {}", r["id_num"])], "input_data": r })).collect();
        if !errors.is_empty() && fails_batch {
            return json_reply(400, json!({ "result": ["Validation errors found. Batch has failed. Details provided."], "errors": errors }));
        }
        let (mut inserted, mut updated) = (0, 0);
        for record in records.iter().filter(|r| r["last_name"] != REFUSED && commit) {
            let Value::Object(fields) = record else { continue };
            let key = fields.get("id_num").and_then(Value::as_str).unwrap_or_default().to_string();
            let id = fields.get("id").and_then(Value::as_u64);
            let existing = self
                .users
                .iter_mut()
                .find(|u| id.is_some_and(|id| u.get("id").and_then(Value::as_u64) == Some(id)) || (!key.is_empty() && u.get("id_num").and_then(Value::as_str) == Some(&key)));
            match existing {
                Some(user) if update_existing => {
                    user.extend(fields.iter().filter(|(k, _)| k.as_str() != "pin").map(|(k, v)| (k.clone(), v.clone())));
                    updated += 1;
                }
                Some(_) => continue,
                None => {
                    self.next_id += 1;
                    let mut user: Map<String, Value> = fields.iter().filter(|(k, _)| k.as_str() != "pin").map(|(k, v)| (k.clone(), v.clone())).collect();
                    user.insert("id".into(), json!(self.next_id));
                    self.users.push(user);
                    inserted += 1;
                }
            }
            *self.ledger.entry(key).or_default() += 1;
        }
        let summary = json!({ "submitted": records.len(), "inserted": inserted, "updated": updated, "errors": errors.len() });
        json_reply(200, json!({ "data": summary, "errors": errors }))
    }

    /// `POST /door`: every door is inserted, by name.
    fn write_doors(&mut self, body: &Value) -> Reply {
        let doors = body["doors"].as_array().cloned().unwrap_or_default();
        for door in &doors {
            self.doors.push(door.clone());
            *self.ledger.entry(door["name"].as_str().unwrap_or_default().to_string()).or_default() += 1;
        }
        json_reply(200, json!({ "data": { "submitted": doors.len(), "inserted": doors.len(), "updated": 0, "errors": 0 } }))
    }
}

fn reply(status: u16, content_type: &str, body: &str, retry_after: Option<&str>) -> Reply {
    Reply { response: RawResponse { status, content_type: content_type.into(), body: body.into() }, retry_after: retry_after.map(str::to_string) }
}

fn json_reply(status: u16, body: Value) -> Reply {
    reply(status, "application/json; charset=utf-8", &body.to_string(), None)
}

/// The engine's transport onto a [`Server`]: a fake clock, a seeded jitter, and an abort
/// signal that fires at a scripted send.
pub struct Scripted {
    pub server: RefCell<Server>,
    pub clock: Cell<f64>,
    pub policy: RetryPolicy,
    pub timeout_ms: f64,
    /// The signal fires just before this send (counted from 1), when set.
    pub abort_at_send: Option<usize>,
    aborted: Cell<bool>,
    sends: Cell<usize>,
    /// Every wait the engine asked for, in ms.
    pub sleeps: RefCell<Vec<f64>>,
    /// The state of the jitter's generator.
    pub seed: Cell<u64>,
}

impl Scripted {
    /// A transport onto `server` with the client's default settings, at 2026-11-30 12:00 UTC.
    pub fn new(server: Server) -> Self {
        Scripted {
            server: RefCell::new(server),
            clock: Cell::new(1_795_003_200_000.0),
            policy: RetryPolicy { max_retries: 2, max_wait_ms: 300_000.0 },
            timeout_ms: 30_000.0,
            abort_at_send: None,
            aborted: Cell::new(false),
            sends: Cell::new(0),
            sleeps: RefCell::new(Vec::new()),
            seed: Cell::new(0x9E37_79B9_7F4A_7C15),
        }
    }

    /// Queues faults for the coming requests.
    pub fn faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.server.borrow_mut().faults.extend(faults);
    }

    /// Fires the caller's signal.
    pub fn abort(&self) {
        self.aborted.set(true);
    }
}

impl Transport for Scripted {
    type WriteTurn = ();

    async fn send(&self, req: &ApiRequest, _attempt: u32) -> Result<Reply, Error> {
        let n = self.sends.get() + 1;
        self.sends.set(n);
        if self.abort_at_send == Some(n) {
            self.abort();
        }
        if self.is_aborted() {
            return Err(crate::api::transport_error(ErrorKind::Aborted, ""));
        }
        self.clock.set(self.clock.get() + 5.0);
        let result = self.server.borrow_mut().handle(req, self.timeout_ms, &self.clock);
        if result.as_ref().is_err_and(|e| e.kind == ErrorKind::Aborted) {
            self.abort();
        }
        result
    }

    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        self.sleeps.borrow_mut().push(ms);
        if self.is_aborted() {
            return Err(crate::api::transport_error(ErrorKind::Aborted, ""));
        }
        self.clock.set(self.clock.get() + ms);
        Ok(())
    }

    async fn write_turn(&self) {}

    fn is_aborted(&self) -> bool {
        self.aborted.get()
    }

    fn now(&self) -> f64 {
        self.clock.get()
    }

    fn random(&self) -> f64 {
        let mut rng = Rng(self.seed.get());
        let r = rng.unit();
        self.seed.set(rng.0);
        r
    }

    fn policy(&self) -> RetryPolicy {
        self.policy
    }

    fn retrying(&self, _req: &ApiRequest, _attempt: u32, _status: Option<u16>, _reason: ErrorKind, _wait_ms: f64) {}
}

/// A small seeded generator (xorshift64*): the jitter, and the property test's cases.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..1`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
