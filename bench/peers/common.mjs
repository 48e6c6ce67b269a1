// What the three peer validators share: the rules that are plain JavaScript in any
// hand-written SDK (the HTML spec's e-mail regex, the date forms, the report with duplicates
// across records and unknown-field warnings), so that each peer does the same work as
// validateUsers: JS objects in, { valid, validIndices, invalid, warnings } out.

/** The WHATWG HTML "valid e-mail address" (zod ships the same as z.regexes.html5Email). */
export const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** No C0/C1 control characters (names, id_num). */
export const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
export const DIGITS = /^\d*$/;
export const PHONE = /^$|^[\d +\-().\/]*\d[\d +\-().\/]*(\s*([xX]|[eE][xX][tT]\.?)\s*\d+)?$/;

/** `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS(.sss)(Z)` or `YYYY-MM-DD`. */
const DATE_FORMS = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})|T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The wire form `YYYY-MM-DD HH:MM:SS` of a date in an accepted form, "" for blank, or null when invalid. */
export function normalizeDate(text) {
  const s = text.trim();
  if (s === "") return "";
  const m = DATE_FORMS.exec(s);
  if (!m) return null;
  const year = +m[1], month = +m[2], day = +m[3];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month - 1])) return null;
  const hh = m[4] ?? m[7] ?? "00", mm = m[5] ?? m[8] ?? "00", ss = m[6] ?? m[9] ?? "00";
  if (+hh > 23 || +mm > 59 || +ss > 59) return null;
  return `${m[1]}-${m[2]}-${m[3]} ${hh}:${mm}:${ss}`;
}

export const USER_FIELDS = new Set([
  "id", "id_num", "first_name", "last_name", "card_num", "credential_key", "email", "phone", "pin",
  "access_effective", "access_expires", "enabled", "accesslevels",
]);

/** Drops null and undefined fields (null means absent, as in validateUsers). */
export function clean(record) {
  for (const key in record) if (record[key] == null) delete record[key];
  return record;
}

const keyText = (v) => (v == null ? "" : String(v).trim());

/**
 * Runs `check(input)` -> `{ value }` or `{ issues: [{ field, code, message }] }` over every
 * record, then adds unknown-field warnings and duplicates of id_num, email (case-insensitive)
 * and card_num across records, and builds the report.
 */
export function report(users, check) {
  const valid = [], validIndices = [], invalid = [], warnings = [];
  const seen = new Map();
  for (let index = 0; index < users.length; index++) {
    const input = users[index];
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      invalid.push({ index, input, issues: [{ field: "", code: "not_an_object", message: "Record is not a JSON object" }] });
      continue;
    }
    for (const key in input) {
      if (!USER_FIELDS.has(key)) warnings.push({ index, field: key, code: "unknown_field", message: `Unknown field dropped: ${key}` });
    }
    const result = check(input);
    const issues = result.issues ?? [];
    const source = result.value ?? input; // keys of invalid records still count as seen
    for (const [field, key] of [
      ["id_num", keyText(source.id_num)],
      ["email", keyText(source.email).toLowerCase()],
      ["card_num", keyText(source.card_num)],
    ]) {
      if (key === "") continue;
      const mapKey = `${field}\u0000${key}`;
      const first = seen.get(mapKey);
      if (first === undefined) seen.set(mapKey, index);
      else issues.push({ field, code: "duplicate", message: `Duplicate ${field} ${key}: also in record ${first}` });
    }
    if (issues.length) invalid.push({ index, input, issues });
    else {
      valid.push(clean(result.value));
      validIndices.push(index);
    }
  }
  return { valid, validIndices, invalid, warnings };
}
