//! `lockt.users`: reads, `save`, `validate`, the reference's two case processes and roster
//! sync. Each verb converts its arguments and hands them to the engine.

use std::borrow::Cow;

use js_sys::{Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::calls::{handle, id_arg, read, spawn, spawn_report, typed_list};
use super::options::read_options;
use super::{from_js, is_tape, taped, to_js};
use crate::api::{self, parse_one, RawResponse, WireText};
use crate::engine::cases::{self, PlanRequest, UserFlags, UserRef};
use crate::engine::roster::SyncPlan;
use crate::engine::writes::{CheckedRecords, Progress};
use crate::error::Error;
use crate::model::User;
use crate::options::{AssignOptions, CallOptions, DisableOptions, Moment, PlanOptions, SaveUsersOptions};
use crate::validate::{self, normalize_time};

#[wasm_bindgen(typescript_custom_section)]
const TS_USERS: &'static str = r#"
/** A user given by system id (number), id number (string), or a user record. */
export type UserRef = number | string | { id?: number; id_num?: string };
"#;

handle!(
    UsersApi,
    "Card holders (`/user`, `/uservalidate`).",
    list typed_list::<User>(),
    "user",
    "users.list",
    "Promise<User[]>",
    "Every non-administrative card holder (`GET /user`)."
);

#[wasm_bindgen]
impl UsersApi {
    /// The user with system id `id`, or `null` (`GET /user?id=`).
    #[wasm_bindgen(unchecked_return_type = "Promise<User | null>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        read(&self.fetch, id_arg(&id, "id").map(api::user_by_id), options, "users.get", Box::new(one_user))
    }

    /// The user with external id number `idNum`, or `null` (`GET /user?idnum=`).
    #[wasm_bindgen(js_name = getByIdNum, unchecked_return_type = "Promise<User | null>")]
    pub fn get_by_id_num(&self, id_num: String, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let req = if id_num.trim().is_empty() { Err(Error::config("idNum must not be empty")) } else { Ok(api::user_by_idnum(id_num.trim())) };
        read(&self.fetch, req, options, "users.getByIdNum", Box::new(one_user))
    }

    /// Creates or updates any number of users (`POST /user`, 100 per call, one call at a time).
    /// Access levels given by name are resolved first. Every record ends with one status.
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn save(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserInput[]")] users: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SaveUsersOptions")] options: Option<JsValue>,
    ) -> Promise {
        let fetch = self.fetch.clone();
        let checked = taped::<validate::Users>(&users, cases::names_level);
        spawn_report(async move {
            let (checked, total) = checked?;
            let (options, controls) = read_options::<SaveUsersOptions>(&options, "users.save")?;
            let flags = user_flags(&options);
            let ctl = controls.run_control();
            let report = |p| ctl.report(p);
            cases::save_checked_users(&fetch.with_signal(ctl.signal.clone()), checked, total, flags, &Progress::new(&report)).await
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
        let fetch = self.fetch.clone();
        let checked = taped::<validate::Users>(&users, |_| false);
        spawn(async move {
            let (checked, _) = checked?;
            let (_, controls) = read_options::<CallOptions>(&options, "users.validate")?;
            cases::validate_users(&fetch.with_signal(controls.signal()), checked).await
        })
    }

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
        let fetch = self.fetch.clone();
        spawn(async move {
            let (options, controls) = read_options::<AssignOptions>(&options, "users.assignAccessLevels")?;
            let wanted: Vec<Value> = from_js(&levels, "levels")?;
            let replace = options.replace.unwrap_or(false);
            let io = fetch.with_signal(controls.signal());
            cases::assign_access_levels(&io, &user_ref(&user)?, &wanted, replace).await
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
        let fetch = self.fetch.clone();
        spawn(async move {
            let (options, controls) = read_options::<DisableOptions>(&options, "users.disable")?;
            let at = options.at.as_ref().map(at_wire).transpose()?;
            cases::disable(&fetch.with_signal(controls.signal()), &user_ref(&user)?, at).await
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
        let fetch = self.fetch.clone();
        let checked = roster_records(&roster);
        spawn(async move {
            let (options, controls) = read_options::<PlanOptions>(&options, "users.plan")?;
            let key = options.key.unwrap_or_default().as_str().to_string();
            let disable_missing = options.disable_missing.unwrap_or(false);
            let (checked, rows) = checked?;
            cases::plan(&fetch.with_signal(controls.signal()), checked, &rows, &PlanRequest { key, disable_missing }).await
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
        let fetch = self.fetch.clone();
        spawn_report(async move {
            let plan: SyncPlan = from_js(&plan, "plan")?;
            let (options, controls) = read_options::<SaveUsersOptions>(&options, "users.apply")?;
            let flags = user_flags(&options);
            let ctl = controls.run_control();
            let report = |p| ctl.report(p);
            cases::apply(&fetch.with_signal(ctl.signal.clone()), &plan, flags, &Progress::new(&report)).await
        })
    }
}

/// The user a read by id or id number found, or `null`.
fn one_user(resp: &RawResponse) -> Result<JsValue, Error> {
    to_js(&parse_one::<User>(resp)?)
}

/// `updateExisting`, `validateFailsBatch` and `replacePrivileges`, with the API's defaults.
fn user_flags(options: &SaveUsersOptions) -> UserFlags {
    let d = UserFlags::default();
    UserFlags {
        update_existing: options.update_existing.unwrap_or(d.update_existing),
        validate_fails_batch: options.validate_fails_batch.unwrap_or(d.validate_fails_batch),
        replace_privileges: options.replace_privileges.unwrap_or(d.replace_privileges),
    }
}

/// Reads a `UserRef`: a system id, an id number, or a record with `id` or `id_num`.
fn user_ref(user: &JsValue) -> Result<UserRef, Error> {
    let by_object = |k: &str| Reflect::get(user, &k.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
    if user.as_f64().is_some() {
        Ok(UserRef::Id(id_arg(user, "user")?))
    } else if let Some(idnum) = user.as_string() {
        Ok(UserRef::IdNum(idnum))
    } else if let Some(id) = user.is_object().then(|| by_object("id")).flatten() {
        Ok(UserRef::Id(id_arg(&id, "user.id")?))
    } else if let Some(idnum) = user.is_object().then(|| by_object("id_num")).flatten().and_then(|v| v.as_string()) {
        Ok(UserRef::IdNum(idnum))
    } else {
        Err(Error::config("user must be an id, an id number, or a user record with id or id_num"))
    }
}

/// A moment (a Date arrives as its epoch ms) in the wire form.
fn at_wire(at: &Moment) -> Result<String, Error> {
    let text = match at {
        Moment::EpochMs(ms) => Some(js_sys::Date::new(&(*ms).into())).filter(|d| !d.get_time().is_nan()).and_then(|d| d.to_iso_string().as_string()),
        Moment::Text(t) => Some(t.clone()),
    };
    text.and_then(|t| normalize_time(&t).ok().flatten().map(Cow::into_owned))
        .ok_or_else(|| Error::config("users.disable: option `at` must be a Date, epoch milliseconds or YYYY-MM-DD HH:MM:SS"))
}

/// A roster's users as the client's validation judged them (the JS walk wrote them on the
/// field tape: the roster, or its `users`) and, when it came from `parseUsersCsv`, their
/// spreadsheet rows.
fn roster_records(roster: &JsValue) -> Result<(CheckedRecords<WireText>, Vec<usize>), Error> {
    if is_tape(roster) {
        return Ok((taped::<validate::Users>(roster, cases::names_level)?.0, Vec::new()));
    }
    let users = Reflect::get(roster, &"users".into()).unwrap_or(JsValue::UNDEFINED);
    let rows = Reflect::get(roster, &"rows".into()).unwrap_or(JsValue::UNDEFINED);
    let rows = if rows.is_undefined() { Vec::new() } else { from_js(&rows, "roster.rows")? };
    if !is_tape(&users) {
        return Err(Error::config("roster.users must be an array of records"));
    }
    Ok((taped::<validate::Users>(&users, cases::names_level)?.0, rows))
}
