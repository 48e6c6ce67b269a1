// validateUsersCsv through one entry of the package, alternating with papaparse + a peer, in
// a process of its own (validate-entry.mjs says why).
//   node bench/children/csv-entry.mjs <pkgDir> <entry file> <users> <runs> <peer>
// Prints one JSON line: per implementation, wall and CPU milliseconds of each run.
import { generateUsers, usersToCsv } from "../lib/data.mjs";
import { papaUsers } from "../lib/papa.mjs";

const [pkgDir, entry, count, runs, peerName] = process.argv.slice(2);
const ours = await import(`${pkgDir}/${entry}`);
const { default: Papa } = await import("papaparse");
const peer = await import(`../peers/${peerName}.mjs`);
const text = usersToCsv(generateUsers(Number(count)));
const fns = { ours: () => ours.validateUsersCsv(text), peer: () => peer.validateUsers(papaUsers(Papa, text)) };
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
