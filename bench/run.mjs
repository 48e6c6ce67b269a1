// lockt-secureaccess against the JavaScript peers a portal developer would use instead
// (zod 4, valibot, ajv 8 + ajv-formats, papaparse, openapi-fetch, a plain fetch loop).
//
//   npm run bench                     builds what it needs first (scripts/bench.mjs), then this
//   node bench/run.mjs --only validate,csv --runs 7 --users 100000   (after a build)
//
// Sections: validate, csv, size, startup, save, memory, cli, load (all by default). Every figure is a
// ratio against its peer measured in the same run, as the median of --runs alternating runs
// (default 5): shared CI machines are noisy, absolute milliseconds are not comparable
// between runs. Prints a table, writes bench/results/latest.json and bench/RESULTS.md.
// LOCKT_PKG_DIR measures another build of the package (default pkg/).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateUsers, usersToCsv } from "./lib/data.mjs";
import { papaUsers } from "./lib/papa.mjs";
import { browserDownload, browserFiles, bundle, bundles, wasmBreakdown } from "./lib/size.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgDir = process.env.LOCKT_PKG_DIR ?? join(root, "pkg");
const resultsDir = join(root, "bench/results");
const workDir = join(resultsDir, "tmp");

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const SECTIONS = ["validate", "csv", "size", "startup", "save", "memory", "cli", "load"];
const only = opt("only", SECTIONS.join(",")).split(",");
const RUNS = Number(opt("runs", 5));
const USERS = Number(opt("users", 100_000));
const SAVE_USERS = Number(opt("save-users", 10_000));
const STARTUP_RUNS = Number(opt("startup-runs", 9));
const LOAD_WRITERS = opt("load-writers", "8,32").split(",").map(Number);
const LOAD_USERS = Number(opt("load-users", 2_000));
const WRITE_HOLD_MS = Number(opt("write-hold-ms", 50));
const LOAD_RUNS = Number(opt("load-runs", 3));
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  console.error(`unknown section ${unknown}; sections: ${SECTIONS}`);
  process.exit(2);
}
if (!existsSync(join(pkgDir, "node.mjs"))) {
  console.error(`${pkgDir}/node.mjs is missing: run npm run build first`);
  process.exit(2);
}
mkdirSync(workDir, { recursive: true });

const WASM_FEATURES = [
  "--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "--enable-call-indirect-overlong",
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const kB = (b) => (b / 1000).toFixed(1);
const MB = (b) => (b / 1e6).toFixed(1);
const time = (fn) => {
  const t = performance.now();
  const r = fn();
  return [performance.now() - t, r];
};
const log = (...a) => console.error(...a);

const ours = await import(join(pkgDir, "node.mjs"));
// --variant <dir>: another build of the package (bench/build-variant.mjs) timed alongside.
const variantDir = opt("variant");
const variant = variantDir ? await import(join(variantDir, "node.mjs")) : undefined;
const PEERS = ["zod", "valibot", "ajv"];
const peers = Object.fromEntries(await Promise.all(PEERS.map(async (p) => [p, await import(`./peers/${p}.mjs`)])));

const rows = []; // the table
const results = { date: new Date().toISOString(), machine: machine(), runs: RUNS, users: USERS, pkgDir, sections: {} };

function row(r) {
  rows.push(r);
  log(`  ${r.benchmark}: ${r.ours} vs ${r.peer} ${r.peerValue}: ${r.ratio} (goal ${r.goal}: ${r.met})`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? "unknown"} × ${cpus.length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(1)).join(" "),
  };
}

/**
 * Runs each of `fns` `runs` times, rotating the order every run; returns wall times per name.
 * `cpu`, if given, gets the process's CPU times (user + system, ms) per name as well: on a
 * shared machine they count this process's work, not its waiting for a core.
 */
function alternate(fns, runs, after = () => {}, cpu = undefined) {
  const names = Object.keys(fns);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) if (cpu) cpu[n] = [];
  for (let r = 0; r < runs; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const before = process.cpuUsage();
      const [t, result] = time(fns[name]);
      const used = process.cpuUsage(before);
      times[name].push(t);
      if (cpu) cpu[name].push((used.user + used.system) / 1000);
      after(name, result);
    }
  }
  return times;
}

/** Per-run ratios a/b (same run index), then the median. */
const ratioMedian = (a, b) => median(a.map((x, i) => x / b[i]));

// ── 1. validateUsers ────────────────────────────────────────────────────

function sameVerdicts(a, b) {
  if (a.invalid.length !== b.invalid.length || a.valid.length !== b.valid.length) return false;
  return a.invalid.every((r, i) => r.index === b.invalid[i].index) && JSON.stringify(a.valid) === JSON.stringify(b.valid);
}

