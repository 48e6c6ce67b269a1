#!/usr/bin/env node
// A small proxy for running the portal in a browser without ever giving the browser the
// Lockt API key. node:http only, no dependencies.
//
//   LOCKT_API_USER=... LOCKT_API_KEY=... PORTAL_TOKEN=some-long-random-text \
//     node examples/proxy.mjs [--www DIR] [--port 8787] [--host 127.0.0.1] [--base-url URL]
//
// What it does:
// - serves the static portal (default ../www) at /;
// - forwards /lockt/<endpoint> to the Lockt API base URL (env LOCKT_BASE_URL, default
//   https://cloudapi.lockt.com/api/v1), adding the apiuser/apikey headers on the server side,
//   so the page uses `new LocktClient({ baseUrl: "/lockt" })` with no keys at all;
// - requires the caller's own session first: `Authorization: Bearer <PORTAL_TOKEN>`, or the
//   HttpOnly, SameSite=Strict cookie that `POST /session {"token": "<PORTAL_TOKEN>"}` sets
//   (`DELETE /session` clears it). Wire this to your own login in a real deployment;
// - allows only what the portal needs: GET of the list endpoints (with their query), POST
//   /lockt/user and POST /lockt/uservalidate; every other method or path is a 403;
// - never follows an upstream redirect (a 502 instead), never forwards the caller's cookies
//   or Authorization header, and never logs a key or token: one line per request,
//   `METHOD PATH STATUS MSms`.
//
// Put it behind HTTPS in production (the session cookie is marked Secure when LOCKT_PROXY_HTTPS=1).
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** What the portal may do through the proxy: method → endpoint names. */
export const ALLOWED = {
  GET: new Set(["user", "credential", "credentialsummary", "events", "door", "doorstate", "fob", "fobcheck", "schedule", "accesslevel", "nextcardnum"]),
  POST: new Set(["user", "uservalidate"]),
};

const COOKIE = "lockt_portal";
const MAX_BODY = 8 * 1024 * 1024; // 100 users per call fit many times over
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
 * Creates the proxy (not listening yet).
 * @param {{ apiUser: string, apiKey: string, portalToken: string, baseUrl?: string, www?: string,
 *           secureCookie?: boolean, log?: (line: string) => void }} options
 */
export function createProxy({ apiUser, apiKey, portalToken, baseUrl = "https://cloudapi.lockt.com/api/v1", www, secureCookie = false, log = (line) => console.log(line) }) {
  if (!apiUser || !apiKey) throw new Error("LOCKT_API_USER and LOCKT_API_KEY are required");
  if (!portalToken || portalToken.length < 16) throw new Error("PORTAL_TOKEN is required (at least 16 characters)");
  const upstream = new URL(baseUrl.replace(/\/+$/, ""));
  if (upstream.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(upstream.hostname)) {
    throw new Error("the Lockt base URL must be https:// (plain http only for a loopback sandbox)");
  }
  const root = www ? normalize(resolve(www) + sep) : undefined;
  const tokenDigest = digest(portalToken);

  const hasSession = (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const cookie = cookies(req.headers.cookie)[COOKIE];
    return [bearer, cookie].some((t) => t !== undefined && timingSafeEqual(digest(t), tokenDigest));
  };

  return createServer(async (req, res) => {
    const started = performance.now();
    res.on("finish", () => log(`${req.method} ${pathOnly(req.url)} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
    try {
      const url = new URL(req.url, "http://proxy.invalid");
      if (url.pathname === "/session") return await session(req, res);
      if (url.pathname === "/lockt" || url.pathname.startsWith("/lockt/")) return await forward(req, res, url);
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed", { allow: "GET, HEAD" });
      return serveFile(res, url.pathname);
    } catch (error) {
      if (!res.headersSent) send(res, error.status ?? 500, error.status ? error.message : "proxy error");
      else res.destroy();
    }
  });

  async function session(req, res) {
    const attrs = `Path=/; HttpOnly; SameSite=Strict${secureCookie ? "; Secure" : ""}`;
    if (req.method === "DELETE") return send(res, 204, "", { "set-cookie": `${COOKIE}=; ${attrs}; Max-Age=0` });
    if (req.method !== "POST") return send(res, 405, "method not allowed", { allow: "POST, DELETE" });
    let token;
    try {
      token = JSON.parse((await readBody(req, 4096)).toString("utf8"))?.token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || !timingSafeEqual(digest(token), tokenDigest)) return send(res, 401, "invalid session token");
    return send(res, 204, "", { "set-cookie": `${COOKIE}=${encodeURIComponent(token)}; ${attrs}` });
  }

  async function forward(req, res, url) {
    if (!hasSession(req)) return send(res, 401, "a portal session is required", { "www-authenticate": "Bearer" });
    // Exactly /lockt/<name> (one optional trailing slash): no dots, encodings or sub-paths.
    const name = /^\/lockt\/([a-z]+)\/?$/.exec(url.pathname)?.[1];
    if (!name || !ALLOWED[req.method]?.has(name)) return send(res, 403, "not allowed through this proxy");
    if (req.method === "POST" && !/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      return send(res, 415, "content-type must be application/json");
    }
    const body = req.method === "POST" ? await readBody(req, MAX_BODY) : undefined;
    let answer;
    try {
      answer = await fetch(`${upstream.href}/${name}${url.search}`, {
        method: req.method,
        headers: { apiuser: apiUser, apikey: apiKey, "content-type": "application/json" },
        body,
        redirect: "manual", // the key must never follow a redirect to another host
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      const timeout = error?.name === "TimeoutError";
      return send(res, timeout ? 504 : 502, timeout ? "the Lockt API did not answer in time" : "the Lockt API could not be reached");
    }
    if (answer.status >= 300 && answer.status < 400) return send(res, 502, "the Lockt API answered with a redirect");
    const headers = { "cache-control": "no-store" };
    for (const h of ["content-type", "retry-after"]) {
      const v = answer.headers.get(h);
      if (v) headers[h] = v;
    }
    const bytes = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { ...headers, "content-length": bytes.length });
    res.end(bytes);
  }

  function serveFile(res, pathname) {
    if (!root) return send(res, 404, "not found");
    let file = normalize(join(root, decodeURIComponent(pathname)));
    if (!file.startsWith(root)) return send(res, 403, "forbidden");
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      if (extname(file) === ".html") {
        // Tells the sample page (www/) to use this proxy, and where to open a session.
        const html = readFileSync(file, "utf8").replace('<meta name="lockt-proxy" content="">', '<meta name="lockt-proxy" content="/lockt" data-session="/session">');
        return send(res, 200, html, { "content-type": TYPES[".html"] });
      }
      const size = statSync(file).size;
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size, "cache-control": "no-store" });
      createReadStream(file).pipe(res);
    } catch {
      send(res, 404, "not found");
    }
  }
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(status === 204 ? undefined : text);
}

function readBody(req, limit) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error("request body too large"), { status: 413 }));
        req.destroy();
      } else chunks.push(chunk);
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
    secureCookie: env.LOCKT_PROXY_HTTPS === "1",
  });
  const host = arg("host", env.HOST ?? "127.0.0.1");
  server.listen(Number(arg("port", env.PORT ?? 8787)), host, () => {
    console.log(`portal proxy on http://${host}:${server.address().port}/ (API calls at /lockt/*)`);
  });
}
