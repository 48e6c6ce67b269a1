//! `lockt.events`: the log, the events after an id, and a live tail as an async iterable.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::calls::{handle, read, to_promise, typed_list};
use super::options::read_options;
use super::transport::Fetch;
use super::{to_js, to_js_error};
use crate::api::{self, parse_list, RawResponse};
use crate::engine::cases;
use crate::engine::tail::{self, EventTail};
use crate::error::{Error, ErrorKind};
use crate::model::Event;
use crate::options::{EventCursor, TailOptions};

#[wasm_bindgen(typescript_custom_section)]
const TS_EVENTS: &'static str = r#"
/** A live tail of the event log, for `for await`. */
export interface EventTail extends AsyncIterableIterator<Event> {
  /** The id of the last event yielded: persist it and pass it as `after` to resume. */
  readonly cursor: number;
  /** The gaps reported so far. */
  readonly gaps: EventGap[];
}
"#;

handle!(
    EventsApi,
    "The event log (`/events`).",
    list typed_list::<Event>(),
    "events",
    "events.list",
    "Promise<Event[]>",
    "The newest events the system keeps, at most 5,000 (`GET /events`), newest first as the API sends them."
);

#[wasm_bindgen]
impl EventsApi {
    /// Events with an id greater than `id`, in ascending id order, each once
    /// (`GET /events?id=`; API-ERRATA #10).
    #[wasm_bindgen(unchecked_return_type = "Promise<Event[]>")]
    pub fn after(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let after = EventCursor::parse(id.as_f64(), id.as_string().as_deref())
            .map(|EventCursor(after)| after)
            .ok_or_else(|| Error::config("events.after: id must be an event id: a whole number >= 0 or its digit text"));
        let floor = after.as_ref().map_or(0, |after| *after);
        let answer = move |resp: &RawResponse| {
            let mut events = parse_list::<Event>(resp)?;
            cases::keep_ascending_after(&mut events, floor);
            to_js(&events)
        };
        read(&self.fetch, after.map(api::events_after), options, "events.after", Box::new(answer))
    }

    /// Follows the event log: an async iterable that polls `/events?id=` and yields each new
    /// event once, in ascending id order, riding out transient errors with backoff. Its
    /// `cursor` resumes it after a restart with no gap and no duplicate; events lost to the
    /// server's 5,000-event window are reported as gaps (`onGap`, `gaps`).
    #[wasm_bindgen(unchecked_return_type = "EventTail")]
    pub fn tail(&self, #[wasm_bindgen(unchecked_optional_param_type = "TailOptions")] options: Option<JsValue>) -> Result<JsValue, JsValue> {
        self.make_tail(options).map_err(|e| to_js_error(&e))
    }
}

/// One tail as JS holds it: the engine's state, and the caller's signal and gap callback.
struct Tail {
    fetch: Rc<Fetch>,
    state: RefCell<EventTail>,
    signal: RefCell<Option<AbortSignal>>,
    on_gap: Option<Function>,
    gaps: js_sys::Array,
}

