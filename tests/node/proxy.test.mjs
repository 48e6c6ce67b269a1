// Proxy mode: examples/proxy.mjs in front of the sandbox. In Chromium, a page served by the
// proxy (under its CSP) lists users with `new LocktClient({ baseUrl: "/lockt" })` and no keys;
// no key ever reaches the browser. Over HTTP: sessions (random ids, logout, expiry, `__Host-`
// behind HTTPS), the failed-login limit, only the portal's methods, paths and query keys pass,
// 413 for big bodies, only JSON back from the API, nosniff everywhere, and no key in the log.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
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
let session; // the cookie of a session on `proxy`
let www;
const logs = [];
const closers = [];

// The page's script is a file of its own: the proxy's CSP allows no inline script.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>proxy mode</title>
<pre id="out">loading</pre>
<script type="module" src="page.js"></script>`;
const PAGE_SCRIPT = `
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
`;

/** A proxy in front of the sandbox, listening on a free port; closed after the tests. */
async function startProxy(options = {}) {
  const server = createProxy({ apiUser: USER, apiKey: KEY, portalToken: TOKEN, baseUrl: sb.baseUrl, www, log: (line) => logs.push(line), ...options });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => (server.close(resolve), server.closeAllConnections())));
  return `http://127.0.0.1:${server.address().port}`;
}

before(async () => {
  sb = await startSandbox({ seed: "demo", args: ["--api-user", USER, "--api-key", KEY] });
  www = mkdtempSync(join(tmpdir(), "lockt-proxy-www-"));
  // The package's browser build, as a page would ship it.
  cpSync(pkgDir, join(www, "lib"), { recursive: true });
  writeFileSync(join(www, "index.html"), PAGE);
  writeFileSync(join(www, "page.js"), PAGE_SCRIPT);
  origin = await startProxy();
  session = (await login(origin)).cookie;
});

after(async () => {
  await Promise.all(closers.map((close) => close()));
  await sb?.stop();
  if (www) rmSync(www, { recursive: true, force: true });
});

/** POST /session; `cookie` is the `name=value` of the session cookie it set, if any. */
async function login(base, { token = TOKEN, headers = {} } = {}) {
  const response = await fetch(`${base}/session`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ token }),
  });
  const text = await response.text();
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { status: response.status, headers: Object.fromEntries(response.headers), text, setCookie, cookie: setCookie.split(";")[0] };
}

async function call(method, path, { base = origin, cookie = session, headers = {}, body } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
    redirect: "manual",
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
}

/** The proxy's own error answer: JSON in the API's error shape, never sniffed. */
function assertJsonError(answer, status) {
  assert.equal(answer.status, status, answer.text);
  assert.match(answer.headers["content-type"], /^application\/json/);
  assert.equal(answer.headers["x-content-type-options"], "nosniff");
  assert.equal(typeof JSON.parse(answer.text).data.error, "string");
}

const requestsSince = async (count) => (await sb.admin.requests()).slice(count);

