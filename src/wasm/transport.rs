//! The engine's transport in the runtime: one send with `fetch` with headers, timeout and the
//! caller's abort signal; timers; one write in flight at a time (a queue, and Web Locks across
//! tabs); and the caller's hooks. Whether and when to send again is the engine's decision
//! (`engine::retry`).

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestRedirect, ResponseType};

use crate::api::{transport_error, ApiRequest, RawResponse};
use crate::engine::{Reply, RetryPolicy, Transport};
use crate::error::{Error, ErrorKind};
use crate::options::TextMap;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Promise;
    /// `f.bind(target, arg)`.
    #[wasm_bindgen(js_namespace = ["Function", "prototype", "bind"], js_name = call)]
    fn bind_to(f: &Function, target: &JsValue, arg: &JsValue) -> Function;
}

/// What a call's controller is aborted with when its timeout fires.
const TIMEOUT_REASON: &str = "lockt-secureaccess: the call timed out";

/// How the client reaches the API; the apikey lives here and nowhere else.
pub(crate) struct Fetch {
    pub base_url: String,
    pub api_user: Option<String>,
    api_key: Option<String>,
    pub headers: Vec<(String, String)>,
    pub timeout_ms: f64,
    pub max_retries: u32,
    /// How long one request may wait in total for its turn after 429 answers.
    pub max_wait_ms: f64,
    hooks: Hooks,
    writes: WriteQueue,
    /// The request headers, made at the first send and passed to every `fetch` (which copies
    /// them): one list per client rather than a `Headers` per call.
    request_headers: OnceCell<Array>,
}

/// The caller's `hooks`: functions told about each request, answer and retry.
#[derive(Default)]
pub(crate) struct Hooks {
    pub request: Option<Function>,
    pub response: Option<Function>,
    pub retry: Option<Function>,
}

/// Which send of which call a hook event is about: the part every event shares.
#[derive(Serialize, Tsify)]
pub struct LocktSend {
    /// `GET`, `POST` or `PUT`.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The URL's path and query (e.g. `/api/v1/user?id=3`).
    pub path: String,
    /// 1 for the first send of this call, then 2, 3, ... for each resend.
    pub attempt: u32,
}

/// What `hooks.request` receives: one request about to be sent.
#[derive(Serialize, Tsify)]
pub struct LocktRequestEvent {
    #[serde(flatten)]
    pub send: LocktSend,
    /// The request's headers, names in lower case; `apikey` reads `[redacted]`.
    #[tsify(type = "Record<string, string>")]
    pub headers: TextMap,
}

/// What `hooks.response` receives: how one send ended.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LocktResponseEvent {
    #[serde(flatten)]
    pub send: LocktSend,
    /// The HTTP status, when an answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// The error kind when no answer came (`network`, `timeout`, `aborted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error: Option<ErrorKind>,
    /// Time from sending to the whole answer, in ms.
    pub duration_ms: f64,
}

/// What `hooks.retry` receives: the call will be sent again after `waitMs`; `attempt` is
/// the send that failed.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LocktRetryEvent {
    #[serde(flatten)]
    pub send: LocktSend,
    /// The status of the failed attempt, when an answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// `rate_limited`: a 429, waited out within `rateLimit.maxWaitMs`; `network` or
    /// `server` (502/503/504): a read's fault, retried up to `maxRetries` times.
    #[tsify(type = "\"rate_limited\" | \"network\" | \"server\"")]
    pub reason: ErrorKind,
    /// The wait before the next attempt, in ms.
    pub wait_ms: f64,
}