async function benchValidate() {
  log(`\n1. validateUsers on ${USERS} users (${RUNS} runs)`);
  const users = generateUsers(USERS);
  const report = ours.validateUsers(users);
  const agree = Object.fromEntries(PEERS.map((p) => [p, sameVerdicts(report, peers[p].validateUsers(users))]));
  log(`  ${report.invalid.length} invalid (${((100 * report.invalid.length) / USERS).toFixed(1)} %); peers agree: ${JSON.stringify(agree)}`);
  const fns = {
    ours: () => ours.validateUsers(users),
    ...(variant ? { variant: () => variant.validateUsers(users) } : {}),
    ...Object.fromEntries(PEERS.map((p) => [p, () => peers[p].validateUsers(users)])),
    ...Object.fromEntries(PEERS.map((p) => [`${p}Only`, () => peers[p].validateOnly(users)])),
    // The floor of any crossing: reading every field of every record once in JS.
    readFields: () => {
      let n = 0;
      for (const user of users) for (const key in user) if (user[key] !== undefined) n++;
      return n;
    },
  };
  const cpu = {};
  const times = alternate(fns, RUNS, undefined, cpu);
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const fastest = PEERS.reduce((a, b) => (med[a] <= med[b] ? a : b));
  const cpuRatio = (peer, impl) => ratioMedian(cpu[peer], cpu[impl]);
  const fastestOnly = PEERS.reduce((a, b) => (med[`${a}Only`] <= med[`${b}Only`] ? a : b));
  const speedups = Object.fromEntries(PEERS.map((p) => [p, ratioMedian(times[p], times.ours)]));
  // The /validate entry in a process of its own (bench/children/validate-entry.mjs says why),
  // with the peers alternating beside it there.
  const entryRuns = JSON.parse((await child([join(root, "bench/children/validate-entry.mjs"), pkgDir, "validate-node.mjs", String(USERS), String(RUNS)])).trim().split("\n").pop());
  const entryRatio = (peer, kind) => ratioMedian(entryRuns[peer][kind], entryRuns.ours[kind]);
  med.oursValidate = median(entryRuns.ours.wall);
  const out = {
    invalid: report.invalid.length,
    agree,
    medianMs: med,
    speedups,
    fastest,
    fastestOnly,
    validateEntrySpeedup: entryRatio(fastest, "wall"),
    onlySpeedup: ratioMedian(times[`${fastestOnly}Only`], times.ours),
    onlySpeedupValidateEntry: entryRatio(`${fastestOnly}Only`, "wall"),
    readShare: ratioMedian(times.readFields, times.ours),
    cpuSpeedups: { ours: cpuRatio(fastest, "ours"), oursValidate: entryRatio(fastest, "cpu") },
    cpuOnlySpeedups: { ours: cpuRatio(`${fastestOnly}Only`, "ours"), oursValidate: entryRatio(`${fastestOnly}Only`, "cpu") },
    entryRuns,
    times,
    cpu,
  };
  results.sections.validate = out;
  try {
    const { namedBuild } = await import("./lib/size.mjs");
    const { profileValidate } = await import("./lib/profile.mjs");
    out.profile = await profileValidate(namedBuild(root, join(workDir, "wasm"), WASM_FEATURES), users, pkgDir);
    log(`  profile: ${out.profile.groups.slice(0, 8).map((g) => `${g.group} ${(100 * g.share).toFixed(0)} %`).join(", ")}`);
  } catch (e) {
    log(`  no profile: ${e.message}`);
  }
  const s = speedups[fastest];
  row({
    benchmark: `1. validateUsers, ${USERS / 1000}k users, ~6 % bad`,
    ours: `${ms(med.ours)} ms`,
    peer: `${fastest} (fastest peer; vs ${PEERS.filter((p) => p !== fastest).map((p) => `${p} ${speedups[p].toFixed(2)}×`).join(", ")})`,
    peerValue: `${ms(med[fastest])} ms`,
    ratio: `${s.toFixed(2)}× ${s >= 1 ? "faster" : "slower"} (CPU time ${out.cpuSpeedups.ours.toFixed(2)}×)`,
    goal: "≥ 2× faster",
    met: s >= 2 ? "met" : `missed (${s.toFixed(2)}× of 2×)`,
  });
  const sv = out.validateEntrySpeedup;
  row({
    benchmark: "1a. the same through `lockt-secureaccess/validate` (its own process, peers beside it)",
    ours: `${ms(med.oursValidate)} ms`,
    peer: `${fastest} (fastest peer)`,
    peerValue: `${ms(med[fastest])} ms`,
    ratio: `${sv.toFixed(2)}× ${sv >= 1 ? "faster" : "slower"} (CPU time ${out.cpuSpeedups.oursValidate.toFixed(2)}×)`,
    goal: "≥ 2× faster",
    met: sv >= 2 ? "met" : `missed (${sv.toFixed(2)}× of 2×)`,
  });
  const so = out.onlySpeedup, sov = out.onlySpeedupValidateEntry;
  row({
    benchmark: "1b. `validateUsers` (full job) against peers that only validate",
    ours: `${ms(med.ours)} ms; through /validate ${ms(med.oursValidate)} ms`,
    peer: `${fastestOnly}, schema verdicts only (vs ${PEERS.filter((p) => p !== fastestOnly).map((p) => `${p} ${ms(med[`${p}Only`])} ms`).join(", ")})`,
    peerValue: `${ms(med[`${fastestOnly}Only`])} ms`,
    ratio: `${so.toFixed(2)}×; through /validate ${sov.toFixed(2)}× (CPU time ${out.cpuOnlySpeedups.ours.toFixed(2)}× / ${out.cpuOnlySpeedups.oursValidate.toFixed(2)}×)`,
    goal: "≥ 1× (2× the goal)",
    met: Math.max(so, sov) >= 2 ? "goal met" : Math.max(so, sov) >= 1 ? "met (2× missed)" : `missed (${Math.max(so, sov).toFixed(2)}×)`,
  });
  row({
    benchmark: "1c. of which the floor: reading every field once in JS",
    ours: `${ms(med.readFields)} ms`,
    peer: "validateUsers itself",
    peerValue: `${ms(med.ours)} ms`,
    ratio: `${(100 * out.readShare).toFixed(0)} % of validateUsers`,
    goal: "(profile)",
    met: "",
  });
  if (variant) {
    const sv = ratioMedian(times[fastest], times.variant);
    out.variantSpeedup = sv;
    row({
      benchmark: "1d. the same core built as --variant",
      ours: `${ms(med.variant)} ms (${variantDir})`,
      peer: fastest,
      peerValue: `${ms(med[fastest])} ms`,
      ratio: `${sv.toFixed(2)}× ${sv >= 1 ? "faster" : "slower"} (${ratioMedian(times.ours, times.variant).toFixed(2)}× the default build's speed)`,
      goal: "≥ 2× faster",
      met: sv >= 2 ? "met" : `missed (${sv.toFixed(2)}× of 2×)`,
    });
  }
}

