// End-to-end tests of the sample portal (www/) in headless Chromium against the
// sandbox serving it (`--serve www`, same origin as the API).
//
//   node scripts/test.mjs --only e2e        (after npm run build, which fills www/lib)
//   UPDATE_SCREENSHOT=1 node --test tests/e2e   also rewrites docs/portal.png (and, in
//                                               portal-admin, tests/artifacts/portal-{1280,390}.png)
//
// Screenshots of every section go to tests/artifacts/e2e/ (not committed).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium, watchPage } from "../support/browser.mjs";
import { startSandbox, API_KEY } from "../support/sandbox.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const artifacts = join(root, "tests/artifacts/e2e");
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const missingLib = !existsSync(join(root, "www/lib/index.js")) && "www/lib is missing: run npm run build";

let sb;
let browser;
const consoleLines = [];

before(async () => {
  if (missingLib) return;
  mkdirSync(artifacts, { recursive: true });
  sb = await startSandbox({ args: ["--serve", join(root, "www")] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await sb?.stop();
  // The API key is never printed by the page.
  assert.ok(!consoleLines.some((line) => line.includes(API_KEY)), "the apikey appeared in the console");
});

/** A fresh page on the portal, connected to the sandbox (the prefilled settings). */
async function openPortal(t, { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.setViewportSize({ width, height });
  const problems = watchPage(page);
  page.on("console", (message) => consoleLines.push(message.text()));
  await page.goto(`${sb.origin}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 }).catch((error) => {
    throw new Error(`${error.message}\n${problems.join("\n")}`);
  });
  return { page, problems };
}

const text = (page, selector) => page.locator(selector).innerText();

async function userPosts() {
  return (await sb.admin.requests()).filter((r) => r.method === "POST" && r.path === "/api/v1/user");
}

test("new user: an invalid email shows inline and nothing is sent; fixed, the user is created and listed", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page, problems } = await openPortal(t);
  await page.waitForSelector("#users-table tbody tr[data-id]");
  await sb.admin.clearRequests();
  const idNum = `E2E-${suffix}`;

  assert.equal(await page.locator("#create-user").isDisabled(), true, "submit starts disabled");
  await page.fill("#f-first_name", "Ada");
  await page.fill("#f-last_name", `Tester ${suffix}`);
  await page.fill("#f-id_num", idNum);
  await page.selectOption("#f-accesslevel", { label: "Housekeeping" });
  await page.locator("#f-email").pressSequentially("ada.example");
  await page.waitForFunction(() => /not a valid email address/.test(document.querySelector("#e-email").textContent));
  assert.equal(await page.getAttribute("#f-email", "aria-invalid"), "true");
  assert.equal(await page.locator("#create-user").isDisabled(), true, "submit is disabled while invalid");
  // Enter submits the form: the page must still send nothing.
  await page.press("#f-email", "Enter");
  await page.locator("#new-user").screenshot({ path: join(artifacts, "new-user-invalid.png") });
  assert.deepEqual(await userPosts(), [], "no POST /api/v1/user while the email is invalid");

  await page.fill("#f-email", `ada.${suffix}@example.com`);
  await page.waitForFunction(() => document.querySelector("#e-email").textContent === "");
  assert.equal(await page.locator("#create-user").isDisabled(), false);
  await page.click("#create-user");
  await page.waitForFunction(() => /Created/.test(document.querySelector("#user-form-status").textContent), null, { timeout: 20_000 });

  // The list shows the new user (the page searches for it after creating it).
  const row = page.locator("#users-table tbody tr", { hasText: idNum });
  await row.waitFor();
  assert.match(await row.innerText(), /Housekeeping/);
  const posts = await userPosts();
  assert.equal(posts.length, 1);
  assert.equal(posts[0].body.users[0].id_num, idNum);

  // Case process 1 again from the user's detail panel: add a level picked by name.
  await row.getByRole("button", { name: /Open/ }).click();
  await page.selectOption("#assign-level", { label: "Contractors" });
  await page.click("#assign-form button[type=submit]");
  await page.waitForFunction(() => /Assigned Contractors/.test(document.querySelector("#user-detail-status").textContent), null, { timeout: 20_000 });
  assert.match(await text(page, "#user-levels"), /Housekeeping[^]*Contractors|Contractors[^]*Housekeeping/);

  // Case process 2: disable access at a date.
  await page.fill("#disable-at", "2031-12-31");
  page.once("dialog", (dialog) => dialog.accept());
  await page.click("#disable-form button[type=submit]");
  await page.waitForFunction(() => /Access ends on 2031-12-31/.test(document.querySelector("#user-detail-status").textContent), null, { timeout: 20_000 });
  assert.match(await text(page, "#user-detail-fields"), /2031-12-31/);
  await page.locator("#users").screenshot({ path: join(artifacts, "users.png") });
  assert.deepEqual(problems, []);
});

test("bulk import: 250 rows with 3 bad ones, progress to 100 %, 247 saved and 3 rejected", { skip: missingLib, timeout: 90_000 }, async (t) => {
  const { page, problems } = await openPortal(t);
  const bad = new Map([
    [10, { email: "not-an-email" }],
    [120, { pin: "12ab" }],
    [239, { access_effective: "2024-02-30" }],
  ]);
  const lines = ["id_num,first_name,last_name,email,pin,access_effective,accesslevels"];
  for (let i = 0; i < 250; i++) {
    const row = {
      id_num: `CSV-${suffix}-${i}`,
      first_name: `Row${i}`,
      last_name: "Import",
      email: `row${i}.${suffix}@example.com`,
      pin: String(1000 + i),
      access_effective: "2030-01-01",
      accesslevels: i % 2 ? "Housekeeping;512" : "",
      ...bad.get(i),
    };
    lines.push([row.id_num, row.first_name, row.last_name, row.email, row.pin, row.access_effective, row.accesslevels].join(","));
  }
  await page.setInputFiles("#csv-file", { name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
  await page.waitForFunction(() => /250 rows, 247 valid, 3 with problems/.test(document.querySelector("#import-summary").textContent));

  // The validation table names the bad rows by their spreadsheet row (header = row 1).
  const badRows = await page.$$eval("#import-table tbody tr.bad", (rows) => rows.map((r) => Number(r.dataset.row)));
  assert.deepEqual(badRows, [...bad.keys()].map((i) => i + 2));
  await page.check("#import-only-bad");
  assert.equal(await page.locator("#import-table tbody tr:visible").count(), 3);
  await page.locator("#import").screenshot({ path: join(artifacts, "import-preview.png") });

  await page.click("#import-start");
  await page.waitForSelector("#import-report:not([hidden])", { timeout: 60_000 });
  const progress = await page.$eval("#import-progress", (p) => ({ value: p.value, max: p.max }));
  assert.equal(progress.value, progress.max, "the progress bar reached 100 %");
  assert.equal(progress.max, 247);
  const counts = await text(page, "#import-counts");
  assert.match(counts, /\b247 saved\b/);
  assert.match(counts, /\b3 rejected\b/);
  assert.match(counts, /\b0 not sent\b/);
  assert.doesNotMatch(counts, /null|undefined/);
  assert.equal(await page.locator("#import-start").isDisabled(), true, "a finished import is not sent twice");
  assert.equal(await page.locator("#import-retry").isHidden(), true, "nothing to retry");
  const reportRows = await page.$$eval("#report-table tbody tr", (rows) => rows.map((r) => r.innerText));
  assert.equal(reportRows.length, 3);
  assert.match(reportRows[0], /^12\s+rejected\s.*not a valid email address.*\(Invalid email address found: not-an-email\)/);

  // The report downloads as CSV: one line per input row.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#import-download")]);
  const csv = readFileSync(await download.path(), "utf8").trim().split(/\r\n/);
  assert.equal(csv.length, 251);
  assert.equal(csv[0], "row,status,id_num,first_name,last_name,email,messages");
  assert.equal(csv.filter((l) => l.includes(",saved,")).length, 247);
  assert.equal(csv.filter((l) => l.includes(",rejected,")).length, 3);

  await page.locator("#import").screenshot({ path: join(artifacts, "import-report.png") });
  const created = (await userPosts()).reduce((n, r) => n + r.body.users.length, 0);
  assert.ok(created >= 247);
  assert.deepEqual(problems, []);
});

test("events: a new event appears in the live tail without a reload", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page, problems } = await openPortal(t);
  await page.waitForSelector("#events-table tbody tr[data-id]");
  await page.waitForFunction(() => document.querySelector("#tail-state").textContent === "live");
  const newest = await page.$eval("#events-table tbody tr", (r) => Number(r.dataset.id));
  await sb.admin.burstEvents(1);
  await page.waitForSelector(`#events-table tbody tr[data-id="${newest + 1}"]`, { timeout: 15_000 });
  assert.equal(await page.$eval("#events-table tbody tr", (r) => Number(r.dataset.id)), newest + 1, "newest first");
  await page.locator("#events").screenshot({ path: join(artifacts, "events.png") });

  // The other sections, for the artifacts.
  await page.waitForSelector("#doors-table tbody tr");
  await page.waitForSelector("#schedules-table tbody tr");
  await page.waitForSelector("#cred-table tbody tr");
  for (const id of ["connection", "doors", "levels", "schedules", "credentials"]) {
    await page.locator(`#${id}`).screenshot({ path: join(artifacts, `${id}.png`) });
  }
  await page.screenshot({ path: join(artifacts, "portal-1280.png"), fullPage: true });
  if (process.env.UPDATE_SCREENSHOT) {
    const file = join(root, "docs/portal.png");
    mkdirSync(join(root, "docs"), { recursive: true });
    // The whole page when it fits the README's budget, else its top.
    let png = await page.screenshot({ fullPage: true });
    if (png.length >= 300_000) png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1800 } });
    writeFileSync(file, png);
    assert.ok(statSync(file).size < 300_000, "docs/portal.png stays under 300 kB");
  }

  const narrow = await openPortal(t, { width: 390, height: 844 });
  await narrow.page.waitForSelector("#users-table tbody tr[data-id]");
  const overflow = await narrow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  await narrow.page.screenshot({ path: join(artifacts, "portal-390.png"), fullPage: true });
  assert.deepEqual([...problems, ...narrow.problems], []);
});