impl Fetch {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        base_url: String,
        api_user: Option<String>,
        api_key: Option<String>,
        headers: Vec<(String, String)>,
        timeout_ms: f64,
        max_retries: u32,
        max_wait_ms: f64,
        hooks: Hooks,
    ) -> Self {
        let lock_name = format!("lockt-secureaccess write {base_url} {}", api_user.as_deref().unwrap_or(""));
        Fetch { base_url, api_user, api_key, headers, timeout_ms, max_retries, max_wait_ms, hooks, writes: WriteQueue::new(lock_name), request_headers: OnceCell::new() }
    }

    /// This client's transport for one call under the caller's `signal`.
    pub fn with_signal(&self, signal: Option<AbortSignal>) -> FetchCall<'_> {
        FetchCall { fetch: self, signal }
    }

    fn url(&self, req: &ApiRequest) -> String {
        format!("{}/{}", self.base_url, req.path)
    }

    /// The request as hooks see it: the headers it carries, the apikey redacted.
    fn request_event(&self, req: &ApiRequest, attempt: u32) -> LocktRequestEvent {
        let mut headers = self.own_headers();
        if let (Some(user), Some(_)) = (&self.api_user, &self.api_key) {
            headers.insert("apiuser".into(), user.clone());
            headers.insert("apikey".into(), "[redacted]".into());
        }
        LocktRequestEvent { send: self.send_event(req, attempt), headers }
    }

    /// Which send of which call a hook event is about.
    fn send_event(&self, req: &ApiRequest, attempt: u32) -> LocktSend {
        let url = self.url(req);
        let path = crate::api::split_once_text(&url, "://").and_then(|(_, rest)| rest.find('/').map(|j| rest[j..].to_string())).unwrap_or_default();
        LocktSend { method: req.method.as_str().into(), url, path, attempt }
    }

    async fn send_once(&self, req: &ApiRequest, signal: Option<&AbortSignal>) -> Result<Reply, Error> {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(transport_error(ErrorKind::Aborted, ""));
        }
        let controller = AbortController::new().map_err(|_| Error::new(ErrorKind::Internal, "AbortController is missing"))?;
        // The timer and the caller's signal call the controller's own `abort`, bound: plain JS
        // functions, so that a call makes (and leaves behind) no Rust closure.
        let abort: Function = Reflect::get(&controller, &"abort".into()).map_err(|_| Error::new(ErrorKind::Internal, "AbortController is missing"))?.unchecked_into();
        let timer = set_timeout(&bind_to(&abort, &controller, &TIMEOUT_REASON.into()), self.timeout_ms);
        let on_abort = signal.map(|s| {
            let on_abort = bind_to(&abort, &controller, &JsValue::UNDEFINED);
            let _ = s.add_event_listener_with_callback("abort", &on_abort);
            (s, on_abort)
        });
        let result = self.fetch(req, &controller.signal()).await;
        clear_timeout(&timer);
        if let Some((s, on_abort)) = on_abort {
            let _ = s.remove_event_listener_with_callback("abort", &on_abort);
        }
        result.map_err(|thrown| {
            if controller.signal().reason().as_string().as_deref() == Some(TIMEOUT_REASON) {
                transport_error(ErrorKind::Timeout, &format!(" ({} ms)", self.timeout_ms as u64))
            } else if signal.is_some_and(AbortSignal::aborted) {
                transport_error(ErrorKind::Aborted, "")
            } else {
                // The runtime's own error (with its cause, e.g. ENOTFOUND) stays attached.
                let cause = thrown.is_object().then(|| thrown.clone());
                Error { cause, ..transport_error(ErrorKind::Network, &thrown_text(&thrown)) }
            }
        })?
    }

    /// One fetch, body read included; `Err` carries what the runtime threw, `Ok` may still
    /// hold an error of its own (a refused redirect).
    async fn fetch(&self, req: &ApiRequest, signal: &AbortSignal) -> Result<Result<Reply, Error>, JsValue> {
        let headers = match self.request_headers.get() {
            Some(headers) => headers,
            None => {
                let made = self.make_request_headers()?;
                self.request_headers.get_or_init(|| made)
            }
        };
        let init = RequestInit::new();
        init.set_method(req.method.as_str());
        init.set_headers(headers);
        // Redirects are never followed: the apikey must not travel to another host.
        init.set_redirect(RequestRedirect::Manual);
        init.set_signal(Some(signal));
        if let Some(body) = &req.body {
            // As a string: undici (Node's fetch) copies a byte body into a transferable buffer
            // and writes it through a slower path; a string body measured 8 % less per call.
            init.set_body(&JsValue::from_str(body));
        }
        let response: web_sys::Response = JsFuture::from(fetch_with_init(&self.url(req), &init)).await?.unchecked_into();
        if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&response.status()) {
            return Ok(Err(Error::new(ErrorKind::Network, "The API answered with a redirect; redirects are not followed so that credentials never reach another host")));
        }
        let headers = response.headers();
        let header = |name: &str| headers.get(name).ok().flatten();
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let status = response.status();
        let body = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
        Ok(Ok(Reply { response: RawResponse { status, content_type, body }, retry_after }))
    }

    /// The client's `headers` and the content type, names in lower case, a later one
    /// replacing an earlier one of the same name: what every request carries but credentials.
    fn own_headers(&self) -> TextMap {
        let mut headers = TextMap::default();
        for (k, v) in &self.headers {
            headers.insert(k.to_ascii_lowercase(), v.clone());
        }
        headers.insert("content-type".into(), "application/json".into());
        headers
    }

    /// What every request carries, as `[name, value]` pairs. Each passes through a `Headers`
    /// first, which refuses what the runtime would (the values were checked when the client was
    /// made; a refusal names no value).
    fn make_request_headers(&self) -> Result<Array, JsValue> {
        let mut headers = self.own_headers();
        if let (Some(user), Some(key)) = (&self.api_user, &self.api_key) {
            headers.insert("apiuser".into(), user.clone());
            headers.insert("apikey".into(), key.clone());
        }
        let check = Headers::new()?;
        let pairs = Array::new();
        for (k, v) in headers {
            check.set(&k, &v).map_err(|_| JsValue::from(format!("the header {k} could not be set")))?;
            pairs.push(&Array::of2(&k.into(), &v.into()));
        }
        Ok(pairs)
    }
}

