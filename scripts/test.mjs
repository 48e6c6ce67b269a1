// npm test: every test of the project, in stages, fail fast.
//
//   node scripts/test.mjs                      all stages
//   node scripts/test.mjs --only types         one stage (or several: --only node,types)
//   node scripts/test.mjs --list               the stages
//
// Stages after "build" test the package the way users get it: pkg/ is packed
// with npm pack and installed into a fresh temporary project, and the tests
// import it from there (LOCKT_PKG_DIR). KEEP_TMP=1 keeps that project.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { exec, root, run, seconds } from "./lib.mjs";
import { ensureBrowser, ensureBuildTools } from "./setup.mjs";

const STAGES = [
  { name: "lint", title: "cargo fmt --check and clippy -D warnings (native, the SDK's and the validators' wasm)", fn: lint },
  { name: "native", title: "cargo test --workspace (native)", fn: nativeTests },
  { name: "wasm-node", title: "wasm-bindgen-test in Node", fn: () => wasmTests("node") },
  { name: "wasm-browser", title: "wasm-bindgen-test in headless Chromium", fn: () => wasmTests("browser") },
  { name: "build", title: "npm run build", fn: () => run("npm", ["run", "--silent", "build"]) },
  { name: "size", title: "size ceiling of what a browser downloads", fn: () => run(process.execPath, ["bench/size-check.mjs"]) },
  { name: "node", title: "packed package in Node (node:test)", fn: nodeTests },
  { name: "types", title: "TypeScript typings (tsc --strict, Node-only, attw, publint)", fn: typeTests },
  { name: "bundlers", title: "Vite and webpack builds in Chromium", fn: () => nodeTestDirs(["tests/bundlers"]) },
  { name: "e2e", title: "browser end-to-end tests", fn: e2eTests },
  { name: "fuzz", title: "cargo-fuzz targets, 15 s each", fn: () => run("bash", ["fuzz/run.sh", "15"]) },
];

class Skip extends Error {}

