//! Sending one API call with the runtime's `fetch` (through gloo-net): headers, timeout,
//! the caller's abort signal, retries for reads, and one write in flight at a time.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestRedirect, ResponseType};

use crate::api::{transport_error, ApiRequest, Method, RawResponse};
use crate::error::{Error, ErrorKind};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// How the client reaches the API; the apikey lives here and nowhere else.
pub(crate) struct Transport {
    pub base_url: String,
    pub api_user: Option<String>,
    api_key: Option<String>,
    pub headers: Vec<(String, String)>,
    pub timeout_ms: f64,
    pub max_retries: u32,
    writes: WriteQueue,
}

impl Transport {
    pub fn new(base_url: String, api_user: Option<String>, api_key: Option<String>, headers: Vec<(String, String)>, timeout_ms: f64, max_retries: u32) -> Self {
        let lock_name = format!("lockt-secureaccess write {base_url} {}", api_user.as_deref().unwrap_or(""));
        Transport { base_url, api_user, api_key, headers, timeout_ms, max_retries, writes: WriteQueue::new(lock_name) }
    }

    /// Sends `req`. Reads are retried on network errors, 429, 502, 503 and 504 with
    /// exponential backoff and jitter, honouring `Retry-After`, up to `max_retries` times.
    /// Writes wait their turn (one in flight per client, and per origin where the Web Locks
    /// API exists) and are retried only after a 429, which the API sends without processing.
    pub async fn call(&self, req: &ApiRequest, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        let _turn = if req.is_write() { Some(self.writes.acquire().await) } else { None };
        let mut attempt = 0;
        loop {
            let result = self.send_once(req, signal).await;
            let retry_after = match &result {
                Ok((resp, retry_after)) if should_retry(req, Some(resp.status)) => *retry_after,
                Err(e) if !req.is_write() && e.kind == ErrorKind::Network => None,
                _ => return result.map(|(resp, _)| resp),
            };
            if attempt >= self.max_retries {
                return result.map(|(resp, _)| resp);
            }
            let backoff = 250.0 * 2f64.powi(attempt as i32) * (0.5 + js_sys::Math::random() / 2.0);
            let wait = retry_after.map_or(backoff, |s| (s * 1000.0).max(backoff)).min(30_000.0);
            sleep(wait, signal).await?;
            attempt += 1;
        }
    }

    async fn send_once(&self, req: &ApiRequest, signal: Option<&AbortSignal>) -> Result<(RawResponse, Option<f64>), Error> {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(transport_error(ErrorKind::Aborted, ""));
        }
        let controller = AbortController::new().map_err(|_| Error::new(ErrorKind::Internal, "AbortController is missing"))?;
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (timed_out, controller) = (timed_out.clone(), controller.clone());
            Closure::once_into_js(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let timer = set_timeout(on_timeout.unchecked_ref(), self.timeout_ms);
        let on_abort = {
            let controller = controller.clone();
            Closure::<dyn Fn()>::new(move || controller.abort())
        };
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        let result = self.fetch(req, &controller.signal()).await;
        clear_timeout(&timer);
        if let Some(s) = signal {
            let _ = s.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        result.map_err(|detail| {
            if timed_out.get() {
                transport_error(ErrorKind::Timeout, &format!(" ({} ms)", self.timeout_ms as u64))
            } else if signal.is_some_and(AbortSignal::aborted) {
                transport_error(ErrorKind::Aborted, "")
            } else {
                transport_error(ErrorKind::Network, &detail)
            }
        })?
    }

    /// One fetch, body read included; `Err` carries a transport failure's description, `Ok`
    /// may still hold an error of its own (a refused redirect).
    async fn fetch(&self, req: &ApiRequest, signal: &AbortSignal) -> Result<Result<(RawResponse, Option<f64>), Error>, String> {
        let url = format!("{}/{}", self.base_url, req.path);
        let method = match req.method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
        };
        // Redirects are never followed: the apikey must not travel to another host.
        let mut builder = RequestBuilder::new(&url).method(method).redirect(RequestRedirect::Manual).abort_signal(Some(signal));
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        builder = builder.header("Content-Type", "application/json");
        if let (Some(user), Some(key)) = (&self.api_user, &self.api_key) {
            builder = builder.header("apiuser", user).header("apikey", key);
        }
        let request = match &req.body {
            Some(body) => builder.body(body.as_str()),
            None => builder.build(),
        }
        .map_err(|e| e.to_string())?;
        let response = request.send().await.map_err(|e| e.to_string())?;
        if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&response.status()) {
            return Ok(Err(Error::new(ErrorKind::Network, "The API answered with a redirect; redirects are not followed so that credentials never reach another host")));
        }
        let headers = response.headers();
        let content_type = headers.get("content-type").unwrap_or_default();
        let retry_after = headers.get("retry-after").and_then(|v| parse_retry_after(&v));
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(Ok((RawResponse { status, content_type, body }, retry_after)))
    }
}

fn should_retry(req: &ApiRequest, status: Option<u16>) -> bool {
    match status {
        Some(429) => true,
        Some(502..=504) => !req.is_write(),
        _ => false,
    }
}

/// `Retry-After` in seconds: delta-seconds or an HTTP date.
fn parse_retry_after(v: &str) -> Option<f64> {
    if let Ok(s) = v.trim().parse::<u32>() {
        return Some(f64::from(s));
    }
    let at = js_sys::Date::parse(v);
    (!at.is_nan()).then(|| ((at - js_sys::Date::now()) / 1000.0).max(0.0))
}

/// Waits `ms`, or fails as `aborted` when the signal fires first.
pub(crate) async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    let aborted = || signal.is_some_and(AbortSignal::aborted);
    if aborted() {
        return Err(transport_error(ErrorKind::Aborted, ""));
    }
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", &resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
    if aborted() {
        Err(transport_error(ErrorKind::Aborted, ""))
    } else {
        Ok(())
    }
}

/// One write in flight per client, in call order; across the tabs of an origin as well where
/// `navigator.locks` exists, because the API rejects overlapping writes.
struct WriteQueue {
    tail: RefCell<Option<Promise>>,
    lock_name: String,
}

/// Holding one lets a write go; dropping it lets the next one go.
pub(crate) struct WriteTurn {
    release: Function,
    release_lock: Option<Function>,
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        if let Some(f) = &self.release_lock {
            let _ = f.call0(&JsValue::NULL);
        }
        let _ = self.release.call0(&JsValue::NULL);
    }
}

impl WriteQueue {
    fn new(lock_name: String) -> Self {
        WriteQueue { tail: RefCell::new(None), lock_name }
    }

    async fn acquire(&self) -> WriteTurn {
        let (done, release) = deferred();
        let previous = self.tail.replace(Some(done));
        if let Some(p) = previous {
            let _ = JsFuture::from(p).await;
        }
        let release_lock = self.web_lock().await;
        WriteTurn { release, release_lock }
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