// ── 2. CSV import ───────────────────────────────────────────────────────

async function benchCsv() {
  log(`\n2. CSV import + validation of ${USERS} rows (${RUNS} runs)`);
  const { default: Papa } = await import("papaparse");
  const text = usersToCsv(generateUsers(USERS));
  const fastest = results.sections.validate?.fastest ?? "valibot";
  const hasCsv = typeof ours.parseUsersCsv === "function";
  // One pass where the build has it (validateUsersCsv), else parse then validate.
  const oneCall = typeof ours.validateUsersCsv === "function";
  const oursFn = oneCall
    ? () => ours.validateUsersCsv(text)
    : hasCsv
      ? () => ours.validateUsers(ours.parseUsersCsv(text).users)
      : () => ours.validateUsers(papaUsers(Papa, text));
  const peerFn = () => peers[fastest].validateUsers(papaUsers(Papa, text));
  const a = oursFn(), b = peerFn();
  const agree = a.invalid.length === b.invalid.length && a.valid.length === b.valid.length;
  log(`  parseUsersCsv in the build: ${hasCsv}; ${a.invalid.length} vs ${b.invalid.length} invalid`);
  const times = alternate({ ours: oursFn, peer: peerFn, ...(hasCsv ? { parseOnly: () => ours.parseUsersCsv(text), papaOnly: () => papaUsers(Papa, text) } : {}) }, RUNS);
  const s = ratioMedian(times.peer, times.ours);
  results.sections.csv = { hasParseUsersCsv: hasCsv, oneCall, fastest, agree, csvBytes: text.length, speedup: s, medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), times };
  row({
    benchmark: `2. ${oneCall ? "validateUsersCsv (parseUsersCsv + validateUsers in one pass)" : hasCsv ? "parseUsersCsv + validateUsers" : "papaparse (parseUsersCsv not in build) + validateUsers"}, ${USERS / 1000}k-row CSV (${MB(text.length)} MB)`,
    ours: `${ms(median(times.ours))} ms`,
    peer: `papaparse + ${fastest}`,
    peerValue: `${ms(median(times.peer))} ms`,
    ratio: `${s.toFixed(2)}× ${s >= 1 ? "faster" : "slower"}`,
    goal: "≥ 2× faster",
    met: s >= 2 ? "met" : `missed (${s.toFixed(2)}× of 2×)`,
  });
  if (oneCall) {
    // The /validate entry in a process of its own, as row 1a.
    const runs = JSON.parse((await child([join(root, "bench/children/csv-entry.mjs"), pkgDir, "validate-node.mjs", String(USERS), String(RUNS), fastest])).trim().split("\n").pop());
    const wall = ratioMedian(runs.peer.wall, runs.ours.wall);
    const cpu = ratioMedian(runs.peer.cpu, runs.ours.cpu);
    results.sections.csv.validateEntry = { speedup: wall, cpuSpeedup: cpu, runs };
    row({
      benchmark: "2a. the same through `lockt-secureaccess/validate` (its own process, the peer beside it)",
      ours: `${ms(median(runs.ours.wall))} ms`,
      peer: `papaparse + ${fastest}`,
      peerValue: `${ms(median(runs.peer.wall))} ms`,
      ratio: `${wall.toFixed(2)}× ${wall >= 1 ? "faster" : "slower"} (CPU time ${cpu.toFixed(2)}×)`,
      goal: "≥ 2× faster",
      met: wall >= 2 ? "met" : `missed (${wall.toFixed(2)}× of 2×)`,
    });
  }
  if (hasCsv) {
    const p = ratioMedian(times.papaOnly, times.parseOnly);
    row({
      benchmark: "2b. parsing alone: parseUsersCsv",
      ours: `${ms(median(times.parseOnly))} ms`,
      peer: "papaparse + shaping",
      peerValue: `${ms(median(times.papaOnly))} ms`,
      ratio: `${p.toFixed(2)}× ${p >= 1 ? "faster" : "slower"}`,
      goal: "(profile)",
      met: "",
    });
  }
}

