//! The field tape: how records cross from JS into the validators without a JSON round trip.
//!
//! A thin JS walk (`js/validators.js`) reads each field of each record once and writes two
//! things: the UTF-8 bytes of every text value and unknown key back to back, straight into a
//! buffer in wasm memory (`tapeReserve` in src/wasm/offline.rs), and a list of pieces, two
//! `u32` words each, into another (`tapeReservePieces`): `tag | slot << 8`, then the text's
//! length in bytes (or a count). Neither crosses as a copy or leaves garbage in JS. The walk
//! applies what `JSON.stringify` would: `toJSON`, boxed primitives, `NaN` and `Infinity` as
//! `null`, keys whose value is `undefined`, a function or a symbol left out.
//!
//! The answer (`Answer`) is about the exceptions only: per record a status word (valid as
//! given, patched, invalid), for a patched record the patches that turn it into its wire
//! form (as `u32` words pointing into one text), and as JSON the issues of the invalid records
//! and the warnings. The JS side keeps an already-normal record as the same object and
//! rebuilds only the others, so valid records are never serialised.
//!
//! The CSV import (rules/src/csv_import.rs) writes its rows on the same tape from Rust. Its records
//! exist nowhere else, so for them the answer is the whole report as JSON
//! (`validate_to_json`: valid records in the wire form, invalid ones as read).

use std::borrow::Cow;

use super::fields::Patch;
use super::input::{Input, LevelEntry, Levels, Opaque, RecordView};
use super::{Issue, IssueCode, Kind, Pending, Repeats, Verdict, Warning, WireUser};
use crate::model::AccessLevelInput;

/// Starts an object record.
pub const RECORD: u32 = 1;
/// A record that is not an object.
pub const NOT_OBJECT: u32 = 2;
/// Text (a string value, or an unknown key's name for [`UNKNOWN`]).
pub const TEXT: u32 = 3;
/// A number as JS writes it (`String(n)`).
pub const NUMBER: u32 = 4;
/// `true`.
pub const TRUE: u32 = 5;
/// `false`.
pub const FALSE: u32 = 6;
/// `null` (or `NaN`, `Infinity`).
pub const NULL: u32 = 7;
/// An object where a plain value belongs.
pub const OBJECT: u32 = 8;
/// An array where a plain value belongs.
pub const ARRAY: u32 = 9;
/// A key that is not a known field; its name follows as text.
pub const UNKNOWN: u32 = 10;
/// A key JSON would leave out (`undefined`, a function, a symbol).
pub const SKIPPED: u32 = 11;
/// `accesslevels` as a list: the count of entries follows, each a value piece or [`LEVEL`].
pub const LEVELS: u32 = 12;
/// An object entry of `accesslevels`: the count of its keys follows, each [`LEVEL_ID`],
/// [`LEVEL_NAME`] (then a value piece) or [`UNKNOWN`].
pub const LEVEL: u32 = 13;
/// The `id` key of an access level entry.
pub const LEVEL_ID: u32 = 14;
/// The `name` key of an access level entry.
pub const LEVEL_NAME: u32 = 15;

/// Writes a field tape from Rust (the CSV import, the client's records given as JSON): the
/// pieces, two words each (`tag | slot << 8`, then a length or a count), and the text of the
/// text pieces back to back.
#[derive(Debug, Default)]
pub struct TapeWriter {
    /// The text of the text pieces.
    pub text: String,
    /// The pieces.
    pub pieces: Vec<u32>,
}

impl TapeWriter {
    /// Appends a piece.
    pub fn piece(&mut self, tag: u32, slot: usize, len: usize) {
        self.pieces.extend([tag | (slot as u32) << 8, len as u32]);
    }

    /// Appends a text piece and its text.
    pub fn text(&mut self, tag: u32, slot: usize, text: &str) {
        self.text.push_str(text);
        self.piece(tag, slot, text.len());
    }
}

/// Why a tape could not be read: the JS walk and this reader disagree (a defect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapeError;

/// Reads pieces and their text in order.
struct Reader<'a> {
    text: &'a str,
    at: usize,
    pieces: &'a [u32],
    next: usize,
}

impl<'a> Reader<'a> {
    fn piece(&mut self) -> Result<(u32, usize, usize), TapeError> {
        let word = *self.pieces.get(self.next).ok_or(TapeError)?;
        let len = *self.pieces.get(self.next + 1).ok_or(TapeError)? as usize;
        self.next += 2;
        Ok((word & 0xff, (word >> 8) as usize, len))
    }