test("in Chromium, LocktClient({ baseUrl: '/lockt' }) with no keys lists users through the proxy, under its CSP", { timeout: 120_000 }, async () => {
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
    const login = await page.evaluate(
      async (token) => (await fetch("/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) })).status,
      TOKEN,
    );
    assert.equal(login, 204);
    assert.equal(await page.evaluate(() => document.cookie), "", "the session cookie is HttpOnly");

    const html = await page.goto(`${origin}/`);
    assert.match(html.headers()["content-security-policy"], /frame-ancestors 'none'/);
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
    assert.deepEqual(
      problems.filter((p) => !p.includes("/lockt/door")),
      [],
      "nothing else failed, and the CSP blocked nothing the page needs",
    );

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
  const portal = await startProxy({ www: wwwDir, log: () => {} });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = watchPage(page);
    const seen = [];
    page.on("request", (r) => seen.push(JSON.stringify(r.headers())));
    // The wasm module arrives late, so that the click below lands while the page still loads
    // it (as on a slow line), and the click's login answers late, after the page's own
    // connect (once the module is in) has logged in and loaded: the older connect must then
    // stop, not load everything a second time over the newer one (and abort its requests).
    await page.route("**/*.wasm", async (route) => {
      await sleep(1000);
      await route.continue();
    });
    let logins = 0;
    await page.route("**/session", async (route) => {
      if (++logins === 1) await sleep(2000);
      await route.continue();
    });
    const userLists = [];
    page.on("request", (r) => new URL(r.url()).pathname === "/lockt/user" && userLists.push(r.url()));
    await page.goto(`${portal}/`);
    await page.waitForFunction(() => document.querySelector("#base-url").value === "/lockt");
    assert.equal(await page.inputValue("#api-user"), "");
    assert.equal(await page.textContent("#api-key-label"), "Portal session token");
    await page.fill("#api-key", TOKEN);
    await page.click("#connect");
    await page.waitForSelector("#users table tbody tr");
    await sleep(2500); // past the late login
    assert.equal(logins, 2, "the click and the page each logged in");
    assert.equal(userLists.length, 1, "one connect loaded the users");
    assert.ok(!seen.some((h) => h.includes(KEY)), "no request from the page carries the key");
    assert.deepEqual(problems, [], "the portal works under the proxy's CSP");
  } finally {
    await browser.close();
  }
});

test("the portal opened with ?proxy=/%5C127.0.0.1:PORT/api/v1 behind the proxy talks only to its own origin", { timeout: 120_000 }, async () => {
  const portal = await startProxy({ www: wwwDir, log: () => {} });
  const before = (await sb.admin.requests()).length;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const elsewhere = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (url.protocol !== "data:" && url.origin !== portal) elsewhere.push(r.url());
    });
    await page.goto(`${portal}/?proxy=/%5C127.0.0.1:${new URL(sb.origin).port}/api/v1`);
    await page.fill("#api-key", TOKEN);
    await page.click("#connect");
    await page.waitForSelector("#users table tbody tr, #connection-error:not([hidden])");
    assert.deepEqual(elsewhere, []);
    const direct = (await requestsSince(before)).filter((r) => r.apiuser !== USER);
    assert.deepEqual(direct, [], "every API request came through the proxy");
  } finally {
    await browser.close();
  }
});

test("a login gets a random session id in an HttpOnly cookie, never the portal token", async () => {
  const first = await login(origin);
  const second = await login(origin);
  assert.equal(first.status, 204);
  assert.match(first.setCookie, /^lockt_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.notEqual(first.cookie, second.cookie);
  assert.ok(!first.setCookie.includes(TOKEN) && !first.setCookie.includes(encodeURIComponent(TOKEN)));
  assert.equal((await call("GET", "/lockt/door", { cookie: first.cookie })).status, 200);

  assertJsonError(await call("GET", "/lockt/user", { cookie: "" }), 401);
  assertJsonError(await call("GET", "/lockt/user", { cookie: "lockt_session=wrong" }), 401);
  // The portal token itself is no session, as a cookie or as a bearer token.
  assertJsonError(await call("GET", "/lockt/user", { cookie: `lockt_session=${encodeURIComponent(TOKEN)}` }), 401);
  assertJsonError(await call("GET", "/lockt/user", { cookie: "", headers: { authorization: `Bearer ${TOKEN}` } }), 401);
  // A session cookie is read under its own name only.
  assertJsonError(await call("GET", "/lockt/user", { cookie: first.cookie.replace("lockt_session", "__Host-lockt_session") }), 401);

  const wrong = await login(origin, { token: "wrong" });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.setCookie, "");
  const form = await fetch(`${origin}/session`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ token: TOKEN }) });
  assert.equal(form.status, 415, "a cross-site form cannot log the browser in");
  assert.equal(form.headers.get("set-cookie"), null);
});

test("logout ends the session: the old cookie is refused, other sessions go on", async () => {
  const mine = (await login(origin)).cookie;
  const other = (await login(origin)).cookie;
  assert.equal((await call("GET", "/lockt/door", { cookie: mine })).status, 200);
  const logout = await call("DELETE", "/session", { cookie: mine });
  assert.equal(logout.status, 204);
  assert.match(logout.headers["set-cookie"], /^lockt_session=; .*Max-Age=0/);
  assertJsonError(await call("GET", "/lockt/door", { cookie: mine }), 401);
  assert.equal((await call("GET", "/lockt/door", { cookie: other })).status, 200);
});

test("a session expires after its idle time, and at its maximum age even when in use", async () => {
  const idle = await startProxy({ sessionIdleMs: 800 });
  const cookie = (await login(idle)).cookie;
  for (let i = 0; i < 2; i++) {
    await sleep(500);
    assert.equal((await call("GET", "/lockt/door", { base: idle, cookie })).status, 200, "each use keeps it alive");
  }
  await sleep(1100);
  assertJsonError(await call("GET", "/lockt/door", { base: idle, cookie }), 401);

  const short = await startProxy({ sessionMaxMs: 1000 });
  const used = (await login(short)).cookie;
  assert.equal((await call("GET", "/lockt/door", { base: short, cookie: used })).status, 200);
  await sleep(1200);
  assertJsonError(await call("GET", "/lockt/door", { base: short, cookie: used }), 401);
});

