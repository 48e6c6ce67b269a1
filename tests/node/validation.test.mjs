// The offline functions through the packed package (issue 4): validateUsers, validateFobs,
// validateFobAssignments, validateDoors, validateUser, planBatches, parseUsersCsv, and the
// Standard Schema objects, through both the ESM and the CommonJS entries.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { importPackage, requirePackage } from "../support/pkg.mjs";

const sdk = await importPackage();
const cjs = requirePackage();
const { LocktError, validateUsers, validateFobs, validateFobAssignments, validateDoors, validateUser, planBatches, parseUsersCsv } = sdk;

/** The reference's bad user (API reference, "Error Response" example). */
const REFERENCE_BAD = {
  id: 17,
  id_num: "qjwi-880329359",
  first_name: "Rhea",
  last_name: "Greswell",
  card_num: "A8914",
  email: "rgreswell0@@@@gravatar.com",
  phone: "8184365134",
  access_effective: "2022-01-24 00:00:00",
  access_expires: "2022-10-29 00:00:00",
  pin: "0986",
  enabled: false,
  accesslevels: [{ id: 574 }],
};

/** [field, code] of every issue of the one invalid record of a report. */
const codes = (report, i = 0) => report.invalid[i].issues.map((x) => [x.field, x.code]);

/** Every index exactly once across valid and invalid. */
function assertPartition(report, n) {
  const seen = [...report.validIndices, ...report.invalid.map((r) => r.index)].sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
  assert.equal(report.valid.length, report.validIndices.length);
}

describe("validateUsers", () => {
  test("the reference's bad record gets the reference's messages, all at once", () => {
    const r = validateUsers([REFERENCE_BAD]);
    assert.equal(r.valid.length, 0);
    assert.equal(r.invalid[0].index, 0);
    assert.deepEqual(r.invalid[0].input, REFERENCE_BAD);
    assert.deepEqual(
      r.invalid[0].issues.map((x) => x.message),
      ["Non-Numeric card_num found: A8914", "Invalid email address found: rgreswell0@@@@gravatar.com"],
    );
    assert.deepEqual(codes(r), [["card_num", "not_numeric"], ["email", "invalid_email"]]);
  });

  test("valid records come back in the wire form, with their input indices", () => {
    const good = { ...REFERENCE_BAD, id_num: "qjwi-1", card_num: "8914", email: " rgreswell1@gravatar.com " };
    const r = validateUsers([REFERENCE_BAD, good]);
    assertPartition(r, 2);
    assert.deepEqual(r.validIndices, [1]);
    const wire = r.valid[0];
    assert.equal(wire.card_num, "8914");
    assert.equal(wire.email, "rgreswell1@gravatar.com");
    assert.equal(wire.first_name, "Rhea");
    assert.deepEqual(wire.accesslevels, [{ id: 574 }]);
  });

  test("pin digits only, dates real and in order, a name required", () => {
    const r = validateUsers([
      { first_name: "A", pin: "12a4" },
      { first_name: "B", access_effective: "2023-02-30" },
      { first_name: "C", access_effective: "2024-05-01", access_expires: "2024-04-01" },
      { phone: "123" },
      { first_name: "E", accesslevels: [{ id: -3 }] },
      { first_name: "F", enabled: "maybe" },
    ]);
    assert.equal(r.valid.length, 0);
    assert.deepEqual(codes(r, 0), [["pin", "not_numeric"]]);
    assert.equal(r.invalid[0].issues[0].message, "Non-Numeric pin found: 12a4");
    assert.deepEqual(codes(r, 1), [["access_effective", "invalid_date"]]);
    assert.deepEqual(codes(r, 2), [["access_effective", "date_order"]]);
    assert.deepEqual(codes(r, 3), [["first_name", "required"]]);
    assert.deepEqual(codes(r, 4), [["accesslevels", "not_positive_integer"]]);
    assert.deepEqual(codes(r, 5), [["enabled", "invalid_boolean"]]);
  });

  test("id_num, email (any case) and card_num must not repeat within the input", () => {
    const r = validateUsers([
      { id_num: "E1", email: "a@b.c", card_num: "1" },
      { id_num: "E1", first_name: "x" },
      { first_name: "y", email: "A@B.C" },
      { first_name: "z", card_num: "1" },
      { first_name: "ok", id_num: "E2" },
    ]);
    assertPartition(r, 5);
    assert.deepEqual(r.validIndices, [0, 4]);
    assert.deepEqual(codes(r, 0), [["id_num", "duplicate"]]);
    assert.deepEqual(codes(r, 1), [["email", "duplicate"]]);
    assert.deepEqual(codes(r, 2), [["card_num", "duplicate"]]);
  });

  test("non-objects, too-long values and unknown fields", () => {
    const r = validateUsers([null, 7, { first_name: "x".repeat(101) }, { first_name: "ok", shoe_size: 42 }]);
    assertPartition(r, 4);
    assert.deepEqual(codes(r, 0), [["", "not_an_object"]]);
    assert.deepEqual(codes(r, 1), [["", "not_an_object"]]);
    assert.deepEqual(codes(r, 2), [["first_name", "too_long"]]);
    assert.deepEqual(r.validIndices, [3]);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].code, "unknown_field");
    assert.equal("shoe_size" in r.valid[0], false);
  });

  test("not an array is a LocktError of kind config", () => {
    assert.throws(() => validateUsers({ first_name: "x" }), (e) => e instanceof LocktError && e.kind === "config");
  });

  test("a validator called from inside a record's toJSON is refused, and the next call works", () => {
    // The walk writes into the core's one set of tape buffers: a nested call would write
    // over them while the outer walk still holds views onto them.
    const records = Array.from({ length: 300 }, (_, i) => ({ first_name: `u${i}`, card_num: String(i) }));
    records[150] = { toJSON: () => ({ first_name: `nested ${validateDoors([{ name: "Door" }]).valid.length}` }) };
    assert.throws(
      () => validateUsers(records),
      (e) => e instanceof LocktError && e.kind === "config" && /from inside a toJSON/.test(e.message),
    );
    records[150] = { first_name: "plain" };
    const r = validateUsers(records);
    assert.equal(r.valid.length, 300);
    assert.deepEqual(r.valid[299], { first_name: "u299", card_num: "299" });
  });
});

