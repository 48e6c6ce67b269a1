//! What every resource handle shares: turning a core future into a promise, the transport
//! under a call's `signal`, the controls of a batch run, and ids.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Promise};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::options::{read_options, signal_of};
use super::transport::{Fetch, FetchCall};
use super::{js_result, json_to_js, taped, to_js, to_js_error};
use crate::api::{parse_list, parse_list_text, ApiRequest, RawResponse, WireJson, WireText};
use crate::batch::BatchReport;
use crate::engine::cases;
use crate::engine::writes::{self, BatchProgress, CheckedRecords, Progress, WriteSpec};
use crate::error::Error;
use crate::model::shape::Shape;
use crate::model::FromRecord;
use crate::options::WriteOptions;
use crate::validate::Kind;

/// A JS promise of `fut`, boxed: the module then holds one copy of `future_to_promise`'s
/// glue rather than one per method.
pub(crate) fn to_promise(fut: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(fut);
    future_to_promise(boxed)
}

/// Wraps a core future as a JS promise that rejects with a `LocktError`.
pub(crate) fn spawn<T: Serialize + 'static>(fut: impl Future<Output = Result<T, Error>> + 'static) -> Promise {
    to_promise(async move { js_result(fut.await) })
}

/// Wraps a batch write's future as a JS promise of its report, handed over as the JSON text
/// [`BatchReport::into_json`] writes.
pub(crate) fn spawn_report(fut: impl Future<Output = Result<BatchReport, Error>> + 'static) -> Promise {
    to_promise(async move {
        let json = fut.await.map_err(|e| to_js_error(&e))?.into_json();
        json_to_js(&json).map_err(|e| to_js_error(&e))
    })
}

/// The client's transport for one call (`method`, e.g. `users.get`) under the `signal` of its
/// options, the only option such a call takes.
pub(crate) fn io_of<'a>(fetch: &'a Fetch, options: &Option<JsValue>, method: &str) -> Result<FetchCall<'a>, Error> {
    Ok(fetch.with_signal(signal_of(options, method)?))
}

/// The caller's controls over a batched write: its signal and progress callback.
pub(crate) struct RunControl {
    pub signal: Option<AbortSignal>,
    on_progress: Option<Function>,
}

impl RunControl {
    /// The controls a batch run's options gave.
    pub fn new(signal: Option<AbortSignal>, on_progress: Option<Function>) -> Self {
        RunControl { signal, on_progress }
    }

    /// Tells the caller's `onProgress`, if any. A throwing callback must not cost a record
    /// its status.
    pub fn report(&self, p: BatchProgress) {
        // Serialised only for a caller that listens.
        if let Some(f) = &self.on_progress {
            if let Ok(v) = to_js(&p) {
                let _ = f.call1(&JsValue::NULL, &v);
            }
        }
    }
}

/// A positive integer id from a JS number or digit text.
pub(crate) fn id_arg(v: &JsValue, what: &str) -> Result<u64, Error> {
    let id = match (v.as_f64(), v.as_string()) {
        (Some(n), _) if n.fract() == 0.0 && (1.0..=9_007_199_254_740_991.0).contains(&n) => Some(n as u64),
        (_, Some(s)) => s.trim().parse().ok().filter(|n| *n > 0),
        _ => None,
    };
    id.ok_or_else(|| Error::config(format!("{what} must be a positive integer")))
}

/// Declares a resource handle: the client's transport, shared by every handle; with `list`,
/// also its `list()` verb, a read of every record of the resource.
macro_rules! handle {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[wasm_bindgen]
        pub struct $name {
            pub(crate) fetch: std::rc::Rc<super::transport::Fetch>,
        }

        impl $name {
            pub(crate) fn new(fetch: std::rc::Rc<super::transport::Fetch>) -> Self {
                $name { fetch }
            }
        }
    };
    ($name:ident, $doc:literal, list $answer:expr, $path:tt, $method:tt, $returns:tt, $list_doc:tt) => {
        handle!($name, $doc);

        #[wasm_bindgen]
        impl $name {
            #[doc = $list_doc]
            #[wasm_bindgen(unchecked_return_type = $returns)]
            pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
                super::calls::list(&self.fetch, $path, options, $method, $answer)
            }
        }
    };
}
pub(crate) use handle;

/// A list read for a handle's `list()`-like verbs (`method`, e.g. `doors.list`).
pub(crate) fn list(fetch: &Rc<Fetch>, path: &'static str, options: Option<JsValue>, method: &'static str, answer: ReadAnswer) -> Promise {
    read(fetch, Ok(ApiRequest::get(path)), options, method, answer)
}

/// A list read's answer: the records read into `R` (a type the engine also reads).
pub(crate) fn typed_list<R: FromRecord + Serialize + 'static>() -> ReadAnswer {
    Box::new(|resp| to_js(&parse_list::<R>(resp)?))
}

/// A list read's answer: the records of a type the SDK only hands on, read and written as
/// `shape` (one answer for every such type).
pub(crate) fn shaped_list(shape: &'static Shape) -> ReadAnswer {
    Box::new(move |resp| json_to_js(&parse_list_text(resp, shape)?))
}

/// Turns a read's answer into the value its promise resolves to.
pub(crate) type ReadAnswer = Box<dyn FnOnce(&RawResponse) -> Result<JsValue, Error>>;

/// A one-request read (`method`, e.g. `users.get`): `req` (or why there is none) is sent under
/// the signal of `options`, and `answer` reads the response. Every such read shares this one
/// future; only `answer` differs by endpoint, and it runs outside the retry loop.
pub(crate) fn read(fetch: &Rc<Fetch>, req: Result<ApiRequest, Error>, options: Option<JsValue>, method: &'static str, answer: ReadAnswer) -> Promise {
    let fetch = fetch.clone();
    to_promise(async move {
        let response = async {
            let req = req?;
            cases::read(&io_of(&fetch, &options, method)?, &req).await
        }
        .await;
        response.and_then(|r| answer(&r)).map_err(|e| to_js_error(&e))
    })
}

/// Where a simple batched write goes: method, endpoint, body node, and how to read it back.
pub(crate) type WriteTarget = (crate::api::Method, &'static str, &'static str, Option<crate::batch::ReadBackSpec>);

/// A batched write (`call`, e.g. `doors.create`) whose only processing option is
/// `validateFailsBatch` (doors, fobs, credentials): its records, on the field tape, judged by
/// `K`'s rules, then sent through the batch engine.
pub(crate) fn batch_write<K: Kind>(fetch: &Rc<Fetch>, target: WriteTarget, records: JsValue, options: Option<JsValue>, call: &'static str) -> Promise
where
    for<'w> K::Wire<'w>: WireJson,
{
    send_checked(fetch.clone(), target, taped::<K>(&records, |_| false), options, call)
}

/// The part of [`batch_write`] that is the same for every record kind.
fn send_checked(
    fetch: Rc<Fetch>,
    (method, path, node, read_back): WriteTarget,
    checked: Result<(CheckedRecords<WireText>, usize), Error>,
    options: Option<JsValue>,
    call: &'static str,
) -> Promise {
    spawn_report(async move {
        let (options, controls) = read_options::<WriteOptions>(&options, call)?;
        let spec = WriteSpec::simple(method, path, node, options.validate_fails_batch.unwrap_or(true), read_back);
        let (checked, total) = checked?;
        let ctl = controls.run_control();
        let report = |p| ctl.report(p);
        Ok(writes::run(&fetch.with_signal(ctl.signal.clone()), &spec, checked, total, &Progress::new(&report)).await)
    })
}