// ── 3. size ─────────────────────────────────────────────────────────────

async function benchSize() {
  log("\n3. size");
  const download = browserDownload(pkgDir);
  const validateDownload = browserDownload(pkgDir, "validate.js");
  const bundled = await bundles(root, pkgDir, join(workDir, "bundles"));
  let breakdown;
  try {
    breakdown = wasmBreakdown(root, join(workDir, "wasm"), WASM_FEATURES);
  } catch (e) {
    breakdown = { error: e.message };
  }
  results.sections.size = { download, validateDownload, bundled, breakdown };
  const t = download.total;
  const ref = bundled["openapi-fetch + zod"].total, ref2 = bundled["openapi-fetch + zod + papaparse"].total;
  const ceiling = JSON.parse(readFileSync(join(root, "bench/size-ceiling.json"), "utf8"));
  row({
    benchmark: "3. size: wasm + JS glue as shipped (raw / gzip / brotli)",
    ours: `${kB(t.raw)} / ${kB(t.gzip)} / ${kB(t.brotli)} kB`,
    peer: "openapi-fetch + zod, minified (raw / gzip / brotli)",
    peerValue: `${kB(ref.raw)} / ${kB(ref.gzip)} / ${kB(ref.brotli)} kB`,
    ratio: `${(t.gzip / ref.gzip).toFixed(1)}× gzip (${(t.gzip / ref2.gzip).toFixed(1)}× of + papaparse, ${kB(ref2.gzip)} kB)`,
    goal: "≤ 100 kB gzip (60 kB the goal)",
    met: t.gzip <= 100_000 ? (t.gzip <= 60_000 ? "met" : "met (60 kB missed)") : `missed by ${kB(t.gzip - 100_000)} kB (${(t.gzip / 100_000).toFixed(1)}×); ceiling ${kB(ceiling.entries["lockt-secureaccess"].gzipBytes)} kB`,
  });
  const v = validateDownload.total;
  const zod = bundled.zod?.total ?? bundled["openapi-fetch + zod"].total;
  row({
    benchmark: "3a. size: `lockt-secureaccess/validate` as shipped (raw / gzip / brotli)",
    ours: `${kB(v.raw)} / ${kB(v.gzip)} / ${kB(v.brotli)} kB`,
    peer: bundled.zod ? "zod, minified" : "openapi-fetch + zod, minified",
    peerValue: `${kB(zod.raw)} / ${kB(zod.gzip)} / ${kB(zod.brotli)} kB`,
    ratio: `${(v.gzip / zod.gzip).toFixed(1)}× gzip`,
    goal: "≤ 30 kB gzip",
    met: v.gzip <= 30_000 ? "met" : `missed by ${kB(v.gzip - 30_000)} kB (${(v.gzip / 30_000).toFixed(1)}×); ceiling ${kB(ceiling.entries["lockt-secureaccess/validate"].gzipBytes)} kB`,
  });
  const b = bundled.ours.total;
  row({
    benchmark: "3b. size: bundled by a user (rolldown, JS minified + wasm)",
    ours: `${kB(b.raw)} / ${kB(b.gzip)} / ${kB(b.brotli)} kB`,
    peer: "openapi-fetch + zod + papaparse",
    peerValue: `${kB(ref2.raw)} / ${kB(ref2.gzip)} / ${kB(ref2.brotli)} kB`,
    ratio: `${(b.gzip / ref2.gzip).toFixed(1)}× gzip`,
    goal: "≤ 60 kB gzip",
    met: b.gzip <= 60_000 ? "met" : `missed by ${kB(b.gzip - 60_000)} kB`,
  });
}

// ── 4. start-up ─────────────────────────────────────────────────────────

