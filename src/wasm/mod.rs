//! The thin JS layer over the pure core: the `LocktClient` class, its resource handles, the
//! engine's transport (fetch, timers, Web Locks), the offline validators, and the bridge that
//! turns core errors into JS `LocktError`s.
//!
//! Records to validate or write cross on the field tape (a JS walk writes their field text
//! into wasm memory: `validate::tape`); other values cross as JSON text (`JSON.stringify` in,
//! `JSON.parse` out). Either way one call each way whatever the record count, and no JS object
//! is ever written field by field, so keys such as `__proto__` stay plain data.

// The client (everything that talks to the API) is the `client` feature; without it the
// module holds only the offline validators: the `lockt-secureaccess/validate` entry. The client
// is the engine's transport (`transport`) and one file per resource, each verb converting its
// arguments and handing them to the engine (`crate::engine`).
#[cfg(feature = "client")]
mod access_levels;
#[cfg(feature = "client")]
mod calls;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod credentials;
#[cfg(feature = "client")]
mod doors;
#[cfg(feature = "client")]
mod events;
#[cfg(feature = "client")]
mod fobs;
pub mod offline;
#[cfg(feature = "client")]
mod options;
#[cfg(feature = "client")]
mod schedules;
#[cfg(feature = "client")]
mod transport;
#[cfg(feature = "client")]
mod users;

use std::cell::RefCell;

#[cfg(feature = "client")]
use js_sys::JSON;
use js_sys::{Array, Function, Object, Reflect};
#[cfg(feature = "client")]
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
use crate::error::Error;
use crate::error::ErrorKind;

#[cfg(feature = "client")]
pub use client::LocktClient;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
    static ON_PANIC: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called by the package's entry once the module is instantiated: `ctor` is its `LocktError`
/// class, so that every rejection is an instance of it; `on_panic` hears of a Rust panic
/// (a defect) before the trap, and the module is then rebuilt for the next call.
#[wasm_bindgen(js_name = registerErrorClass, skip_typescript)]
pub fn register_error_class(ctor: Function, on_panic: Option<Function>) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(ctor));
    ON_PANIC.with(|p| *p.borrow_mut() = on_panic);
    std::panic::set_hook(Box::new(|info| {
        let message = format!("lockt-secureaccess internal error (a defect; please report it): {info}");
        ON_PANIC.with(|p| {
            if let Ok(Some(f)) = p.try_borrow().map(|f| f.clone()) {
                let _ = f.call1(&JsValue::NULL, &message.into());
            }
        });
        wasm_bindgen::handler::schedule_reinit();
    }));
}

/// Panics on purpose: lets the tests prove that a panic reaches JS as a `LocktError` and
/// that the module keeps working afterwards (internal).
#[wasm_bindgen(js_name = __panicForTests, skip_typescript)]
pub fn panic_for_tests(message: String) {
    panic!("{message}");
}

/// Traps on purpose without a panic: `"overflow"` recurses until the module's own stack (in its
/// memory) runs out, `"recursion"` until the engine's call stack does, any other kind aborts (the
/// `unreachable` trap that running out of memory also ends in). Lets the tests prove that such a
/// trap reaches JS as a `LocktError` and the module is rebuilt (internal).
#[wasm_bindgen(js_name = __trapForTests, skip_typescript)]
pub fn trap_for_tests(kind: String) {
    match kind.as_str() {
        "overflow" => drop(recurse_in_memory(u32::MAX)),
        "recursion" => drop(recurse_on_engine(u32::MAX)),
        _ => std::process::abort(),
    }
}

/// Recurses `depth` times, each frame holding 1 KiB of the module's stack.
fn recurse_in_memory(depth: u32) -> u8 {
    let frame = std::hint::black_box([depth as u8; 1024]);
    if depth == 0 {
        return frame[0];
    }
    recurse_in_memory(depth - 1).wrapping_add(frame[1023])
}

/// Recurses `depth` times with nothing on the module's stack, only engine frames.
fn recurse_on_engine(depth: u32) -> u32 {
    if depth == 0 {
        return 0;
    }
    recurse_on_engine(depth - 1).wrapping_mul(3).wrapping_add(depth)
}

/// Asks for a fresh instance before the next call. The entries call it after a trap that was
/// not a panic (stack overflow, out of memory, `unreachable`): no panic hook ran, and the
/// instance is left unusable (its stack pointer, for one, is wherever the trap left it). It
/// touches no memory, so it still runs on such an instance (internal).
#[wasm_bindgen(js_name = __reinitAfterTrap, skip_typescript)]
pub fn reinit_after_trap() {
    wasm_bindgen::handler::schedule_reinit();
}

/// Builds the JS `LocktError` for a core error.
#[cfg(feature = "client")]
pub(crate) fn to_js_error(e: &Error) -> JsValue {
    let messages = e.messages.iter().map(JsValue::from).collect::<Array>();
    let details = to_js(&e.details).unwrap_or_else(|_| Array::new().into());
    let init = error_init(e.kind, &messages, &details, e.is_transient());
    if let Some(s) = e.status {
        let _ = Reflect::set(&init, &"status".into(), &s.into());
    }
    if let Some(cause) = &e.cause {
        let _ = Reflect::set(&init, &"cause".into(), cause);
    }
    error_object(&e.message, &init)
}

