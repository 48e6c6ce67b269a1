// One behaviour: the package's validators (a JS walk that hands each field to wasm on the
// field tape, rules/src/validate/tape.rs) agree record for record with the reference reading of the
// same records as JSON (the serde_json::Value path, tests/support/validate_reference.rs), on
// the benchmark corpus, the reference's examples (the fuzz seeds), the e-mail corpus and a
// list of hostile values. Verdicts, issues, warnings and the normalised records must match.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { generateUsers, usersToCsv } from "../../bench/lib/data.mjs";
import { importPackage } from "../support/pkg.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const lockt = await importPackage();

/** The reference report for `records` (built once with cargo if the native stage did not). */
function reference(kind, records) {
  const binary = join(root, "target/debug/examples/validate_reference");
  if (!existsSync(binary)) execFileSync("cargo", ["build", "--quiet", "--example", "validate_reference"], { cwd: root, stdio: "inherit" });
  const out = execFileSync(binary, { input: JSON.stringify({ kind, records }), maxBuffer: 1 << 30 });
  return JSON.parse(out);
}

/** What must agree: everything but `input`, which is the caller's own object in the package. */
function comparable(report) {
  return {
    valid: report.valid,
    validIndices: report.validIndices,
    invalid: report.invalid.map(({ index, issues }) => ({ index, issues })),
    warnings: report.warnings,
  };
}

const reviver = (text) => JSON.parse(text);
const fromJson = (value) => reviver(JSON.stringify(value)); // a record as the API would parse it

/** Values that test the walk's reading of JS: every type in every field. */
function hostileUsers() {
  const numbers = [0, 5, -3, 1.5, -0.25, 1e21, 1.5e-7, 2 ** 64, 2 ** 53 + 1, NaN, Infinity, -0, 123456789012];
  const odd = [true, false, null, undefined, [], [1], {}, { a: 1 }, () => 1, Symbol("s"), "", "  ", " x ", "\t5\n", "A8914", "😀👍", "é".repeat(120), "a\u0000b", "x".repeat(65)];
  const fields = ["id", "id_num", "first_name", "last_name", "card_num", "credential_key", "email", "phone", "pin", "access_effective", "access_expires", "enabled"];
  const out = [];
  for (const field of fields) {
    for (const value of [...numbers, ...odd]) out.push({ first_name: "F", [field]: value });
  }
  const levels = [[], [1, "Staff", { id: "2" }, { name: " x " }], [{ id: 1, name: "y" }], [{ id: null, name: "z" }], [{ foo: 1 }], [null], [true], [[1]], [{ id: {} }], [{ id: true }], [{ name: 5 }], [{ id: 2, extra: undefined }], [1, 1], [{ id: 1, z: 2, a: 3 }], [{ id: 7 }], [{ name: "Staff" }], [{ id: 7 }, { id: 7 }], [0], [-1], [1.5], ["  "], [undefined], [() => 1]];
  for (const accesslevels of [...levels, "x", {}, null, 5, true]) out.push({ first_name: "L", accesslevels });
  for (const enabled of ["TRUE", " true ", "yes", 1, "", null, "false", false, "true"]) out.push({ id_num: "E", enabled });
  for (const date of ["2022-01-24 00:00:00", "2022-01-24", "2022-05-05T09:00:00.000Z", " 2022-01-24 ", "2022-02-30", "2024-02-29", "24-01-01", "", new Date(Date.UTC(2022, 4, 5, 9))]) {
    out.push({ id_num: "D", access_effective: date, access_expires: "2030-01-01" });
  }
  out.push(
    { first_name: "Keys", b: 1, a: 2, "é": 3, Z: 4, constructor: 5, toString: 6 },
    fromJson({}), // {} and then a record with an own __proto__ key, as JSON.parse makes it
    JSON.parse('{"first_name": "P", "__proto__": {"x": 1}}'),
    { first_name: "Boxed", last_name: new String(" B "), card_num: new Number(42), enabled: new Boolean(true) },
    { first_name: { toJSON: () => "Via toJSON" } },
    { toJSON: () => ({ first_name: "Whole record via toJSON", card_num: 9 }) },
    // toJSON hears its key as JSON.stringify gives it: a string, the index of the record or level.
    { toJSON: (key) => ({ first_name: `Key ${typeof key} ${key}`, accesslevels: [{ toJSON: (at) => ({ name: `Level ${typeof at} ${at}` }) }] }) },
    new Date(0),
    null,
    undefined,
    5,
    "a record",
    [1, 2],
    [],
    Object.assign(Object.create({ inherited: 1 }), { first_name: "Own only" }),
    { first_name: "Dup", email: "Ann@Web.Place", card_num: "1" },
    { first_name: "Dup", email: "ann@web.place", card_num: "1", id_num: "E" },
    { first_name: "Dup", id_num: "E" },
    { first_name: "A", last_name: "B", id_num: "C", card_num: "0001", email: "a@b.c", phone: "+1 (555) 123-4567", pin: "1234", enabled: "true", access_effective: "2022-01-24 00:00:00", access_expires: "2023-01-24 00:00:00", accesslevels: [{ id: 3 }] },
  );
  return out;
}

