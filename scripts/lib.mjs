// Small helpers shared by the build, test and demo scripts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs a command and resolves to { code, output }. With `quiet` the output is
 * captured instead of shown (stdout and stderr interleaved).
 */
export function exec(cmd, args = [], { cwd = root, env = {}, quiet = false } = {}) {
  if (!quiet) console.log(`$ ${[cmd, ...args].join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", (error) =>
      reject(new Error(`cannot run ${cmd}: ${error.code === "ENOENT" ? "not found on PATH" : error.message}`)),
    );
    child.on("close", (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

/** Like exec, but rejects with a clear message unless the command succeeds; resolves to its output. */
export async function run(cmd, args = [], options = {}) {
  const { code, output } = await exec(cmd, args, options);
  if (code !== 0) {
    throw new Error(`${[cmd, ...args].join(" ")} failed (exit ${code})${options.quiet ? `\n${output}` : ""}`);
  }
  return output;
}

/** The [package] version and other plain string fields of the root Cargo.toml. */
export function cargoPackage() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[package\]\s*$/m)[1]?.split(/^\[/m)[0] ?? "";
  const field = (name) => section.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
  return { name: field("name"), version: field("version"), description: field("description"), repository: field("repository"), license: field("license") };
}

/** The version of a package in Cargo.lock (undefined when there is no lock file yet). */
export function lockedCrateVersion(crate) {
  let lock;
  try {
    lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  } catch {
    return undefined;
  }
  return lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${crate}"\\nversion = "([^"]+)"`))?.[1];
}

export const seconds = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;