/// The JS `LocktError` of an error with only a kind and a message, as [`to_js_error`] builds
/// it (no status, no messages or details, not retryable: `config` and `internal` never are)
/// but without a core `Error`, so that the validators' module holds none (its record details
/// bring serde_json's `Value`).
pub(crate) fn plain_js_error(kind: ErrorKind, message: &str) -> JsValue {
    error_object(message, &error_init(kind, &Array::new(), &Array::new(), false))
}

/// The fields every `LocktError` the core builds has.
fn error_init(kind: ErrorKind, messages: &JsValue, details: &JsValue, retryable: bool) -> Object {
    let init = Object::new();
    for (key, value) in [("kind", &JsValue::from(kind.as_str())), ("messages", messages), ("details", details), ("retryable", &JsValue::from(retryable))] {
        let _ = Reflect::set(&init, &key.into(), value);
    }
    init
}

/// A `LocktError` (or, before the class is registered, an `Error`) with `message` and the
/// fields of `init`.
fn error_object(message: &str, init: &Object) -> JsValue {
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    match class {
        Some(ctor) => {
            let message = JsValue::from(message);
            Reflect::construct(&ctor, &Array::of2(&message, init)).unwrap_or(message)
        }
        None => {
            let err = js_sys::Error::new(message);
            let _ = Object::assign(&err, init);
            err.into()
        }
    }
}

/// Serializes a core value into a JS value through `JSON.parse`.
#[cfg(feature = "client")]
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    json_to_js(&serialized(crate::json::to_text(value))?)
}

/// A value's JSON text, or the internal error of a value that does not serialize.
#[cfg(feature = "client")]
fn serialized(text: Result<String, serde_json::Error>) -> Result<String, Error> {
    text.map_err(|e| Error::new(ErrorKind::Internal, format!("could not serialize a result: {e}")))
}

/// JSON text as a JS value, through `JSON.parse`.
#[cfg(feature = "client")]
pub(crate) fn json_to_js(text: &str) -> Result<JsValue, Error> {
    JSON::parse(text).map_err(|_| Error::new(ErrorKind::Internal, "could not hand a result to JS"))
}

#[cfg(feature = "client")]
/// Reads a JS value into a core value through `JSON.stringify`. `what` names the argument in
/// error messages.
pub(crate) fn from_js<T: crate::json::FromJson>(value: &JsValue, what: &str) -> Result<T, Error> {
    let text = JSON::stringify(value)
        .map_err(|e| Error::config(format!("{what} cannot be read as JSON: {}", js_message(&e))))?
        .as_string()
        .ok_or_else(|| Error::config(format!("{what} is missing")))?;
    crate::json::from_text(&text).map_err(|e| Error::config(format!("{what} has the wrong shape: {}", without_values(&e.to_string()))))
}

#[cfg(feature = "client")]
/// A serde error's text without the value it quotes ("invalid type: string \"...\", expected
/// u32"), so that a secret pasted into the wrong field is never echoed.
fn without_values(text: &str) -> String {
    let quotes_value = text.starts_with("invalid type") || text.starts_with("invalid value") || text.starts_with("invalid length");
    match crate::api::split_once_text(text, ", expected ") {
        Some((_, expected)) if quotes_value => {
            format!("a value of the wrong type, expected {}", crate::api::split_once_text(expected, " at line ").map_or(expected, |(before, _)| before))
        }
        _ => text.to_string(),
    }
}

/// The records of a batched write as the package's JS walk wrote them on the field tape
/// (js/surface.js passes `{ length, words, records }` in place of the records), judged by
/// `K`'s rules. Runs at once, not in the write's future: the next walk reuses the tape.
/// `names_level` tells the valid records that name an access level to resolve.
#[cfg(feature = "client")]
pub(crate) fn taped<K: crate::validate::Kind>(
    tape: &JsValue,
    names_level: fn(&K::Wire<'_>) -> bool,
) -> Result<(crate::engine::writes::CheckedRecords<crate::api::WireText>, usize), Error>
where
    for<'w> K::Wire<'w>: crate::api::WireJson,
{
    let [length, words, records] = ["length", "words", "records"].map(|name| tape_number(tape, name));
    let (Some(length), Some(words), Some(records)) = (length, words, records) else {
        return Err(Error::new(ErrorKind::Internal, "a write's records did not come on the field tape (a defect; please report it)"));
    };
    let checked = offline::with_tape(length, words, |text, pieces| crate::engine::cases::check_tape::<K>(text, pieces, records, names_level))?;
    Ok((checked, records))
}

/// Whether `value` is records on the field tape (see [`taped`]).
#[cfg(feature = "client")]
pub(crate) fn is_tape(value: &JsValue) -> bool {
    tape_number(value, "words").is_some()
}

/// A count of a tape: the number `value.name`.
#[cfg(feature = "client")]
fn tape_number(value: &JsValue, name: &str) -> Option<usize> {
    value.is_object().then(|| Reflect::get(value, &name.into()).ok()?.as_f64()).flatten().map(|n| n as usize)
}

#[cfg(feature = "client")]
/// The `message` of a thrown JS value, or its text.
pub(crate) fn js_message(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).or_else(|| e.as_string()).unwrap_or_else(|| "unknown error".into())
}

/// Runs a fallible core result into a JS result, errors as `LocktError`s.
#[cfg(feature = "client")]
pub(crate) fn js_result<T: Serialize>(r: Result<T, Error>) -> Result<JsValue, JsValue> {
    r.and_then(|v| to_js(&v)).map_err(|e| to_js_error(&e))
}