const args = process.argv.slice(2);
if (args.includes("--list")) {
  for (const stage of STAGES) console.log(`${stage.name.padEnd(14)} ${stage.title}`);
  process.exit(0);
}
const only = args.includes("--only") ? args[args.indexOf("--only") + 1]?.split(",") : undefined;
const unknown = (only ?? []).filter((name) => !STAGES.some((stage) => stage.name === name));
if ((only && !only.length) || unknown.length) {
  console.error(`unknown stage ${unknown.join(", ")}; stages: ${STAGES.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

await ensureBuildTools();
await ensureBrowser();

const tmp = mkdtempSync(join(tmpdir(), "lockt-test-"));
const results = [];
const started = performance.now();
let failed = false;

for (const stage of STAGES.filter((s) => !only || only.includes(s.name))) {
  console.log(`\n━━ ${stage.name}: ${stage.title}`);
  const start = performance.now();
  try {
    await stage.fn();
    results.push([stage.name, "ok", seconds(start)]);
  } catch (error) {
    if (error instanceof Skip) {
      console.log(`skipped: ${error.message}`);
      results.push([stage.name, `skipped (${error.message})`, seconds(start)]);
      continue;
    }
    console.error(`\n✗ ${stage.name} failed: ${error.message}`);
    results.push([stage.name, "FAILED", seconds(start)]);
    failed = true;
    break;
  }
}

console.log("\n━━ summary");
for (const [name, status, time] of results) console.log(`  ${name.padEnd(14)} ${time.padStart(8)}  ${status}`);
console.log(`  ${"total".padEnd(14)} ${seconds(started).padStart(8)}`);
if (process.env.KEEP_TMP || failed) console.log(`  temp dir kept: ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

// ── stages ──────────────────────────────────────────────────────────────

/** Formatting (rustfmt.toml) and clippy, warnings as errors, on every build the package makes. */
async function lint() {
  await run("cargo", ["fmt", "--all", "--check"]);
  await run("cargo", ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
  // The wasm tests need the client, so the validators' build (no client) lints the library.
  for (const build of [["--all-targets"], ["--lib", "--no-default-features"]]) {
    await run("cargo", ["clippy", "--target", "wasm32-unknown-unknown", "-p", "lockt-secureaccess", ...build, "--", "-D", "warnings"]);
  }
}

async function nativeTests() {
  await run("cargo", ["test", "--workspace"]);
}

/** cargo test for wasm32 through wasm-bindgen-test-runner, in Node or Chromium. */
async function wasmTests(where) {
  if (!hasWasmTests()) throw new Skip("no #[wasm_bindgen_test] in src/ or tests/ yet");
  const env = {
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
    // Files with wasm_bindgen_test_configure!(run_in_browser) use Chromium in both passes.
    CHROMEDRIVER: process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver",
    WASM_BINDGEN_TEST_TIMEOUT: process.env.WASM_BINDGEN_TEST_TIMEOUT ?? "60",
  };
  // The browser pass runs every test file in headless Chromium.
  if (where === "browser") env.WASM_BINDGEN_USE_BROWSER = "1";
  await run("cargo", ["test", "--target", "wasm32-unknown-unknown", "-p", "lockt-secureaccess"], { env });
}

function hasWasmTests() {
  const rustFiles = (dir) =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".rs")).map((f) => join(dir, f))
      : [];
  return [...rustFiles(join(root, "src")), ...rustFiles(join(root, "tests"))].some((file) =>
    readFileSync(file, "utf8").includes("wasm_bindgen_test]"),
  );
}

async function nodeTests() {
  await sandboxBinary();
  await nodeTestDirs(["tests/package", "tests/node"]);
}

/** tsc --strict over tests/types: good.ts (and good.cts) compile, every marked mistake in bad.ts fails. */
async function typeTests() {
  const project = await consumerProject();
  const dir = join(project, "types");
  cpSync(join(root, "tests/types"), dir, { recursive: true });
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const tsconfig = (name, module, moduleResolution, files) =>
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: "es2022", lib: ["es2022", "dom"], types: [], module, moduleResolution },
        files,
      }),
    );
  // A bundler/browser project and a Node ESM+CJS project see different entries.
  const good = ["good.ts", ...(existsSync(join(dir, "good.cts")) ? ["good.cts"] : [])];
  const configs = {
    "tsconfig.bundler.json": ["esnext", "bundler", ["good.ts"]],
    "tsconfig.nodenext.json": ["nodenext", "nodenext", good],
  };
  for (const [config, [module, resolution, files]] of Object.entries(configs)) {
    tsconfig(config, module, resolution, files);
    await run(process.execPath, [tsc, "-p", config], { cwd: dir });
    console.log(`types: ${files.join(", ")} compile with moduleResolution ${resolution}`);
  }
  await nodeOnlyTypes(dir, tsc);
  tsconfig("tsconfig.bad.json", "esnext", "bundler", ["bad.ts"]);

  const { code, output } = await exec(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: dir, quiet: true });
  const errorLines = new Set([...output.matchAll(/^bad\.ts\((\d+),\d+\): error/gm)].map((m) => Number(m[1])));
  const expected = readFileSync(join(dir, "bad.ts"), "utf8")
    .split("\n")
    .flatMap((line, i) => (line.includes("// expect-error") ? [i + 1] : []));
  const missed = expected.filter((line) => !errorLines.has(line));
  const stray = [...errorLines].filter((line) => !expected.includes(line));
  if (code === 0 || !expected.length || missed.length || stray.length) {
    throw new Error(
      `bad.ts: tsc exit ${code}; ${expected.length} marked mistakes, not reported on lines [${missed}], ` +
        `unmarked errors on lines [${stray}]\n${output}`,
    );
  }
  console.log(`types: bad.ts fails to compile, all ${expected.length} marked mistakes reported`);
}

