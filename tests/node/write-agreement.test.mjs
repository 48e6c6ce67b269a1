// The batch writes and the offline validators judge records alike, record for record, on hostile
// input (toJSON, boxed values, unknown keys, NaN, nested objects, access levels by name,
// repeats): what users.save sends with validateFailsBatch false is exactly validateUsers' valid
// records (access levels given by name resolved to their ids), and what it rejects is exactly
// validateUsers' invalid records, with the same messages. The same for doors.create and
// fobs.create against their validators.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const { LocktClient, validateUsers, validateDoors, validateFobs } = await importPackage();

let sb;
before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(() => sb?.stop());
beforeEach(() => sb.admin.clearRequests());

function client() {
  return new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey });
}

/** The records every write to `path` carried, in order. */
async function sent(path, node) {
  const writes = (await sb.admin.requests()).filter((r) => r.method === "POST" && r.path === `/api/v1/${path}`);
  return writes.flatMap((r) => r.body[node]);
}

/** Checks `report` against the offline verdicts: the invalid rejected with their issues' messages. */
function assertSameVerdicts(report, offline, total) {
  assert.deepEqual(report.records.map((r) => r.index), [...Array(total).keys()], "every record has exactly one status");
  for (const bad of offline.invalid) {
    const record = report.records[bad.index];
    assert.equal(record.status, "rejected", `record ${bad.index}`);
    assert.deepEqual(record.messages, bad.issues.map((i) => i.message), `record ${bad.index}`);
  }
  assert.deepEqual(report.warnings, offline.warnings);
}

/** A record whose `last_name` is a getter. */
function withGetter(record) {
  return Object.defineProperty(record, "last_name", { enumerable: true, get: () => "Getter" });
}

class Person {
  constructor(first, idNum) {
    this.first_name = first;
    this.id_num = idNum;
  }
}

function hostileUsers(tag) {
  const id = (n) => `${tag}-${n}`;
  return [
    { first_name: "Ann", last_name: "Plain", id_num: id(1) },
    { first_name: new String("  Boxed "), last_name: "Strings", id_num: new String(id(2)), card_num: new Number(918273601), enabled: new Boolean(false) },
    { toJSON: () => ({ first_name: "Via", last_name: "ToJSON", id_num: id(3) }) },
    { first_name: "Dated", id_num: id(4), access_expires: new Date(Date.UTC(2031, 0, 2, 3, 4, 5)), access_effective: "2030-01-01" },
    { first_name: "Extra", id_num: id(5), colour: "red", nested: { a: [1, { b: 2 }] }, gone: undefined, fn() {}, [Symbol("s")]: 1 },
    { first_name: "Nan", id_num: id(6), pin: NaN, phone: Infinity, email: null },
    { first_name: { text: "Object" }, id_num: id(7) },
    { first_name: "Levels", id_num: id(8), accesslevels: [{ name: " security " }, { id: 212 }, { name: new String("Housekeeping") }] },
    { first_name: "NoSuch", id_num: id(9), accesslevels: [{ name: "No Such Level" }] },
    { first_name: "Repeat", id_num: id(1) },
    { first_name: "Mail", id_num: id(10), email: `${tag}@example.com` },
    { first_name: "Mail", id_num: id(11), email: `${tag.toUpperCase()}@EXAMPLE.com` },
    42,
    null,
    [],
    { first_name: "Numbers", id_num: 918273602, card_num: 918273603, phone: 5551234, enabled: "true" },
    { first_name: "Bad\nName", id_num: id(16) },
    { first_name: "Mail", id_num: id(17), email: "not-an-email" },
    withGetter({ first_name: "Has", id_num: id(18) }),
    JSON.parse(`{"first_name":"Proto","id_num":"${id(19)}","__proto__":{"isAdmin":true}}`),
    new Person(" Classy ", id(20)),
    { first_name: " Zoë 🚀 ", last_name: "Ünïcode \"quoted\" \\", id_num: id(21) },
    { first_name: "Both", id_num: id(22), accesslevels: [{ id: 512, name: "ignored when there is an id" }] },
    { first_name: "Deep", id_num: id(23), accesslevels: [[1, 2]] },
    { first_name: "BadLevel", id_num: id(24), accesslevels: [{ id: -3 }] },
  ];
}

