// Issue 12: the client objects behave like JS objects (unbound methods, sub-APIs made once,
// printed without pointers or the key, no free/dispose), one LocktError identity across import
// and require, and every LocktError's stack starting at the caller's call. The installed package.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { after, before, test } from "node:test";
import { importPackage, requirePackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const thisFile = fileURLToPath(import.meta.url);
let sb, esm, cjs;

before(async () => {
  [esm, cjs] = [await importPackage(), requirePackage()];
  sb = await startSandbox({ seed: "demo" });
});
after(() => sb?.stop());

const settings = () => ({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
const SUB_APIS = ["users", "credentials", "events", "doors", "fobs", "schedules", "accessLevels"];

for (const [how, sdk] of [["import", () => esm], ["require", () => cjs]]) {
  test(`via ${how}: methods work unbound, as React Query's queryFn: lockt.users.list calls them`, async () => {
    const lockt = new (sdk().LocktClient)(settings());
    const list = lockt.users.list;
    assert.ok((await list()).length > 400);
    const { get } = lockt.users;
    assert.equal((await get(1693)).last_name, "Brown3");
    const next = lockt.nextCardNumber;
    assert.match(await next(), /^\d+$/);
    const queryFn = lockt.accessLevels.list;
    assert.ok(Array.isArray(await Promise.resolve().then(queryFn)));
  });

  test(`via ${how}: each sub-API is made once`, () => {
    const lockt = new (sdk().LocktClient)(settings());
    for (const name of SUB_APIS) assert.equal(lockt[name], lockt[name], name);
    assert.equal(lockt.users.list, lockt.users.list);
  });

  test(`via ${how}: console.log, util.inspect, JSON.stringify and String show baseUrl and apiUser, never the key or a pointer`, () => {
    const lockt = new (sdk().LocktClient)(settings());
    const shown = [inspect(lockt), inspect(lockt, { showHidden: true, depth: 5 }), JSON.stringify(lockt), String(lockt), inspect(lockt.users, { showHidden: true })];
    for (const text of shown) {
      assert.ok(!text.includes(API_KEY), `the key in ${text}`);
      assert.ok(!/__wbg_ptr|ptr/i.test(text), `a pointer in ${text}`);
    }
    assert.ok(lockt.baseUrl.startsWith(sb.origin), lockt.baseUrl);
    assert.equal(lockt.apiUser, API_USER);
    assert.ok(shown[0].includes(`baseUrl: '${lockt.baseUrl}'`), shown[0]);
    assert.ok(shown[0].includes(`apiUser: '${API_USER}'`), shown[0]);
    assert.equal(JSON.parse(shown[2]).baseUrl, lockt.baseUrl);
    assert.equal(JSON.parse(shown[2]).apiUser, API_USER);
  });

  test(`via ${how}: no free or Symbol.dispose on the public types`, () => {
    const lockt = new (sdk().LocktClient)(settings());
    for (const object of [lockt, ...SUB_APIS.map((name) => lockt[name])]) {
      assert.equal(object.free, undefined);
      assert.equal(object[Symbol.dispose], undefined);
    }
  });

  test(`via ${how}: no test hooks or raw wasm symbols among the exports`, () => {
    for (const name of ["__panicForTests", "__trapForTests", "registerErrorClass", "initSync", "__wbg_init"]) {
      assert.ok(!(name in sdk()), name);
    }
  });
}

test("import and require share one LocktError identity; isLocktError agrees", async () => {
  const fromEsm = await new esm.LocktClient({ ...settings(), apiKey: "wrong" }).users.list().catch((e) => e);
  const fromCjs = await new cjs.LocktClient({ ...settings(), apiKey: "wrong" }).users.list().catch((e) => e);
  for (const error of [fromEsm, fromCjs, new esm.LocktError("x"), new cjs.LocktError("y")]) {
    assert.ok(error instanceof esm.LocktError, "instanceof the import's class");
    assert.ok(error instanceof cjs.LocktError, "instanceof the require's class");
    assert.ok(esm.isLocktError(error) && cjs.isLocktError(error));
  }
  assert.equal(fromEsm.kind, "auth");
  for (const other of [new Error("x"), null, undefined, "LocktError", { name: "LocktError", kind: "auth" }]) {
    assert.ok(!(other instanceof esm.LocktError) && !esm.isLocktError(other) && !cjs.isLocktError(other));
  }
  // A subclass still checks its own chain.
  class Mine extends esm.LocktError {}
  assert.ok(new Mine("m") instanceof esm.LocktError);
  assert.ok(!(new esm.LocktError("n") instanceof Mine));
});

/** The first stack frame below the message line. */
const topFrame = (error) => error.stack.split("\n").find((line) => /^\s+at /.test(line));

test("the stack starts at the caller's call, for errors from wasm and from the argument checks", async () => {
  const lockt = new esm.LocktClient({ ...settings(), apiKey: "wrong" });
  const fromServer = await lockt.users.list().catch((e) => e);
  assert.equal(fromServer.kind, "auth");
  assert.match(topFrame(fromServer), new RegExp(thisFile.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")), fromServer.stack);
  const fromCheck = await lockt.users.getByIdNum(123).catch((e) => e);
  assert.ok(topFrame(fromCheck).includes(thisFile), fromCheck.stack);
  let fromSync;
  try {
    esm.validateUsers("not an array");
  } catch (e) {
    fromSync = e;
  }
  assert.ok(topFrame(fromSync).includes(thisFile), fromSync.stack);
  let fromConstructor;
  try {
    new cjs.LocktClient({ baseUrl: "http://example.com/api/v1", apiUser: "u", apiKey: "k" });
  } catch (e) {
    fromConstructor = e;
  }
  assert.equal(fromConstructor.kind, "config");
  assert.ok(topFrame(fromConstructor).includes(thisFile), fromConstructor.stack);
  assert.ok(fromServer.stack.startsWith(`LocktError: ${fromServer.message}`));
  assert.ok(!/wasm-function|lockt_secureaccess\.js/.test(fromServer.stack), fromServer.stack);
});