/**
 * A Node-only project (`lib: ["es2022"]`, @types/node, `skipLibCheck: false`) compiles the
 * typings and the README's Node examples, also under `exactOptionalPropertyTypes`; then
 * @arethetypeswrong/cli and publint --strict judge the package as published.
 */
async function nodeOnlyTypes(dir, tsc) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = (heading) => {
    const code = readme.split(heading)[1]?.match(/```js\n([\s\S]*?)```/)?.[1];
    if (!code) throw new Error(`README: no js block under ${heading}`);
    return code;
  };
  writeFileSync(join(dir, "readme-node.ts"), `${block("## Quick start: Node")}\ndeclare const rows: import("lockt-secureaccess").UserInput[];\n`);
  writeFileSync(
    join(dir, "readme-workflows.ts"),
    `import { LocktClient, parseUsersCsv } from "lockt-secureaccess";\n${block("## Workflows")}\n` +
      "declare const lockt: LocktClient, savedCursor: number, signal: AbortSignal, csvText: string;\n" +
      "declare function ship(event: unknown): void;\ndeclare function save(cursor: number): void;\n",
  );
  const files = ["good.ts", "good.cts", "readme-node.ts", "readme-workflows.ts"];
  for (const [config, exact] of [["tsconfig.node-only.json", false], ["tsconfig.exact.json", true]]) {
    const compilerOptions = {
      strict: true, noEmit: true, target: "es2022", lib: ["es2022"], module: "nodenext", moduleResolution: "nodenext",
      skipLibCheck: false, types: ["node"], typeRoots: [join(root, "node_modules/@types")], exactOptionalPropertyTypes: exact,
    };
    writeFileSync(join(dir, config), JSON.stringify({ compilerOptions, files }));
    await run(process.execPath, [tsc, "-p", config], { cwd: dir });
    console.log(`types: ${files.join(", ")} compile in a Node-only project${exact ? " with exactOptionalPropertyTypes" : ""}`);
  }
  await run(join(root, "node_modules/.bin/attw"), ["--pack", join(root, "pkg")], { cwd: root });
  await run(join(root, "node_modules/.bin/publint"), ["--strict", join(root, "pkg")], { cwd: root });
  console.log("types: @arethetypeswrong/cli and publint --strict report no problem");
}

async function e2eTests() {
  if (!existsSync(join(root, "tests/e2e"))) throw new Skip("no tests/e2e yet");
  await sandboxBinary();
  await nodeTestDirs(["tests/e2e"]);
}

// ── shared steps (each done at most once per run) ───────────────────────

/** node --test over the given directories, against the installed package. */
async function nodeTestDirs(dirs) {
  const present = dirs.filter((dir) => existsSync(join(root, dir)));
  if (!present.length) throw new Skip(`no ${dirs.join(" or ")} yet`);
  const project = await consumerProject();
  await run(process.execPath, ["--test", "--test-reporter=spec", ...present], {
    env: { LOCKT_PKG_DIR: join(project, "node_modules/lockt-secureaccess") },
  });
}

/** The release build of the sandbox, which the Node and e2e tests start. */
function sandboxBinary() {
  sandboxBinary.done ??= run("cargo", ["build", "--release", "-p", "lockt-sandbox"]);
  return sandboxBinary.done;
}

/** npm pack pkg/, then npm install the tarball into a fresh project in the temp dir. */
function consumerProject() {
  consumerProject.done ??= (async () => {
    if (!existsSync(join(root, "pkg/package.json"))) throw new Error("pkg/ is missing: run npm run build first");
    const [packed] = JSON.parse(await run("npm", ["pack", "./pkg", "--json", "--pack-destination", tmp], { quiet: true }));
    const tarball = join(tmp, packed.filename);
    console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1000).toFixed(1)} kB`);
    const project = join(tmp, "consumer");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "lockt-consumer", private: true, type: "module" }));
    await run("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project });
    console.log(`installed into ${relative(root, project)}`);
    return project;
  })();
  return consumerProject.done;
}
