// One start-up measurement in a fresh Node process: import -> first validated record.
//   node bench/children/startup-node.mjs <ours|ours-detail|validate|validate-detail|zod|valibot|ajv> <pkgDir>
// "ours" is the SDK's entry, "validate" the lockt-secureaccess/validate entry; "-detail"
// times reading, compiling and instantiating that entry's module apart. Prints one JSON line
// of milliseconds.
const t0 = performance.now();
const [which, pkgDir] = process.argv.slice(2);
const user = { id_num: "E1", first_name: "Toby", card_num: "8914", email: "toby.peters@web.place", access_expires: "2026-01-01" };
const out = {};
const ENTRIES = { ours: "node.mjs", validate: "validate-node.mjs" };
const MODULES = { "ours-detail": "web", "validate-detail": "validate/web" };
if (ENTRIES[which]) {
  const m = await import(`${pkgDir}/${ENTRIES[which]}`);
  out.imported = performance.now() - t0;
  const r = m.validateUsers([user]);
  if (r.valid.length !== 1) throw new Error("not valid");
} else if (MODULES[which]) {
  const { readFileSync } = await import("node:fs");
  const dir = `${pkgDir}/${MODULES[which]}`;
  const glue = await import(`${dir}/lockt_secureaccess.js`);
  const { makeValidators } = await import(`${pkgDir}/validators.js`);
  const t1 = performance.now();
  const bytes = readFileSync(`${dir}/lockt_secureaccess_bg.wasm`);
  const t2 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t3 = performance.now();
  glue.initSync({ module });
  const t4 = performance.now();
  const r = makeValidators(glue, Error).validateUsers([user]);
  const t5 = performance.now();
  if (r.valid.length !== 1) throw new Error("not valid");
  Object.assign(out, { glue: t1 - t0, read: t2 - t1, compile: t3 - t2, instantiate: t4 - t3, firstCall: t5 - t4 });
} else {
  const m = await import(new URL(`../peers/${which}.mjs`, import.meta.url));
  out.imported = performance.now() - t0;
  const r = m.validateUsers([user]);
  if (r.valid.length !== 1) throw new Error("not valid");
}
out.total = performance.now() - t0;
console.log(JSON.stringify(out));
