//! What every resource handle shares: turning a core future into a promise, and reading the
//! options every call takes (`signal`, `onProgress`, boolean flags, ids).

use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::js_result;
use super::to_js;
use super::transport::{Fetch, FetchCall};
use crate::engine::writes::{self, BatchProgress, Progress, WriteSpec};
use crate::error::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_OPTIONS: &'static str = r#"
/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (a batch run stops between calls). */
  signal?: AbortSignal;
}
/** Options every batched write takes, besides its processing options. */
export interface RunOptions extends CallOptions {
  /** Called after each call of a run. A throwing callback does not stop the run. */
  onProgress?: (progress: BatchProgress) => void;
}
/** Options of `users.save`. */
export type SaveUsersOptions = UserOptions & RunOptions;
/** Options of `doors.create`, `fobs.create`, `fobs.reassign` and `credentials.reissue`. */
export type WriteOptions = DoorOptions & RunOptions;
"#;

/// Wraps a core future as a JS promise that rejects with a `LocktError`.
pub(crate) fn spawn<T: Serialize + 'static>(fut: impl Future<Output = Result<T, Error>> + 'static) -> Promise {
    future_to_promise(async move { js_result(fut.await) })
}

/// The `signal` of a call's options, checked.
pub(crate) fn signal_of(options: &Option<JsValue>) -> Result<Option<AbortSignal>, Error> {
    let Some(o) = options.as_ref().filter(|o| o.is_object()) else { return Ok(None) };
    let s = Reflect::get(o, &"signal".into()).unwrap_or(JsValue::UNDEFINED);
    if s.is_undefined() || s.is_null() {
        return Ok(None);
    }
    s.dyn_into::<AbortSignal>().map(Some).map_err(|_| Error::config("options.signal must be an AbortSignal"))
}

/// The client's transport for one call under the `signal` of its options.
pub(crate) fn io_of<'a>(fetch: &'a Fetch, options: &Option<JsValue>) -> Result<FetchCall<'a>, Error> {
    Ok(fetch.with_signal(signal_of(options)?))
}

/// The caller's controls over a batched write: its signal and progress callback.
pub(crate) struct RunControl {
    pub signal: Option<AbortSignal>,
    on_progress: Option<Function>,
}

impl RunControl {
    /// Tells the caller's `onProgress`, if any. A throwing callback must not cost a record
    /// its status.
    pub fn report(&self, p: BatchProgress) {
        if let (Some(f), Ok(v)) = (&self.on_progress, to_js(&p)) {
            let _ = f.call1(&JsValue::NULL, &v);
        }
    }
}

/// The controls (`signal`, `onProgress`) of a write's options, checked.
pub(crate) fn control_of(options: &Option<JsValue>) -> Result<RunControl, Error> {
    let signal = signal_of(options)?;
    let on_progress = match options.as_ref().filter(|o| o.is_object()).map(|o| Reflect::get(o, &"onProgress".into()).unwrap_or(JsValue::UNDEFINED)) {
        None => None,
        Some(f) if f.is_undefined() || f.is_null() => None,
        Some(f) => Some(f.dyn_into::<Function>().map_err(|_| Error::config("options.onProgress must be a function"))?),
    };
    Ok(RunControl { signal, on_progress })
}

/// A boolean option: absent is `None`; anything but a boolean is a `config` error.
pub(crate) fn flag(options: &Option<JsValue>, name: &str) -> Result<Option<bool>, Error> {
    let Some(o) = options.as_ref().filter(|o| !o.is_undefined() && !o.is_null()) else { return Ok(None) };
    if !o.is_object() {
        return Err(Error::config("options must be an object"));
    }
    let v = Reflect::get(o, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| Error::config(format!("options.{name} must be a boolean")))
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
    ($name:ident, $doc:literal, list $record:ty, $path:tt, $returns:tt, $list_doc:tt) => {
        handle!($name, $doc);

        #[wasm_bindgen]
        impl $name {
            #[doc = $list_doc]
            #[wasm_bindgen(unchecked_return_type = $returns)]
            pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
                super::calls::list::<$record>(&self.fetch, $path, options)
            }
        }
    };
}
pub(crate) use handle;

/// A list read for a handle's `list()`-like verbs.
pub(crate) fn list<R: serde::de::DeserializeOwned + Serialize + 'static>(fetch: &Rc<Fetch>, path: &'static str, options: Option<JsValue>) -> Promise {
    let fetch = fetch.clone();
    spawn(async move { crate::engine::cases::read_list::<_, R>(&io_of(&fetch, &options)?, &crate::api::ApiRequest::get(path)).await })
}

/// Where a simple batched write goes: method, endpoint, body node, and how to read it back.
pub(crate) type WriteTarget = (crate::api::Method, &'static str, &'static str, Option<crate::batch::ReadBackSpec>);

/// A batched write whose only option is `validateFailsBatch` (doors, fobs, credentials):
/// validated with `validator`, then sent through the batch engine.
pub(crate) fn batch_write(
    fetch: &Rc<Fetch>,
    (method, path, node, read_back): WriteTarget,
    records: JsValue,
    what: &'static str,
    validator: fn(&[serde_json::Value]) -> crate::validate::Validation<serde_json::Value>,
    options: Option<JsValue>,
) -> Promise {
    let fetch = fetch.clone();
    spawn(async move {
        let spec = WriteSpec::simple(method, path, node, flag(&options, "validateFailsBatch")?.unwrap_or(true), read_back);
        let records = super::records_from_js(&records, what)?;
        let ctl = control_of(&options)?;
        let report = |p| ctl.report(p);
        Ok(writes::run(&fetch.with_signal(ctl.signal.clone()), &spec, validator(&records), records.len(), &Progress::new(&report)).await)
    })
}
