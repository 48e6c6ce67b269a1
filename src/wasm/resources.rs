//! One handle per resource (`lockt.users`, `lockt.doors`, ...), each a thin shell over the
//! core: read options, call the transport, parse, hand back JSON. Every method returns a
//! promise that rejects with a `LocktError`.

use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::client::Inner;
use super::writes::{self, RunControl, WriteSpec};
use super::{js_result, records_from_js};
use crate::api::{self, parse_list, parse_one, parse_single, ApiRequest, Method};
use crate::batch::{self, BatchReport, BatchRun, ReadBackSpec, RecordReason, RecordStatus};
use crate::error::{Error, RecordError};
use crate::model::*;
use crate::validate;

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

/// The controls (`signal`, `onProgress`) of a write's options, checked.
pub(crate) fn control_of(options: &Option<JsValue>) -> Result<RunControl, Error> {
    let signal = signal_of(options)?;
    let on_progress = match options.as_ref().filter(|o| o.is_object()).map(|o| Reflect::get(o, &"onProgress".into()).unwrap_or(JsValue::UNDEFINED)) {
        None => None,
        Some(f) if f.is_undefined() || f.is_null() => None,
        Some(f) => Some(f.dyn_into::<Function>().map_err(|_| Error::config("options.onProgress must be a function"))?),
    };
    Ok(RunControl::new(signal, on_progress))
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

async fn read_list<T: DeserializeOwned>(inner: &Inner, req: ApiRequest, signal: Option<AbortSignal>) -> Result<Vec<T>, Error> {
    parse_list(&inner.transport.call(&req, signal.as_ref()).await?)
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

macro_rules! handle {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[wasm_bindgen]
        pub struct $name {
            pub(crate) inner: Rc<Inner>,
        }

        impl $name {
            pub(crate) fn new(inner: Rc<Inner>) -> Self {
                $name { inner }
            }
        }
    };
}

handle!(UsersApi, "Card holders (`/user`, `/uservalidate`).");
handle!(CredentialsApi, "Credentials (`/credential`, `/credentialsummary`).");
handle!(EventsApi, "The event log (`/events`).");
handle!(DoorsApi, "Doors (`/door`, `/doorstate`).");
handle!(FobsApi, "Fobs (`/fob`, `/fobcheck`).");
handle!(SchedulesApi, "Schedules (`/schedule`).");
handle!(AccessLevelsApi, "Access levels (`/accesslevel`).");

/// The result of `users.validate`: the server's counts and every record it (or the client)
/// found fault with.
#[derive(Serialize, tsify::Tsify)]
pub struct UserValidationReport {
    /// The counts the server would have had.
    pub summary: BatchSummary,
    /// Every refused record, by input index.
    pub details: Vec<RecordError>,
}

#[wasm_bindgen]
impl UsersApi {
    /// Every non-administrative card holder (`GET /user`).
    #[wasm_bindgen(unchecked_return_type = "Promise<User[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<User>(&inner, ApiRequest::get("user"), signal_of(&options)?).await })
    }

    /// The user with system id `id`, or `null` (`GET /user?id=`).
    #[wasm_bindgen(unchecked_return_type = "Promise<User | null>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let req = api::user_by_id(id_arg(&id, "id")?);
            parse_one::<User>(&inner.transport.call(&req, signal_of(&options)?.as_ref()).await?)
        })
    }

    /// The user with external id number `idNum`, or `null` (`GET /user?idnum=`).
    #[wasm_bindgen(js_name = getByIdNum, unchecked_return_type = "Promise<User | null>")]
    pub fn get_by_id_num(&self, id_num: String, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            if id_num.trim().is_empty() {
                return Err(Error::config("idNum must not be empty"));
            }
            let req = api::user_by_idnum(id_num.trim());
            parse_one::<User>(&inner.transport.call(&req, signal_of(&options)?.as_ref()).await?)
        })
    }

    /// Creates or updates any number of users (`POST /user`, 100 per call, one call at a time).
    /// Access levels given by name are resolved first. Every record ends with one status.
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn save(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserInput[]")] users: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SaveUsersOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let records = records_from_js(&users, "users")?;
            save_users(&inner, &records, UserFlags::from_options(&options)?, &control_of(&options)?).await
        })
    }

    /// Validates users on the client, then on the server without committing anything
    /// (`POST /uservalidate`, pending release).
    #[wasm_bindgen(unchecked_return_type = "Promise<UserValidationReport>")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserInput[]")] users: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let records = records_from_js(&users, "users")?;
            let ctl = control_of(&options)?;
            let v = validate::validate_users(&records);
            let mut details: Vec<RecordError> =
                v.invalid.iter().map(|r| RecordError { index: Some(r.index), messages: r.issues.iter().map(|i| i.message.clone()).collect(), input_data: None }).collect();
            let (summary, server) = writes::validate_only(&inner, &v.into_values().valid, &ctl).await?;
            details.extend(server);
            details.sort_by_key(|d| d.index);
            Ok(UserValidationReport { summary, details })
        })
    }
}