function child(argv, options = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(" ")} exited ${code}: ${err}`))));
  });
}

async function benchStartup() {
  log(`\n4. start-up (${STARTUP_RUNS} fresh processes / pages each)`);
  const script = join(root, "bench/children/startup-node.mjs");
  const modes = ["ours", "ours-detail", "validate", "validate-detail", ...PEERS];
  const node = Object.fromEntries(modes.map((m) => [m, []]));
  for (let r = 0; r < STARTUP_RUNS; r++) {
    for (const m of modes.map((_, i) => modes[(i + r) % modes.length])) {
      node[m].push(JSON.parse((await child([script, m, pkgDir])).trim().split("\n").pop()));
    }
  }
  const browser = await browserStartup(modes);
  const summarise = (runs) => {
    const keys = Object.keys(runs[0] ?? {});
    return Object.fromEntries(keys.map((k) => [k, median(runs.map((x) => x[k]))]));
  };
  const out = { node: {}, browser: {}, runs: { node, browser } };
  for (const m of modes) {
    out.node[m] = summarise(node[m]);
    if (browser) out.browser[m] = summarise(browser[m]);
  }
  results.sections.startup = out;
  for (const [where, data, raw] of [["Node", out.node, node], ["Chromium", out.browser, browser]]) {
    if (!raw) continue;
    for (const [entry, detail, goal] of [["ours", "ours-detail", 8], ["validate", "validate-detail", 3]]) {
      const d = data[detail];
      const ci = d.compile + d.instantiate;
      const ratio = ratioMedian(raw[entry].map((x) => x.total), raw.zod.map((x) => x.total));
      const fastest = PEERS.reduce((a, b) => (data[a].total <= data[b].total ? a : b));
      row({
        benchmark: `4${entry === "ours" ? "" : "b"}. start-up in ${where}, ${entry === "ours" ? "the SDK" : "/validate"}: import → first validated record`,
        ours: `${ms(data[entry].total)} ms (compile ${ms(d.compile)} + instantiate ${ms(d.instantiate)} = ${ms(ci)} ms)`,
        peer: `zod (fastest: ${fastest} ${ms(data[fastest].total)} ms)`,
        peerValue: `${ms(data.zod.total)} ms`,
        ratio: `${ratio.toFixed(2)}× the time`,
        goal: `compile + instantiate < ${goal} ms`,
        met: ci < goal ? "met" : `missed by ${ms(ci - goal)} ms`,
      });
    }
  }
}

async function browserStartup(modes) {
  let launchChromium, serveStatic;
  try {
    ({ launchChromium } = await import("../tests/support/browser.mjs"));
    ({ serveStatic } = await import("../tests/support/static-server.mjs"));
  } catch (e) {
    log(`  no browser: ${e.message}`);
    return null;
  }
  const site = join(workDir, "site");
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  for (const f of [...new Set([...browserFiles(pkgDir), ...browserFiles(pkgDir, "validate.js"), "web", "validate"])]) {
    cpSync(join(pkgDir, f), join(site, f), { recursive: true });
  }
  cpSync(join(root, "bench/browser/startup.html"), join(site, "index.html"));
  for (const p of PEERS) writeFileSync(join(site, `peer-${p}.js`), await bundle(join(root, `bench/peers/${p}.mjs`), { cwd: root }));
  const server = await serveStatic(site);
  let browser;
  try {
    browser = await launchChromium();
    const runs = Object.fromEntries(modes.map((m) => [m, []]));
    for (let r = 0; r < STARTUP_RUNS; r++) {
      for (const m of modes.map((_, i) => modes[(i + r) % modes.length])) {
        const page = await browser.newPage();
        await page.goto(`${server.url}?mode=${m}&r=${r}`);
        const result = await page.waitForFunction(() => window.__result, null, { timeout: 30_000 }).then((h) => h.jsonValue());
        await page.close();
        if (result.error) throw new Error(`${m}: ${result.error}`);
        runs[m].push(result);
      }
    }
    return runs;
  } catch (e) {
    log(`  browser start-up failed: ${e.message}`);
    return null;
  } finally {
    await browser?.close();
    await server.close();
  }
}

// ── 5. users.save against the sandbox ───────────────────────────────────

async function benchSave() {
  log(`\n5. users.save of ${SAVE_USERS} users vs a plain fetch loop (${RUNS} runs, a fresh sandbox each)`);
  const { startSandbox } = await import("../tests/support/sandbox.mjs");
  const users = generateUsers(SAVE_USERS, { bad: 0, accesslevels: false, seed: 3 });
  const check = ours.validateUsers(users);
  if (check.invalid.length) throw new Error(`save data has ${check.invalid.length} invalid users`);
  const OPTIONS = { update_existing: "false", validate_fails_batch: "true", replace_privileges: "true" };
  const bodies = [];
  for (let i = 0; i < check.valid.length; i += 100) bodies.push(JSON.stringify({ users: check.valid.slice(i, i + 100), options: OPTIONS }));

  const runs = { ours: [], plain: [], validate: [] };
  const inserted = { ours: [], plain: [] };
  // Warm-up, not timed: the process's first fetch (undici's start) and the client's first call.
  {
    const sb = await startSandbox({ seed: "empty" });
    try {
      const client = new ours.LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey });
      await client.users.save(generateUsers(200, { bad: 0, accesslevels: false, seed: 4, run: 9 }), { validateFailsBatch: true });
      const response = await fetch(`${sb.baseUrl.replace(/\/$/, "")}/user`, {
        method: "POST",
        headers: { "content-type": "application/json", apiuser: sb.apiUser, apikey: sb.apiKey },
        body: bodies[0],
      });
      await response.text();
    } finally {
      await sb.stop();
    }
  }
  for (let r = 0; r < RUNS; r++) {
    runs.validate.push(time(() => ours.validateUsers(users))[0]); // the part of users.save the loop was spared
    for (const which of r % 2 ? ["plain", "ours"] : ["ours", "plain"]) {
      const sb = await startSandbox({ seed: "empty" });
      try {
        const base = sb.baseUrl.replace(/\/$/, "");
        let t = performance.now();
        if (which === "ours") {
          const client = new ours.LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey });
          t = performance.now();
          const report = await client.users.save(users, { validateFailsBatch: true });
          runs.ours.push(performance.now() - t);
          inserted.ours.push(report.summary?.inserted ?? report.inserted ?? report.counts?.inserted);
        } else {
          let count = 0;
          for (const body of bodies) {
            const response = await fetch(`${base}/user`, {
              method: "POST",
              headers: { "content-type": "application/json", apiuser: sb.apiUser, apikey: sb.apiKey },
              body,
            });
            const json = await response.json();
            if (!response.ok) throw new Error(`plain loop: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
            count += Number(json.data?.inserted ?? json.inserted ?? 0);
          }
          runs.plain.push(performance.now() - t);
          inserted.plain.push(count);
        }
      } finally {
        await sb.stop();
      }
    }
  }
  const ratio = ratioMedian(runs.ours, runs.plain);
  results.sections.save = { users: SAVE_USERS, calls: bodies.length, runs, inserted, ratio, medianMs: { ours: median(runs.ours), plain: median(runs.plain) } };
  log(`  inserted: ${JSON.stringify(inserted)}`);
  row({
    benchmark: `5. users.save of ${SAVE_USERS / 1000}k users (${bodies.length} calls) on loopback`,
    ours: `${ms(median(runs.ours))} ms (of which validateUsers of all ${SAVE_USERS / 1000}k up front: ~${ms(median(runs.validate))} ms)`,
    peer: "plain fetch loop, same 100 prepared bodies",
    peerValue: `${ms(median(runs.plain))} ms`,
    ratio: `${ratio.toFixed(2)}× the time`,
    goal: "≤ 1.1×",
    met: ratio <= 1.1 ? "met" : `missed by ${((ratio - 1.1) * 100).toFixed(0)} points (${ratioMedian(runs.ours.map((o, i) => o - runs.validate[i]), runs.plain).toFixed(2)}× without the validation)`,
  });
}

