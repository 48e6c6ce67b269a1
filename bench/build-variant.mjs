// Builds a variant of the package for comparison, e.g. the same core at opt-level 3:
//
//   node bench/build-variant.mjs 3 /tmp/lockt-pkg-o3      (opt-level 3, wasm-opt -O3)
//   node bench/run.mjs --only validate,csv --variant /tmp/lockt-pkg-o3
//
// Uses its own cargo target dir (no lock contention with the normal build) and the JS
// entries of pkg/ (run npm run build first).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [level = "3", out = `/tmp/lockt-pkg-o${level}`] = process.argv.slice(2);
const targetDir = `/tmp/bench-target-o${level}`;
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { stdio: "inherit", cwd: root, env: { ...process.env, ...env } });

run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "lockt-secureaccess", "--target-dir", targetDir], {
  CARGO_PROFILE_RELEASE_OPT_LEVEL: level,
});
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const f of readdirSync(join(root, "pkg"))) if (f !== "web" && f !== "node") cpSync(join(root, "pkg", f), join(out, f), { recursive: true });
run("wasm-bindgen", [join(targetDir, "wasm32-unknown-unknown/release/lockt_secureaccess.wasm"), "--target", "web", "--weak-refs", "--out-dir", join(out, "web")]);
const features = ["bulk-memory", "bulk-memory-opt", "nontrapping-float-to-int", "sign-ext", "mutable-globals", "reference-types", "multivalue", "call-indirect-overlong"].map((f) => `--enable-${f}`);
const wasm = join(out, "web/lockt_secureaccess_bg.wasm");
run(join(root, "node_modules/.bin/wasm-opt"), [/^[0-3]$/.test(level) ? "-O3" : `-O${level}`, ...features, wasm, "-o", wasm]);
console.log(`variant (opt-level ${level}) in ${out}`);
