// npm run bench: one command for every benchmark, from a clean clone. Installs what is
// missing, builds the package and the release sandbox, then runs bench/run.mjs (arguments
// are passed on, e.g. `npm run bench -- --only validate --runs 7`).
import { root, run } from "./lib.mjs";
import { ensureBrowser, ensureBuildTools } from "./setup.mjs";

await ensureBuildTools();
await ensureBrowser();
await run(process.execPath, ["scripts/build.mjs"]);
await run("cargo", ["build", "--release", "-p", "lockt-sandbox"]);
await run(process.execPath, ["bench/run.mjs", ...process.argv.slice(2)], { cwd: root });