// ── 6. memory ───────────────────────────────────────────────────────────

async function benchMemory() {
  log(`\n6. memory while validating ${USERS} users (a fresh process each, ${Math.min(RUNS, 3)} runs)`);
  const script = join(root, "bench/children/memory.mjs");
  const impls = ["ours", "validate", ...PEERS];
  const runs = Object.fromEntries(impls.map((m) => [m, []]));
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    for (const m of impls.map((_, i) => impls[(i + r) % impls.length])) {
      const out = await child(["--expose-gc", "--trace-gc", script, m, pkgDir, String(USERS)]);
      const lines = out.split("\n");
      const result = JSON.parse(lines.find((l) => l.startsWith("@@result ")).slice(9));
      const during = lines.slice(lines.indexOf("@@start"), lines.indexOf("@@end") + 1);
      // "... Scavenge 45.2 (60.1) -> 40.1 (61.2) MB ...": the heap's size before each GC.
      const peaks = during.flatMap((l) => [...l.matchAll(/ ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/g)].map((m) => Number(m[1]) * 2 ** 20));
      result.peakHeapUsed = Math.max(result.heapUsedAfter, ...peaks) - result.heapUsedBefore;
      runs[m].push(result);
    }
  }
  const med = (m, k) => median(runs[m].map((x) => x[k]));
  const summary = Object.fromEntries(impls.map((m) => [m, { peakRssDelta: med(m, "peakRssDelta"), peakHeapUsed: med(m, "peakHeapUsed"), retainedHeap: med(m, "retainedHeap"), wasmMemory: med(m, "wasmMemory"), wasmMemoryBefore: med(m, "wasmMemoryBefore") }]));
  results.sections.memory = { summary, runs };
  const leanest = PEERS.reduce((a, b) => (summary[a].peakRssDelta <= summary[b].peakRssDelta ? a : b));
  const p = summary[leanest];
  for (const [impl, label] of [["ours", "the SDK"], ["validate", "/validate"]]) {
    const o = summary[impl];
    const ratio = o.peakRssDelta / p.peakRssDelta;
    row({
      benchmark: `6${impl === "ours" ? "" : "b"}. peak memory, validating ${USERS / 1000}k users with ${label}: RSS growth (JS heap peak; wasm memory)`,
      ours: `${MB(o.peakRssDelta)} MB (heap ${MB(o.peakHeapUsed)} MB; wasm ${MB(o.wasmMemory)} MB, ${MB(o.wasmMemoryBefore)} MB before)`,
      peer: `${leanest} (leanest; ${PEERS.filter((x) => x !== leanest).map((x) => `${x} ${MB(summary[x].peakRssDelta)} MB`).join(", ")})`,
      peerValue: `${MB(p.peakRssDelta)} MB (heap ${MB(p.peakHeapUsed)} MB)`,
      ratio: `${ratio.toFixed(2)}× the RSS growth`,
      goal: "≤ the leanest peer's",
      met: ratio <= 1 ? "met" : `missed (${ratio.toFixed(2)}×)`,
    });
  }
}

