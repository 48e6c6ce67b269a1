// The apikey never leaves the client except in the apikey header to the base URL's host:
// not in any error (message, String, JSON, inspect, stack) across every failure kind, not in
// String / JSON.stringify / util.inspect / console.log of the client, not in the sandbox's
// log, not to another host on a redirect. And a full run of the other Node tests, with every
// LocktError they provoke recorded, prints and throws nothing that contains it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import util from "node:util";
import { importPackage, requirePackage } from "../support/pkg.mjs";
import { API_KEY, startSandbox } from "../support/sandbox.mjs";

const sdk = await importPackage();
const { LocktClient, LocktError } = sdk;

const root = fileURLToPath(new URL("../..", import.meta.url));
// A key of our own, so that any hit is unambiguous.
const SECRET = `sk${randomBytes(15).toString("hex")}`;
const API_USER = "secretsTestUser";

let sb;
before(async () => {
  sb = await startSandbox({ seed: "demo", args: ["--api-user", API_USER, "--api-key", SECRET] });
});
after(async () => {
  await sb?.stop();
});

/** Every way the text of `value` can come out. */
function renderings(value) {
  const out = [String(value), util.inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    out.push(JSON.stringify(value));
  } catch (e) {
    out.push(String(e));
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? "", util.inspect(value.cause, { depth: Infinity }));
  return out.join("\n");
}

function assertClean(text, what, secrets = [SECRET]) {
  for (const secret of secrets) {
    assert.ok(!String(text).includes(secret), `${what} contains the apikey:\n${String(text).slice(0, 2_000)}`);
  }
}

/** console.log / console.error output and stdout/stderr writes made while `f` runs. */
async function captureOutput(f) {
  const chunks = [];
  const writes = [process.stdout.write, process.stderr.write];
  process.stdout.write = (chunk, ...rest) => (chunks.push(String(chunk)), true);
  process.stderr.write = (chunk, ...rest) => (chunks.push(String(chunk)), true);
  try {
    await f();
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
  return chunks.join("");
}

function client(options = {}) {
  return new LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: SECRET, timeoutMs: 3_000, ...options });
}

async function caught(f) {
  try {
    await f();
  } catch (error) {
    return error;
  }
  assert.fail("expected a failure");
}