describe("validateFobs, validateFobAssignments, validateDoors", () => {
  test("fobs: card_num digits and required, a name or id_num, no repeated cards", () => {
    const r = validateFobs([
      { name: "Fob A", card_num: "5678" },
      { name: "Fob B", card_num: "56x8" },
      { card_num: "9999" },
      { name: "Fob C" },
      { name: "Fob D", card_num: "5678" },
    ]);
    assertPartition(r, 5);
    assert.deepEqual(r.validIndices, [0]);
    assert.deepEqual(r.valid[0], { name: "Fob A", card_num: "5678" });
    assert.deepEqual(codes(r, 0), [["card_num", "not_numeric"]]);
    assert.deepEqual(codes(r, 1), [["name", "required"]]);
    assert.deepEqual(codes(r, 2), [["card_num", "required"]]);
    assert.deepEqual(codes(r, 3), [["card_num", "duplicate"]]);
  });

  test("fob assignments: id and user_id positive integers, sent as digit text", () => {
    const r = validateFobAssignments([{ id: 613297, user_id: 613188 }, { id: 0, user_id: 1 }, { id: 5 }]);
    assertPartition(r, 3);
    assert.deepEqual(r.validIndices, [0]);
    assert.equal(String(r.valid[0].id), "613297");
    assert.equal(String(r.valid[0].user_id), "613188");
    assert.equal(r.invalid[0].issues[0].field, "id");
    assert.deepEqual(codes(r, 1), [["user_id", "required"]]);
  });

  test("doors: name present, trimmed, not repeated (case-insensitively or not, as documented)", () => {
    const r = validateDoors([{ name: " Front Door " }, { name: "   " }, {}, { name: "Front Door" }]);
    assertPartition(r, 4);
    assert.deepEqual(r.validIndices, [0]);
    assert.deepEqual(r.valid[0], { name: "Front Door" });
    assert.deepEqual(codes(r, 0), [["name", "required"]]);
    assert.equal(r.invalid[0].issues[0].message, "Door name is required");
    assert.deepEqual(codes(r, 1), [["name", "required"]]);
    assert.deepEqual(codes(r, 2), [["name", "duplicate"]]);
  });
});