// ── 7. lockt --help ─────────────────────────────────────────────────────

/** One fresh `node ...argv`: wall time from spawn to exit, and the CPU time (user + system) it used. */
function timedNode(argv) {
  // Preloaded: reports the process's own CPU time (bootstrap included) as it exits.
  const probe = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\ncpu '+JSON.stringify(process.cpuUsage())))";
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const p = spawn(process.execPath, ["--import", probe, ...argv], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => {
      const wall = performance.now() - start;
      const cpu = /(?:^|\n)cpu (\{.*\})$/.exec(err.trim());
      if (code !== 0 || !cpu) return reject(new Error(`node ${argv.join(" ")} exited ${code}: ${err}`));
      const { user, system } = JSON.parse(cpu[1]);
      resolve({ wall, cpu: (user + system) / 1000 });
    });
  });
}

/** The `lockt` CLI's help, top-level and per command, in fresh processes, against bare Node. */
async function benchCli() {
  log(`\n7. lockt --help (${STARTUP_RUNS} fresh processes each)`);
  const cli = join(pkgDir, "cli.mjs");
  const listing = (await child([cli, "--help"])).split("Commands:\n")[1].split("\n\n")[0];
  const commands = listing.split("\n").map((line) => line.trim().split(/\s+/).slice(0, 2).join(" "));
  const runs = { node: ["-e", ""], top: [cli, "--help"], ...Object.fromEntries(commands.map((c) => [c, [cli, ...c.split(" "), "--help"]])) };
  const names = Object.keys(runs);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < STARTUP_RUNS; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) times[name].push(await timedNode(runs[name]));
  }
  const med = (name, what) => median(times[name].map((t) => t[what]));
  const slowest = commands.reduce((a, b) => (med(a, "wall") >= med(b, "wall") ? a : b));
  const worstCpu = Math.max(med("top", "cpu"), ...commands.map((c) => med(c, "cpu")));
  results.sections.cli = { times, slowest, loadavg: os.loadavg()[0] };
  row({
    benchmark: "7. `lockt --help` / the slowest command's `--help`, fresh process: wall (CPU)",
    ours: `${ms(med("top", "wall"))} ms (${ms(med("top", "cpu"))}) / ${ms(med(slowest, "wall"))} ms (${ms(med(slowest, "cpu"))}) \`${slowest}\``,
    peer: "bare `node -e \"\"`",
    peerValue: `${ms(med("node", "wall"))} ms (${ms(med("node", "cpu"))})`,
    ratio: `${ratioMedian(times.top.map((t) => t.wall), times.node.map((t) => t.wall)).toFixed(2)}× the wall time`,
    goal: "< 150 ms",
    met: worstCpu < 150 ? `met in CPU time (worst ${ms(worstCpu)} ms)` : `missed by ${ms(worstCpu - 150)} ms of CPU`,
  });
}

// ── 8. many writers, one tenant ─────────────────────────────────────────

/** Saves with `writers` processes (`count` users each) against a fresh sandbox; every status counted. */
async function loadRun(writers, count, sandboxArgs) {
  const { startSandbox } = await import("../tests/support/sandbox.mjs");
  const { runWriters } = await import("../tests/support/writers.mjs");
  const sb = await startSandbox({ seed: "empty", args: ["--write-hold-ms", String(WRITE_HOLD_MS), ...sandboxArgs] });
  try {
    const { wallMs, results: reports } = await runWriters({ baseUrl: sb.baseUrl, writers, count, maxWaitMs: 600_000, prefix: "L" });
    const client = new ours.LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey });
    const stored = (await client.users.list()).map((u) => u.id_num);
    const sum = (k) => reports.reduce((a, r) => a + r[k], 0);
    const statuses = {};
    for (const r of reports) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const m = {
      wallMs,
      committed: sum("committed"), rejected: sum("rejected"), unknown: sum("unknown"), notSent: sum("notSent"), inserted: sum("inserted"),
      stoppedBy: reports.filter((r) => r.stoppedBy).map((r) => r.stoppedBy.kind),
      stored: stored.length, storedDistinct: new Set(stored).size,
      waitingMs: reports.map((r) => Math.round(r.waitingMs)),
      statuses,
    };
    log(`  ${writers} × ${count} ${sandboxArgs.join(" ")}: ${JSON.stringify(m)}`);
    if (m.committed !== writers * count || m.stored !== m.committed || m.storedDistinct !== m.stored || m.stoppedBy.length) {
      throw new Error(`${writers} writers lost or repeated records: ${JSON.stringify(m)}`);
    }
    return m;
  } finally {
    await sb.stop();
  }
}