/// The processing options of a user write, with the API's defaults.
#[derive(Clone, Copy)]
pub(crate) struct UserFlags {
    pub update_existing: bool,
    pub validate_fails_batch: bool,
    pub replace_privileges: bool,
}

impl UserFlags {
    /// Reads `updateExisting`, `validateFailsBatch` and `replacePrivileges`.
    pub fn from_options(options: &Option<JsValue>) -> Result<Self, Error> {
        Ok(UserFlags {
            update_existing: flag(options, "updateExisting")?.unwrap_or(false),
            validate_fails_batch: flag(options, "validateFailsBatch")?.unwrap_or(true),
            replace_privileges: flag(options, "replacePrivileges")?.unwrap_or(true),
        })
    }
}

/// `users.save`, shared with the workflows that write users.
pub(crate) async fn save_users(inner: &Inner, records: &[Value], flags: UserFlags, ctl: &RunControl) -> Result<BatchReport, Error> {
    let spec = WriteSpec {
        method: Method::Post,
        path: "user",
        node: "users",
        options: vec![("update_existing", flags.update_existing), ("validate_fails_batch", flags.validate_fails_batch), ("replace_privileges", flags.replace_privileges)],
        validate_fails_batch: flags.validate_fails_batch,
        read_back: Some(batch::USER_READ_BACK),
        may_ignore: !flags.update_existing,
    };
    let v = validate::validate_users(records).into_values();
    let mut run = BatchRun::new(records.len());
    run.warn(v.warnings);
    for bad in &v.invalid {
        run.settle(bad.index, RecordStatus::Rejected, Some(RecordReason::Invalid), bad.issues.iter().map(|i| i.message.clone()).collect(), None);
    }
    let mut valid = v.valid;
    let unresolved = resolve_level_names(inner, &mut valid, ctl.signal.as_ref()).await?;
    for (index, message) in &unresolved {
        run.settle(*index, RecordStatus::Rejected, Some(RecordReason::Invalid), vec![message.clone()], None);
    }
    valid.retain(|(i, _)| run.is_open(*i));
    let any_invalid = !v.invalid.is_empty() || !unresolved.is_empty();
    Ok(writes::settle_run(inner, &spec, valid, ctl, run, any_invalid).await)
}

