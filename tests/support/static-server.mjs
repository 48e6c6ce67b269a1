// A tiny static file server on 127.0.0.1 (port 0) for built test pages.
//
//   const server = await serveStatic(distDir, { headers: { "content-security-policy": "..." } });
//   await page.goto(server.url); ... await server.close();
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm", // needed by WebAssembly.instantiateStreaming
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

export function serveStatic(dir, { headers = {} } = {}) {
  const root = normalize(dir + sep);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return send(403);
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      response.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": size,
        "cache-control": "no-store",
        ...headers,
      });
      createReadStream(file).pipe(response);
    } catch {
      send(404);
    }
    function send(status) {
      response.writeHead(status, { "content-type": "text/plain" }).end(String(status));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        server,
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () =>
          new Promise((done) => {
            server.close(done);
            server.closeAllConnections(); // don't wait for browsers' keep-alive connections
          }),
      });
    });
  });
}
