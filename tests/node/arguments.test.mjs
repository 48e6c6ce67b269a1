// Issue 12, "Argument checks": every exported function and method, called with every kind of
// JS value in each position (the other positions valid), either works or fails with a
// LocktError of kind `config`: never `internal` (a trap in the glue), never a bare TypeError.
// Against the sandbox, through the package as installed (import and require).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage, requirePackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const VALUES = {
  undefined: undefined,
  null: null,
  number: 123,
  string: "x",
  bigint: 10n,
  symbol: Symbol("s"),
  object: {},
  array: [],
  function: () => {},
};

/** Valid arguments for every method, by sub-API (a plan is filled in by `before`). */
const VALID = {
  users: {
    list: [],
    get: [1693],
    getByIdNum: ["ABC123-98765"],
    save: [[]],
    validate: [[]],
    assignAccessLevels: ["ABC123-98765", []],
    disable: ["ABC123-98765", { at: "2099-12-31 18:00:00" }],
    plan: [[], { key: "id_num" }],
    apply: [undefined],
  },
  credentials: { list: [], summary: [], reissue: [[]] },
  events: { list: [], after: [0], tail: [{}] },
  doors: { list: [], create: [[]], states: [] },
  fobs: { list: [], create: [[]], reassign: [[]], check: [] },
  schedules: { list: [] },
  accessLevels: { list: [] },
};

/** The parameters each method declares (the last is always `options`). */
const ARITY = {
  "users.list": 1, "users.get": 2, "users.getByIdNum": 2, "users.save": 2, "users.validate": 2,
  "users.assignAccessLevels": 3, "users.disable": 2, "users.plan": 2, "users.apply": 2,
  "credentials.list": 1, "credentials.summary": 1, "credentials.reissue": 2,
  "events.list": 1, "events.after": 2, "events.tail": 1,
  "doors.list": 1, "doors.create": 2, "doors.states": 1,
  "fobs.list": 1, "fobs.create": 2, "fobs.reassign": 2, "fobs.check": 1,
  "schedules.list": 1, "accessLevels.list": 1, "nextCardNumber": 1,
};

const FUNCTIONS = {
  version: [],
  validateUsers: [[]],
  validateUser: [{}],
  validateFobs: [[]],
  validateFobAssignments: [[]],
  validateDoors: [[]],
  planBatches: [[], 100],
  parseUsersCsv: ["first_name\nAnn\n", {}],
  validateUsersCsv: ["first_name\nAnn\n", {}],
};
const FUNCTION_ARITY = { version: 0, validateUsers: 1, validateUser: 1, validateFobs: 1, validateFobAssignments: 1, validateDoors: 1, planBatches: 2, parseUsersCsv: 2, validateUsersCsv: 2 };

let sb;
before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(() => sb?.stop());

/** What `fn` gave: "ok", or the LocktError kind; anything else fails the test. */
async function outcome(label, fn) {
  let result;
  try {
    result = fn();
    if (result && typeof result.then === "function") result = await result;
  } catch (error) {
    assert.ok(error?.name === "LocktError" && typeof error.kind === "string", `${label}: threw ${error?.stack ?? String(error)}`);
    assert.notEqual(error.kind, "internal", `${label}: ${error.message}`);
    return error.kind;
  }
  if (result && typeof result.return === "function") await result.return(); // an events.tail
  return "ok";
}

for (const [how, load] of [["import", importPackage], ["require", requirePackage]]) {
  test(`via ${how}: every method and function, every kind of value in each position`, { timeout: 120_000 }, async () => {
    const sdk = await load();
    const lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, maxRetries: 0 });
    VALID.users.apply = [await lockt.users.plan([], { key: "id_num" })];
    const calls = [];
    for (const [api, methods] of Object.entries(VALID)) {
      for (const [name, valid] of Object.entries(methods)) calls.push([`${api}.${name}`, (...a) => lockt[api][name](...a), valid, ARITY[`${api}.${name}`]]);
    }
    calls.push(["nextCardNumber", (...a) => lockt.nextCardNumber(...a), [], ARITY.nextCardNumber]);
    for (const [name, valid] of Object.entries(FUNCTIONS)) calls.push([name, (...a) => sdk[name](...a), valid, FUNCTION_ARITY[name]]);
    calls.push(["new LocktClient", (o) => new sdk.LocktClient(o), [{ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY }], 1]);
    calls.push(["new LocktError", (message, init) => new sdk.LocktError(message, init), ["x", { kind: "auth" }], 2]);
    calls.push(["isLocktError", (value) => sdk.isLocktError(value), [undefined], 1]);
    for (const name of ["UsersApi", "CredentialsApi", "EventsApi", "DoorsApi", "FobsApi", "SchedulesApi", "AccessLevelsApi"]) {
      calls.push([`new ${name}`, (inner) => new sdk[name](inner), [undefined], 1]); // only a LocktClient makes them
    }

    const refusedTypes = [];
    for (const [label, call, valid, arity] of calls) {
      for (let position = 0; position < arity; position++) {
        for (const [kind, value] of Object.entries(VALUES)) {
          const args = [...valid];
          args[position] = value;
          const got = await outcome(`${label} with ${kind} at ${position}`, () => call(...args));
          if (got !== "ok" && got !== "config") {
            // Reaching the server is fine (the value was a valid type), but then it is its answer.
            assert.ok(["not_found", "bad_request", "validation"].includes(got), `${label} with ${kind} at ${position}: kind ${got}`);
          }
          if (got === "config") refusedTypes.push(`${label}/${position}/${kind}`);
        }
      }
    }
    // The checks actually refuse: the issue's own cases, and every kind that cannot be an array.
    for (const refused of ["users.getByIdNum/0/number", "users.getByIdNum/0/undefined", "users.save/0/object", "planBatches/1/bigint", "users.list/0/symbol", "parseUsersCsv/0/number"]) {
      assert.ok(refusedTypes.includes(refused), `${refused} is refused with kind config`);
    }
  });
}

for (const [how, load] of [["import", () => importPackage("/validate")], ["require", () => requirePackage("/validate")]]) {
  test(`lockt-secureaccess/validate via ${how}: every function, every kind of value in each position`, async () => {
    const sdk = await load();
    for (const [name, valid] of Object.entries(FUNCTIONS)) {
      if (!(name in sdk)) continue; // version() is the main entry's
      for (let position = 0; position < FUNCTION_ARITY[name]; position++) {
        for (const [kind, value] of Object.entries(VALUES)) {
          const args = [...valid];
          args[position] = value;
          const got = await outcome(`validate/${name} with ${kind} at ${position}`, () => sdk[name](...args));
          assert.ok(["ok", "config"].includes(got), `validate/${name} with ${kind} at ${position}: ${got}`);
        }
      }
    }
    assert.throws(() => sdk.parseUsersCsv(42), (e) => sdk.isLocktError(e) && e.kind === "config");
  });
}

test("the refusal comes before anything crosses into wasm: no request, a useful message", async () => {
  const sdk = await importPackage();
  const lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
  await sb.admin.clearRequests();
  const error = await lockt.users.getByIdNum(123).then(() => assert.fail("resolved"), (e) => e);
  assert.ok(error instanceof sdk.LocktError);
  assert.equal(error.kind, "config");
  assert.match(error.message, /getByIdNum: idNum must be a string/);
  assert.equal((await sb.admin.requests()).length, 0);
  // A sync function throws (an async method rejects: above).
  assert.throws(() => sdk.planBatches([1, 2], 1n), (e) => e instanceof sdk.LocktError && e.kind === "config");
});
