// The size ceiling: fails when what a browser downloads from the package grows past
// bench/size-ceiling.json's gzipBytes (kept about 10 % above the current size, so that size
// only grows on purpose; lower it as the size falls).
//
//   node bench/size-check.mjs            check pkg/ (or LOCKT_PKG_DIR)
//   node bench/size-check.mjs --update   set the ceiling to the current size + 10 %
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BROWSER_FILES, browserDownload } from "./lib/size.mjs";
// (index.js's other relative imports, e.g. schemas.js, are counted too: a browser loads them.)

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgDir = process.env.LOCKT_PKG_DIR ?? join(root, "pkg");
const ceilingFile = join(root, "bench/size-ceiling.json");

const missing = BROWSER_FILES.filter((f) => !existsSync(join(pkgDir, f)));
if (missing.length) {
  console.error(`size-check: ${missing.join(", ")} missing in ${pkgDir}: run npm run build first`);
  process.exit(2);
}
const { files, total } = browserDownload(pkgDir);
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;
for (const [file, s] of Object.entries(files)) console.log(`  ${file.padEnd(34)} ${kB(s.raw).padStart(10)} raw ${kB(s.gzip).padStart(10)} gzip ${kB(s.brotli).padStart(10)} brotli`);
console.log(`  ${"total".padEnd(34)} ${kB(total.raw).padStart(10)} raw ${kB(total.gzip).padStart(10)} gzip ${kB(total.brotli).padStart(10)} brotli`);

const ceiling = JSON.parse(readFileSync(ceilingFile, "utf8"));
if (process.argv.includes("--update")) {
  const gzipBytes = Math.ceil((total.gzip * 1.1) / 1000) * 1000;
  writeFileSync(ceilingFile, `${JSON.stringify({ ...ceiling, gzipBytes, measuredGzipBytes: total.gzip, measuredAt: new Date().toISOString().slice(0, 10) }, null, 2)}\n`);
  console.log(`size-check: ceiling set to ${kB(gzipBytes)} gzip (current ${kB(total.gzip)} + 10 %)`);
} else if (total.gzip > ceiling.gzipBytes) {
  console.error(
    `size-check: FAILED: the browser download is ${kB(total.gzip)} gzip, over the ceiling of ${kB(ceiling.gzipBytes)} ` +
      `(bench/size-ceiling.json). Find what grew (npm run bench -- --only size), or raise the ceiling on purpose.`,
  );
  process.exit(1);
} else {
  console.log(`size-check: ${kB(total.gzip)} gzip, within the ceiling of ${kB(ceiling.gzipBytes)} (goal ${kB(ceiling.goalGzipBytes)})`);
}