/// Replaces access levels given by name with their ids (`GET /accesslevel`, once, only when
/// a name is given). Returns the records naming a level that does not exist.
pub(crate) async fn resolve_level_names(inner: &Inner, valid: &mut [(usize, Value)], signal: Option<&AbortSignal>) -> Result<Vec<(usize, String)>, Error> {
    let named = |l: &Value| l.get("id").is_none() && l.get("name").is_some();
    let needs = valid.iter().any(|(_, r)| r.get("accesslevels").and_then(Value::as_array).is_some_and(|ls| ls.iter().any(named)));
    if !needs {
        return Ok(Vec::new());
    }
    let levels: Vec<AccessLevel> = parse_list(&inner.transport.call(&ApiRequest::get("accesslevel"), signal).await?)?;
    let mut unresolved = Vec::new();
    for (index, record) in valid.iter_mut() {
        let Some(list) = record.get_mut("accesslevels").and_then(Value::as_array_mut) else { continue };
        for level in list.iter_mut().filter(|l| named(l)) {
            let name = level.get("name").and_then(Value::as_str).unwrap_or_default().trim().to_string();
            match find_level(&levels, &name) {
                Ok(id) => *level = serde_json::json!({ "id": id }),
                Err(message) => unresolved.push((*index, message)),
            }
        }
    }
    Ok(unresolved)
}

/// The id of the access level called `name` (case-insensitive), or why there is none.
pub(crate) fn find_level(levels: &[AccessLevel], name: &str) -> Result<u64, String> {
    let matches: Vec<&AccessLevel> = levels.iter().filter(|l| l.name.trim().eq_ignore_ascii_case(name)).collect();
    match matches.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!("Access Level Not Found: {name}")),
        _ => Err(format!("Access level name is ambiguous: {name} (ids {})", matches.iter().map(|l| l.id.to_string()).collect::<Vec<_>>().join(", "))),
    }
}

/// The spec for writes whose only option is `validate_fails_batch`.
fn simple_spec(method: Method, path: &'static str, node: &'static str, options: &Option<JsValue>, read_back: Option<ReadBackSpec>) -> Result<WriteSpec, Error> {
    let vfb = flag(options, "validateFailsBatch")?.unwrap_or(true);
    Ok(WriteSpec { method, path, node, options: vec![("validate_fails_batch", vfb)], validate_fails_batch: vfb, read_back, may_ignore: false })
}

/// Validates and writes records of one kind through the batch engine.
async fn batch_write(
    inner: &Inner,
    spec: WriteSpec,
    records: JsValue,
    what: &str,
    validator: fn(&[Value]) -> validate::Validation<Value>,
    options: &Option<JsValue>,
) -> Result<BatchReport, Error> {
    let records = records_from_js(&records, what)?;
    let ctl = control_of(options)?;
    let mut v = validator(&records);
    let valid = std::mem::take(&mut v.valid);
    Ok(writes::run(inner, &spec, v, valid, records.len(), &ctl).await)
}

#[wasm_bindgen]
impl CredentialsApi {
    /// Every credential (`GET /credential`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Credential[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<Credential>(&inner, ApiRequest::get("credential"), signal_of(&options)?).await })
    }

    /// Claimed and unclaimed counts (`GET /credentialsummary`).
    #[wasm_bindgen(unchecked_return_type = "Promise<CredentialSummary>")]
    pub fn summary(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { parse_single::<CredentialSummary>(&inner.transport.call(&ApiRequest::get("credentialsummary"), signal_of(&options)?.as_ref()).await?) })
    }

    /// Reissues credentials by id (`POST /credential`, pending release).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn reissue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CredentialReissue[]")] items: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let spec = simple_spec(Method::Post, "credential", "credentials", &options, None)?;
            batch_write(&inner, spec, items, "items", |r| validate::validate_credential_reissues(r).into_values(), &options).await
        })
    }
}

#[wasm_bindgen]
impl EventsApi {
    /// The newest events the system keeps, at most 5,000 (`GET /events`), newest first as
    /// the API sends them.
    #[wasm_bindgen(unchecked_return_type = "Promise<Event[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<Event>(&inner, ApiRequest::get("events"), signal_of(&options)?).await })
    }

    /// Events with an id greater than `id`, in ascending id order, each once
    /// (`GET /events?id=`; API-ERRATA #10).
    #[wasm_bindgen(unchecked_return_type = "Promise<Event[]>")]
    pub fn after(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let after = if id.as_f64() == Some(0.0) || id.as_string().as_deref() == Some("0") { 0 } else { id_arg(&id, "id")? };
            events_after(&inner, after, signal_of(&options)?.as_ref()).await
        })
    }
}