/// One call's transport: the client's fetch under the caller's abort signal.
pub(crate) struct FetchCall<'a> {
    fetch: &'a Fetch,
    signal: Option<AbortSignal>,
}

impl Transport for FetchCall<'_> {
    type WriteTurn = WriteTurn;

    async fn send(&self, req: &ApiRequest, attempt: u32) -> Result<Reply, Error> {
        let fetch = self.fetch;
        fetch.hooks.request(|| fetch.request_event(req, attempt));
        let started = js_sys::Date::now();
        let result = fetch.send_once(req, self.signal.as_ref()).await;
        let duration_ms = js_sys::Date::now() - started;
        let status = result.as_ref().ok().map(|r| r.response.status);
        let error = result.as_ref().err().map(|e| e.kind);
        fetch.hooks.response(|| LocktResponseEvent { send: fetch.send_event(req, attempt), status, error, duration_ms });
        result
    }

    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        sleep(ms, self.signal.as_ref()).await
    }

    async fn write_turn(&self) -> WriteTurn {
        self.fetch.writes.acquire().await
    }

    fn is_aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    fn now(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn policy(&self) -> RetryPolicy {
        RetryPolicy { max_retries: self.fetch.max_retries, max_wait_ms: self.fetch.max_wait_ms }
    }

    fn retrying(&self, req: &ApiRequest, attempt: u32, status: Option<u16>, reason: ErrorKind, wait_ms: f64) {
        let fetch = self.fetch;
        fetch.hooks.retry(|| LocktRetryEvent { send: fetch.send_event(req, attempt), status, reason, wait_ms });
    }
}

impl Hooks {
    fn request(&self, event: impl FnOnce() -> LocktRequestEvent) {
        call_hook(&self.request, event);
    }

    fn response(&self, event: impl FnOnce() -> LocktResponseEvent) {
        call_hook(&self.response, event);
    }

    fn retry(&self, event: impl FnOnce() -> LocktRetryEvent) {
        call_hook(&self.retry, event);
    }
}

