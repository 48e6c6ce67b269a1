// One start-up measurement in a fresh Node process: import -> first validated record.
//   node bench/children/startup-node.mjs <ours|ours-detail|zod|valibot|ajv> <pkgDir>
// Prints one JSON line of milliseconds.
const t0 = performance.now();
const [which, pkgDir] = process.argv.slice(2);
const user = { id_num: "E1", first_name: "Toby", card_num: "8914", email: "toby.peters@web.place", access_expires: "2026-01-01" };
const out = {};
if (which === "ours") {
  const m = await import(`${pkgDir}/node.mjs`);
  out.imported = performance.now() - t0;
  const r = m.validateUsers([user]);
  if (r.valid.length !== 1) throw new Error("not valid");
} else if (which === "ours-detail") {
  const { readFileSync } = await import("node:fs");
  const glue = await import(`${pkgDir}/web/lockt_secureaccess.js`);
  const t1 = performance.now();
  const bytes = readFileSync(`${pkgDir}/web/lockt_secureaccess_bg.wasm`);
  const t2 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t3 = performance.now();
  glue.initSync({ module });
  const t4 = performance.now();
  const r = glue.validateUsers([user]);
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