test("a wrong apikey shows an authentication message, and the key is never in the page", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page } = await openPortal(t);
  await page.fill("#api-key", "wrongkeywrongkeywrongkeywrongkey");
  await page.click("#connect");
  const alert = page.locator("#connection-error");
  await page.waitForFunction(() => /Authentication failed/.test(document.querySelector("#connection-error").textContent));
  assert.match(await alert.textContent(), /^Authentication failed\. The API refused the API user or key.*Detailsauth · HTTP 401: The API refused the credentials/);
  assert.equal(await alert.getAttribute("role"), "alert");
  await page.locator("#connection").screenshot({ path: join(artifacts, "auth-error.png") });

  await page.fill("#api-key", API_KEY);
  await page.click("#connect");
  await page.waitForFunction(() => /^Connected/.test(document.querySelector("#connection-status").textContent));
  const html = await page.content();
  assert.ok(!html.includes(API_KEY), "the apikey is not in the DOM (only in the password input's value)");
});

test("proxy mode (?proxy=/path) holds and sends no keys", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const page = await browser.newPage();
  t.after(() => page.close());
  await sb.admin.clearRequests();
  // The sandbox is no proxy: it wants keys, so the keyless calls are refused.
  await page.goto(`${sb.origin}/?proxy=/api/v1`);
  await page.waitForFunction(() => /Authentication failed/.test(document.querySelector("#connection-error").textContent));
  assert.equal(await page.inputValue("#base-url"), "/api/v1");
  assert.equal(await page.inputValue("#api-key"), "");
  assert.equal(await page.locator("#api-key").isDisabled(), true);
  const requests = await sb.admin.requests();
  assert.ok(requests.length > 0);
  assert.ok(requests.every((r) => !r.apiuser && !r.apikey_ok), "no credentials sent in proxy mode");
});
