// The offline validators: a thin walk over the caller's records that hands every field to
// the core once, on the field tape (rules/src/validate/tape.rs documents it), and turns the core's
// compact answer into the report. The rules all live in the core; this file only moves data.
//
// Records are read the way JSON.stringify reads them (toJSON, boxed primitives, NaN and
// Infinity as null, undefined/function/symbol values left out), so the verdicts are those of
// the JSON form. A valid record that is already in the wire form comes back as the very same
// object; any other valid record comes back as a new object in the wire form. An invalid
// record's `input` is the caller's own object. Plain ESM; scripts/build.mjs derives the
// CommonJS twin (validators.cjs) from this file.

// Piece tags: the same numbers as rules/src/validate/tape.rs.
const RECORD = 1;
const NOT_OBJECT = 2;
const TEXT = 3;
const NUMBER = 4;
const TRUE = 5;
const FALSE = 6;
const NULL = 7;
const OBJECT = 8;
const ARRAY = 9;
const UNKNOWN = 10;
const SKIPPED = 11;
const LEVELS = 12;
const LEVEL = 13;
const LEVEL_ID = 14;
const LEVEL_NAME = 15;

// Record statuses and patch kinds of the answer: the same numbers as rules/src/validate/tape.rs.
const VALID = 0;
const PATCHED = 1;
const DROP = 0;
const PATCH_TEXT = 1;
const PATCH_NUMBER = 2;

/**
 * The value JSON.stringify would write for `value` under `key` (a property name, or an array
 * index as a number: made a string only for a `toJSON` that receives it).
 */
function jsonValue(value, key) {
  if (value !== null && (typeof value === "object" || typeof value === "bigint") && typeof value.toJSON === "function") {
    value = value.toJSON(String(key));
  }
  if (value !== null && typeof value === "object") {
    if (value instanceof Number) return Number(value);
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
  }
  return value;
}

/** Whether JSON leaves the value out (of an object) or writes null (in an array). */
function invisible(value) {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/**
 * How deep a value inside a record may nest: the JSON reading of records (serde_json) stops
 * at 128 levels, two of which are the list of records and the record itself.
 */
const MAX_NESTING = 126;

/** Throws where JSON.stringify would (a BigInt, a cycle) or where the nesting is too deep. */
function assertJson(value) {
  JSON.stringify(value);
  if (value === null || typeof value !== "object") return;
  const stack = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop();
    if (depth > MAX_NESTING) throw new Error(`nested more than ${MAX_NESTING} levels deep`);
    for (const inner of Array.isArray(item) ? item : Object.values(item)) {
      if (inner !== null && typeof inner === "object") stack.push([inner, depth + 1]);
    }
  }
}

const encoder = new TextEncoder();

/**
 * A plain object (its prototype is `Object.prototype`, as for `{}`) made by a constructor, so
 * that V8 sizes it for the fields a rebuilt record gets instead of growing a property store
 * for each record field by field.
 */
function WireRecord() {}
WireRecord.prototype = Object.prototype;

/**
 * A growable list of pieces (two u32 words each) and their text as UTF-8, both written
 * straight into buffers in the core's memory (no joined string, no copy, no garbage).
 */
class Tape {
  constructor(core, records, words, bytes, withFields) {
    this.core = core;
    /**
     * With `withFields`, by record, a bit for each known field it has (bit `slot`), for the
     * validators' rebuild of normalised records (the writes do not need it).
     */
    this.present = withFields ? new Uint32Array(records) : null;
    this.length = 0;
    this.used = 0;
    this.wordsAt = core.tapeReservePieces(0, Math.max(64, words));
    this.wordsCap = Math.max(64, words);
    this.bytesAt = core.tapeReserve(0, Math.max(1024, bytes));
    this.bytesCap = Math.max(1024, bytes);
    this.view();
  }

  /** The views of both buffers (again after a reserve: the core's memory may have grown). */
  view() {
    const { buffer } = this.core.tapeMemory();
    this.words = new Uint32Array(buffer, this.wordsAt, this.wordsCap);
    this.bytes = new Uint8Array(buffer, this.bytesAt, this.bytesCap);
  }

  /** Makes room for `more` bytes after those written (the core may move the buffer). */
  reserve(more) {
    this.bytesAt = this.core.tapeReserve(this.used, more);
    this.bytesCap = this.used + more;
    this.view();
  }

  /** Appends a piece; returns its position (to fill in a count later). */
  push(tag, slot, len) {
    if (this.length + 2 > this.wordsCap) {
      this.wordsAt = this.core.tapeReservePieces(this.length, this.wordsCap);
      this.wordsCap += this.length;
      this.view();
    }
    const at = this.length;
    this.words[at] = tag | (slot << 8);
    this.words[at + 1] = len;
    this.length = at + 2;
    return at;
  }

