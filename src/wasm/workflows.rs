//! The workflows on the JS side: the event tail as an async iterable, the reference's two
//! case processes, and roster sync.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::client::Inner;
use super::resources::*;
use super::transport::sleep;
use super::writes::RunControl;
use super::{from_js, records_from_js, to_js, to_js_error};
use crate::api::{self, parse_list, parse_one, ApiRequest};
use crate::batch::{BatchReport, RecordStatus};
use crate::error::{Error, ErrorKind};
use crate::model::{AccessLevel, Event, User};
use crate::validate::{self, normalize_time};
use crate::workflows::roster::{self, PlanProblem, SyncPlan};
use crate::workflows::tail::TailState;

#[wasm_bindgen(typescript_custom_section)]
const TS_WORKFLOWS: &'static str = r#"
/** A user given by system id (number), id number (string), or a user record. */
export type UserRef = number | string | { id?: number; id_num?: string };
/** Options of `events.tail`. */
export interface TailOptions {
  /** Start after this event id (a saved cursor). Default: after the newest event now. */
  after?: number;
  /** Time between polls when there is nothing new, in ms. Default 2000. */
  intervalMs?: number;
  /** Ends the iteration. */
  signal?: AbortSignal;
  /** Called when events were lost between two polls (the server keeps only the newest 5,000). */
  onGap?: (gap: EventGap) => void;
}
/** A live tail of the event log, for `for await`. */
export interface EventTail extends AsyncIterableIterator<Event> {
  /** The id of the last event yielded: persist it and pass it as `after` to resume. */
  readonly cursor: number;
  /** The gaps reported so far. */
  readonly gaps: EventGap[];
}
/** Options of `users.assignAccessLevels`. */
export interface AssignOptions extends CallOptions {
  /** Replace the user's access levels instead of adding to them. Default false. */
  replace?: boolean;
}
/** Options of `users.disable`. */
export interface DisableOptions extends CallOptions {
  /** When access ends: a Date, epoch ms, or `YYYY-MM-DD HH:MM:SS`. Default now (UTC). */
  at?: Date | number | string;
}
/** Options of `users.plan`. */
export interface PlanOptions extends CallOptions {
  /** The field pairing roster rows with live users. Default `id_num`. */
  key?: "id_num" | "email";
  /** Plan to disable live users (with the key) that are missing from the roster. Default false. */
  disableMissing?: boolean;
}
"#;

/// Now, UTC, in the wire form `YYYY-MM-DD HH:MM:SS`.
fn now_wire() -> String {
    at_wire(&js_sys::Date::new_0().into()).unwrap_or_default()
}

/// A Date, epoch ms or date text in the wire form.
fn at_wire(at: &JsValue) -> Result<String, Error> {
    let text = if let Some(ms) = at.as_f64() {
        js_sys::Date::new(&ms.into()).to_iso_string().as_string()
    } else if at.is_instance_of::<js_sys::Date>() {
        let d: &js_sys::Date = at.unchecked_ref();
        if d.get_time().is_nan() {
            None
        } else {
            d.to_iso_string().as_string()
        }
    } else {
        at.as_string()
    };
    text.and_then(|t| normalize_time(&t).ok().flatten().map(Cow::into_owned)).ok_or_else(|| Error::config("options.at must be a Date, epoch milliseconds or YYYY-MM-DD HH:MM:SS"))
}

/// Reads the user a `UserRef` names; `not_found` when there is none.
async fn resolve_user(inner: &Inner, user: &JsValue, signal: Option<&AbortSignal>) -> Result<User, Error> {
    let by_object = |k: &str| Reflect::get(user, &k.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
    let req = if user.as_f64().is_some() {
        api::user_by_id(id_arg(user, "user")?)
    } else if let Some(idnum) = user.as_string() {
        api::user_by_idnum(idnum.trim())
    } else if let Some(id) = user.is_object().then(|| by_object("id")).flatten() {
        api::user_by_id(id_arg(&id, "user.id")?)
    } else if let Some(idnum) = user.is_object().then(|| by_object("id_num")).flatten().and_then(|v| v.as_string()) {
        api::user_by_idnum(idnum.trim())
    } else {
        return Err(Error::config("user must be an id, an id number, or a user record with id or id_num"));
    };
    parse_one::<User>(&inner.transport.call(&req, signal).await?)?.ok_or_else(|| Error::new(ErrorKind::NotFound, format!("No such user: {}", req.path.trim_start_matches("user?"))))
}

/// The full user object the case processes send back (reference: "Construct user object
/// containing all user information").
fn user_record(u: &User) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("id".into(), json!(u.id));
    let text =
        [("id_num", &u.id_num), ("first_name", &u.first_name), ("last_name", &u.last_name), ("card_num", &u.card_num), ("email", &u.email), ("phone", &u.phone), ("pin", &u.pin)];
    for (k, v) in text {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            r.insert(k.into(), json!(v));
        }
    }
    for (k, v) in [("access_effective", &u.access_effective), ("access_expires", &u.access_expires)] {
        if let Some(t) = v.as_deref().and_then(|t| normalize_time(t).ok().flatten()) {
            r.insert(k.into(), json!(t));
        }
    }
    if let Some(e) = u.enabled {
        r.insert("enabled".into(), json!(e));
    }
    r.insert("accesslevels".into(), u.accesslevels.iter().map(|l| json!({ "id": l.id })).collect());
    r
}