impl EventsApi {
    fn make_tail(&self, options: Option<JsValue>) -> Result<JsValue, Error> {
        let (options, controls) = read_options::<TailOptions>(&options, "events.tail")?;
        let after = options.after.map(|EventCursor(id)| id);
        let interval_ms = options.interval_ms.unwrap_or(2000.0);
        if interval_ms.is_nan() || interval_ms < 0.0 {
            return Err(Error::config("events.tail: option `intervalMs` must be a number of milliseconds >= 0"));
        }
        let tail = Rc::new(Tail {
            fetch: self.fetch.clone(),
            state: RefCell::new(EventTail::new(after, interval_ms)),
            signal: RefCell::new(controls.signal()),
            on_gap: controls.callback("onGap"),
            gaps: js_sys::Array::new(),
        });
        let iterator = Object::new();
        let set = |k: &JsValue, v: &JsValue| Reflect::set(&iterator, k, v).map(|_| ());
        let next = {
            let tail = tail.clone();
            Closure::<dyn Fn() -> Promise>::new(move || {
                let tail = tail.clone();
                to_promise(async move { next_item(&tail).await.map_err(|e| to_js_error(&e)) })
            })
        };
        let stop = {
            let tail = tail.clone();
            Closure::<dyn Fn() -> Promise>::new(move || {
                tail.state.borrow_mut().started = true;
                let mut signal = tail.signal.borrow_mut();
                *signal = aborted_signal().or(signal.take());
                Promise::resolve(&iter_result(JsValue::UNDEFINED, true))
            })
        };
        // `[Symbol.asyncIterator]() { return this }`, built without eval (CSP) and without a
        // wasm-held reference to the iterator: `Reflect.get.bind(null, holder, "it")`.
        let internal = |e: JsValue| Error::new(ErrorKind::Internal, super::js_message(&e));
        let holder = Object::new();
        Reflect::set(&holder, &"it".into(), &iterator).map_err(internal)?;
        let reflect_get: Function = Reflect::get(&js_sys::global(), &"Reflect".into()).and_then(|r| Reflect::get(&r, &"get".into())).map_err(internal)?.unchecked_into();
        let this_fn = reflect_get.bind2(&JsValue::NULL, &holder, &"it".into());
        set(&"next".into(), next.as_ref()).map_err(internal)?;
        set(&"return".into(), stop.as_ref()).map_err(internal)?;
        set(&js_sys::Symbol::async_iterator().into(), &this_fn).map_err(internal)?;
        let getters = Object::new();
        let cursor_tail = tail.clone();
        let cursor = Closure::<dyn Fn() -> JsValue>::new(move || (cursor_tail.state.borrow().state.cursor as f64).into());
        let gaps_tail = tail.clone();
        let gaps = Closure::<dyn Fn() -> JsValue>::new(move || gaps_tail.gaps.slice(0, u32::MAX).into());
        for (name, getter) in [("cursor", cursor.as_ref()), ("gaps", gaps.as_ref())] {
            let desc = Object::new();
            Reflect::set(&desc, &"get".into(), getter).map_err(internal)?;
            Reflect::set(&desc, &"enumerable".into(), &true.into()).map_err(internal)?;
            Reflect::set(&getters, &name.into(), &desc).map_err(internal)?;
        }
        Object::define_properties(&iterator, &getters);
        // From here JS owns the closures: they are freed with the iterator.
        let _ = (next.into_js_value(), stop.into_js_value(), cursor.into_js_value(), gaps.into_js_value());
        Ok(iterator.into())
    }
}

/// A signal that has fired: ends a tail's iteration (`return()`).
fn aborted_signal() -> Option<AbortSignal> {
    let c = web_sys::AbortController::new().ok()?;
    c.abort();
    Some(c.signal())
}

fn iter_result(value: JsValue, done: bool) -> JsValue {
    let r = Object::new();
    let _ = Reflect::set(&r, &"value".into(), &value);
    let _ = Reflect::set(&r, &"done".into(), &done.into());
    r.into()
}

/// The next `{ value, done }` of a tail: the engine polls; a gap is kept and told to `onGap`.
async fn next_item(tail: &Tail) -> Result<JsValue, Error> {
    let io = tail.fetch.with_signal(tail.signal.borrow().clone());
    let on_gap = |gap| {
        let Ok(gap) = to_js(&gap) else { return };
        tail.gaps.push(&gap);
        if let Some(f) = &tail.on_gap {
            let _ = f.call1(&JsValue::NULL, &gap);
        }
    };
    match tail::next_event(&io, &tail.state, &on_gap).await? {
        Some(event) => Ok(iter_result(to_js(&event)?, false)),
        None => Ok(iter_result(JsValue::UNDEFINED, true)),
    }
}