test("the 11th wrong login within a minute from one address gets 429 with Retry-After", async () => {
  // Behind a trusted front, the client address is the one it appended to X-Forwarded-For.
  const fronted = await startProxy({ trustForwarded: true });
  const from = (address) => ({ headers: { "x-forwarded-for": `198.51.100.1, ${address}` } });
  for (let i = 0; i < 10; i++) assert.equal((await login(fronted, { token: "wrong", ...from("203.0.113.7") })).status, 401, `attempt ${i + 1}`);
  const eleventh = await login(fronted, { token: "wrong", ...from("203.0.113.7") });
  assertJsonError(eleventh, 429);
  const wait = Number(eleventh.headers["retry-after"]);
  assert.ok(wait >= 1 && wait <= 60, `Retry-After: ${wait}`);
  assert.equal((await login(fronted, from("203.0.113.7"))).status, 429, "even the right token waits");
  assert.equal((await login(fronted, from("203.0.113.8"))).status, 204, "other addresses are not held");
  // IPv6 clients count per /64.
  for (let i = 0; i < 10; i++) assert.equal((await login(fronted, { token: "wrong", ...from(`2001:db8:0:7::${i + 1}`) })).status, 401);
  assert.equal((await login(fronted, from("2001:0db8:0000:0007:ffff::1"))).status, 429);
  assert.equal((await login(fronted, from("2001:db8:0:8::1"))).status, 204);
  // Good logins do not count; parallel guesses all count.
  for (let i = 0; i < 12; i++) assert.equal((await login(fronted, from("203.0.113.9"))).status, 204);
  const parallel = await Promise.all(Array.from({ length: 20 }, () => login(fronted, { token: "wrong", ...from("203.0.113.10") })));
  assert.deepEqual(
    parallel.map((a) => a.status).sort(),
    [...Array(10).fill(401), ...Array(10).fill(429)],
  );

  // Without a trusted front, X-Forwarded-For is the client's own text and changes nothing.
  const direct = await startProxy();
  for (let i = 0; i < 10; i++) assert.equal((await login(direct, { token: "wrong", ...from(`203.0.113.${i}`) })).status, 401);
  assertJsonError(await login(direct, { token: "wrong", ...from("203.0.113.99") }), 429);
});

test("behind HTTPS the session cookie is __Host- and Secure", async () => {
  const https = await startProxy({ https: true });
  const secure = await login(https);
  assert.match(secure.setCookie, /^__Host-lockt_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  assert.equal((await call("GET", "/lockt/door", { base: https, cookie: secure.cookie })).status, 200);
  assert.equal((await call("GET", "/lockt/door", { base: https, cookie: secure.cookie.replace("__Host-", "") })).status, 401);

  const fronted = await startProxy({ trustForwarded: true });
  assert.match((await login(fronted, { headers: { "x-forwarded-proto": "https" } })).setCookie, /^__Host-lockt_session=.*; Secure$/);
  assert.match((await login(fronted, { headers: { "x-forwarded-proto": "http" } })).setCookie, /^lockt_session=.*SameSite=Strict$/);
  // Not behind a trusted front: the header is ignored.
  assert.match((await login(origin, { headers: { "x-forwarded-proto": "https" } })).setCookie, /^lockt_session=.*SameSite=Strict$/);
});

test("a body over 8 MiB gets a 413 answer, and nothing reaches the API", async () => {
  const before = (await sb.admin.requests()).length;
  const big = JSON.stringify({ users: [{ first_name: "x".repeat(9 * 1024 * 1024) }] });
  assertJsonError(await call("POST", "/lockt/user", { body: big }), 413);
  // Streamed, without a Content-Length.
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent++ < 9) controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
      else controller.close();
    },
  });
  const streamed = await fetch(`${origin}/lockt/user`, { method: "POST", headers: { cookie: session, "content-type": "application/json" }, body: stream, duplex: "half" });
  assertJsonError({ status: streamed.status, headers: Object.fromEntries(streamed.headers), text: await streamed.text() }, 413);
  assertJsonError(await call("POST", "/session", { cookie: "", body: JSON.stringify({ token: TOKEN, pad: "x".repeat(10_000) }) }), 413);
  assert.deepEqual(await requestsSince(before), []);
  assert.equal((await call("GET", "/lockt/door")).status, 200, "the proxy goes on");
});

