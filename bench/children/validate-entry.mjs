// validateUsers through one entry of the package, alternating with the peers, in a process of
// its own: two entries in one process share validators.js, whose inline caches then see two
// modules and slow whichever runs second.
//   node bench/children/validate-entry.mjs <pkgDir> <entry file> <users> <runs>
// Prints one JSON line: per implementation, wall and CPU milliseconds of each run.
import { generateUsers } from "../lib/data.mjs";

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
const names = Object.keys(fns);
const out = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [] }]));
for (let r = 0; r < Number(runs); r++) {
  for (const name of names.map((_, i) => names[(i + r) % names.length])) {
    const before = process.cpuUsage();
    const t = performance.now();
    fns[name]();
    out[name].wall.push(performance.now() - t);
    const used = process.cpuUsage(before);
    out[name].cpu.push((used.user + used.system) / 1000);
  }
}
console.log(JSON.stringify(out));
