// The portal as a building's administrator uses it (issue 16), in headless Chromium set to
// New York time, against the sandbox serving the page: truthful import reports, level names
// checked in the preview, safe access edits, times in the browser's zone, the narrow layout,
// and axe-core with zero violations at 1280 and 390 px.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/browser.mjs";
import { startSandbox } from "../support/sandbox.mjs";
import { axeViolations, csvFile, openPortal, waitForText } from "./portal-page.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const artifacts = join(root, "tests/artifacts/e2e");
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const missingLib = !existsSync(join(root, "www/lib/index.js")) && "www/lib is missing: run npm run build";
const ZONE = "America/New_York";
const HEADER = ["id_num", "first_name", "last_name", "email", "accesslevels"];

let sb;
let browser;

before(async () => {
  if (missingLib) return;
  mkdirSync(artifacts, { recursive: true });
  sb = await startSandbox({ args: ["--serve", join(root, "www")] });
  browser = await launchChromium({ timezoneId: ZONE });
});
after(async () => {
  await browser?.close();
  await sb?.stop();
});

const open = (t, size) => openPortal(t, browser, `${sb.origin}/`, size);
const userPosts = async () => (await sb.admin.requests()).filter((r) => r.method === "POST" && r.path === "/api/v1/user");

function roster(tag, count, change = {}) {
  const rows = Array.from({ length: count }, (_, i) => ({
    id_num: `${tag}-${suffix}-${i}`,
    first_name: `Row${i}`,
    last_name: "Import",
    email: `${tag.toLowerCase()}${i}.${suffix}@example.com`,
    accesslevels: i % 2 ? "Housekeeping" : "",
    ...change[i],
  }));
  return csvFile(`${tag}.csv`, HEADER, rows);
}

