// The base URL decides where the apikey goes. It is parsed the way fetch will read it (the
// runtime's WHATWG URL): plain HTTP only to a literally loopback host, no query or fragment,
// no backslash, whitespace or control character, and a path form only on a page, resolved
// against it and kept on the page's origin. In Chromium, a refused base URL sends nothing.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../support/browser.mjs";
import { importPackage, pkgDir } from "../support/pkg.mjs";
import { serveStatic } from "../support/static-server.mjs";

const { LocktClient, LocktError } = await importPackage();
const creds = { apiUser: "user-for-base-url-tests", apiKey: "key-for-base-url-tests-0123456789" };

/** The LocktError the constructor throws for `baseUrl`, or fails the test. */
function refusal(baseUrl) {
  try {
    new LocktClient({ ...creds, baseUrl });
  } catch (error) {
    assert.ok(error instanceof LocktError, `${JSON.stringify(baseUrl)}: ${error}`);
    return error;
  }
  assert.fail(`${JSON.stringify(baseUrl)} was accepted`);
}

test("plain HTTP only to a host that is literally loopback", () => {
  for (const baseUrl of [
    "http://127.0.0.1:8080/api/v1",
    "http://127.9.8.7/api/v1",
    "http://localhost:1/api/v1",
    "http://sandbox.localhost:1/api/v1",
    "http://[::1]:8080/api/v1",
    "https://cloudapi.lockt.com/api/v1/",
  ]) {
    const lockt = new LocktClient({ ...creds, baseUrl });
    assert.equal(lockt.toJSON().baseUrl, baseUrl.replace(/\/$/, ""), baseUrl);
  }
  for (const baseUrl of [
    "http://127.0.0.1.nip.io/api/v1",
    "http://127.example.com/api/v1",
    "http://localhost.example.com/api/v1",
    "http://128.0.0.1/api/v1",
    "http://[::2]/api/v1",
    "http://evil.example\\.localhost/api/v1",
    "http://evil.example/.localhost/api/v1",
  ]) {
    const error = refusal(baseUrl);
    assert.equal(error.kind, "config", baseUrl);
  }
});

test("a query, a fragment, whitespace, control characters and backslashes are refused", () => {
  for (const baseUrl of [
    "https://cloudapi.lockt.com/api/v1?x=1",
    "https://cloudapi.lockt.com/api/v1?",
    "https://cloudapi.lockt.com/api/v1#top",
    "https://cloudapi.lockt.com/api/\tv1",
    "https://cloudapi.lockt.com/api/v1\n",
    " https://cloudapi.lockt.com/api/v1",
    "https://cloudapi.lockt.com\\api\\v1",
    "https://cloudapi.lockt.com/api/v1\u0000",
    "",
    "not a url",
  ]) {
    assert.equal(refusal(baseUrl).kind, "config", JSON.stringify(baseUrl));
  }
});

test("in Node a path-form base URL is a config error that asks for an absolute URL", () => {
  for (const baseUrl of ["/lockt", "/\\127.0.0.1:18082/api/v1", "/\t/127.0.0.1:18082/api/v1", "//127.0.0.1:18082/api/v1"]) {
    const error = refusal(baseUrl);
    assert.equal(error.kind, "config", JSON.stringify(baseUrl));
  }
  assert.match(refusal("/lockt").message, /absolute URL/);
});

// ── Chromium: a page on one origin, an "attacker" on another port ─────────

let www;
let site;
let attacker;
const attackerHits = [];
const siteApiHits = [];

before(async () => {
  attacker = createServer((request, response) => {
    attackerHits.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`);
    response.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*", "access-control-allow-headers": "*" });
    response.end('{"data":[]}');
  });
  await new Promise((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  www = mkdtempSync(join(tmpdir(), "lockt-base-url-"));
  cpSync(pkgDir, join(www, "lib"), { recursive: true });
  writeFileSync(join(www, "index.html"), "<!doctype html><meta charset=utf-8><title>base url</title>");
  site = await serveStatic(www);
  const handle = site.server.listeners("request")[0];
  site.server.removeAllListeners("request");
  site.server.on("request", (request, response) => {
    if (!request.url.startsWith("/lockt/")) return handle(request, response);
    siteApiHits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"data":[]}');
  });
});

after(async () => {
  await site?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve()));
  if (www) rmSync(www, { recursive: true, force: true });
});

test("in Chromium, path forms that reach another origin are refused and nothing leaves for it", { timeout: 120_000 }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    const port = attacker.address().port;
    const results = await page.evaluate(
      async ({ port, creds }) => {
        const { init, LocktClient } = await import("/lib/index.js");
        await init();
        const out = {};
        for (const baseUrl of [`/\\127.0.0.1:${port}/api/v1`, `/\t/127.0.0.1:${port}/api/v1`, `//127.0.0.1:${port}/api/v1`, `/\\/127.0.0.1:${port}/api/v1`]) {
          try {
            await new LocktClient({ ...creds, baseUrl }).users.list();
            out[baseUrl] = "accepted";
          } catch (e) {
            out[baseUrl] = e.kind ?? String(e);
          }
        }
        const same = new LocktClient({ ...creds, baseUrl: "/lockt" });
        out.sameOrigin = { users: await same.users.list(), baseUrl: same.toJSON().baseUrl };
        return out;
      },
      { port, creds },
    );
    const { sameOrigin, ...refused } = results;
    for (const [baseUrl, kind] of Object.entries(refused)) assert.equal(kind, "config", JSON.stringify(baseUrl));
    assert.deepEqual(attackerHits, [], "no request reached the other origin");
    assert.deepEqual(sameOrigin.users, []);
    assert.equal(sameOrigin.baseUrl, `${site.url.replace(/\/$/, "")}/lockt`);
    assert.deepEqual(siteApiHits, ["GET /lockt/user"]);
  } finally {
    await browser.close();
  }
});