function sparse() {
  const list = [{ first_name: "before" }];
  list[3] = { first_name: "after the holes" };
  return list;
}

const corpora = {
  users: () => [
    ...generateUsers(20_000, { seed: 7 }),
    ...hostileUsers(),
    ...sparse(),
    ...JSON.parse(readFileSync(join(root, "fixtures/emails.json"), "utf8")).map(({ email }) => ({ first_name: "E", email })),
    ...referenceRecords(),
  ],
  fobs: () => [...hostileUsers(), { card_num: 5599, name: "Fob" }, { card_num: "12", id_num: "F" }, { card_num: "12", name: "again" }, { name: "no card" }, ...referenceRecords()],
  fobAssignments: () => [...hostileUsers(), { id: "3", user_id: 4 }, { id: 3, user_id: "4" }, { id: " 03 ", user_id: 4 }, { id: 0, user_id: -1 }, { id: 3, user_id: 5 }, ...referenceRecords()],
  doors: () => [...hostileUsers(), { name: "Door 1" }, { name: "door 1" }, { name: " Door 2 " }, { name: "" }, { name: 5 }, ...referenceRecords()],
};

/** Every record found in the reference's example payloads (fixtures/reference), the fuzz seeds. */
function referenceRecords() {
  const dir = join(root, "fixtures/reference");
  const records = [];
  const collect = (value) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === "object") {
      records.push(value);
      Object.values(value).forEach(collect);
    }
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) collect(JSON.parse(readFileSync(join(dir, file), "utf8")));
  return records;
}

const validators = { users: lockt.validateUsers, fobs: lockt.validateFobs, fobAssignments: lockt.validateFobAssignments, doors: lockt.validateDoors };

for (const [kind, corpus] of Object.entries(corpora)) {
  test(`${kind}: the field tape agrees with the JSON reading record for record`, () => {
    const records = corpus();
    const ours = validators[kind](records);
    const theirs = reference(kind, fromJson(records));
    assert.equal(ours.validIndices.length + ours.invalid.length, records.length);
    const a = comparable(ours);
    const b = comparable(theirs);
    // Compare piecewise first, for a readable failure.
    for (let i = 0; i < Math.max(a.invalid.length, b.invalid.length); i++) assert.deepEqual(a.invalid[i], b.invalid[i], `invalid[${i}]`);
    for (let i = 0; i < Math.max(a.valid.length, b.valid.length); i++) {
      assert.deepEqual(fromJson(a.valid[i]), b.valid[i], `valid[${i}] (input ${a.validIndices[i]}: ${JSON.stringify(records[a.validIndices[i]])?.slice(0, 200)})`);
    }
    assert.deepEqual(a.warnings, b.warnings);
    assert.deepEqual(a.validIndices, b.validIndices);
  });
}