test("no error of any kind carries the apikey", async () => {
  const fault = (f) => sb.admin.faults([{ match: { path: "/api/v1/user" }, ...f }]);
  const seen = new Map();
  const check = async (label, f, secrets) => {
    const error = await caught(f);
    assert.ok(error instanceof LocktError, `${label}: ${error}`);
    seen.set(error.kind, (seen.get(error.kind) ?? 0) + 1);
    assertClean(renderings(error), `${label} (${error.kind})`, secrets);
  };
  const stale = `${SECRET.slice(0, -4)}zzzz`;
  await check("wrong key", () => client({ apiKey: stale }).users.list(), [SECRET, stale]);
  await check("key in baseUrl userinfo", () => client({ baseUrl: `https://${API_USER}:${SECRET}@cloudapi.lockt.com/api/v1` }));
  await check("plain http to a remote host", () => client({ baseUrl: "http://example.com/api/v1" }));
  await check("key with a space", () => client({ apiKey: `${SECRET} x` }));
  await check("key with a newline inside", () => client({ apiKey: `${SECRET}\nX` }));
  await check("key set as a header", () => client({ headers: { apikey: SECRET } }));
  await check("key in an invalid header", () => client({ headers: { "x-extra": `${SECRET}\u0000` } }));
  await check("unknown option holding the key", () => client({ apikey: SECRET }));
  await check("bad timeout", () => client({ timeoutMs: -1 }));
  await fault({ kind: "status", status: 400, content_type: "application/json", body: '{"result":["Invalid option value: x"],"errors":[]}' });
  await check("bad request", () => client().users.list());
  await fault({ kind: "status", status: 404, content_type: "application/json", body: "{}" });
  await check("not found", () => client().users.list());
  await fault({ kind: "status", status: 429 });
  await check("rate limited", () => client({ rateLimit: { maxWaitMs: 0 } }).users.list());
  await fault({ kind: "status", status: 500 });
  await check("server", () => client().users.list());
  await sb.admin.faults(Array.from({ length: 3 }, () => ({ match: { path: "/api/v1/user" }, kind: "drop" })));
  await check("dropped", () => client().users.list());
  await check("connection refused", () => client({ baseUrl: "http://127.0.0.1:9/api/v1", maxRetries: 0 }).users.list());
  await fault({ kind: "delay", ms: 1_500 });
  await check("timeout", () => client({ timeoutMs: 200 }).users.list());
  await check("aborted", () => client().users.list({ signal: AbortSignal.abort() }));
  await fault({ kind: "truncate" });
  await check("decode", () => client().users.list());
  await fault({ kind: "content_type", content_type: "text/html" });
  await check("decode (content type)", () => client().users.list());
  await fault({
    kind: "status",
    status: 400,
    content_type: "application/json",
    body: '{"result":["Validation errors found. Batch has failed. Details provided."],"errors":[{"error":["Non-Numeric card_num found: A1"],"input_data":{"card_num":"A1"}}]}',
  });
  await check("validation", () => client().users.list());
  await check("config: bad argument", () => client().users.get(-1));
  await check("config: bad options", () => client().users.save([{ first_name: "A" }], { updateExisting: "yes" }));
  for (const kind of ["config", "auth", "bad_request", "validation", "not_found", "rate_limited", "server", "network", "timeout", "aborted", "decode"]) {
    assert.ok(seen.has(kind), `a ${kind} error was checked (${[...seen.keys()]})`);
  }
});

// serde's "invalid type" messages quote the value: an apikey of the wrong type (a number from a
// config file that stored it unquoted) or a key put in the wrong field must not come back.
test("an apikey of the wrong type is not echoed in the config error", async () => {
  const numeric = 98765432109876;
  const error = await caught(() => new LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: numeric }));
  assert.equal(error.kind, "config");
  assertClean(renderings(error), "config error for a mistyped apikey", [String(numeric)]);
});

// Other options go through serde, whose messages quote the offending value: the SDK drops it.
test("a key pasted into the wrong option is not echoed in the config error", async () => {
  for (const options of [{ timeoutMs: SECRET }, { maxRetries: SECRET }, { headers: SECRET }, { baseUrl: [SECRET] }]) {
    const error = await caught(() => new LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: "k", ...options }));
    assert.equal(error.kind, "config");
    assertClean(renderings(error), `config error for ${Object.keys(options)}`);
  }
});

test("batch reports of failed runs carry no apikey", async () => {
  await sb.admin.faults([
    { match: { method: "POST", path: "/api/v1/user" }, kind: "drop", after_commit: true },
    { match: { method: "POST", path: "/api/v1/user" }, kind: "status", status: 401, content_type: "application/json", body: '{"result":["Access denied. Invalid API credentials."]}' },
  ]);
  const report = await client().users.save(Array.from({ length: 150 }, (_, i) => ({ id_num: `SEC-${i}`, first_name: "S" })));
  assert.equal(report.stoppedBy?.kind, "auth");
  assertClean(renderings(report), "BatchReport");
  const stale = await client({ apiKey: `${SECRET}X` }).users.save([{ id_num: "SEC-X", first_name: "S" }]);
  assertClean(renderings(stale), "BatchReport after a 401", [SECRET, `${SECRET}X`]);
});

