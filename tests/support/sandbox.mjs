// Starts the Lockt sandbox (sandbox/, package lockt-sandbox) on a free port for a test.
//
//   const sb = await startSandbox({ seed: "demo" });
//   ... new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey }) ...
//   await sb.admin.faults([...]); (await sb.admin.requests()).length; await sb.stop();
//
// scripts/test.mjs builds target/release/lockt-sandbox before the Node tests;
// LOCKT_SANDBOX_BIN overrides the binary.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The reference's example credentials, the sandbox's default pair. */
export const API_USER = "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn";
export const API_KEY = "hqx7wde64vwe987fvg6q4zaautrs3p7j";

export function sandboxBinary() {
  const candidates = [
    process.env.LOCKT_SANDBOX_BIN,
    join(root, "target/release/lockt-sandbox"),
    join(root, "target/debug/lockt-sandbox"),
  ].filter(Boolean);
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error("lockt-sandbox is not built: cargo build -p lockt-sandbox --release");
  return found;
}

/** `port`: 0 (the default) lets the OS pick; a test restarting a stopped sandbox passes its old port. */
export async function startSandbox({ seed = "demo", admin = true, args = [], port = 0, startTimeoutMs = 20_000 } = {}) {
  const child = spawn(sandboxBinary(), ["--port", String(port), "--seed", seed, ...(admin ? ["--admin"] : []), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const logs = [];
  createInterface({ input: child.stderr }).on("line", (line) => logs.push(line));
  const stdout = createInterface({ input: child.stdout });

  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`printed no base URL within ${startTimeoutMs} ms`), startTimeoutMs);
    function fail(why) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`lockt-sandbox ${why}\n${logs.join("\n")}`));
    }
    stdout.once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    exited.then((status) => fail(`exited (${status}) before printing its base URL`));
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(baseUrl)) throw new Error(`lockt-sandbox printed ${baseUrl}`);
  const origin = new URL(baseUrl).origin;

  async function call(method, path, body) {
    const response = await fetch(`${origin}/__admin/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox admin ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** `data` of a GET of the API (`path` under the base URL) as the sandbox sends it, not through the SDK. */
  async function raw(path) {
    const response = await fetch(`${baseUrl.replace(/\/$/, "")}/${path}`, { headers: { apiuser: API_USER, apikey: API_KEY } });
    if (!response.ok) throw new Error(`sandbox GET ${path}: ${response.status}`);
    return (await response.json()).data;
  }

  return {
    baseUrl,
    origin,
    raw,
    apiUser: API_USER,
    apiKey: API_KEY,
    /** The sandbox's stderr so far, one entry per line. */
    logLines: () => [...logs],
    admin: {
      /** Scripted failures for the next requests, e.g. [{ "status": 503 }]. */
      faults: (list) => call("POST", "faults", { faults: list }),
      clearFaults: () => call("DELETE", "faults"),
      /** The requests the sandbox received, oldest first. */
      requests: async () => (await call("GET", "requests")).requests,
      clearRequests: () => call("DELETE", "requests"),
      burstEvents: (count) => call("POST", "events", { count }),
      reset: (resetSeed = seed) => call("POST", "reset", { seed: resetSeed }),
    },
    async stop() {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
