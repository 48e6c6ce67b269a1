//! Reads a call's options once, for every method: the JS object becomes the core's [`Given`]
//! tree, which the method's typed struct is read from (unknown keys and wrong types refused
//! there, in plain words), and the callbacks and the signal are taken off on the way.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::calls::RunControl;
use super::js_message;
use crate::error::Error;
use crate::options::{read, FromGiven, Given};

/// Deeper objects than this are refused: no option nests so far, and a cycle must end.
const MAX_DEPTH: usize = 4;

/// The functions and the signal an options object held, by key path (`onProgress`,
/// `hooks.request`). The typed struct has checked their types.
#[derive(Default)]
pub(crate) struct Controls {
    values: Vec<(String, JsValue)>,
}

impl Controls {
    /// The function at `path`, if one was given.
    pub fn callback(&self, path: &str) -> Option<Function> {
        self.value(path).and_then(|v| v.dyn_ref::<Function>().cloned())
    }

    /// The `signal`, if one was given.
    pub fn signal(&self) -> Option<AbortSignal> {
        self.value("signal").and_then(|v| v.dyn_ref::<AbortSignal>().cloned())
    }

    /// The controls of a batch run: `signal` and `onProgress`.
    pub fn run_control(&self) -> RunControl {
        RunControl::new(self.signal(), self.callback("onProgress"))
    }

    fn value(&self, path: &str) -> Option<&JsValue> {
        self.values.iter().find(|(p, _)| p == path).map(|(_, v)| v)
    }
}

/// Reads the options of `method` (`users.save`) into `T`, with their callbacks and signal.
/// Every error is a `config` error that names the option.
pub(crate) fn read_options<T: FromGiven>(options: &Option<JsValue>, method: &str) -> Result<(T, Controls), Error> {
    let (given, controls) = given_options(options, method)?;
    Ok((read(given, method)?, controls))
}

/// The part of [`read_options`] that is the same for every options type: the JS object as a
/// [`Given`] tree and its controls. Never inlined, so that the async methods that read
/// options hold a call rather than a copy.
#[inline(never)]
fn given_options(options: &Option<JsValue>, method: &str) -> Result<(Given, Controls), Error> {
    let mut controls = Controls::default();
    let given = match options {
        Some(o) => given_of(o, "", 0, &mut controls).map_err(|e| Error::config(format!("{method}: {e}")))?,
        None => Given::Undefined,
    };
    Ok((given, controls))
}

/// The options of a call whose only option is `signal`.
pub(crate) fn signal_of(options: &Option<JsValue>, method: &str) -> Result<Option<AbortSignal>, Error> {
    let (_, controls) = read_options::<crate::options::CallOptions>(options, method)?;
    Ok(controls.signal())
}

/// `value` (at key path `path`) as a [`Given`]; functions and signals go to `controls`.
fn given_of(value: &JsValue, path: &str, depth: usize, controls: &mut Controls) -> Result<Given, String> {
    let given = if value.is_undefined() {
        Given::Undefined
    } else if value.is_null() {
        Given::Null
    } else if let Some(b) = value.as_bool() {
        Given::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Given::Number(n)
    } else if let Some(s) = value.as_string() {
        Given::Text(s)
    } else if value.is_function() || value.is_instance_of::<AbortSignal>() {
        controls.values.push((path.to_string(), value.clone()));
        if value.is_function() {
            Given::Function
        } else {
            Given::Signal
        }
    } else if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        Given::Date(date.get_time())
    } else if Array::is_array(value) {
        Given::Other("an array")
    } else if value.is_bigint() {
        Given::Other("a bigint")
    } else if value.is_symbol() {
        Given::Other("a symbol")
    } else if depth >= MAX_DEPTH {
        Given::Other("an object nested too deep")
    } else {
        let unreadable = |path: &str, e: JsValue| match path {
            "" => format!("options could not be read: {}", js_message(&e)),
            _ => format!("option `{path}` could not be read: {}", js_message(&e)),
        };
        let mut entries = Vec::new();
        for key in Reflect::own_keys(value).map_err(|e| unreadable(path, e))?.iter().filter_map(|k| k.as_string()) {
            let inner_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            let inner = Reflect::get(value, &key.as_str().into()).map_err(|e| unreadable(&inner_path, e))?;
            entries.push((key, given_of(&inner, &inner_path, depth + 1, controls)?));
        }
        Given::Object(entries)
    };
    Ok(given)
}