  pushText(tag, slot, text) {
    const n = text.length;
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    if (this.used + 3 * n > this.bytes.length) this.reserve(Math.max(this.bytes.length, 3 * n));
    const bytes = this.bytes;
    let at = this.used;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[at++] = c;
    }
    if (i < n) at += encoder.encodeInto(i ? text.slice(i) : text, bytes.subarray(at)).written;
    this.push(tag, slot, at - this.used);
    this.used = at;
  }

  /** A plain value, or an opaque object/array; false when JSON would leave it out. */
  value(value, slot) {
    switch (typeof value) {
      case "string":
        this.pushText(TEXT, slot, value);
        return true;
      case "number":
        if (Number.isFinite(value)) this.pushText(NUMBER, slot, String(value));
        else this.push(NULL, slot, 0);
        return true;
      case "boolean":
        this.push(value ? TRUE : FALSE, slot, 0);
        return true;
      case "bigint":
        assertJson(value);
        return true;
      case "object":
        if (value === null) {
          this.push(NULL, slot, 0);
        } else {
          assertJson(value);
          this.push(Array.isArray(value) ? ARRAY : OBJECT, slot, 0);
        }
        return true;
      default:
        return false;
    }
  }

  /** One `accesslevels` entry. */
  level(entry) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      if (!this.value(entry, 0)) this.push(NULL, 0, 0);
      return;
    }
    const at = this.push(LEVEL, 0, 0);
    let keys = 0;
    for (const key of Object.keys(entry)) {
      const value = jsonValue(entry[key], key);
      if (invisible(value)) continue;
      keys += 1;
      if (key === "id" || key === "name") {
        this.push(key === "id" ? LEVEL_ID : LEVEL_NAME, 0, 0);
        this.value(value, 0);
      } else {
        if (typeof value === "object" || typeof value === "bigint") assertJson(value);
        this.pushText(UNKNOWN, 0, key);
      }
    }
    this.words[at + 1] = keys;
  }

  /** One record: a RECORD piece with the count of the pieces that follow it. */
  record(given, index, slots, levelsSlot) {
    const record = jsonValue(given, index);
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      if (typeof record === "bigint" || (Array.isArray(record) && record.length)) assertJson(record);
      this.push(NOT_OBJECT, 0, 0);
      return;
    }
    const at = this.push(RECORD, 0, 0);
    let pieces = 0;
    let present = 0;
    // A record seen through toJSON or a boxed value is not the caller's object as sent.
    if (record !== given) {
      this.push(SKIPPED, 0, 0);
      pieces += 1;
    }
    for (const key of Object.keys(record)) {
      const raw = record[key];
      const value = jsonValue(raw, key);
      pieces += 1;
      if (invisible(value)) {
        this.push(SKIPPED, 0, 0);
        continue;
      }
      const slot = slots.get(key);
      if (slot === undefined) {
        if (typeof value === "object" || typeof value === "bigint") assertJson(value);
        this.pushText(UNKNOWN, 0, key);
        continue;
      }
      if (value !== raw) {
        this.push(SKIPPED, 0, 0);
        pieces += 1;
      }
      present |= 1 << slot;
      if (slot === levelsSlot && Array.isArray(value)) {
        this.push(LEVELS, slot, value.length);
        for (let i = 0; i < value.length; i++) this.level(jsonValue(value[i], i));
      } else {
        this.value(value, slot);
      }
    }
    this.words[at + 1] = pieces;
    if (this.present) this.present[index] = present;
  }
}

/**
 * The validators over a loaded core (its guarded exports). `LocktError` is the package's
 * error class, for the argument errors raised here.
 */