test("userForm: validateUser agrees with the JSON reading", () => {
  const forms = hostileUsers().filter((f) => f !== undefined);
  const theirs = reference("userForm", fromJson(forms));
  forms.forEach((form, i) => {
    const byField = {};
    for (const issue of theirs[i]) (byField[issue.field] ??= []).push(issue);
    assert.deepEqual(lockt.validateUser(form), byField, JSON.stringify(form)?.slice(0, 200));
  });
});

test("a record already in the wire form comes back as the same object; others as new objects", () => {
  const normal = { id_num: "E1", first_name: "Ann", card_num: "0001", enabled: "true", accesslevels: [{ id: 3 }] };
  const needsWork = { id_num: "E2", first_name: " Bo ", card_num: 2 };
  const report = lockt.validateUsers([normal, needsWork]);
  assert.equal(report.valid[0], normal);
  assert.notEqual(report.valid[1], needsWork);
  assert.deepEqual(report.valid[1], { id_num: "E2", first_name: "Bo", card_num: "2" });
  assert.deepEqual(needsWork, { id_num: "E2", first_name: " Bo ", card_num: 2 }, "the caller's record is left as it was");
});

test("what JSON cannot write is a config error, as before; a lone surrogate is kept", () => {
  for (const records of [[{ first_name: 1n }], [{ first_name: "A", extra: 2n }], [{ first_name: "A", accesslevels: [{ id: 1n }] }]]) {
    assert.throws(() => lockt.validateUsers(records), (e) => e instanceof lockt.LocktError && e.kind === "config" && /BigInt/.test(e.message));
  }
  const cyclic = { first_name: "C" };
  cyclic.self = cyclic;
  assert.throws(() => lockt.validateUsers([cyclic]), (e) => e instanceof lockt.LocktError && e.kind === "config");
  // The JSON path refused the whole input here; the text is now judged as U+FFFD and kept.
  const record = { first_name: "x\ud800y" };
  assert.equal(lockt.validateUsers([record]).valid[0], record);
});

test("validateUsersCsv agrees with parseUsersCsv + validateUsers, row for row", () => {
  const hostile = [
    "id_num,first_name,last_name,card_num,email,phone,pin,access_effective,access_expires,enabled,accesslevels,id,credential_key",
    'E1," Ann ",Lee,0042,ANN@X.IO ,+1 555,12,2022-01-24,2022-05-05T09:00:00.000Z, TRUE ,007; Staff ;;99999999999999999999,5,"k\n2"',
    "E1,Dup,Lee,42,ann@x.io,,,,,,,,",
    'E3,"Q ""uoted""",,A8914,bad@@x,abc,1a,2022-02-30,2020-01-01,yes,x;1;x,-3,',
    ",,,,,,,,,,,,",
    "E4,Ragged",
    "E5,Extra,,,,,,,,,,,,,surplus",
    "😀,é".repeat(1) + ",,,,,,,,,,,",
    "E6,Ctl\u0001,,,,,,,,,,0,",
  ].join("\n");
  const corpus = [usersToCsv(generateUsers(20_000, { seed: 11 })), hostile, "first_name\n", "", "\ufeffFIRST_NAME , Badge\r\nAnn,1\r\n"];
  for (const [n, text] of corpus.entries()) {
    for (const options of [undefined, { columns: { Badge: "card_num" } }]) {
      const both = lockt.validateUsersCsv(text, options);
      const parsed = lockt.parseUsersCsv(text, options);
      const report = lockt.validateUsers(parsed.users);
      assert.deepEqual(both.rows, parsed.rows, `rows of text ${n}`);
      assert.deepEqual(both.issues, parsed.issues, `issues of text ${n}`);
      assert.deepEqual(both.validIndices, report.validIndices, `validIndices of text ${n}`);
      assert.deepEqual(both.warnings, report.warnings, `warnings of text ${n}`);
      assert.deepEqual(both.invalid, report.invalid, `invalid of text ${n} (input as parseUsersCsv reads it)`);
      for (let i = 0; i < report.valid.length; i++) assert.deepEqual(both.valid[i], fromJson(report.valid[i]), `valid[${i}] of text ${n}`);
      assert.equal(both.valid.length, report.valid.length);
    }
  }
});
