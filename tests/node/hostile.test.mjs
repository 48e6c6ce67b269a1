// Hostile input, from callers and from the server: fields far over their length limits, deep
// or huge JSON, non-object records, prototype-pollution keys (`__proto__`, `constructor`)
// and unknown fields. Each gives a clear LocktError or a listed issue/warning; never a crash,
// a trap, a changed prototype or a silently changed object.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { importPackage, testHooks } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const sdk = await importPackage();
const { LocktClient, LocktError, validateUsers, validateUser, validateFobs, validateDoors, validateFobAssignments } = sdk;

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const PROTO_DESCRIPTORS = Object.getOwnPropertyDescriptors(Object.prototype);
const ARRAY_PROTO_NAMES = Object.getOwnPropertyNames(Array.prototype).sort();

let sb;
before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(async () => {
  await sb?.stop();
  assertPrototypesUntouched();
});
beforeEach(async () => {
  await sb.admin.clearFaults();
  await sb.admin.clearRequests();
});

function assertPrototypesUntouched() {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTO_NAMES);
  const now = Object.getOwnPropertyDescriptors(Object.prototype);
  for (const name of PROTO_NAMES) assert.equal(now[name].value, PROTO_DESCRIPTORS[name].value, `Object.prototype.${name}`);
  assert.deepEqual(Object.getOwnPropertyNames(Array.prototype).sort(), ARRAY_PROTO_NAMES);
  for (const probe of ["polluted", "isAdmin", "p"]) assert.equal({}[probe], undefined, `({}).${probe}`);
}

function client(options = {}) {
  return new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey, ...options });
}

async function posts(path = "/api/v1/user") {
  return (await sb.admin.requests()).filter((r) => r.method !== "GET" && r.path === path);
}

/** The error thrown (sync) or rejected (async) by `f`, which must be a LocktError. */
async function failure(f) {
  try {
    await f();
  } catch (error) {
    assert.ok(error instanceof LocktError, `expected a LocktError, got ${error?.stack ?? error}`);
    assert.ok(!(error instanceof WebAssembly.RuntimeError));
    return error;
  }
  assert.fail("expected a LocktError");
}

/** A module that still answers after whatever came before. */
function assertModuleAlive() {
  const report = validateUsers([{ first_name: "Still", last_name: "Alive" }]);
  assert.equal(report.valid.length, 1);
}

const nested = (depth, leaf = 1) => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const nestedObject = (depth) => {
  const root = {};
  let cur = root;
  for (let i = 0; i < depth; i++) cur = cur.a = {};
  return root;
};

test("fields far over their length limit: a TooLong issue each, with a short message", async () => {
  const huge = "x".repeat(2_000_000);
  const report = validateUsers([
    { first_name: huge, last_name: "L".repeat(101), id_num: "I".repeat(65), email: `${"a".repeat(300)}@example.com`, card_num: "1".repeat(33), pin: "2".repeat(17), phone: "3".repeat(33) },
  ]);
  assert.equal(report.valid.length, 0);
  const issues = report.invalid[0].issues;
  const tooLong = new Set(issues.filter((i) => i.code === "too_long").map((i) => i.field));
  for (const field of ["first_name", "last_name", "id_num", "email", "card_num", "pin", "phone"]) {
    assert.ok(tooLong.has(field), `${field} too long: ${JSON.stringify(issues.map((i) => [i.field, i.code]))}`);
  }
  for (const issue of issues) assert.ok(issue.message.length < 400, `a short message, got ${issue.message.length} chars`);

  assert.ok(validateDoors([{ name: "D".repeat(100_000) }]).invalid.length === 1);
  assert.ok(validateFobs([{ name: "F".repeat(100_000), card_num: "1" }]).invalid.length === 1);

  // Through users.save: rejected before anything is sent (validateFailsBatch defaults to true).
  const saved = await client().users.save([{ first_name: huge }, { first_name: "Fine", last_name: "Person" }]);
  assert.equal(saved.records[0].status, "rejected");
  assert.ok(saved.records[0].messages.every((m) => m.length < 400));
  assert.equal(saved.records[1].status, "notSent");
  assert.equal((await posts()).length, 0);
  assertModuleAlive();
});

