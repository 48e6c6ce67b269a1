// The user rules with valibot.
import * as v from "valibot";
import { DIGITS, EMAIL, NO_CONTROL, PHONE, normalizeDate, report } from "./common.mjs";

const opt = (schema) => v.nullish(schema);
const text = (max) => opt(v.pipe(v.string(), v.trim(), v.maxLength(max), v.regex(NO_CONTROL)));
const numberish = v.pipe(
  v.union([v.string(), v.pipe(v.number(), v.integer(), v.minValue(0))]),
  v.transform((x) => String(x).trim()),
);
const digits = (max) => opt(v.pipe(numberish, v.maxLength(max), v.regex(DIGITS)));
const date = opt(
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const wire = normalizeDate(dataset.value);
      if (wire === null) {
        addIssue({ message: `Invalid date found: ${dataset.value}` });
        return NEVER;
      }
      return wire;
    }),
  ),
);

export const userSchema = v.pipe(
  v.object({
    id: opt(v.pipe(v.number(), v.integer(), v.minValue(1))),
    id_num: opt(v.pipe(numberish, v.maxLength(64), v.regex(NO_CONTROL))),
    first_name: text(100),
    last_name: text(100),
    card_num: digits(32),
    credential_key: text(64),
    email: opt(v.pipe(v.string(), v.trim(), v.maxLength(254), v.regex(new RegExp(`^$|${EMAIL.source}`)))),
    phone: opt(v.pipe(numberish, v.maxLength(32), v.regex(PHONE))),
    pin: digits(16),
    access_effective: date,
    access_expires: date,
    enabled: opt(v.pipe(v.union([v.boolean(), v.picklist(["true", "false"])]), v.transform(String))),
    accesslevels: opt(
      v.array(
        v.union([
          v.object({ id: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
          v.object({ name: v.pipe(v.string(), v.trim(), v.minLength(1)) }),
        ]),
      ),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const u = dataset.value;
    if (!u.first_name && !u.last_name && !u.id_num) {
      addIssue({ message: "User requires first_name, last_name or id_num", path: [{ type: "object", origin: "value", input: u, key: "first_name", value: u.first_name }] });
    }
    if (u.access_effective && u.access_expires && u.access_effective > u.access_expires) {
      addIssue({ message: "access_effective is after access_expires", path: [{ type: "object", origin: "value", input: u, key: "access_effective", value: u.access_effective }] });
    }
  }),
);

function check(input) {
  const r = v.safeParse(userSchema, input);
  if (r.success) return { value: r.output };
  return { issues: r.issues.map((i) => ({ field: String(i.path?.[0]?.key ?? ""), code: i.type, message: i.message })) };
}

export const validateUsers = (users) => report(users, check);

/** Only the schema's verdict per record (no report, no duplicates): the invalid count. */
export const validateOnly = (users) => users.reduce((bad, user) => bad + (v.safeParse(userSchema, user).success ? 0 : 1), 0);