/// Writes one full user record as an update and reads the user back.
async fn update_user(inner: &Inner, record: Map<String, Value>, replace_privileges: bool, ctl: &RunControl) -> Result<User, Error> {
    let id = record.get("id").and_then(Value::as_u64).unwrap_or_default();
    let flags = UserFlags { update_existing: true, validate_fails_batch: true, replace_privileges };
    let report = save_users(inner, &[Value::Object(record)], flags, ctl).await?;
    single_outcome(&report)?;
    let req = api::user_by_id(id);
    parse_one::<User>(&inner.transport.call(&req, ctl.signal.as_ref()).await?)?.ok_or_else(|| Error::new(ErrorKind::NotFound, format!("User {id} is gone after the update")))
}

/// The error a one-record write ended in, if it did not commit.
fn single_outcome(report: &BatchReport) -> Result<(), Error> {
    let Some(r) = report.records.first() else { return Err(Error::new(ErrorKind::Internal, "empty report")) };
    let (kind, what) = match r.status {
        RecordStatus::Committed => return Ok(()),
        RecordStatus::Rejected => (ErrorKind::Validation, "The user was not updated"),
        RecordStatus::Unknown => (ErrorKind::Server, "The update may or may not have been applied"),
        RecordStatus::NotSent => (report.stopped_by.as_ref().map_or(ErrorKind::Aborted, |s| kind_named(&s.kind)), "The update was not sent"),
    };
    let details = vec![crate::error::RecordError { index: Some(0), messages: r.messages.clone(), input_data: r.input_data.clone() }];
    Err(Error {
        messages: r.messages.clone(),
        details,
        status: report.stopped_by.as_ref().and_then(|s| s.status),
        ..Error::new(kind, format!("{what}: {}", r.messages.join("; ")))
    })
}

fn kind_named(name: &str) -> ErrorKind {
    [ErrorKind::Auth, ErrorKind::RateLimited, ErrorKind::NotFound, ErrorKind::BadRequest, ErrorKind::Config, ErrorKind::Aborted]
        .into_iter()
        .find(|k| k.as_str() == name)
        .unwrap_or(ErrorKind::Server)
}

