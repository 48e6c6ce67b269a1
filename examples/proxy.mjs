#!/usr/bin/env node
// A small proxy for running the portal in a browser without ever giving the browser the
// Lockt API key. node:http only, no dependencies.
//
//   LOCKT_API_USER=... LOCKT_API_KEY=... PORTAL_TOKEN=some-long-random-text \
//     node examples/proxy.mjs [--www DIR] [--port 8787] [--host 127.0.0.1] [--base-url URL]
//
// What it does:
// - serves the static portal (default ../www) at /, with a Content-Security-Policy that allows
//   only its own scripts (plus WebAssembly), its own origin for fetches, and no framing;
// - forwards /lockt/<endpoint> to the Lockt API base URL (env LOCKT_BASE_URL, default
//   https://cloudapi.lockt.com/api/v1), adding the apiuser/apikey headers on the server side,
//   so the page uses `new LocktClient({ baseUrl: "/lockt" })` with no keys at all;
// - requires a session first: `POST /session` with JSON credentials (the sample portal sends
//   `{"token": "<PORTAL_TOKEN>"}`) is checked by ONE function, `login` (see `portalTokenLogin`
//   below: replace it with your identity provider). A good login gets a random session id,
//   kept in this process and sent back as an HttpOnly, SameSite=Strict cookie; the cookie never
//   holds the credentials. A session ends after `sessionIdleMs` without use (default 30 min),
//   after `sessionMaxMs` in any case (default 12 h), or at `DELETE /session` (logout);
// - counts failed logins per client address (IPv6: per /64): after 10 within a minute,
//   `POST /session` answers 429 with `Retry-After` until the oldest failure is a minute old;
// - allows only what the portal needs: GET of the list endpoints, POST /lockt/user and POST
//   /lockt/uservalidate; every other method or path is a 403. Only the documented query keys
//   go upstream (`id` and `idnum` for /user, `id` for /events), and writes go without a query;
// - passes only JSON back from the API (anything else becomes a JSON 502), never follows an
//   upstream redirect (a 502 instead), never forwards the caller's cookies or Authorization,
//   answers a body over 8 MiB with 413, sends `X-Content-Type-Options: nosniff` and
//   `Cache-Control: no-store` on everything, and never logs a key, token or session id: one
//   line per request, `METHOD PATH STATUS MSms`.
//
// What a deployment must add:
// - HTTPS in front. Either this process knows it is always behind HTTPS (LOCKT_PROXY_HTTPS=1,
//   option `https`), or a front you control sets `X-Forwarded-Proto` and appends the client's
//   address to `X-Forwarded-For` (LOCKT_PROXY_TRUST_FORWARDED=1, option `trustForwarded`; never
//   set this when clients can reach the proxy directly: they would choose both values). Over
//   HTTPS the cookie is `__Host-lockt_session` with `Secure`;
// - its own login: `login` below, in place of the shared PORTAL_TOKEN;
// - one process per deployment, or a shared session store: sessions and login counts live in
//   this process's memory (a restart logs everyone out).
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** What the portal may do through the proxy: method → endpoint names. */
export const ALLOWED = {
  GET: new Set(["user", "credential", "credentialsummary", "events", "door", "doorstate", "fob", "fobcheck", "schedule", "accesslevel", "nextcardnum"]),
  POST: new Set(["user", "uservalidate"]),
};

/** The query keys each GET endpoint passes upstream (the reference's); others are dropped. */
export const QUERY_KEYS = { user: ["id", "idnum"], events: ["id"] };

/** The policy of the HTML the proxy serves: the portal's own files, wasm, no framing. */
export const HTML_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const MAX_BODY = 8 * 1024 * 1024; // 100 users per call fit many times over
const MAX_LOGIN_BODY = 4096;
const MAX_DRAIN = 64 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 60_000;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * The login check of the sample portal: one shared token (at least 16 characters), compared
 * in constant time. This is the function a deployment replaces with its identity provider:
 * any `(credentials, req) => boolean | Promise<boolean>`, where `credentials` is the JSON the
 * login form posted to `/session` and `req` the Node request (for its headers, if needed).
 * Return true to open a session. Failures are rate-limited by the proxy, not here.
 * @param {string} portalToken
 */
