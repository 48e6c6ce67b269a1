// The size ceiling: fails when what a browser downloads for an entry of the package grows past
// its ceiling in bench/size-ceiling.json (kept about 10 % above the current size, so that size
// only grows on purpose; lower it as the size falls). Every module an entry imports counts,
// each gzipped (level 9) on its own, as a server sends them.
//
//   node bench/size-check.mjs            check pkg/ (or LOCKT_PKG_DIR)
//   node bench/size-check.mjs --update   set each ceiling to the current size + 10 %
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRIES, browserDownload } from "./lib/size.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgDir = process.env.LOCKT_PKG_DIR ?? join(root, "pkg");
const ceilingFile = join(root, "bench/size-ceiling.json");
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;

const missing = Object.values(ENTRIES).filter((e) => !existsSync(join(pkgDir, e.file)));
if (missing.length) {
  console.error(`size-check: ${missing.map((e) => e.file).join(", ")} missing in ${pkgDir}: run npm run build first`);
  process.exit(2);
}
const ceilings = JSON.parse(readFileSync(ceilingFile, "utf8"));
let failed = false;
for (const [name, entry] of Object.entries(ENTRIES)) {
  const { files, total } = browserDownload(pkgDir, entry.file);
  console.log(`${name}:`);
  for (const [file, s] of Object.entries(files)) console.log(`  ${file.padEnd(40)} ${kB(s.raw).padStart(10)} raw ${kB(s.gzip).padStart(10)} gzip ${kB(s.brotli).padStart(10)} brotli`);
  console.log(`  ${"total".padEnd(40)} ${kB(total.raw).padStart(10)} raw ${kB(total.gzip).padStart(10)} gzip ${kB(total.brotli).padStart(10)} brotli`);
  const ceiling = ceilings.entries[name];
  if (process.argv.includes("--update")) {
    ceilings.entries[name] = { gzipBytes: Math.ceil((total.gzip * 1.1) / 1000) * 1000, measuredGzipBytes: total.gzip, measuredAt: new Date().toISOString().slice(0, 10) };
    console.log(`  ceiling set to ${kB(ceilings.entries[name].gzipBytes)} gzip (current + 10 %)`);
  } else if (!ceiling || total.gzip > ceiling.gzipBytes) {
    console.error(`  FAILED: ${kB(total.gzip)} gzip is over the ceiling of ${ceiling ? kB(ceiling.gzipBytes) : "(none)"} (bench/size-ceiling.json). Find what grew (npm run bench -- --only size), or raise the ceiling on purpose.`);
    failed = true;
  } else {
    console.log(`  ${kB(total.gzip)} gzip, within the ceiling of ${kB(ceiling.gzipBytes)} (goal ${kB(entry.goalGzipBytes)})`);
  }
}
if (process.argv.includes("--update")) writeFileSync(ceilingFile, `${JSON.stringify(ceilings, null, 2)}\n`);
process.exit(failed ? 1 : 0);