#[wasm_bindgen]
impl UsersApi {
    /// Assigns access levels, by name or id, to a user (the reference's case process "Create
    /// New User and Assign to Access Level", for an existing user). Adds to the user's levels
    /// unless `replace`. Resolves to the updated user; an unknown name is a `not_found` error.
    #[wasm_bindgen(js_name = assignAccessLevels, unchecked_return_type = "Promise<User>")]
    pub fn assign_access_levels(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserRef")] user: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(string | number)[]")] levels: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AssignOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let ctl = control_of(&options)?;
            let wanted: Vec<Value> = from_js(&levels, "levels")?;
            let replace = flag(&options, "replace")?.unwrap_or(false);
            let signal = ctl.signal.as_ref();
            let all: Vec<AccessLevel> = parse_list(&inner.transport.call(&ApiRequest::get("accesslevel"), signal).await?)?;
            let mut ids = BTreeSet::new();
            for level in &wanted {
                let id = match level {
                    Value::Number(n) => n.as_u64().filter(|id| all.iter().any(|l| l.id == *id)).ok_or_else(|| format!("Access Level Not Found: {}", crate::model::number_text(n))),
                    Value::String(name) => find_level(&all, name.trim()),
                    other => Err(format!("Access levels are names or ids, not {other}")),
                };
                ids.insert(id.map_err(|m| Error::new(ErrorKind::NotFound, m))?);
            }
            let current = resolve_user(&inner, &user, signal).await?;
            if !replace {
                ids.extend(current.accesslevels.iter().map(|l| l.id));
            }
            let mut record = user_record(&current);
            record.insert("accesslevels".into(), ids.iter().map(|id| json!({ "id": id })).collect());
            update_user(&inner, record, true, &ctl).await
        })
    }

    /// Ends a user's access at `at` (default now) by setting `access_expires` (the
    /// reference's case process "Disable Access For a User"). Resolves to the updated user.
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn disable(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserRef")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DisableOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let ctl = control_of(&options)?;
            let at = match options.as_ref().filter(|o| o.is_object()).map(|o| Reflect::get(o, &"at".into()).unwrap_or(JsValue::UNDEFINED)) {
                Some(at) if !at.is_undefined() && !at.is_null() => at_wire(&at)?,
                _ => now_wire(),
            };
            let current = resolve_user(&inner, &user, ctl.signal.as_ref()).await?;
            let mut record = user_record(&current);
            record.insert("access_expires".into(), json!(at));
            record.remove("accesslevels");
            update_user(&inner, record, false, &ctl).await
        })
    }

    /// Compares a roster (user records, or the result of `parseUsersCsv`) with the live users
    /// and plans the writes that would make them match. Writes nothing.
    #[wasm_bindgen(unchecked_return_type = "Promise<SyncPlan>")]
    pub fn plan(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserInput[] | { users: UserInput[]; rows?: number[] }")] roster: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PlanOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let ctl = control_of(&options)?;
            let key = match options.as_ref().filter(|o| o.is_object()).and_then(|o| Reflect::get(o, &"key".into()).ok()).filter(|k| !k.is_undefined()) {
                None => "id_num".to_string(),
                Some(k) => k
                    .as_string()
                    .filter(|k| k == "id_num" || k == "email")
                    .ok_or_else(|| Error::config("options.key must be \"id_num\" or \"email\" (the fields the API matches users by)"))?,
            };
            let disable_missing = flag(&options, "disableMissing")?.unwrap_or(false);
            let (records, rows) = roster_records(&roster)?;
            let v = validate::validate_users(&records);
            let mut problems: Vec<PlanProblem> =
                v.invalid.iter().map(|r| PlanProblem { index: r.index, row: None, messages: r.issues.iter().map(|i| i.message.clone()).collect() }).collect();
            let mut valid = v.into_values().valid;
            let unresolved = resolve_level_names(&inner, &mut valid, ctl.signal.as_ref()).await?;
            valid.retain(|(i, _)| !unresolved.iter().any(|(u, _)| u == i));
            problems.extend(unresolved.into_iter().map(|(index, m)| PlanProblem { index, row: None, messages: vec![m] }));
            let live: Vec<User> = parse_list(&inner.transport.call(&ApiRequest::get("user"), ctl.signal.as_ref()).await?)?;
            let mut plan = roster::plan(&key, &valid, problems, &live, disable_missing, &now_wire());
            for p in &mut plan.problems {
                p.row = rows.get(p.index).copied();
            }
            Ok(plan)
        })
    }

    /// Carries out a plan from `users.plan` through the batch engine (updates matched by the
    /// plan's key). The report's indices run over the plan's creates, then updates, then
    /// disables.
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SyncPlan")] plan: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SaveUsersOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let plan: SyncPlan = from_js(&plan, "plan")?;
            let flags = UserFlags { update_existing: true, ..UserFlags::from_options(&options)? };
            save_users(&inner, &plan.records(), flags, &control_of(&options)?).await
        })
    }
}

/// A roster's records and, when it came from `parseUsersCsv`, their spreadsheet rows.
fn roster_records(roster: &JsValue) -> Result<(Vec<Value>, Vec<usize>), Error> {
    if js_sys::Array::is_array(roster) {
        return Ok((records_from_js(roster, "roster")?, Vec::new()));
    }
    let users = Reflect::get(roster, &"users".into()).unwrap_or(JsValue::UNDEFINED);
    let rows = Reflect::get(roster, &"rows".into()).unwrap_or(JsValue::UNDEFINED);
    let rows = if rows.is_undefined() { Vec::new() } else { from_js(&rows, "roster.rows")? };
    Ok((records_from_js(&users, "roster.users")?, rows))
}

/// The live state of one tail.
struct Tail {
    inner: Rc<Inner>,
    state: TailState,
    started: bool,
    interval_ms: f64,
    signal: Option<AbortSignal>,
    on_gap: Option<Function>,
    gaps: js_sys::Array,
}

#[wasm_bindgen]
impl EventsApi {
    /// Follows the event log: an async iterable that polls `/events?id=` and yields each new
    /// event once, in ascending id order, riding out transient errors with backoff. Its
    /// `cursor` resumes it after a restart with no gap and no duplicate; events lost to the
    /// server's 5,000-event window are reported as gaps (`onGap`, `gaps`).
    #[wasm_bindgen(unchecked_return_type = "EventTail")]
    pub fn tail(&self, #[wasm_bindgen(unchecked_optional_param_type = "TailOptions")] options: Option<JsValue>) -> Result<JsValue, JsValue> {
        self.make_tail(options).map_err(|e| to_js_error(&e))
    }
}

