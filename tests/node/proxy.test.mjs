// Proxy mode: examples/proxy.mjs in front of the sandbox. In Chromium, a page served by the
// proxy lists users with `new LocktClient({ baseUrl: "/lockt" })` and no keys; no key ever
// reaches the browser. In Node: the session is required, only the portal's methods and paths
// pass (everything else 403), and the proxy never logs the key.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createProxy } from "../../examples/proxy.mjs";
import { launchChromium, watchPage } from "../support/browser.mjs";
import { pkgDir } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const TOKEN = "portal-session-token-for-tests-0123456789";
const wwwDir = fileURLToPath(new URL("../../www", import.meta.url));
const KEY = "proxyTestKey7wde64vwe987fvg6q4zaa";
const USER = "proxyTestUser";

let sb;
let proxy;
let origin;
let www;
const logs = [];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>proxy mode</title>
<pre id="out">loading</pre>
<script type="module">
  import { init, LocktClient } from "./lib/index.js";
  const out = document.getElementById("out");
  try {
    await init();
    const lockt = new LocktClient({ baseUrl: "/lockt" });
    const users = await lockt.users.list();
    const one = await lockt.users.getByIdNum(users.find((u) => u.id_num)?.id_num ?? "x");
    const doorReport = await lockt.doors.create([{ name: "Not through this proxy" }]);
    window.result = { count: users.length, first: users[0]?.id, one: one?.id ?? null, doorReport, client: JSON.stringify(lockt) };
  } catch (e) {
    window.result = { error: e.kind ?? "?", message: e.message };
  }
  out.textContent = JSON.stringify(window.result);
</script>`;

before(async () => {
  sb = await startSandbox({ seed: "demo", args: ["--api-user", USER, "--api-key", KEY] });
  www = mkdtempSync(join(tmpdir(), "lockt-proxy-www-"));
  // The package's browser build, as a page would ship it.
  cpSync(pkgDir, join(www, "lib"), { recursive: true });
  writeFileSync(join(www, "index.html"), PAGE);
  proxy = createProxy({ apiUser: USER, apiKey: KEY, portalToken: TOKEN, baseUrl: sb.baseUrl, www, log: (line) => logs.push(line) });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${proxy.address().port}`;
});

after(async () => {
  await new Promise((resolve) => (proxy ? (proxy.close(resolve), proxy.closeAllConnections()) : resolve()));
  await sb?.stop();
  if (www) rmSync(www, { recursive: true, force: true });
});

const bearer = { authorization: `Bearer ${TOKEN}` };

async function call(method, path, { headers = bearer, body } = {}) {
  const response = await fetch(origin + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
}

test("in Chromium, LocktClient({ baseUrl: '/lockt' }) with no keys lists users through the proxy", { timeout: 120_000 }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = watchPage(page);
    const seen = [];
    page.on("request", (request) => seen.push(request.allHeaders().then((h) => ({ kind: "request", url: request.url(), text: JSON.stringify(h) + (request.postData() ?? "") }))));
    page.on("response", (response) =>
      seen.push(
        Promise.all([response.allHeaders(), response.body().catch(() => Buffer.alloc(0))]).then(([h, body]) => ({
          kind: "response",
          url: response.url(),
          text: JSON.stringify(h) + body.toString("latin1"),
        })),
      ),
    );
    // The caller's own session: the login sets an HttpOnly cookie.
    await page.goto(`${origin}/lib/package.json`);
    const login = await page.evaluate(async (token) => (await fetch("/session", { method: "POST", body: JSON.stringify({ token }) })).status, TOKEN);
    assert.equal(login, 204);
    assert.equal(await page.evaluate(() => document.cookie), "", "the session cookie is HttpOnly");

    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 }).catch((e) => {
      throw new Error(`${e.message}\n${problems.join("\n")}`);
    });
    const result = await page.evaluate(() => window.result);
    assert.equal(result.error, undefined, `${JSON.stringify(result)}\n${problems.join("\n")}`);
    assert.ok(result.count > 500, JSON.stringify(result));
    assert.equal(typeof result.one, "number");
    // A write the portal does not need: the proxy answers 403, and nothing is committed.
    assert.equal(result.doorReport.notSent + result.doorReport.rejected, 1, JSON.stringify(result.doorReport));
    assert.equal(result.doorReport.stoppedBy?.kind ?? result.doorReport.records[0].status, "auth");
    assert.ok(!result.client.includes(KEY));

    // The sandbox got the keys, from the proxy.
    const requests = await sb.admin.requests();
    assert.ok(requests.some((r) => r.method === "GET" && r.path === "/api/v1/user" && r.apikey_ok && r.apiuser === USER));
    assert.ok(!requests.some((r) => r.path === "/api/v1/door" && r.method === "POST"), "the door write never reached the API");

    // No key (nor the apiuser) in anything the browser sent or received.
    const traffic = await Promise.all(seen);
    assert.ok(traffic.some((t) => t.url.includes("/lockt/user")));
    for (const t of traffic) {
      assert.ok(!t.text.includes(KEY), `${t.kind} ${t.url} carries the apikey`);
      assert.ok(!/"apikey"/i.test(t.text), `${t.kind} ${t.url} has an apikey header`);
    }
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.documentElement.outerHTML);
    assert.ok(!storage.includes(KEY));
  } finally {
    await browser.close();
  }
});

