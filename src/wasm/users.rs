//! `lockt.users`: reads, `save`, `validate`, the reference's two case processes and roster
//! sync. Each verb converts its arguments and hands them to the engine.

use std::borrow::Cow;

use js_sys::{Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::calls::{control_of, flag, handle, id_arg, io_of, spawn};
use super::{from_js, records_from_js};
use crate::api::{self, parse_one};
use crate::engine::cases::{self, PlanRequest, UserFlags, UserRef};
use crate::engine::roster::SyncPlan;
use crate::engine::writes::Progress;
use crate::error::Error;
use crate::model::User;
use crate::validate::normalize_time;

#[wasm_bindgen(typescript_custom_section)]
const TS_USERS: &'static str = r#"
/** A user given by system id (number), id number (string), or a user record. */
export type UserRef = number | string | { id?: number; id_num?: string };
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

handle!(
    UsersApi,
    "Card holders (`/user`, `/uservalidate`).",
    list User,
    "user",
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
        let fetch = self.fetch.clone();
        spawn(async move {
            let req = api::user_by_id(id_arg(&id, "id")?);
            parse_one::<User>(&cases::read(&io_of(&fetch, &options)?, &req).await?)
        })
    }

    /// The user with external id number `idNum`, or `null` (`GET /user?idnum=`).
    #[wasm_bindgen(js_name = getByIdNum, unchecked_return_type = "Promise<User | null>")]
    pub fn get_by_id_num(&self, id_num: String, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        let fetch = self.fetch.clone();
        spawn(async move {
            if id_num.trim().is_empty() {
                return Err(Error::config("idNum must not be empty"));
            }
            let req = api::user_by_idnum(id_num.trim());
            parse_one::<User>(&cases::read(&io_of(&fetch, &options)?, &req).await?)
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
        let fetch = self.fetch.clone();
        spawn(async move {
            let records = records_from_js(&users, "users")?;
            let flags = user_flags(&options)?;
            let ctl = control_of(&options)?;
            let report = |p| ctl.report(p);
            cases::save_users(&fetch.with_signal(ctl.signal.clone()), &records, flags, &Progress::new(&report)).await
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
        spawn(async move {
            let records = records_from_js(&users, "users")?;
            let ctl = control_of(&options)?;
            cases::validate_users(&fetch.with_signal(ctl.signal), &records).await
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
            let ctl = control_of(&options)?;
            let wanted: Vec<Value> = from_js(&levels, "levels")?;
            let replace = flag(&options, "replace")?.unwrap_or(false);
            let io = fetch.with_signal(ctl.signal);
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
            let ctl = control_of(&options)?;
            let at = match options.as_ref().filter(|o| o.is_object()).map(|o| Reflect::get(o, &"at".into()).unwrap_or(JsValue::UNDEFINED)) {
                Some(at) if !at.is_undefined() && !at.is_null() => Some(at_wire(&at)?),
                _ => None,
            };
            cases::disable(&fetch.with_signal(ctl.signal), &user_ref(&user)?, at).await
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
            cases::plan(&fetch.with_signal(ctl.signal), &records, &rows, &PlanRequest { key, disable_missing }).await
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
        spawn(async move {
            let plan: SyncPlan = from_js(&plan, "plan")?;
            let flags = user_flags(&options)?;
            let ctl = control_of(&options)?;
            let report = |p| ctl.report(p);
            cases::apply(&fetch.with_signal(ctl.signal.clone()), &plan, flags, &Progress::new(&report)).await
        })
    }
}

/// Reads `updateExisting`, `validateFailsBatch` and `replacePrivileges`, with the API's defaults.
fn user_flags(options: &Option<JsValue>) -> Result<UserFlags, Error> {
    let d = UserFlags::default();
    Ok(UserFlags {
        update_existing: flag(options, "updateExisting")?.unwrap_or(d.update_existing),
        validate_fails_batch: flag(options, "validateFailsBatch")?.unwrap_or(d.validate_fails_batch),
        replace_privileges: flag(options, "replacePrivileges")?.unwrap_or(d.replace_privileges),
    })
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