test("deep JSON in records: a clear config error, never a crash", async () => {
  for (const [what, value] of [
    ["a 5,000-deep array", nested(5_000)],
    ["a 200-deep object", nestedObject(200)],
    ["a 100,000-deep array (too deep even for JSON.stringify)", nested(100_000)],
  ]) {
    for (const call of [
      () => validateUsers([{ first_name: "A", accesslevels: value }]),
      () => validateUser({ first_name: "A", extra: value }),
      () => client().users.save([{ first_name: "A", accesslevels: value }]),
      () => client().doors.create([{ name: "Deep", location: value }]),
    ]) {
      const error = await failure(call);
      assert.equal(error.kind, "config", `${what}: ${error.message}`);
      assert.ok(error.message.length < 400, `${what}: a short message`);
    }
  }
  // Nesting within the core's limit is judged per field, not as a whole-call error.
  const report = validateUsers([{ first_name: "A", accesslevels: nested(50) }]);
  assert.equal(report.invalid.length, 1);
  assert.equal((await posts()).length + (await posts("/api/v1/door")).length, 0);
  assertModuleAlive();
});

test("huge JSON: 100,000 records and a 20 MB string validate without a crash", () => {
  const many = Array.from({ length: 100_000 }, (_, i) => ({ first_name: `N${i}`, id_num: `H-${i}` }));
  const report = validateUsers(many);
  assert.equal(report.valid.length, 100_000);
  assert.deepEqual(report.validIndices.slice(0, 3), [0, 1, 2]);
  const big = validateUsers([{ first_name: "A", notes: "z".repeat(20_000_000) }]);
  assert.equal(big.valid.length, 1);
  assert.ok(big.warnings.some((w) => w.field === "notes"));
  assert.ok(JSON.stringify(big.warnings).length < 2_000, "the warning does not echo the 20 MB value");
  assertModuleAlive();
});

test("non-object records: NotAnObject issues by index; a non-array input is a config error", async () => {
  const input = [1, "text", null, [], true, { first_name: "Real", last_name: "One" }];
  const report = validateUsers(input);
  assert.deepEqual(report.invalid.map((r) => r.index), [0, 1, 2, 3, 4]);
  for (const r of report.invalid) assert.equal(r.issues[0].code, "not_an_object");
  assert.deepEqual(report.validIndices, [5]);
  for (const validator of [validateFobs, validateDoors, validateFobAssignments]) {
    assert.equal(validator(input.slice(0, 5)).invalid.length, 5);
  }

  const saved = await client().users.save(input, { validateFailsBatch: false });
  assert.deepEqual(saved.records.map((r) => r.status), ["rejected", "rejected", "rejected", "rejected", "rejected", "committed"]);
  for (const bad of [{ first_name: "A" }, "users", 42, null]) {
    const error = await failure(() => client().users.save(bad));
    assert.equal(error.kind, "config");
  }
  assert.ok(Object.keys(validateUser("x")).length > 0, "a non-object user form has an issue");
});

test("records JSON cannot represent (cycles, BigInt, throwing getters): a config error", async () => {
  const cyclic = { first_name: "A" };
  cyclic.self = cyclic;
  const getter = { first_name: "A" };
  Object.defineProperty(getter, "last_name", { enumerable: true, get() { throw new Error("boom"); } });
  for (const record of [cyclic, { first_name: "A", id: 1n }, getter]) {
    for (const call of [() => validateUsers([record]), () => client().users.save([record])]) {
      const error = await failure(call);
      assert.equal(error.kind, "config", error.message);
    }
  }
  assert.equal((await posts()).length, 0);
  assertModuleAlive();
});

