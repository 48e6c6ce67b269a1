// The email corpus (fixtures/emails.json, valid, invalid and tricky addresses) gets the same
// verdict from validateUsers as from headless Chromium's <input type=email> checkValidity()
// (issue 4). validateUsers runs twice: in the page (the packed package's browser build,
// loaded with init()) and in Node (the package's Node entry); all three verdicts must agree,
// and agree with the corpus's own `valid`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test, { after, before } from "node:test";
import { launchChromium, watchPage } from "../support/browser.mjs";
import { importPackage, pkgDir } from "../support/pkg.mjs";
import { serveStatic } from "../support/static-server.mjs";

const corpus = JSON.parse(readFileSync(new URL("../../fixtures/emails.json", import.meta.url), "utf8"));
const { validateUsers } = await importPackage();

let browser;
let server;
let page;
let problems;

before(async () => {
  server = await serveStatic(pkgDir);
  browser = await launchChromium();
  page = await browser.newPage();
  problems = watchPage(page);
  await page.goto(new URL("package.json", server.url).href);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Whether validateUsers finds no issue on the email field of a user carrying `email`. Each
 * address is validated on its own: many sanitize to the same address, which in one input
 * would be a repeated email.
 */
function verdict(validateUsers, email) {
  const report = validateUsers([{ first_name: "Corpus", email }]);
  const issues = report.invalid[0]?.issues.filter((issue) => issue.field === "email") ?? [];
  return { valid: issues.length === 0, wire: report.valid[0]?.email, issues };
}

/** In the page: Chromium's verdict per address, and the package's (browser build). */
function inPage(emails) {
  return page.evaluate(async (emails) => {
    const sdk = await import(new URL("index.js", location.href).href);
    await sdk.init();
    const input = document.createElement("input");
    input.type = "email";
    input.required = false;
    const browser = emails.map((email) => {
      input.value = email;
      return { valid: input.checkValidity(), typeMismatch: input.validity.typeMismatch, sanitized: input.value };
    });
    // The same as verdict() below, in the page.
    const sdkInPage = emails.map((email) => {
      const report = sdk.validateUsers([{ first_name: "Corpus", email }]);
      return { valid: !report.invalid[0]?.issues.some((issue) => issue.field === "email") };
    });
    return { browser, sdkInPage };
  }, emails);
}

test(`the corpus has at least 200 addresses, valid and invalid`, () => {
  assert.ok(corpus.length >= 200, `${corpus.length} addresses`);
  assert.ok(corpus.filter((c) => c.valid).length >= 50);
  assert.ok(corpus.filter((c) => !c.valid).length >= 50);
});

test("validateUsers agrees with <input type=email> checkValidity() on every address", { timeout: 60_000 }, async () => {
  const emails = corpus.map((c) => c.email);
  const { browser: verdicts, sdkInPage } = await inPage(emails);
  const sdkInNode = emails.map((email) => verdict(validateUsers, email));
  assert.deepEqual(problems, []);

  const disagreements = [];
  corpus.forEach(({ email, valid, note }, i) => {
    const chromium = verdicts[i].valid;
    const inBrowser = sdkInPage[i].valid;
    const inNode = sdkInNode[i].valid;
    // Non-empty values: checkValidity() fails only for typeMismatch (the input is not required).
    assert.equal(verdicts[i].typeMismatch, !chromium, JSON.stringify(email));
    if (!(chromium === inBrowser && inBrowser === inNode && inNode === valid)) {
      disagreements.push(`${JSON.stringify(email)}: chromium ${chromium}, sdk in page ${inBrowser}, sdk in node ${inNode}, corpus ${valid}${note ? ` (${note})` : ""}`);
    }
  });
  assert.deepEqual(disagreements, [], `${disagreements.length} of ${corpus.length} disagree:\n${disagreements.join("\n")}`);
  // A valid address is sent as the browser would submit it: sanitized (line breaks and
  // surrounding ASCII whitespace removed).
  sdkInNode.forEach((v, i) => {
    if (v.valid) assert.equal(v.wire, verdicts[i].sanitized, JSON.stringify(emails[i]));
    else assert.ok(v.issues.every((issue) => issue.code === "invalid_email" || issue.code === "too_long" || issue.code === "control_character"), JSON.stringify(v.issues));
  });
  console.log(`# ${corpus.length} addresses: ${corpus.filter((c) => c.valid).length} valid, ${corpus.filter((c) => !c.valid).length} invalid, all three verdicts agree`);
});

test("empty: a non-required input is valid and the SDK treats email as optional; required is the form's business", async () => {
  const browser = await page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "email";
    input.value = "";
    const optional = input.checkValidity();
    input.required = true;
    return { optional, required: input.checkValidity(), valueMissing: input.validity.valueMissing, typeMismatch: input.validity.typeMismatch };
  });
  assert.deepEqual(browser, { optional: true, required: false, valueMissing: true, typeMismatch: false });
  const report = validateUsers([{ first_name: "A", email: "" }, { first_name: "B", email: "   " }]);
  assert.equal(report.invalid.length, 0, JSON.stringify(report.invalid));
  assert.equal(report.valid[0].email ?? "", "");
});