    fn done(&self) -> bool {
        self.next >= self.pieces.len()
    }

    /// The next `bytes` bytes of the text (a whole piece, so whole characters).
    fn take(&mut self, bytes: usize) -> Result<&'a str, TapeError> {
        let out = self.text.get(self.at..self.at + bytes).ok_or(TapeError)?;
        self.at += bytes;
        Ok(out)
    }

    /// A plain value piece already read as `(tag, len)`.
    fn value(&mut self, tag: u32, len: usize) -> Result<Input<'a>, TapeError> {
        Ok(match tag {
            TEXT => Input::Text(Cow::Borrowed(self.take(len)?)),
            NUMBER => Input::Number(super::input::number_from_js(self.take(len)?)),
            TRUE => Input::Bool(true),
            FALSE => Input::Bool(false),
            NULL => Input::Absent,
            OBJECT => Input::Opaque(Opaque::Object),
            ARRAY => Input::Opaque(Opaque::List),
            _ => return Err(TapeError),
        })
    }

    fn next_value(&mut self) -> Result<Input<'a>, TapeError> {
        let (tag, _, len) = self.piece()?;
        self.value(tag, len)
    }

    /// One record: `None` for one that is not an object. `pristine` tells whether it holds
    /// nothing JSON or the wire form would leave out (unknown keys, nulls, skipped keys).
    /// The record is read into `view`, whose buffers are reused from record to record.
    fn record(&mut self, view: &mut RecordView<'a>, fields: usize, levels_slot: Option<usize>, count: usize) -> Result<bool, TapeError> {
        view.values.clear();
        view.values.resize(fields, Input::Absent);
        view.unknown.clear();
        view.levels = Levels::Absent;
        let mut pristine = true;
        for _ in 0..count {
            let (tag, slot, len) = self.piece()?;
            match tag {
                UNKNOWN => {
                    view.unknown.push(Cow::Borrowed(self.take(len)?));
                    pristine = false;
                }
                SKIPPED => pristine = false,
                LEVELS => {
                    // A plain loop: `collect` into a `Result` is 1.6 kB of wasm of its own.
                    let mut entries = Vec::new();
                    for _ in 0..len {
                        entries.push(self.level()?);
                    }
                    view.levels = Levels::List(entries);
                }
                _ if slot >= fields => return Err(TapeError),
                NULL => pristine = false,
                _ if Some(slot) == levels_slot => {
                    self.value(tag, len)?;
                    view.levels = Levels::Other;
                }
                _ => view.values[slot] = self.value(tag, len)?,
            }
        }
        // A JSON map lists its keys sorted; the warnings follow that order.
        super::input::sort_small_by_key(&mut view.unknown, |k| k.clone());
        Ok(pristine)
    }

    fn level(&mut self) -> Result<LevelEntry<'a>, TapeError> {
        let (tag, _, len) = self.piece()?;
        if tag != LEVEL {
            return Ok(LevelEntry::Value(self.value(tag, len)?));
        }
        let (mut id, mut name, mut unknown) = (Input::Absent, Input::Absent, Vec::new());
        for _ in 0..len {
            let (key, _, key_len) = self.piece()?;
            match key {
                LEVEL_ID => id = self.next_value()?,
                LEVEL_NAME => name = self.next_value()?,
                UNKNOWN => unknown.push(Cow::Borrowed(self.take(key_len)?)),
                _ => return Err(TapeError),
            }
        }
        super::input::sort_small_by_key(&mut unknown, |k| k.clone());
        Ok(LevelEntry::Object { id, name, unknown, keys: len })
    }
}

/// The answer about a tape: see the module docs.
#[derive(Debug, Default)]
pub struct Answer {
    /// JSON `{ "i": [[index, [issue, ...]], ...], "w": [warning, ...] }`.
    pub summary: String,
    /// Per record: its status ([`VALID`], [`PATCHED`], [`INVALID`]); after [`PATCHED`], the
    /// count of patches and, for each in field order, `slot, kind, a, b` (see [`PatchKind`]).
    pub words: Vec<u32>,
    /// The text the patches point into (UTF-16 offsets, as JS strings count).
    pub text: String,
}

/// A record valid as given: the same object is kept.
pub const VALID: u32 = 0;
/// A record valid once patched.
pub const PATCHED: u32 = 1;
/// An invalid record (its issues are in the summary).
pub const INVALID: u32 = 2;

