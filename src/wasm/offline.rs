//! Offline functions: validation and batch planning, usable without a client or network.

use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::plain_js_error;
use crate::csv_import;
#[cfg(feature = "client")]
use crate::error::Error;
use crate::error::ErrorKind;
use crate::validate::{self, tape, InvalidRecord, Kind, Warning};

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

// The validators are JS functions over the field tape (js/validators.js); their types are
// declared here, beside the Rust types they name.
#[wasm_bindgen(typescript_custom_section)]
const TS_VALIDATORS: &'static str = r#"
/**
 * Validates users for `users.save` without sending anything. A valid record already in the
 * wire form comes back as the same object; others come back as new objects in the wire form.
 */
export function validateUsers(users: unknown[]): ValidationReport<WireUser>;
/** Validates fobs for `fobs.create` without sending anything. */
export function validateFobs(fobs: unknown[]): ValidationReport<WireFob>;
/** Validates fob reassignments for `fobs.reassign` without sending anything. */
export function validateFobAssignments(assignments: unknown[]): ValidationReport<WireFobAssignment>;
/** Validates doors for `doors.create` without sending anything. */
export function validateDoors(doors: unknown[]): ValidationReport<WireDoor>;
/**
 * Validates one user form: its issues by field (`{}` when valid). Cheap enough for every
 * keystroke; checks within one record only (no duplicates across records).
 */
export function validateUser(user: unknown): Record<string, Issue[]>;
/**
 * Splits `records` into consecutive blocks of at most `size` (default 100, the API's limit),
 * keeping the very same objects.
 */
export function planBatches<T>(records: T[], size?: number): T[][];
"#;

/// Validates the records on a tape (text, pieces, record count): `validateTape`'s answer.
type TapeValidator = fn(&str, &[u32], usize) -> Result<tape::Answer, tape::TapeError>;

/// A record kind the field tape carries: the name the JS walk uses, its fields in slot order,
/// and its validator, if the package validates it offline.
struct TapeKind {
    name: &'static str,
    fields: &'static [&'static str],
    validate: Option<TapeValidator>,
}

/// Every record kind of the field tape, in one place.
const TAPE_KINDS: &[TapeKind] = &[
    TapeKind { name: "users", fields: validate::Users::FIELDS, validate: Some(tape::validate::<validate::Users>) },
    TapeKind { name: "userForm", fields: validate::Users::FIELDS, validate: Some(user_form) },
    TapeKind { name: "fobs", fields: validate::Fobs::FIELDS, validate: Some(tape::validate::<validate::Fobs>) },
    TapeKind { name: "fobAssignments", fields: validate::FobAssignments::FIELDS, validate: Some(tape::validate::<validate::FobAssignments>) },
    TapeKind { name: "doors", fields: validate::Doors::FIELDS, validate: Some(tape::validate::<validate::Doors>) },
    TapeKind { name: "credentialReissues", fields: validate::CredentialReissues::FIELDS, validate: None },
];

fn tape_kind(name: &str) -> Option<&'static TapeKind> {
    TAPE_KINDS.iter().find(|kind| kind.name == name)
}

/// One user form (its issues by field, as the summary), for `validateUser`.
fn user_form(text: &str, pieces: &[u32], _records: usize) -> Result<tape::Answer, tape::TapeError> {
    tape::user_form(text, pieces).map(|summary| tape::Answer { summary, ..tape::Answer::default() })
}

/// The known fields of a record kind, comma-separated, in the order the tape's slots use
/// (internal: read once by the package's JS walk).
#[wasm_bindgen(js_name = tapeFields, skip_typescript)]
pub fn tape_fields(kind: &str) -> Option<String> {
    // A plain loop: `join` is generic code of its own.
    tape_kind(kind).map(|kind| {
        let mut names = String::new();
        for (i, name) in kind.fields.iter().enumerate() {
            if i > 0 {
                names.push(',');
            }
            names.push_str(name);
        }
        names
    })
}