async function importFile(page, file, summary) {
  await page.setInputFiles("#csv-file", file);
  await waitForText(page, "#import-summary", summary);
  await page.click("#import-start");
  await page.waitForSelector("#import-report:not([hidden])", { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector("#csv-file").disabled);
  return page.locator("#import-counts").innerText();
}

test("import: a misspelled level is caught in the preview; a re-import is 'unchanged', a changed row without Update existing is 'ignored'", { skip: missingLib, timeout: 90_000 }, async (t) => {
  const { page, problems } = await open(t);
  await sb.admin.clearRequests();

  const first = roster("RE", 4, { 3: { accesslevels: "Nite Staff" } });
  await page.setInputFiles("#csv-file", first);
  await waitForText(page, "#import-summary", /4 rows, 3 valid, 1 with problems/);
  const flagged = page.locator("#import-table tbody tr.bad");
  assert.equal(await flagged.count(), 1);
  assert.match(await flagged.innerText(), /^5\s.*The access level “Nite Staff” does not exist/s);

  let counts = await importFile(page, first, /4 rows, 3 valid/);
  assert.match(counts, /\b3 saved\b/);
  assert.match(counts, /\b1 rejected\b/);
  const sent = (await userPosts()).flatMap((r) => r.body.users.map((u) => u.id_num));
  assert.equal(sent.length, 3, "the row with the misspelled level is not sent");
  assert.ok(!sent.includes(`RE-${suffix}-3`));

  // The same rows again: the API inserts and updates nothing, and the report says so.
  const again = roster("RE", 3);
  counts = await importFile(page, again, /3 rows, 3 valid/);
  assert.match(counts, /\b0 saved\b/);
  assert.match(counts, /\b3 unchanged: already held as sent\b/);
  assert.match(await page.locator("#import-api-counts").innerText(), /3 submitted, 0 inserted, 0 updated/);

  // One row changed, Update existing off: the API skips it, the report says "ignored".
  const changed = roster("RE", 3, { 1: { last_name: "Renamed" } });
  counts = await importFile(page, changed, /3 rows, 3 valid/);
  assert.match(counts, /\b2 unchanged: already held as sent\b/);
  assert.match(counts, /\b1 ignored: exists and Update existing is off\b/);
  const report = await page.$$eval("#report-table tbody tr", (rows) => rows.map((r) => r.innerText));
  assert.equal(report.length, 1);
  assert.match(report[0], /^3\s+ignored: exists and Update existing is off/);
  assert.deepEqual(problems, []);
});

test("user detail: Replace does not carry over, replacing and a past-date disable ask first, a level chip removes one level", { skip: missingLib, timeout: 90_000 }, async (t) => {
  const { page, problems } = await open(t);
  const rows = page.locator("#users-table tbody tr[data-id]");
  await rows.first().waitFor();
  await rows.nth(0).getByRole("button", { name: /^Open/ }).click();
  assert.equal(await page.$eval("#assign-level", (select) => select.selectedOptions[0]?.textContent), "Choose a level", "the level list starts on its prompt");
  await page.check("#assign-replace");
  await rows.nth(1).getByRole("button", { name: /^Open/ }).click();
  assert.equal(await page.isChecked("#assign-replace"), false, "Replace is reset for the next user");

  // Replace asks first; dismissed, nothing is sent.
  await sb.admin.clearRequests();
  await page.selectOption("#assign-level", { label: "Contractors" });
  await page.check("#assign-replace");
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    (dialogs.length === 1 ? dialog.dismiss() : dialog.accept()).catch(() => {});
  });
  await page.click("#assign-form button[type=submit]");
  await page.waitForTimeout(300);
  assert.match(dialogs[0], /^Replace .* with Contractors only\?$/);
  assert.deepEqual(await userPosts(), [], "a dismissed replace sends nothing");

  // Accepted, the levels are replaced; the panel and the list row show it.
  await page.click("#assign-form button[type=submit]");
  await waitForText(page, "#user-detail-status", /Assigned Contractors/);
  assert.equal((await page.locator("#user-levels").innerText()).replace(/\s*×/g, "").trim(), "Contractors");
  const id = await page.$eval("#user-detail-fields dd", (dd) => dd.textContent);
  assert.match(await page.locator(`#users-table tbody tr[data-id="${id}"]`).innerText(), /Contractors/);

  // Add a second level, then remove one with its chip.
  await page.uncheck("#assign-replace");
  await page.selectOption("#assign-level", { label: "Housekeeping" });
  await page.click("#assign-form button[type=submit]");
  await waitForText(page, "#user-detail-status", /Assigned Housekeeping/);
  await page.getByRole("button", { name: "Remove Contractors" }).click();
  await waitForText(page, "#user-detail-status", /Removed Contractors/);
  assert.equal((await page.locator("#user-levels").innerText()).replace(/\s*×/g, "").trim(), "Housekeeping");
  await page.getByRole("button", { name: "Remove Housekeeping" }).click();
  await waitForText(page, "#user-detail-status", /Removed Housekeeping/);
  assert.equal(await page.locator("#user-levels").innerText(), "No access levels", "the last level can be removed too");

  // A past date asks first and says so; accepted, the panel says access has ended.
  await sb.admin.clearRequests();
  await page.fill("#disable-at", "2020-01-01");
  assert.match(await page.locator("#disable-at-hint").innerText(), /Sent as 2020-01-01 00:00:00 UTC \(2019-12-31 19:00:00 EST here\)\. That is in the past/);
  dialogs.length = 0;
  await page.click("#disable-form button[type=submit]");
  await page.waitForTimeout(300);
  assert.match(dialogs[0] ?? "", /2020-01-01 is in the past/);
  assert.deepEqual(await userPosts(), [], "a dismissed disable sends nothing");
  await page.click("#disable-form button[type=submit]");
  await waitForText(page, "#user-detail-status", /Access ends on 2020-01-01/);
  const fields = await page.locator("#user-detail-fields").innerText();
  assert.match(fields, /No: access ended 2019-12-31 19:00:00 EST/);
  assert.doesNotMatch(fields, /T00:00:00\.000Z/);
  assert.deepEqual(problems, []);
});

test("event times show in the browser's zone, named", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page } = await open(t);
  await page.waitForSelector("#events-table tbody tr[data-id]");
  const row = page.locator("#events-table tbody tr[data-id]").first();
  const id = Number(await row.getAttribute("data-id"));
  const answer = await fetch(`${sb.baseUrl.replace(/\/$/, "")}/events`, { headers: { apiuser: sb.apiUser, apikey: sb.apiKey } });
  const event = (await answer.json()).data.find((e) => e.id === id);
  const at = new Date(event.hw_time);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" }).formatToParts(at).map((p) => [p.type, p.value]));
  const expected = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
  assert.equal(await row.locator("td").nth(1).innerText(), expected, `hw_time ${event.hw_time} in ${ZONE}`);
  assert.match(await page.locator("#events-time-h").innerText(), /Time \(America\/New_York\)/);
});