test("only JSON comes back from the API: an upstream text/html answer becomes a JSON 502, with nosniff", async () => {
  const onGetUsers = { match: { method: "GET", path: "/api/v1/user" } };
  await sb.admin.faults([{ ...onGetUsers, kind: "status", status: 502 }]);
  const page = await call("GET", "/lockt/user");
  assertJsonError(page, 502);
  assert.ok(!page.text.includes("<h1>"), page.text);
  await sb.admin.faults([{ ...onGetUsers, kind: "content_type", content_type: "text/html" }]);
  assertJsonError(await call("GET", "/lockt/user"), 502);
  await sb.admin.faults([{ ...onGetUsers, kind: "status", status: 503, content_type: "text/plain", body: "busy" }]);
  assertJsonError(await call("GET", "/lockt/user"), 502);
  // JSON passes as it came.
  const ok = await call("GET", "/lockt/user?id=1693");
  assert.equal(ok.status, 200);
  assert.match(ok.headers["content-type"], /^application\/json/);
  assert.equal(ok.headers["x-content-type-options"], "nosniff");
  assert.equal(JSON.parse(ok.text).data[0].id, 1693);
});

test("only the known query keys of a GET go upstream, and no query on a write", async () => {
  const before = (await sb.admin.requests()).length;
  const keyQuery = `apikey=${KEY}&apiuser=${USER}`;
  assert.equal((await call("GET", `/lockt/user?${keyQuery}&id=1693&ID=1&idnum=EMP-00001&id=1690`)).status, 200);
  assert.equal((await call("GET", `/lockt/events?id=5&limit=3&${keyQuery}`)).status, 200);
  assert.equal((await call("GET", `/lockt/door?${keyQuery}`)).status, 200);
  assert.equal((await call("POST", `/lockt/user?${keyQuery}&update_existing=true`, { body: { users: [{ first_name: "Query", last_name: "Less" }] } })).status, 200);
  assert.equal((await call("POST", `/lockt/uservalidate?${keyQuery}`, { body: { users: [{ first_name: "Query" }] } })).status, 200);
  const seen = await requestsSince(before);
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.path}?${r.query}`),
    ["GET /api/v1/user?id=1693&idnum=EMP-00001", "GET /api/v1/events?id=5", "GET /api/v1/door?", "POST /api/v1/user?", "POST /api/v1/uservalidate?"],
  );
});

test("nosniff on everything; the HTML has a CSP with frame-ancestors 'none'", async () => {
  const html = await call("GET", "/", { cookie: "" });
  assert.equal(html.status, 200);
  const csp = html.headers["content-security-policy"];
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  for (const answer of [html, await call("GET", "/page.js", { cookie: "" }), await call("GET", "/lib/package.json", { cookie: "" }), await call("GET", "/lockt/door")]) {
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["x-content-type-options"], "nosniff");
  }
  assertJsonError(await call("GET", "/nothing-here", { cookie: "" }), 404);
  assertJsonError(await call("PUT", "/", { cookie: "" }), 405);
  assertJsonError(await call("POST", "/lockt/door", { body: { doors: [] } }), 403);
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
  const form = await call("POST", "/lockt/user", { headers: { "content-type": "text/plain" }, body: '{"users":[{"first_name":"csrf"}]}' });
  assert.equal(form.status, 415);
  // Static files cannot escape the served directory.
  assert.notEqual((await call("GET", "/../package.json", { cookie: "" })).status, 200);
  assert.equal((await call("GET", "/%2e%2e/%2e%2e/etc/passwd", { cookie: "" })).status, 404);
  assert.equal((await call("GET", "/..%2f..%2fetc%2fpasswd", { cookie: "" })).status, 403);
});

test("no key, token or session id in the proxy's answers or its log", async () => {
  const answers = [
    await call("GET", "/lockt/user"),
    await call("GET", "/lockt/door"),
    await call("POST", "/lockt/door", { body: { doors: [] } }),
    await call("GET", "/lockt/user", { cookie: "" }),
  ];
  for (const a of answers) {
    assert.ok(!JSON.stringify(a).includes(KEY));
    assert.equal(a.headers.apikey, undefined);
  }
  assert.ok(logs.length > 10);
  assert.ok(logs.some((l) => l.startsWith("GET /lockt/user 200")), logs.slice(0, 5).join("\n"));
  const sessionId = session.split("=")[1];
  for (const line of logs) assert.ok(!line.includes(KEY) && !line.includes(TOKEN) && !line.includes(sessionId), line);
});