impl EventsApi {
    fn make_tail(&self, options: Option<JsValue>) -> Result<JsValue, Error> {
        let get = |k: &str| options.as_ref().filter(|o| o.is_object()).and_then(|o| Reflect::get(o, &k.into()).ok()).filter(|v| !v.is_undefined() && !v.is_null());
        let after = get("after").map(|a| if a.as_f64() == Some(0.0) { Ok(0) } else { id_arg(&a, "options.after") }).transpose()?;
        let interval_ms =
            get("intervalMs").map_or(Some(2000.0), |v| v.as_f64().filter(|n| *n >= 0.0)).ok_or_else(|| Error::config("options.intervalMs must be a number of milliseconds"))?;
        let on_gap = get("onGap").map(|f| f.dyn_into::<Function>().map_err(|_| Error::config("options.onGap must be a function"))).transpose()?;
        let tail = Rc::new(RefCell::new(Tail {
            inner: self.inner.clone(),
            state: TailState::new(after.unwrap_or(0)),
            started: after.is_some(),
            interval_ms,
            signal: signal_of(&options)?,
            on_gap,
            gaps: js_sys::Array::new(),
        }));
        let iterator = Object::new();
        let set = |k: &JsValue, v: &JsValue| Reflect::set(&iterator, k, v).map(|_| ());
        let next = {
            let tail = tail.clone();
            Closure::<dyn Fn() -> Promise>::new(move || {
                let tail = tail.clone();
                future_to_promise(async move { next_item(&tail).await.map_err(|e| to_js_error(&e)) })
            })
        };
        let stop = {
            let tail = tail.clone();
            Closure::<dyn Fn() -> Promise>::new(move || {
                let mut t = tail.borrow_mut();
                t.started = true;
                t.signal = aborted_signal().or(t.signal.take());
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
        let cursor = Closure::<dyn Fn() -> f64>::new(move || cursor_tail.borrow().state.cursor as f64);
        let gaps_tail = tail.clone();
        let gaps = Closure::<dyn Fn() -> JsValue>::new(move || gaps_tail.borrow().gaps.slice(0, u32::MAX).into());
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

/// The next `{ value, done }` of a tail.
async fn next_item(tail: &Rc<RefCell<Tail>>) -> Result<JsValue, Error> {
    let (inner, interval, signal) = {
        let t = tail.borrow();
        (t.inner.clone(), t.interval_ms, t.signal.clone())
    };
    let mut backoff = 500.0;
    loop {
        if signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Ok(iter_result(JsValue::UNDEFINED, true));
        }
        if let Some(event) = tail.borrow_mut().state.next_event() {
            return Ok(iter_result(to_js(&event)?, false));
        }
        let (started, cursor) = {
            let t = tail.borrow();
            (t.started, t.state.cursor)
        };
        let req = if started { api::events_after(cursor) } else { ApiRequest::get("events") };
        let polled = match inner.transport.call(&req, signal.as_ref()).await {
            Ok(resp) => parse_list::<Event>(&resp),
            Err(e) => Err(e),
        };
        match polled.map(|events| (events, started)) {
            Ok((events, true)) => {
                backoff = 500.0;
                let (gap, drained) = {
                    let mut t = tail.borrow_mut();
                    let gap = t.state.absorb(events);
                    (gap, t.state.is_drained())
                };
                // No borrow is held while the caller's callback runs (it may read `cursor`).
                if let Some(gap) = gap {
                    let gap = to_js(&gap)?;
                    let on_gap = {
                        let t = tail.borrow();
                        t.gaps.push(&gap);
                        t.on_gap.clone()
                    };
                    if let Some(f) = on_gap {
                        let _ = f.call1(&JsValue::NULL, &gap);
                    }
                }
                if drained && sleep(interval, signal.as_ref()).await.is_err() {
                    return Ok(iter_result(JsValue::UNDEFINED, true));
                }
            }
            Ok((events, false)) => {
                let mut t = tail.borrow_mut();
                t.state = TailState::new(events.iter().map(|e| e.id).max().unwrap_or(0));
                t.started = true;
            }
            Err(e) if e.kind == ErrorKind::Aborted => return Ok(iter_result(JsValue::UNDEFINED, true)),
            Err(e) if e.retryable || matches!(e.kind, ErrorKind::Server | ErrorKind::Decode | ErrorKind::Timeout | ErrorKind::Network) => {
                if sleep(backoff, signal.as_ref()).await.is_err() {
                    return Ok(iter_result(JsValue::UNDEFINED, true));
                }
                backoff = (backoff * 2.0).min(30_000.0);
            }
            Err(e) => return Err(e),
        }
    }
}
