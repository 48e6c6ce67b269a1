// The user rules with ajv 8 + ajv-formats (JSON Schema for the fields, formats for the
// dates; the cross-field date order and the normalisation to the wire form are JS).
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { EMAIL, NO_CONTROL, PHONE, normalizeDate, report } from "./common.mjs";

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats(ajv, ["date", "iso-date-time"]);

const text = (max) => ({ type: ["string", "null"], maxLength: max, pattern: NO_CONTROL.source });
const digits = (max) => ({
  anyOf: [{ type: "string", maxLength: max, pattern: "^\\s*\\d*\\s*$" }, { type: "integer", minimum: 0 }, { type: "null" }],
});
const date = {
  anyOf: [
    { type: "null" },
    { type: "string", pattern: "^\\s*$" },
    { type: "string", pattern: "^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$", format: "date" },
    { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2}|T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z?)$", format: "iso-date-time" },
  ],
};
const named = (field) => ({ required: [field], properties: { [field]: { type: ["string", "number"], pattern: "\\S" } } });

export const userSchema = {
  type: "object",
  properties: {
    id: { type: ["integer", "null"], minimum: 1 },
    id_num: { type: ["string", "integer", "null"], maxLength: 64, pattern: NO_CONTROL.source },
    first_name: text(100),
    last_name: text(100),
    card_num: digits(32),
    credential_key: text(64),
    email: { type: ["string", "null"], maxLength: 254, pattern: `^\\s*$|${EMAIL.source}` },
    phone: { type: ["string", "integer", "null"], maxLength: 32, pattern: PHONE.source },
    pin: digits(16),
    access_effective: date,
    access_expires: date,
    enabled: { enum: [true, false, "true", "false", null] },
    accesslevels: {
      type: ["array", "null"],
      items: {
        anyOf: [
          { type: "object", required: ["id"], properties: { id: { type: "integer", minimum: 1 } } },
          { type: "object", required: ["name"], properties: { name: { type: "string", pattern: "\\S" } } },
        ],
      },
    },
  },
  anyOf: [named("first_name"), named("last_name"), named("id_num")],
};
const validate = ajv.compile(userSchema);

const str = (x) => (x == null ? x : String(x).trim());

function check(input) {
  const ok = validate(input);
  const issues = ok
    ? []
    : validate.errors.map((e) => ({
        field: e.instancePath.split("/")[1] ?? (e.keyword === "anyOf" ? "first_name" : ""),
        code: e.keyword,
        message: e.message,
      }));
  if (!ok) return { issues };
  // The wire form.
  const value = {
    id: input.id,
    id_num: str(input.id_num),
    first_name: str(input.first_name),
    last_name: str(input.last_name),
    card_num: str(input.card_num),
    credential_key: str(input.credential_key),
    email: str(input.email),
    phone: str(input.phone),
    pin: str(input.pin),
    access_effective: input.access_effective == null ? undefined : normalizeDate(input.access_effective),
    access_expires: input.access_expires == null ? undefined : normalizeDate(input.access_expires),
    enabled: input.enabled == null ? undefined : String(input.enabled),
    accesslevels: input.accesslevels?.map((l) => (l.id !== undefined ? { id: l.id } : { name: l.name.trim() })),
  };
  if (value.access_effective && value.access_expires && value.access_effective > value.access_expires) {
    return { issues: [{ field: "access_effective", code: "date_order", message: "access_effective is after access_expires" }] };
  }
  return { value };
}

export const validateUsers = (users) => report(users, check);

/** Only the compiled schema's verdict per record (no normalisation, no duplicates): the invalid count. */
export const validateOnly = (users) => users.reduce((bad, user) => bad + (validate(user) ? 0 : 1), 0);