test("users.save sends exactly validateUsers' valid records and rejects exactly its invalid ones", async () => {
  const users = hostileUsers(`WA${Date.now()}`);
  const offline = validateUsers(users);
  assert.ok(offline.valid.length >= 10 && offline.invalid.length >= 8, "the input has both kinds");
  const levels = await client().accessLevels.list();
  const byName = (name) => levels.filter((l) => l.name.trim().toLowerCase() === name.trim().toLowerCase());
  // Access levels given by name go out as ids; a record naming no existing level is not sent.
  const expected = [];
  const unresolved = [];
  for (const [i, record] of offline.valid.entries()) {
    const named = (record.accesslevels ?? []).filter((l) => l.id === undefined);
    if (named.some((l) => byName(l.name).length !== 1)) {
      unresolved.push(offline.validIndices[i]);
      continue;
    }
    const accesslevels = record.accesslevels?.map((l) => (l.id === undefined ? { id: byName(l.name)[0].id } : l));
    expected.push(accesslevels ? { ...record, accesslevels } : record);
  }
  assert.equal(unresolved.length, 1, "one record names a level that does not exist");
  assert.ok(expected.some((r) => r.accesslevels?.length === 3), "a record with levels by name is sent");

  const report = await client().users.save(users, { validateFailsBatch: false });
  assert.deepEqual(await sent("user", "users"), expected);
  assertSameVerdicts(report, offline, users.length);
  assert.equal(report.records[unresolved[0]].status, "rejected");
  assert.deepEqual(report.records[unresolved[0]].messages, ["Access Level Not Found: No Such Level"]);
  const committed = report.records.filter((r) => r.status === "committed").map((r) => r.index);
  assert.deepEqual(committed, offline.validIndices.filter((i) => !unresolved.includes(i)));

  // users.validate: the client's refusals are the same records with the same messages.
  const checked = await client().users.validate(users);
  const clientSide = checked.details.filter((d) => offline.invalid.some((r) => r.index === d.index));
  assert.deepEqual(clientSide, offline.invalid.map((r) => ({ index: r.index, messages: r.issues.map((i) => i.message) })));
});

test("doors.create and fobs.create send exactly their validators' valid records", async () => {
  const tag = `WD${Date.now()}`;
  const doors = [
    { name: ` ${tag} Boxed ` },
    { name: new String(`${tag} String object`), colour: "red" },
    { toJSON: () => ({ name: `${tag} via toJSON` }) },
    { name: NaN },
    { name: `${tag} boxed ` },
    { name: { nested: true } },
    "door",
  ];
  const offlineDoors = validateDoors(doors);
  const doorReport = await client().doors.create(doors, { validateFailsBatch: false });
  assert.deepEqual(await sent("door", "doors"), offlineDoors.valid);
  assertSameVerdicts(doorReport, offlineDoors, doors.length);

  const fobs = [
    { name: `${tag} fob`, card_num: new Number(918273611) },
    { id_num: `${tag}-F2`, card_num: "918273612", access_expires: new Date(Date.UTC(2032, 5, 6)) },
    { name: `${tag} no card` },
    { name: `${tag} repeat`, card_num: "918273612" },
    { name: `${tag} letters`, card_num: "12AB", extra: [1] },
  ];
  const offlineFobs = validateFobs(fobs);
  const fobReport = await client().fobs.create(fobs, { validateFailsBatch: false });
  assert.deepEqual(await sent("fob", "fobs"), offlineFobs.valid);
  assertSameVerdicts(fobReport, offlineFobs, fobs.length);
});