/// What a patch does; `a` and `b` are the start and length of its text, or for a number its
/// low and high 32 bits.
#[repr(u32)]
pub enum PatchKind {
    /// Leave the field out.
    Drop = 0,
    /// Text.
    Text = 1,
    /// A number (an id).
    Number = 2,
    /// Access levels, as JSON text.
    Levels = 3,
}

/// What [`check_all`] hands each verdict to: called through a pointer, so that the loop is
/// one copy per record kind whoever reads the verdicts.
type Verdicts<'a, 'f, K> = dyn FnMut(usize, bool, Option<&RecordView<'a>>, super::Checked<'a, <K as Kind>::Wire<'a>>) + 'f;

/// Runs `K`'s rules over every record on the tape, in order: `each` gets the record's index,
/// whether it is pristine (see [`Reader::record`]), the record as read (`None` for one that is
/// not an object) and the verdict, with its wire form (and no patches).
fn check_all<'a, K: Kind>(text: &'a str, pieces: &'a [u32], records: usize, each: &mut Verdicts<'a, '_, K>) -> Result<(), TapeError> {
    let wires = std::iter::repeat_with(|| None).take(BATCH).collect();
    check_batched(text, pieces, K::FIELDS, records, &mut KindBatch::<K> { wires, each })
}

/// What [`check_batched`] asks of the record kind: [`super::start`] and the verdict's delivery.
trait Batch<'a> {
    /// Checks record `index` on its own, keeping its wire form until [`Batch::deliver`].
    fn start(&mut self, repeats: &mut Repeats<'a>, index: usize, record: &RecordView<'a>) -> Pending<'a>;
    /// Hands on record `index`'s verdict (`read` is `None` for one that is not an object).
    fn deliver(&mut self, index: usize, pristine: bool, read: Option<&RecordView<'a>>, verdict: Verdict<'a>);
}

/// The kind's part of [`check_all`]: the wire forms of the batch, by index modulo [`BATCH`].
struct KindBatch<'a, 'f, 'e, K: Kind> {
    wires: Vec<Option<K::Wire<'a>>>,
    each: &'e mut Verdicts<'a, 'f, K>,
}

impl<'a, K: Kind> Batch<'a> for KindBatch<'a, '_, '_, K> {
    fn start(&mut self, repeats: &mut Repeats<'a>, index: usize, record: &RecordView<'a>) -> Pending<'a> {
        let (wire, pending) = super::start::<K>(repeats, index, record, false);
        self.wires[index % BATCH] = Some(wire);
        pending
    }

    fn deliver(&mut self, index: usize, pristine: bool, read: Option<&RecordView<'a>>, verdict: Verdict<'a>) {
        let wire = read.and_then(|_| self.wires[index % BATCH].take());
        (self.each)(index, pristine, read, super::Checked::new(wire, verdict));
    }
}

/// Checks the records on the tape in batches: each on its own as it is read, then the table
/// loads of the batch's keys at once (they usually miss the cache, and so overlap), then the
/// lookups in order. Not generic (one copy in the module for every kind).
#[inline(never)]
fn check_batched<'a>(text: &'a str, pieces: &'a [u32], fields: &[&str], records: usize, kind: &mut dyn Batch<'a>) -> Result<(), TapeError> {
    let mut repeats = Repeats::new(records);
    // The records of the batch: whether each is pristine and an object, and what is left to do.
    let mut flags: Vec<(bool, bool)> = Vec::with_capacity(BATCH);
    let mut pending: Vec<Pending<'a>> = Vec::with_capacity(BATCH);
    read_all(text, pieces, fields, &mut |read, views| {
        if let Some((index, pristine, view)) = read {
            flags.push((pristine, view.is_some()));
            pending.push(match view {
                Some(view) => kind.start(&mut repeats, index, view),
                None => Pending::not_an_object(index),
            });
        }
        if pending.len() == BATCH || read.is_none() {
            repeats.prepare(&pending);
            for ((pristine, object), record) in flags.drain(..).zip(pending.drain(..)) {
                let index = record.index();
                let verdict = repeats.finish(record, fields);
                kind.deliver(index, pristine, object.then(|| &views[index % BATCH]), verdict);
            }
        }
    })
}

/// How many records [`check_all`] checks before it looks up their repeats, and how many
/// views [`read_all`] reads records into in turn.
const BATCH: usize = 32;