export function portalTokenLogin(portalToken) {
  if (typeof portalToken !== "string" || portalToken.length < 16) throw new Error("PORTAL_TOKEN is required (at least 16 characters)");
  const expected = digest(portalToken);
  return (credentials) => typeof credentials?.token === "string" && timingSafeEqual(digest(credentials.token), expected);
}

/**
 * Creates the proxy (not listening yet).
 * @param {{ apiUser: string, apiKey: string, baseUrl?: string, www?: string,
 *           login?: (credentials: unknown, req: import("node:http").IncomingMessage) => boolean | Promise<boolean>,
 *           portalToken?: string, https?: boolean, trustForwarded?: boolean,
 *           sessionIdleMs?: number, sessionMaxMs?: number,
 *           loginFailures?: { max: number, windowMs: number }, log?: (line: string) => void }} options
 *   `login` checks a login (default: `portalTokenLogin(portalToken)`); `https`: always behind
 *   HTTPS; `trustForwarded`: believe `X-Forwarded-Proto` and `X-Forwarded-For` (only behind a
 *   front that sets them).
 */
export function createProxy({
  apiUser,
  apiKey,
  baseUrl = "https://cloudapi.lockt.com/api/v1",
  www,
  portalToken,
  login = portalTokenLogin(portalToken),
  https = false,
  trustForwarded = false,
  sessionIdleMs = 30 * 60_000,
  sessionMaxMs = 12 * 3600_000,
  loginFailures = { max: 10, windowMs: 60_000 },
  log = (line) => console.log(line),
}) {
  if (!apiUser || !apiKey) throw new Error("LOCKT_API_USER and LOCKT_API_KEY are required");
  const upstream = new URL(baseUrl.replace(/\/+$/, ""));
  if (upstream.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(upstream.hostname)) {
    throw new Error("the Lockt base URL must be https:// (plain http only for a loopback sandbox)");
  }
  const root = www ? normalize(resolve(www) + sep) : undefined;
  const sessions = sessionStore({ idleMs: sessionIdleMs, maxMs: sessionMaxMs });
  const limiter = loginLimiter(loginFailures);

  /** Did this request reach the front over HTTPS? */
  const secure = (req) => https || (trustForwarded && lastListItem(req.headers["x-forwarded-proto"]).toLowerCase() === "https");
  /** The client's address (IPv6: its /64): the socket's peer, or the one the trusted front appended. */
  const clientAddress = (req) => limitKey((trustForwarded && lastListItem(req.headers["x-forwarded-for"])) || req.socket.remoteAddress);
  /** `__Host-` binds the cookie to this exact origin; browsers take it only with Secure. */
  const cookieName = (req) => (secure(req) ? "__Host-lockt_session" : "lockt_session");
  const sessionId = (req) => cookies(req.headers.cookie)[cookieName(req)];

  return createServer(async (req, res) => {
    const started = performance.now();
    res.on("finish", () => log(`${req.method} ${pathOnly(req.url)} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("cache-control", "no-store");
    try {
      const url = new URL(req.url, "http://proxy.invalid");
      if (url.pathname === "/session") return await session(req, res);
      if (url.pathname === "/lockt" || url.pathname.startsWith("/lockt/")) return await forward(req, res, url);
      if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
      return serveFile(res, url.pathname);
    } catch (error) {
      if (!res.headersSent) sendError(res, error.status ?? 500, error.status ? error.message : "proxy error");
      else res.destroy();
    }
  });

  async function session(req, res) {
    if (req.method === "DELETE") {
      sessions.end(sessionId(req));
      return send(res, 204, undefined, { "set-cookie": `${cookieName(req)}=; ${cookieAttributes(req)}; Max-Age=0` });
    }
    if (req.method !== "POST") return sendError(res, 405, "method not allowed", { allow: "POST, DELETE" });
    if (!isJson(req.headers["content-type"])) return sendError(res, 415, "content-type must be application/json");
    const body = await readBody(req, MAX_LOGIN_BODY);
    const address = clientAddress(req);
    const retryAfter = limiter.enter(address);
    if (retryAfter > 0) return sendError(res, 429, "too many failed logins; try again later", { "retry-after": String(retryAfter) });
    let credentials;
    try {
      credentials = JSON.parse(body.toString("utf8"));
    } catch {
      credentials = undefined;
    }
    if (!(await login(credentials, req))) return sendError(res, 401, "login refused");
    limiter.succeeded(address);
    sessions.end(sessionId(req));
    return send(res, 204, undefined, { "set-cookie": `${cookieName(req)}=${sessions.open()}; ${cookieAttributes(req)}` });
  }

  function cookieAttributes(req) {
    return `Path=/; HttpOnly; SameSite=Strict${secure(req) ? "; Secure" : ""}`;
  }

  async function forward(req, res, url) {
    if (!sessions.touch(sessionId(req))) return sendError(res, 401, "a portal session is required: log in at /session");
    // Exactly /lockt/<name> (one optional trailing slash): no dots, encodings or sub-paths.
    const name = /^\/lockt\/([a-z]+)\/?$/.exec(url.pathname)?.[1];
    if (!name || !ALLOWED[req.method]?.has(name)) return sendError(res, 403, "not allowed through this proxy");
    if (req.method === "POST" && !isJson(req.headers["content-type"])) return sendError(res, 415, "content-type must be application/json");
    const body = req.method === "POST" ? await readBody(req, MAX_BODY) : undefined;
    const query = req.method === "GET" ? knownQuery(url.search, QUERY_KEYS[name] ?? []) : "";
    let answer;
    try {
      answer = await fetch(`${upstream.href}/${name}${query}`, {
        method: req.method,
        headers: { apiuser: apiUser, apikey: apiKey, "content-type": "application/json" },
        body,
        redirect: "manual", // the key must never follow a redirect to another host
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      const timeout = error?.name === "TimeoutError";
      return sendError(res, timeout ? 504 : 502, timeout ? "the Lockt API did not answer in time" : "the Lockt API could not be reached");
    }
    const retryAfter = answer.headers.get("retry-after");
    const passed = retryAfter ? { "retry-after": retryAfter } : {};
    if (answer.status >= 300 && answer.status < 400) {
      await answer.body?.cancel();
      return sendError(res, 502, "the Lockt API answered with a redirect");
    }
    if (!isJson(answer.headers.get("content-type"))) {
      await answer.body?.cancel();
      return sendError(res, 502, `the Lockt API answered ${answer.status} with a body that is not JSON`, passed);
    }
    const bytes = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { ...passed, "content-type": answer.headers.get("content-type"), "content-length": bytes.length });
    res.end(bytes);
  }

  function serveFile(res, pathname) {
    if (!root) return sendError(res, 404, "not found");
    let file;
    try {
      file = normalize(join(root, decodeURIComponent(pathname)));
    } catch {
      return sendError(res, 400, "malformed path");
    }
    if (!file.startsWith(root)) return sendError(res, 403, "forbidden");
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      if (extname(file) === ".html") {
        // Tells the sample page (www/) to use this proxy, and where to open a session.
        const html = readFileSync(file, "utf8").replace('<meta name="lockt-proxy" content="">', '<meta name="lockt-proxy" content="/lockt" data-session="/session">');
        return send(res, 200, html, { "content-type": TYPES[".html"], "content-security-policy": HTML_CSP, "x-frame-options": "DENY" });
      }
      const size = statSync(file).size;
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size });
      createReadStream(file).pipe(res);
    } catch {
      sendError(res, 404, "not found");
    }
  }
}

/**
 * Sessions kept in memory, keyed by a digest of their random id: an id is good until it is
 * `idleMs` unused, `maxMs` old, or ended.
 */
function sessionStore({ idleMs, maxMs }) {
  const sessions = new Map(); // digest of the id → { opened, used } (ms)
  const key = (id) => digest(id).toString("base64url");
  const expired = (s, now) => now - s.used >= idleMs || now - s.opened >= maxMs;
  return {
    /** A new session; returns its id (256 random bits). */
    open() {
      const now = Date.now();
      for (const [k, s] of sessions) if (expired(s, now)) sessions.delete(k);
      const id = randomBytes(32).toString("base64url");
      sessions.set(key(id), { opened: now, used: now });
      return id;
    },
    /** Is `id` a live session? Counts as a use. */
    touch(id) {
      if (typeof id !== "string") return false;
      const now = Date.now();
      const s = sessions.get(key(id));
      if (!s) return false;
      if (expired(s, now)) {
        sessions.delete(key(id));
        return false;
      }
      s.used = now;
      return true;
    },
    end(id) {
      if (typeof id === "string") sessions.delete(key(id));
    },
  };
}

/**
 * Login attempts per client address within a sliding window. An attempt counts when it
 * starts (so parallel guesses count too) and is taken back when it succeeds.
 */
function loginLimiter({ max, windowMs }) {
  const attempts = new Map(); // address → start times (ms) of attempts that did not succeed
  let swept = Date.now();
  return {
    /** 0: go ahead (the attempt is counted); otherwise the seconds to wait. */
    enter(address) {
      const now = Date.now();
      if (now - swept >= windowMs) {
        for (const [a, times] of attempts) if (now - times.at(-1) >= windowMs) attempts.delete(a);
        swept = now;
      }
      const recent = (attempts.get(address) ?? []).filter((t) => now - t < windowMs);
      attempts.set(address, recent);
      if (recent.length >= max) return Math.max(1, Math.ceil((recent[0] + windowMs - now) / 1000));
      recent.push(now);
      return 0;
    },
    succeeded(address) {
      const times = attempts.get(address);
      times?.pop();
      if (times?.length === 0) attempts.delete(address);
    },
  };
}

/**
 * What failed logins are counted under: an IPv4 address, or the /64 of an IPv6 one (a
 * client usually holds a whole /64).
 */
function limitKey(address = "") {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  const [head, tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}

/** The query keys in `allowed`, first occurrence each, as sent; "" when none. */
function knownQuery(search, allowed) {
  const kept = new Map();
  for (const pair of search.slice(1).split("&")) {
    let name;
    try {
      name = decodeURIComponent(pair.split("=")[0].replace(/\+/g, " "));
    } catch {
      continue;
    }
    if (allowed.includes(name) && !kept.has(name)) kept.set(name, pair);
  }
  return kept.size ? `?${[...kept.values()].join("&")}` : "";
}

/** Every answer of the proxy's own is JSON in the API's error shape. */
function sendError(res, status, message, headers = {}) {
  send(res, status, JSON.stringify({ data: { error: message } }), { "content-type": "application/json", ...headers });
}

function send(res, status, body, headers) {
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The request body, up to `limit` bytes. Over it, the promise rejects with a 413 and the rest
 * is read and dropped, so that the client, still sending, gets the 413 rather than a reset;
 * past MAX_DRAIN bytes the connection is cut.
 */
function readBody(req, limit) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    let over = false;
    const tooLarge = () => {
      over = true;
      chunks.length = 0;
      reject(Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 }));
    };
    if (Number(req.headers["content-length"]) > limit) tooLarge();
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_DRAIN) req.socket.destroy();
      else if (over) return;
      else if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function cookies(header = "") {
  const out = {};
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) {
      try {
        out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        // a malformed cookie is no session
      }
    }
  }
  return out;
}

const isJson = (contentType) => /^application\/json\s*(;|$)/i.test(contentType ?? "");
const lastListItem = (header = "") => String(header).split(",").at(-1).trim();
const digest = (text) => createHash("sha256").update(String(text)).digest();
const pathOnly = (url = "") => url.split("?")[0];

// ── command line ─────────────────────────────────────────────────────────

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const env = process.env;
  const server = createProxy({
    apiUser: env.LOCKT_API_USER,
    apiKey: env.LOCKT_API_KEY,
    portalToken: env.PORTAL_TOKEN,
    baseUrl: arg("base-url", env.LOCKT_BASE_URL ?? "https://cloudapi.lockt.com/api/v1"),
    www: arg("www", fileURLToPath(new URL("../www", import.meta.url))),
    https: env.LOCKT_PROXY_HTTPS === "1",
    trustForwarded: env.LOCKT_PROXY_TRUST_FORWARDED === "1",
  });
  const host = arg("host", env.HOST ?? "127.0.0.1");
  server.listen(Number(arg("port", env.PORT ?? 8787)), host, () => {
    console.log(`portal proxy on http://${host}:${server.address().port}/ (API calls at /lockt/*)`);
  });
}