async function benchLoad() {
  log(`\n8. N writer processes × ${LOAD_USERS} users against one serial writer of the same users (sandbox --write-hold-ms ${WRITE_HOLD_MS}; ${LOAD_RUNS} runs)`);
  results.sections.load = { users: LOAD_USERS, writeHoldMs: WRITE_HOLD_MS, runs: LOAD_RUNS, rows: [] };
  // The sandbox's 429 says Retry-After: 1 by default; the reference documents no Retry-After.
  const variants = [["Retry-After: 1", []], ["no Retry-After", ["--no-retry-after"]]];
  const total = (runs, status) => runs.reduce((n, m) => n + (m[status] ?? 0), 0);
  for (const writers of LOAD_WRITERS) {
    const serial = [];
    const concurrent = variants.map(() => []);
    for (let r = 0; r < LOAD_RUNS; r++) {
      serial.push(await loadRun(1, writers * LOAD_USERS, []));
      for (const [v, [, sandboxArgs]] of variants.entries()) concurrent[v].push(await loadRun(writers, LOAD_USERS, sandboxArgs));
    }
    for (const [v, [label]] of variants.entries()) {
      const runs = concurrent[v];
      const ratio = ratioMedian(runs.map((m) => m.wallMs), serial.map((m) => m.wallMs));
      results.sections.load.rows.push({ writers, label, ratio, serial, concurrent: runs });
      const statuses = (list) => [...new Set(list.flatMap((m) => Object.keys(m.statuses)))].map((k) => `${total(list.map((m) => m.statuses), k)}× ${k}`).join(", ");
      row({
        benchmark: `8. ${writers} writer processes × ${LOAD_USERS / 1000}k users, one client each; the sandbox holds each write ${WRITE_HOLD_MS} ms, 429 with ${label}`,
        ours: `${ms(median(runs.map((m) => m.wallMs)))} ms; over ${LOAD_RUNS} runs ${total(runs, "committed")} committed, ${total(runs, "rejected")} rejected, ${total(runs, "unknown")} unknown, ${total(runs, "notSent")} notSent, ${runs.flatMap((m) => m.stoppedBy).length} runs stopped; HTTP ${statuses(runs)}`,
        peer: `one process saving all ${(writers * LOAD_USERS) / 1000}k`,
        peerValue: `${ms(median(serial.map((m) => m.wallMs)))} ms (HTTP ${statuses(serial)})`,
        ratio: `${ratio.toFixed(2)}× the time`,
        goal: "≤ 1.3×",
        met: ratio <= 1.3 ? "met" : `missed by ${((ratio - 1.3) * 100).toFixed(0)} points`,
      });
    }
  }
}

// ── run ─────────────────────────────────────────────────────────────────

const started = performance.now();
const fns = { validate: benchValidate, csv: benchCsv, size: benchSize, startup: benchStartup, save: benchSave, memory: benchMemory, cli: benchCli, load: benchLoad };
for (const name of SECTIONS.filter((s) => only.includes(s))) {
  try {
    await fns[name]();
  } catch (e) {
    log(`  ${name} failed: ${e.stack}`);
    results.sections[name] = { error: e.message };
    row({ benchmark: name, ours: "FAILED", peer: "", peerValue: "", ratio: e.message.split("\n")[0].slice(0, 120), goal: "", met: "" });
  }
}
results.seconds = (performance.now() - started) / 1000;
results.rows = rows;

const table = [
  "| Benchmark | lockt-secureaccess | Peer | Peer's figure | Ratio (median of runs) | Goal | Result |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${[r.benchmark, r.ours, r.peer, r.peerValue, r.ratio, r.goal, r.met].join(" | ")} |`),
].join("\n");
console.log(`\n${table}\n`);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote bench/results/latest.json (${results.seconds.toFixed(0)} s)`);
if (only.length === SECTIONS.length || args.includes("--write-md")) {
  const { writeResultsMd } = await import("./lib/results-md.mjs");
  writeResultsMd(join(root, "bench/RESULTS.md"), results, table, `${process.env.LOCKT_PKG_DIR ? `LOCKT_PKG_DIR=${process.env.LOCKT_PKG_DIR} ` : ""}node bench/run.mjs ${args.join(" ")}`.trim());
  log("wrote bench/RESULTS.md");
}