/// What [`read_all`] hands on for each record: its index, whether it is pristine, and the
/// record as read (`None` for one that is not an object).
type Read<'v, 'a> = (usize, bool, Option<&'v RecordView<'a>>);

/// Reads every record on the tape in order and hands it to `each`, then `None` once at the
/// end. Record `i` is read into view `i % BATCH` of the views each call gets too, so it stays
/// there as read until record `i + BATCH` is. Not generic, so that the module holds one copy
/// of the reader for every kind.
#[inline(never)]
fn read_all<'a>(text: &'a str, pieces: &'a [u32], fields: &[&str], each: &mut dyn FnMut(Option<Read<'_, 'a>>, &[RecordView<'a>])) -> Result<(), TapeError> {
    let levels_slot = fields.iter().position(|f| *f == "accesslevels");
    let mut reader = Reader { text, at: 0, pieces, next: 0 };
    let mut index = 0;
    let mut views: Vec<RecordView<'a>> = std::iter::repeat_with(RecordView::default).take(BATCH).collect();
    while !reader.done() {
        let (tag, _, count) = reader.piece()?;
        match tag {
            RECORD => {
                let pristine = reader.record(&mut views[index % BATCH], fields.len(), levels_slot, count)?;
                each(Some((index, pristine, Some(&views[index % BATCH]))), &views);
            }
            NOT_OBJECT => each(Some((index, false, None)), &views),
            _ => return Err(TapeError),
        }
        index += 1;
    }
    each(None, &views);
    Ok(())
}

/// Runs `K`'s rules over every record on the tape, in order, for callers that build their own
/// output from the verdicts (the client's batch writes): `each` gets the record's index and its
/// verdict, whose wire form borrows from `text`.
pub fn check_each<'a, K: Kind>(text: &'a str, pieces: &'a [u32], records: usize, mut each: impl FnMut(usize, super::Checked<'a, K::Wire<'a>>)) -> Result<(), TapeError> {
    check_all::<K>(text, pieces, records, &mut |index, _, _, checked| each(index, checked))
}

/// Validates the `records` records on the tape with `K`'s rules; the answer is about the
/// exceptions.
pub fn validate<K: Kind>(text: &str, pieces: &[u32], records: usize) -> Result<Answer, TapeError> {
    validate_with(text, pieces, records, K::FIELDS, verdict_only::<K>)
}

/// A kind's rules for [`validate_with`]: [`super::start`] without the wire form.
type StartVerdict = for<'a> fn(&mut Repeats<'a>, usize, &RecordView<'a>) -> Pending<'a>;

/// [`super::start`] with `K`'s rules and patches, the wire form dropped.
fn verdict_only<'a, K: Kind>(repeats: &mut Repeats<'a>, index: usize, record: &RecordView<'a>) -> Pending<'a> {
    super::start::<K>(repeats, index, record, true).1
}

/// [`validate`] past the kind's rules, `start`: one copy in the module for every kind.
fn validate_with(text: &str, pieces: &[u32], records: usize, fields: &[&str], start: StartVerdict) -> Result<Answer, TapeError> {
    let mut answer = AnswerWriter { words: Vec::with_capacity(pieces.len() / 4), ..AnswerWriter::default() };
    let mut warnings = String::new();
    let mut each = |index, pristine, checked: super::Checked<'_, ()>| {
        write_warnings(&mut warnings, &checked.warnings);
        answer.record(index, pristine, checked.wire, checked.patches);
    };
    check_batched(text, pieces, fields, records, &mut VerdictBatch { start, each: &mut each })?;
    Ok(answer.finish(&warnings))
}

/// The [`Batch`] of [`validate_with`]: the verdicts, with their patches, and no wire forms.
struct VerdictBatch<'e, 'f> {
    start: StartVerdict,
    each: &'e mut (dyn for<'a> FnMut(usize, bool, super::Checked<'a, ()>) + 'f),
}

impl<'a> Batch<'a> for VerdictBatch<'_, '_> {
    fn start(&mut self, repeats: &mut Repeats<'a>, index: usize, record: &RecordView<'a>) -> Pending<'a> {
        (self.start)(repeats, index, record)
    }

    fn deliver(&mut self, index: usize, pristine: bool, read: Option<&RecordView<'a>>, verdict: Verdict<'a>) {
        (self.each)(index, pristine, super::Checked::new(read.map(drop), verdict));
    }
}

