// One writer of a tenant in its own Node process, with its own LocktClient (no lock shared
// with other writers), for tests/node/contention.test.mjs and the load benchmark.
//
//   node tests/support/writer.mjs <baseUrl> <tag> <count> <maxWaitMs>
//
// Builds `count` distinct users (id_num `<tag>-<i>`), prints "ready", waits for a line on
// stdin (so that every writer starts at once), runs users.save and prints one JSON line:
// the report's counts, what stopped it, the time spent waiting after 429s (from onProgress),
// and every HTTP status it received (from hooks.response).
import { createInterface } from "node:readline";
import { importPackage } from "./pkg.mjs";
import { API_KEY, API_USER } from "./sandbox.mjs";

const [baseUrl, tag, count, maxWaitMs] = process.argv.slice(2);
const { LocktClient } = await importPackage();

const statuses = {};
const client = new LocktClient({
  baseUrl,
  apiUser: API_USER,
  apiKey: API_KEY,
  rateLimit: { maxWaitMs: Number(maxWaitMs) },
  hooks: {
    response: ({ status, error }) => {
      const key = status ?? error;
      statuses[key] = (statuses[key] ?? 0) + 1;
    },
  },
});
const users = Array.from({ length: Number(count) }, (_, i) => ({
  id_num: `${tag}-${i}`,
  first_name: `Writer${i}`,
  last_name: tag,
  email: `${tag}.${i}@example.com`,
}));

console.log("ready");
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
lines.close();

let waitingMs = 0;
let waits = 0;
const started = performance.now();
const report = await client.users.save(users, {
  onProgress: (p) => {
    waitingMs = p.waitingMs;
    if (p.waiting) waits += 1;
  },
});
const ms = performance.now() - started;
const { committed, rejected, unknown, notSent, calls, stoppedBy } = report;
const inserted = report.summary.inserted;
console.log(JSON.stringify({ tag, ms, committed, rejected, unknown, notSent, calls, inserted, stoppedBy, waitingMs, waits, statuses }));