test("String(client), JSON.stringify(client), util.inspect(client), console.log(client)", async () => {
  for (const lockt of [client(), new (requirePackage().LocktClient)({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: SECRET })]) {
    assertClean(String(lockt), "String(client)");
    assertClean(`${lockt}`, "template literal");
    const json = JSON.stringify(lockt);
    assertClean(json, "JSON.stringify(client)");
    assert.equal(JSON.parse(json).apiKey, "[redacted]");
    assertClean(util.inspect(lockt, { depth: Infinity, showHidden: true, getters: true }), "util.inspect(client)");
    assertClean(JSON.stringify(Object.entries(lockt)), "Object.entries(client)");
    for (const handle of ["users", "doors", "fobs", "events", "credentials", "schedules", "accessLevels"]) {
      assertClean(renderings(lockt[handle]), `client.${handle}`);
    }
    const printed = await captureOutput(() => {
      console.log(lockt);
      console.log("%o", lockt);
      console.dir(lockt, { depth: null, showHidden: true });
      console.error(lockt, lockt.users);
      console.log(`${lockt}`, JSON.stringify({ lockt }));
    });
    assert.ok(printed.length > 0);
    assertClean(printed, "console output of the client");
  }
});

test("the sandbox's log lines and request log never hold the apikey", async () => {
  await client().users.list();
  await client().users.save([{ id_num: "SEC-LOG", first_name: "Log" }]);
  await caught(() => client({ apiKey: `${SECRET}Q` }).users.list());
  const lines = sb.logLines();
  assert.ok(lines.some((l) => l.includes("/api/v1/user")));
  assertClean(lines.join("\n"), "sandbox log", [SECRET, `${SECRET}Q`]);
  assertClean(JSON.stringify(await sb.admin.requests()), "sandbox request log", [SECRET, `${SECRET}Q`]);
});

/** A server on 127.0.0.1 that records every request; `handler` answers. */
function server(handler, host = "127.0.0.1") {
  const seen = [];
  const s = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    handler(req, res);
  });
  return new Promise((resolve) =>
    s.listen(0, host, () =>
      resolve({
        port: s.address().port,
        seen,
        close: () => new Promise((done) => (s.close(done), s.closeAllConnections())),
      }),
    ),
  );
}

