//! Offline functions: validation and batch planning, usable without a client or network.

use std::collections::BTreeMap;

use js_sys::Array;
use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::{from_js, js_result, records_from_js};
use crate::csv_import::{self, CsvImport};
use crate::error::Error;
use crate::validate::{self, InvalidRecord, Issue, Validation, Warning};

/// The outcome of validating records offline: every input index is either in `valid` (by
/// position in `validIndices`) or in `invalid`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport<W> {
    /// The valid records, normalised to the wire form the API documents.
    pub valid: Vec<W>,
    /// The input index of each record of `valid`.
    pub valid_indices: Vec<usize>,
    /// The invalid records, each with all of its issues.
    pub invalid: Vec<InvalidRecord>,
    /// What was dropped from records (unknown fields), valid or not.
    pub warnings: Vec<Warning>,
}

impl<W> From<Validation<W>> for ValidationReport<W> {
    fn from(v: Validation<W>) -> Self {
        let (valid_indices, valid) = v.valid.into_iter().unzip();
        ValidationReport { valid, valid_indices, invalid: v.invalid, warnings: v.warnings }
    }
}

fn report<W: Serialize>(records: &JsValue, what: &str, validator: fn(&[Value]) -> Validation<W>) -> Result<JsValue, JsValue> {
    js_result(records_from_js(records, what).map(|r| ValidationReport::from(validator(&r))))
}

/// Validates users for `users.save` without sending anything.
#[wasm_bindgen(js_name = validateUsers, unchecked_return_type = "ValidationReport<WireUser>")]
pub fn validate_users(#[wasm_bindgen(unchecked_param_type = "unknown[]")] users: JsValue) -> Result<JsValue, JsValue> {
    report(&users, "users", validate::validate_users)
}

/// Validates fobs for `fobs.create` without sending anything.
#[wasm_bindgen(js_name = validateFobs, unchecked_return_type = "ValidationReport<WireFob>")]
pub fn validate_fobs(#[wasm_bindgen(unchecked_param_type = "unknown[]")] fobs: JsValue) -> Result<JsValue, JsValue> {
    report(&fobs, "fobs", validate::validate_fobs)
}

/// Validates fob reassignments for `fobs.reassign` without sending anything.
#[wasm_bindgen(js_name = validateFobAssignments, unchecked_return_type = "ValidationReport<WireFobAssignment>")]
pub fn validate_fob_assignments(#[wasm_bindgen(unchecked_param_type = "unknown[]")] assignments: JsValue) -> Result<JsValue, JsValue> {
    report(&assignments, "assignments", validate::validate_fob_assignments)
}

/// Validates doors for `doors.create` without sending anything.
#[wasm_bindgen(js_name = validateDoors, unchecked_return_type = "ValidationReport<WireDoor>")]
pub fn validate_doors(#[wasm_bindgen(unchecked_param_type = "unknown[]")] doors: JsValue) -> Result<JsValue, JsValue> {
    report(&doors, "doors", validate::validate_doors)
}

/// Validates one user form: its issues by field (`{}` when valid). Cheap enough for every
/// keystroke; checks within one record only (no duplicates across records).
#[wasm_bindgen(js_name = validateUser, unchecked_return_type = "Record<string, Issue[]>")]
pub fn validate_user(#[wasm_bindgen(unchecked_param_type = "unknown")] user: JsValue) -> Result<JsValue, JsValue> {
    js_result(from_js::<Value>(&user, "user").map(|record| {
        let mut by_field: BTreeMap<String, Vec<Issue>> = BTreeMap::new();
        for issue in validate::validate_user(&record) {
            by_field.entry(issue.field.clone()).or_default().push(issue);
        }
        by_field
    }))
}

/// Splits `records` into consecutive blocks of at most `size` (default 100, the API's limit),
/// keeping the very same objects.
#[wasm_bindgen(js_name = planBatches, unchecked_return_type = "unknown[][]")]
pub fn plan_batches(#[wasm_bindgen(unchecked_param_type = "unknown[]")] records: JsValue, size: Option<f64>) -> Result<Array, JsValue> {
    let records: Array = records.dyn_into().map_err(|_| super::to_js_error(&Error::config("records must be an array")))?;
    let size = size.unwrap_or(crate::api::MAX_BATCH as f64);
    if !(size.is_finite() && size >= 1.0 && size.fract() == 0.0) {
        return Err(super::to_js_error(&Error::config("size must be a positive integer")));
    }
    let size = size as u32;
    let out = Array::new();
    let mut start = 0;
    while start < records.length() {
        out.push(&records.slice(start, start.saturating_add(size)));
        start = start.saturating_add(size);
    }
    Ok(out)
}

/// Options of `parseUsersCsv`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CsvOptions {
    #[serde(default)]
    columns: BTreeMap<String, String>,
}

// The signature is written here (not generated) so that `options` is optional in TypeScript:
// `unchecked_param_type` on an `Option` drops the `?`.
#[wasm_bindgen(typescript_custom_section)]
const TS_PARSE_USERS_CSV: &'static str = r#"
/** Options of `parseUsersCsv`. */
export interface ParseUsersCsvOptions {
  /**
   * Header name -> user field name, for spreadsheets whose headers are not the API's field
   * names (`{ "Employee #": "id_num", "Badge": "card_num" }`). Headers not listed keep their
   * default meaning (the field of the same name, case-insensitive); map a header to `""`
   * to ignore its column.
   */
  columns?: Record<string, string>;
}
/**
 * Reads users from the CSV text of a portal spreadsheet (header row first). Returns one user
 * input per data row with the row number a spreadsheet shows (header = row 1), plus the
 * problems with the text itself (unknown or repeated columns, ragged rows). Quoted cells,
 * a UTF-8 BOM and CRLF line ends work; `accesslevels` takes ids or names separated by `;`.
 * Values are not checked here: pass `users` to `validateUsers` (or `users.save`).
 *
 * ```js
 * const { users, rows, issues } = parseUsersCsv(text);
 * const report = validateUsers(users); // report.invalid[i].index -> rows[index]
 * ```
 *
 * Throws a `LocktError` of kind `config` when `text` is not a string or `options` has the
 * wrong shape.
 */
export function parseUsersCsv(text: string, options?: ParseUsersCsvOptions): CsvImport;
"#;

/// `parseUsersCsv(text, options?)`: CSV text to user inputs (TSDoc in `TS_PARSE_USERS_CSV`).
#[wasm_bindgen(js_name = parseUsersCsv, skip_typescript)]
pub fn parse_users_csv(text: JsValue, options: Option<JsValue>) -> Result<JsValue, JsValue> {
    let Some(text) = text.as_string() else {
        return Err(super::to_js_error(&Error::config("text must be a string (the CSV file's contents)")));
    };
    let options = match options.filter(|o| !o.is_undefined() && !o.is_null()) {
        None => Ok(CsvOptions::default()),
        Some(o) => from_js::<CsvOptions>(&o, "options"),
    };
    js_result(options.map(|o| -> CsvImport { csv_import::parse_users_csv(&text, &o.columns) }))
}