thread_local! {
    /// The patch words and text of the last `validateTape`, until JS takes them.
    static LAST_ANSWER: std::cell::RefCell<tape::Answer> = std::cell::RefCell::new(tape::Answer::default());
    /// The bytes of the tape's text, written by JS straight into wasm memory.
    static TAPE_TEXT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The tape's pieces, written by JS straight into wasm memory.
    static TAPE_PIECES: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Makes `buffer` hold the `kept` items JS already wrote into it plus room for `more`;
/// returns where it now starts. The room is not zeroed (JS writes every item it reports).
fn reserve<T: Copy>(buffer: &std::cell::RefCell<Vec<T>>, kept: usize, more: usize) -> *mut T {
    let mut buffer = buffer.borrow_mut();
    let kept = kept.min(buffer.capacity());
    // SAFETY: JS wrote the first `kept` items through the pointer this returned before
    // (within the capacity); a grown buffer keeps them.
    unsafe { buffer.set_len(kept) };
    buffer.reserve(more);
    buffer.as_mut_ptr()
}

/// Makes the tape's text buffer `kept` bytes already written plus room for `bytes` more;
/// returns where it now starts (internal: the JS walk writes there through `tapeMemory`).
#[wasm_bindgen(js_name = tapeReserve, skip_typescript)]
pub fn tape_reserve(kept: usize, bytes: usize) -> *mut u8 {
    TAPE_TEXT.with(|buffer| reserve(buffer, kept, bytes))
}

/// Makes the tape's piece buffer `kept` words already written plus room for `words` more;
/// returns where it now starts (internal, as `tapeReserve`).
#[wasm_bindgen(js_name = tapeReservePieces, skip_typescript)]
pub fn tape_reserve_pieces(kept: usize, words: usize) -> *mut u32 {
    TAPE_PIECES.with(|buffer| reserve(buffer, kept, words))
}

/// The module's memory, for the JS walk to write the tape's text into (internal).
#[wasm_bindgen(js_name = tapeMemory, skip_typescript)]
pub fn tape_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Validates the records the JS walk wrote on the field tape (internal; see
/// `validate::tape`): `length` bytes of text in the buffer of `tapeReserve` and `words`
/// words of pieces in the buffer of `tapeReservePieces`, holding `records` records. `kind`
/// is `users`, `fobs`, `fobAssignments`, `doors` or `userForm`. Returns the summary; the
/// patch words and text follow with `takeTapeWords` and `takeTapeText`.
#[wasm_bindgen(js_name = validateTape, skip_typescript)]
pub fn validate_tape(kind: &str, length: usize, words: usize, records: usize) -> Result<String, JsValue> {
    let mut answer = read_tape(length, words, |text, pieces| validate_text(kind, text, pieces, records)).map_err(|_| plain_js_error(ErrorKind::Internal, TAPE_DEFECT))?;
    let summary = std::mem::take(&mut answer.summary);
    LAST_ANSWER.with(|last| *last.borrow_mut() = answer);
    Ok(summary)
}

/// What a tape the JS walk and the reader disagree on is.
const TAPE_DEFECT: &str = "the field tape could not be read (a defect; please report it)";

/// [`read_tape`] for the client's writes, a failure as a core error.
#[cfg(feature = "client")]
pub(crate) fn with_tape<T>(length: usize, words: usize, read: impl FnOnce(&str, &[u32]) -> Result<T, tape::TapeError>) -> Result<T, Error> {
    read_tape(length, words, read).map_err(|_| Error::new(ErrorKind::Internal, TAPE_DEFECT))
}

/// Runs `read` over the tape the JS walk wrote (the first `length` bytes of its text, the first
/// `words` words of its pieces), then empties both buffers for the next walk.
fn read_tape<T>(length: usize, words: usize, read: impl FnOnce(&str, &[u32]) -> Result<T, tape::TapeError>) -> Result<T, tape::TapeError> {
    let mut bytes = TAPE_TEXT.with(|buffer| std::mem::take(&mut *buffer.borrow_mut()));
    let mut pieces = TAPE_PIECES.with(|buffer| std::mem::take(&mut *buffer.borrow_mut()));
    let answer = if length <= bytes.capacity() && words <= pieces.capacity() {
        // SAFETY: JS wrote that many items into the buffers' room (see `reserve`).
        unsafe {
            bytes.set_len(length);
            pieces.set_len(words);
        }
        std::str::from_utf8(&bytes).map_err(|_| tape::TapeError).and_then(|text| read(text, &pieces))
    } else {
        Err(tape::TapeError)
    };
    TAPE_TEXT.with(|buffer| *buffer.borrow_mut() = cleared(bytes));
    TAPE_PIECES.with(|buffer| *buffer.borrow_mut() = cleared(pieces));
    answer
}

/// The buffer emptied, its capacity kept small between calls.
fn cleared<T>(mut buffer: Vec<T>) -> Vec<T> {
    buffer.clear();
    buffer.shrink_to(1 << 16);
    buffer
}

fn validate_text(kind: &str, text: &str, pieces: &[u32], records: usize) -> Result<tape::Answer, tape::TapeError> {
    let validate = tape_kind(kind).and_then(|kind| kind.validate).ok_or(tape::TapeError)?;
    validate(text, pieces, records)
}

/// The patch words of the last `validateTape` (internal).
#[wasm_bindgen(js_name = takeTapeWords, skip_typescript)]
pub fn take_tape_words() -> Vec<u32> {
    LAST_ANSWER.with(|last| std::mem::take(&mut last.borrow_mut().words))
}

/// The patch text of the last `validateTape` (internal).
#[wasm_bindgen(js_name = takeTapeText, skip_typescript)]
pub fn take_tape_text() -> String {
    LAST_ANSWER.with(|last| std::mem::take(&mut last.borrow_mut().text))
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
/** The report of `validateUsersCsv`: a validation report over the users read, plus the import's rows and issues. */
export interface CsvValidationReport extends ValidationReport<WireUser> {
  /** The spreadsheet row number of each user read (header is row 1): `rows[index]` for `validIndices` and `invalid[i].index`. */
  rows: number[];
  /** Problems with the CSV text itself, in row order. */
  issues: CsvIssue[];
}
/**
 * `parseUsersCsv` and `validateUsers` in one pass, without building the user objects that
 * `validateUsers` would only read: the valid users come back in the wire form, ready for
 * `users.save`; each invalid one as `parseUsersCsv` would have read it (`input`).
 *
 * ```js
 * const { valid, invalid, rows } = validateUsersCsv(text);
 * for (const bad of invalid) console.log(`row ${rows[bad.index]}:`, bad.issues);
 * ```
 */
export function validateUsersCsv(text: string, options?: ParseUsersCsvOptions): CsvValidationReport;
"#;

/// `parseUsersCsv(text, options?)`: CSV text to user inputs (TSDoc in `TS_PARSE_USERS_CSV`).
#[wasm_bindgen(js_name = parseUsersCsv, skip_typescript)]
pub fn parse_users_csv(text: JsValue, options: Option<JsValue>) -> Result<JsValue, JsValue> {
    from_csv("parseUsersCsv", text, options, csv_import::parse_users_csv_json)
}

/// `validateUsersCsv(text, options?)`: CSV text to a validation report (TSDoc in
/// `TS_PARSE_USERS_CSV`).
#[wasm_bindgen(js_name = validateUsersCsv, skip_typescript)]
pub fn validate_users_csv(text: JsValue, options: Option<JsValue>) -> Result<JsValue, JsValue> {
    from_csv("validateUsersCsv", text, options, csv_import::validate_users_csv_json)
}

/// Reads the arguments of the CSV functions, runs `answer` and parses its JSON into JS.
fn from_csv(method: &str, text: JsValue, options: Option<JsValue>, answer: fn(&str, &csv_import::Columns) -> Result<String, tape::TapeError>) -> Result<JsValue, JsValue> {
    let Some(text) = text.as_string() else {
        return Err(plain_js_error(ErrorKind::Config, &format!("{method}: text must be a string (the CSV file's contents)")));
    };
    let columns = match options.filter(|o| !o.is_undefined() && !o.is_null()) {
        None => Vec::new(),
        Some(o) => csv_columns(method, &o).map_err(|message| plain_js_error(ErrorKind::Config, &message))?,
    };
    let json = answer(&text, &columns).map_err(|_| plain_js_error(ErrorKind::Internal, "the CSV import could not be read back (a defect; please report it)"))?;
    js_sys::JSON::parse(&json).map_err(|_| plain_js_error(ErrorKind::Internal, "could not hand a result to JS"))
}

/// `options.columns` of `parseUsersCsv`: header -> field name, both text. Read straight from
/// JS (no serde deserializer, which would pull number formatting into the module).
/// As the client's options are read: an unknown key is named, `undefined` and `null` mean "not
/// given". A refusal is the message of its `config` error.
fn csv_columns(method: &str, options: &JsValue) -> Result<Vec<(String, String)>, String> {
    let wrong = || format!("{method}: option `columns` must be an object of header -> field name texts");
    if !options.is_object() {
        return Err(format!("{method}: options must be an object ({{ columns }})"));
    }
    let mut columns = Vec::new();
    for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if key != "columns" {
            return Err(format!("{method}: unknown option `{}`; the only option is `columns`", crate::validate::shown(&key)));
        }
    }
    let given = js_sys::Reflect::get(options, &"columns".into()).unwrap_or(JsValue::UNDEFINED);
    if given.is_undefined() || given.is_null() {
        return Ok(columns);
    }
    if !given.is_object() || js_sys::Array::is_array(&given) {
        return Err(wrong());
    }
    for entry in js_sys::Object::entries(given.unchecked_ref::<js_sys::Object>()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        match (pair.get(0).as_string(), pair.get(1).as_string()) {
            (Some(header), Some(field)) => columns.push((header, field)),
            _ => return Err(wrong()),
        };
    }
    Ok(columns)
}
