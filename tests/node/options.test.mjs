// Issue 13, "Options: one typed struct per method": for every method, a mistyped key is refused
// with kind `config`, naming the key and the nearest known one; a value of the wrong type is
// refused naming the option and the type; neither sends a request; and good options still work
// against the sandbox. Through the package as installed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

let sdk, sb, lockt, plan;

before(async () => {
  sdk = await importPackage();
  sb = await startSandbox({ seed: "demo" });
  lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, maxRetries: 0 });
  plan = await lockt.users.plan([{ ...someUser, first_name: "Planned" }]);
});
after(() => sb?.stop());

/** What `fn` threw or rejected with; fails the test when it worked. */
async function refusal(fn) {
  try {
    const result = await fn();
    if (typeof result?.return === "function") await result.return(); // an events.tail: refused when made
  } catch (error) {
    return error;
  }
  assert.fail("it worked");
}

/** Asserts that `fn` is refused with kind `config`, a message matching `pattern`, and no request. */
async function assertRefused(label, fn, pattern) {
  await sb.admin.clearRequests();
  const error = await refusal(fn);
  assert.ok(error instanceof sdk.LocktError, `${label}: ${error?.stack ?? error}`);
  assert.equal(error.kind, "config", `${label}: ${error.message}`);
  assert.match(error.message, pattern, label);
  assert.doesNotMatch(error.message, /expected (f64|u32|a boolean)|line \d+ column|invalid type/, `${label}: no serde words`);
  assert.deepEqual(await sb.admin.requests(), [], `${label}: nothing was sent`);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The message of an unknown key `typo` whose nearest known key is `meant`. */
const unknown = (typo, meant) => new RegExp(escape(`unknown option \`${typo}\`; did you mean \`${meant}\`?`));

/** The message of an option `key` that must be `type`. */
const mustBe = (key, type) => new RegExp(escape(`option \`${key}\` must be ${type}, got `));

const signal = new AbortController().signal;
const someUser = { id_num: "OPT-1", first_name: "Opt", last_name: "Ion" };

/**
 * Every method that takes options: how to call it with `options`, a typo and the key it
 * stands for, a wrong value and the type its option needs, and good options with what they
 * must give. `users.apply` applies `plan`, made by `before`.
 */
const METHODS = [
  ["users.list", (o) => lockt.users.list(o), ["singal", "signal"], [{ signal: "yes" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["users.get", (o) => lockt.users.get(1693, o), ["Signal", "signal"], [{ signal: {} }, "signal", "an AbortSignal"], { signal }, (r) => assert.equal(typeof r, "object")],
  ["users.getByIdNum", (o) => lockt.users.getByIdNum("ABC123-98765", o), ["sigal", "signal"], [{ signal: 1 }, "signal", "an AbortSignal"], { signal: undefined }, (r) => assert.equal(typeof r, "object")],
  [
    "users.save",
    (o) => lockt.users.save([someUser], o),
    ["updateExsting", "updateExisting"],
    [{ updateExisting: "yes" }, "updateExisting", "true or false"],
    { updateExisting: true, validateFailsBatch: false, replacePrivileges: false, signal, onProgress: () => {} },
    (r) => assert.equal(r.committed, 1),
  ],
  ["users.validate", (o) => lockt.users.validate([someUser], o), ["sigal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.deepEqual(r.details, [])],
  [
    "users.assignAccessLevels",
    (o) => lockt.users.assignAccessLevels("OPT-1", [], o),
    ["replce", "replace"],
    [{ replace: 1 }, "replace", "true or false"],
    { replace: true, signal },
    (r) => assert.deepEqual(r.accesslevels, []),
  ],
  [
    "users.disable",
    (o) => lockt.users.disable("OPT-1", o),
    ["att", "at"],
    [{ at: true }, "at", "a Date, epoch milliseconds or YYYY-MM-DD HH:MM:SS"],
    { at: new Date("2099-12-31T18:00:00Z"), signal },
    (r) => assert.match(r.access_expires, /^2099-12-31.18:00:00/),
  ],
  ["users.plan", (o) => lockt.users.plan([someUser], o), ["kye", "key"], [{ key: 5 }, "key", 'one of "id_num", "email"'], { key: "email", disableMissing: false, signal }, (r) => assert.equal(r.key, "email")],
  ["users.apply", (o) => lockt.users.apply(plan, o), ["replacePrivilege", "replacePrivileges"], [{ validateFailsBatch: "no" }, "validateFailsBatch", "true or false"], { validateFailsBatch: true, signal, onProgress: () => {} }, (r) => assert.equal(r.records.length, 1)],
  ["credentials.list", (o) => lockt.credentials.list(o), ["sginal", "signal"], [{ signal: [] }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["credentials.summary", (o) => lockt.credentials.summary(o), ["signl", "signal"], [{ signal: true }, "signal", "an AbortSignal"], { signal }, (r) => assert.equal(typeof r, "object")],
  ["credentials.reissue", (o) => lockt.credentials.reissue([], o), ["validateFailBatch", "validateFailsBatch"], [{ validateFailsBatch: 0 }, "validateFailsBatch", "true or false"], { validateFailsBatch: false, signal, onProgress: () => {} }, (r) => assert.equal(r.records.length, 0)],
  ["events.list", (o) => lockt.events.list(o), ["sigmal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(r.length > 0)],
  ["events.after", (o) => lockt.events.after(0, o), ["singal", "signal"], [{ signal: 5 }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(r.length > 0)],
  ["events.tail", (o) => lockt.events.tail(o), ["afer", "after"], [{ intervalMs: "5" }, "intervalMs", "a number"], { after: 0, intervalMs: 5, onGap: () => {} }, async (tail) => {
      assert.equal((await tail.next()).done, false);
      await tail.return();
    }],
  ["doors.list", (o) => lockt.doors.list(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["doors.create", (o) => lockt.doors.create([{ name: "Options door" }], o), ["onprogress", "onProgress"], [{ onProgress: {} }, "onProgress", "a function"], { validateFailsBatch: false, signal, onProgress: () => {} }, (r) => assert.equal(r.committed, 1)],
  ["doors.states", (o) => lockt.doors.states(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["fobs.list", (o) => lockt.fobs.list(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["fobs.create", (o) => lockt.fobs.create([{ name: "Options fob", card_num: 987654 }], o), ["validatefailsbatch", "validateFailsBatch"], [{ validateFailsBatch: "true" }, "validateFailsBatch", "true or false"], { validateFailsBatch: true, signal }, (r) => assert.equal(r.committed, 1)],
  ["fobs.reassign", (o) => lockt.fobs.reassign([], o), ["validate_fails_batch", "validateFailsBatch"], [{ onProgress: 1 }, "onProgress", "a function"], { validateFailsBatch: true, onProgress: () => {} }, (r) => assert.equal(r.records.length, 0)],
  ["fobs.check", (o) => lockt.fobs.check(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["schedules.list", (o) => lockt.schedules.list(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["accessLevels.list", (o) => lockt.accessLevels.list(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.ok(Array.isArray(r))],
  ["nextCardNumber", (o) => lockt.nextCardNumber(o), ["singal", "signal"], [{ signal: "x" }, "signal", "an AbortSignal"], { signal }, (r) => assert.match(r, /^\d+$/)],
];

test("the table covers every method of the client", () => {
  const apis = ["users", "credentials", "events", "doors", "fobs", "schedules", "accessLevels"];
  const methods = apis.flatMap((api) => Object.getOwnPropertyNames(lockt[api]).map((m) => `${api}.${m}`));
  assert.deepEqual(METHODS.map(([name]) => name).sort(), [...methods, "nextCardNumber"].sort());
});

test("every method refuses a mistyped option, naming it and the nearest known one", async () => {
  for (const [name, call, [typo, meant]] of METHODS) {
    await assertRefused(`${name} with ${typo}`, () => call({ [typo]: true }), unknown(typo, meant));
  }
});

test("every method refuses an option of the wrong type, naming the option and its type", async () => {
  for (const [name, call, , [options, key, type]] of METHODS) {
    await assertRefused(`${name} with ${JSON.stringify(options)}`, () => call(options), mustBe(key, type));
  }
});

test("every method still works with good options", async () => {
  for (const [name, call, , , options, check] of METHODS) {
    await sb.admin.clearRequests();
    await check(await call(options));
    assert.ok((await sb.admin.requests()).length > 0 || name.endsWith("reissue") || name.endsWith("reassign"), `${name} reached the sandbox`);
  }
});

test("the issue's three cases", async () => {
  await assertRefused("users.save", () => lockt.users.save([someUser], { updateExsting: true }), /users\.save: unknown option `updateExsting`; did you mean `updateExisting`\?/);
  await assertRefused("events.tail", () => lockt.events.tail({ afer: 5 }), /events\.tail: unknown option `afer`; did you mean `after`\?/);
  await assertRefused("new LocktClient", () => new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, timeoutMs: "3000" }), /option `timeoutMs` must be a number, got a string$/);
});

test("updateExisting reaches the API: a save with it updates, one without ignores", async () => {
  await lockt.users.save([{ id_num: "OPT-U", first_name: "First" }]);
  await lockt.users.save([{ id_num: "OPT-U", first_name: "Ignored" }]);
  assert.equal((await lockt.users.getByIdNum("OPT-U")).first_name, "First");
  await lockt.users.save([{ id_num: "OPT-U", first_name: "Second" }], { updateExisting: true });
  assert.equal((await lockt.users.getByIdNum("OPT-U")).first_name, "Second");
});

test("the constructor: its options, rateLimit and hooks follow the same rules", async () => {
  const base = { baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY };
  const make = (options) => () => new sdk.LocktClient({ ...base, ...options });
  await assertRefused("timeutMs", make({ timeutMs: 5 }), unknown("timeutMs", "timeoutMs"));
  await assertRefused("apikey", make({ apikey: "k" }), unknown("apikey", "apiKey"));
  await assertRefused("rateLimit.maxWait", make({ rateLimit: { maxWait: 5 } }), unknown("rateLimit.maxWait", "rateLimit.maxWaitMs"));
  await assertRefused("hooks.onRequest", make({ hooks: { onRequest: () => {} } }), unknown("hooks.onRequest", "hooks.request"));
  await assertRefused("maxRetries", make({ maxRetries: 1.5 }), mustBe("maxRetries", "a whole number >= 0"));
  await assertRefused("rateLimit.maxWaitMs", make({ rateLimit: { maxWaitMs: "5 min" } }), mustBe("rateLimit.maxWaitMs", "a number"));
  await assertRefused("hooks.retry", make({ hooks: { retry: "log" } }), mustBe("hooks.retry", "a function"));
  await assertRefused("headers", make({ headers: { "x-trace": 1 } }), mustBe("headers.x-trace", "a string"));
  for (const half of [{ apiUser: API_USER }, { apiKey: API_KEY }]) {
    const label = `only ${Object.keys(half)[0]} behind a proxy`;
    await assertRefused(label, () => new sdk.LocktClient({ baseUrl: "/lockt", ...half }), /^apiUser and apiKey go together: give both, or neither/);
  }
  await assertRefused("no near key", make({ colour: "red" }), /unknown option `colour`; the options are `apiUser`, `apiKey`, `baseUrl`, /);
  const requests = [];
  const client = new sdk.LocktClient({ ...base, timeoutMs: 5000, maxRetries: 1, headers: { "x-trace": "1" }, rateLimit: { maxWaitMs: 1000 }, hooks: { request: (e) => requests.push(e.path) } });
  assert.ok(Array.isArray(await client.doors.list()));
  assert.deepEqual(requests, ["/api/v1/door"]);
});

test("undefined and null mean 'not given'", async () => {
  const report = await lockt.users.save([{ id_num: "OPT-N", first_name: "N" }], { updateExisting: undefined, validateFailsBatch: null, signal: null, onProgress: undefined });
  assert.equal(report.committed, 1);
  const tail = lockt.events.tail({ after: null, intervalMs: undefined, signal: undefined, onGap: null });
  await tail.return();
  assert.ok(new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, timeoutMs: undefined, hooks: null }));
  // ...but a mistyped key is refused even when its value is undefined.
  await assertRefused("undefined typo", () => lockt.users.list({ singal: undefined }), unknown("singal", "signal"));
});

test("events.after and events.tail take the same ids: 0, numbers and digit text", async () => {
  const all = await lockt.events.after(0);
  assert.deepEqual(await lockt.events.after("0"), all);
  const last = all.at(-1).id;
  const second = all.at(-2).id;
  assert.deepEqual((await lockt.events.after(String(second))).map((e) => e.id), [last]);
  for (const after of [0, "0", second, String(second)]) {
    const tail = lockt.events.tail({ after, intervalMs: 5 });
    const first = await tail.next();
    await tail.return();
    assert.equal(first.value.id, after === 0 || after === "0" ? all[0].id : last, `tail after ${JSON.stringify(after)}`);
  }
  for (const bad of [-1, 1.5, "x"]) {
    await assertRefused(`tail after ${bad}`, () => lockt.events.tail({ after: bad }), mustBe("after", "an event id: a whole number >= 0 or its digit text"));
    await assertRefused(`after(${bad})`, () => lockt.events.after(bad), /events\.after: id must be an event id/);
  }
});
