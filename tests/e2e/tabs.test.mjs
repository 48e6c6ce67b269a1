// Writes from two tabs of one origin never overlap: the SDK takes the Web Lock
// (navigator.locks) around each write, because the API rejects overlapping writes with 429.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/browser.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const missingLib = !existsSync(join(root, "www/lib/index.js")) && "www/lib is missing: run npm run build";
let sb;
let browser;

before(async () => {
  if (missingLib) return;
  sb = await startSandbox({ args: ["--serve", join(root, "www")] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await sb?.stop();
});

/** A tab on the sandbox's origin with a client ready as `window.lockt`. */
async function tab() {
  const page = await browser.newPage();
  await page.goto(`${sb.origin}/`);
  await page.evaluate(async ({ apiUser, apiKey }) => {
    const sdk = await import("/lib/index.js");
    await sdk.init();
    window.lockt = new sdk.LocktClient({ baseUrl: `${location.origin}/api/v1`, apiUser, apiKey });
  }, { apiUser: API_USER, apiKey: API_KEY });
  return page;
}

test("two tabs writing at once: one write at a time, no 429", { skip: missingLib, timeout: 60_000 }, async () => {
  const [a, b] = [await tab(), await tab()];
  await sb.admin.clearRequests();
  // The first write is held open for a while, long enough for the second tab to collide.
  await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/door" }, kind: "delay", ms: 800 }]);
  const suffix = Date.now().toString(36);
  const write = (page, name) => page.evaluate((n) => window.lockt.doors.create([{ name: n }]).then((r) => r.committed), name);
  const results = await Promise.all([write(a, `Tab A ${suffix}`), write(b, `Tab B ${suffix}`)]);
  assert.deepEqual(results, [1, 1]);
  const posts = (await sb.admin.requests()).filter((r) => r.method === "POST");
  assert.deepEqual(posts.map((r) => r.status), [200, 200], "no 429: the second tab waited for the lock");
  assert.ok(posts[1].start_ms >= posts[0].end_ms, "the writes did not overlap");
});
