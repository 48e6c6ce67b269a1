// Memory while validating users, in a fresh process (node --expose-gc --trace-gc).
//   node --expose-gc --trace-gc bench/children/memory.mjs <ours|validate|zod|valibot|ajv> <pkgDir> <count>
// Prints "@@result <json>"; the --trace-gc lines between the markers give the heap's peak.
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { generateUsers } from "../lib/data.mjs";

const [which, pkgDir, count] = process.argv.slice(2);
let validateUsers, wasm;
const MODULES = { ours: "web", validate: "validate/web" }; // the SDK's module, /validate's
if (MODULES[which]) {
  const dir = `${pkgDir}/${MODULES[which]}`;
  const glue = await import(`${dir}/lockt_secureaccess.js`);
  wasm = glue.initSync({ module: readFileSync(`${dir}/lockt_secureaccess_bg.wasm`) });
  const { makeValidators } = await import(`${pkgDir}/validators.js`);
  ({ validateUsers } = makeValidators(glue, Error));
} else {
  ({ validateUsers } = await import(new URL(`../peers/${which}.mjs`, import.meta.url)));
}
validateUsers(generateUsers(100, { seed: 2 })); // warm: code loaded and compiled
const users = generateUsers(Number(count));
globalThis.gc();
globalThis.gc();
const before = process.memoryUsage();
const wasmBefore = wasm?.memory.buffer.byteLength ?? 0;
const shared = new SharedArrayBuffer(16);
const peak = new Float64Array(shared);
const sampler = new Worker(new URL("./rss-sampler.mjs", import.meta.url), { workerData: { buffer: shared } });
await new Promise((resolve) => sampler.once("online", resolve));
await new Promise((resolve) => setTimeout(resolve, 20));
const rssBefore = process.memoryUsage.rss(); // with the sampler running
console.log("@@start");
const report = validateUsers(users);
console.log("@@end");
const after = process.memoryUsage();
peak[0] = Math.max(peak[0], after.rss);
peak[1] = 1;
await new Promise((resolve) => sampler.once("exit", resolve));
globalThis.gc();
const retained = process.memoryUsage();
console.log(
  `@@result ${JSON.stringify({
    which,
    invalid: report.invalid.length,
    rssBefore: before.rss,
    peakRssDelta: Math.max(0, peak[0] - rssBefore),
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    retainedHeap: retained.heapUsed - before.heapUsed,
    wasmMemoryBefore: wasmBefore,
    wasmMemory: wasm?.memory.buffer.byteLength ?? 0,
  })}`,
);
