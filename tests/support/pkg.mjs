// Loads lockt-secureaccess the way a user gets it: from the packed tarball
// installed into a fresh project by scripts/test.mjs (LOCKT_PKG_DIR is
// <project>/node_modules/lockt-secureaccess). Without LOCKT_PKG_DIR (a quick
// local run of one test file) it falls back to the unpacked pkg/ directory.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export const installed = Boolean(process.env.LOCKT_PKG_DIR);
/** The package directory (installed, or pkg/). */
export const pkgDir = resolve(process.env.LOCKT_PKG_DIR ?? join(root, "pkg"));
/** The consumer project the package is installed in (undefined for pkg/). */
export const projectDir = installed ? dirname(dirname(pkgDir)) : undefined;

if (!existsSync(join(pkgDir, "package.json"))) {
  throw new Error(`no package at ${pkgDir}: run npm run build (or node scripts/test.mjs)`);
}

export function packageJson() {
  return JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
}

/** The entry files of pkg/ by subpath, for runs without the installed tarball. */
const LOCAL_ENTRIES = { "": { import: "node.mjs", require: "node.cjs" }, "/validate": { import: "validate-node.mjs", require: "validate-node.cjs" } };

/**
 * `import "lockt-secureaccess"` (or a subpath such as `"/validate"`) from the consumer
 * project (Node's "node" + "import" conditions).
 */
export function importPackage(subpath = "") {
  if (!installed) return import(pathToFileURL(join(pkgDir, LOCAL_ENTRIES[subpath].import)).href);
  // import() resolves bare names relative to the importing file, so import
  // through a one-line module that lives in the consumer project.
  const name = `lockt-secureaccess${subpath}`;
  const shim = join(projectDir, `lockt-import${subpath.replaceAll("/", "-")}.mjs`);
  if (!existsSync(shim)) {
    // Written then renamed: test files run in parallel processes.
    writeFileSync(`${shim}.${process.pid}`, `export * from "${name}";\nexport { default } from "${name}";\n`);
    renameSync(`${shim}.${process.pid}`, shim);
  }
  return import(pathToFileURL(shim).href);
}

/** `require("lockt-secureaccess")` (or a subpath) from the consumer project (Node's "node" + "require" conditions). */
export function requirePackage(subpath = "") {
  if (!installed) return createRequire(import.meta.url)(join(pkgDir, LOCAL_ENTRIES[subpath].require));
  return createRequire(join(projectDir, "package.json"))(`lockt-secureaccess${subpath}`);
}

/**
 * The package's hidden test hooks (`panicForTests`, `registerErrorClass`), filled in by the
 * entry of `how` ("import" or "require") once it is loaded. They live in internal.js /
 * internal.cjs, outside the exports map and the typings, so they are loaded by path.
 */
export async function testHooks(how = "import") {
  if (how === "require") return createRequire(import.meta.url)(join(pkgDir, "internal.cjs")).testHooks;
  return (await import(pathToFileURL(join(pkgDir, "internal.js")).href)).testHooks;
}