test("form messages are plain sentences on the field concerned", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page } = await open(t);
  await page.locator("#f-card_num").pressSequentially("A8914");
  await waitForText(page, "#e-card_num", /^Card number may contain digits only\.$/);
  assert.equal(await page.getAttribute("#e-card_num", "aria-live"), "polite");
  await page.fill("#f-access_effective", "2030-06-01");
  await page.locator("#f-access_expires").pressSequentially("2030-01-01");
  await waitForText(page, "#e-access_expires", /Access starts after it ends/);
  assert.equal(await page.locator("#e-access_effective").innerText(), "", "the date order shows on the date typed last");
  assert.match(await page.locator("#s-access_effective").innerText(), /^Sent as 2030-06-01 00:00:00 UTC/);

  // A card number the API finds taken lands on the Card field, in the page's words.
  await page.fill("#f-access_effective", "");
  await page.fill("#f-access_expires", "");
  await page.fill("#f-first_name", "Card");
  await page.fill("#f-id_num", `CARD-${suffix}`);
  await page.fill("#f-card_num", "20500"); // Anthony Tanaka's card in the demo seed
  await page.click("#create-user");
  await waitForText(page, "#e-card_num", /^Card number already belongs to another user\.$/);
  assert.equal(await page.getAttribute("#e-card_num", "title"), "Card Number Already Assigned: 20500", "the API's own text stays available");
  assert.equal(await page.locator("#user-form-error").isHidden(), true);

  await page.fill("#lookup-value", "EMP-10496");
  await page.click("#lookup-form button[type=submit]");
  await waitForText(page, "#lookup-error", /A system id is a whole number\. To find “EMP-10496”, look up by ID number\./);
  assert.equal(await page.locator("#users-error").isHidden(), true);
});

/**
 * The page after the axe walk, for people: tests/artifacts/e2e/ always; with UPDATE_SCREENSHOT
 * also the committed tests/artifacts/portal-<width>.png (the page's top `height` px).
 */
async function screenshot(page, width, height) {
  await page.screenshot({ path: join(artifacts, `portal-admin-${width}.png`), fullPage: true });
  if (process.env.UPDATE_SCREENSHOT) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(root, `tests/artifacts/portal-${width}.png`), fullPage: true, clip: { x: 0, y: 0, width, height } });
  }
}

/** The states axe checks: connected, form errors, user detail open, import report shown. */
async function axeWalk(page, width) {
  const found = [];
  const check = async (state) => {
    for (const line of await axeViolations(page)) found.push(`${width} px, ${state}: ${line}`);
  };
  await page.waitForSelector("#doors-table tbody tr");
  await check("connected");

  await page.locator("#f-email").pressSequentially("not-an-email");
  await page.locator("#f-card_num").pressSequentially("12ab");
  await waitForText(page, "#e-email", /not a valid email/);
  await check("form errors");

  await page.locator("#users-table tbody tr[data-id]").first().getByRole("button", { name: /^Open/ }).click();
  await page.waitForSelector("#user-detail:not([hidden])");
  await check("user detail open");

  await page.setInputFiles("#csv-file", roster(`AX${width}`, 3, { 2: { email: "bad@@example" } }));
  await waitForText(page, "#import-summary", /3 rows, 2 valid/);
  await page.click("#import-start");
  await page.waitForSelector("#import-report:not([hidden])", { timeout: 60_000 });
  await check("import report shown");
  return found;
}