export function makeValidators(core, LocktError) {
  const kinds = new Map();

  /** The field names and slots of a record kind, read from the core once. */
  function kindOf(name) {
    let kind = kinds.get(name);
    if (!kind) {
      const fields = core.tapeFields(name === "userForm" ? "users" : name).split(",");
      kind = { name, fields, slots: new Map(fields.map((f, i) => [f, i])), levelsSlot: fields.indexOf("accesslevels") };
      kinds.set(name, kind);
    }
    return kind;
  }

  // The tape's buffers are the core's, one set: a validator or a write called again from inside
  // the walk (by a record's toJSON or getter) would write over them.
  let walking = false;

  /**
   * Writes `records` of the kind `kindName` on the tape, into the core's buffers; returns
   * `{ length, words, records, present }`: the text's length in bytes, the pieces' length in
   * words, the record count and, with `withFields`, each record's field bits (`Tape.present`).
   * `what` names the records in errors.
   */
  function writeTape(kindName, records, what, withFields = false) {
    if (walking) throw new LocktError(`${what} cannot be validated from inside a toJSON or getter of records being validated`, { kind: "config" });
    walking = true;
    try {
      const kind = kindOf(kindName);
      const tape = new Tape(core, records.length, records.length * 2 * (kind.fields.length + 2), records.length * 128, withFields);
      try {
        for (let i = 0; i < records.length; i++) tape.record(records[i], i, kind.slots, kind.levelsSlot);
      } catch (error) {
        // What JSON.stringify would throw on: a BigInt, a cycle, a throwing getter or toJSON.
        throw new LocktError(`${what} cannot be read as JSON: ${error?.message ?? error}`, { kind: "config", cause: error });
      }
      return { length: tape.used, words: tape.length, records: records.length, present: tape.present };
    } finally {
      walking = false;
    }
  }

  function runTape(kindName, records, what) {
    const { length, words, present } = writeTape(kindName, records, what, true);
    const summary = JSON.parse(core.validateTape(kindName, length, words, records.length));
    return kindName === "userForm" ? summary : { ...summary, words: core.takeTapeWords(), text: core.takeTapeText(), present };
  }

  /**
   * A valid record in the wire form: the caller's values with the core's patches, which
   * start at `words[at]` (their count) and come in field order. `present` has a bit for each
   * known field the walk found in the record (see `Tape.present`).
   */
  function rebuild(given, index, fields, words, at, text, present) {
    const record = jsonValue(given, index);
    let next = at + 1;
    const end = next + 4 * words[at];
    const out = new WireRecord();
    let slots = present;
    for (let p = next; p < end; p += 4) slots |= 1 << words[p];
    // The fields given or patched, in field order (lowest bit first).
    while (slots !== 0) {
      const low = slots & -slots;
      slots ^= low;
      const slot = 31 - Math.clz32(low);
      let value;
      if (next < end && words[next] === slot) {
        const kind = words[next + 1];
        const a = words[next + 2];
        const b = words[next + 3];
        value = kind === DROP ? null : kind === PATCH_TEXT ? text.slice(a, a + b) : kind === PATCH_NUMBER ? a + b * 2 ** 32 : JSON.parse(text.slice(a, a + b));
        next += 4;
      } else {
        value = jsonValue(record[fields[slot]], fields[slot]);
      }
      // null, and what JSON writes as null (NaN, Infinity), is an absent field.
      if (value !== null && !invisible(value) && !(typeof value === "number" && !Number.isFinite(value))) out[fields[slot]] = value;
    }
    return out;
  }

  function validator(kindName, what) {
    return function validate(records) {
      if (!Array.isArray(records)) throw new LocktError(`${what} must be an array of records`, { kind: "config" });
      const { fields } = kindOf(kindName);
      const answer = runTape(kindName, records, what);
      const { words, text } = answer;
      const valid = [];
      const validIndices = [];
      const invalid = [];
      let at = 0;
      let bad = 0;
      for (let i = 0; i < records.length; i++) {
        const status = words[at++];
        if (status === VALID) {
          valid.push(records[i]);
          validIndices.push(i);
        } else if (status === PATCHED) {
          valid.push(rebuild(records[i], i, fields, words, at, text, answer.present[i]));
          validIndices.push(i);
          at += 1 + 4 * words[at];
        } else {
          invalid.push({ index: i, input: records[i], issues: answer.i[bad++][1] });
        }
      }
      return { valid, validIndices, invalid, warnings: answer.w };
    };
  }

  /** The issues of one user form, by field (`{}` when valid). */
  function validateUser(user) {
    if (user === undefined) throw new LocktError("user is missing", { kind: "config" });
    const byField = {};
    for (const issue of runTape("userForm", [user], "user")) (byField[issue.field] ??= []).push(issue);
    return byField;
  }

  /** Consecutive blocks of at most `size` records (default 100, the API's limit), the very same objects. */
  function planBatches(records, size = 100) {
    if (!Array.isArray(records)) throw new LocktError("records must be an array", { kind: "config" });
    if (!(Number.isInteger(size) && size >= 1)) throw new LocktError("size must be a positive integer", { kind: "config" });
    const out = [];
    for (let start = 0; start < records.length; start += size) out.push(records.slice(start, start + size));
    return out;
  }

  return {
    validateUsers: validator("users", "users"),
    validateFobs: validator("fobs", "fobs"),
    validateFobAssignments: validator("fobAssignments", "assignments"),
    validateDoors: validator("doors", "doors"),
    validateUser,
    planBatches,
    writeTape,
  };
}
