// validateUsersCsv through one entry of the package, alternating with papaparse + a peer, in
// a process of its own (validate-entry.mjs says why).
//   node bench/children/csv-entry.mjs <pkgDir> <entry file> <users> <runs> <peer>
// Prints one JSON line: per implementation, wall and CPU milliseconds of each run.
import { generateUsers, usersToCsv } from "../lib/data.mjs";
import { alternate } from "./alternate.mjs";
import { papaUsers } from "../lib/papa.mjs";

const [pkgDir, entry, count, runs, peerName] = process.argv.slice(2);
const ours = await import(`${pkgDir}/${entry}`);
const { default: Papa } = await import("papaparse");
const peer = await import(`../peers/${peerName}.mjs`);
const text = usersToCsv(generateUsers(Number(count)));
const fns = { ours: () => ours.validateUsersCsv(text), peer: () => peer.validateUsers(papaUsers(Papa, text)) };
const out = alternate(fns, Number(runs));
console.log(JSON.stringify(out));