describe("validateUser", () => {
  test("issues by field, {} when valid", () => {
    assert.deepEqual(validateUser({ first_name: "Ann" }), {});
    const byField = validateUser(REFERENCE_BAD);
    assert.deepEqual(Object.keys(byField).sort(), ["card_num", "email"]);
    assert.equal(byField.card_num[0].message, "Non-Numeric card_num found: A8914");
    assert.equal(byField.email[0].code, "invalid_email");
  });

  test("a half-typed form: every field's issues at once", () => {
    const byField = validateUser({ email: "ann@", pin: "12 3", access_expires: "2024-13-01" });
    assert.deepEqual(Object.keys(byField).sort(), ["access_expires", "email", "first_name", "pin"]);
  });

  test("cheap enough for every keystroke (1,000 calls well under a second)", () => {
    const start = performance.now();
    for (let i = 0; i < 1000; i++) validateUser({ ...REFERENCE_BAD, email: `ann${i}@example.com`.slice(0, (i % 20) + 1) });
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  });
});

describe("planBatches", () => {
  test("blocks of 100 by default, the very same objects", () => {
    const records = Array.from({ length: 250 }, (_, i) => ({ i }));
    const plan = planBatches(records);
    assert.deepEqual(plan.map((b) => b.length), [100, 100, 50]);
    assert.equal(plan[2][0], records[200]);
    assert.deepEqual(planBatches(records, 120).map((b) => b.length), [120, 120, 10]);
    assert.deepEqual(planBatches([]), []);
  });

  test("a size that is not a positive integer is a config error", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => planBatches([1], size), (e) => e instanceof LocktError && e.kind === "config", String(size));
    }
  });
});

describe("parseUsersCsv", () => {
  test("header names are the reference's field names; a BOM and CRLF work; rows as a spreadsheet shows", () => {
    const text = "\uFEFFid_num,first_name,last_name,card_num,email\r\nE1,Ann,Lee,1001,ann@example.com\r\n\r\nE2,Bob,Ray,1002,\r\n";
    const r = parseUsersCsv(text);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.rows, [2, 4]);
    assert.deepEqual(r.users[0], { id_num: "E1", first_name: "Ann", last_name: "Lee", card_num: "1001", email: "ann@example.com" });
    assert.equal("email" in r.users[1], false, "empty cells are absent fields");
    assert.equal(validateUsers(r.users).invalid.length, 0);
  });

  test("quoted cells: commas, quotes and line breaks inside", () => {
    const text = 'first_name,last_name,phone\n"Smith, Jr.","O""Brien","555\n1234"\nCarl,Doe,5551234\n';
    const r = parseUsersCsv(text);
    assert.deepEqual(r.users[0], { first_name: "Smith, Jr.", last_name: 'O"Brien', phone: "555\n1234" });
    assert.deepEqual(r.rows, [2, 3], "a cell spanning two lines counts as one row");
  });

  test("accesslevels: ids or names separated by ;", () => {
    const r = parseUsersCsv("first_name,accesslevels\nAnn,123; Staff ;789\n");
    const levels = r.users[0].accesslevels;
    assert.equal(levels.length, 3);
    assert.deepEqual(JSON.parse(JSON.stringify(levels[1])), { name: "Staff" });
    assert.ok([123, "123"].includes(levels[0].id ?? levels[0]), JSON.stringify(levels));
  });

  test("columns maps spreadsheet headers; unknown columns and ragged rows are reported", () => {
    const text = "Employee #,Given,Surname,Badge,Shoe\nE9,Ann,Lee,77,42\nE10,Bob\n";
    const r = parseUsersCsv(text, { columns: { "Employee #": "id_num", Given: "first_name", Surname: "last_name", Badge: "card_num" } });
    assert.deepEqual(r.users[0], { id_num: "E9", first_name: "Ann", last_name: "Lee", card_num: "77" });
    assert.deepEqual(r.issues.map((i) => [i.row, i.code]), [[1, "unknown_column"], [3, "ragged_row"]]);
  });

  test("row numbers lead from validateUsers back to the spreadsheet", () => {
    const r = parseUsersCsv("first_name,card_num,email\nAnn,A8914,ann@x.io\nBob,12,rgreswell0@@@@gravatar.com\n");
    const report = validateUsers(r.users);
    assert.deepEqual(report.invalid.map((x) => [r.rows[x.index], x.issues[0].message]), [
      [2, "Non-Numeric card_num found: A8914"],
      [3, "Invalid email address found: rgreswell0@@@@gravatar.com"],
    ]);
  });

  test("no header, or no name column: issues, no users", () => {
    assert.equal(parseUsersCsv("").issues[0].code, "missing_name_column");
    const r = parseUsersCsv("email,phone\na@b.c,1\n");
    assert.ok(r.issues.some((i) => i.code === "missing_name_column"));
  });

  test("bad arguments are config errors", () => {
    assert.throws(() => parseUsersCsv(42), (e) => e instanceof LocktError && e.kind === "config");
    assert.throws(() => parseUsersCsv("a", { columns: 5 }), (e) => e instanceof LocktError && e.kind === "config");
  });

  test("options as the client reads them: a typo is named, a wrong type names the option, null is not given", () => {
    for (const fn of [parseUsersCsv, sdk.validateUsersCsv]) {
      assert.throws(() => fn("first_name\nAnn\n", { colums: {} }), (e) => e instanceof LocktError && e.kind === "config" && /unknown option `colums`; the only option is `columns`/.test(e.message));
      assert.throws(() => fn("first_name\nAnn\n", { columns: ["first_name"] }), (e) => e instanceof LocktError && e.kind === "config" && /option `columns` must be an object/.test(e.message));
      assert.equal(fn("first_name\nAnn\n", { columns: null }).rows.length, 1);
      assert.equal(fn("first_name\nAnn\n", null).rows.length, 1);
    }
  });
});