/// The answer of [`validate`] as it is written, record by record; the same code for every kind.
#[derive(Default)]
struct AnswerWriter {
    words: Vec<u32>,
    patch_text: PatchText,
    /// The invalid records' items, each with a leading comma.
    invalid: String,
}

impl AnswerWriter {
    /// Notes record `index`: valid as given, patched, or invalid with `issues`.
    #[inline(never)]
    fn record(&mut self, index: usize, pristine: bool, verdict: Result<(), Vec<Issue>>, mut patches: Vec<(usize, Patch)>) {
        let words = &mut self.words;
        match verdict {
            Ok(()) if pristine && patches.is_empty() => words.push(VALID),
            Ok(()) => {
                super::input::sort_small_by_key(&mut patches, |p| p.0);
                words.push(PATCHED);
                words.push(patches.len() as u32);
                for (slot, patch) in &patches {
                    words.push(*slot as u32);
                    let (kind, a, b) = match patch {
                        Patch::Drop => (PatchKind::Drop, 0, 0),
                        Patch::Text(t) => (PatchKind::Text, self.patch_text.offset, self.patch_text.push(t)),
                        Patch::Number(n) => (PatchKind::Number, *n as u32, (*n >> 32) as u32),
                        Patch::Levels(levels) => {
                            let mut json = String::new();
                            push_levels(&mut json, levels);
                            (PatchKind::Levels, self.patch_text.offset, self.patch_text.push(&json))
                        }
                    };
                    words.extend([kind as u32, a, b]);
                }
            }
            Err(issues) => {
                words.push(INVALID);
                write_invalid(&mut self.invalid, index, &issues);
            }
        }
    }

    /// The answer, with the `warnings` items (each with a leading comma).
    fn finish(self, warnings: &str) -> Answer {
        let mut summary = String::from("{\"i\":[");
        // Each item was written with a leading comma.
        summary.push_str(self.invalid.strip_prefix(',').unwrap_or(&self.invalid));
        summary.push_str("],\"w\":[");
        summary.push_str(warnings.strip_prefix(',').unwrap_or(warnings));
        summary.push_str("]}");
        Answer { summary, words: self.words, text: self.patch_text.text }
    }
}

/// Validates the `records` records on the tape with `K`'s rules into a whole report as JSON text:
/// `{ valid, validIndices, invalid: [{ index, input, issues }], warnings }`, the valid records
/// in the wire form and the invalid ones as read ([`push_input`]). For records that exist
/// only on the tape (read from CSV), where there is no caller's object to keep.
pub fn validate_to_json<K: Kind>(text: &str, pieces: &[u32], records: usize) -> Result<String, TapeError>
where
    for<'w> K::Wire<'w>: WriteJson,
{
    // The valid records are most of the report: written in place, the rest appended.
    let mut out = String::with_capacity(text.len() * 2 + 64);
    out.push_str("{\"valid\":[");
    let (mut indices, mut invalid, mut warnings) = (String::new(), String::new(), String::new());
    check_all::<K>(text, pieces, records, &mut |index, _, read, checked| {
        write_warnings(&mut warnings, &checked.warnings);
        match checked.wire {
            Ok(wire) => {
                if !indices.is_empty() {
                    out.push(',');
                }
                wire.write_json(&mut out);
                indices.push(',');
                push_uint(&mut indices, index as u64);
            }
            Err(issues) => {
                invalid.push_str(",{\"index\":");
                push_uint(&mut invalid, index as u64);
                invalid.push_str(",\"input\":");
                match read {
                    Some(view) => push_input(&mut invalid, view, K::FIELDS),
                    None => invalid.push_str("null"),
                }
                invalid.push_str(",\"issues\":");
                push_issues(&mut invalid, &issues);
                invalid.push('}');
            }
        }
    })?;
    for (name, items) in [("validIndices", indices), ("invalid", invalid), ("warnings", warnings)] {
        out.push_str("],\"");
        out.push_str(name);
        out.push_str("\":[");
        // Each item was written with a leading comma.
        out.push_str(items.strip_prefix(',').unwrap_or(&items));
    }
    out.push_str("]}");
    Ok(out)
}

/// A wire record as JSON text, without serde: the validators' module has no other use for
/// serde_json, and the SDK's writes put this text in request bodies. The same text as serde
/// writes, byte for byte (tested).
pub trait WriteJson {
    /// Appends the record as a JSON object.
    fn write_json(&self, out: &mut String);
}

