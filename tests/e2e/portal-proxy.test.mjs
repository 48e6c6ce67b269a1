// The portal's `?proxy=` (issue 17): a link must not point the page at another host. Behind
// examples/proxy.mjs (which fills in the page's proxy meta tag) the page ignores `?proxy=`;
// without the tag it takes only a path on its own origin; and its CSP keeps every connection
// on its own origin. A second server records whatever reaches it: nothing may.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { createProxy } from "../../examples/proxy.mjs";
import { launchChromium } from "../support/browser.mjs";
import { startSandbox } from "../support/sandbox.mjs";
import { openPortal, waitForText } from "./portal-page.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const missingLib = !existsSync(join(root, "www/lib/index.js")) && "www/lib is missing: run npm run build";
const TOKEN = "portal-session-token-for-e2e-0123456789";

let sb;
let proxy;
let proxyOrigin;
let elsewhere; // { port, hits }
let browser;

/** A server on another port that answers everything permissively and records each request. */
function recorder() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "content-type": "application/json" });
    res.end('{"data": []}');
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, hits, port: server.address().port })));
}

before(async () => {
  if (missingLib) return;
  sb = await startSandbox({ args: ["--serve", join(root, "www")] });
  proxy = createProxy({ apiUser: sb.apiUser, apiKey: sb.apiKey, portalToken: TOKEN, baseUrl: sb.baseUrl, www: join(root, "www"), log: () => {} });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyOrigin = `http://127.0.0.1:${proxy.address().port}`;
  elsewhere = await recorder();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  for (const server of [proxy, elsewhere?.server]) {
    if (server) await new Promise((resolve) => (server.close(resolve), server.closeAllConnections()));
  }
  await sb?.stop();
});

test("behind the proxy, ?proxy=/%5C127.0.0.1:PORT/api/v1 is ignored: the page talks only to its own origin", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const page = await browser.newPage();
  t.after(() => page.close());
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(`${proxyOrigin}/?proxy=/%5C127.0.0.1:${elsewhere.port}/api/v1`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  assert.equal(await page.inputValue("#base-url"), "/lockt", "the proxy's own path, not the link's");
  assert.match(await page.locator("#proxy-note").innerText(), /was ignored/);

  await page.fill("#api-key", TOKEN);
  await page.click("#connect");
  await waitForText(page, "#connection-status", /^Connected to \/lockt$/);
  await page.waitForSelector("#users-table tbody tr[data-id]");
  // The operator types a user: it goes to the proxy, nowhere else.
  await page.fill("#f-first_name", "Proxy");
  await page.fill("#f-id_num", `PROXY-${Date.now().toString(36)}`);
  await page.click("#create-user");
  await waitForText(page, "#user-form-status", /^Created/);

  assert.deepEqual(elsewhere.hits, [], "nothing reached the other port");
  assert.deepEqual(requests.filter((url) => new URL(url).origin !== proxyOrigin && !url.startsWith("data:")), []);
});

test("without a proxy tag, ?proxy= is used only as a path on the page's origin", { skip: missingLib, timeout: 60_000 }, async (t) => {
  for (const link of [`//127.0.0.1:${elsewhere.port}/api/v1`, `http://127.0.0.1:${elsewhere.port}/api/v1`, `/%5C127.0.0.1:${elsewhere.port}/api/v1`, `/%09/127.0.0.1:${elsewhere.port}/api/v1`]) {
    const { page } = await openPortal(t, browser, `${sb.origin}/?proxy=${link}`);
    assert.equal(await page.inputValue("#base-url"), `${sb.origin}/api/v1`, `?proxy=${link} is ignored`);
    await waitForText(page, "#connection-status", /^Connected to /);
  }
  assert.deepEqual(elsewhere.hits, []);
});

test("the page's CSP refuses a connection to another origin, even one the page's own script attempts", { skip: missingLib, timeout: 60_000 }, async (t) => {
  const { page } = await openPortal(t, browser, `${sb.origin}/`);
  const outcome = await page.evaluate((url) => fetch(url).then(() => "sent", (e) => e.name), `http://127.0.0.1:${elsewhere.port}/api/v1/user`);
  assert.equal(outcome, "TypeError");
  assert.deepEqual(elsewhere.hits, []);
});
