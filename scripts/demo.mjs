// npm run demo: build the package, then serve the sample page (www/) and the
// sandbox API on http://127.0.0.1:8080/. Extra arguments go to the sandbox.
import { root, run } from "./lib.mjs";
import { ensureBuildTools } from "./setup.mjs";

await ensureBuildTools();
await run(process.execPath, ["scripts/build.mjs"]);
console.log("\ndemo: starting the sandbox; open http://127.0.0.1:8080/ (Ctrl+C stops it)\n");
await run("cargo", ["run", "-p", "lockt-sandbox", "--release", "--", "--port", "8080", "--serve", "www", "--simulate-traffic", "0.5", ...process.argv.slice(2)], { cwd: root });