test("the sample portal (www/) served by the proxy uses it by default: a session token, no keys", { timeout: 120_000 }, async () => {
  const portal = createProxy({ apiUser: USER, apiKey: KEY, portalToken: TOKEN, baseUrl: sb.baseUrl, www: wwwDir, log: () => {} });
  await new Promise((resolve) => portal.listen(0, "127.0.0.1", resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const seen = [];
    page.on("request", (r) => seen.push(JSON.stringify(r.headers())));
    await page.goto(`http://127.0.0.1:${portal.address().port}/`);
    await page.waitForFunction(() => document.querySelector("#base-url").value === "/lockt");
    assert.equal(await page.inputValue("#api-user"), "");
    assert.equal(await page.textContent("#api-key-label"), "Portal session token");
    await page.fill("#api-key", TOKEN);
    await page.click("#connect");
    await page.waitForSelector("#users table tbody tr");
    assert.ok(!seen.some((h) => h.includes(KEY)), "no request from the page carries the key");
  } finally {
    await browser.close();
    await new Promise((resolve) => (portal.close(resolve), portal.closeAllConnections()));
  }
});

test("the session token is required; a wrong one is refused", async () => {
  assert.equal((await call("GET", "/lockt/user", { headers: {} })).status, 401);
  assert.equal((await call("GET", "/lockt/user", { headers: { authorization: "Bearer wrong" } })).status, 401);
  assert.equal((await call("GET", "/lockt/user", { headers: { cookie: "lockt_portal=wrong" } })).status, 401);
  assert.equal((await call("POST", "/session", { headers: {}, body: { token: "wrong" } })).status, 401);
  const ok = await call("GET", "/lockt/user", { headers: { cookie: `lockt_portal=${encodeURIComponent(TOKEN)}` } });
  assert.equal(ok.status, 200);
  assert.ok(JSON.parse(ok.text).data.length > 500);
});

test("only the portal's methods and paths pass; everything else is 403", async () => {
  for (const path of ["/lockt/user", "/lockt/user?idnum=EMP-00001", "/lockt/events?id=1", "/lockt/door", "/lockt/accesslevel", "/lockt/credentialsummary"]) {
    assert.equal((await call("GET", path)).status, 200, `GET ${path}`);
  }
  const validate = await call("POST", "/lockt/uservalidate", { body: { users: [{ first_name: "Proxy" }] } });
  assert.equal(validate.status, 200, validate.text);
  const saved = await call("POST", "/lockt/user", { body: { users: [{ first_name: "Proxy", last_name: "Saved", id_num: "PROXY-1" }] } });
  assert.equal(saved.status, 200, saved.text);

  const refused = [
    ["POST", "/lockt/door"],
    ["POST", "/lockt/fob"],
    ["PUT", "/lockt/fob"],
    ["POST", "/lockt/credential"],
    ["GET", "/lockt/uservalidate"],
    ["DELETE", "/lockt/user"],
    ["PATCH", "/lockt/user"],
    ["GET", "/lockt/users"],
    ["GET", "/lockt/user/1"],
    ["GET", "/lockt/..%2f__admin%2frequests"],
    ["GET", "/lockt/USER"],
    ["GET", "/lockt"],
    ["GET", "/lockt/"],
  ];
  const before = (await sb.admin.requests()).length;
  for (const [method, path] of refused) {
    const answer = await call(method, path, method === "GET" || method === "DELETE" ? {} : { body: { doors: [{ name: "x" }] } });
    assert.equal(answer.status, 403, `${method} ${path} → ${answer.status}`);
  }
  assert.equal((await sb.admin.requests()).length, before, "nothing refused reached the API");
  // Dot segments are resolved before routing: /lockt/../__admin is the static /__admin.
  assert.equal((await call("GET", "/lockt/%2e%2e/__admin/requests")).status, 404);
  assert.equal((await sb.admin.requests()).length, before, "nothing refused reached the API");
  // A cross-site form post cannot use the cookie's session to write.
  const form = await fetch(`${origin}/lockt/user`, {
    method: "POST",
    headers: { cookie: `lockt_portal=${encodeURIComponent(TOKEN)}`, "content-type": "text/plain" },
    body: '{"users":[{"first_name":"csrf"}]}',
  });
  assert.equal(form.status, 415);
  // Static files cannot escape the served directory.
  assert.notEqual((await call("GET", "/../package.json", { headers: {} })).status, 200);
  assert.equal((await call("GET", "/%2e%2e/%2e%2e/etc/passwd", { headers: {} })).status, 404);
  assert.equal((await call("GET", "/..%2f..%2fetc%2fpasswd", { headers: {} })).status, 403);
});

test("no key in the proxy's answers or its log", async () => {
  const answers = [
    await call("GET", "/lockt/user"),
    await call("GET", "/lockt/door"),
    await call("POST", "/lockt/door", { body: { doors: [] } }),
    await call("GET", "/lockt/user", { headers: {} }),
  ];
  for (const a of answers) {
    assert.ok(!JSON.stringify(a).includes(KEY));
    assert.equal(a.headers.apikey, undefined);
  }
  assert.ok(logs.length > 10);
  assert.ok(logs.some((l) => l.startsWith("GET /lockt/user 200")), logs.slice(0, 5).join("\n"));
  for (const line of logs) assert.ok(!line.includes(KEY) && !line.includes(TOKEN), line);
});