/// Calls a hook, if set, with the event built only then. Whatever it throws or rejects with
/// is dropped: a hook can never fail the call.
fn call_hook<E: Serialize>(hook: &Option<Function>, event: impl FnOnce() -> E) {
    let Some(f) = hook else { return };
    let Ok(event) = super::to_js(&event()) else { return };
    if let Ok(returned) = f.call1(&JsValue::NULL, &event) {
        if returned.is_object() || returned.is_function() {
            let settled = Promise::resolve(&returned);
            if let Ok(catch) = Reflect::get(&settled, &"catch".into()).and_then(JsCast::dyn_into::<Function>) {
                let _ = catch.call1(&settled, &Function::new_no_args(""));
            }
        }
    }
}

/// The text of what a runtime threw: `TypeError: fetch failed`.
fn thrown_text(thrown: &JsValue) -> String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.to_string()),
        None => thrown.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

/// Waits `ms`, or fails as `aborted` when the signal fires first.
async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    let aborted = || signal.is_some_and(AbortSignal::aborted);
    if aborted() {
        return Err(transport_error(ErrorKind::Aborted, ""));
    }
    // The timer and the abort listener both settle the wait; whichever fires, the other is
    // removed afterwards, so a long-running tail leaves no listener behind on the signal.
    let mut wake = None;
    let mut timer = JsValue::UNDEFINED;
    let promise = Promise::new(&mut |resolve, _| {
        timer = set_timeout(&resolve, ms);
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", &resolve);
        }
        wake = Some(resolve);
    });
    let _ = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let (Some(s), Some(wake)) = (signal, &wake) {
        let _ = s.remove_event_listener_with_callback("abort", wake);
    }
    if aborted() {
        Err(transport_error(ErrorKind::Aborted, ""))
    } else {
        Ok(())
    }
}

/// One write in flight per client, in call order; across the tabs of an origin as well where
/// `navigator.locks` exists, because the API rejects overlapping writes.
struct WriteQueue {
    turns: Rc<Turns>,
    lock_name: String,
}

/// Who has the turn: whether a write holds it, and the writes waiting for it, first first.
#[derive(Default)]
struct Turns {
    busy: Cell<bool>,
    /// Each wakes its waiting write (resolves the promise it awaits).
    waiting: RefCell<VecDeque<Function>>,
}

/// Holding one lets a write go; dropping it lets the next one go.
pub(crate) struct WriteTurn {
    turns: Rc<Turns>,
    release_lock: Option<Function>,
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        if let Some(f) = &self.release_lock {
            let _ = f.call0(&JsValue::NULL);
        }
        // The next write is handed the turn still busy, so that none arriving before it wakes
        // can slip in ahead of it.
        let next = self.turns.waiting.borrow_mut().pop_front();
        match next {
            Some(wake) => drop(wake.call0(&JsValue::NULL)),
            None => self.turns.busy.set(false),
        }
    }
}

impl WriteQueue {
    fn new(lock_name: String) -> Self {
        WriteQueue { turns: Rc::default(), lock_name }
    }

    async fn acquire(&self) -> WriteTurn {
        // Only a write that finds another in flight waits (and makes a promise to wait on).
        if self.turns.busy.replace(true) {
            let (turn, wake) = deferred();
            self.turns.waiting.borrow_mut().push_back(wake);
            let _ = JsFuture::from(turn).await;
        }
        let release_lock = self.web_lock().await;
        WriteTurn { turns: self.turns.clone(), release_lock }
    }

    /// Takes the origin-wide Web Lock when the runtime has one; returns its release function.
    async fn web_lock(&self) -> Option<Function> {
        let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok().filter(|n| n.is_object())?;
        let locks = Reflect::get(&navigator, &"locks".into()).ok().filter(|l| l.is_object())?;
        let request: Function = Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
        let (held, release) = deferred();
        let (granted, grant) = deferred();
        let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            let _ = grant.call0(&JsValue::NULL);
            held
        });
        request.call2(&locks, &self.lock_name.as_str().into(), &callback).ok()?;
        let _ = JsFuture::from(granted).await;
        Some(release)
    }
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    (promise, resolve.unwrap_or_else(|| Function::new_no_args("")))
}
