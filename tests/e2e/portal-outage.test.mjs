// The portal through an outage: the sandbox serving it is stopped and started again on the
// same port. The page says "Connection lost" within 5 s, labels a write attempted meanwhile
// as a connection failure (not a rejection), and clears it all by itself once the API is back.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/browser.mjs";
import { startSandbox } from "../support/sandbox.mjs";
import { openPortal, waitForText } from "./portal-page.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const missingLib = !existsSync(join(root, "www/lib/index.js")) && "www/lib is missing: run npm run build";
const serve = ["--serve", join(root, "www")];

let sb;
let browser;

before(async () => {
  if (missingLib) return;
  sb = await startSandbox({ args: serve });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await sb?.stop();
});

test("stopping the sandbox shows 'Connection lost' within 5 s; starting it again clears it", { skip: missingLib, timeout: 90_000 }, async (t) => {
  const { page } = await openPortal(t, browser, `${sb.origin}/`);
  await waitForText(page, "#tail-state", /^live$/);
  const port = Number(new URL(sb.origin).port);

  await sb.stop();
  const stopped = Date.now();
  await waitForText(page, "#connection-status", /^Connection lost – retrying/, 5_000);
  await waitForText(page, "#tail-state", /connection lost/, 5_000);
  assert.ok(Date.now() - stopped <= 5_000);

  // A user created meanwhile: a connection failure, never "rejected".
  await page.fill("#f-first_name", "Offline");
  await page.fill("#f-id_num", "OUTAGE-1");
  await page.click("#create-user");
  await waitForText(page, "#user-form-error", /Could not reach the API/);
  const form = await page.locator("#user-form").innerText();
  assert.doesNotMatch(form, /rejected|refused the data/i);
  assert.match(await page.locator("#user-form-status").innerText(), /Not created: nothing was sent|Not confirmed/);

  sb = await startSandbox({ args: serve, port });
  await waitForText(page, "#connection-status", /^Connected to /, 15_000);
  await waitForText(page, "#tail-state", /^live$/);
  assert.deepEqual(await page.$$eval(".error:not([hidden])", (boxes) => boxes.map((b) => `${b.id}: ${b.textContent}`)), [], "stale errors are cleared");

  // The tail runs again: a new event arrives.
  const newest = await page.$eval("#events-table tbody tr", (r) => Number(r.dataset.id));
  await sb.admin.burstEvents(1);
  await page.waitForFunction((id) => Number(document.querySelector("#events-table tbody tr")?.dataset.id) > id, newest, { timeout: 15_000 });
});
