// Installs what the build and the tests need when it is missing, so that `npm run demo` and
// `npm test` work on a fresh machine as written. Each step is skipped when already done.
// Versions and traps: ../shared/TOOLCHAIN.md (and .ci/run, which does the same in bash).
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { exec, lockedCrateVersion, root, run } from "./lib.mjs";

/** The wasm32 target, wasm-bindgen-cli at Cargo.lock's version, and node_modules. */
export async function ensureBuildTools() {
  // rustfmt and clippy for the lint stage (in rustup's default profile, but not in every one).
  const components = await exec("rustup", ["component", "list", "--installed"], { quiet: true });
  for (const component of ["rustfmt", "clippy"]) {
    if (!components.output.split("\n").some((line) => line.startsWith(`${component}-`))) await run("rustup", ["component", "add", component]);
  }
  const targets = await exec("rustup", ["target", "list", "--installed"], { quiet: true });
  if (!targets.output.split("\n").includes("wasm32-unknown-unknown")) {
    await run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
  const wanted = lockedCrateVersion("wasm-bindgen");
  const installed = (await exec("wasm-bindgen", ["--version"], { quiet: true }).catch(() => ({ output: "" }))).output.trim().split(" ")[1];
  if (wanted && installed !== wanted) {
    // No --locked: a locked dependency of the CLI is missing from the registry index here.
    await run("cargo", ["install", "wasm-bindgen-cli", "--version", `=${wanted}`]);
  }
  const marker = join(root, "node_modules/.package-lock.json");
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(join(root, "package-lock.json")).mtimeMs) {
    await run("npm", ["ci", "--no-audit", "--no-fund"]);
  }
}

/** Debian's Chromium and ChromeDriver, for the browser tests. */
export async function ensureBrowser() {
  if (existsSync("/usr/bin/chromium") && existsSync("/usr/bin/chromedriver")) return;
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const apt = (args) => (sudo.length ? run("sudo", ["apt-get", ...args]) : run("apt-get", args));
  await apt(["update"]);
  await apt(["install", "-y", "chromium", "chromium-driver"]);
}
