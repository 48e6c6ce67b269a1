// Where validateUsers spends its time: a V8 CPU profile (node:inspector) of the optimised
// module *with its names* (see namedBuild), self time grouped by crate and by JS builtin.
import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { crateOf } from "./size.mjs";

/** `pkgDir` gives the package's JS walk (validators.js), run over the named module. */
export async function profileValidate({ glue, wasm }, users, pkgDir, repeat = 2) {
  const wasmCore = await import(glue);
  wasmCore.initSync({ module: readFileSync(wasm) });
  const { makeValidators } = await import(pathToFileURL(join(pkgDir, "validators.js")).href);
  const core = makeValidators(wasmCore, Error);
  core.validateUsers(users.slice(0, 1000)); // compiled
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  for (let i = 0; i < repeat; i++) core.validateUsers(users);
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const dt = new Map();
  // The first sample's delta runs from when the profiler was set up, inside the inspector's own
  // `dispatch` of Profiler.start (about 80 ms here): not validateUsers' time, so it is left out.
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (i ? (profile.timeDeltas[i] ?? 0) : 0)));
  const glueFrame = (f) => {
    if (f.url.endsWith("validators.js")) return `JS walk and report (validators.js): ${f.functionName || "(anonymous)"}`;
    return `JS glue: ${f.functionName || "(anonymous)"}`;
  };
  const groups = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const t = dt.get(node.id) ?? 0;
    if (!t) continue;
    const f = node.callFrame;
    let group;
    if (f.url.startsWith("wasm://")) group = `wasm: ${crateOf(f.functionName)}`;
    else if (f.url === "" && f.functionName) group = `JS builtin: ${f.functionName}`;
    else if (f.functionName === "(garbage collector)") group = "garbage collector";
    else if (f.functionName.startsWith("(")) group = f.functionName;
    else group = glueFrame(f);
    groups.set(group, (groups.get(group) ?? 0) + t);
    total += t;
  }
  const top = new Map();
  for (const node of profile.nodes) {
    const t = dt.get(node.id) ?? 0;
    if (t && node.callFrame.url.startsWith("wasm://")) top.set(node.callFrame.functionName, (top.get(node.callFrame.functionName) ?? 0) + t);
  }
  return {
    groups: [...groups].sort((a, b) => b[1] - a[1]).map(([group, us]) => ({ group, share: us / total })),
    topWasm: [...top].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, us]) => ({ name: name.slice(0, 120), share: us / total })),
  };
}
