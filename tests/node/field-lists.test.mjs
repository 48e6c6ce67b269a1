// The record types the package ships and the portal's user form name only fields the
// validators know: the packed typings of each input record against both entries' validators
// (whose field list is the one src/model/field_lists.rs holds every Rust form to), and the
// new-user form of www/ against validateUsers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { importPackage, pkgDir } from "../support/pkg.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Each input record type with the validator of its kind. */
const KINDS = { UserInput: "validateUsers", FobInput: "validateFobs", FobAssignment: "validateFobAssignments", DoorInput: "validateDoors" };

const entries = {};
before(async () => {
  entries.main = await importPackage();
  entries.validate = await importPackage("/validate");
});

/** The member names of `export interface name { ... }` in a declaration file. */
function interfaceFields(dts, name) {
  const body = dts.match(new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`))?.[1];
  assert.ok(body, `no interface ${name}`);
  return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
}

/** The fields of `fields` that `validator` drops as unknown. */
function unknownTo(validator, fields) {
  const record = Object.fromEntries(fields.map((field) => [field, "1"]));
  return validator([record]).warnings.map((w) => w.field);
}

for (const [entry, typings] of [["main", "web/lockt_secureaccess.d.ts"], ["validate", "validate/web/lockt_secureaccess.d.ts"]]) {
  test(`the ${entry} entry's validators know every field of its input types`, () => {
    const dts = readFileSync(join(pkgDir, typings), "utf8");
    for (const [type, validator] of Object.entries(KINDS)) {
      const fields = interfaceFields(dts, type);
      assert.ok(fields.length, `${type} declares no field`);
      assert.deepEqual(unknownTo(entries[entry][validator], fields), [], `${validator} drops fields of ${type}`);
      assert.deepEqual(unknownTo(entries[entry][validator], [...fields, "not_a_field"]), ["not_a_field"]);
    }
  });
}

test("the portal's new-user form names only user fields", () => {
  const html = readFileSync(join(root, "www/index.html"), "utf8");
  const formFields = [...html.matchAll(/<input id="f-(\w+)"/g)].map((m) => m[1]);
  const app = readFileSync(join(root, "www/app.js"), "utf8");
  const listed = JSON.parse(app.match(/const FORM_FIELDS = (\[.*?\]);/)[1]);
  assert.ok(formFields.length >= listed.length && listed.length > 0);
  assert.deepEqual(listed.filter((f) => !formFields.includes(f)), [], "FORM_FIELDS names an input the form lacks");
  assert.deepEqual(unknownTo(entries.main.validateUsers, formFields), [], "the form has inputs for fields users do not have");
});