describe("Standard Schema objects", () => {
  for (const [name, mod] of [["ESM", sdk], ["CommonJS", cjs]]) {
    test(`${name}: userSchema, fobSchema and doorSchema implement ~standard v1`, () => {
      for (const key of ["userSchema", "fobSchema", "doorSchema"]) {
        const std = mod[key]?.["~standard"];
        assert.ok(std, `${key} is exported`);
        assert.equal(std.version, 1);
        assert.equal(std.vendor, "lockt-secureaccess");
        assert.equal(typeof std.validate, "function");
      }
    });
  }

  test("userSchema: { value } is the wire form; { issues } carry message and path [field]", () => {
    const std = sdk.userSchema["~standard"];
    const ok = std.validate({ first_name: " Ann ", card_num: "0042", enabled: "true" });
    assert.equal(ok.issues, undefined);
    assert.equal(ok.value.first_name, "Ann");
    assert.equal(ok.value.card_num, "0042");
    const bad = std.validate(REFERENCE_BAD);
    assert.deepEqual(
      bad.issues.map((i) => [i.message, i.path]),
      [
        ["Non-Numeric card_num found: A8914", ["card_num"]],
        ["Invalid email address found: rgreswell0@@@@gravatar.com", ["email"]],
      ],
    );
    assert.equal("value" in bad, false);
  });

  test("a record-level issue has no path; values JSON cannot carry are issues, not throws", () => {
    const std = sdk.userSchema["~standard"];
    const r = std.validate("not a user");
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0].path, undefined);
    const cyclic = { first_name: "x" };
    cyclic.self = cyclic;
    assert.ok(std.validate(cyclic).issues.length >= 1);
    assert.ok(std.validate({ first_name: 10n }).issues.length >= 1);
  });

  test("fobSchema and doorSchema", () => {
    assert.deepEqual(sdk.fobSchema["~standard"].validate({ name: "Fob", card_num: "12" }), { value: { name: "Fob", card_num: "12" } });
    assert.deepEqual(sdk.fobSchema["~standard"].validate({ name: "Fob" }).issues[0].path, ["card_num"]);
    assert.deepEqual(cjs.doorSchema["~standard"].validate({ name: " Lobby " }), { value: { name: "Lobby" } });
    assert.deepEqual(cjs.doorSchema["~standard"].validate({ name: "" }).issues.map((i) => i.path), [["name"]]);
  });

  test("a form library's usage: async-safe result and every issue per field", async () => {
    // What a Standard Schema consumer does: await validate(), then group issues by path.
    const result = await sdk.userSchema["~standard"].validate({ email: "ann@", pin: "x" });
    const fields = new Set(result.issues.map((i) => i.path?.[0] ?? ""));
    assert.deepEqual([...fields].sort(), ["email", "first_name", "pin"]);
  });
});