test("__proto__ and constructor keys in records: warnings, dropped from the wire, no prototype changed", async () => {
  // JSON.parse makes real own "__proto__" properties (an object literal would set the prototype).
  const input = JSON.parse(
    `[{"first_name":"Proto","last_name":"Key","__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"p":1}}},
      {"__proto__":{"polluted":true},"first_name":""},
      {"first_name":"Ctor","last_name":"Only","constructor":"x","prototype":"y","toString":"z","hasOwnProperty":1}]`,
  );
  assert.ok(Object.hasOwn(input[0], "__proto__"));
  const report = validateUsers(input);
  assert.deepEqual(report.validIndices, [0, 2]);
  for (const valid of report.valid) {
    assert.equal(Object.getPrototypeOf(valid), Object.prototype);
    for (const key of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]) {
      assert.ok(!Object.hasOwn(valid, key), `${key} dropped from the wire form`);
    }
    assert.equal(valid.polluted, undefined);
  }
  const warned = report.warnings.map((w) => `${w.index}:${w.field}:${w.code}`);
  for (const w of ["0:__proto__:unknown_field", "0:constructor:unknown_field", "2:constructor:unknown_field", "2:toString:unknown_field"]) {
    assert.ok(warned.includes(w), `warning ${w} in ${JSON.stringify(warned)}`);
  }
  // The invalid record is echoed as given: __proto__ stays an own data property.
  const echoed = report.invalid[0].input;
  assert.equal(Object.getPrototypeOf(echoed), Object.prototype);
  assert.ok(Object.hasOwn(echoed, "__proto__"));
  assert.deepEqual(echoed.__proto__, { polluted: true });
  // The caller's objects are not changed.
  assert.deepEqual(Object.keys(input[0]), ["first_name", "last_name", "__proto__", "constructor"]);

  const byField = validateUser(JSON.parse('{"__proto__":{"x":1},"first_name":"A"}'));
  assert.equal(Object.getPrototypeOf(byField), Object.prototype);
  assertPrototypesUntouched();
});

test("__proto__ keys through users.save: never sent, the record committed as given otherwise", async () => {
  const input = JSON.parse(`[{"first_name":"Wire","last_name":"Proto","id_num":"HOSTILE-1","__proto__":{"isAdmin":true},"constructor":{"prototype":{"p":1}}}]`);
  const report = await client().users.save(input);
  assert.equal(report.committed, 1, JSON.stringify(report));
  assert.equal(Object.getPrototypeOf(report), Object.prototype);
  const [sent] = await posts();
  const raw = JSON.stringify(sent.body);
  assert.ok(!raw.includes("__proto__") && !raw.includes("constructor") && !raw.includes("isAdmin"), raw);
  const stored = await client().users.getByIdNum("HOSTILE-1");
  assert.equal(stored.first_name, "Wire");
  assert.equal(stored.isAdmin, undefined);
  assertPrototypesUntouched();
});

// users.save / doors.create / fobs.create drop unknown fields from the wire; the report lists them.
test("unknown fields in a batched write are listed in its report", async () => {
  const report = await client().users.save([{ first_name: "Unknown", last_name: "Field", favourite_colour: "red" }]);
  assert.equal(report.committed, 1);
  assert.ok(Array.isArray(report.warnings), "report.warnings");
  assert.ok(report.warnings.some((w) => w.index === 0 && w.field === "favourite_colour"));
  const doors = await client().doors.create(JSON.parse(`[{"name":"Warned door ${Date.now()}","colour":"red","__proto__":{"x":1}}]`));
  assert.equal(doors.committed, 1, JSON.stringify(doors));
  assert.deepEqual(doors.warnings.map((w) => w.field).sort(), ["__proto__", "colour"]);
});

test("unknown fields: listed as warnings by the validators, never sent", async () => {
  const report = validateUsers([{ first_name: "A", favourite_colour: "red", ID_NUM: "X" }]);
  assert.equal(report.valid.length, 1);
  assert.deepEqual(report.warnings.map((w) => [w.index, w.field, w.code]).sort(), [[0, "ID_NUM", "unknown_field"], [0, "favourite_colour", "unknown_field"]]);
  await client().users.save([{ first_name: "Unknown", last_name: "Field", favourite_colour: "red" }]);
  const [sent] = await posts();
  assert.ok(!JSON.stringify(sent.body).includes("favourite_colour"));
});