impl WriteJson for WireUser<'_> {
    fn write_json(&self, out: &mut String) {
        // Taken apart so that a new field does not compile until it is written here too.
        let WireUser { id, id_num, first_name, last_name, card_num, credential_key, email, phone, pin, access_effective, access_expires, enabled, accesslevels } = self;
        let mut open = true;
        // The field names are plain identifiers: nothing to escape.
        let mut key = |out: &mut String, name: &str| {
            out.push_str(if std::mem::take(&mut open) { "{\"" } else { ",\"" });
            out.push_str(name);
            out.push_str("\":");
        };
        if let Some(id) = id {
            key(out, "id");
            push_uint(out, *id);
        }
        let texts = [
            ("id_num", id_num),
            ("first_name", first_name),
            ("last_name", last_name),
            ("card_num", card_num),
            ("credential_key", credential_key),
            ("email", email),
            ("phone", phone),
            ("pin", pin),
            ("access_effective", access_effective),
            ("access_expires", access_expires),
            ("enabled", enabled),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                key(out, name);
                push_json_string(out, value);
            }
        }
        if let Some(levels) = accesslevels {
            key(out, "accesslevels");
            push_levels(out, levels);
        }
        if open {
            out.push('{');
        }
        out.push('}');
    }
}

/// The records on the tape as JSON objects, as read (see [`push_input`]).
pub fn inputs_json(text: &str, pieces: &[u32], fields: &[&str]) -> Result<String, TapeError> {
    let mut out = String::with_capacity(text.len() * 2);
    out.push('[');
    read_all(text, pieces, fields, &mut |read, _| {
        let Some((_, _, read)) = read else { return };
        if out.len() > 1 {
            out.push(',');
        }
        match read {
            Some(view) => push_input(&mut out, view, fields),
            None => out.push_str("null"),
        }
    })?;
    out.push(']');
    Ok(out)
}

/// A record as read, as a JSON object: its known fields in field order and its access levels.
/// The tape does not carry the values of unknown keys or of nested objects, so those are left
/// out; the CSV import, the one source that needs this, has neither.
fn push_input(out: &mut String, view: &RecordView, fields: &[&str]) {
    out.push('{');
    let mut first = true;
    let mut key = |out: &mut String, name: &str| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        push_json_string(out, name);
        out.push(':');
    };
    for (slot, value) in view.values.iter().enumerate() {
        if matches!(value, Input::Absent | Input::Opaque(_)) {
            continue;
        }
        key(out, fields.get(slot).copied().unwrap_or_default());
        push_value(out, value);
    }
    if let Levels::List(entries) = &view.levels {
        key(out, "accesslevels");
        out.push('[');
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match entry {
                LevelEntry::Object { id, name, .. } => {
                    out.push('{');
                    let mut sep = "";
                    for (k, v) in [("id", id), ("name", name)] {
                        if !matches!(v, Input::Absent | Input::Opaque(_)) {
                            out.push_str(sep);
                            push_json_string(out, k);
                            out.push(':');
                            push_value(out, v);
                            sep = ",";
                        }
                    }
                    out.push('}');
                }
                LevelEntry::Value(v) => push_value(out, v),
            }
        }
        out.push(']');
    }
    out.push('}');
}

/// A plain value as JSON (`null` for what has no plain form).
fn push_value(out: &mut String, value: &Input) {
    match value {
        Input::Text(t) => push_json_string(out, t),
        Input::Number(n) => out.push_str(n),
        Input::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Input::Absent | Input::Opaque(_) => out.push_str("null"),
    }
}

/// The patches' text, with offsets counted in UTF-16 units as JS strings count them.
#[derive(Default)]
struct PatchText {
    text: String,
    offset: u32,
}

impl PatchText {
    /// Appends `t`; returns its length in UTF-16 units.
    fn push(&mut self, t: &str) -> u32 {
        self.text.push_str(t);
        let len = if t.is_ascii() { t.len() } else { t.encode_utf16().count() } as u32;
        self.offset += len;
        len
    }
}

/// The issues of the one user form on the tape (no checks across records), as a JSON list.
pub fn user_form(text: &str, pieces: &[u32]) -> Result<String, TapeError> {
    let mut reader = Reader { text, at: 0, pieces, next: 0 };
    let (tag, _, count) = reader.piece()?;
    let issues = match tag {
        RECORD => {
            let fields = super::USER_FIELDS;
            let levels_slot = fields.iter().position(|f| *f == "accesslevels");
            let mut view = RecordView::default();
            reader.record(&mut view, fields.len(), levels_slot, count)?;
            super::user_form_issues(&view)
        }
        NOT_OBJECT => vec![super::not_an_object()],
        _ => return Err(TapeError),
    };
    let mut out = String::new();
    push_issues(&mut out, &issues);
    Ok(out)
}

