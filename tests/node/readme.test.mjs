// The README's code blocks run as tests, against the sandbox and the package as users get it.
//
// Every ```js, ```mjs and ```ts block of README.md (TS with its types stripped) runs as an ES
// module in a Node process of its own, in README order, from a directory whose node_modules
// holds the package of tests/support/pkg.mjs, so `import ... from "lockt-secureaccess"` is the
// packed package. Each `new LocktClient({` gets the sandbox's `baseUrl`; what the snippets use
// without defining it is in tests/support/readme-givens.mjs. The module's lines are the
// README's lines, so a failure's stack points into README.md.
//
// A block that cannot run as written carries `<!-- not run: reason -->` on the line before it,
// and is reported as skipped with that reason: none is left out silently. ```html blocks, which
// Node cannot run, must carry the marker too.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { pkgDir } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = codeBlocks(readme);

let sb, dir;

before(async () => {
  sb = await startSandbox({ seed: "demo" });
  dir = mkdtempSync(join(tmpdir(), "lockt-readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(pkgDir, join(dir, "node_modules/lockt-secureaccess"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  copyFileSync(join(root, "tests/support/readme-givens.mjs"), join(dir, "givens.mjs"));
});
after(async () => {
  await sb?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const block of blocks) {
  const name = `README.md:${block.line} (${block.lang})`;
  test(name, { skip: block.notRun && `not run: ${block.notRun}` }, async () => {
    const file = `README.md.line-${block.line}.mjs`;
    writeFileSync(join(dir, file), runnable(block));
    const callsFile = join(dir, `calls-${block.line}.json`);
    const env = {
      ...process.env,
      LOCKT_BASE_URL: sb.baseUrl,
      LOCKT_API_USER: API_USER,
      LOCKT_API_KEY: API_KEY,
      LOCKT_README_CSV: join(root, "examples/roster.csv"),
      LOCKT_README_CALLS: callsFile,
    };
    try {
      await promisify(execFile)(process.execPath, ["--import", "./givens.mjs", file], { cwd: dir, env, timeout: 30_000, killSignal: "SIGKILL" });
    } catch (error) {
      const why = error.killed ? "did not finish within 30 s" : `fails (exit ${error.code})`;
      throw new Error(`${name}: the block ${why}:\n${error.stderr}${error.stdout}`);
    }
    // A callback of the givens that the block names must have been called.
    for (const [callback, count] of Object.entries(JSON.parse(readFileSync(callsFile, "utf8")))) {
      const named = new RegExp(`(?<![\\w.])${callback.replace(".", "\\.")}\\(`).test(block.code);
      assert.ok(!named || count > 0, `${name}: the block names ${callback}() but never called it`);
    }
  });
}

test("every code block of the README is run or marked, and the packed README has the same blocks", (t) => {
  const run = blocks.filter((b) => !b.notRun);
  const marked = blocks.filter((b) => b.notRun);
  t.diagnostic(`${blocks.length} blocks: ${run.length} run, ${marked.length} marked not run`);
  for (const b of marked) t.diagnostic(`README.md:${b.line} (${b.lang}) not run: ${b.notRun}`);
  assert.ok(run.length >= 5, `only ${run.length} README blocks run`);
  for (const b of blocks.filter((b) => b.lang === "html")) assert.ok(b.notRun, `README.md:${b.line}: an html block needs <!-- not run: reason -->`);
  // A marker must sit right before a block and give a reason.
  const markers = [...readme.matchAll(/<!-- not run:(.*?)-->/g)];
  assert.equal(markers.length, marked.length, "a <!-- not run --> marker that is not on the line before a code block");
  for (const [, reason] of markers) assert.ok(reason.trim(), "a <!-- not run --> marker without a reason");
  const packed = codeBlocks(readFileSync(join(pkgDir, "README.md"), "utf8"));
  const differs = blocks.find((b, i) => packed[i]?.code !== b.code);
  assert.ok(packed.length === blocks.length && !differs, `pkg/README.md's code blocks differ from README.md's (README.md:${differs?.line})`);
});

/** The fenced blocks in JS, TS or HTML: `{ line, lang, code, notRun }`, `line` being the fence's. */
function codeBlocks(text) {
  const lines = text.split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(js|mjs|javascript|ts|typescript|html)\s*$/);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    assert.ok(end > i, `README.md:${i + 1}: a code block that is never closed`);
    const notRun = lines[i - 1]?.match(/^<!-- not run:(.*)-->$/)?.[1].trim();
    found.push({ line: i + 1, lang: open[1], code: lines.slice(i + 1, end).join("\n"), notRun });
    i = end;
  }
  return found;
}

/** The block as a module whose lines are the README's, its clients on the sandbox. */
function runnable({ line, lang, code }) {
  const onSandbox = code.replaceAll("new LocktClient({", `new LocktClient({ baseUrl: ${JSON.stringify(sb.baseUrl)},`);
  const js = lang.startsWith("t")
    ? ts.transpileModule(onSandbox, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    : onSandbox;
  return "\n".repeat(line) + js;
}