test("1280 px: axe-core finds no violations in the connected, form-error, user-detail and import-report states; control borders and graphics reach 3:1", { skip: missingLib, timeout: 120_000 }, async (t) => {
  const { page, problems } = await open(t);
  assert.deepEqual(await axeWalk(page, 1280), []);
  // WCAG 1.4.11, which axe does not check: input borders and the battery bars against white.
  const contrasts = await page.evaluate(() => {
    const luminance = (color) => {
      const [r, g, b] = color.match(/\d+/g).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (color) => 1.05 / (luminance(color) + 0.05);
    const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
    return {
      input: ratio(style("#f-first_name", "borderTopColor")),
      select: ratio(style("#f-accesslevel", "borderTopColor")),
      batteryLow: ratio(style("#doors-table .fill.low", "backgroundColor")),
      batteryMid: ratio(style("#doors-table .fill.mid", "backgroundColor")),
      batteryBorder: ratio(style("#doors-table .bar", "borderTopColor")),
    };
  });
  for (const [what, value] of Object.entries(contrasts)) assert.ok(value >= 3, `${what}: ${value.toFixed(2)}:1`);
  await screenshot(page, 1280, 2400);
  assert.deepEqual(problems, []);
});

test("390 px: tables become cards, every row action is visible without sideways scrolling, and axe-core finds no violations", { skip: missingLib, timeout: 120_000 }, async (t) => {
  const { page, problems } = await open(t, { width: 390, height: 844 });
  await page.waitForSelector("#users-table tbody tr[data-id]");
  const layout = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - window.innerWidth,
    boxes: [...document.querySelectorAll(".table-wrap")].map((box) => ({ label: box.getAttribute("aria-label"), over: box.scrollWidth - box.clientWidth })),
    actions: [...document.querySelectorAll("#users-table tbody button")].map((b) => {
      const r = b.getBoundingClientRect();
      return { name: b.getAttribute("aria-label"), left: r.left, right: r.right };
    }),
  }));
  assert.ok(layout.page <= 0, `the page scrolls sideways by ${layout.page} px`);
  assert.deepEqual(layout.boxes.filter((b) => b.over > 0), [], "no table scrolls sideways");
  assert.equal(layout.actions.length, 10);
  for (const action of layout.actions) assert.ok(action.left >= 0 && action.right <= 390, `${action.name} is on screen (${action.left}–${action.right})`);

  // The low batteries are at the top of the doors, and named above them.
  const levels = await page.$$eval("#doors-table .bar", (bars) => bars.map((b) => Number(/\d+/.exec(b.getAttribute("aria-label"))[0])));
  assert.deepEqual(levels, [...levels].sort((a, b) => a - b), "doors are sorted by battery, lowest first");
  if (levels[0] < 25) assert.match(await page.locator("#doors-low").innerText(), /under 25 %/);

  assert.deepEqual(await axeWalk(page, 390), []);
  // With the user detail, the import preview and its report open, still nothing scrolls sideways.
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll(".table-wrap"), document.documentElement]
      .filter((box) => box.scrollWidth > box.clientWidth)
      .map((box) => box.getAttribute("aria-label") ?? box.tagName),
  );
  assert.deepEqual(wide, []);
  await screenshot(page, 390, 4200);
  assert.deepEqual(problems, []);
});

test("a cancelled import says what was saved and not sent, and Retry sends the rest", { skip: missingLib, timeout: 90_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles("#csv-file", roster("CX", 250));
  await waitForText(page, "#import-summary", /250 rows, 250 valid/);
  // The second call of 100 is held for a while: long enough to cancel during it.
  const post = { method: "POST", path: "/api/v1/user" };
  await sb.admin.faults([{ match: post, kind: "delay", ms: 0 }, { match: post, kind: "delay", ms: 4000 }]);
  await page.click("#import-start");
  await waitForText(page, "#import-progress-text", /^100 of 250 sent/);
  await page.click("#import-cancel");
  await waitForText(page, "#import-outcome", /^Import cancelled: 100 saved, \d+ not sent/, 30_000);
  assert.equal(await page.locator("#import-error").isHidden(), true, "a cancel is no error");
  const reasons = await page.locator("#report-table").innerText();
  assert.doesNotMatch(reasons, /aborted by the caller/);
  assert.match(reasons, /Not sent: the import was cancelled\./);

  await sb.admin.clearFaults();
  await page.click("#import-retry");
  await waitForText(page, "#import-counts .notSent", /^0 not sent$/, 60_000);
  const counts = await page.locator("#import-counts").innerText();
  assert.doesNotMatch(counts, /unknown/);
  const settled = [...counts.matchAll(/(\d+) (saved|unchanged)/g)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(settled, 250, counts);
  assert.equal(await page.locator("#import-retry").isHidden(), true);
});
