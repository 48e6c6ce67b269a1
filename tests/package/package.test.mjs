// Smoke test of the packed package in Node: import and require both work,
// agree with each other, and the package.json is what npm users need.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import test from "node:test";
import { importPackage, installed, packageJson, pkgDir, requirePackage } from "../support/pkg.mjs";

const cargoToml = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8");
const cargoVersion = cargoToml.split(/^\[package\]/m)[1].match(/^version\s*=\s*"([^"]+)"/m)[1];

test("the package under test is the installed tarball", { skip: !installed && "LOCKT_PKG_DIR not set: testing pkg/" }, () => {
  assert.match(pkgDir, /node_modules[\\/]lockt-secureaccess$/);
});

test("import (ESM) loads without an explicit init and reports the Cargo version", async () => {
  const sdk = await importPackage();
  assert.equal(sdk.version(), cargoVersion);
  // init() is there for code shared with browsers: the default export, one promise for every
  // call, resolving to nothing.
  assert.equal(sdk.default, sdk.init);
  const ready = sdk.init();
  assert.ok(ready instanceof Promise);
  assert.equal(sdk.init(), ready);
  assert.equal(await ready, undefined);
});

test("require (CommonJS) loads and reports the Cargo version", async () => {
  const sdk = requirePackage();
  assert.equal(sdk.version(), cargoVersion);
  assert.equal(await sdk.init(), undefined);
});

test("import and require export the same API", async () => {
  const esm = Object.keys(await importPackage()).filter((name) => name !== "initSync").sort();
  const cjs = Object.keys(requirePackage()).sort();
  assert.deepEqual(cjs, esm);
});

test("lockt-secureaccess/validate: the validators alone, the same through import and require", async () => {
  const esm = await importPackage("/validate");
  const cjs = requirePackage("/validate");
  const names = ["LOCKT_ERROR_KINDS", "LocktError", "default", "doorSchema", "fobSchema", "init", "isLocktError", "parseUsersCsv", "planBatches", "userSchema", "validateDoors", "validateFobAssignments", "validateFobs", "validateUser", "validateUsers", "validateUsersCsv"];
  assert.deepEqual(Object.keys(esm).sort(), names);
  assert.deepEqual(Object.keys(cjs).sort(), names);
  const users = [{ id_num: "A1", first_name: " Ann ", card_num: 5 }, { id_num: "A1", card_num: "A8914" }];
  const main = await importPackage();
  assert.deepEqual(esm.validateUsers(users), main.validateUsers(users));
  assert.deepEqual(cjs.validateUsers(users), main.validateUsers(users));
  assert.equal(esm.LocktError, main.LocktError, "one error class across the ESM entries");
  assert.deepEqual(esm.parseUsersCsv("id_num,card_num\nA1,12\n").users, [{ id_num: "A1", card_num: "12" }]);
  await esm.init();
  assert.equal(await cjs.init(), undefined);
});

for (const [how, load] of [["import", importPackage], ["require", requirePackage]]) {
  test(`LocktError via ${how}`, async () => {
    const { LocktError, LOCKT_ERROR_KINDS } = await load();
    const cause = new Error("socket hang up");
    const error = new LocktError("Unauthorized", { kind: "auth", status: 401, messages: ["Unauthorized"], cause });
    assert.ok(error instanceof Error);
    assert.ok(error instanceof LocktError);
    assert.equal(error.name, "LocktError");
    assert.equal(error.cause, cause);
    assert.deepEqual(JSON.parse(JSON.stringify(error)), {
      name: "LocktError",
      kind: "auth",
      status: 401,
      message: "Unauthorized",
      messages: ["Unauthorized"],
      details: [],
      retryable: false,
    });
    assert.equal(new LocktError("?", { kind: "nonsense" }).kind, "internal");
    assert.ok(LOCKT_ERROR_KINDS.includes("rate_limited"));
  });
}

test("package.json has what npm users need, and no install scripts", () => {
  const pkg = packageJson();
  assert.equal(pkg.name, "lockt-secureaccess");
  assert.equal(pkg.version, cargoVersion);
  assert.equal(pkg.license, "MIT");
  assert.equal(pkg.type, "module");
  assert.ok(pkg.repository?.url, "repository");
  assert.ok(pkg.types && pkg.files?.length && pkg.exports?.["."], "types, files, exports");
  for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
    assert.equal(pkg.scripts?.[hook], undefined, `no ${hook} script`);
  }
  assert.ok(!existsSync(join(pkgDir, "binding.gyp")), "no binding.gyp (npm would run node-gyp)");
  assert.equal(pkg.dependencies, undefined, "no runtime dependencies");
});

test("every file the exports map points at is in the package", () => {
  const targets = [];
  (function walk(value) {
    if (typeof value === "string") targets.push(value);
    else for (const inner of Object.values(value)) walk(inner);
  })(packageJson().exports);
  for (const target of [...targets, packageJson().types, packageJson().main, packageJson().module]) {
    assert.ok(existsSync(join(pkgDir, target)), `${target} is missing`);
  }
  for (const build of ["web", "node", "validate/web", "validate/node"]) {
    assert.ok(existsSync(join(pkgDir, build, "lockt_secureaccess_bg.wasm")), `${build}/lockt_secureaccess_bg.wasm`);
  }
});

test("the packed README works where npm shows it: every link is absolute or a file in the package", () => {
  const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(targets.length > 3, "the README has links");
  for (const target of targets) {
    if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
    assert.ok(existsSync(join(pkgDir, target.split("#")[0])), `${target}: relative, and not in the package`);
  }
});

test("the exports map exposes the .wasm for edge runtimes, and the README shows init({ module_or_path })", () => {
  const wasm = packageJson().exports["./lockt_secureaccess_bg.wasm"];
  for (const how of ["import", "require"]) {
    assert.ok(existsSync(join(pkgDir, wasm?.[how]?.default ?? "missing")), `exports['./lockt_secureaccess_bg.wasm'].${how} points at the module`);
  }
  const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
  assert.match(readme, /import wasm from "lockt-secureaccess\/lockt_secureaccess_bg\.wasm"/);
  assert.match(readme, /init\(\{ module_or_path: wasm \}\)/);
});

test("the .wasm resolves through the exports map and compiles, for init({ module_or_path })", { skip: !installed && "LOCKT_PKG_DIR not set" }, async () => {
  const file = createRequire(join(dirname(dirname(pkgDir)), "package.json")).resolve("lockt-secureaccess/lockt_secureaccess_bg.wasm");
  const module = await WebAssembly.compile(readFileSync(file));
  assert.ok(WebAssembly.Module.exports(module).length > 10);
});
