// hooks: { request, response, retry } (issue 12), on the package as installed, against the
// sandbox: what each hook is told, that none ever sees the apikey, and that a hook that
// throws or rejects never fails the call. Also: a network error keeps the runtime's error
// as its cause.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const { LocktClient, LocktError } = await importPackage();

let sb;
before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(async () => {
  await sb?.stop();
});
beforeEach(async () => {
  await sb.admin.clearFaults();
});

const client = (options = {}) => new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey, ...options });

/** A client whose hooks record every event as [hook, event]. */
function recorded(options = {}) {
  const events = [];
  const hooks = Object.fromEntries(["request", "response", "retry"].map((name) => [name, (e) => events.push([name, e])]));
  return { events, lockt: client({ hooks, ...options }) };
}

/** A loopback port nothing listens on (one the OS just handed out and took back). */
async function closedPort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LocktError, `expected a LocktError, got ${error?.stack ?? error}`);
    return error;
  }
  assert.fail("expected the call to reject");
}

test("a read retried after a 502: request, response and retry, in order, with attempt, status and duration", async () => {
  await sb.admin.faults([{ match: { method: "GET", path: "/api/v1/user" }, kind: "status", status: 502 }]);
  const { events, lockt } = recorded();
  await lockt.users.list();
  assert.deepEqual(events.map(([name, e]) => [name, e.method, e.path, e.attempt, e.status]), [
    ["request", "GET", "/api/v1/user", 1, undefined],
    ["response", "GET", "/api/v1/user", 1, 502],
    ["retry", "GET", "/api/v1/user", 1, 502],
    ["request", "GET", "/api/v1/user", 2, undefined],
    ["response", "GET", "/api/v1/user", 2, 200],
  ]);
  const [, request] = events[0];
  assert.equal(request.url, `${sb.baseUrl}/user`);
  assert.equal(request.headers.apikey, "[redacted]");
  assert.equal(request.headers.apiuser, sb.apiUser);
  for (const [name, e] of events.filter(([name]) => name === "response")) assert.ok(e.durationMs >= 0 && Number.isFinite(e.durationMs), `${name}: ${e.durationMs}`);
  const [, retry] = events[2];
  assert.equal(retry.reason, "server");
  assert.ok(retry.waitMs > 0);
  assert.ok(!JSON.stringify(events).includes(sb.apiKey), "no hook saw the apikey");
});

test("a write answered 429: retry with reason rate_limited and the Retry-After wait", async () => {
  await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/user" }, kind: "status", status: 429 }]);
  const { events, lockt } = recorded({ headers: { "X-Trace": "t1" } });
  const report = await lockt.users.save([{ id_num: "H-429", first_name: "Hook", last_name: "Wait" }]);
  assert.equal(report.committed, 1);
  const retries = events.filter(([name]) => name === "retry").map(([, e]) => e);
  assert.equal(retries.length, 1);
  assert.deepEqual([retries[0].method, retries[0].path, retries[0].status, retries[0].reason], ["POST", "/api/v1/user", 429, "rate_limited"]);
  assert.ok(retries[0].waitMs >= 1000, `waited at least Retry-After: ${retries[0].waitMs}`);
  const requests = events.filter(([name]) => name === "request").map(([, e]) => e);
  assert.deepEqual(requests.map((e) => e.attempt), [1, 2]);
  assert.equal(requests[0].headers["x-trace"], "t1");
  assert.ok(!JSON.stringify(events).includes(sb.apiKey));
});

test("no answer: response tells the error kind, no status", async () => {
  const { events, lockt } = recorded({ baseUrl: "http://127.0.0.1:9/api/v1", maxRetries: 0 });
  await rejection(lockt.users.list());
  const responses = events.filter(([name]) => name === "response").map(([, e]) => e);
  assert.equal(responses.length, 1);
  assert.equal(responses[0].error, "network");
  assert.equal(responses[0].status, undefined);
});

test("a hook that throws or rejects never fails the call", async () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await sb.admin.faults([{ match: { method: "GET", path: "/api/v1/user" }, kind: "status", status: 503 }]);
    const boom = () => {
      throw new Error("hook failed");
    };
    const list = await client({ hooks: { request: boom, response: boom, retry: boom } }).users.list();
    assert.ok(list.length > 0);
    const report = await client({ hooks: { request: async () => Promise.reject(new Error("async hook failed")) } }).users.save([
      { id_num: "H-async", first_name: "Hook", last_name: "Async" },
    ]);
    assert.equal(report.committed, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("hooks must be functions, under the three known names", () => {
  for (const hooks of [{ request: 1 }, { onRequest: () => {} }, "log", [() => {}]]) {
    assert.throws(() => client({ hooks }), (e) => e instanceof LocktError && e.kind === "config", JSON.stringify(hooks));
  }
  assert.doesNotThrow(() => client({ hooks: {} }));
  assert.doesNotThrow(() => client({ hooks: { retry: undefined } }));
});

test("a network error keeps the runtime's error as its cause, with the cause's own cause", async () => {
  const refused = await rejection(client({ baseUrl: `http://127.0.0.1:${await closedPort()}/api/v1`, maxRetries: 0 }).users.list());
  assert.equal(refused.kind, "network");
  assert.ok(refused.cause instanceof Error, `cause: ${refused.cause}`);
  assert.equal(refused.cause.cause?.code, "ECONNREFUSED");
  const mistyped = await rejection(new LocktClient({ baseUrl: "https://lockt.invalid/api/v1", apiUser: "u", apiKey: "k", maxRetries: 0 }).users.list());
  assert.equal(mistyped.kind, "network");
  assert.ok(["ENOTFOUND", "EAI_AGAIN"].includes(mistyped.cause?.cause?.code), `cause: ${mistyped.cause?.cause?.code}`);
  assert.equal(JSON.parse(JSON.stringify(mistyped)).cause, undefined, "toJSON leaves the cause out");
});
