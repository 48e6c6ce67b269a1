// validateUsers through one entry of the package, alternating with the peers, in a process of
// its own: two entries in one process share validators.js, whose inline caches then see two
// modules and slow whichever runs second.
//   node bench/children/validate-entry.mjs <pkgDir> <entry file> <users> <runs>
// Prints one JSON line: per implementation, wall and CPU milliseconds of each run.
import { generateUsers } from "../lib/data.mjs";
import { alternate } from "./alternate.mjs";

const [pkgDir, entry, count, runs] = process.argv.slice(2);
const ours = await import(`${pkgDir}/${entry}`);
const PEERS = ["zod", "valibot", "ajv"];
const peers = Object.fromEntries(await Promise.all(PEERS.map(async (p) => [p, await import(`../peers/${p}.mjs`)])));
const users = generateUsers(Number(count));
const fns = {
  ours: () => ours.validateUsers(users),
  ...Object.fromEntries(PEERS.map((p) => [p, () => peers[p].validateUsers(users)])),
  ...Object.fromEntries(PEERS.map((p) => [`${p}Only`, () => peers[p].validateOnly(users)])),
};
const out = alternate(fns, Number(runs));
console.log(JSON.stringify(out));