test("no apikey to another host on a cross-host redirect", async () => {
  // The second host: `localhost` is another host than `127.0.0.1` for fetch, so a followed
  // redirect would be a cross-origin one.
  const other = await server((req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"data":[]}'));
  const redirector = await server((req, res) => {
    const status = req.method === "GET" ? 302 : 307;
    res.writeHead(status, { location: `http://localhost:${other.port}${req.url}` }).end();
  });
  try {
    const lockt = client({ baseUrl: `http://127.0.0.1:${redirector.port}/api/v1` });
    const read = await caught(() => lockt.users.list());
    assert.equal(read.kind, "network");
    assert.match(read.message, /redirect/);
    assertClean(renderings(read), "redirect error");
    const report = await lockt.doors.create([{ name: "Redirected door" }]);
    assert.equal(report.total, 1);
    assertClean(renderings(report), "redirect report");
    assert.ok(redirector.seen.length >= 2, "the base URL's host was asked");
    assert.ok(redirector.seen.every((r) => r.headers.apikey === SECRET), "the apikey goes to the base URL's host");
    const leaked = other.seen.filter((r) => "apikey" in r.headers || "apiuser" in r.headers);
    assert.deepEqual(leaked, [], "the other host never sees the credentials");
    assert.deepEqual(other.seen, [], "redirects are not followed at all");
  } finally {
    await redirector.close();
    await other.close();
  }
});

// The preload for the full run below: every LocktError built by either build of the package
// (ESM and CJS) goes through a spy subclass that records all of its renderings.
const PRELOAD = `
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import util from "node:util";
const out = process.env.LOCKT_SECRETS_RECORD;
const record = (text) => { try { appendFileSync(out, text + "\\n\\u0000\\n"); } catch {} };
const spy = (sdk, hooks) => {
  if (!sdk?.LocktError || typeof hooks?.registerErrorClass !== "function") return;
  class RecordedLocktError extends sdk.LocktError {
    constructor(message, init) {
      super(message, init);
      Object.defineProperty(this, "constructor", { value: sdk.LocktError, enumerable: false, configurable: true, writable: true });
      queueMicrotask(() => record([String(this), this.stack, JSON.stringify(this), util.inspect(this, { depth: null })].join("\\n")));
      record("LOCKT_ERROR " + this.kind);
    }
  }
  Object.defineProperty(RecordedLocktError, "name", { value: "LocktError" });
  hooks.registerErrorClass(RecordedLocktError);
};
if (out) {
  try {
    const pkg = await import(${JSON.stringify(pathToFileURL(join(root, "tests/support/pkg.mjs")).href)});
    spy(await pkg.importPackage(), await pkg.testHooks("import"));
    spy(pkg.requirePackage(), await pkg.testHooks("require"));
  } catch (e) { record("PRELOAD FAILED " + e); }
  for (const name of ["log", "info", "warn", "error", "debug", "dir", "trace"]) {
    const original = console[name];
    console[name] = (...args) => { record(util.format(...args)); return original.apply(console, args); };
  }
}
`;

test("a full run of the other Node tests prints and throws nothing with the apikey", { timeout: 600_000 }, async () => {
  const files = ["tests/package", "tests/node"].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith(".test.mjs") && f !== "secrets.test.mjs")
      .map((f) => join(dir, f)),
  );
  assert.ok(files.length >= 3, files.join(", "));
  const dir = mkdtempSync(join(tmpdir(), "lockt-secrets-"));
  try {
    const preload = join(dir, "preload.mjs");
    const recordFile = join(dir, "record.txt");
    writeFileSync(preload, PRELOAD);
    writeFileSync(recordFile, "");
    const child = spawn(process.execPath, ["--test", "--test-reporter=spec", ...files], {
      cwd: root,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NODE_TEST"))),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(preload).href}`.trim(),
        LOCKT_SECRETS_RECORD: recordFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    await new Promise((resolve) => child.once("close", resolve));
    const recorded = readFileSync(recordFile, "utf8");
    const tests = Number(output.match(/ℹ tests (\d+)/)?.[1] ?? 0);
    assert.ok(tests > 20, `the full run ran its tests (${tests}):\n${output.slice(-3_000)}`);
    assert.ok(!recorded.includes("PRELOAD FAILED"), recorded.slice(0, 2_000));
    const errors = recorded.split("LOCKT_ERROR ").length - 1;
    assert.ok(errors > 20, `the spy saw the run's LocktErrors (${errors})`);
    // The other tests use the sandbox's default key.
    assertClean(output, "output of the full Node test run", [API_KEY, SECRET]);
    assertClean(recorded, "errors and console output recorded during the full run", [API_KEY, SECRET]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every call carries the client's headers, the credentials once each, and no stale body", async () => {
  const answer = (req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(req.method === "GET" ? '{"data":[]}' : '{"data":{"submitted":1,"inserted":1,"updated":0,"errors":0}}'));
  };
  const host = await server(answer);
  try {
    const lockt = client({ baseUrl: `http://127.0.0.1:${host.port}/api/v1`, headers: { "X-Trace": "t1", "X-Other": " two " } });
    await lockt.users.list();
    await lockt.users.save([{ id_num: "HDR-1", first_name: "Header" }]);
    await lockt.doors.list();
    assert.equal(host.seen.length, 3);
    for (const { method, headers } of host.seen) {
      assert.equal(headers["x-trace"], "t1", method);
      assert.equal(headers["x-other"], "two", "a value trimmed as Headers trims it");
      assert.equal(headers.apiuser, API_USER);
      assert.equal(headers.apikey, SECRET);
      assert.equal(headers["content-type"], "application/json");
    }
    assert.equal(host.seen[1].method, "POST");
    assert.equal(host.seen[2].headers["content-length"], undefined, "the GET after the write sends no body");
  } finally {
    await host.close();
  }
});