/// `GET /events?id=N`, made exact: strictly after N, ascending, de-duplicated.
pub(crate) async fn events_after(inner: &Inner, after: u64, signal: Option<&AbortSignal>) -> Result<Vec<Event>, Error> {
    let mut events: Vec<Event> = parse_list(&inner.transport.call(&api::events_after(after), signal).await?)?;
    events.retain(|e| e.id > after);
    events.sort_by_key(|e| e.id);
    events.dedup_by_key(|e| e.id);
    Ok(events)
}

#[wasm_bindgen]
impl DoorsApi {
    /// Every access-controlled door (`GET /door`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Door[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<Door>(&inner, ApiRequest::get("door"), signal_of(&options)?).await })
    }

    /// Creates any number of doors (`POST /door`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DoorInput[]")] doors: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let spec = simple_spec(Method::Post, "door", "doors", &options, Some(batch::DOOR_READ_BACK))?;
            batch_write(&inner, spec, doors, "doors", |r| validate::validate_doors(r).into_values(), &options).await
        })
    }

    /// Battery levels of the doors (`GET /doorstate`).
    #[wasm_bindgen(unchecked_return_type = "Promise<DoorState[]>")]
    pub fn states(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<DoorState>(&inner, ApiRequest::get("doorstate"), signal_of(&options)?).await })
    }
}

#[wasm_bindgen]
impl FobsApi {
    /// Every fob (`GET /fob`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Fob[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<Fob>(&inner, ApiRequest::get("fob"), signal_of(&options)?).await })
    }

    /// Creates any number of fobs (`POST /fob`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FobInput[]")] fobs: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let spec = simple_spec(Method::Post, "fob", "fobs", &options, Some(batch::FOB_READ_BACK))?;
            batch_write(&inner, spec, fobs, "fobs", |r| validate::validate_fobs(r).into_values(), &options).await
        })
    }

    /// Reassigns fobs to users, with new dates (`PUT /fob`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn reassign(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FobAssignment[]")] assignments: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let spec = simple_spec(Method::Put, "fob", "fobs", &options, Some(batch::FOB_REASSIGN_READ_BACK))?;
            batch_write(&inner, spec, assignments, "assignments", |r| validate::validate_fob_assignments(r).into_values(), &options).await
        })
    }

    /// Fobs with their last activity (`GET /fobcheck`, pending release).
    #[wasm_bindgen(unchecked_return_type = "Promise<FobActivity[]>")]
    pub fn check(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<FobActivity>(&inner, ApiRequest::get("fobcheck"), signal_of(&options)?).await })
    }
}

#[wasm_bindgen]
impl SchedulesApi {
    /// Every schedule (`GET /schedule`); `d0` is Monday.
    #[wasm_bindgen(unchecked_return_type = "Promise<Schedule[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<Schedule>(&inner, ApiRequest::get("schedule"), signal_of(&options)?).await })
    }
}

#[wasm_bindgen]
impl AccessLevelsApi {
    /// Every access level with its doors (`GET /accesslevel`).
    #[wasm_bindgen(unchecked_return_type = "Promise<AccessLevel[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read_list::<AccessLevel>(&inner, ApiRequest::get("accesslevel"), signal_of(&options)?).await })
    }
}

/// `GET /nextcardnum` (pending release): the card number as digit text.
pub(crate) fn next_card_number(inner: Rc<Inner>, options: Option<JsValue>) -> Promise {
    spawn(async move {
        let n: NextCardNumber = parse_single(&inner.transport.call(&ApiRequest::get("nextcardnum"), signal_of(&options)?.as_ref()).await?)?;
        n.card_num.ok_or_else(|| Error::decode(200, "no card_num in the answer"))
    })
}
