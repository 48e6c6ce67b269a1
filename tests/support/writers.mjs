// Runs several writers of one tenant at once, each in its own Node process
// (tests/support/writer.mjs), and collects what each one's users.save reported.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./writer.mjs", import.meta.url));

/**
 * Starts `writers` processes saving `count` distinct users each (tags `<prefix><n>`), lets
 * them all go at once, and resolves to `{ wallMs, results }`: the time from "go" to the last
 * report, and each writer's JSON report line.
 */
export async function runWriters({ baseUrl, writers, count, maxWaitMs, prefix = "W" }) {
  const children = Array.from({ length: writers }, (_, n) => {
    const child = spawn(process.execPath, [script, baseUrl, `${prefix}${n}`, String(count), String(maxWaitMs)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout });
    const next = () => new Promise((resolve, reject) => {
      lines.once("line", resolve);
      child.once("close", (code) => reject(new Error(`writer ${prefix}${n} ended (${code}) without a report`)));
    });
    return { child, next };
  });
  try {
    await Promise.all(children.map(({ next }) => next()));
    const reports = children.map(({ next }) => next());
    const started = performance.now();
    for (const { child } of children) child.stdin.end("go\n");
    const results = await Promise.all(reports.map(async (line) => JSON.parse(await line)));
    return { wallMs: performance.now() - started, results };
  } finally {
    for (const { child } of children) if (child.exitCode === null) child.kill();
  }
}