/// Access levels as serde writes them (`{"id":5}`, `{"name":"Staff"}`).
fn push_levels(out: &mut String, levels: &[AccessLevelInput]) {
    out.push('[');
    for (i, level) in levels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        if let Some(id) = level.id {
            out.push_str("\"id\":");
            push_uint(out, id);
        }
        if let Some(name) = &level.name {
            if level.id.is_some() {
                out.push(',');
            }
            out.push_str("\"name\":");
            push_json_string(out, name);
        }
        out.push('}');
    }
    out.push(']');
}

/// `,[index,[issue,...]]`.
fn write_invalid(out: &mut String, index: usize, issues: &[Issue]) {
    out.push_str(",[");
    push_uint(out, index as u64);
    out.push(',');
    push_issues(out, issues);
    out.push(']');
}

/// `[issue,...]`.
fn push_issues(out: &mut String, issues: &[Issue]) {
    out.push('[');
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_issue(out, &issue.field, issue.code, &issue.message, None);
    }
    out.push(']');
}

/// `,{index,field,code,message}` for each warning.
fn write_warnings(out: &mut String, warnings: &[Warning]) {
    for w in warnings {
        out.push(',');
        push_issue(out, &w.field, w.code, &w.message, Some(w.index));
    }
}

fn push_issue(out: &mut String, field: &str, code: IssueCode, message: &str, index: Option<usize>) {
    out.push('{');
    if let Some(index) = index {
        out.push_str("\"index\":");
        push_uint(out, index as u64);
        out.push(',');
    }
    out.push_str("\"field\":");
    push_json_string(out, field);
    out.push_str(",\"code\":\"");
    out.push_str(code.as_str());
    out.push_str("\",\"message\":");
    push_json_string(out, message);
    out.push('}');
}

use super::input::push_uint;

/// `s` as a JSON string, escaped as serde_json escapes it (so a wire record's text is the same
/// whichever writes it).
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    // `bytes[plain..at]` is text still to copy as it is.
    let (mut plain, mut at) = (0, 0);
    while at < bytes.len() {
        // Eight bytes at a time while none of them needs escaping: most text.
        if let Some(word) = bytes.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            if !needs_escape(u64::from_le_bytes(word)) {
                at += 8;
                continue;
            }
        }
        let b = bytes[at];
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(s.get(plain..at).unwrap_or_default());
            plain = at + 1;
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\t' => out.push_str("\\t"),
                b'\r' => out.push_str("\\r"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(HEX[usize::from(b >> 4)] as char);
                    out.push(HEX[usize::from(b & 0xf)] as char);
                }
            }
        }
        at += 1;
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

