// The user rules with zod 4.
import { z } from "zod";
import { DIGITS, EMAIL, NO_CONTROL, PHONE, normalizeDate, report } from "./common.mjs";

const text = (max) => z.string().trim().max(max).regex(NO_CONTROL).nullish();
const numberish = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v).trim());
const digits = (max) => numberish.pipe(z.string().max(max).regex(DIGITS)).nullish();
const date = z
  .string()
  .transform((s, ctx) => {
    const wire = normalizeDate(s);
    if (wire === null) {
      ctx.issues.push({ code: "custom", message: `Invalid date found: ${s}`, input: s });
      return z.NEVER;
    }
    return wire;
  })
  .nullish();

export const userSchema = z
  .object({
    id: z.number().int().positive().nullish(),
    id_num: numberish.pipe(z.string().max(64).regex(NO_CONTROL)).nullish(),
    first_name: text(100),
    last_name: text(100),
    card_num: digits(32),
    credential_key: text(64),
    email: z.string().trim().max(254).regex(new RegExp(`^$|${EMAIL.source}`)).nullish(),
    phone: numberish.pipe(z.string().max(32).regex(PHONE)).nullish(),
    pin: digits(16),
    access_effective: date,
    access_expires: date,
    enabled: z.union([z.boolean(), z.enum(["true", "false"])]).transform(String).nullish(),
    accesslevels: z
      .array(z.union([z.object({ id: z.number().int().positive() }), z.object({ name: z.string().trim().min(1) })]))
      .nullish(),
  })
  .superRefine((u, ctx) => {
    if (!u.first_name && !u.last_name && !u.id_num) {
      ctx.addIssue({ code: "custom", path: ["first_name"], message: "User requires first_name, last_name or id_num" });
    }
    if (u.access_effective && u.access_expires && u.access_effective > u.access_expires) {
      ctx.addIssue({ code: "custom", path: ["access_effective"], message: "access_effective is after access_expires" });
    }
  });

function check(input) {
  const r = userSchema.safeParse(input);
  if (r.success) return { value: r.data };
  return { issues: r.error.issues.map((i) => ({ field: String(i.path[0] ?? ""), code: i.code, message: i.message })) };
}

export const validateUsers = (users) => report(users, check);

/** Only the schema's verdict per record (no report, no duplicates): the invalid count. */
export const validateOnly = (users) => users.reduce((bad, user) => bad + (userSchema.safeParse(user).success ? 0 : 1), 0);