test("hostile answers from the server: __proto__ keys, deep and huge JSON", async () => {
  const answer = (body) => ({ match: { method: "GET", path: "/api/v1/user" }, kind: "status", status: 200, content_type: "application/json", body });
  await sb.admin.faults([
    answer('{"data":[{"id":1,"first_name":"Evil","__proto__":{"polluted":true},"constructor":{"prototype":{"p":1}}}]}'),
  ]);
  const [user] = await client().users.list();
  assert.equal(user.first_name, "Evil");
  assert.equal(Object.getPrototypeOf(user), Object.prototype);
  assert.equal(user.polluted, undefined);
  assertPrototypesUntouched();

  await sb.admin.faults([answer(`{"data":[{"id":1,"first_name":${"[".repeat(100_000)}${"]".repeat(100_000)}}]}`)]);
  let error = await failure(() => client().users.list());
  assert.equal(error.kind, "decode");
  assert.ok(error.message.length < 400);

  await sb.admin.faults([answer(`{"data":[{"id":1,"first_name":"${"n".repeat(5_000_000)}"}]}`)]);
  const [long] = await client().users.list();
  assert.equal(long.first_name.length, 5_000_000);

  await sb.admin.faults([answer('{"data":[1,"two",null]}')]);
  error = await failure(() => client().users.list());
  assert.equal(error.kind, "decode");

  await sb.admin.faults([answer('{"data":{"submitted":"lots"}}')]);
  error = await failure(() => client().users.list());
  assert.equal(error.kind, "decode");
  assertModuleAlive();
});

const csvImport = sdk.parseUsersCsv ?? sdk.importUsersCsv ?? sdk.usersFromCsv;
test("__proto__ and constructor in CSV headers: unknown columns, no prototype changed", { skip: !csvImport && "the CSV importer is not exported to JS yet" }, () => {
  const result = csvImport("first_name,__proto__,constructor,last_name\nAnn,{\"polluted\":true},x,Lee\n");
  const users = result.users ?? result;
  assert.equal(users.length, 1);
  assert.equal(Object.getPrototypeOf(users[0]), Object.prototype);
  assert.ok(!Object.hasOwn(users[0], "__proto__") && !Object.hasOwn(users[0], "constructor"));
  assert.ok(result.issues?.some((i) => i.field === "__proto__" && i.code === "unknown_column"));
  assertPrototypesUntouched();
});

test("Object.prototype is unchanged after all of the above", () => {
  assertPrototypesUntouched();
  assertModuleAlive();
});

// Issue 8: "any panic that still happens reaches JS as a LocktError, and the module keeps
// working afterwards". The release build is panic=abort, so a panic is a wasm trap: the core's
// hidden `__panicForTests(message)` panics on purpose, and the entries (js/guard.js) turn the
// trap into a LocktError (kind "internal") while the core resets the instance.
const { panicForTests: panicTrigger } = await testHooks("import");
test("a panic reaches JS as a LocktError and the module keeps working", async () => {
  const before = client();
  await before.users.list();
  let error;
  try {
    panicTrigger("boom from the test");
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof LocktError, `a LocktError, not ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.kind, "internal");
  assert.match(error.message, /boom from the test/);
  // The module keeps working: sync and async calls, a new client, and a second panic.
  assertModuleAlive();
  assert.ok((await client().users.list()).length > 0);
  const stale = await failure(() => before.users.list());
  assert.equal(stale.kind, "internal");
  const again = await failure(() => panicTrigger("second"));
  assert.match(again.message, /second/);
  assertModuleAlive();
  assertPrototypesUntouched();
});

// Issue 18: a trap that is not a panic (a stack overflow, an abort as after running out of
// memory) runs no panic hook; it too must reach JS as a LocktError, and the module must be
// rebuilt, or every later call fails with a raw RuntimeError. The hidden `trapForTests(kind)`
// recurses until the module's own stack runs out ("overflow": a wasm trap) or the engine's does
// ("recursion": a RangeError), or aborts ("abort").
const { trapForTests: trapTrigger } = await testHooks("import");
for (const [kind, trap] of [["overflow", WebAssembly.RuntimeError], ["recursion", RangeError], ["abort", WebAssembly.RuntimeError]]) {
  test(`a trap that is not a panic (${kind}) is a LocktError and the module is rebuilt`, async () => {
    const before = client();
    const error = await failure(() => trapTrigger(kind));
    assert.equal(error.kind, "internal");
    assert.ok(error.cause instanceof trap, `the trap is kept as the cause: ${error.cause}`);
    assertModuleAlive();
    assert.ok((await client().users.list()).length > 0);
    assert.equal((await failure(() => before.users.list())).kind, "internal", "objects of the old instance are stale");
    assert.equal((await failure(() => trapTrigger(kind))).kind, "internal", "a second trap");
    assertModuleAlive();
  });
}