/// Whether any of the eight bytes of `word` is `"`, `\` or a control character (below 0x20).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below `n` (n <= 0x80) sets its high bit in `(w - n * ONES) & !w`.
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    (below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1) | below(word, 0x20)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeats at every distance around the batches of [`check_all`] (within one, across one
    /// and several) are found as one record at a time finds them: the same invalid records,
    /// with the same issues.
    #[test]
    fn batched_repeats_agree_with_one_record_at_a_time() {
        let count = 5 * BATCH + 7;
        let users: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                // Record i repeats the id_num of record i - d for a distance d that cycles through
                // 1..=2 * BATCH + 1, and every seventh record the email of record 0 in capitals.
                let d = 1 + i % (2 * BATCH + 1);
                let id = if i >= d && i % 3 == 0 { i - d } else { i };
                let email = if i % 7 == 6 { "A0@X.IO".to_owned() } else { format!("a{i}@x.io") };
                serde_json::json!({ "id_num": format!("E{id}"), "email": email, "card_num": format!("{}", 1000 + i % 50) })
            })
            .collect();
        // The tape of those records: string fields only.
        let fields = super::super::USER_FIELDS;
        let (mut text, mut pieces) = (String::new(), Vec::new());
        for user in &users {
            let map = user.as_object().unwrap();
            pieces.extend([RECORD, map.len() as u32]);
            for (key, value) in map {
                let slot = fields.iter().position(|f| f == key).unwrap() as u32;
                let value = value.as_str().unwrap();
                pieces.extend([TEXT | slot << 8, value.len() as u32]);
                text.push_str(value);
            }
        }
        let batched: serde_json::Value = serde_json::from_str(&validate_to_json::<super::super::Users>(&text, &pieces, count).unwrap()).unwrap();
        let one_by_one = super::super::validate_users(&users);
        let issues = |list: &[Issue]| list.iter().map(|i| (i.field.clone(), i.code.as_str().to_owned(), i.message.clone())).collect::<Vec<_>>();
        let expected: Vec<_> = one_by_one.invalid.iter().map(|r| (r.index, issues(&r.issues))).collect();
        let got: Vec<_> = batched["invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let list = r["issues"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| (i["field"].as_str().unwrap().to_owned(), i["code"].as_str().unwrap().to_owned(), i["message"].as_str().unwrap().to_owned()));
                (r["index"].as_u64().unwrap() as usize, list.collect::<Vec<_>>())
            })
            .collect();
        assert!(expected.len() > count / 2, "the input has repeats throughout: {}", expected.len());
        assert_eq!(got, expected);
    }

    #[test]
    fn wire_users_written_as_serde_writes_them() {
        let text = |s: &'static str| Some(Cow::Borrowed(s));
        let level = |id: Option<u64>, name: Option<&str>| AccessLevelInput { id, name: name.map(str::to_owned) };
        let users = [
            WireUser::default(),
            WireUser { id: Some(u64::MAX), ..WireUser::default() },
            WireUser { first_name: text("Ünïcødé \"quoted\" \\ back\u{1}\n\t\r\u{8}\u{c}\u{1f}\u{7f} 🎉"), accesslevels: Some(Vec::new()), ..WireUser::default() },
            WireUser {
                id: Some(4432),
                id_num: text("ABC123"),
                first_name: text("Toby"),
                last_name: text(""),
                card_num: text("8769"),
                credential_key: text("k"),
                email: text("toby@web.place"),
                phone: text("+1 555"),
                pin: text("1234"),
                access_effective: text("2024-01-01 00:00:00"),
                access_expires: text(""),
                enabled: text("true"),
                accesslevels: Some(vec![level(Some(5), None), level(None, Some("Night \"shift\"")), level(Some(6), Some("both")), level(None, None)]),
            },
        ];
        for user in users {
            let mut ours = String::new();
            user.write_json(&mut ours);
            // Byte for byte: the writes send this text as the record's part of a request body.
            assert_eq!(ours, serde_json::to_string(&user).unwrap(), "{user:?}");
        }
    }

    #[test]
    fn strings_escaped_as_serde_escapes_them() {
        // Each character that needs escaping (and some that do not) at every position of
        // strings long and short, between ASCII and multibyte text.
        let specials = ['"', '\\', '\n', '\t', '\r', '\u{8}', '\u{c}', '\u{0}', '\u{1f}', ' ', '\u{7f}', 'é', '🎉', '!', '#', '\u{80}'];
        for len in 0..20 {
            for at in 0..=len {
                for c in specials {
                    for filler in ["a", "ü"] {
                        let text: String = (0..len).map(|i| if i == at { c.to_string() } else { filler.to_string() }).collect();
                        let mut ours = String::new();
                        push_json_string(&mut ours, &text);
                        assert_eq!(ours, serde_json::to_string(&text).unwrap(), "{text:?}");
                    }
                }
            }
        }
    }

    /// Times a tape dumped from the JS walk: `LOCKT_TAPE=/tmp/tape cargo test --release
    /// -p lockt-secureaccess tape_from_file -- --ignored --nocapture` (reads .txt and .bin).
    #[test]
    #[ignore]
    fn tape_from_file() {
        let Ok(base) = std::env::var("LOCKT_TAPE") else { return };
        let text = std::fs::read_to_string(format!("{base}.txt")).unwrap();
        let bytes = std::fs::read(format!("{base}.bin")).unwrap();
        let pieces: Vec<u32> = bytes.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let runs = std::env::var("LOCKT_TAPE_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
        for _ in 0..runs {
            let start = std::time::Instant::now();
            // A guess at the record count: the table of repeats grows when it is low.
            let out = validate::<super::super::Users>(&text, &pieces, pieces.len() / 30).unwrap();
            println!("{:?} {} + {} bytes out", start.elapsed(), out.summary.len(), out.text.len());
        }
    }
}
